/* ds-gan-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error-dialog.h"
#include "ds-gan-panel.h"

#include "ds-engine.h"

/* Trouble messages kept on screen, newest last. */
#define N_TROUBLE_SHOWN 4

struct _DsGanPanel
{
  GtkWidget             parent_instance;

  /* template */
  GtkPaned             *paned;
  GtkDropDown          *class_dropdown;
  GtkDropDown          *preset_dropdown;
  GtkSpinButton        *epochs_spin;
  GtkSpinButton        *batch_spin;
  GtkSpinButton        *seed_spin;
  GtkButton            *pause_button;
  GtkProgressBar       *progress_bar;
  GtkLabel             *status_label;
  GtkLabel             *trouble_label;
  GtkLabel             *quality_label;
  DsLossChart          *chart;

  DsProject            *project;      /* the window's */
  DsGanJob             *job;          /* the last run's, kept for its samples */
  gboolean              training;
  char                 *class_name;   /* what the run's GAN learns */
  char                 *preset;       /* the GAN preset chosen */
  guint                 n_epochs_done;
  guint                 d_series, g_series, share_series;
  guint64               total_steps;
  guint64               last_step;
  GPtrArray            *troubles;     /* char *, oldest first */
};

enum {
  JOB_STARTED,
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsGanPanel, ds_gan_panel, GTK_TYPE_WIDGET)

GtkWidget *
ds_gan_panel_new (void)
{
  return g_object_new (DS_TYPE_GAN_PANEL, NULL);
}

static void
update_actions (DsGanPanel *self)
{
  if (self->status_label == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gan.start",
                                 !self->training && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gan.pause", self->training);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gan.stop", self->training);
  gtk_button_set_label (self->pause_button,
                        self->training && ds_gan_job_get_paused (self->job) ? "_Continue"
                                                                            : "_Pause");
}

/* The form */

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
select_string (GtkDropDown *dropdown,
               const char  *text)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; text != NULL && model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_ascii_strcasecmp (gtk_string_object_get_string (item), text) == 0)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
}

/* The dropdown may be shared with the Train page, whose items read "name · description" and
 * include classifiers: only a GAN preset's name is taken. */
static void
preset_changed_cb (DsGanPanel *self)
{
  const char *text = selected_string (self->preset_dropdown);
  g_autofree char *name = text != NULL ? g_strndup (text, strcspn (text, " ")) : NULL;
  const DsGanPreset *preset = name != NULL ? ds_gan_preset_lookup (name) : NULL;

  if (preset == NULL || g_strcmp0 (self->preset, preset->name) == 0)
    return;
  g_free (self->preset);
  self->preset = g_strdup (preset->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->preset_dropdown), preset->description);
  gtk_spin_button_set_value (self->epochs_spin, preset->epochs);
}

static void
fill_classes (DsGanPanel *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) classes = NULL;
  g_autofree char *keep = g_strdup (selected_string (self->class_dropdown));

  if (self->project != NULL)
    classes = ds_project_list_classes (self->project, NULL);
  for (guint i = 0; classes != NULL && i < classes->len; i++)
    gtk_string_list_append (names, ((DsClassInfo *) g_ptr_array_index (classes, i))->name);
  gtk_drop_down_set_model (self->class_dropdown, G_LIST_MODEL (names));
  if (keep == NULL && self->project != NULL)
    keep = ds_gan_dup_rarest_class (self->project, NULL);
  select_string (self->class_dropdown, keep);
}

void
ds_gan_panel_set_settings (DsGanPanel *self,
                           const char *class_name,
                           const char *preset,
                           guint       epochs,
                           guint       batch_size,
                           guint64     seed)
{
  g_autofree char *rarest = NULL;

  g_return_if_fail (DS_IS_GAN_PANEL (self));

  if (class_name == NULL && self->project != NULL)
    class_name = rarest = ds_gan_dup_rarest_class (self->project, NULL);
  select_string (self->class_dropdown, class_name);
  if (preset != NULL && ds_gan_preset_lookup (preset) != NULL)
    {
      g_free (self->preset);
      self->preset = g_strdup (preset);
    }
  if (epochs > 0)
    gtk_spin_button_set_value (self->epochs_spin, epochs);
  if (batch_size > 0)
    gtk_spin_button_set_value (self->batch_spin, batch_size);
  gtk_spin_button_set_value (self->seed_spin, (double) seed);
}

