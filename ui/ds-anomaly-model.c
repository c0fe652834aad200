/* ds-anomaly-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-anomaly-model.h"

struct _DsAnomalyModel
{
  gatomicrefcount  ref_count;
  char            *path;
  DsModel         *model;     /* read only once loaded: replicas share its weights */
  DsAnomalyParams  params;
};

void
ds_inspection_free (DsInspection *inspection)
{
  if (inspection == NULL)
    return;
  g_free (inspection->input);
  g_free (inspection->recon);
  g_free (inspection->map);
  g_free (inspection);
}

DsAnomalyModel *
ds_anomaly_model_ref (DsAnomalyModel *self)
{
  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
ds_anomaly_model_unref (DsAnomalyModel *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->path);
  g_clear_pointer (&self->model, ds_model_free);
  ds_anomaly_params_clear (&self->params);
  g_free (self);
}

const DsAnomalyParams *
ds_anomaly_model_get_params (DsAnomalyModel *self)
{
  return &self->params;
}

const char *
ds_anomaly_model_get_path (DsAnomalyModel *self)
{
  return self->path;
}

/* Loading */

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(DsAnomalyModel) self = g_new0 (DsAnomalyModel, 1);
  GError *error = NULL;

  g_atomic_ref_count_init (&self->ref_count);
  self->path = g_strdup (path);
  ds_anomaly_params_init (&self->params);
  self->model = ds_model_load (path, NULL, &error);
  if (self->model == NULL || !ds_anomaly_params_from_model (&self->params, self->model, path,
                                                            &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&self), (GDestroyNotify) ds_anomaly_model_unref);
}

void
ds_anomaly_model_load_async (const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, ds_anomaly_model_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_worker);
}

DsAnomalyModel *
ds_anomaly_model_load_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Inspecting */

typedef struct
{
  DsAnomalyModel *model;
  char           *path;
} InspectData;

static void
inspect_data_free (InspectData *data)
{
  ds_anomaly_model_unref (data->model);
  g_free (data->path);
  g_free (data);
}

static void
inspect_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  InspectData *data = task_data;
  const DsAnomalyParams *params = &data->model->params;
  DsShape in = data->model->model->input;
  gsize chw = (gsize) in.c * in.h * in.w, hw = (gsize) in.h * in.w;
  g_autoptr(DsInspection) result = g_new0 (DsInspection, 1);
  g_autoptr(DsModel) replica = NULL;
  g_autoptr(DsTensor) x = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree float *scratch = NULL;
  const DsTensor *out;
  GError *error = NULL;

  pixels = ds_png_load (data->path, in.c, in.h, in.w, NULL, NULL, &error);
  if (pixels == NULL || (replica = ds_model_new_replica (data->model->model, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  x = ds_tensor_new (DS_SHAPE (1, in.c, in.h, in.w));
  for (gsize i = 0; i < chw; i++)
    x->data[i] = pixels[i] / 255.0f;
  out = ds_model_forward (replica, x, FALSE, NULL);

  result->c = in.c;
  result->h = in.h;
  result->w = in.w;
  result->input = g_memdup2 (x->data, chw * sizeof (float));
  result->recon = g_memdup2 (out->data, chw * sizeof (float));
  result->map = g_new (float, hw);
  scratch = g_new (float, MAX (ds_anomaly_scratch_size (in.h, in.w), hw));
  ds_anomaly_residual (&params->scoring, x->data, out->data, in.c, in.h, in.w, result->map,
                       scratch);
  result->score = ds_anomaly_score_map (&params->scoring, result->map, hw, scratch);
  result->map_max = 0.0f;
  for (gsize i = 0; i < hw; i++)
    result->map_max = MAX (result->map_max, result->map[i]);

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) ds_inspection_free);
}

void
ds_anomaly_model_inspect_async (DsAnomalyModel      *self,
                                const char          *image_path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  InspectData *data = g_new0 (InspectData, 1);

  data->model = ds_anomaly_model_ref (self);
  data->path = g_strdup (image_path);
  g_task_set_source_tag (task, ds_anomaly_model_inspect_async);
  g_task_set_task_data (task, data, (GDestroyNotify) inspect_data_free);
  g_task_run_in_thread (task, inspect_worker);
}

DsInspection *
ds_anomaly_model_inspect_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
