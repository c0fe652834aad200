/* ds-train-page.c
 *
 * The page keeps no training state of its own: a DsTrainJob runs the engine's DsRun on its own
 * thread and reports here; everything shown afterwards is read back from the project's run
 * records, so a run started from the command line looks the same as one started here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-error-dialog.h"
#include "ds-train-page-private.h"

enum {
  SHOW_IMAGES,
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsTrainPage, ds_train_page, GTK_TYPE_WIDGET)

static const DsOptimKind optimizers[] = { DS_OPTIM_ADAM, DS_OPTIM_ADAMW, DS_OPTIM_SGD };

void
ds_train_page_update_actions (DsTrainPage *self)
{
  gboolean training = self->job != NULL;
  gboolean can_resume = FALSE;
  GtkListBoxRow *row;

  /* the list box emits row-selected while the template is disposed */
  if (self->runs_list == NULL)
    return;
  row = gtk_list_box_get_selected_row (self->runs_list);

  if (!training && row != NULL && self->runs != NULL)
    {
      DsRunInfo *info = g_ptr_array_index (self->runs, gtk_list_box_row_get_index (row));

      can_resume = info->status == DS_RUN_CANCELLED || info->status == DS_RUN_FAILED
                   || info->status == DS_RUN_RUNNING;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.start",
                                 !training && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.pause", training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.cancel", training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.resume", can_resume);
  gtk_widget_set_sensitive (GTK_WIDGET (self->runs_list), !training);
  gtk_button_set_label (self->pause_button,
                        training && ds_train_job_get_paused (self->job) ? "_Continue" : "_Pause");
}

/* The form */

static const DsPreset *
selected_preset (DsTrainPage *self)
{
  guint i = gtk_drop_down_get_selected (self->preset_dropdown);

  return i < self->presets->len ? g_ptr_array_index (self->presets, i) : NULL;
}

/* The project's classes, the usual normal one (good, ok, normal) selected. */
static void
update_normal_classes (DsTrainPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(GPtrArray) strv = g_ptr_array_new ();
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->normal_dropdown);
  g_autofree char *previous = item != NULL ? g_strdup (gtk_string_object_get_string (item)) : NULL;
  gint32 k;

  if (self->project != NULL)
    classes = ds_project_list_classes (self->project, NULL);
  for (guint i = 0; classes != NULL && i < classes->len; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (classes, i);

      gtk_string_list_append (names, info->name);
      g_ptr_array_add (strv, info->name);
    }
  g_ptr_array_add (strv, NULL);
  /* the user's choice stays while the class does */
  k = ds_run_find_normal_class ((const char * const *) strv->pdata, previous, NULL);
  if (k < 0)
    k = ds_run_find_normal_class ((const char * const *) strv->pdata, NULL, NULL);
  gtk_drop_down_set_model (self->normal_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->normal_dropdown, k >= 0 ? (guint) k : 0);
}

static void
set_form (DsTrainPage       *self,
          const DsRunConfig *config)
{
  gtk_spin_button_set_value (self->epochs_spin, config->epochs);
  gtk_spin_button_set_value (self->batch_spin, config->batch_size);
  gtk_spin_button_set_value (self->lr_spin, config->lr);
  for (guint i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (optimizers[i] == config->optimizer)
      gtk_drop_down_set_selected (self->optimizer_dropdown, i);
  gtk_spin_button_set_value (self->decay_spin, config->weight_decay);
  gtk_spin_button_set_value (self->val_spin, config->val_split);
  gtk_spin_button_set_value (self->patience_spin, config->patience);
  gtk_spin_button_set_value (self->seed_spin, (double) config->seed);
  gtk_spin_button_set_value (self->shift_spin, config->augment.max_shift);
  gtk_check_button_set_active (self->hflip_check, config->augment.hflip);
  gtk_check_button_set_active (self->vflip_check, config->augment.vflip);
}

/* Shown from the page switcher (Alt+T), the page takes the keyboard: Ctrl+Return trains and
 * Tab walks the form from the model list. In an idle: the switcher's button takes the focus
 * after the page is mapped. */
static gboolean
focus_idle_cb (gpointer user_data)
{
  DsTrainPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean gan = g_strcmp0 (gtk_stack_get_visible_child_name (self->mode_stack), "gan") == 0;

  self->focus_idle_id = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self))))
    gtk_widget_grab_focus (gan ? GTK_WIDGET (ds_gan_panel_get_preset_dropdown (self->gan_panel))
                               : GTK_WIDGET (self->preset_dropdown));

  return G_SOURCE_REMOVE;
}