static void
show_troubles (DsGanPanel *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint first = self->troubles->len > N_TROUBLE_SHOWN ? self->troubles->len - N_TROUBLE_SHOWN : 0;

  for (guint i = first; i < self->troubles->len; i++)
    g_string_append_printf (text, "%s%s", i > first ? "\n" : "",
                            (const char *) g_ptr_array_index (self->troubles, i));
  if (first > 0)
    g_string_prepend (text, "…\n");
  gtk_label_set_text (self->trouble_label, text->len > 0 ? text->str : "None seen.");
  if (text->len > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->trouble_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->trouble_label), "error");
}

/* The job */

static void
job_started_cb (DsGanPanel *self,
                guint       n_images,
                guint64     steps_per_epoch,
                guint       n_epochs)
{
  const DsGanJobConfig *config = ds_gan_job_get_config (self->job);
  g_autofree char *status = NULL;

  g_free (self->class_name);
  self->class_name = g_strdup (ds_gan_job_get_class_name (self->job));
  self->total_steps = steps_per_epoch * n_epochs;
  ds_loss_chart_set_steps_per_epoch (self->chart, steps_per_epoch);

  gtk_label_set_text (self->quality_label, ds_gan_job_get_score_note (self->job));
  if (g_str_has_prefix (ds_gan_job_get_score_note (self->job), "Each epoch is scored"))
    {
      g_autofree char *name = g_strdup_printf ("called “%s”", self->class_name);

      self->share_series = ds_loss_chart_add_series (self->chart, name, DS_CHART_AXIS_ACCURACY,
                                                     DS_CHART_X_EPOCH);
    }
  status = g_strdup_printf ("Training %s on %u images of “%s”…", config->preset, n_images,
                            self->class_name);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
}

static void
job_steps_cb (DsGanPanel         *self,
              const DsGanJobStep *steps,
              guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      ds_loss_chart_append (self->chart, self->d_series, (double) steps[i].step, steps[i].d_loss);
      ds_loss_chart_append (self->chart, self->g_series, (double) steps[i].step, steps[i].g_loss);
    }
  if (n > 0)
    self->last_step = steps[n - 1].step;
  if (self->total_steps > 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   MIN (1.0, (double) self->last_step / self->total_steps));
}

static void
job_trouble_cb (DsGanPanel *self,
                guint64     step,
                guint64     since,
                guint       flags,
                const char *message)
{
  g_ptr_array_add (self->troubles,
                   g_strdup_printf ("Step %" G_GUINT64_FORMAT ": %s", step, message));
  show_troubles (self);
}

static void
job_epoch_cb (DsGanPanel          *self,
              const DsGanJobEpoch *epoch)
{
  g_autofree char *status = NULL;

  self->n_epochs_done = epoch->epoch;
  if (isfinite (epoch->fid) && epoch->real_spread < DS_GAN_SCORE_MIN_SPREAD)
    {
      g_autofree char *quality = NULL;

      /* a classifier that has not learnt (all its last units dead) sees every image alike */
      quality = g_strdup_printf ("%s, but its features do not vary over the real images of "
                                 "“%s”: its scores say nothing. Train a classifier that "
                                 "learns this project first.",
                                 ds_gan_job_get_score_note (self->job), self->class_name);
      gtk_label_set_text (self->quality_label, quality);
    }
  else if (isfinite (epoch->fid))
    {
      g_autofree char *quality = NULL;

      quality = g_strdup_printf ("%s.\nEpoch %u: Fréchet distance %.2f; %.0f %% of the samples "
                                 "called “%s”.", ds_gan_job_get_score_note (self->job),
                                 epoch->epoch, epoch->fid, 100 * epoch->class_share,
                                 self->class_name);
      gtk_label_set_text (self->quality_label, quality);
      if (self->share_series != 0 && isfinite (epoch->class_share))
        ds_loss_chart_append (self->chart, self->share_series, epoch->epoch, epoch->class_share);
    }
  status = g_strdup_printf ("Epoch %u of %u: D loss %.3f, G loss %.3f, D(x) %.2f, D(G(z)) %.2f",
                            epoch->epoch, epoch->n_epochs, epoch->d_loss, epoch->g_loss,
                            epoch->d_real, epoch->d_fake);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
}

