/* test-gan-train.c: the GAN training loop: progress, samples, determinism, cancellation,
 * non-finite values and the trouble signs (collapse and divergence)
 *
 * Data: the 8×8 bars of train-fixture.h, or constant images; networks are small MLPs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"

#include "train-fixture.h"

#define LATENT 4
#define IMAGE  DS_SHAPE (1, 1, SIDE, SIDE)

static const char g_spec[] =
  "dense units=32\n"
  "batchnorm\n"
  "relu\n"
  "dense units=64\n"
  "tanh\n";
static const char d_spec[] =
  "flatten\n"
  "dense units=32\n"
  "leaky_relu slope=0.2\n"
  "dense units=1\n";

typedef struct
{
  GArray      *events;      /* DsGanProgress, pointers cleared */
  GArray      *troubles;    /* DsGanProgress of steps that reported trouble */
  GPtrArray   *messages;    /* their messages */
  guint64      stop_at;     /* return FALSE at this global step (0: never) */
  guint64      poison_at;   /* set a generator weight to NaN at this global step */
  float       *d_snapshot;  /* the discriminator's weights then */
  DsGan       *gan;
  guint        n_samples;   /* samples handed out with the last epoch */
  float        lo, hi;      /* their range */
} Recorder;

static gboolean
record_cb (const DsGanProgress *p,
           gpointer             user_data)
{
  Recorder *r = user_data;
  DsGanProgress copy = *p;

  if (p->base.kind == DS_PROGRESS_EPOCH && p->samples != NULL)
    {
      r->n_samples = p->samples->shape.n;
      r->lo = 1.0f;
      r->hi = 0.0f;
      for (gsize i = 0; i < ds_tensor_size (p->samples); i++)
        {
          r->lo = MIN (r->lo, p->samples->data[i]);
          r->hi = MAX (r->hi, p->samples->data[i]);
        }
      /* the epoch is counted when it is reported: the moment for a checkpoint */
      g_assert_cmpuint (r->gan->epochs_done, ==, p->base.epoch);
    }
  if (p->trouble != DS_GAN_TROUBLE_NONE)
    {
      g_assert_nonnull (p->trouble_message);
      g_array_append_val (r->troubles, copy);
      g_ptr_array_add (r->messages, g_strdup (p->trouble_message));
    }
  copy.samples = NULL;
  copy.score = NULL;
  copy.trouble_message = NULL;
  g_array_append_val (r->events, copy);
  if (p->base.kind == DS_PROGRESS_STEP && p->base.global_step == r->poison_at)
    {
      DsModel *d = r->gan->discriminator;

      r->gan->generator->params[0] = NAN;
      r->d_snapshot = g_memdup2 (d->params, d->n_params * sizeof (float));
    }

  return p->base.global_step != r->stop_at || p->base.kind != DS_PROGRESS_STEP;
}

static void
recorder_init (Recorder *r,
               DsGan    *gan)
{
  memset (r, 0, sizeof *r);
  r->events = g_array_new (FALSE, FALSE, sizeof (DsGanProgress));
  r->troubles = g_array_new (FALSE, FALSE, sizeof (DsGanProgress));
  r->messages = g_ptr_array_new_with_free_func (g_free);
  r->gan = gan;
}

static void
recorder_clear (Recorder *r)
{
  g_array_unref (r->events);
  g_array_unref (r->troubles);
  g_ptr_array_unref (r->messages);
  g_free (r->d_snapshot);
}

static DsGan *
new_gan (DsContext *ctx)
{
  g_autoptr(GError) error = NULL;
  DsGan *gan = ds_gan_new (g_spec, d_spec, LATENT, IMAGE, &error);

  g_assert_no_error (error);
  ds_gan_init_params (gan, ds_context_get_rng (ctx));

  return gan;
}

