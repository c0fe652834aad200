/* ds-window.c: the main window, its project and its long-running jobs
 *
 * The window owns the open DsProject, used on the main thread for labeling (each label is one
 * short transaction). Imports and the demo's first generation run in a GTask worker with a
 * handle of their own, report progress through a mutex-protected state polled by at most one
 * pending idle, and are cancelled when the window closes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ds-error-dialog.h"
#include "ds-label-page.h"
#include "ds-stall-monitor.h"
#include "ds-window.h"
#include "ds-window-private.h"

#include "ds-error.h"
#include "store/ds-project-demo.h"
#include "store/ds-project-import.h"
#include "store/ds-project-runs.h"

G_DEFINE_FINAL_TYPE (DsWindow, ds_window, GTK_TYPE_APPLICATION_WINDOW)

DsWindow *
ds_window_new (DsApplication *app)
{
  return g_object_new (DS_TYPE_WINDOW, "application", app, NULL);
}

DsLabelPage *
ds_window_get_label_page (DsWindow *self)
{
  return self->label_page;
}

DsTrainPage *
ds_window_get_train_page (DsWindow *self)
{
  return self->train_page;
}

DsInspectPage *
ds_window_get_inspect_page (DsWindow *self)
{
  return self->inspect_page;
}

DsReviewPage *
ds_window_get_review_page (DsWindow *self)
{
  return self->review_page;
}

DsProject *
ds_window_get_project (DsWindow *self)
{
  return self->project;
}

void
ds_window_update_undo (DsWindow *self)
{
  gboolean busy = self->job != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 !busy && self->project != NULL && ds_project_can_undo (self->project));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 !busy && self->project != NULL && ds_project_can_redo (self->project));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", !busy && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-files",
                                 !busy && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-csv", self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-folder",
                                 !busy && self->project != NULL);
}

static void
set_project (DsWindow  *self,
             DsProject *project)
{
  g_autofree char *name = NULL;

  /* a run of the previous project stops (and can be resumed later) */
  ds_train_page_set_project (self->train_page, NULL);
  ds_label_page_set_project (self->label_page, NULL);
  ds_inspect_page_set_project (self->inspect_page, NULL);
  ds_review_page_set_project (self->review_page, NULL);
  g_clear_pointer (&self->project, ds_project_close);
  self->project = project;
  ds_label_page_set_project (self->label_page, project);
  ds_train_page_set_project (self->train_page, project);
  ds_inspect_page_set_project (self->inspect_page, project);
  ds_review_page_set_project (self->review_page, project);

  if (project != NULL)
    {
      DsApplication *app = DS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

      name = g_path_get_basename (ds_project_get_folder (project));
      gtk_label_set_text (self->project_label, name);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->project_label), ds_project_get_folder (project));
      if (app != NULL)
        ds_application_add_recent (app, ds_project_get_folder (project));
    }
  else
    gtk_label_set_text (self->project_label, "");
  ds_window_update_undo (self);
}

gboolean
ds_window_open_folder (DsWindow    *self,
                       const char  *folder,
                       GError     **error)
{
  DsProject *project;

  project = ds_project_open (folder, DS_PROJECT_OPEN_DEFAULT, error);
  if (project == NULL)
    return FALSE;
  /* a job of the previous project stops; its work so far stays committed */
  ds_window_cancel_job (self);
  set_project (self, project);

  return TRUE;
}

void
ds_window_open_project (DsWindow *self,
                        GFile    *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (dir);

  if (path == NULL || !ds_window_open_folder (self, path, &error))
    ds_show_error (GTK_WIDGET (self), "The project could not be opened", error);
}

/* Jobs: one at a time a window, in a worker thread */

static gboolean
job_progress_idle_cb (gpointer user_data)
{
  DsWindow *self = user_data;
  g_autofree char *current = NULL;
  guint done, total;

  g_mutex_lock (&self->job_lock);
  done = self->job_done;
  total = self->job_total;
  current = g_strdup (self->job_current);
  self->job_idle_id = 0;
  g_mutex_unlock (&self->job_lock);

  /* the window was closed while the job was finishing */
  if (self->progress_bar == NULL)
    return G_SOURCE_REMOVE;
  if (total > 0)
    {
      g_autofree char *text = NULL;

      gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
      text = g_strdup_printf ("%s %u of %u", self->job_title, done, total);
      gtk_label_set_text (self->progress_label, text);
    }
  else
    gtk_progress_bar_pulse (self->progress_bar);
  if (current != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->progress_label), current);

  return G_SOURCE_REMOVE;
}