static void
job_phase_cb (DsGanPanel *self)
{
  if (self->job != NULL && ds_gan_job_get_phase (self->job) == DS_GAN_JOB_PAUSED)
    gtk_label_set_text (self->status_label, "Paused between two steps.");
  update_actions (self);
}

static void
job_finished_cb (DsGanPanel   *self,
                 const GError *error)
{
  g_autofree char *status = NULL;
  guint n = self->n_epochs_done;

  self->training = FALSE;
  if (error == NULL)
    status = g_strdup_printf ("Done: %u epochs. The samples are on the Inspect page, where "
                              "you can add them to “%s”.", n, self->class_name);
  else if (g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED))
    status = g_strdup_printf ("Stopped after %u epoch%s; the checkpoint of the last one stays.",
                              n, n == 1 ? "" : "s");
  else
    status = g_strdup_printf ("Training failed: %s", error->message);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
  g_signal_emit (self, signals[RUN_FINISHED], 0, error);
}

static void
stop_job (DsGanPanel *self)
{
  if (self->job == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->job, self);
  ds_gan_job_cancel_and_wait (self->job);
  g_clear_object (&self->job);
  self->training = FALSE;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DsGanPanel *self = DS_GAN_PANEL (widget);
  g_auto(DsGanJobConfig) config = { 0 };

  if (self->training || self->project == NULL)
    return;
  ds_gan_job_config_init (&config);
  gtk_spin_button_update (self->epochs_spin);
  gtk_spin_button_update (self->batch_spin);
  gtk_spin_button_update (self->seed_spin);
  g_free (config.preset);
  config.preset = g_strdup (self->preset);
  config.class_name = g_strdup (selected_string (self->class_dropdown));
  config.epochs = (guint) gtk_spin_button_get_value_as_int (self->epochs_spin);
  config.batch_size = (guint) gtk_spin_button_get_value_as_int (self->batch_spin);
  config.seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin);

  stop_job (self);
  ds_loss_chart_clear (self->chart);
  self->d_series = ds_loss_chart_add_series (self->chart, "D loss", DS_CHART_AXIS_LOSS,
                                             DS_CHART_X_STEP);
  self->g_series = ds_loss_chart_add_series (self->chart, "G loss", DS_CHART_AXIS_LOSS,
                                             DS_CHART_X_STEP);
  g_ptr_array_set_size (self->troubles, 0);
  show_troubles (self);
  self->last_step = self->total_steps = 0;
  self->n_epochs_done = 0;
  self->share_series = 0;
  gtk_label_set_text (self->quality_label, "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->status_label, "Reading the images…");

  self->job = ds_gan_job_new (ds_project_get_folder (self->project), &config);
  self->training = TRUE;
  g_signal_connect_swapped (self->job, "started", G_CALLBACK (job_started_cb), self);
  g_signal_connect_swapped (self->job, "steps", G_CALLBACK (job_steps_cb), self);
  g_signal_connect_swapped (self->job, "trouble", G_CALLBACK (job_trouble_cb), self);
  g_signal_connect_swapped (self->job, "epoch", G_CALLBACK (job_epoch_cb), self);
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (job_finished_cb), self);
  g_signal_connect_swapped (self->job, "notify::phase", G_CALLBACK (job_phase_cb), self);
  g_signal_emit (self, signals[JOB_STARTED], 0, self->job);
  ds_gan_job_start (self->job);
  update_actions (self);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DsGanPanel *self = DS_GAN_PANEL (widget);

  if (!self->training)
    return;
  ds_gan_job_set_paused (self->job, !ds_gan_job_get_paused (self->job));
  update_actions (self);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DsGanPanel *self = DS_GAN_PANEL (widget);

  if (!self->training)
    return;
  ds_gan_job_cancel (self->job);
  gtk_label_set_text (self->status_label, "Stopping after this step…");
}

