/* ds-train-page.h: training from the window: settings, live curves, metrics and runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-gan-panel.h"
#include "ds-loss-chart.h"
#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_TRAIN_PAGE (ds_train_page_get_type ())

G_DECLARE_FINAL_TYPE (DsTrainPage, ds_train_page, DS, TRAIN_PAGE, GtkWidget)

/* Shows the runs of @project (owned by the window; NULL to clear). A run in progress for the
 * previous project is stopped first, and waited for. */
void          ds_train_page_set_project     (DsTrainPage  *self,
                                             DsProject    *project);
/* TRUE from Train until the run has ended (a classifier's or autoencoder's: a GAN's runs on
 * the GAN panel, shown in place of the rest when a GAN preset is chosen). */
gboolean      ds_train_page_is_training     (DsTrainPage  *self);
/* Stops a run in progress and waits for its thread (a closing window). */
void          ds_train_page_stop_and_wait   (DsTrainPage  *self);
/* The run shown (the live one while training), or 0. */
gint64        ds_train_page_get_run_id      (DsTrainPage  *self);
/* For tests: the page's chart and confusion matrix. */
DsLossChart  *ds_train_page_get_chart       (DsTrainPage  *self);
GtkWidget    *ds_train_page_get_confusion_view (DsTrainPage *self);
/* Returns: (transfer none): the panel shown for GAN presets. */
DsGanPanel   *ds_train_page_get_gan_panel   (DsTrainPage  *self);

/* Signals:
 *   show-images   (gint64 run_id, gint64 true_class_id, gint64 predicted_class_id)
 *                 a confusion-matrix cell was activated
 *   run-finished  (gint64 run_id)  a run ended (its predictions are in the project if it
 *                 finished) */

G_END_DECLS
