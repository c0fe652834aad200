/* ds-label-page-project.c: the Label page's images — listed from the project in a worker
 * thread, listed again keeping the view, labels and predictions read back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error-dialog.h"
#include "ds-image-item.h"
#include "ds-label-page-private.h"

#include "store/ds-project-runs.h"

static void
load_images_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *folder = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) ids = NULL;

  /* a handle of its own: DsProject is used by one thread at a time */
  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  if (project == NULL || !(ids = ds_project_list_images (project, DS_IMAGE_FILTER_ALL, 0, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(DsImageInfo) info = ds_project_get_image (project, g_array_index (ids, gint64, i),
                                                          &error);

      if (info == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_task_return_error_if_cancelled (task))
        return;
      g_ptr_array_add (items, ds_image_item_new (info));
    }

  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

/* Selects the listed images whose ids are in @ids and focuses the first. Returns: whether
 * any of them is in the grid. */
static gboolean
select_ids (DsLabelPage *self,
            GHashTable  *ids)
{
  GListModel *model = G_LIST_MODEL (self->filtered);
  g_autoptr(GtkBitset) selected = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) all = NULL;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DsImageItem) item = g_list_model_get_item (model, i);
      gint64 id = ds_image_item_get_id (item);

      if (g_hash_table_contains (ids, &id))
        gtk_bitset_add (selected, i);
    }
  if (gtk_bitset_is_empty (selected))
    return FALSE;

  all = gtk_bitset_new_range (0, n);
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), selected, all);
  gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u",
                              gtk_bitset_get_minimum (selected));
  ds_label_page_focus_position (self, gtk_bitset_get_minimum (selected));
  ds_label_page_update_counts (self);

  return TRUE;
}

static void
images_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_task_propagate_pointer (G_TASK (result), &error);
  DsLabelPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_LABEL_PAGE (user_data);
  if (items == NULL)
    {
      ds_show_error (GTK_WIDGET (self), "The project's images could not be read", error);
      return;
    }

  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  if (self->reselect != NULL)
    {
      /* listed again: the same run's predictions, the same filter, the same selection */
      g_autoptr(GHashTable) reselect = g_steal_pointer (&self->reselect);

      ds_label_page_show_predictions (self, self->predictions_run);
      if (select_ids (self, reselect))
        {
          g_signal_emit_by_name (self, "loaded");
          return;
        }
    }
  else
    {
      /* the predictions of the last finished run, if any */
      ds_label_page_show_predictions (self, ds_project_latest_predicted_run (self->project));
    }
  ds_label_page_update_counts (self);
  if (items->len > 0)
    {
      guint first = ds_label_page_next_unlabelled (self, ds_label_page_get_n_visible (self) - 1);

      /* ready for the keys at once */
      ds_label_page_select (self, first);
      ds_label_page_focus_position (self, first);
    }
  g_signal_emit_by_name (self, "loaded");
}

/* Lists the project's images in a worker thread; images_loaded_cb() shows them. */
static void
load_images (DsLabelPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->load_cancellable, images_loaded_cb, self);
  g_task_set_source_tag (task, load_images);
  g_task_set_task_data (task, g_strdup (ds_project_get_folder (self->project)), g_free);
  g_task_run_in_thread (task, load_images_worker);
}

void
ds_label_page_set_project (DsLabelPage *self,
                           DsProject   *project)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DS_IS_LABEL_PAGE (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->reselect, g_hash_table_unref);
  ds_thumbnailer_clear (self->thumbnailer);
  g_list_store_remove_all (self->items);
  self->project = project;
  self->filter_mode = FILTER_ALL;
  self->predictions_run = 0;
  g_ptr_array_set_size (self->classes, 0);
  ds_class_palette_set_classes (self->palette, self->classes, 0);
  if (project == NULL)
    {
      ds_label_page_update_counts (self);
      return;
    }

  if (!ds_label_page_reload_classes (self, &error))
    ds_show_error (GTK_WIDGET (self), "The project's classes could not be read", error);
  load_images (self);
}