/* Worker side: records the figures and schedules at most one idle to show them. */
gboolean
ds_window_job_progress (guint       done,
                        guint       total,
                        const char *current_path,
                        gpointer    user_data)
{
  DsWindow *self = user_data;

  g_mutex_lock (&self->job_lock);
  self->job_done = done;
  self->job_total = total;
  if (current_path != NULL)
    {
      g_free (self->job_current);
      self->job_current = g_strdup (current_path);
    }
  if (self->job_idle_id == 0)
    self->job_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, job_progress_idle_cb,
                                         g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->job_lock);

  return !g_cancellable_is_cancelled (self->job_cancellable);
}

void
ds_window_start_job (DsWindow            *self,
                     const char          *title,
                     GTask               *task,
                     GTaskThreadFunc      worker)
{
  g_return_if_fail (self->job == NULL);

  self->job = g_object_ref (task);
  g_free (self->job_title);
  self->job_title = g_strdup (title);
  self->job_done = self->job_total = 0;
  g_clear_pointer (&self->job_current, g_free);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->progress_label), NULL);
  gtk_label_set_text (self->progress_label, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->progress_cancel), TRUE);
  ds_window_update_undo (self);
  g_task_run_in_thread (task, worker);
}

/* Main side, from the job's completion callback. A job keeps its window object alive, but
 * the window may have been closed meanwhile: then FALSE, and the caller shows nothing. */
gboolean
ds_window_finish_job (DsWindow *self)
{
  g_clear_object (&self->job);
  g_clear_object (&self->job_cancellable);
  self->job_cancellable = g_cancellable_new ();
  if (self->label_page == NULL)
    return FALSE;
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  ds_window_update_undo (self);

  return TRUE;
}

void
ds_window_cancel_job (DsWindow *self)
{
  g_cancellable_cancel (self->job_cancellable);
  /* with no job running, the next one needs a cancellable that is not cancelled yet;
   * a running one gets its replacement when it finishes */
  if (self->job == NULL)
    {
      g_clear_object (&self->job_cancellable);
      self->job_cancellable = g_cancellable_new ();
    }
}

static void
progress_cancel_clicked_cb (DsWindow *self)
{
  gtk_label_set_text (self->progress_label, "Cancelling…");
  gtk_widget_set_sensitive (GTK_WIDGET (self->progress_cancel), FALSE);
  ds_window_cancel_job (self);
}

/* The demo project */

static void
demo_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DsWindow *self = source_object;
  const char *folder = task_data;
  GError *error = NULL;

  if (!ds_project_write_demo (folder, DS_DEMO_PROJECT_SEED, ds_window_job_progress, self, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
demo_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DsWindow *self = DS_WINDOW (source);
  g_autoptr(GError) error = NULL;
  const char *folder = g_task_get_task_data (G_TASK (result));

  if (!ds_window_finish_job (self))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED))
        ds_show_error (GTK_WIDGET (self), "The demo project could not be created", error);
      return;
    }
  if (!ds_window_open_folder (self, folder, &error))
    ds_show_error (GTK_WIDGET (self), "The demo project could not be opened", error);
}

void
ds_window_open_demo (DsWindow *self)
{
  g_autofree char *folder = ds_project_demo_folder ();
  g_autofree char *db = g_build_filename (folder, DS_PROJECT_DB_NAME, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (g_file_test (db, G_FILE_TEST_EXISTS))
    {
      if (!ds_window_open_folder (self, folder, &error))
        ds_show_error (GTK_WIDGET (self), "The demo project could not be opened", error);
      return;
    }
  if (self->job != NULL)
    return;

  task = g_task_new (self, self->job_cancellable, demo_written_cb, NULL);
  g_task_set_source_tag (task, ds_window_open_demo);
  g_task_set_task_data (task, g_steal_pointer (&folder), g_free);
  ds_window_start_job (self, "Creating the demo project:", task, demo_worker);
}

/* GObject */

static gboolean
ds_window_close_request (GtkWindow *window)
{
  DsWindow *self = DS_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (self->stalls != NULL)
    g_printerr ("defectscope: longest main-loop stall %.1f ms\n",
                ds_stall_monitor_get_max_ms (self->stalls));

  /* a running job stops at its next file; its images so far stay committed */
  ds_window_cancel_job (self);
  /* a training run stops at its next step and keeps its last checkpoint */
  ds_train_page_stop_and_wait (self->train_page);

  return GTK_WINDOW_CLASS (ds_window_parent_class)->close_request (window);
}

static void
ds_window_dispose (GObject *object)
{
  DsWindow *self = DS_WINDOW (object);

  ds_window_cancel_job (self);
  if (self->train_page != NULL)
    ds_train_page_stop_and_wait (self->train_page);
  g_mutex_lock (&self->job_lock);
  g_clear_handle_id (&self->job_idle_id, g_source_remove);
  g_mutex_unlock (&self->job_lock);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_WINDOW);
  g_clear_pointer (&self->project, ds_project_close);
  g_clear_pointer (&self->stalls, ds_stall_monitor_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ds_window_parent_class)->dispose (object);
}

