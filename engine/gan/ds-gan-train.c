/* ds-gan-train.c: alternating discriminator and generator updates over the worker threads
 *
 * One step, for a batch of B real images and B latents:
 *  1. every generator replica makes its shard of B fakes (training mode);
 *  2. every discriminator replica runs its shard of real, then of fake images, forward and
 *     backward; the gradients are summed and the discriminator updated;
 *  3. every generator replica runs its own fakes through the discriminator replica of the same
 *     shard (now holding the updated weights, which the replicas share), back through it to the
 *     fakes and on through the generator; its gradients are summed and the generator updated.
 * The pools of both networks are made for the same batch and so cut it into the same shards:
 * shard i of the fakes is where replica i of each pool expects it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error.h"
#include "gan/ds-gan-private.h"

/* Past this generator loss D(G(z)) < 5e-5: the generator's samples are all rejected. */
#define G_LOSS_HIGH    10.0
/* The discriminator's loss this close to its minimum means it separates perfectly. */
#define D_LOSS_MARGIN  0.01
/* Generated batches varying less than this fraction of real ones look all alike. */
#define ALIKE_FRACTION 0.1

typedef struct
{
  DsGan           *gan;
  DsWorkers       *gw;
  DsWorkers       *dw;
  DsTensor        *real;       /* (B, C, H, W) in [-1, 1] */
  DsTensor        *z;          /* (B, Z, 1, 1) */
  guint            batch;      /* B */
  const float     *ones;       /* (B) targets */
  const float     *zeros;      /* (B) */
  const float     *real_targets; /* (B) 1 - label smoothing */
  /* per shard */
  DsTensor        *z_views;    /* the generator replicas' inputs, read again by their backward */
  const DsTensor **fake;       /* each generator replica's output, its slice of fakes */
  GPtrArray       *dlogits;    /* DsTensor */
  GPtrArray       *dfake;      /* DsTensor: d L_G / d fake */
  double          *d_loss;     /* sums over each shard's samples */
  double          *g_loss;
  double          *d_real;
  double          *d_fake;
} StepJob;

/* A view of generator replica @shard's output as images (count, C, H, W). */
static DsTensor
fake_images (const StepJob *job,
             guint          shard,
             guint          count)
{
  DsTensor view = { .shape = job->gan->image, .data = job->fake[shard]->data, .capacity = 0 };

  view.shape.n = count;

  return view;
}

static void
generate_fakes (DsModel  *replica,
                guint     shard,
                guint     start,
                guint     count,
                DsRng    *rng,
                gpointer  user_data)
{
  StepJob *job = user_data;

  /* the view must outlive this call: the generator's backward reads its input again */
  job->z_views[shard] = ds_gan_slice (job->z, start, count);
  job->fake[shard] = ds_model_forward (replica, &job->z_views[shard], TRUE, rng);
}

static void
discriminator_slice (DsModel  *replica,
                     guint     shard,
                     guint     start,
                     guint     count,
                     DsRng    *rng,
                     gpointer  user_data)
{
  StepJob *job = user_data;
  DsTensor real = ds_gan_slice (job->real, start, count);
  DsTensor fake = fake_images (job, shard, count);

  job->d_real[shard] = job->d_fake[shard] = 0.0;
  job->d_loss[shard] = count * ds_gan_discriminator_pass (replica, &real, &fake,
                                                          job->real_targets + start,
                                                          job->zeros + start,
                                                          g_ptr_array_index (job->dlogits, shard),
                                                          (float) count / job->batch, rng,
                                                          &job->d_real[shard],
                                                          &job->d_fake[shard]);
}

static void
generator_slice (DsModel  *replica,
                 guint     shard,
                 guint     start,
                 guint     count,
                 DsRng    *rng,
                 gpointer  user_data)
{
  StepJob *job = user_data;
  DsTensor fake = fake_images (job, shard, count);

  job->g_loss[shard] = count * ds_gan_generator_pass (replica,
                                                      ds_workers_get_replica (job->dw, shard),
                                                      &fake, job->ones + start,
                                                      g_ptr_array_index (job->dlogits, shard),
                                                      g_ptr_array_index (job->dfake, shard),
                                                      (float) count / job->batch, rng, NULL);
}