void
ds_label_page_reload_images (DsLabelPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_if_fail (DS_IS_LABEL_PAGE (self));

  if (self->project == NULL)
    return;
  if (self->reselect == NULL)
    {
      self->reselect = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
           ok; ok = gtk_bitset_iter_next (&iter, &position))
        {
          g_autoptr(DsImageItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered),
                                                               position);
          gint64 id = ds_image_item_get_id (item);

          g_hash_table_add (self->reselect, g_memdup2 (&id, sizeof id));
        }
    }
  /* else a listing is under way: the selection it is to restore stays */
  if (!ds_label_page_reload_classes (self, &error))
    ds_show_error (GTK_WIDGET (self), "The project's classes could not be read", error);
  load_images (self);
}

void
ds_label_page_reload (DsLabelPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GListModel *model = G_LIST_MODEL (self->items);

  g_return_if_fail (DS_IS_LABEL_PAGE (self));

  if (self->project == NULL)
    return;
  if (!ds_label_page_reload_classes (self, &error))
    {
      ds_show_error (GTK_WIDGET (self), "The project could not be read", error);
      return;
    }

  /* one query a class rather than one an image */
  for (guint i = 0; i < self->classes->len; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (self->classes, i);
      g_autoptr(GArray) ids = ds_project_list_images (self->project, DS_IMAGE_FILTER_CLASS,
                                                      info->id, &error);

      if (ids == NULL)
        {
          ds_show_error (GTK_WIDGET (self), "The project's labels could not be read", error);
          return;
        }
      for (guint j = 0; j < ids->len; j++)
        g_hash_table_insert (labels, g_memdup2 (&g_array_index (ids, gint64, j), sizeof (gint64)),
                             GSIZE_TO_POINTER ((gsize) info->id));
    }

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DsImageItem) item = g_list_model_get_item (model, i);
      gint64 id = ds_image_item_get_id (item);

      ds_image_item_set_class_id (item, (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (labels, &id)));
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  ds_label_page_update_counts (self);
  g_signal_emit_by_name (self, "reloaded");
}

void
ds_label_page_show_predictions (DsLabelPage *self,
                                gint64       run_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) predictions = NULL;
  GListModel *model = G_LIST_MODEL (self->items);

  g_return_if_fail (DS_IS_LABEL_PAGE (self));

  if (self->project == NULL)
    return;
  if (run_id > 0)
    {
      predictions = ds_project_get_predictions (self->project, run_id, &error);
      if (predictions == NULL)
        {
          ds_show_error (GTK_WIDGET (self), "The run's predictions could not be read", error);
          return;
        }
    }
  self->predictions_run = run_id;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DsImageItem) item = g_list_model_get_item (model, i);
      gint64 id = ds_image_item_get_id (item);
      const DsPrediction *p = predictions != NULL ? g_hash_table_lookup (predictions, &id) : NULL;

      if (p != NULL)
        ds_image_item_set_prediction (item, p->class_id, p->confidence,
                                      p->role == DS_RUN_ROLE_VAL ? p->label_class_id : 0);
      else
        ds_image_item_set_prediction (item, 0, 0.0f, 0);
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  ds_label_page_update_counts (self);
}

void
ds_label_page_show_confusion (DsLabelPage *self,
                              gint64       run_id,
                              gint64       true_class_id,
                              gint64       predicted_class_id)
{
  g_return_if_fail (DS_IS_LABEL_PAGE (self));

  if (run_id != self->predictions_run)
    ds_label_page_show_predictions (self, run_id);
  self->filter_mode = FILTER_CONFUSION;
  self->filter_class_id = true_class_id;
  self->filter_predicted_id = predicted_class_id;
  ds_label_page_update_filter_names (self);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  ds_label_page_update_counts (self);
  if (ds_label_page_get_n_visible (self) > 0)
    ds_label_page_select (self, 0);
}

