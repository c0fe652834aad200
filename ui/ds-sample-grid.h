/* ds-sample-grid.h: generated images in a grid, scaled up crisply, selectable
 *
 * The grid lays a DsSampleSet out to fill its allocation: the number of columns that gives the
 * largest images, at a whole-number scale when the images can be enlarged (each pixel a sharp
 * square) and smoothly reduced when they cannot. With single-row the images stay in one row
 * (an interpolation strip).
 *
 * Selection is by sample index, so it stays when the set is replaced by another of the same
 * size (the same latents at another epoch). Click selects one sample, Ctrl+click adds or
 * removes one, Shift+click selects the range from the last clicked; the arrow keys move the
 * focus (with Shift they extend the selection), Space toggles the focused sample, Ctrl+A
 * selects all and Escape none.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-sample-set.h"

G_BEGIN_DECLS

#define DS_TYPE_SAMPLE_GRID (ds_sample_grid_get_type ())

G_DECLARE_FINAL_TYPE (DsSampleGrid, ds_sample_grid, DS, SAMPLE_GRID, GtkWidget)

GtkWidget   *ds_sample_grid_new            (void);
/* Shows @set (nullable; a reference is taken). The selection is kept when the new set has as
 * many images as the old one, and cleared otherwise. */
void         ds_sample_grid_set_samples    (DsSampleGrid *self,
                                            DsSampleSet  *set);
/* Returns: (transfer none) (nullable): the set shown. */
DsSampleSet *ds_sample_grid_get_samples    (DsSampleGrid *self);
void         ds_sample_grid_set_selectable (DsSampleGrid *self,
                                            gboolean      selectable);
void         ds_sample_grid_set_single_row (DsSampleGrid *self,
                                            gboolean      single_row);

gboolean     ds_sample_grid_is_selected    (DsSampleGrid *self,
                                            guint         index);
/* Selects or unselects sample @index, as a Ctrl+click does. */
void         ds_sample_grid_set_selected   (DsSampleGrid *self,
                                            guint         index,
                                            gboolean      selected);
void         ds_sample_grid_select_all     (DsSampleGrid *self);
void         ds_sample_grid_unselect_all   (DsSampleGrid *self);
guint        ds_sample_grid_get_n_selected (DsSampleGrid *self);
/* Returns: (transfer full): the selected indices, ascending, g_free(); NULL when none. */
guint       *ds_sample_grid_dup_selection  (DsSampleGrid *self,
                                            guint        *n);
/* Where sample @index is drawn, in widget coordinates; FALSE when it is not shown. For tests
 * and for pointing at it. */
gboolean     ds_sample_grid_get_cell_area  (DsSampleGrid    *self,
                                            guint            index,
                                            graphene_rect_t *area);
/* The whole-number (or below 1, fractional) scale the images are drawn at. */
double       ds_sample_grid_get_scale      (DsSampleGrid *self);

/* Signals:
 *   selection-changed ()
 *   activated (guint index)   a sample was double-clicked or Enter pressed on it */

G_END_DECLS