static gboolean
not_finite (GError     **error,
            const char  *what,
            guint        epoch,
            guint64      step)
{
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NOT_FINITE,
               "the %s became non-finite at epoch %u, step %" G_GUINT64_FORMAT
               "; training stopped with the weights of the step before", what, epoch, step);
  return FALSE;
}

/* Sums the replicas' gradients, checks them, and updates the weights of the network @name. On
 * failure its weights are restored. */
static gboolean
update_network (DsWorkers    *workers,
                DsOptimizer  *opt,
                float        *saved,
                const char   *name,
                guint         epoch,
                guint64       step,
                GError      **error)
{
  g_autofree char *what = NULL;

  if (!ds_workers_sum_grads (workers))
    {
      what = g_strconcat (name, "'s gradient", NULL);
      return not_finite (error, what, epoch, step);
    }
  if (!ds_workers_update (workers, opt, saved))
    {
      what = g_strconcat (name, "'s weights", NULL);
      return not_finite (error, what, epoch, step);
    }

  return TRUE;
}

/* Mean over pixels of the standard deviation across the @n samples of @x (n, P); @scratch
 * holds 2P doubles. */
static double
batch_spread (const float *x,
              guint        n,
              gsize        p,
              double      *scratch)
{
  double *sum = scratch, *sq = scratch + p;
  double total = 0.0;

  if (n < 2)
    return 0.0;
  memset (scratch, 0, 2 * p * sizeof (double));
  for (guint b = 0; b < n; b++)
    for (gsize i = 0; i < p; i++)
      {
        double v = x[(gsize) b * p + i];

        sum[i] += v;
        sq[i] += v * v;
      }
  for (gsize i = 0; i < p; i++)
    total += sqrt (MAX (0.0, (sq[i] - sum[i] * sum[i] / n) / (n - 1)));

  return total / p;
}

/* Consecutive steps a trouble sign has been seen, and the step it started. */
typedef struct
{
  guint   run;
  guint64 since;
} Streak;

/* Counts @seen at global step @step; TRUE once, when the streak reaches @window. */
static gboolean
streak_update (Streak   *s,
               gboolean  seen,
               guint64   step,
               guint     window)
{
  if (!seen)
    {
      s->run = 0;
      return FALSE;
    }
  if (s->run++ == 0)
    s->since = step;

  return s->run == window;
}

/* The trouble signs of a run. */
typedef struct
{
  guint   window;
  double  d_min;    /* the discriminator's smallest loss: the entropy of its real target */
  Streak  d_zero, g_high, alike;
} Monitor;

static void
monitor_init (Monitor *m,
              guint    window,
              float    label_smoothing)
{
  double t = 1.0 - label_smoothing;

  memset (m, 0, sizeof *m);
  m->window = window;
  m->d_min = t < 1.0 ? -(t * log (t) + (1.0 - t) * log (1.0 - t)) : 0.0;
}

/* Each sign is reported once, when it has lasted a whole window: its flag, the step where the
 * earliest of them started in @since, and a sentence each in @message. */
