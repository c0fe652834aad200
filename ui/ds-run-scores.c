/* ds-run-scores.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-run-scores.h"
#include "ds-scored-item.h"

#include "ds-engine.h"

void
ds_run_scores_free (DsRunScores *scores)
{
  if (scores == NULL)
    return;
  g_clear_pointer (&scores->info, ds_run_info_free);
  g_clear_pointer (&scores->runs, g_ptr_array_unref);
  g_clear_pointer (&scores->classes, g_ptr_array_unref);
  g_clear_pointer (&scores->items, g_ptr_array_unref);
  g_free (scores);
}

const DsClassInfo *
ds_run_scores_find_class (DsRunScores *scores,
                          gint64       class_id)
{
  for (guint i = 0; scores != NULL && class_id != 0 && i < scores->classes->len; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (scores->classes, i);

      if (info->id == class_id)
        return info;
    }

  return NULL;
}

static gint64
find_normal_class (GPtrArray  *classes,
                   const char *name)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  gint32 k;

  for (guint i = 0; i < classes->len; i++)
    g_ptr_array_add (names, ((DsClassInfo *) g_ptr_array_index (classes, i))->name);
  g_ptr_array_add (names, NULL);
  k = ds_run_find_normal_class ((const char * const *) names->pdata, name, NULL);

  return k >= 0 ? ((DsClassInfo *) g_ptr_array_index (classes, k))->id : 0;
}

static DsScoredItem *
new_item (DsProject  *project,
          gint64      id,
          float       score,
          gboolean    trained,
          GError    **error)
{
  g_autoptr(DsImageInfo) info = ds_project_get_image (project, id, error);

  if (info == NULL)
    return NULL;

  return ds_scored_item_new (id, info->abs_path, info->class_id, score, trained);
}

typedef struct
{
  char   *folder;
  gint64  run_id;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->folder);
  g_free (data);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  gint64 run_id = data->run_id;
  g_autoptr(DsRunScores) scores = g_new0 (DsRunScores, 1);
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GHashTable) predictions = NULL;
  g_autoptr(GHashTable) reviews = NULL;
  g_autoptr(GHashTable) trained = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) scored = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) all_runs = NULL;
  g_autofree gint64 *ids = NULL;
  g_autofree float *values = NULL;
  g_autofree gint64 *run_ids = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree gint32 *labels = NULL;
  guint n = 0, n_run = 0;
  GError *error = NULL;

  project = ds_project_open (data->folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  if (project == NULL ||
      (scores->classes = ds_project_list_classes (project, &error)) == NULL ||
      (all_runs = ds_project_list_runs (project, &error)) == NULL ||
      (reviews = ds_project_get_reviews (project, &error)) == NULL)
    goto fail;

  scores->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_run_info_free);
  for (guint i = 0; i < all_runs->len;)
    {
      DsRunInfo *info = g_ptr_array_index (all_runs, i);

      /* the runs that scored: finished autoencoders */
      if (ds_run_config_is_autoencoder (&info->config) &&
          (info->status == DS_RUN_FINISHED || info->status == DS_RUN_STOPPED_EARLY) &&
          !isnan (info->anomaly.threshold_low))
        g_ptr_array_add (scores->runs, g_ptr_array_steal_index (all_runs, i));
      else
        i++;
    }

  if (run_id == 0)
    run_id = ds_project_latest_anomaly_run (project);
  if (run_id != 0)
    {
      if ((scores->info = ds_project_get_run (project, run_id, &error)) == NULL ||
          !ds_project_get_anomaly_scores (project, run_id, &ids, &values, &n, &error) ||
          !ds_project_get_run_images (project, run_id, &run_ids, &roles, &labels, &n_run, &error))
        goto fail;
      for (guint i = 0; i < n_run; i++)
        if (roles[i] == DS_RUN_ROLE_TRAIN)
          g_hash_table_add (trained, &run_ids[i]);
    }
  scores->normal_class_id = find_normal_class (scores->classes,
                                               scores->info != NULL
                                               ? scores->info->config.normal_class : NULL);

  scores->classifier_run = ds_project_latest_predicted_run (project);
  if (scores->classifier_run != 0 &&
      (predictions = ds_project_get_predictions (project, scores->classifier_run, &error)) == NULL)
    goto fail;

  scores->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      DsScoredItem *item = new_item (project, ids[i], values[i],
                                     g_hash_table_contains (trained, &ids[i]), &error);

      if (item == NULL)
        goto fail;
      g_ptr_array_add (scores->items, item);
      g_hash_table_add (scored, &ids[i]);
      if (g_task_return_error_if_cancelled (task))
        return;
    }
  /* the classifier's disagreements that have no score */
  if (predictions != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, predictions);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (scored, key))
          {
            g_autoptr(DsScoredItem) item = new_item (project, *(gint64 *) key, NAN, FALSE, &error);
            const DsPrediction *p = value;

            if (item == NULL)
              goto fail;
            ds_scored_item_set_prediction (item, p->class_id, p->confidence);
            if (ds_scored_item_disagrees (item))
              g_ptr_array_add (scores->items, g_steal_pointer (&item));
          }
    }
  for (guint i = 0; i < scores->items->len; i++)
    {
      DsScoredItem *item = g_ptr_array_index (scores->items, i);
      gint64 id = ds_scored_item_get_id (item);
      const DsPrediction *p = predictions != NULL ? g_hash_table_lookup (predictions, &id) : NULL;
      const gint64 *reviewed = g_hash_table_lookup (reviews, &id);

      if (p != NULL)
        ds_scored_item_set_prediction (item, p->class_id, p->confidence);
      if (reviewed != NULL)
        ds_scored_item_set_reviewed_class_id (item, *reviewed);
    }

  g_task_return_pointer (task, g_steal_pointer (&scores), (GDestroyNotify) ds_run_scores_free);
  return;

fail:
  g_task_return_error (task, error);
}

void
ds_run_scores_load_async (const char          *folder,
                          gint64               run_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  data->folder = g_strdup (folder);
  data->run_id = run_id;
  g_task_set_source_tag (task, ds_run_scores_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_worker);
}

DsRunScores *
ds_run_scores_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
