/* ds-gan-samples.h: a GAN's samples on the Inspect page, and synthetic images made of them
 *
 * A gallery of the samples of a fixed set of latent vectors, one set an epoch, with a stepper
 * back through the epochs; a strip interpolating between two of them (the first two selected);
 * "Add Selected" puts samples in the project as synthetic images of the GAN's class, and
 * "Remove Synthetic Images" takes them all out again in one step.
 *
 * The samples come from the run the Train page's GAN panel started (ds_gan_samples_set_job():
 * every epoch as it ends), or, for a project opened later, from the newest run saved in
 * <project>/gans/: the galleries it kept of every epoch (or its generator's last epoch, made
 * again from the same latents, when it kept none).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-gan-job.h"
#include "ds-interpolation-strip.h"
#include "ds-sample-gallery.h"
#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_GAN_SAMPLES (ds_gan_samples_get_type ())

G_DECLARE_FINAL_TYPE (DsGanSamples, ds_gan_samples, DS, GAN_SAMPLES, GtkWidget)

GtkWidget            *ds_gan_samples_new          (void);
/* Shows @project (the window's; NULL to clear): lists its GAN runs in a worker thread, then
 * reads the newest one, if any ("loaded" follows). */
void                  ds_gan_samples_set_project  (DsGanSamples *self,
                                                   DsProject    *project);
/* Follows the run @job (a reference is taken): its epochs so far, then each as it ends. */
void                  ds_gan_samples_set_job      (DsGanSamples *self,
                                                   DsGanJob     *job);
/* Adds the selected samples of the epoch shown as synthetic images of the GAN's class.
 * Returns: how many were added; 0 with @error (or none selected). */
guint                 ds_gan_samples_add_selected (DsGanSamples *self,
                                                   GError      **error);
/* Removes every synthetic image of the project. Returns: FALSE with @error. */
gboolean              ds_gan_samples_remove_synthetic (DsGanSamples *self,
                                                       guint        *n_removed,
                                                       GError      **error);

/* The parts, for tests. */
DsSampleGallery      *ds_gan_samples_get_gallery  (DsGanSamples *self);
DsInterpolationStrip *ds_gan_samples_get_strip    (DsGanSamples *self);
/* Returns: (transfer none): the line saying whose samples these are, and what was done last. */
const char           *ds_gan_samples_get_status   (DsGanSamples *self);

/* Signals: images-changed ()  synthetic images were added or removed: a label grid reloads;
 *          loaded ()          a saved run, read in a worker thread, is shown.
 * Actions: samples.select-all (Ctrl+A), samples.add-selected, samples.remove-synthetic. */

G_END_DECLS