static void
mapped_cb (DsTrainPage *self)
{
  if (self->focus_idle_id == 0)
    self->focus_idle_id = g_idle_add_full (GTK_PRIORITY_RESIZE + 10, focus_idle_cb, self, NULL);
}

/* An autoencoder's epochs may be 0, "auto": chosen from the number of normal images when the
 * run starts (ds_anomaly_auto_epochs()). */
static gboolean
epochs_output_cb (GtkSpinButton *spin)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), "auto");

  return TRUE;
}

static int
epochs_input_cb (GtkSpinButton *spin,
                 double        *value)
{
  if (g_ascii_strcasecmp (gtk_editable_get_text (GTK_EDITABLE (spin)), "auto") != 0)
    return FALSE;
  *value = 0;

  return TRUE;
}

static void
preset_changed_cb (DsTrainPage *self)
{
  const DsPreset *preset = selected_preset (self);
  g_auto(DsRunConfig) config = { 0 };

  /* a GAN has a panel of its own, with the same dropdown */
  gtk_stack_set_visible_child_name (self->mode_stack, preset != NULL ? "network" : "gan");
  if (preset == NULL)
    return;
  gtk_label_set_text (self->preset_description, preset->description);
  gtk_widget_set_visible (self->normal_box, preset->kind == DS_PRESET_AUTOENCODER);
  if (preset->kind == DS_PRESET_AUTOENCODER)
    update_normal_classes (self);
  gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (self->epochs_spin),
                            preset->kind == DS_PRESET_AUTOENCODER ? 0 : 1);
  /* a preset brings the settings it was tuned with; the seed stays */
  ds_run_config_init (&config, preset);
  config.seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin);
  set_form (self, &config);
  /* with no run shown, the overlays follow the model chosen */
  if (self->shown_run == 0 && self->project != NULL)
    ds_train_page_add_overlays (self);
}

static void
read_form (DsTrainPage *self,
           DsRunConfig *config)
{
  guint optimizer = gtk_drop_down_get_selected (self->optimizer_dropdown);

  ds_run_config_init (config, selected_preset (self));
  /* spin buttons may hold text typed but not yet taken */
  gtk_spin_button_update (self->epochs_spin);
  gtk_spin_button_update (self->batch_spin);
  gtk_spin_button_update (self->lr_spin);
  gtk_spin_button_update (self->decay_spin);
  gtk_spin_button_update (self->val_spin);
  gtk_spin_button_update (self->patience_spin);
  gtk_spin_button_update (self->seed_spin);
  gtk_spin_button_update (self->shift_spin);
  config->epochs = (guint) gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->batch_size = (guint) gtk_spin_button_get_value_as_int (self->batch_spin);
  config->lr = gtk_spin_button_get_value (self->lr_spin);
  config->optimizer = optimizers[MIN (optimizer, G_N_ELEMENTS (optimizers) - 1)];
  config->weight_decay = gtk_spin_button_get_value (self->decay_spin);
  config->val_split = gtk_spin_button_get_value (self->val_spin);
  config->patience = (guint) gtk_spin_button_get_value_as_int (self->patience_spin);
  config->seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin);
  config->augment.max_shift = (guint) gtk_spin_button_get_value_as_int (self->shift_spin);
  config->augment.hflip = gtk_check_button_get_active (self->hflip_check);
  config->augment.vflip = gtk_check_button_get_active (self->vflip_check);
  config->n_threads = 2;
  if (config->preset != NULL && ds_run_config_is_autoencoder (config))
    {
      GtkStringObject *normal = gtk_drop_down_get_selected_item (self->normal_dropdown);

      /* none: the run takes the usual name, or says there is none */
      config->normal_class = normal != NULL ? g_strdup (gtk_string_object_get_string (normal))
                                            : NULL;
    }
}

