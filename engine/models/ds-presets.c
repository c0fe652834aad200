/* ds-presets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error.h"
#include "models/ds-presets.h"

/* The design document's reference network (a Keras model): conv32-pool-conv64-pool-conv64-
 * dense64-dense N, Keras' Glorot-uniform initialisation and zero biases. It runs on the data's
 * own input size: the document's example pads 28×28 images to 32×32, which only adds
 * computation on empty borders, so we do not. */
static const char seed_cnn_spec[] =
  "conv2d filters=32 kernel=3 init=glorot activation=relu\n"
  "maxpool2d size=2\n"
  "conv2d filters=64 kernel=3 init=glorot activation=relu\n"
  "maxpool2d size=2\n"
  "conv2d filters=64 kernel=3 init=glorot activation=relu\n"
  "flatten\n"
  "dense units=64 init=glorot activation=relu\n";

/* Both end in a dense layer of one unit per class, appended by ds_preset_new_model(). */

/* Three blocks of a padded 3×3 convolution, batch normalisation, ReLU and 2×2 pooling
 * (32, 64, 128 filters), then dropout around a dense layer; trained with light shifts and flips.
 * Each block halves the image before the next, wider one, so it costs about three times
 * seed-cnn, not the tenfold of stacking full-resolution convolutions. */
static const char defect_cnn_spec[] =
  "conv2d filters=32 kernel=3 padding=1\n"
  "batchnorm\n"
  "relu\n"
  "maxpool2d size=2\n"
  "conv2d filters=64 kernel=3 padding=1\n"
  "batchnorm\n"
  "relu\n"
  "maxpool2d size=2\n"
  "conv2d filters=128 kernel=3 padding=1\n"
  "batchnorm\n"
  "relu\n"
  "maxpool2d size=2\n"
  "flatten\n"
  "dropout rate=0.2\n"
  "dense units=128\n"
  "batchnorm\n"
  "relu\n"
  "dropout rate=0.3\n";

static const char surface_cnn_spec[] =
  "conv2d filters=32 kernel=3 padding=1\nbatchnorm\nrelu\nmaxpool2d size=2\n"
  "conv2d filters=64 kernel=3 padding=1\nbatchnorm\nrelu\nmaxpool2d size=2\n"
  "conv2d filters=64 kernel=3 padding=1\nbatchnorm\nrelu\nmaxpool2d size=2\n"
  "conv2d filters=64 kernel=3 padding=1\nbatchnorm\nrelu\n";

static const DsPreset seed_cnn = {
  .name = "seed-cnn",
  .description = "the design document's CNN: conv32-pool-conv64-pool-conv64-dense64",
  .epochs = 5,
};

static const DsPreset defect_cnn = {
  .name = "defect-cnn",
  .description = "deeper CNN with batch normalisation, dropout and shift/flip augmentation",
  .epochs = 15,
  .augment = { .max_shift = 2, .hflip = TRUE },
  .cosine_lr = TRUE,
};

/* Part images: a defect is small and can be anywhere, so the features of the last block are
 * max-pooled over the whole image before the class layer, and flips cost nothing. On the demo
 * project seed-cnn and defect-cnn stay at the majority class; this one learns the defects. */
static const DsPreset surface_cnn = {
  .name = "surface-cnn",
  .description = "for part images, defects anywhere: four conv-batchnorm-ReLU blocks and a "
                 "global max pool; flips",
  .epochs = 30,
  .augment = { .hflip = TRUE, .vflip = TRUE },
  .cosine_lr = TRUE,
};

static const DsPreset * const presets[] = { &seed_cnn, &defect_cnn, &surface_cnn, NULL };

const DsPreset * const *
ds_presets (void)
{
  return presets;
}

const DsPreset *
ds_preset_lookup (const char *name)
{
  for (guint i = 0; presets[i] != NULL; i++)
    if (g_str_equal (presets[i]->name, name))
      return presets[i];

  return NULL;
}

DsModel *
ds_preset_new_model (const char  *name,
                     DsShape      input,
                     guint        n_classes,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *spec = NULL;
  DsModel *model;

  if (n_classes < 2)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s needs at least two classes, the data has %u", name, n_classes);
      return NULL;
    }
  if (g_str_equal (name, seed_cnn.name))
    spec = g_strdup_printf ("%sdense units=%u init=glorot\n", seed_cnn_spec, n_classes);
  else if (g_str_equal (name, defect_cnn.name))
    spec = g_strdup_printf ("%sdense units=%u init=glorot\n", defect_cnn_spec, n_classes);
  else if (g_str_equal (name, surface_cnn.name))
    {
      /* three halvings, then the pool spans what is left */
      guint side = MIN (input.h, input.w) / 8;

      if (side < 2)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                       "%s needs images of at least 16×16 pixels, not %u×%u", name, input.h,
                       input.w);
          return NULL;
        }
      spec = g_strdup_printf ("%smaxpool2d size=%u\nflatten\ndense units=%u init=glorot\n",
                              surface_cnn_spec, side, n_classes);
    }
  else
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "unknown model preset “%s” (known: seed-cnn, defect-cnn)", name);
      return NULL;
    }

  model = ds_model_new (spec, input, &local_error);
  if (model == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, local_error->code,
                   "%s on %u×%u×%u images: %s", name, input.c, input.h, input.w,
                   local_error->message);
      return NULL;
    }
  ds_model_set_preset (model, name);

  return model;
}
