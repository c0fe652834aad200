/* ds-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ds-error.h"
#include "anomaly/ds-anomaly.h"
#include "models/ds-presets.h"
#include "train/ds-run.h"
#include "train/ds-run-private.h"


void
ds_run_free (DsRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->pending_steps, g_array_unref);
  g_clear_error (&run->stop_error);
  g_clear_pointer (&run->opt, ds_optimizer_free);
  g_clear_pointer (&run->model, ds_model_free);
  g_clear_pointer (&run->ctx, ds_context_free);
  g_free (run->train_idx);
  g_free (run->val_idx);
  g_free (run->test_idx);
  g_free (run->image_ids);
  g_clear_pointer (&run->data, ds_dataset_free);
  g_clear_pointer (&run->info, ds_run_info_free);
  g_clear_pointer (&run->project, ds_project_close);
  g_free (run->folder);
  g_free (run);
}

gint64
ds_run_get_id (DsRun *run)
{
  return run->info->id;
}

const DsRunInfo *
ds_run_get_info (DsRun *run)
{
  return run->info;
}

DsModel *
ds_run_get_model (DsRun *run)
{
  return run->model;
}

const DsTrainState *
ds_run_get_state (DsRun *run)
{
  return &run->state;
}

guint64
ds_run_get_steps_per_epoch (DsRun *run)
{
  return run->steps_per_epoch;
}

void
ds_run_get_counts (DsRun *run,
                   guint *n_train,
                   guint *n_val,
                   guint *n_test)
{
  *n_train = run->n_train;
  *n_val = run->n_val;
  *n_test = run->n_test;
}

/* Checkpoints: the training state goes into the model file's metadata */

static void
put_state (DsModel            *model,
           const DsTrainState *state,
           DsRng              *rng,
           gint64              run_id)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *epochs = g_strdup_printf ("%u", state->epochs_done);
  g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, state->global_step);
  g_autofree char *since = g_strdup_printf ("%u", state->epochs_since_best);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);
  g_autofree char *rng_text = g_strdup_printf ("%016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER
                                               "x %016" G_GINT64_MODIFIER "x %016"
                                               G_GINT64_MODIFIER "x",
                                               rng->s[0], rng->s[1], rng->s[2], rng->s[3]);

  ds_model_set_metadata (model, "run.id", id);
  ds_model_set_metadata (model, "train.epochs_done", epochs);
  ds_model_set_metadata (model, "train.global_step", step);
  ds_model_set_metadata (model, "train.best_val_loss",
                         g_ascii_dtostr (buf, sizeof buf, state->best_val_loss));
  ds_model_set_metadata (model, "train.epochs_since_best", since);
  ds_model_set_metadata (model, "train.rng", rng_text);
}

static gboolean
get_state (const DsModel *model,
           const char    *path,
           DsTrainState  *state,
           DsRng         *rng,
           GError       **error)
{
  const char *epochs = ds_model_get_metadata (model, "train.epochs_done");
  const char *step = ds_model_get_metadata (model, "train.global_step");
  const char *best = ds_model_get_metadata (model, "train.best_val_loss");
  const char *since = ds_model_get_metadata (model, "train.epochs_since_best");
  const char *rng_text = ds_model_get_metadata (model, "train.rng");
  g_auto(GStrv) words = NULL;
  guint64 n_epochs, n_since;

  if (epochs == NULL || step == NULL || best == NULL || since == NULL || rng_text == NULL)
    goto bad;
  words = g_strsplit (rng_text, " ", -1);
  if (g_strv_length (words) != 4)
    goto bad;
  *state = DS_TRAIN_STATE_INIT;
  if (!g_ascii_string_to_unsigned (epochs, 10, 0, G_MAXUINT, &n_epochs, NULL)
      || !g_ascii_string_to_unsigned (step, 10, 0, G_MAXUINT64, &state->global_step, NULL)
      || !g_ascii_string_to_unsigned (since, 10, 0, G_MAXUINT, &n_since, NULL))
    goto bad;
  state->epochs_done = (guint) n_epochs;
  state->epochs_since_best = (guint) n_since;
  state->best_val_loss = g_ascii_strtod (best, NULL);
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_string_to_unsigned (words[i], 16, 0, G_MAXUINT64, &rng->s[i], NULL))
      goto bad;

  return TRUE;

