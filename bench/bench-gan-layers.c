/* bench-gan-layers.c: where a GAN step spends its time, layer by layer
 *
 * Usage: bench-gan-layers [PRESET] [BATCH] [STEPS]
 * Prints forward and backward milliseconds for each layer of the generator and the
 * discriminator on one thread, for BATCH samples (one worker's share of a training batch:
 * 32 of 64 on two threads). A training step runs the generator forward and backward once and
 * the discriminator forward and backward three times (real, fake, fake for the generator).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-layer-times.h"

/* A small random gradient at the output: the timings do not depend on its values. */
static void
random_grad (const DsTensor *out,
             DsTensor       *dout,
             DsRng          *rng,
             gpointer        user_data)
{
  ds_tensor_reshape (dout, out->shape);
  for (gsize i = 0; i < ds_tensor_size (dout); i++)
    dout->data[i] = 1e-3f * ds_rng_normal (rng);
}

static double
time_network (const char *name,
              DsModel    *model,
              DsTensor   *x,
              guint       steps,
              guint       passes,
              gboolean    input_grad,
              DsRng      *rng)
{
  guint n = ds_model_n_layers (model);
  g_autofree double *fwd = g_new0 (double, n);
  g_autofree double *bwd = g_new0 (double, n);
  double total = 0.0;

  bench_time_layers (model, x, 3, steps, input_grad, random_grad, NULL, rng, fwd, bwd);

  printf ("%s, %u pass%s a step\n", name, passes, passes == 1 ? "" : "es");
  for (guint i = 0; i < n; i++)
    {
      DsLayer *layer = ds_model_get_layer (model, i);

      printf ("  %-18s fwd %7.3f ms  bwd %7.3f ms\n", layer->klass->name, fwd[i] / steps,
              bwd[i] / steps);
      total += (fwd[i] + bwd[i]) / steps;
    }
  printf ("  %-18s %.3f ms a pass\n", "total", total);

  return total * passes;
}

int
main (int    argc,
      char **argv)
{
  const char *preset = argc > 1 ? argv[1] : "dcgan";
  guint batch = argc > 2 ? (guint) atoi (argv[2]) : 32;
  guint steps = argc > 3 ? (guint) atoi (argv[3]) : 50;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (1, 1);
  g_autoptr(DsGan) gan = ds_gan_new_preset (preset, DS_SHAPE (1, 1, 28, 28), 0, &error);
  g_autoptr(DsTensor) z = NULL;
  g_autoptr(DsTensor) x = NULL;
  DsRng *rng = ds_context_get_rng (ctx);
  double total;

  if (gan == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  ds_gan_init_params (gan, rng);
  z = ds_tensor_new (DS_SHAPE (batch, gan->latent, 1, 1));
  x = ds_tensor_new (DS_SHAPE (batch, 1, 28, 28));
  for (gsize i = 0; i < ds_tensor_size (z); i++)
    z->data[i] = ds_rng_normal (rng);
  for (gsize i = 0; i < ds_tensor_size (x); i++)
    x->data[i] = 2.0f * ds_rng_uniform (rng) - 1.0f;

  printf ("%s, batch %u, %u steps, one thread\n", preset, batch, steps);
  /* the generator's step needs the discriminator's input gradient, nobody the generator's */
  total = time_network ("generator", gan->generator, z, steps, 1, FALSE, rng);
  total += time_network ("discriminator", gan->discriminator, x, steps, 3, TRUE, rng);
  printf ("one worker's step: %.3f ms (forward and backward only)\n", total);

  return 0;
}
