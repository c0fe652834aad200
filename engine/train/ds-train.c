/* ds-train.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error.h"
#include "nn/ds-loss.h"
#include "train/ds-train.h"
#include "train/ds-workers.h"

static const char * const schedule_names[] = { "constant", "cosine" };

const char *
ds_lr_schedule_to_string (DsLrSchedule schedule)
{
  return schedule_names[schedule];
}

gboolean
ds_lr_schedule_from_string (const char   *name,
                            DsLrSchedule *schedule)
{
  for (guint i = 0; i < G_N_ELEMENTS (schedule_names); i++)
    if (g_ascii_strcasecmp (name, schedule_names[i]) == 0)
      {
        *schedule = (DsLrSchedule) i;
        return TRUE;
      }

  return FALSE;
}

/* The learning rate of @step (0-based) of @total under @schedule. */
static float
scheduled_lr (DsLrSchedule schedule,
              float        base,
              guint64      step,
              guint64      total)
{
  if (schedule == DS_LR_COSINE && total > 0)
    return (float) (base * 0.5 * (1.0 + cos (G_PI * (double) step / (double) total)));

  return base;
}

static gboolean
any_nan (const float *values,
         gsize        n)
{
  for (gsize i = 0; i < n; i++)
    if (isnan (values[i]))
      return TRUE;

  return FALSE;
}

static guint32
subset_index (const DsSubset *s,
              guint           i)
{
  return s->idx != NULL ? s->idx[i] : i;
}

static guint32 *
subset_indices (const DsSubset *s)
{
  guint32 *idx = g_new (guint32, MAX (s->n, 1));

  for (guint i = 0; i < s->n; i++)
    idx[i] = subset_index (s, i);

  return idx;
}

static gboolean
cancelled (GError **error)
{
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED, "cancelled");
  return FALSE;
}

/* One batch split over the workers: each runs its slice and leaves its results here. */
typedef struct
{
  DsObjective     objective;
  const DsTensor *x;            /* (B, C, H, W) the whole batch */
  const gint32   *labels;       /* (B) */
  guint           n_labelled;   /* in the whole batch: every sample when reconstructing */
  guint           k;            /* classes */
  GPtrArray      *dlogits;      /* (n_shards) DsTensor */
  double         *loss_sums;    /* (n_shards) loss × labelled samples of each shard */
  float          *probs;        /* (B, K) softmax, evaluation only */
} BatchJob;

static DsTensor
batch_slice (const DsTensor *x,
             guint           start,
             guint           count)
{
  DsTensor view = { .shape = x->shape, .capacity = 0 };

  view.shape.n = count;
  view.data = x->data + (gsize) start * ds_shape_sample_size (&x->shape);

  return view;
}

/* Samples that count towards the loss: labelled ones, or every one when reconstructing. */
static guint
count_labelled (const gint32 *labels,
                guint         n,
                guint         k)
{
  guint count = 0;

  if (k == 0)
    return n;

  for (guint i = 0; i < n; i++)
    count += labels[i] >= 0 && (guint) labels[i] < k;

  return count;
}

static void
train_slice (DsModel  *replica,
             guint     shard,
             guint     start,
             guint     count,
             DsRng    *rng,
             gpointer  user_data)
{
  BatchJob *job = user_data;
  DsTensor x = batch_slice (job->x, start, count);
  DsTensor *dlogits = g_ptr_array_index (job->dlogits, shard);
  guint labelled = count_labelled (job->labels + start, count, job->k);
  const DsTensor *logits;
  double loss;
  float scale;

  logits = ds_model_forward (replica, &x, TRUE, rng);
  if (job->objective == DS_OBJECTIVE_RECONSTRUCT)
    loss = ds_loss_mse (logits, &x, dlogits);
  else
    loss = ds_loss_softmax_cross_entropy (logits, job->labels + start, dlogits, NULL);
  /* the loss gives the slice's mean; the step wants the whole batch's */
  scale = job->n_labelled > 0 ? (float) labelled / (float) job->n_labelled : 0.0f;
  for (gsize i = 0; i < ds_tensor_size (dlogits); i++)
    dlogits->data[i] *= scale;
  ds_model_zero_grad (replica);
  ds_model_backward (replica, dlogits, NULL);
  job->loss_sums[shard] = loss * labelled;
}

