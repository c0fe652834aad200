/* ds-train-page-private.h: what ds-train-page.c (the form and the live run) and
 * ds-train-page-runs.c (recorded runs: the list, their curves and metrics) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-confusion-view.h"
#include "ds-train-job.h"
#include "ds-train-page.h"

#include "ds-engine.h"
#include "store/ds-project-runs.h"

G_BEGIN_DECLS

/* How many earlier runs "Compare" draws behind the one shown. */
#define N_OVERLAYS 3

struct _DsTrainPage
{
  GtkWidget        parent_instance;

  /* template */
  GtkPaned        *paned;
  GtkStack        *mode_stack;
  DsGanPanel      *gan_panel;
  GtkDropDown     *preset_dropdown;
  GtkLabel        *preset_description;
  GtkWidget       *normal_box;
  GtkDropDown     *normal_dropdown;
  GtkSpinButton   *epochs_spin;
  GtkSpinButton   *batch_spin;
  GtkSpinButton   *lr_spin;
  GtkDropDown     *optimizer_dropdown;
  GtkSpinButton   *decay_spin;
  GtkSpinButton   *val_spin;
  GtkSpinButton   *patience_spin;
  GtkSpinButton   *seed_spin;
  GtkSpinButton   *shift_spin;
  GtkCheckButton  *hflip_check;
  GtkCheckButton  *vflip_check;
  GtkButton       *pause_button;
  GtkListBox      *runs_list;
  GtkCheckButton  *overlay_check;
  GtkLabel        *status_label;
  GtkLabel        *throughput_label;
  GtkProgressBar  *progress_bar;
  GtkCheckButton  *log_check;
  GtkDropDown     *xunit_dropdown;
  GtkAdjustment   *smoothing_adjustment;
  GtkLabel        *chart_caption;
  DsLossChart     *chart;
  GtkLabel        *metrics_title;
  GtkGrid         *metrics_grid;
  DsConfusionView *confusion;
  GtkWidget       *confusion_box;

  DsProject       *project;       /* the window's */
  GPtrArray       *presets;       /* DsPreset: the dropdown's, classifiers then autoencoders;
                                   * the GAN presets follow them in the dropdown */
  gboolean         shown_autoencoder;  /* the run shown reconstructs: AUROC, no confusion */
  DsTrainJob      *job;
  GPtrArray       *runs;          /* DsRunInfo, newest first, as listed */
  gint64           shown_run;     /* the run on the chart */
  GStrv            shown_classes;
  gint64          *shown_class_ids;
  guint            total_epochs;
  guint64          steps_per_epoch;
  guint            focus_idle_id;  /* takes the keyboard once shown */
};

void ds_train_page_update_actions    (DsTrainPage      *self);
/* The per-class figures and confusion matrix of @epoch (NULL: none), or an autoencoder run's
 * AUROCs and thresholds. */
void ds_train_page_show_metrics      (DsTrainPage      *self,
                                      const DsRunEpoch *epoch);
/* What the chart and the metrics are about (NULL: nothing). */
void ds_train_page_set_shown_run     (DsTrainPage      *self,
                                      const DsRunInfo  *info);
/* Lists the project's runs again, selecting @select_id (0: none). */
void ds_train_page_reload_runs       (DsTrainPage      *self,
                                      gint64            select_id);
/* The earlier runs "Compare" draws behind the one shown. */
void ds_train_page_add_overlays      (DsTrainPage      *self);
/* Puts a recorded run on the chart, the metrics and the confusion matrix. */
void ds_train_page_show_run          (DsTrainPage      *self,
                                      const DsRunInfo  *info);
/* Template callbacks. */
void ds_train_page_run_selected_cb   (DsTrainPage      *self,
                                      GtkListBoxRow    *row);
void ds_train_page_overlay_toggled_cb (DsTrainPage     *self);

G_END_DECLS
