/* ds-gan-panel.h: training a GAN on one class of a project, on the Train page
 *
 * The settings (class, model, epochs, batch, seed) and Train, Pause and Stop; the D and G loss
 * curves, the trouble the engine detects (collapse, divergence) listed by step, and after every
 * epoch the samples' score with the project's own classifier, when it has one (the Fréchet
 * distance, and the share of samples it puts in the class, also drawn on the chart). The samples
 * of the run are shown on the Inspect page (ds-gan-samples.h), which follows the job this panel
 * hands out with "job-started".
 *
 * The project is the window's; training runs on a DsGanJob of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-gan-job.h"
#include "ds-loss-chart.h"

#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_GAN_PANEL (ds_gan_panel_get_type ())

G_DECLARE_FINAL_TYPE (DsGanPanel, ds_gan_panel, DS, GAN_PANEL, GtkWidget)

GtkWidget       *ds_gan_panel_new            (void);
/* Shows @project (owned by the window; NULL to clear). A run of the previous project stops,
 * and is waited for. */
void             ds_gan_panel_set_project    (DsGanPanel   *self,
                                              DsProject    *project);
/* Re-reads the classes and the count of synthetic images (after labelling elsewhere). */
void             ds_gan_panel_reload         (DsGanPanel   *self);
gboolean         ds_gan_panel_is_training    (DsGanPanel   *self);
/* Stops a run in progress and waits for its thread (a closing window). */
void             ds_gan_panel_stop_and_wait  (DsGanPanel   *self);
/* Sets the form (tests, or a caller with its own defaults); NULL class: the rarest. */
void             ds_gan_panel_set_settings   (DsGanPanel   *self,
                                              const char   *class_name,
                                              const char   *preset,
                                              guint         epochs,
                                              guint         batch_size,
                                              guint64       seed);
/* The "Model" dropdown: its items' first words are preset names, GAN presets or others (the
 * Train page shares its own list of every preset through it; others are ignored here).
 * Returns: (transfer none): the dropdown. */
GtkDropDown      *ds_gan_panel_get_preset_dropdown (DsGanPanel *self);
/* For tests: the parts. The job is NULL when no run has started. */
DsGanJob         *ds_gan_panel_get_job       (DsGanPanel   *self);
DsLossChart      *ds_gan_panel_get_chart     (DsGanPanel   *self);
/* Returns: (transfer none): the status line and the trouble list as shown. */
const char       *ds_gan_panel_get_status    (DsGanPanel   *self);
const char       *ds_gan_panel_get_trouble_text (DsGanPanel *self);
/* Returns: (transfer none): whether epochs are scored, and the last epoch's score. */
const char       *ds_gan_panel_get_quality_text (DsGanPanel *self);

/* Signals:
 *   job-started  (DsGanJob *)                   a run was created; it starts right after
 *   run-finished (gpointer const GError *)      a GAN run ended (NULL: every epoch ran)
 * Actions: gan.start (Ctrl+Return), gan.pause, gan.stop. */

G_END_DECLS