bad:
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
               "%s: not a checkpoint (its training state is missing or damaged)", path);
  return FALSE;
}

/* Writes the model, its optimiser and the training state to runs/<id>/@name, refusing
 * non-finite weights. */
static gboolean
write_checkpoint (DsRun       *run,
                  const char  *name,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (run->folder, name, NULL);

  if (!ds_floats_all_finite (run->model->params, run->model->n_params))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NOT_FINITE,
                   "%s: not written, the weights are not finite", path);
      return FALSE;
    }
  put_state (run->model, &run->state, ds_context_get_rng (run->ctx), run->info->id);

  return ds_model_save (run->model, run->opt, path, error);
}

static char *
relative_checkpoint (DsRun      *run,
                     const char *name)
{
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%s", DS_PROJECT_RUNS_DIR, run->info->id, name);
}

gint32
ds_run_find_normal_class (const char * const  *class_names,
                          const char          *name,
                          GError             **error)
{
  static const char * const usual[] = { "good", "ok", "normal" };
  g_autofree char *known = NULL;

  for (guint i = 0; name != NULL && class_names[i] != NULL; i++)
    if (g_ascii_strcasecmp (class_names[i], name) == 0)
      return (gint32) i;
  for (guint u = 0; name == NULL && u < G_N_ELEMENTS (usual); u++)
    for (guint i = 0; class_names[i] != NULL; i++)
      if (g_ascii_strcasecmp (class_names[i], usual[u]) == 0)
        return (gint32) i;

  known = g_strjoinv (", ", (char **) class_names);
  if (name != NULL)
    g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                 "there is no class “%s” to take as normal (classes: %s)", name, known);
  else
    g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                 "which class is normal? None is called good, ok or normal (classes: %s)",
                 known);
  return -1;
}

/* Opening */

static DsRun *
run_open (const char  *project_folder,
          GError     **error)
{
  g_autoptr(DsRun) run = g_new0 (DsRun, 1);

  run->project = ds_project_open (project_folder, DS_PROJECT_OPEN_DEFAULT, error);
  if (run->project == NULL)
    return NULL;
  run->pending_steps = g_array_new (FALSE, FALSE, sizeof (DsRunStep));

  return g_steal_pointer (&run);
}

/* For each of the run's images, whether it is synthetic; NULL with @error. */
static gboolean *
synthetic_images (DsRun   *run,
                  GError **error)
{
  g_autoptr(GArray) ids = ds_project_list_images (run->project, DS_IMAGE_FILTER_SYNTHETIC, 0,
                                                  error);
  g_autoptr(GHashTable) set = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean *synthetic;

  if (ids == NULL)
    return NULL;
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (set, &g_array_index (ids, gint64, i));
  synthetic = g_new0 (gboolean, MAX (run->data->n, 1));
  for (guint i = 0; i < run->data->n; i++)
    synthetic[i] = g_hash_table_contains (set, &run->image_ids[i]);

  return synthetic;
}

/* Builds the index lists from the part each image plays. */
static void
set_roles (DsRun           *run,
           const DsRunRole *roles)
{
  run->train_idx = g_new (guint32, MAX (run->data->n, 1));
  run->val_idx = g_new (guint32, MAX (run->data->n, 1));
  run->test_idx = g_new (guint32, MAX (run->data->n, 1));
  run->n_train = run->n_val = run->n_test = 0;
  for (guint i = 0; i < run->data->n; i++)
    {
      if (run->data->labels[i] < 0)
        continue;
      switch (roles[i])
        {
        case DS_RUN_ROLE_TRAIN: run->train_idx[run->n_train++] = i; break;
        case DS_RUN_ROLE_VAL: run->val_idx[run->n_val++] = i; break;
        case DS_RUN_ROLE_TEST: run->test_idx[run->n_test++] = i; break;
        default: g_assert_not_reached ();
        }
    }
  run->steps_per_epoch = (run->n_train + run->info->config.batch_size - 1)
                         / run->info->config.batch_size;
}