static void
ds_window_finalize (GObject *object)
{
  DsWindow *self = DS_WINDOW (object);

  g_clear_object (&self->job);
  g_clear_object (&self->job_cancellable);
  g_free (self->job_title);
  g_free (self->job_current);
  g_mutex_clear (&self->job_lock);

  G_OBJECT_CLASS (ds_window_parent_class)->finalize (object);
}

static void
ds_window_class_init (DsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ds_window_dispose;
  object_class->finalize = ds_window_finalize;
  window_class->close_request = ds_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/defectscope/Defectscope/ui/ds-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, label_page);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, train_page);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, inspect_page);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, review_page);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, project_label);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, progress_cancel);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, recent_section);
  gtk_widget_class_bind_template_callback (widget_class, progress_cancel_clicked_cb);

  ds_window_class_init_actions (widget_class);

  g_type_ensure (DS_TYPE_LABEL_PAGE);
  g_type_ensure (DS_TYPE_TRAIN_PAGE);
  g_type_ensure (DS_TYPE_INSPECT_PAGE);
  g_type_ensure (DS_TYPE_REVIEW_PAGE);
}

static void
train_show_images_cb (DsWindow *self,
                      gint64    run_id,
                      gint64    true_class_id,
                      gint64    predicted_class_id)
{
  ds_label_page_show_confusion (self->label_page, run_id, true_class_id, predicted_class_id);
  gtk_stack_set_visible_child_name (self->stack, "label");
}

static void
train_run_finished_cb (DsWindow *self,
                       gint64    run_id)
{
  gint64 latest = self->project != NULL ? ds_project_latest_predicted_run (self->project) : 0;

  /* a run that finished has predictions; a stopped one leaves the older ones shown */
  if (latest == run_id)
    ds_label_page_show_predictions (self->label_page, run_id);
  /* an autoencoder that finished has scores: Inspect and Review show it */
  if (self->project != NULL && ds_project_latest_anomaly_run (self->project) == run_id)
    ds_inspect_page_show_run (self->inspect_page, run_id);
  ds_review_page_reload (self->review_page);
}

/* The Review page labelled an image: undo, the grid and the histogram follow (the queue has
 * already moved on by itself). */
static void
review_labels_changed_cb (DsWindow *self)
{
  ds_window_update_undo (self);
  self->reviewing = TRUE;
  ds_label_page_reload (self->label_page);
  self->reviewing = FALSE;
  ds_inspect_page_reload (self->inspect_page);
}

/* Labels changed on the Label page, or came back with undo or redo: the histogram and the
 * queue follow. */
static void
labels_reloaded_cb (DsWindow *self)
{
  if (self->reviewing)
    return;
  ds_inspect_page_reload (self->inspect_page);
  ds_review_page_reload (self->review_page);
}

/* A GAN run started on the Train page: its samples appear on the Inspect page. */
static void
gan_job_started_cb (DsWindow *self,
                    DsGanJob *job)
{
  ds_gan_samples_set_job (ds_inspect_page_get_gan_samples (self->inspect_page), job);
}

/* Synthetic images were added or removed: the grid lists the images again, with the new ones
 * and their badge, keeping its filter and selection. */
static void
synthetic_changed_cb (DsWindow *self)
{
  ds_label_page_reload_images (self->label_page);
  ds_gan_panel_reload (ds_train_page_get_gan_panel (self->train_page));
}

static void
ds_window_init (DsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_mutex_init (&self->job_lock);
  self->job_cancellable = g_cancellable_new ();
  self->settings = g_settings_new (DS_APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  /* the benchmarks' measurement: a 5 ms timer is not worth running otherwise */
  if (g_getenv ("DEFECTSCOPE_STALL_LOG") != NULL)
    self->stalls = ds_stall_monitor_new ();

  g_signal_connect_object (self->label_page, "labels-changed",
                           G_CALLBACK (ds_window_update_undo), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->train_page, "show-images",
                           G_CALLBACK (train_show_images_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->train_page, "run-finished",
                           G_CALLBACK (train_run_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ds_train_page_get_gan_panel (self->train_page), "job-started",
                           G_CALLBACK (gan_job_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ds_inspect_page_get_gan_samples (self->inspect_page), "images-changed",
                           G_CALLBACK (synthetic_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspect_page, "band-changed",
                           G_CALLBACK (ds_review_page_reload), self->review_page,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->review_page, "labels-changed",
                           G_CALLBACK (review_labels_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->label_page, "labels-changed",
                           G_CALLBACK (labels_reloaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->label_page, "reloaded",
                           G_CALLBACK (labels_reloaded_cb), self, G_CONNECT_SWAPPED);
  ds_window_init_actions (self);
  ds_window_update_undo (self);
}