static DsGanTrouble
monitor_step (Monitor  *m,
              guint64   step,
              double    d_loss,
              double    g_loss,
              double    spread_fake,
              double    spread_real,
              guint64  *since,
              GString  *message)
{
  DsGanTrouble trouble = DS_GAN_TROUBLE_NONE;

  *since = 0;
  if (streak_update (&m->d_zero, d_loss - m->d_min < D_LOSS_MARGIN, step, m->window))
    {
      trouble |= DS_GAN_TROUBLE_D_LOSS_ZERO;
      *since = m->d_zero.since;
      g_string_append_printf (message, "the discriminator's loss has been at its minimum "
                              "(%.4f) for %u steps since step %" G_GUINT64_FORMAT ": it rejects "
                              "every sample and the generator learns nothing", d_loss, m->window,
                              m->d_zero.since);
    }
  if (streak_update (&m->g_high, g_loss > G_LOSS_HIGH, step, m->window))
    {
      trouble |= DS_GAN_TROUBLE_G_LOSS_HIGH;
      *since = *since > 0 ? MIN (*since, m->g_high.since) : m->g_high.since;
      g_string_append_printf (message, "%sthe generator's loss has been above %.0f (now %.2f) "
                              "for %u steps since step %" G_GUINT64_FORMAT ": training is "
                              "diverging", message->len > 0 ? "; " : "", G_LOSS_HIGH, g_loss,
                              m->window, m->g_high.since);
    }
  if (streak_update (&m->alike, spread_fake < ALIKE_FRACTION * spread_real, step, m->window))
    {
      trouble |= DS_GAN_TROUBLE_SAMPLES_ALIKE;
      *since = *since > 0 ? MIN (*since, m->alike.since) : m->alike.since;
      g_string_append_printf (message, "%sthe generated images have all been alike (spread "
                              "%.4f against %.4f for real ones) for %u steps since step %"
                              G_GUINT64_FORMAT ": mode collapse", message->len > 0 ? "; " : "",
                              spread_fake, spread_real, m->window, m->alike.since);
    }

  return trouble;
}

static gboolean
cancelled (GError **error)
{
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED, "cancelled");
  return FALSE;
}

static gboolean
report (DsContext           *ctx,
        const DsGanProgress *p,
        DsGanProgressFunc    func,
        gpointer             user_data)
{
  if (func != NULL && !func (p, user_data))
    ds_context_cancel (ctx);

  return ds_context_report (ctx, &p->base);
}

static double
sum_shards (const double *v,
             guint         n)
{
  double s = 0.0;

  for (guint i = 0; i < n; i++)
    s += v[i];

  return s;
}

static gboolean
check_arguments (DsGan              *gan,
                 const DsSubset     *train,
                 const DsGanConfig  *config,
                 GError            **error)
{
  const DsDataset *data = train->data;

  if (gan->discriminator == NULL || gan->d_opt == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the GAN was loaded without its discriminator");
      return FALSE;
    }
  if (config->batch_size == 0 || config->epochs == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "batch size and epochs must be at least 1");
      return FALSE;
    }
  if (train->n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "there are no training images");
      return FALSE;
    }
  if (data->c != gan->image.c || data->h != gan->image.h || data->w != gan->image.w)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "the images are %u×%u×%u, the GAN makes %u×%u×%u", data->c, data->h,
                   data->w, gan->image.c, gan->image.h, gan->image.w);
      return FALSE;
    }
  if (!(gan->label_smoothing >= 0.0f && gan->label_smoothing < 1.0f))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "label smoothing must be at least 0 and below 1");
      return FALSE;
    }
  if (config->classifier != NULL && (config->score_real == NULL || config->score_n < 2))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "scoring needs real images and at least 2 samples");
      return FALSE;
    }

  return TRUE;
}