DsRun *
ds_run_new (const char         *project_folder,
            const DsRunConfig  *config,
            const char         *origin,
            GError            **error)
{
  g_autoptr(DsRun) run = NULL;
  g_autoptr(GPtrArray) classes = NULL;
  g_autofree gint64 *class_ids = NULL;
  g_autofree DsSplit *splits = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree guint32 *pool = NULL;
  g_autofree gint64 *labelled_ids = NULL;
  g_autofree DsRunRole *labelled_roles = NULL;
  g_autofree gint32 *labelled_labels = NULL;
  g_autofree gboolean *synthetic = NULL;
  g_auto(DsRunConfig) recorded = { 0 };
  guint n_pool = 0, n_val, n_labelled = 0;
  gint64 run_id;

  g_return_val_if_fail (project_folder != NULL && config != NULL, NULL);

  if (!ds_run_config_validate (config, error))
    return NULL;
  ds_run_config_copy (&recorded, config);
  if ((run = run_open (project_folder, error)) == NULL)
    return NULL;
  classes = ds_project_list_classes (run->project, error);
  if (classes == NULL)
    return NULL;
  run->data = ds_project_load_images (run->project, DS_LOAD_UNLABELLED
                                      | (config->include_synthetic ? DS_LOAD_SYNTHETIC : 0),
                                      0, 0, 0, &run->image_ids, &splits, error);
  if (run->data == NULL)
    return NULL;
  if (config->include_synthetic && (synthetic = synthetic_images (run, error)) == NULL)
    return NULL;

  run->autoencoder = ds_run_config_is_autoencoder (config);
  if (run->autoencoder)
    {
      run->normal = ds_run_find_normal_class ((const char * const *) run->data->class_names,
                                              config->normal_class, error);
      if (run->normal < 0)
        {
          g_prefix_error (error, "%s: ", project_folder);
          return NULL;
        }
      /* the record names the class that was taken, whatever the default becomes */
      g_free (recorded.normal_class);
      recorded.normal_class = g_strdup (run->data->class_names[run->normal]);
    }
  else
    g_clear_pointer (&recorded.normal_class, g_free);

  run->ctx = ds_context_new (config->seed, config->n_threads);
  run->model = ds_preset_new_model (config->preset,
                                    DS_SHAPE (1, run->data->c, run->data->h, run->data->w),
                                    run->data->n_classes, error);
  if (run->model == NULL)
    return NULL;
  /* an autoencoder's outputs are pixels, not classes */
  if (!run->autoencoder)
    ds_model_set_class_names (run->model, (const char * const *) run->data->class_names);
  ds_model_init_params (run->model, ds_context_get_rng (run->ctx));
  run->opt = ds_optimizer_new (config->optimizer, run->model->n_params, (float) config->lr,
                               (float) config->weight_decay);
  run->state = DS_TRAIN_STATE_INIT;

  /* the test split stays out; the rest is shuffled with the seed and its tail validates. An
   * autoencoder trains and validates on normal images only: the others only measure it. */
  roles = g_new (DsRunRole, MAX (run->data->n, 1));
  pool = g_new (guint32, MAX (run->data->n, 1));
  for (guint i = 0; i < run->data->n; i++)
    {
      gboolean other = run->autoencoder && run->data->labels[i] != run->normal;

      /* synthetic images only ever train: they are no evidence of how the model does, and
       * leaving them out of the pool keeps the validation images those of a run without them */
      if (synthetic != NULL && synthetic[i])
        {
          roles[i] = DS_RUN_ROLE_TRAIN;
          n_labelled += run->data->labels[i] >= 0;
          continue;
        }
      roles[i] = splits[i] == DS_SPLIT_TEST || other ? DS_RUN_ROLE_TEST : DS_RUN_ROLE_TRAIN;
      if (run->data->labels[i] >= 0 && roles[i] == DS_RUN_ROLE_TRAIN)
        pool[n_pool++] = i;
      n_labelled += run->data->labels[i] >= 0;
    }
  if (n_pool == 0)
    {
      if (run->autoencoder)
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                     "%s: there are no labelled training images of the normal class “%s”",
                     project_folder, run->data->class_names[run->normal]);
      else
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                     "%s: there are no labelled training images", project_folder);
      return NULL;
    }
  ds_rng_shuffle (ds_context_get_rng (run->ctx), pool, n_pool);
  n_val = (guint) (config->val_split * n_pool + 0.5);
  n_val = MIN (n_val, n_pool - 1);
  for (guint i = n_pool - n_val; i < n_pool; i++)
    roles[pool[i]] = DS_RUN_ROLE_VAL;
  /* the record holds the epochs taken, not "automatic" */
  if (recorded.epochs == 0)
    recorded.epochs = ds_anomaly_auto_epochs (ds_run_config_find_preset (config->preset)->epochs,
                                              n_pool - n_val);

  /* the record: the labelled images with their parts and labels */
  labelled_ids = g_new (gint64, MAX (n_labelled, 1));
  labelled_roles = g_new (DsRunRole, MAX (n_labelled, 1));
  labelled_labels = g_new (gint32, MAX (n_labelled, 1));
  for (guint i = 0, j = 0; i < run->data->n; i++)
    if (run->data->labels[i] >= 0)
      {
        labelled_ids[j] = run->image_ids[i];
        labelled_roles[j] = roles[i];
        labelled_labels[j] = run->data->labels[i];
        j++;
      }
  class_ids = g_new0 (gint64, MAX (classes->len, 1));
  for (guint k = 0; k < classes->len; k++)
    class_ids[k] = ((DsClassInfo *) g_ptr_array_index (classes, k))->id;

  run_id = ds_project_add_run (run->project, &recorded, origin, run->data->c, run->data->h,
                               run->data->w, (const char * const *) run->data->class_names,
                               class_ids, labelled_ids, labelled_roles, labelled_labels,
                               n_labelled, error);
  if (run_id == 0)
    return NULL;
  run->info = ds_project_get_run (run->project, run_id, error);
  if (run->info == NULL)
    return NULL;
  set_roles (run, roles);

  run->folder = ds_project_run_folder (run->project, run_id);
  if (g_mkdir_with_parents (run->folder, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: cannot create the folder: %s",
                   run->folder, g_strerror (errsv));
      ds_project_finish_run (run->project, run_id, DS_RUN_FAILED, (*error)->message, 0, NAN, NULL);
      return NULL;
    }
  /* epoch 0: a stop before the first epoch ends resumes from here */
  if (!write_checkpoint (run, DS_RUN_CHECKPOINT_LAST, error))
    {
      ds_project_finish_run (run->project, run_id, DS_RUN_FAILED, (*error)->message, 0, NAN, NULL);
      return NULL;
    }

  return g_steal_pointer (&run);
}