static void
evaluate_slice (DsModel  *replica,
                guint     shard,
                guint     start,
                guint     count,
                DsRng    *rng,
                gpointer  user_data)
{
  BatchJob *job = user_data;
  DsTensor x = batch_slice (job->x, start, count);
  DsTensor probs = { .shape = DS_SHAPE (count, job->k, 1, 1), .capacity = 0 };
  const DsTensor *logits;
  double loss;

  logits = ds_model_forward (replica, &x, FALSE, NULL);
  if (job->objective == DS_OBJECTIVE_RECONSTRUCT)
    {
      job->loss_sums[shard] = ds_loss_mse (logits, &x, NULL) * count;
      return;
    }
  probs.data = job->probs + (gsize) start * job->k;
  /* @probs is a view: the loss only writes within its shape */
  probs.capacity = ds_tensor_size (&probs);
  loss = ds_loss_softmax_cross_entropy (logits, job->labels + start, NULL, &probs);
  job->loss_sums[shard] = loss * count_labelled (job->labels + start, count, job->k);
}

static double
job_loss (const BatchJob *job,
          guint           n_shards)
{
  double sum = 0.0;

  /* shard order: the same sum on any number of threads */
  for (guint i = 0; i < n_shards; i++)
    sum += job->loss_sums[i];

  return job->n_labelled > 0 ? sum / job->n_labelled : 0.0;
}

/* Runs @model over @set in evaluation mode for @objective: the mean loss, and for a
 * classifier the confusion matrix and the softmax of every sample. */
static gboolean
evaluate (DsModel         *model,
          DsContext       *ctx,
          const DsSubset  *set,
          guint            batch_size,
          DsObjective      objective,
          DsConfusion     *cm,
          double          *loss,
          float           *probs,
          GError         **error)
{
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsWorkers) workers = NULL;
  g_autofree guint32 *idx = subset_indices (set);
  g_autofree gint32 *labels = NULL;
  g_autofree double *loss_sums = NULL;
  g_autofree float *batch_probs = NULL;
  DsShape out_shape = ds_model_output_shape (model);
  gboolean classify = objective == DS_OBJECTIVE_CLASSIFY;
  guint k = classify ? (guint) ds_shape_sample_size (&out_shape) : 0;
  guint64 n_steps;
  BatchJob job = { .objective = objective, .k = k };
  double loss_sum = 0.0;
  guint64 labelled = 0;

  g_return_val_if_fail (batch_size > 0, FALSE);

  workers = ds_workers_new (model, ds_context_get_n_threads (ctx), batch_size, error);
  if (workers == NULL)
    return FALSE;
  /* batches of whole shards: every sample is computed with the same others whatever the
   * batch size asked for */
  batch_size = ds_workers_get_max_batch (workers);
  n_steps = (set->n + batch_size - 1) / batch_size;
  labels = g_new (gint32, batch_size);
  loss_sums = g_new0 (double, ds_workers_get_n_shards (workers));
  batch_probs = g_new (float, (gsize) batch_size * MAX (k, 1));
  job.labels = labels;
  job.x = x;
  job.loss_sums = loss_sums;
  job.probs = batch_probs;

  for (guint start = 0, step = 1; start < set->n; start += batch_size, step++)
    {
      guint count = MIN (batch_size, set->n - start);
      DsProgress progress = {
        .kind = DS_PROGRESS_EVALUATE,
        .step = step,
        .n_steps = n_steps,
        .eta_seconds = -1.0,
        .val_loss = NAN,
        .val_accuracy = NAN,
      };

      ds_dataset_fill_batch (set->data, idx + start, count, NULL, NULL, x, labels);
      job.n_labelled = count_labelled (labels, count, k);
      memset (loss_sums, 0, ds_workers_get_n_shards (workers) * sizeof (double));
      ds_workers_run (workers, count, NULL, evaluate_slice, &job);

      if (cm != NULL && classify)
        for (guint i = 0; i < count; i++)
          ds_confusion_add (cm, labels[i], (gint32) ds_argmax (batch_probs + (gsize) i * k, k));
      if (probs != NULL && classify)
        memcpy (probs + (gsize) start * k, batch_probs, (gsize) count * k * sizeof (float));
      loss_sum += job_loss (&job, ds_workers_get_n_shards (workers)) * job.n_labelled;
      labelled += job.n_labelled;

      if (!ds_context_report (ctx, &progress))
        return cancelled (error);
    }

  if (loss != NULL)
    *loss = labelled > 0 ? loss_sum / labelled : NAN;

  return TRUE;
}

gboolean
ds_evaluate_classifier (DsModel         *model,
                        DsContext       *ctx,
                        const DsSubset  *set,
                        guint            batch_size,
                        DsConfusion     *cm,
                        double          *loss,
                        float           *probs,
                        GError         **error)
{
  return evaluate (model, ctx, set, batch_size, DS_OBJECTIVE_CLASSIFY, cm, loss, probs, error);
}

gboolean
ds_evaluate_reconstruction (DsModel         *model,
                            DsContext       *ctx,
                            const DsSubset  *set,
                            guint            batch_size,
                            double          *loss,
                            GError         **error)
{
  return evaluate (model, ctx, set, batch_size, DS_OBJECTIVE_RECONSTRUCT, NULL, loss, NULL, error);
}

