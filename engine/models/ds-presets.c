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

/* Autoencoders for anomaly detection (engine/anomaly/): see autoencoder_spec(). */
static const DsPreset conv_ae = {
  .name = "conv-ae",
  .description = "convolutional autoencoder: strided convolutions, a 32-value code, "
                 "transposed convolutions, sigmoid output",
  .epochs = 3,
  .kind = DS_PRESET_AUTOENCODER,
};

static const DsPreset dense_ae = {
  .name = "dense-ae",
  .description = "dense autoencoder: z = W_E·x + b_E (64 values), x̂ = sigmoid (W_D·z + b_D)",
  .epochs = 10,
  .kind = DS_PRESET_AUTOENCODER,
};

static const DsPreset * const autoencoders[] = { &conv_ae, &dense_ae, NULL };

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

const DsPreset * const *
ds_presets_of_kind (DsPresetKind kind)
{
  return kind == DS_PRESET_AUTOENCODER ? autoencoders : presets;
}

const DsPreset *
ds_preset_lookup_kind (const char   *name,
                       DsPresetKind  kind)
{
  const DsPreset * const *list = ds_presets_of_kind (kind);

  for (guint i = 0; list[i] != NULL; i++)
    if (g_str_equal (list[i]->name, name))
      return list[i];

  return NULL;
}

/* Halvings of the convolutional autoencoder: down to a grid of 7 to 13 pixels a side, so a
 * 28×28 image is coded from 7×7×64 and a 64×64 one from 8×8×64. */
static guint
conv_ae_stages (guint side)
{
  guint stages = 0;

  while (side % 2 == 0 && side / 2 >= 7 && stages < 6)
    {
      side /= 2;
      stages++;
    }

  return stages;
}

/* conv-ae: stride-2 3×3 convolutions (32, 64, 64, … filters) down to the grid, a dense code of
 * 32 values and back, then 4×4 transposed convolutions up to the input's size, sigmoid at the
 * end for pixels in [0, 1]. dense-ae: the design document's z = W_E·x + b_E, x̂ = W_D·z + b_D,
 * with a sigmoid on x̂ as its one non-linearity. */
static char *
autoencoder_spec (const char  *name,
                  DsShape      input,
                  GError     **error)
{
  GString *spec = g_string_new (NULL);
  guint stages, filters[6], gh, gw;

  if (g_str_equal (name, dense_ae.name))
    {
      g_string_append_printf (spec, "flatten\ndense units=64 init=glorot\n"
                              "dense units=%" G_GSIZE_FORMAT " init=glorot\nsigmoid\n"
                              "reshape channels=%u height=%u width=%u\n",
                              ds_shape_sample_size (&input), input.c, input.h, input.w);
      return g_string_free (spec, FALSE);
    }

  stages = MIN (conv_ae_stages (input.h), conv_ae_stages (input.w));
  if (stages < 2)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "needs a height and width of at least 28 that halve evenly at least twice, "
                   "such as 28, 32, 64, 128 or 256");
      g_string_free (spec, TRUE);
      return NULL;
    }
  for (guint i = 0; i < stages; i++)
    filters[i] = i == 0 ? 32 : i < 3 ? 64 : 128;
  gh = input.h >> stages;
  gw = input.w >> stages;
  for (guint i = 0; i < stages; i++)
    g_string_append_printf (spec, "conv2d filters=%u kernel=3 stride=2 padding=1 "
                            "activation=relu\n", filters[i]);
  g_string_append_printf (spec, "flatten\ndense units=32\n"
                          "dense units=%u activation=relu\n"
                          "reshape channels=%u height=%u width=%u\n",
                          filters[stages - 1] * gh * gw, filters[stages - 1], gh, gw);
  for (guint i = stages; i-- > 0;)
    {
      g_string_append_printf (spec, "conv_transpose2d filters=%u kernel=4 stride=2 padding=1\n",
                              i > 0 ? filters[i - 1] : input.c);
      g_string_append (spec, i > 0 ? "relu\n" : "sigmoid\n");
    }

  return g_string_free (spec, FALSE);
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

  if (ds_preset_lookup_kind (name, DS_PRESET_AUTOENCODER) != NULL)
    {
      if ((spec = autoencoder_spec (name, input, &local_error)) == NULL)
        {
          g_set_error (error, DS_ENGINE_ERROR, local_error->code, "%s on %u×%u×%u images: %s",
                       name, input.c, input.h, input.w, local_error->message);
          return NULL;
        }
    }
  else if (n_classes < 2)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s needs at least two classes, the data has %u", name, n_classes);
      return NULL;
    }
  else if (g_str_equal (name, seed_cnn.name))
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
                   "unknown model preset “%s” (known: seed-cnn, defect-cnn, surface-cnn, "
                   "conv-ae, dense-ae)", name);
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