DsRun *
ds_run_resume (const char  *project_folder,
               gint64       run_id,
               GError     **error)
{
  g_autoptr(DsRun) run = NULL;
  g_autoptr(GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = NULL;
  g_autofree DsRunRole *recorded_roles = NULL;
  g_autofree gint32 *labels = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree char *checkpoint = NULL;
  g_autoptr(DsModel) model = NULL;
  DsOptimizer *opt = NULL;
  DsRng rng;
  guint n;

  if ((run = run_open (project_folder, error)) == NULL)
    return NULL;
  run->info = ds_project_get_run (run->project, run_id, error);
  if (run->info == NULL)
    return NULL;
  if (run->info->status == DS_RUN_FINISHED || run->info->status == DS_RUN_STOPPED_EARLY)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "run %" G_GINT64_FORMAT " has already %s", run_id,
                   run->info->status == DS_RUN_FINISHED ? "finished" : "stopped early");
      return NULL;
    }
  if (run->info->checkpoint_last == NULL)
    run->info->checkpoint_last = relative_checkpoint (run, DS_RUN_CHECKPOINT_LAST);
  checkpoint = g_build_filename (project_folder, run->info->checkpoint_last, NULL);
  model = ds_model_load (checkpoint, &opt, error);
  if (model == NULL)
    return NULL;
  run->opt = opt;
  if (opt == NULL || opt->n != model->n_params)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not a checkpoint (no optimiser state)", checkpoint);
      return NULL;
    }
  if (!get_state (model, checkpoint, &run->state, &rng, error))
    return NULL;
  run->model = g_steal_pointer (&model);
  run->ctx = ds_context_new (run->info->config.seed, run->info->config.n_threads);
  *ds_context_get_rng (run->ctx) = rng;
  run->wall_before = run->info->wall_seconds;

  run->data = ds_project_load_images (run->project, DS_LOAD_UNLABELLED
                                      | (run->info->config.include_synthetic
                                         ? DS_LOAD_SYNTHETIC : 0), run->info->input_c,
                                      run->info->input_h, run->info->input_w, &run->image_ids,
                                      NULL, error);
  if (run->data == NULL)
    return NULL;
  /* the labels and parts the run started with, whatever was relabelled since */
  if (!ds_project_get_run_images (run->project, run_id, &ids, &recorded_roles, &labels, &n, error))
    return NULL;
  for (guint i = 0; i < run->data->n; i++)
    {
      run->data->labels[i] = -1;
      g_hash_table_insert (index, &run->image_ids[i], GUINT_TO_POINTER (i + 1));
    }
  roles = g_new0 (DsRunRole, MAX (run->data->n, 1));
  for (guint j = 0; j < n; j++)
    {
      guint i = GPOINTER_TO_UINT (g_hash_table_lookup (index, &ids[j]));

      if (i == 0)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                       "run %" G_GINT64_FORMAT " cannot resume: image %" G_GINT64_FORMAT
                       " it trained on has gone from the project", run_id, ids[j]);
          return NULL;
        }
      run->data->labels[i - 1] = labels[j];
      roles[i - 1] = recorded_roles[j];
    }
  g_strfreev (run->data->class_names);
  run->data->class_names = g_strdupv (run->info->class_names);
  run->data->n_classes = g_strv_length (run->info->class_names);
  run->autoencoder = ds_run_config_is_autoencoder (&run->info->config);
  if (run->autoencoder)
    {
      run->normal = ds_run_find_normal_class ((const char * const *) run->data->class_names,
                                              run->info->config.normal_class, error);
      if (run->normal < 0)
        return NULL;
    }
  set_roles (run, roles);
  run->folder = ds_project_run_folder (run->project, run_id);

  if (!ds_project_resume_run (run->project, run_id, error))
    return NULL;

  return g_steal_pointer (&run);
}

