/* ds-gan-presets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error.h"
#include "models/ds-gan-presets.h"

/* The design document's fully connected GAN (Goodfellow et al.), with the layer widths commonly
 * used for 28×28 images: LeakyReLU hidden layers widening in the generator and narrowing in the
 * discriminator. */
static const DsGanPreset mlp_gan = {
  .name = "mlp-gan",
  .description = "fully connected GAN: G z-256-512-1024-image, D image-512-256-1",
  .latent = 100,
  .epochs = 30,
};

/* Radford et al.'s DCGAN scaled to small gray images: a 1×1 latent "projected and reshaped" by a
 * transposed convolution as wide as a quarter of the image (a dense layer to 128 maps of H/4 ×
 * W/4 in effect), then two stride-2 transposed convolutions with batch normalisation and ReLU;
 * the discriminator mirrors it with stride-2 convolutions and LeakyReLU 0.2 (no batch
 * normalisation on its first layer, as in the paper). */
static const DsGanPreset dcgan = {
  .name = "dcgan",
  .description = "DCGAN: G transposed conv 128-64-C with batchnorm, D conv 64-128 with LeakyReLU",
  .latent = 100,
  .epochs = 20,
};

static const DsGanPreset * const presets[] = { &dcgan, &mlp_gan, NULL };

const DsGanPreset * const *
ds_gan_presets (void)
{
  return presets;
}

const DsGanPreset *
ds_gan_preset_lookup (const char *name)
{
  for (guint i = 0; presets[i] != NULL; i++)
    if (g_str_equal (presets[i]->name, name))
      return presets[i];

  return NULL;
}

gboolean
ds_gan_preset_specs (const char  *name,
                     DsShape      image,
                     guint        latent,
                     char       **g_spec,
                     char       **d_spec,
                     GError     **error)
{
  gsize pixels = ds_shape_sample_size (&image);

  if (latent == 0 || pixels == 0 || pixels > (1u << 24))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: a latent size of %u and images of %u×%u×%u cannot make a GAN",
                   name, latent, image.c, image.h, image.w);
      return FALSE;
    }

  if (g_str_equal (name, mlp_gan.name))
    {
      *g_spec = g_strdup_printf ("dense units=256\n"
                                 "leaky_relu slope=0.2\n"
                                 "dense units=512\n"
                                 "leaky_relu slope=0.2\n"
                                 "dense units=1024\n"
                                 "leaky_relu slope=0.2\n"
                                 "dense units=%" G_GSIZE_FORMAT "\n"
                                 "tanh\n", pixels);
      *d_spec = g_strdup ("flatten\n"
                          "dense units=512\n"
                          "leaky_relu slope=0.2\n"
                          "dense units=256\n"
                          "leaky_relu slope=0.2\n"
                          "dense units=1\n");
      return TRUE;
    }

  if (g_str_equal (name, dcgan.name))
    {
      /* two stride-2 steps up from a quarter of the side */
      if (image.h != image.w || image.h % 4 != 0 || image.h < 8 || image.h > 64)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
                       "dcgan needs square images with a side from 8 to 64 divisible by 4, "
                       "not %u×%u", image.h, image.w);
          return FALSE;
        }
      *g_spec = g_strdup_printf ("conv_transpose2d filters=128 kernel=%u stride=1 padding=0\n"
                                 "batchnorm\n"
                                 "relu\n"
                                 "conv_transpose2d filters=64 kernel=4 stride=2 padding=1\n"
                                 "batchnorm\n"
                                 "relu\n"
                                 "conv_transpose2d filters=%u kernel=4 stride=2 padding=1\n"
                                 "tanh\n", image.h / 4, image.c);
      *d_spec = g_strdup ("conv2d filters=64 kernel=4 stride=2 padding=1\n"
                          "leaky_relu slope=0.2\n"
                          "conv2d filters=128 kernel=4 stride=2 padding=1\n"
                          "batchnorm\n"
                          "leaky_relu slope=0.2\n"
                          "flatten\n"
                          "dense units=1\n");
      return TRUE;
    }

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "unknown GAN preset “%s” (known: dcgan, mlp-gan)", name);
  return FALSE;
}