static void
confusion_cell_cb (DsTrainPage *self,
                   guint        true_index,
                   guint        predicted_index)
{
  guint k = self->shown_classes != NULL ? g_strv_length (self->shown_classes) : 0;

  if (self->shown_run == 0 || true_index >= k || predicted_index >= k)
    return;
  g_signal_emit (self, signals[SHOW_IMAGES], 0, self->shown_run,
                 self->shown_class_ids[true_index], self->shown_class_ids[predicted_index]);
}

/* The live run */

static void
update_status (DsTrainPage *self)
{
  g_autofree char *text = NULL;
  DsProgress p;
  double rate, fraction;
  char eta[32];

  if (self->job == NULL)
    return;
  ds_train_job_get_progress (self->job, &p);
  switch (ds_train_job_get_phase (self->job))
    {
    case DS_TRAIN_JOB_LOADING:
      gtk_label_set_text (self->status_label, "Reading the images…");
      gtk_progress_bar_pulse (self->progress_bar);
      return;
    case DS_TRAIN_JOB_PREDICTING:
      gtk_label_set_text (self->status_label, self->shown_autoencoder
                          ? "Scoring every image of the project and setting the thresholds…"
                          : "Predicting every image of the project…");
      return;
    default:
      break;
    }
  if (p.global_step == 0)
    return;

  ds_format_duration (p.eta_seconds, eta, sizeof eta);
  text = g_strdup_printf ("Run #%" G_GINT64_FORMAT "%s · epoch %u of %u · step %" G_GUINT64_FORMAT
                          " of %" G_GUINT64_FORMAT " · loss %.4f · %s left",
                          ds_train_job_get_run_id (self->job),
                          ds_train_job_get_paused (self->job) ? " (paused)" : "",
                          p.epoch, p.n_epochs, p.step, p.n_steps, p.loss, eta);
  gtk_label_set_text (self->status_label, text);
  fraction = (double) p.global_step / MAX ((double) p.n_epochs * p.n_steps, 1.0);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  rate = ds_train_job_get_throughput (self->job);
  g_free (text);
  text = g_strdup_printf ("%.0f images/s", rate);
  gtk_label_set_text (self->throughput_label, text);
}

static void
job_started_cb (DsTrainPage *self,
                gint64       run_id,
                guint64      steps_per_epoch,
                guint        n_train,
                guint        n_val,
                guint        n_test)
{
  g_autoptr(DsRunInfo) info = ds_project_get_run (self->project, run_id, NULL);

  if (info != NULL)
    {
      /* a resumed run shows what it did before it stopped */
      if (info->epochs_done > 0)
        ds_train_page_show_run (self, info);
      else
        {
          ds_train_page_set_shown_run (self, info);
          ds_loss_chart_clear (self->chart);
          ds_train_page_show_metrics (self, NULL);
        }
    }
  ds_loss_chart_set_steps_per_epoch (self->chart, steps_per_epoch);
  ds_train_page_reload_runs (self, 0);
  ds_train_page_add_overlays (self);
  g_debug ("run %" G_GINT64_FORMAT ": %u training, %u validation, %u test images", run_id,
           n_train, n_val, n_test);
}

static void
job_steps_cb (DsTrainPage     *self,
              const DsRunStep *steps,
              guint            n)
{
  for (guint i = 0; i < n; i++)
    ds_loss_chart_add_train_loss (self->chart, steps[i].step, steps[i].loss);
  update_status (self);
}

