/* ds-gan-loss.c: the discriminator's and the generator's loss on a batch or a slice of one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-error.h"
#include "gan/ds-gan-private.h"
#include "nn/ds-loss.h"

/* BCE of @logits against @targets, its gradient scaled from the slice's mean to the slice's
 * @share of the batch's; adds sigmoid (logit) of each sample to @prob_sum (nullable). */
static double
share_bce (const DsTensor *logits,
           const float    *targets,
           DsTensor       *dlogits,
           float           share,
           double         *prob_sum)
{
  double loss = ds_loss_bce_with_logits (logits, targets, dlogits);

  for (gsize i = 0; i < ds_tensor_size (dlogits); i++)
    dlogits->data[i] *= share;
  if (prob_sum != NULL)
    for (guint i = 0; i < logits->shape.n; i++)
      *prob_sum += 1.0 / (1.0 + exp (-(double) logits->data[i]));

  return loss;
}

double
ds_gan_discriminator_pass (DsModel        *d,
                           const DsTensor *real,
                           const DsTensor *fake,
                           const float    *real_targets,
                           const float    *zeros,
                           DsTensor       *dlogits,
                           float           share,
                           DsRng          *rng,
                           double         *p_real,
                           double         *p_fake)
{
  const DsTensor *logits;
  double loss;

  ds_model_zero_grad (d);
  logits = ds_model_forward (d, real, TRUE, rng);
  loss = share_bce (logits, real_targets, dlogits, share, p_real);
  ds_model_backward (d, dlogits, NULL);

  logits = ds_model_forward (d, fake, TRUE, rng);
  loss += share_bce (logits, zeros, dlogits, share, p_fake);
  ds_model_backward (d, dlogits, NULL);

  return loss;
}

double
ds_gan_generator_pass (DsModel        *g,
                       DsModel        *d,
                       const DsTensor *fake,
                       const float    *ones,
                       DsTensor       *dlogits,
                       DsTensor       *dfake,
                       float           share,
                       DsRng          *rng,
                       DsTensor       *dz)
{
  const DsTensor *logits = ds_model_forward (d, fake, TRUE, rng);
  double loss = share_bce (logits, ones, dlogits, share, NULL);

  ds_model_backward (d, dlogits, dfake);
  /* the same values, seen with the generator's output shape */
  dfake->shape = ds_model_output_shape (g);
  dfake->shape.n = fake->shape.n;
  ds_model_zero_grad (g);
  ds_model_backward (g, dfake, dz);

  return loss;
}

static gboolean
check_images (const DsGan     *gan,
              const DsTensor  *x,
              const char      *what,
              GError         **error)
{
  if (x->shape.c != gan->image.c || x->shape.h != gan->image.h || x->shape.w != gan->image.w ||
      x->shape.n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "%s of %u×%u×%u×%u for a GAN of %u×%u×%u images", what, x->shape.n,
                   x->shape.c, x->shape.h, x->shape.w, gan->image.c, gan->image.h, gan->image.w);
      return FALSE;
    }

  return TRUE;
}

gboolean
ds_gan_discriminator_loss (DsGan           *gan,
                           const DsTensor  *real,
                           const DsTensor  *fake,
                           double          *loss,
                           GError         **error)
{
  g_autoptr(DsTensor) dlogits = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autofree float *targets = NULL;
  guint n = real->shape.n;
  DsRng rng;

  if (gan->discriminator == NULL || !check_images (gan, real, "real images", error) ||
      !check_images (gan, fake, "generated images", error))
    return FALSE;
  if (fake->shape.n != n)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "%u real and %u generated images", n, fake->shape.n);
      return FALSE;
    }
  targets = g_new (float, 2 * (gsize) n);
  for (guint i = 0; i < n; i++)
    {
      targets[i] = 1.0f - gan->label_smoothing;
      targets[n + i] = 0.0f;
    }
  /* a fixed generator for dropout: the same call gives the same loss */
  ds_rng_seed (&rng, 0);
  *loss = ds_gan_discriminator_pass (gan->discriminator, real, fake, targets, targets + n,
                                     dlogits, 1.0f, &rng, NULL, NULL);

  return TRUE;
}

gboolean
ds_gan_generator_loss (DsGan           *gan,
                       const DsTensor  *z,
                       DsTensor        *dz,
                       double          *loss,
                       GError         **error)
{
  g_autoptr(DsTensor) dlogits = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) dfake = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autofree float *ones = NULL;
  const DsTensor *out;
  DsTensor fake;
  DsRng rng;

  if (gan->discriminator == NULL || z->shape.c != gan->latent || z->shape.h != 1 ||
      z->shape.w != 1 || z->shape.n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "latent vectors of %u×%u×%u×%u for a GAN of %u×1×1 with a discriminator",
                   z->shape.n, z->shape.c, z->shape.h, z->shape.w, gan->latent);
      return FALSE;
    }
  ones = g_new (float, z->shape.n);
  for (guint i = 0; i < z->shape.n; i++)
    ones[i] = 1.0f;
  ds_rng_seed (&rng, 0);
  out = ds_model_forward (gan->generator, z, TRUE, &rng);
  fake = (DsTensor) { .shape = gan->image, .data = out->data };
  fake.shape.n = z->shape.n;
  *loss = ds_gan_generator_pass (gan->generator, gan->discriminator, &fake, ones, dlogits,
                                 dfake, 1.0f, &rng, dz);

  return TRUE;
}