/* Everything a run allocates once. */
typedef struct
{
  DsWorkers *gw, *dw, *cw;
  DsTensor  *real, *z, *fixed_z, *samples;
  GPtrArray *dlogits, *dfake;
  float     *targets;   /* (3, B): ones, zeros, real targets */
  float     *g_saved, *d_saved;
  double    *sums;      /* (4, n_workers) */
  DsTensor  *z_views;
  const DsTensor **fake;
  guint32   *order;
  float     *d_state;   /* the discriminator's batchnorm statistics before its generator step */
  float     *fakes;     /* (B, P) a step's generated images side by side */
  double    *spread;    /* (2P) */
  DsGaussian *real_features;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->gw, ds_workers_free);
  g_clear_pointer (&r->dw, ds_workers_free);
  g_clear_pointer (&r->cw, ds_workers_free);
  g_clear_pointer (&r->real, ds_tensor_free);
  g_clear_pointer (&r->z, ds_tensor_free);
  g_clear_pointer (&r->fixed_z, ds_tensor_free);
  g_clear_pointer (&r->samples, ds_tensor_free);
  g_clear_pointer (&r->dlogits, g_ptr_array_unref);
  g_clear_pointer (&r->dfake, g_ptr_array_unref);
  g_clear_pointer (&r->targets, g_free);
  g_clear_pointer (&r->g_saved, ds_floats_free);
  g_clear_pointer (&r->d_saved, ds_floats_free);
  g_clear_pointer (&r->sums, g_free);
  g_clear_pointer (&r->z_views, g_free);
  g_clear_pointer (&r->fake, g_free);
  g_clear_pointer (&r->order, g_free);
  g_clear_pointer (&r->d_state, g_free);
  g_clear_pointer (&r->fakes, g_free);
  g_clear_pointer (&r->spread, g_free);
  g_clear_pointer (&r->real_features, ds_gaussian_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static gboolean
run_setup (Run                *r,
           DsGan              *gan,
           DsContext          *ctx,
           const DsGanConfig  *config,
           GError            **error)
{
  guint n_threads = ds_context_get_n_threads (ctx);
  guint batch = config->batch_size;
  guint n;

  r->gw = ds_workers_new (gan->generator, n_threads, batch, error);
  if (r->gw == NULL)
    return FALSE;
  r->dw = ds_workers_new (gan->discriminator, n_threads, batch, error);
  if (r->dw == NULL)
    return FALSE;
  n = ds_workers_get_n_shards (r->gw);
  r->real = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  r->z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  r->fixed_z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  r->samples = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  r->dlogits = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_tensor_free);
  r->dfake = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_tensor_free);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (r->dlogits, ds_tensor_new (DS_SHAPE (0, 0, 0, 0)));
      g_ptr_array_add (r->dfake, ds_tensor_new (DS_SHAPE (0, 0, 0, 0)));
    }
  r->targets = g_new (float, 3 * (gsize) batch);
  for (guint i = 0; i < batch; i++)
    {
      r->targets[i] = 1.0f;
      r->targets[batch + i] = 0.0f;
      r->targets[2 * batch + i] = 1.0f - gan->label_smoothing;
    }
  r->g_saved = ds_floats_new0 (MAX (gan->generator->n_params, 1));
  r->d_saved = ds_floats_new0 (MAX (gan->discriminator->n_params, 1));
  r->sums = g_new0 (double, 4 * (gsize) n);
  r->z_views = g_new0 (DsTensor, n);
  r->fake = g_new0 (const DsTensor *, n);
  r->d_state = g_new (float, MAX (gan->discriminator->n_state, 1));
  r->fakes = g_new (float, (gsize) batch * ds_shape_sample_size (&gan->image));
  r->spread = g_new (double, 2 * ds_shape_sample_size (&gan->image));
  if (config->n_fixed > 0)
    ds_gan_latents (gan->latent, config->n_fixed, config->fixed_seed, r->fixed_z);

  if (config->classifier != NULL)
    {
      r->real_features = ds_gaussian_of_images (config->classifier, ctx, config->score_real,
                                                config->score_n, error);
      if (r->real_features == NULL)
        return FALSE;
      r->cw = ds_workers_new (config->classifier, n_threads, DS_GAN_EVAL_BATCH, error);
      if (r->cw == NULL)
        return FALSE;
    }

  return TRUE;
}