static void
job_epoch_cb (DsTrainPage      *self,
              const DsRunEpoch *epoch)
{
  ds_loss_chart_add_epoch (self->chart, epoch->epoch, epoch->val_loss, epoch->val_accuracy);
  ds_train_page_show_metrics (self, epoch);
}

static void
job_phase_cb (DsTrainPage *self)
{
  update_status (self);
  ds_train_page_update_actions (self);
}

static void
job_finished_cb (DsTrainPage  *self,
                 const GError *error)
{
  gint64 run_id = ds_train_job_get_run_id (self->job);

  g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  ds_train_page_reload_runs (self, run_id);
  if (run_id == 0 && error != NULL)
    {
      /* nothing was recorded: the run could not start */
      gtk_label_set_text (self->status_label, error->message);
      ds_show_error (GTK_WIDGET (self), "The run could not start", error);
    }
  else if (error != NULL && !g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED))
    ds_show_error (GTK_WIDGET (self), "Training stopped", error);
  ds_train_page_update_actions (self);
  if (run_id != 0)
    g_signal_emit (self, signals[RUN_FINISHED], 0, run_id);
}

static void
start_job (DsTrainPage *self,
           DsTrainJob  *job)
{
  self->job = job;
  g_signal_connect_swapped (job, "started", G_CALLBACK (job_started_cb), self);
  g_signal_connect_swapped (job, "steps", G_CALLBACK (job_steps_cb), self);
  g_signal_connect_swapped (job, "epoch", G_CALLBACK (job_epoch_cb), self);
  g_signal_connect_swapped (job, "finished", G_CALLBACK (job_finished_cb), self);
  g_signal_connect_swapped (job, "notify::phase", G_CALLBACK (job_phase_cb), self);
  gtk_list_box_unselect_all (self->runs_list);
  gtk_label_set_text (self->status_label, "Reading the images…");
  gtk_label_set_text (self->throughput_label, "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  ds_train_job_start (job);
  ds_train_page_update_actions (self);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DsTrainPage *self = DS_TRAIN_PAGE (widget);
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(GError) error = NULL;

  if (self->job != NULL || self->project == NULL || selected_preset (self) == NULL)
    return;
  read_form (self, &config);
  if (!ds_run_config_validate (&config, &error))
    {
      ds_show_error (widget, "These settings cannot train", error);
      return;
    }
  start_job (self, ds_train_job_new (ds_project_get_folder (self->project), &config));
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsTrainPage *self = DS_TRAIN_PAGE (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->runs_list);
  DsRunInfo *info;

  if (self->job != NULL || row == NULL || self->runs == NULL)
    return;
  info = g_ptr_array_index (self->runs, gtk_list_box_row_get_index (row));
  start_job (self, ds_train_job_new_resume (ds_project_get_folder (self->project), info->id));
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DsTrainPage *self = DS_TRAIN_PAGE (widget);

  if (self->job == NULL)
    return;
  ds_train_job_set_paused (self->job, !ds_train_job_get_paused (self->job));
  ds_train_page_update_actions (self);
  update_status (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsTrainPage *self = DS_TRAIN_PAGE (widget);

  if (self->job != NULL)
    {
      ds_train_job_cancel (self->job);
      gtk_label_set_text (self->status_label, "Stopping after this step…");
    }
}

/* Exports */

typedef gboolean (*ExportFunc) (DsLossChart  *chart,
                                const char   *path,
                                GError      **error);

static gboolean
export_png (DsLossChart  *chart,
            const char   *path,
            GError      **error)
{
  return ds_loss_chart_export_png (chart, path, 1200, 700, error);
}

static gboolean
export_svg (DsLossChart  *chart,
            const char   *path,
            GError      **error)
{
  return ds_loss_chart_export_svg (chart, path, 900, 525, error);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  DsTrainPage *self = DS_TRAIN_PAGE (user_data);
  ExportFunc func = g_object_get_data (G_OBJECT (dialog), "ds-func");

  if (response == GTK_RESPONSE_ACCEPT && self->chart != NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      G_GNUC_END_IGNORE_DEPRECATIONS
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path != NULL && !func (self->chart, path, &error))
        ds_show_error (GTK_WIDGET (self), "The chart could not be exported", error);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsTrainPage *self = DS_TRAIN_PAGE (widget);
  g_autofree char *name = NULL;
  const char *ext = "csv";
  ExportFunc func = ds_loss_chart_export_csv;
  GtkFileChooserNative *chooser;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (g_str_equal (action_name, "train.export-png"))
    ext = "png", func = export_png;
  else if (g_str_equal (action_name, "train.export-svg"))
    ext = "svg", func = export_svg;
  name = g_strdup_printf ("run-%" G_GINT64_FORMAT ".%s", self->shown_run, ext);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new ("Export", GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "ds-func", func);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Public */

static void
stop_job (DsTrainPage *self)
{
  if (self->job == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->job, self);
  ds_train_job_cancel_and_wait (self->job);
  g_clear_object (&self->job);
}

void
ds_train_page_stop_and_wait (DsTrainPage *self)
{
  g_return_if_fail (DS_IS_TRAIN_PAGE (self));

  ds_gan_panel_stop_and_wait (self->gan_panel);
  if (self->job == NULL)
    return;
  stop_job (self);
  ds_train_page_update_actions (self);
}

/* What a new run starts from: the preset of the project's newest run, else surface-cnn, the
 * one for part images (seed-cnn, the design document's network, stays at the majority class
 * on the demo project). */
static void
select_default_preset (DsTrainPage *self)
{
  const char *name = "surface-cnn";

  if (self->runs != NULL && self->runs->len > 0)
    name = ((DsRunInfo *) g_ptr_array_index (self->runs, 0))->config.preset;
  for (guint pass = 0; pass < 2; pass++, name = "surface-cnn")
    for (guint i = 0; i < self->presets->len; i++)
      if (g_strcmp0 (((const DsPreset *) g_ptr_array_index (self->presets, i))->name, name) == 0)
        {
          gtk_drop_down_set_selected (self->preset_dropdown, i);
          return;
        }
}

void
ds_train_page_set_project (DsTrainPage *self,
                           DsProject   *project)
{
  g_return_if_fail (DS_IS_TRAIN_PAGE (self));

  ds_train_page_stop_and_wait (self);
  ds_gan_panel_set_project (self->gan_panel, project);
  self->project = project;
  update_normal_classes (self);
  ds_train_page_set_shown_run (self, NULL);
  ds_loss_chart_clear (self->chart);
  ds_loss_chart_clear_overlays (self->chart);
  ds_train_page_show_metrics (self, NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->throughput_label, "");
  gtk_label_set_text (self->status_label, project != NULL
                      ? "Set up a run on the left and press Train."
                      : "Open a project to train on its labelled images.");
  ds_train_page_reload_runs (self, 0);
  select_default_preset (self);
  /* the latest run, to pick up where the user left off */
  if (self->runs != NULL && self->runs->len > 0)
    gtk_list_box_select_row (self->runs_list, gtk_list_box_get_row_at_index (self->runs_list, 0));
  ds_train_page_update_actions (self);
}

gboolean
ds_train_page_is_training (DsTrainPage *self)
{
  return self->job != NULL;
}

DsGanPanel *
ds_train_page_get_gan_panel (DsTrainPage *self)
{
  return self->gan_panel;
}

gint64
ds_train_page_get_run_id (DsTrainPage *self)
{
  if (self->job != NULL && ds_train_job_get_run_id (self->job) != 0)
    return ds_train_job_get_run_id (self->job);

  return self->shown_run;
}

DsLossChart *
ds_train_page_get_chart (DsTrainPage *self)
{
  return self->chart;
}

GtkWidget *
ds_train_page_get_confusion_view (DsTrainPage *self)
{
  return GTK_WIDGET (self->confusion);
}

static gboolean
x_unit_to_chart (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_set_enum (to, g_value_get_uint (from) == 1 ? DS_CHART_X_EPOCH : DS_CHART_X_STEP);
  return TRUE;
}

static void
ds_train_page_dispose (GObject *object)
{
  DsTrainPage *self = DS_TRAIN_PAGE (object);

  stop_job (self);
  g_clear_handle_id (&self->focus_idle_id, g_source_remove);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->presets, g_ptr_array_unref);
  ds_train_page_set_shown_run (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_TRAIN_PAGE);

  G_OBJECT_CLASS (ds_train_page_parent_class)->dispose (object);
}

static void
ds_train_page_class_init (DsTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_train_page_dispose;

  signals[SHOW_IMAGES] = g_signal_new ("show-images", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                       G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64);
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_INT64);

  g_type_ensure (DS_TYPE_LOSS_CHART);
  g_type_ensure (DS_TYPE_CONFUSION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/defectscope/Defectscope/ui/ds-train-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "trainpage");

  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, paned);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, gan_panel);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, preset_description);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, normal_box);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, normal_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, chart_caption);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, confusion_box);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, optimizer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, decay_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, val_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, patience_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, shift_spin);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, hflip_check);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, vflip_check);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, runs_list);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, overlay_check);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, throughput_label);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, log_check);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, xunit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, chart);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, metrics_title);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, DsTrainPage, confusion);
  gtk_widget_class_bind_template_callback (widget_class, preset_changed_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "run_selected_cb",
                                                G_CALLBACK (ds_train_page_run_selected_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "overlay_toggled_cb",
                                                G_CALLBACK (ds_train_page_overlay_toggled_cb));
  gtk_widget_class_bind_template_callback (widget_class, confusion_cell_cb);

  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "train.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "train.export-csv", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "train.export-png", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "train.export-svg", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "train.start", NULL);
}