static void
test_progress (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (7, 2);
  g_autoptr(DsDataset) data = bars_dataset (40, 1, 0);
  g_autoptr(DsGan) gan = new_gan (ctx);
  DsSubset train = { data, NULL, data->n };
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  Recorder r;
  guint steps = 0, epochs = 0;

  recorder_init (&r, gan);
  config.epochs = 2;
  config.batch_size = 16;   /* 3 steps an epoch, the last one of 8 */
  config.n_fixed = 6;
  g_assert_true (ds_gan_train (gan, ctx, &train, &config, record_cb, &r, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < r.events->len; i++)
    {
      const DsGanProgress *p = &g_array_index (r.events, DsGanProgress, i);

      g_assert_true (isfinite (p->d_loss) && p->d_loss > 0.0);
      g_assert_true (isfinite (p->g_loss) && p->g_loss > 0.0);
      g_assert_cmpfloat (p->base.loss, ==, p->g_loss);
      g_assert_cmpfloat (p->d_real, >, 0.0);
      g_assert_cmpfloat (p->d_real, <, 1.0);
      g_assert_cmpfloat (p->d_fake, >, 0.0);
      g_assert_cmpfloat (p->d_fake, <, 1.0);
      if (p->base.kind == DS_PROGRESS_STEP)
        {
          steps++;
          g_assert_cmpuint (p->base.global_step, ==, steps);
          g_assert_cmpuint (p->base.n_steps, ==, 3);
          g_assert_true (isfinite (p->diversity) && p->diversity > 0.0);
        }
      else
        {
          epochs++;
          g_assert_cmpuint (p->base.kind, ==, DS_PROGRESS_EPOCH);
          g_assert_cmpuint (p->base.epoch, ==, epochs);
          g_assert_cmpuint (p->base.global_step, ==, 3 * epochs);
        }
    }
  g_assert_cmpuint (steps, ==, 6);
  g_assert_cmpuint (epochs, ==, 2);
  g_assert_cmpuint (gan->epochs_done, ==, 2);
  g_assert_cmpuint (gan->global_step, ==, 6);
  g_assert_cmpuint (gan->g_opt->t, ==, 6);
  g_assert_cmpuint (gan->d_opt->t, ==, 6);
  g_assert_cmpuint (r.n_samples, ==, 6);
  g_assert_cmpfloat (r.lo, >=, 0.0f);
  g_assert_cmpfloat (r.hi, <=, 1.0f);
  g_assert_cmpfloat (r.hi, >, r.lo);

  /* a third epoch continues where the run stopped */
  config.epochs = 3;
  g_assert_true (ds_gan_train (gan, ctx, &train, &config, NULL, NULL, &error));
  g_assert_cmpuint (gan->epochs_done, ==, 3);
  g_assert_cmpuint (gan->global_step, ==, 9);
  recorder_clear (&r);
}

/* The same seed gives the same weights on any number of threads (train/ds-workers.h);
 * another seed others. Batches of 32 over 50 images: shards of 16, 16 and a last one of 2. */
static void
test_determinism (void)
{
  g_autoptr(DsDataset) data = bars_dataset (50, 2, 0);
  DsSubset train = { data, NULL, data->n };
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  DsGan *runs[3] = { NULL };
  const guint64 seeds[3] = { 9, 9, 10 };
  const guint threads[3] = { 2, 1, 2 };

  config.epochs = 2;
  config.batch_size = 32;
  config.n_fixed = 0;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DsContext) ctx = ds_context_new (seeds[i], threads[i]);

      runs[i] = new_gan (ctx);
      g_assert_true (ds_gan_train (runs[i], ctx, &train, &config, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpmem (runs[0]->generator->params, runs[0]->generator->n_params * 4,
                   runs[1]->generator->params, runs[1]->generator->n_params * 4);
  g_assert_cmpmem (runs[0]->discriminator->params, runs[0]->discriminator->n_params * 4,
                   runs[1]->discriminator->params, runs[1]->discriminator->n_params * 4);
  g_assert_cmpint (memcmp (runs[0]->generator->params, runs[2]->generator->params,
                           runs[0]->generator->n_params * 4), !=, 0);
  for (guint i = 0; i < 3; i++)
    ds_gan_free (runs[i]);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (3, 2);
  g_autoptr(DsDataset) data = bars_dataset (64, 3, 0);
  g_autoptr(DsGan) gan = new_gan (ctx);
  DsSubset train = { data, NULL, data->n };
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  Recorder r;

  recorder_init (&r, gan);
  r.stop_at = 3;
  config.epochs = 4;
  config.batch_size = 16;
  g_assert_false (ds_gan_train (gan, ctx, &train, &config, record_cb, &r, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_assert_cmpuint (gan->global_step, ==, 3);
  g_assert_cmpuint (gan->epochs_done, ==, 0);
  g_assert_true (ds_context_is_cancelled (ctx));
  recorder_clear (&r);
}

static void
test_not_finite (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (4, 2);
  g_autoptr(DsDataset) data = bars_dataset (64, 4, 0);
  g_autoptr(DsGan) gan = new_gan (ctx);
  DsSubset train = { data, NULL, data->n };
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  Recorder r;

  recorder_init (&r, gan);
  r.poison_at = 2;
  config.epochs = 2;
  config.batch_size = 16;
  g_assert_false (ds_gan_train (gan, ctx, &train, &config, record_cb, &r, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NOT_FINITE);
  /* the poisoned weight is behind a ReLU, which passes no NaN forward: its gradient fails */
  g_assert_nonnull (strstr (error->message, "generator's gradient"));
  g_assert_nonnull (strstr (error->message, "epoch 1, step 3"));
  g_assert_cmpuint (gan->global_step, ==, 2);
  /* the discriminator, updated in that step before the generator failed, is back as it was */
  g_assert_nonnull (r.d_snapshot);
  g_assert_cmpmem (gan->discriminator->params, gan->discriminator->n_params * sizeof (float),
                   r.d_snapshot, gan->discriminator->n_params * sizeof (float));
  recorder_clear (&r);
}

/* Whether @trouble was reported, and then at which step and since which. */
static gboolean
find_trouble (const Recorder *r,
              DsGanTrouble    trouble,
              guint64        *step,
              guint64        *since,
              const char    **message)
{
  for (guint i = 0; i < r->troubles->len; i++)
    {
      const DsGanProgress *p = &g_array_index (r->troubles, DsGanProgress, i);

      if (p->trouble & trouble)
        {
          *step = p->base.global_step;
          *since = p->trouble_since;
          *message = g_ptr_array_index (r->messages, i);
          return TRUE;
        }
    }

  return FALSE;
}

/* A generator whose output ignores z (zero weights before the output, not trained) makes
 * identical samples: reported after one window, starting at the first step. A generator with
 * random weights, also untrained, is not reported. */
static void
test_collapse (void)
{
  g_autoptr(DsDataset) data = bars_dataset (64, 5, 0);
  DsSubset train = { data, NULL, data->n };
  DsGanConfig config = DS_GAN_CONFIG_INIT;

  config.epochs = 3;
  config.batch_size = 16;
  config.trouble_window = 8;
  for (guint degenerate = 0; degenerate < 2; degenerate++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DsContext) ctx = ds_context_new (5, 2);
      g_autoptr(DsGan) gan = new_gan (ctx);
      DsModel *g = gan->generator;
      DsLayer *last = ds_model_get_layer (g, 3);
      gsize n_weights = last->n_params - 64;
      guint64 step = 0, since = 0;
      const char *message = NULL;
      Recorder r;

      for (gsize i = 0; i < g->n_params; i++)
        g->params[i] = ds_rng_normal (ds_context_get_rng (ctx));
      if (degenerate)
        memset (last->params, 0, n_weights * sizeof (float));
      gan->g_opt->lr = 0.0f;   /* the generator stays as it is */
      recorder_init (&r, gan);
      g_assert_true (ds_gan_train (gan, ctx, &train, &config, record_cb, &r, &error));
      g_assert_no_error (error);
      if (degenerate)
        {
          g_assert_true (find_trouble (&r, DS_GAN_TROUBLE_SAMPLES_ALIKE, &step, &since, &message));
          g_assert_cmpuint (since, ==, 1);
          g_assert_cmpuint (step, ==, 8);
          g_assert_nonnull (strstr (message, "since step 1"));
          g_assert_nonnull (strstr (message, "alike"));
        }
      else
        g_assert_false (find_trouble (&r, DS_GAN_TROUBLE_SAMPLES_ALIKE, &step, &since, &message));
      recorder_clear (&r);
    }
}

/* A discriminator that separates perfectly (black fakes, white real images, a fast learning
 * rate) drives its loss to zero and the generator's up: both reported with their steps. */
static void
test_divergence (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (6, 2);
  g_autoptr(DsDataset) data = bars_dataset (64, 6, 0);
  g_autoptr(DsGan) gan = new_gan (ctx);
  DsSubset train = { data, NULL, data->n };
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  DsLayer *last = ds_model_get_layer (gan->generator, 3);
  guint64 step = 0, since = 0;
  const char *message = NULL;
  Recorder r;

  memset (data->pixels, 255, (gsize) data->n * SIDE * SIDE);
  memset (last->params, 0, (last->n_params - 64) * sizeof (float));
  for (guint i = 0; i < 64; i++)
    last->params[last->n_params - 64 + i] = -20.0f;   /* tanh: -1, black */
  gan->g_opt->lr = 0.0f;
  gan->d_opt->lr = 0.05f;
  config.epochs = 40;
  config.batch_size = 16;
  config.trouble_window = 10;
  recorder_init (&r, gan);
  g_assert_true (ds_gan_train (gan, ctx, &train, &config, record_cb, &r, &error));
  g_assert_no_error (error);

  g_assert_true (find_trouble (&r, DS_GAN_TROUBLE_D_LOSS_ZERO, &step, &since, &message));
  g_assert_cmpuint (step, ==, since + 9);
  g_assert_nonnull (strstr (message, "discriminator"));
  g_test_message ("D loss zero from step %" G_GUINT64_FORMAT ": %s", since, message);
  g_assert_true (find_trouble (&r, DS_GAN_TROUBLE_G_LOSS_HIGH, &step, &since, &message));
  g_assert_cmpuint (step, ==, since + 9);
  g_assert_nonnull (strstr (message, "generator"));
  /* identical fakes are no collapse when the real images are all alike too */
  g_assert_false (find_trouble (&r, DS_GAN_TROUBLE_SAMPLES_ALIKE, &step, &since, &message));
  recorder_clear (&r);
}

static void
test_bad_arguments (void)
{
  g_autoptr(DsContext) ctx = ds_context_new (1, 1);
  g_autoptr(DsDataset) data = bars_dataset (8, 1, 0);
  g_autoptr(DsGan) gan = new_gan (ctx);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) other = ds_gan_new (g_spec, "flatten\ndense units=1", LATENT, IMAGE, &error);
  DsSubset train = { data, NULL, data->n };
  DsSubset empty = { data, NULL, 0 };
  DsGanConfig config = DS_GAN_CONFIG_INIT;

  g_assert_false (ds_gan_train (gan, ctx, &empty, &config, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  gan->label_smoothing = 1.0f;
  g_assert_false (ds_gan_train (gan, ctx, &train, &config, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  gan->label_smoothing = 0.0f;

  /* a generator that makes the wrong number of pixels */
  g_assert_null (ds_gan_new ("dense units=10", "flatten\ndense units=1", LATENT, IMAGE, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "generator"));
  g_clear_error (&error);
  /* a discriminator with two outputs */
  g_assert_null (ds_gan_new (g_spec, "flatten\ndense units=2", LATENT, IMAGE, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "discriminator"));
  g_clear_error (&error);
  /* dcgan needs a side divisible by 4 */
  g_assert_null (ds_gan_new_preset ("dcgan", DS_SHAPE (1, 1, 30, 30), 0, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (ds_gan_new_preset ("vae", IMAGE, 0, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_nonnull (other);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/gan/train/progress", test_progress);
  g_test_add_func ("/engine/gan/train/determinism", test_determinism);
  g_test_add_func ("/engine/gan/train/cancel", test_cancel);
  g_test_add_func ("/engine/gan/train/not-finite", test_not_finite);
  g_test_add_func ("/engine/gan/train/collapse", test_collapse);
  g_test_add_func ("/engine/gan/train/divergence", test_divergence);
  g_test_add_func ("/engine/gan/train/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
