/* ds-gan-project.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error.h"
#include "gan/ds-gan-project.h"
#include "gan/ds-gan-score.h"
#include "store/ds-project-runs.h"
#include "train/ds-run-config.h"

char *
ds_gan_dup_rarest_class (DsProject  *project,
                         GError    **error)
{
  g_autoptr(GPtrArray) classes = ds_project_list_classes (project, error);
  g_autoptr(GArray) synthetic = NULL;
  g_autoptr(GHashTable) is_synthetic = g_hash_table_new (g_int64_hash, g_int64_equal);
  const char *best = NULL;
  guint best_n = G_MAXUINT;

  if (classes == NULL)
    return NULL;
  synthetic = ds_project_list_images (project, DS_IMAGE_FILTER_SYNTHETIC, 0, error);
  if (synthetic == NULL)
    return NULL;
  for (guint i = 0; i < synthetic->len; i++)
    g_hash_table_add (is_synthetic, &g_array_index (synthetic, gint64, i));

  for (guint k = 0; k < classes->len; k++)
    {
      DsClassInfo *info = g_ptr_array_index (classes, k);
      g_autoptr(GArray) ids = ds_project_list_images (project, DS_IMAGE_FILTER_CLASS, info->id,
                                                      error);
      guint n = 0;

      if (ids == NULL)
        return NULL;
      for (guint i = 0; i < ids->len; i++)
        n += !g_hash_table_contains (is_synthetic, &g_array_index (ids, gint64, i));
      if (n >= 2 && n < best_n)
        {
          best = info->name;
          best_n = n;
        }
    }
  if (best == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "no class has two labelled images to learn from");
      return NULL;
    }

  return g_strdup (best);
}

gboolean
ds_gan_class_images_load (DsGanClassImages  *images,
                          DsProject         *project,
                          const char        *class_name,
                          GError           **error)
{
  g_autofree DsSplit *splits = NULL;
  g_autofree char *rarest = NULL;

  g_return_val_if_fail (images != NULL && project != NULL, FALSE);

  *images = (DsGanClassImages) { .class_index = -1 };
  if (class_name == NULL && (class_name = rarest = ds_gan_dup_rarest_class (project, error)) == NULL)
    return FALSE;
  /* labelled real images, read as a classifier run reads them */
  images->data = ds_project_load_images (project, 0, 0, 0, 0, NULL, &splits, error);
  if (images->data == NULL)
    return FALSE;
  for (guint k = 0; k < images->data->n_classes; k++)
    if (g_ascii_strcasecmp (images->data->class_names[k], class_name) == 0)
      images->class_index = (gint) k;
  if (images->class_index < 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the project has no class “%s”", class_name);
      ds_gan_class_images_clear (images);
      return FALSE;
    }
  images->class_name = g_strdup (images->data->class_names[images->class_index]);
  images->idx = g_new (guint32, MAX (images->data->n, 1));
  for (guint i = 0; i < images->data->n; i++)
    if (images->data->labels[i] == images->class_index && splits[i] != DS_SPLIT_TEST)
      images->idx[images->n++] = i;
  if (images->n < 2)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "a GAN needs at least 2 labelled images of “%s” outside the test split "
                   "(there are %u)", images->class_name, images->n);
      ds_gan_class_images_clear (images);
      return FALSE;
    }

  return TRUE;
}

void
ds_gan_class_images_clear (DsGanClassImages *images)
{
  g_clear_pointer (&images->data, ds_dataset_free);
  g_clear_pointer (&images->idx, g_free);
  g_clear_pointer (&images->class_name, g_free);
  images->n = 0;
  images->class_index = -1;
}

static gboolean
knows_class (const DsModel *model,
             const char    *class_name)
{
  for (guint i = 0; model->class_names != NULL && model->class_names[i] != NULL; i++)
    if (g_ascii_strcasecmp (model->class_names[i], class_name) == 0)
      return TRUE;

  return FALSE;
}

DsModel *
ds_gan_project_classifier (DsProject   *project,
                           DsShape      image,
                           const char  *class_name,
                           gint64      *run_id,
                           GError     **error)
{
  g_autoptr(GPtrArray) runs = ds_project_list_runs (project, error);

  g_return_val_if_fail (class_name != NULL, NULL);

  if (runs == NULL)
    return NULL;
  /* newest first */
  for (guint i = 0; i < runs->len; i++)
    {
      const DsRunInfo *info = g_ptr_array_index (runs, i);
      g_autofree char *path = NULL;
      g_autoptr(DsModel) model = NULL;

      if ((info->status != DS_RUN_FINISHED && info->status != DS_RUN_STOPPED_EARLY)
          || ds_run_config_is_autoencoder (&info->config) || info->checkpoint_best == NULL)
        continue;
      path = g_build_filename (ds_project_get_folder (project), info->checkpoint_best, NULL);
      model = ds_model_load (path, NULL, error);
      if (model == NULL)
        return NULL;
      if (model->input.c != image.c || model->input.h != image.h || model->input.w != image.w
          || !knows_class (model, class_name) || ds_classifier_feature_size (model) == 0)
        continue;
      if (run_id != NULL)
        *run_id = info->id;
      return g_steal_pointer (&model);
    }

  return NULL;
}