static void
ds_train_page_init (DsTrainPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  static const DsPresetKind kinds[] = { DS_PRESET_CLASSIFIER, DS_PRESET_AUTOENCODER };
  const DsGanPreset * const *gans = ds_gan_presets ();

  g_type_ensure (DS_TYPE_GAN_PANEL);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* classifiers, autoencoders, then GANs; select_default_preset() picks one for a project */
  self->presets = g_ptr_array_new ();
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const DsPreset * const *presets = ds_presets_of_kind (kinds[k]);

      for (guint i = 0; presets[i] != NULL; i++)
        {
          g_autofree char *text = g_strdup_printf ("%s · %s", presets[i]->name,
                                                   kinds[k] == DS_PRESET_AUTOENCODER
                                                   ? "autoencoder (anomalies)" : "classifier");

          g_ptr_array_add (self->presets, (gpointer) presets[i]);
          gtk_string_list_append (names, text);
        }
    }
  for (guint i = 0; gans[i] != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s · GAN (synthetic images of a class)",
                                               gans[i]->name);

      gtk_string_list_append (names, text);
    }
  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->preset_dropdown, 0);
  gtk_drop_down_set_model (ds_gan_panel_get_preset_dropdown (self->gan_panel),
                           G_LIST_MODEL (names));
  g_object_bind_property (self->preset_dropdown, "selected",
                          ds_gan_panel_get_preset_dropdown (self->gan_panel), "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  preset_changed_cb (self);

  /* classes come and go on the Label page */
  g_signal_connect (self, "map", G_CALLBACK (update_normal_classes), NULL);
  g_signal_connect (self->epochs_spin, "output", G_CALLBACK (epochs_output_cb), NULL);
  g_signal_connect (self->epochs_spin, "input", G_CALLBACK (epochs_input_cb), NULL);
  g_signal_connect (self, "map", G_CALLBACK (mapped_cb), NULL);
  g_object_bind_property (self->log_check, "active", self->chart, "log-scale",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->smoothing_adjustment, "value", self->chart, "smoothing",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (self->xunit_dropdown, "selected", self->chart, "x-unit",
                               G_BINDING_SYNC_CREATE, x_unit_to_chart, NULL, NULL, NULL);
  ds_train_page_update_actions (self);
}