/* Validation loss of one epoch, and for a classifier its confusion matrix (@cm, reset here). */
static gboolean
validate (DsModel         *model,
          DsContext       *ctx,
          const DsSubset  *val,
          guint            batch_size,
          DsObjective      objective,
          DsConfusion     *cm,
          double          *loss,
          GError         **error)
{
  *loss = NAN;
  if (val == NULL || val->n == 0)
    return TRUE;
  if (cm != NULL)
    ds_confusion_reset (cm);

  /* larger batches than training: evaluation keeps no activations for backward */
  return evaluate (model, ctx, val, MAX (batch_size, 256), objective, cm, loss, NULL, error);
}

static gboolean
check_arguments (DsModel              *model,
                 DsOptimizer          *opt,
                 const DsSubset       *train,
                 const DsTrainConfig  *config,
                 GError              **error)
{
  DsShape out = ds_model_output_shape (model);

  if (config->batch_size == 0 || config->epochs == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "batch size and epochs must be at least 1");
      return FALSE;
    }
  if (train->n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "there are no %straining images",
                   config->objective == DS_OBJECTIVE_CLASSIFY ? "labelled " : "");
      return FALSE;
    }
  if (opt->n != model->n_params)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the optimiser was made for another model");
      return FALSE;
    }
  if (config->objective == DS_OBJECTIVE_RECONSTRUCT &&
      (out.c != model->input.c || out.h != model->input.h || out.w != model->input.w))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "a reconstruction needs an output of the input's shape %u×%u×%u, not %u×%u×%u",
                   model->input.c, model->input.h, model->input.w, out.c, out.h, out.w);
      return FALSE;
    }

  return TRUE;
}

