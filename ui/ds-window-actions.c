/* ds-window-actions.c: the window's actions: projects, import, export, undo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ds-error-dialog.h"
#include "ds-window-private.h"

#include "ds-error.h"
#include "store/ds-project-import.h"

/* GtkFileDialog is GTK 4.10; Debian 12 has 4.8, where GtkFileChooserNative is the way. */
typedef void (*ChosenFunc) (DsWindow *self,
                            GFile    *file);

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  DsWindow *self = DS_WINDOW (user_data);
  ChosenFunc func = g_object_get_data (G_OBJECT (dialog), "ds-func");

  /* the window may have been closed while the chooser was open */
  if (response == GTK_RESPONSE_ACCEPT && self->label_page != NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      G_GNUC_END_IGNORE_DEPRECATIONS

      func (self, file);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose (DsWindow             *self,
        const char           *title,
        GtkFileChooserAction  action,
        const char           *accept,
        const char           *suggested_name,
        ChosenFunc            func)
{
  GtkFileChooserNative *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, "_Cancel");
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "ds-func", func);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Projects */

static void
new_project_chosen (DsWindow *self,
                    GFile    *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  DsProject *project;

  if (path == NULL)
    return;
  project = ds_project_create (path, &error);
  if (project == NULL)
    {
      ds_show_error (GTK_WIDGET (self), "The project could not be created", error);
      return;
    }
  ds_project_close (project);
  if (!ds_window_open_folder (self, path, &error))
    ds_show_error (GTK_WIDGET (self), "The project could not be opened", error);
}

static void
new_project_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  choose (DS_WINDOW (widget), "New Project", GTK_FILE_CHOOSER_ACTION_SAVE, "_Create",
          "Inspection project", new_project_chosen);
}

static void
open_project_chosen (DsWindow *self,
                     GFile    *file)
{
  ds_window_open_project (self, file);
}

static void
open_project_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  choose (DS_WINDOW (widget), "Open Project", GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Open",
          NULL, open_project_chosen);
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  ds_window_open_demo (DS_WINDOW (widget));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));

  ds_window_open_project (DS_WINDOW (widget), file);
}

static void
update_recent_menu (DsWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *label = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s", recent[i]);
      g_menu_append_item (self->recent_section, item);
    }
}

/* Import */

typedef struct
{
  char      *folder;     /* the project's */
  GStrv      paths;      /* what to import */
  GPtrArray *skipped;    /* "path: reason" */
  guint      n_imported;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_free (job->folder);
  g_strfreev (job->paths);
  g_ptr_array_unref (job->skipped);
  g_free (job);
}

static void
import_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DsWindow *self = source_object;
  ImportJob *job = task_data;
  g_autoptr(DsProject) project = NULL;
  GError *error = NULL;
  gboolean ok;

  /* a handle of this thread's: the window keeps labeling with its own meanwhile */
  project = ds_project_open (job->folder, DS_PROJECT_OPEN_DEFAULT, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* one folder may be a data set layout; anything else is plain files */
  if (g_strv_length (job->paths) == 1 && g_file_test (job->paths[0], G_FILE_TEST_IS_DIR))
    ok = ds_project_import (project, job->paths[0], DS_IMPORT_LAYOUT_UNKNOWN,
                            ds_window_job_progress, self, job->skipped, &job->n_imported, &error);
  else
    ok = ds_project_import_files (project, (const char * const *) job->paths,
                                  ds_window_job_progress, self, job->skipped, &job->n_imported,
                                  &error);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
show_skipped (DsWindow  *self,
              GPtrArray *skipped,
              guint      n_imported)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *dialog;

  for (guint i = 0; i < skipped->len && i < 50; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (skipped, i));
  if (skipped->len > 50)
    g_string_append_printf (text, "… and %u more\n", skipped->len - 50);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_WARNING, GTK_BUTTONS_CLOSE,
                                   "%u images imported, %u notes", n_imported,
                                   skipped->len);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", text->str);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DsWindow *self = DS_WINDOW (source);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (!ds_window_finish_job (self))
    return;
  /* whatever was imported before a failure or a cancel is committed: show it */
  if (self->project != NULL && g_str_equal (ds_project_get_folder (self->project), job->folder))
    ds_label_page_set_project (self->label_page, self->project);
  if (!ok && !g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED))
    ds_show_error (GTK_WIDGET (self), "The import stopped", error);
  else if (job->skipped->len > 0)
    show_skipped (self, job->skipped, job->n_imported);
}

