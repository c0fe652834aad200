/* ds-interpolation-strip.h: a row of images between two latent vectors
 *
 * The strip loads a generator checkpoint and generates, off the main thread, the images of
 * @n_steps latent vectors spaced along the great circle from z0 to z1 (spherical
 * interpolation: the points in between keep the length typical of N(0, I) draws, where a
 * straight line would pass through unlikely, too short vectors). Asked again while it works,
 * it runs once more with the newest request when the first is done.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-sample-grid.h"

G_BEGIN_DECLS

#define DS_INTERPOLATION_STEPS_DEFAULT 10

#define DS_TYPE_INTERPOLATION_STRIP (ds_interpolation_strip_get_type ())

G_DECLARE_FINAL_TYPE (DsInterpolationStrip, ds_interpolation_strip, DS, INTERPOLATION_STRIP,
                      GtkWidget)

GtkWidget   *ds_interpolation_strip_new       (void);
/* Empties the strip and forgets generator and ends. */
void         ds_interpolation_strip_clear     (DsInterpolationStrip *self);
/* The generator file to sample (the checkpoint a GAN run rewrites every epoch); generates again
 * when the ends are set. */
void         ds_interpolation_strip_set_generator (DsInterpolationStrip *self,
                                                   const char           *checkpoint);
/* The two ends, @latent values each (copied), and what they are ("samples 3 and 17"). */
void         ds_interpolation_strip_set_ends  (DsInterpolationStrip *self,
                                               const float          *z0,
                                               const float          *z1,
                                               guint                 latent,
                                               const char           *description);
void         ds_interpolation_strip_set_n_steps (DsInterpolationStrip *self,
                                                 guint                 n_steps);
guint        ds_interpolation_strip_get_n_steps (DsInterpolationStrip *self);
/* TRUE while a strip is being made. */
gboolean     ds_interpolation_strip_is_busy   (DsInterpolationStrip *self);
/* Returns: (transfer none) (nullable): the images shown; their epoch is the generator's. */
DsSampleSet *ds_interpolation_strip_get_samples (DsInterpolationStrip *self);

/* The spherical interpolation between @z0 and @z1 (@latent values) at @t in [0, 1], into @out;
 * nearly parallel ends are interpolated linearly. */
void         ds_slerp                         (const float          *z0,
                                               const float          *z1,
                                               guint                 latent,
                                               double                t,
                                               float                *out);

/* Signals: updated ()  a new strip is shown, or making it failed (the label says why) */

G_END_DECLS