/* Training */

static double
wall_seconds (DsRun *run)
{
  return run->wall_before + (g_get_monotonic_time () - run->started) / 1e6;
}

/* Writes the checkpoints and records the epoch that @p reports. */
static gboolean
end_epoch (DsRun            *run,
           const DsProgress *p,
           GError          **error)
{
  g_autofree char *last = relative_checkpoint (run, DS_RUN_CHECKPOINT_LAST);
  g_autofree char *best = NULL;
  DsRunEpoch epoch = {
    .epoch = p->epoch,
    .train_loss = p->loss,
    .val_loss = p->val_loss,
    .val_accuracy = p->val_accuracy,
    .seconds = p->epoch_seconds,
    .items_per_second = p->items_per_second,
  };
  /* without validation every epoch is the best so far */
  gboolean improved = !isfinite (p->val_loss) || run->state.epochs_since_best == 0;

  if (!write_checkpoint (run, DS_RUN_CHECKPOINT_LAST, error))
    return FALSE;
  if (improved)
    {
      if (!write_checkpoint (run, DS_RUN_CHECKPOINT_BEST, error))
        return FALSE;
      best = relative_checkpoint (run, DS_RUN_CHECKPOINT_BEST);
    }
  if (p->val_confusion != NULL)
    {
      epoch.n_classes = p->val_confusion->n_classes;
      epoch.confusion = p->val_confusion->counts;
    }

  if (!ds_project_record_epoch (run->project, run->info->id, &epoch,
                                (const DsRunStep *) (void *) run->pending_steps->data,
                                run->pending_steps->len, run->steps_per_epoch, last, best,
                                wall_seconds (run), error))
    return FALSE;
  g_array_set_size (run->pending_steps, 0);

  return TRUE;
}

static gboolean
run_progress_cb (const DsProgress *p,
                 gpointer          user_data)
{
  DsRun *run = user_data;

  if (p->kind == DS_PROGRESS_STEP)
    {
      DsRunStep step = { p->global_step, p->loss };

      g_array_append_val (run->pending_steps, step);
    }
  else if (p->kind == DS_PROGRESS_EPOCH && !end_epoch (run, p, &run->stop_error))
    return FALSE;

  return run->func == NULL || run->func (p, run->user_data);
}

/* Predicts every image with the best weights, stores the predictions, and measures the test
 * images. */