/* Public */

void
ds_gan_panel_stop_and_wait (DsGanPanel *self)
{
  g_return_if_fail (DS_IS_GAN_PANEL (self));

  if (!self->training)
    return;
  stop_job (self);
  gtk_label_set_text (self->status_label, "Stopped.");
  update_actions (self);
}

void
ds_gan_panel_reload (DsGanPanel *self)
{
  g_return_if_fail (DS_IS_GAN_PANEL (self));

  fill_classes (self);
  update_actions (self);
}

void
ds_gan_panel_set_project (DsGanPanel *self,
                          DsProject  *project)
{
  g_return_if_fail (DS_IS_GAN_PANEL (self));

  stop_job (self);
  self->project = project;
  g_clear_pointer (&self->class_name, g_free);
  ds_loss_chart_clear (self->chart);
  g_ptr_array_set_size (self->troubles, 0);
  show_troubles (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_drop_down_set_selected (self->class_dropdown, GTK_INVALID_LIST_POSITION);
  fill_classes (self);
  gtk_label_set_text (self->status_label,
                      project != NULL ? "Choose a class and press Train."
                                      : "Open a project to generate images of its classes.");
  update_actions (self);
}

gboolean
ds_gan_panel_is_training (DsGanPanel *self)
{
  return self->training;
}

DsGanJob *
ds_gan_panel_get_job (DsGanPanel *self)
{
  return self->job;
}

GtkDropDown *
ds_gan_panel_get_preset_dropdown (DsGanPanel *self)
{
  return self->preset_dropdown;
}

DsLossChart *
ds_gan_panel_get_chart (DsGanPanel *self)
{
  return self->chart;
}

const char *
ds_gan_panel_get_status (DsGanPanel *self)
{
  return gtk_label_get_text (self->status_label);
}

const char *
ds_gan_panel_get_quality_text (DsGanPanel *self)
{
  return gtk_label_get_text (self->quality_label);
}

const char *
ds_gan_panel_get_trouble_text (DsGanPanel *self)
{
  return gtk_label_get_text (self->trouble_label);
}

static void
ds_gan_panel_dispose (GObject *object)
{
  DsGanPanel *self = DS_GAN_PANEL (object);

  stop_job (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_GAN_PANEL);

  G_OBJECT_CLASS (ds_gan_panel_parent_class)->dispose (object);
}

static void
ds_gan_panel_finalize (GObject *object)
{
  DsGanPanel *self = DS_GAN_PANEL (object);

  g_free (self->class_name);
  g_free (self->preset);
  g_ptr_array_unref (self->troubles);

  G_OBJECT_CLASS (ds_gan_panel_parent_class)->finalize (object);
}

static void
ds_gan_panel_class_init (DsGanPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_gan_panel_dispose;
  object_class->finalize = ds_gan_panel_finalize;

  signals[JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                       DS_TYPE_GAN_JOB);
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_POINTER);

  g_type_ensure (DS_TYPE_LOSS_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/defectscope/Defectscope/ui/ds-gan-panel.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ganpanel");

  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, paned);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, pause_button);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, trouble_label);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, quality_label);
  gtk_widget_class_bind_template_child (widget_class, DsGanPanel, chart);
  gtk_widget_class_bind_template_callback (widget_class, preset_changed_cb);

  gtk_widget_class_install_action (widget_class, "gan.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "gan.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "gan.stop", NULL, stop_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "gan.start", NULL);
}

static void
ds_gan_panel_init (DsGanPanel *self)
{
  g_autoptr(GtkStringList) presets = gtk_string_list_new (NULL);
  const DsGanPreset * const *list = ds_gan_presets ();

  self->troubles = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; list[i] != NULL; i++)
    gtk_string_list_append (presets, list[i]->name);
  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (presets));
  gtk_drop_down_set_selected (self->preset_dropdown, 0);
  preset_changed_cb (self);

  /* the GAN's steps are its own x axis; D and G loss only */
  ds_loss_chart_set_smoothing (self->chart, 0.8);
  update_actions (self);
}