void
ds_window_import_paths (DsWindow           *self,
                        const char * const *paths)
{
  g_autoptr(GTask) task = NULL;
  ImportJob *job;

  if (self->project == NULL || self->job != NULL || paths == NULL || paths[0] == NULL)
    return;
  job = g_new0 (ImportJob, 1);
  job->folder = g_strdup (ds_project_get_folder (self->project));
  job->paths = g_strdupv ((char **) paths);
  job->skipped = g_ptr_array_new_with_free_func (g_free);

  task = g_task_new (self, self->job_cancellable, import_done_cb, NULL);
  g_task_set_source_tag (task, ds_window_import_paths);
  g_task_set_task_data (task, job, import_job_free);
  ds_window_start_job (self, "Importing", task, import_worker);
}

static void
import_chosen (DsWindow *self,
               GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  const char *paths[] = { path, NULL };

  ds_window_import_paths (self, paths);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  /* a folder: plain PNGs or a data set layout (class folders, MVTec AD, IDX) */
  choose (DS_WINDOW (widget), "Import a Folder of Images", GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
          "_Import", NULL, import_chosen);
}

static void
import_files_response_cb (GtkNativeDialog *dialog,
                          int              response,
                          gpointer         user_data)
{
  DsWindow *self = DS_WINDOW (user_data);

  if (response == GTK_RESPONSE_ACCEPT && self->label_page != NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      G_GNUC_END_IGNORE_DEPRECATIONS
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) paths = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            g_strv_builder_add (builder, path);
        }
      paths = g_strv_builder_end (builder);
      ds_window_import_paths (self, (const char * const *) paths);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
import_files_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "PNG images");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new ("Import Images", GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, "_Import", "_Cancel");
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_files_response_cb),
                    g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DsWindow      *self)
{
  GSList *files = g_value_get_boxed (value);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;

  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  paths = g_strv_builder_end (builder);
  if (paths[0] == NULL || self->project == NULL || self->job != NULL)
    return FALSE;
  ds_window_import_paths (self, (const char * const *) paths);

  return TRUE;
}

/* Export */

static void
export_csv_chosen (DsWindow *self,
                   GFile    *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);

  if (self->project != NULL && path != NULL &&
      !ds_project_export_csv (self->project, path, &error))
    ds_show_error (GTK_WIDGET (self), "The labels could not be exported", error);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  choose (DS_WINDOW (widget), "Export Labels as CSV", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export",
          "labels.csv", export_csv_chosen);
}

typedef struct
{
  char *folder;
  char *out;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_free (job->folder);
  g_free (job->out);
  g_free (job);
}

static void
export_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(DsProject) project = NULL;
  GError *error = NULL;

  project = ds_project_open (job->folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  if (project == NULL ||
      !ds_project_export_folders (project, job->out, ds_window_job_progress, source_object,
                                  NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DsWindow *self = DS_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (!ds_window_finish_job (self))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED))
    ds_show_error (GTK_WIDGET (self), "The labelled images could not be exported", error);
}

static void
export_folder_chosen (DsWindow *self,
                      GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  if (self->project == NULL || self->job != NULL)
    return;
  job = g_new0 (ExportJob, 1);
  job->folder = g_strdup (ds_project_get_folder (self->project));
  job->out = g_file_get_path (file);
  task = g_task_new (self, self->job_cancellable, export_done_cb, NULL);
  g_task_set_source_tag (task, export_folder_chosen);
  g_task_set_task_data (task, job, export_job_free);
  ds_window_start_job (self, "Exporting", task, export_worker);
}

static void
export_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  choose (DS_WINDOW (widget), "Export Labelled Images into Class Folders",
          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Export", NULL, export_folder_chosen);
}

/* Undo */

static void
undo_redo (DsWindow *self,
           gboolean  redo)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->project == NULL)
    return;
  ok = redo ? ds_project_redo (self->project, &error) : ds_project_undo (self->project, &error);
  if (!ok)
    ds_show_error (GTK_WIDGET (self), redo ? "Nothing could be redone" : "Nothing could be undone",
                   error);
  ds_label_page_reload (self->label_page);
  ds_window_update_undo (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  undo_redo (DS_WINDOW (widget), FALSE);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  undo_redo (DS_WINDOW (widget), TRUE);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

void
ds_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, new_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-project", NULL, open_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-files", NULL, import_files_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.export-folder", NULL, export_folder_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
}

void
ds_window_init_actions (DsWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (self->settings, "changed::recent-projects",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);
}
