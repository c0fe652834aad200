/* bench-layers.c: where a training step of a preset spends its time, layer by layer
 *
 * Usage: bench-layers [PRESET] [BATCH] [STEPS] [THREADS]
 * Prints forward and backward milliseconds per step for each layer, on random data of the
 * Fashion-MNIST shape (1×28×28, 10 classes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-layer-times.h"

/* Softmax cross-entropy of the logits against random labels. */
static void
cross_entropy_grad (const DsTensor *out,
                    DsTensor       *dout,
                    DsRng          *rng,
                    gpointer        user_data)
{
  ds_loss_softmax_cross_entropy (out, user_data, dout, NULL);
}

int
main (int    argc,
      char **argv)
{
  const char *preset = argc > 1 ? argv[1] : "seed-cnn";
  guint batch = argc > 2 ? (guint) atoi (argv[2]) : 64;
  guint steps = argc > 3 ? (guint) atoi (argv[3]) : 200;
  guint threads = argc > 4 ? (guint) atoi (argv[4]) : 2;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (1, threads);
  g_autoptr(DsModel) model = ds_preset_new_model (preset, DS_SHAPE (1, 1, 28, 28), 10, &error);
  g_autoptr(DsTensor) x = NULL;
  g_autofree double *fwd = NULL;
  g_autofree double *bwd = NULL;
  g_autofree gint32 *labels = g_new (gint32, batch);
  DsRng *rng = ds_context_get_rng (ctx);
  guint n;
  double total = 0.0;

  if (model == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  n = ds_model_n_layers (model);
  fwd = g_new0 (double, n);
  bwd = g_new0 (double, n);
  ds_model_init_params (model, rng);
  x = ds_tensor_new (DS_SHAPE (batch, 1, 28, 28));
  for (gsize i = 0; i < ds_tensor_size (x); i++)
    x->data[i] = ds_rng_uniform (rng);
  for (guint i = 0; i < batch; i++)
    labels[i] = (gint32) ds_rng_below (rng, 10);

  bench_time_layers (model, x, 5, steps, FALSE, cross_entropy_grad, labels, rng, fwd, bwd);

  printf ("%s, batch %u, %u threads: ms per step\n%-4s %-18s %9s %9s\n",
          preset, batch, threads, "#", "layer", "forward", "backward");
  for (guint i = 0; i < n; i++)
    {
      printf ("%-4u %-18s %9.3f %9.3f\n", i + 1, ds_model_get_layer (model, i)->klass->name,
              fwd[i] / steps, bwd[i] / steps);
      total += (fwd[i] + bwd[i]) / steps;
    }
  printf ("total %.3f ms per step, %.2f s per 60,000-image epoch\n",
          total, total * (60000.0 / batch) / 1e3);

  return 0;
}
