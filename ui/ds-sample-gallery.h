/* ds-sample-gallery.h: the samples of every epoch so far, with a stepper to go back through them
 *
 * A gallery keeps one DsSampleSet an epoch (the GAN's fixed latents, so that the same cell is
 * the same latent vector throughout) and shows one at a time in a DsSampleGrid, with "Epoch 3 of
 * 12" and buttons to step back and forth (Alt+Left, Alt+Right; Alt+End for the latest). While it
 * shows the latest epoch it follows the new ones as they come; stepped back, it stays where it
 * is. The selection belongs to the cells, so it stays while stepping.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-sample-grid.h"
#include "ds-sample-set.h"

G_BEGIN_DECLS

#define DS_TYPE_SAMPLE_GALLERY (ds_sample_gallery_get_type ())

G_DECLARE_FINAL_TYPE (DsSampleGallery, ds_sample_gallery, DS, SAMPLE_GALLERY, GtkWidget)

GtkWidget    *ds_sample_gallery_new          (void);
/* Forgets every set (a new run). */
void          ds_sample_gallery_clear        (DsSampleGallery *self);
/* Appends the set of the next epoch (a reference is taken). */
void          ds_sample_gallery_add          (DsSampleGallery *self,
                                              DsSampleSet     *set);
guint         ds_sample_gallery_get_n_sets   (DsSampleGallery *self);
/* The set shown, 1-based (0 when empty). */
guint         ds_sample_gallery_get_position (DsSampleGallery *self);
/* Shows set @position (clamped to 1 .. n); the last one follows new epochs. */
void          ds_sample_gallery_set_position (DsSampleGallery *self,
                                              guint            position);
/* Returns: (transfer none) (nullable): the set shown. */
DsSampleSet  *ds_sample_gallery_get_shown    (DsSampleGallery *self);
/* Returns: (transfer none): the grid, for its selection. */
DsSampleGrid *ds_sample_gallery_get_grid     (DsSampleGallery *self);
/* Returns: (transfer none): the "Epoch 3 of 12" text. */
const char   *ds_sample_gallery_get_title    (DsSampleGallery *self);

/* Properties: position (guint). Actions: gallery.previous, gallery.next, gallery.latest. */

G_END_DECLS