gboolean
ds_gan_train (DsGan              *gan,
              DsContext          *ctx,
              const DsSubset     *train,
              const DsGanConfig  *config,
              DsGanProgressFunc   func,
              gpointer            user_data,
              GError            **error)
{
  g_auto(Run) r = { 0 };
  DsRng *rng = ds_context_get_rng (ctx);
  guint batch = config->batch_size;
  guint window = config->trouble_window > 0 ? config->trouble_window : DS_GAN_TROUBLE_WINDOW;
  gsize pixels = ds_shape_sample_size (&gan->image);
  guint64 n_steps, steps_at_start = gan->global_step;
  gint64 run_start = g_get_monotonic_time ();
  g_autoptr(GString) message = g_string_new (NULL);
  Monitor monitor;
  guint ns;

  if (!check_arguments (gan, train, config, error) || !run_setup (&r, gan, ctx, config, error))
    return FALSE;
  ns = ds_workers_get_n_shards (r.gw);
  n_steps = (train->n + batch - 1) / batch;
  monitor_init (&monitor, window, gan->label_smoothing);

  for (guint epoch = gan->epochs_done + 1; epoch <= config->epochs; epoch++)
    {
      gint64 epoch_start = g_get_monotonic_time ();
      guint64 run_steps = (guint64) (config->epochs - gan->epochs_done) * n_steps
                          + (gan->global_step - steps_at_start);
      DsGanProgress p = { .base = { .epoch = epoch, .n_epochs = config->epochs,
                                    .n_steps = n_steps } };
      double sum_d = 0.0, sum_g = 0.0, sum_real = 0.0, sum_fake = 0.0;
      g_autoptr(DsGanScore) score = NULL;
      DsGanTrouble epoch_trouble = DS_GAN_TROUBLE_NONE;

      g_clear_pointer (&r.order, g_free);
      r.order = g_new (guint32, train->n);
      for (guint i = 0; i < train->n; i++)
        r.order[i] = train->idx != NULL ? train->idx[i] : i;
      ds_rng_shuffle (rng, r.order, train->n);

      for (guint64 step = 1; step <= n_steps; step++)
        {
          guint start = (guint) ((step - 1) * batch);
          guint count = MIN (batch, train->n - start);
          StepJob job = {
            .gan = gan, .gw = r.gw, .dw = r.dw, .real = r.real, .z = r.z, .batch = count,
            .ones = r.targets, .zeros = r.targets + batch, .real_targets = r.targets + 2 * batch,
            .z_views = r.z_views, .fake = r.fake, .dlogits = r.dlogits, .dfake = r.dfake,
            .d_loss = r.sums, .g_loss = r.sums + ns, .d_real = r.sums + 2 * ns,
            .d_fake = r.sums + 3 * ns,
          };
          DsModel *d = gan->discriminator;
          double d_loss, g_loss, spread_real, spread_fake, elapsed;

          ds_dataset_fill_batch (train->data, r.order + start, count, NULL, NULL, r.real, NULL);
          for (gsize i = 0; i < ds_tensor_size (r.real); i++)
            r.real->data[i] = 2.0f * r.real->data[i] - 1.0f;
          ds_tensor_reshape (r.z, DS_SHAPE (count, gan->latent, 1, 1));
          for (gsize i = 0; i < ds_tensor_size (r.z); i++)
            r.z->data[i] = ds_rng_normal (rng);
          memset (r.sums, 0, 4 * ns * sizeof (double));
          /* shards without samples this step keep no view */
          memset (r.z_views, 0, ns * sizeof (DsTensor));

          ds_workers_run (r.gw, count, rng, generate_fakes, &job);
          ds_workers_merge_state (r.gw);

          ds_workers_run (r.dw, count, rng, discriminator_slice, &job);
          ds_workers_merge_state (r.dw);
          d_loss = sum_shards (job.d_loss, ns) / count;
          if (!isfinite (d_loss))
            return not_finite (error, "discriminator's loss", epoch, step);
          if (!update_network (r.dw, gan->d_opt, r.d_saved, "discriminator", epoch, step, error))
            return FALSE;

          /* the generator's step runs the discriminator in training mode too; its running
           * statistics follow its own update's batches only */
          memcpy (r.d_state, d->state, d->n_state * sizeof (float));
          ds_workers_run (r.gw, count, rng, generator_slice, &job);
          memcpy (d->state, r.d_state, d->n_state * sizeof (float));
          g_loss = sum_shards (job.g_loss, ns) / count;
          if (!isfinite (g_loss)
              || !update_network (r.gw, gan->g_opt, r.g_saved, "generator", epoch, step, error))
            {
              /* back to the step before for both networks */
              memcpy (d->params, r.d_saved, d->n_params * sizeof (float));
              if (!isfinite (g_loss))
                return not_finite (error, "generator's loss", epoch, step);
              return FALSE;
            }

          gan->global_step++;
          sum_d += d_loss;
          sum_g += g_loss;
          sum_real += sum_shards (job.d_real, ns) / count;
          sum_fake += sum_shards (job.d_fake, ns) / count;

          /* how much the batches vary, for the trouble signs */
          spread_real = batch_spread (r.real->data, count, pixels, r.spread);
          for (guint i = 0, offset = 0; i < ns; i++)
            {
              guint n = r.z_views[i].shape.n;

              if (n == 0)
                continue;
              memcpy (r.fakes + (gsize) offset * pixels, r.fake[i]->data,
                      n * pixels * sizeof (float));
              offset += n;
            }
          spread_fake = batch_spread (r.fakes, count, pixels, r.spread);

          g_string_truncate (message, 0);
          p.trouble = monitor_step (&monitor, gan->global_step, d_loss, g_loss, spread_fake,
                                    spread_real, &p.trouble_since, message);
          epoch_trouble |= p.trouble;

          elapsed = (g_get_monotonic_time () - run_start) / 1e6;
          p.base.kind = DS_PROGRESS_STEP;
          p.base.step = step;
          p.base.global_step = gan->global_step;
          p.base.loss = g_loss;
          p.base.elapsed_seconds = elapsed;
          p.base.items_per_second = ((step - 1) * batch + count)
                                    / MAX ((g_get_monotonic_time () - epoch_start) / 1e6, 1e-9);
          p.base.eta_seconds = elapsed / (gan->global_step - steps_at_start)
                               * (run_steps - (gan->global_step - steps_at_start));
          p.base.val_loss = NAN;
          p.base.val_accuracy = NAN;
          p.d_loss = d_loss;
          p.g_loss = g_loss;
          p.d_real = sum_shards (job.d_real, ns) / count;
          p.d_fake = sum_shards (job.d_fake, ns) / count;
          p.diversity = spread_real > 0.0 ? spread_fake / spread_real : NAN;
          p.trouble_message = p.trouble != DS_GAN_TROUBLE_NONE ? message->str : NULL;
          if (!report (ctx, &p, func, user_data))
            return cancelled (error);
        }

      gan->epochs_done = epoch;
      p.base.epoch_seconds = (g_get_monotonic_time () - epoch_start) / 1e6;
      if (config->n_fixed > 0)
        ds_gan_generate_on (r.gw, gan, r.fixed_z, r.samples);
      if (config->classifier != NULL)
        score = ds_gan_score_on (r.gw, r.cw, gan, r.real_features, config->score_n,
                                 config->fixed_seed);

      p.base.kind = DS_PROGRESS_EPOCH;
      p.base.loss = sum_g / n_steps;
      p.base.items_per_second = train->n / MAX (p.base.epoch_seconds, 1e-9);
      p.base.elapsed_seconds = (g_get_monotonic_time () - run_start) / 1e6;
      p.base.eta_seconds = p.base.elapsed_seconds / (gan->global_step - steps_at_start)
                           * (run_steps - (gan->global_step - steps_at_start));
      p.d_loss = sum_d / n_steps;
      p.g_loss = sum_g / n_steps;
      p.d_real = sum_real / n_steps;
      p.d_fake = sum_fake / n_steps;
      p.diversity = NAN;
      p.trouble = DS_GAN_TROUBLE_NONE;
      p.trouble_since = 0;
      p.trouble_message = NULL;
      p.samples = config->n_fixed > 0 ? r.samples : NULL;
      p.score = score;
      p.epoch_trouble = epoch_trouble;
      if (!report (ctx, &p, func, user_data))
        return cancelled (error);
    }

  return TRUE;
}
