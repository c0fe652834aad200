/* test-train-determinism.c: training gives the same parameters again
 *
 * The engine's promise (train/ds-workers.h): the same seed, data and batch size give the same
 * parameters bit for bit, on any number of threads and on every BLAS kernel. CI runs this
 * program under several OPENBLAS_CORETYPE values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"
#include "train-fixture.h"

/* Everything whose result could follow the thread count: batchnorm (statistics per shard,
 * running averages merged), dropout (a generator per shard), a 16-channel 3×3 convolution
 * (the Winograd path) and a dense layer (a GEMM over the shard's samples). */
static const char shard_spec[] =
  "conv2d filters=16 kernel=3 padding=1\n"
  "batchnorm\n"
  "relu\n"
  "conv2d filters=16 kernel=3 padding=1 activation=relu\n"
  "maxpool2d size=2\n"
  "flatten\n"
  "dropout rate=0.2\n"
  "dense units=4 init=glorot\n";

/* Trains from @seed with @n_threads and returns the parameters and batchnorm state. */
static float *
train_params (const char *spec,
              guint64     seed,
              guint       n_threads,
              guint       batch_size,
              gsize      *n_floats)
{
  g_autoptr(GError) error = NULL;
  /* 90 samples in batches of 40: two full batches and one of 10, shards of 16, 16, 8 and 10 */
  g_autoptr(DsDataset) data = bars_dataset (90, 3, 0);
  g_autoptr(DsContext) ctx = ds_context_new (seed, n_threads);
  g_autoptr(DsModel) model = tiny_model (spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.01f, 1e-4f);
  DsTrainConfig config = {
    .epochs = 3,
    .batch_size = batch_size,
    .augment = { .max_shift = 1, .hflip = TRUE },
  };
  g_autoptr(DsDataset) val_data = bars_dataset (10, 7, 0);
  DsSubset set = { data, NULL, data->n };
  DsSubset val = { val_data, NULL, val_data->n };
  float *out;

  g_assert_true (ds_train_model (model, opt, ctx, &set, &val, &config, NULL, NULL, &error));
  g_assert_no_error (error);
  *n_floats = model->n_params + model->n_state;
  out = g_new (float, *n_floats);
  memcpy (out, model->params, model->n_params * sizeof (float));
  memcpy (out + model->n_params, model->state, model->n_state * sizeof (float));

  return out;
}

static void
test_deterministic (void)
{
  gsize n = 0, m = 0;
  g_autofree float *a = train_params (dropout_spec, 5, 2, 16, &n);
  g_autofree float *b = train_params (dropout_spec, 5, 2, 16, &m);
  g_autofree float *other = train_params (dropout_spec, 6, 2, 16, &m);

  /* bit for bit: memcmp, not a tolerance */
  g_assert_cmpuint (n, ==, m);
  g_assert_cmpint (memcmp (a, b, n * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (a, other, n * sizeof (float)), !=, 0);
}

/* 1, 2, 3 and 4 threads: the same parameters and batchnorm state, to the bit. */
static void
test_thread_count (void)
{
  static const guint threads[] = { 1, 2, 3, 4 };
  g_autofree float *first = NULL;
  gsize n = 0;

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      gsize m = 0;
      g_autofree float *params = train_params (shard_spec, 11, threads[t], 40, &m);

      g_assert_true (ds_floats_all_finite (params, m));
      if (first == NULL)
        {
          first = g_steal_pointer (&params);
          n = m;
          continue;
        }
      g_assert_cmpuint (m, ==, n);
      for (gsize i = 0; i < n; i++)
        if (params[i] != first[i])
          {
            g_test_fail_printf ("%u threads: float %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                                " is %.9g, with 1 thread %.9g", threads[t], i, n, params[i],
                                first[i]);
            return;
          }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/train/deterministic", test_deterministic);
  g_test_add_func ("/engine/train/thread-count", test_thread_count);

  return g_test_run ();
}