static gboolean
predict_all (DsRun   *run,
             double  *test_accuracy,
             GError **error)
{
  g_autofree char *best_path = g_build_filename (run->folder, DS_RUN_CHECKPOINT_BEST, NULL);
  g_autoptr(DsModel) best = NULL;
  g_autoptr(DsConfusion) cm = NULL;
  g_autofree float *probs = NULL;
  g_autofree gint32 *indices = NULL;
  g_autofree float *confidences = NULL;
  DsModel *model = run->model;
  DsSubset all = { run->data, NULL, run->data->n };
  guint k = run->data->n_classes;

  *test_accuracy = NAN;
  if (g_file_test (best_path, G_FILE_TEST_EXISTS))
    {
      if ((best = ds_model_load (best_path, NULL, error)) == NULL)
        return FALSE;
      model = best;
    }

  probs = g_try_new (float, (gsize) run->data->n * k);
  if (probs == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                   "not enough memory to predict %u images", run->data->n);
      return FALSE;
    }
  if (!ds_evaluate_classifier (model, run->ctx, &all, 256, NULL, NULL, probs, error))
    return FALSE;

  indices = g_new (gint32, MAX (run->data->n, 1));
  confidences = g_new (float, MAX (run->data->n, 1));
  for (guint i = 0; i < run->data->n; i++)
    {
      const float *row = probs + (gsize) i * k;

      indices[i] = (gint32) ds_argmax (row, k);
      confidences[i] = row[indices[i]];
    }
  if (run->n_test > 0)
    {
      cm = ds_confusion_new (k);
      for (guint i = 0; i < run->n_test; i++)
        ds_confusion_add (cm, run->data->labels[run->test_idx[i]], indices[run->test_idx[i]]);
      *test_accuracy = ds_confusion_accuracy (cm);
    }

  return ds_project_set_predictions (run->project, run->info->id, run->image_ids, indices,
                                     confidences, run->data->n, error);
}

gboolean
ds_run_train (DsRun           *run,
              DsProgressFunc   func,
              gpointer         user_data,
              GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  const DsRunConfig *config = &run->info->config;
  DsTrainConfig tconfig = {
    .objective = run->autoencoder ? DS_OBJECTIVE_RECONSTRUCT : DS_OBJECTIVE_CLASSIFY,
    .epochs = config->epochs,
    .batch_size = config->batch_size,
    .augment = config->augment,
    .lr_schedule = config->lr_schedule,
    .patience = config->patience,
  };
  DsSubset train = { run->data, run->train_idx, run->n_train };
  DsSubset val = { run->data, run->val_idx, run->n_val };
  DsRunStatus status;
  double test_accuracy = NAN;
  DsRunAnomaly figures;
  gboolean ok;

  run->func = func;
  run->user_data = user_data;
  run->started = g_get_monotonic_time ();
  g_clear_error (&run->stop_error);
  ds_context_set_progress (run->ctx, run_progress_cb, run);

  ok = ds_train_model (run->model, run->opt, run->ctx, &train, run->n_val > 0 ? &val : NULL,
                       &tconfig, &run->state, NULL, &local_error);
  /* the run's own reason to stop (a checkpoint that could not be written) comes first */
  if (!ok && run->stop_error != NULL)
    {
      g_clear_error (&local_error);
      local_error = g_steal_pointer (&run->stop_error);
    }
  if (ok && run->autoencoder)
    ok = ds_run_finish_anomaly (run, &figures, &local_error);
  else if (ok)
    ok = predict_all (run, &test_accuracy, &local_error);

  if (ok)
    status = run->state.stopped_early ? DS_RUN_STOPPED_EARLY : DS_RUN_FINISHED;
  else if (g_error_matches (local_error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED))
    {
      status = DS_RUN_CANCELLED;
      g_prefix_error (&local_error, "epoch %u, step %" G_GUINT64_FORMAT ": ",
                      run->state.epochs_done + 1,
                      run->state.global_step - (guint64) run->state.epochs_done * run->steps_per_epoch);
    }
  else
    status = DS_RUN_FAILED;

  /* a failure to record the end must not hide why the run ended */
  ds_project_finish_run (run->project, run->info->id, status,
                         ok ? NULL : local_error->message, wall_seconds (run), test_accuracy,
                         NULL);
  ds_context_set_progress (run->ctx, NULL, NULL);
  run->func = NULL;
  run->user_data = NULL;
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