static gboolean
run_epochs (DsModel              *model,
            DsOptimizer          *opt,
            DsContext            *ctx,
            const DsSubset       *train,
            const DsSubset       *val,
            const DsTrainConfig  *config,
            DsTrainState         *state,
            GArray               *history,
            GError              **error)
{
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsWorkers) workers = NULL;
  g_autoptr(GPtrArray) dlogits = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_tensor_free);
  g_autoptr(DsConfusion) cm = NULL;
  g_autofree double *loss_sums = NULL;
  g_autofree guint32 *order = NULL;
  g_autofree gint32 *labels = NULL;
  g_autofree float *saved = NULL;
  DsRng *rng = ds_context_get_rng (ctx);
  gboolean classify = config->objective == DS_OBJECTIVE_CLASSIFY;
  guint k = classify ? (guint) ds_model_output_shape (model).c : 0;
  guint batch_size = config->batch_size;
  guint64 n_steps, steps_at_start = state->global_step;
  gint64 run_start = g_get_monotonic_time ();
  float base_lr = opt->lr;

  if (!check_arguments (model, opt, train, config, error))
    return FALSE;

  workers = ds_workers_new (model, ds_context_get_n_threads (ctx), batch_size, error);
  if (workers == NULL)
    return FALSE;
  for (guint i = 0; i < ds_workers_get_n_shards (workers); i++)
    g_ptr_array_add (dlogits, ds_tensor_new (DS_SHAPE (0, 0, 0, 0)));
  loss_sums = g_new0 (double, ds_workers_get_n_shards (workers));
  labels = g_new (gint32, batch_size);
  /* a copy of the weights before each step, so a non-finite step can be undone */
  saved = g_new (float, MAX (model->n_params, 1));
  n_steps = (train->n + batch_size - 1) / batch_size;
  if (classify)
    cm = ds_confusion_new (k);

  for (guint epoch = state->epochs_done + 1; epoch <= config->epochs; epoch++)
    {
      gint64 epoch_start = g_get_monotonic_time ();
      double loss_sum = 0.0;
      DsEpochResult result = { .epoch = epoch };
      DsProgress progress = { .epoch = epoch, .n_epochs = config->epochs, .n_steps = n_steps };
      guint64 run_steps = (guint64) config->epochs * n_steps;

      /* each epoch's order depends on the generator alone, so a resumed run draws the same */
      g_clear_pointer (&order, g_free);
      order = subset_indices (train);
      ds_rng_shuffle (rng, order, train->n);

      for (guint64 step = 1; step <= n_steps; step++)
        {
          guint start = (guint) ((step - 1) * batch_size);
          guint count = MIN (batch_size, train->n - start);
          BatchJob job = {
            .objective = config->objective,
            .x = x,
            .labels = labels,
            .k = k,
            .dlogits = dlogits,
            .loss_sums = loss_sums,
          };
          double loss, elapsed;

          ds_dataset_fill_batch (train->data, order + start, count, &config->augment, rng, x, labels);
          job.n_labelled = count_labelled (labels, count, k);
          ds_workers_run (workers, count, rng, train_slice, &job);
          ds_workers_merge_state (workers);
          loss = job_loss (&job, ds_workers_get_n_shards (workers));

          /* the threads sum the gradients, check them, and update the weights, each a range */
          if (!ds_workers_sum_grads (workers) || !isfinite (loss))
            {
              gboolean nan = isfinite (loss) ? any_nan (model->grads, model->n_params) : isnan (loss);

              g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NOT_FINITE,
                           "the %s became %s at epoch %u, step %" G_GUINT64_FORMAT
                           "; training stopped with the weights of the step before",
                           isfinite (loss) ? "gradient" : "loss", nan ? "NaN" : "infinite",
                           epoch, step);
              return FALSE;
            }
          opt->lr = scheduled_lr (config->lr_schedule, base_lr, state->global_step, run_steps);
          if (!ds_workers_update (workers, opt, saved))
            {
              g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NOT_FINITE,
                           "the weights became non-finite at epoch %u, step %" G_GUINT64_FORMAT
                           "; training stopped with the weights of the step before",
                           epoch, step);
              return FALSE;
            }

          state->global_step++;
          loss_sum += loss;
          elapsed = (g_get_monotonic_time () - run_start) / 1e6;
          progress.kind = DS_PROGRESS_STEP;
          progress.step = step;
          progress.global_step = state->global_step;
          progress.loss = loss;
          progress.elapsed_seconds = elapsed;
          progress.items_per_second =
            ((step - 1) * batch_size + count) / MAX ((g_get_monotonic_time () - epoch_start) / 1e6, 1e-9);
          progress.eta_seconds =
            elapsed / (state->global_step - steps_at_start) * (run_steps - state->global_step);
          progress.val_loss = NAN;
          progress.val_accuracy = NAN;
          if (!ds_context_report (ctx, &progress))
            return cancelled (error);
        }

      result.seconds = (g_get_monotonic_time () - epoch_start) / 1e6;
      result.train_loss = loss_sum / n_steps;
      result.items_per_second = train->n / MAX (result.seconds, 1e-9);
      if (!validate (model, ctx, val, batch_size, config->objective, cm, &result.val_loss, error))
        return FALSE;
      result.val_accuracy = cm != NULL && isfinite (result.val_loss) ? ds_confusion_accuracy (cm) : NAN;
      if (history != NULL)
        g_array_append_val (history, result);

      state->epochs_done = epoch;
      if (isfinite (result.val_loss))
        {
          if (result.val_loss < state->best_val_loss)
            {
              state->best_val_loss = result.val_loss;
              state->epochs_since_best = 0;
            }
          else
            state->epochs_since_best++;
        }
      state->stopped_early = config->patience > 0 && state->epochs_since_best >= config->patience;

      progress.kind = DS_PROGRESS_EPOCH;
      progress.loss = result.train_loss;
      progress.epoch_seconds = result.seconds;
      progress.items_per_second = result.items_per_second;
      progress.elapsed_seconds = (g_get_monotonic_time () - run_start) / 1e6;
      progress.eta_seconds = progress.elapsed_seconds / (state->global_step - steps_at_start)
                             * (run_steps - state->global_step);
      progress.val_loss = result.val_loss;
      progress.val_accuracy = result.val_accuracy;
      progress.val_confusion = isfinite (result.val_loss) ? cm : NULL;
      if (!ds_context_report (ctx, &progress))
        return cancelled (error);

      if (state->stopped_early)
        break;
    }

  return TRUE;
}

gboolean
ds_train_model (DsModel              *model,
                DsOptimizer          *opt,
                DsContext            *ctx,
                const DsSubset       *train,
                const DsSubset       *val,
                const DsTrainConfig  *config,
                DsTrainState         *state,
                GArray               *history,
                GError              **error)
{
  DsTrainState fresh = DS_TRAIN_STATE_INIT;
  /* the schedule moves opt->lr step by step; the optimiser keeps its base rate afterwards so
   * that a saved model resumes with it */
  float base_lr = opt->lr;
  gboolean ok = run_epochs (model, opt, ctx, train, val, config, state != NULL ? state : &fresh,
                            history, error);

  opt->lr = base_lr;

  return ok;
}

void
ds_format_duration (double  seconds,
                    char   *buf,
                    gsize   len)
{
  guint s = seconds > 0 && isfinite (seconds) ? (guint) (seconds + 0.5) : 0;

  if (s >= 3600)
    g_snprintf (buf, len, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  else
    g_snprintf (buf, len, "%u:%02u", s / 60, s % 60);
}
