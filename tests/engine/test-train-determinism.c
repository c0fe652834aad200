/* test-train-determinism.c: training gives the same parameters again
 *
 * The same seed gives the same parameters bit for bit, with 1 or 2 threads; 1 and 2 threads
 * agree up to float rounding.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"
#include "train-fixture.h"

/* Trains from @seed with @n_threads and returns the parameters. */
static float *
train_params (guint64  seed,
              guint    n_threads,
              gsize   *n_params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (90, 3, 0);
  g_autoptr(DsContext) ctx = ds_context_new (seed, n_threads);
  g_autoptr(DsModel) model = tiny_model (dropout_spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.01f, 1e-4f);
  DsTrainConfig config = {
    .epochs = 3,
    .batch_size = 16,
    .augment = { .max_shift = 1, .hflip = TRUE },
  };
  g_autoptr(DsDataset) val_data = bars_dataset (10, 7, 0);
  DsSubset set = { data, NULL, data->n };
  DsSubset val = { val_data, NULL, val_data->n };

  g_assert_true (ds_train_model (model, opt, ctx, &set, &val, &config, NULL, NULL, &error));
  g_assert_no_error (error);
  *n_params = model->n_params;

  return g_memdup2 (model->params, model->n_params * sizeof (float));
}

static void
test_deterministic (void)
{
  static const guint threads[] = { 1, 2 };
  gsize n = 0, m = 0;

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autofree float *a = train_params (5, threads[t], &n);
      g_autofree float *b = train_params (5, threads[t], &m);
      g_autofree float *other = train_params (6, threads[t], &m);

      /* bit for bit: memcmp, not a tolerance */
      g_assert_cmpuint (n, ==, m);
      g_assert_cmpint (memcmp (a, b, n * sizeof (float)), ==, 0);
      g_assert_cmpint (memcmp (a, other, n * sizeof (float)), !=, 0);
    }
}

/* One epoch over @n samples in batches of 16, with plain SGD and no randomness in the steps:
 * the order of the batches is drawn before the first step, so 1 and 2 threads compute the same
 * gradients up to the order of float additions. */
static float *
one_epoch (guint  n,
           guint  n_threads,
           gsize *n_params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (n, 8, 0);
  g_autoptr(DsContext) ctx = ds_context_new (9, n_threads);
  g_autoptr(DsModel) model = tiny_model (tiny_spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_SGD, model->n_params, 0.1f, 0.0f);
  DsTrainConfig config = { .epochs = 1, .batch_size = 16 };
  DsSubset set = { data, NULL, n };

  g_assert_true (ds_train_model (model, opt, ctx, &set, NULL, &config, NULL, NULL, &error));
  g_assert_no_error (error);
  *n_params = model->n_params;

  return g_memdup2 (model->params, model->n_params * sizeof (float));
}

static gboolean
check_params_close (const float *a,
                    const float *b,
                    gsize        n,
                    const char  *what)
{
  for (gsize i = 0; i < n; i++)
    if (fabsf (a[i] - b[i]) > 1e-5f + 1e-4f * fabsf (a[i]))
      {
        g_test_fail_printf ("%s: parameter %" G_GSIZE_FORMAT " is %g with 1 thread, %g with 2",
                            what, i, a[i], b[i]);
        return FALSE;
      }

  return TRUE;
}

static void
test_threads_agree (void)
{
  gsize n = 0;

  /* two full batches */
  {
    g_autofree float *one = one_epoch (32, 1, &n);
    g_autofree float *two = one_epoch (32, 2, &n);

    if (!check_params_close (one, two, n, "32 samples"))
      return;
  }
  /* a last batch of one sample, smaller than the thread count */
  {
    g_autofree float *one = one_epoch (17, 1, &n);
    g_autofree float *two = one_epoch (17, 2, &n);

    check_params_close (one, two, n, "17 samples");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/train/deterministic", test_deterministic);
  /* last, so that the others run while it fails */
  g_test_add_func ("/engine/train/threads-agree", test_threads_agree);

  return g_test_run ();
}
