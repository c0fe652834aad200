/* ds-gan.h: generative adversarial networks, a generator and a discriminator trained in turn
 *
 * The generator maps latent vectors z ~ N(0, I), a (B, Z, 1, 1) tensor, to images
 * x̂ = f_G(z) in [-1, 1]; its output may have any shape of C·H·W values a sample (an MLP's
 * (B, C·H·W, 1, 1) is read as (B, C, H, W)). The discriminator maps images (B, C, H, W) to one
 * logit y = f_D(x) a sample, D(x) = sigmoid(y). Real images, [0, 1] in a data set, are scaled to
 * [-1, 1] for training; everything a GAN hands out is back in [0, 1].
 *
 * Losses, means over the batch of binary cross-entropy on the logits:
 *
 *   L_D = BCE(f_D(x), 1 - s) + BCE(f_D(f_G(z)), 0)        s: label smoothing (one-sided)
 *   L_G = BCE(f_D(f_G(z)), 1) = -E[log D(G(z))]            the non-saturating generator loss
 *
 * (The design document writes the generator loss as +E[log D(G(z))]: minimising that would push
 * D(G(z)) towards 0, doing the discriminator's work. The sign is wrong; we minimise its
 * negative, which also gives strong gradients early, when D rejects every sample.)
 *
 * Checkpoints are two model files: the generator at PATH, carrying the GAN's metadata (keys
 * "gan.*": latent size, image shape, epoch, class, label smoothing), and the discriminator at
 * ds_gan_discriminator_path(PATH) ("gan.dsm" → "gan.disc.dsm"), each with its Adam moments.
 * Sampling needs the generator file alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-context.h"
#include "nn/ds-model.h"
#include "nn/ds-optim.h"
#include "train/ds-train.h"

G_BEGIN_DECLS

typedef struct
{
  DsModel     *generator;      /* (B, Z, 1, 1) → C·H·W values a sample, tanh */
  DsModel     *discriminator;  /* (B, C, H, W) → (B, 1, 1, 1) logits; NULL when loaded to sample */
  DsOptimizer *g_opt;          /* Adam, lr 2e-4, beta1 0.5 as in DCGAN */
  DsOptimizer *d_opt;          /* the same; NULL with discriminator */
  guint        latent;         /* Z */
  DsShape      image;          /* (1, C, H, W) */
  float        label_smoothing; /* the discriminator's target for real images is 1 - this */
  gint         class_index;    /* the one class trained on, -1 for all */
  char        *class_name;     /* its name, or NULL */
  guint        epochs_done;
  guint64      global_step;    /* steps (each one D and one G update) taken */
} DsGan;

/* Builds a GAN from two architecture specs, with zero weights and Adam optimisers (lr 2e-4,
 * betas 0.5 and 0.999). The generator's input is (1, @latent, 1, 1); its output must hold
 * C·H·W values of @image (1, C, H, W), and the discriminator's a single one.
 * Returns: (transfer full): the GAN, or NULL with @error naming the network and layer. */
DsGan     *ds_gan_new              (const char     *g_spec,
                                    const char     *d_spec,
                                    guint           latent,
                                    DsShape         image,
                                    GError        **error);
/* The same from a preset of models/ds-gan-presets.h; @latent 0 takes the preset's. The
 * generator file then records the preset name. */
DsGan     *ds_gan_new_preset       (const char     *name,
                                    DsShape         image,
                                    guint           latent,
                                    GError        **error);
void       ds_gan_free             (DsGan          *gan);
/* DCGAN's initialisation: weights of dense and convolution layers from N(0, 0.02) with zero
 * biases, batch normalisation scales from N(1, 0.02) with zero shifts. */
void       ds_gan_init_params      (DsGan          *gan,
                                    DsRng          *rng);

/* Fills @z, reshaped to (n, latent, 1, 1), with N(0, 1) draws from a generator seeded with
 * @seed: the same seed gives the same latents, and so the same samples of a given model. */
void       ds_gan_latents          (guint          latent,
                                    guint          n,
                                    guint64        seed,
                                    DsTensor      *z);
/* Runs the generator in evaluation mode on @z (n, latent, 1, 1) in batches, over the
 * context's threads, and writes @images, reshaped to (n, C, H, W), in [0, 1]. */
gboolean   ds_gan_generate         (DsGan          *gan,
                                    DsContext      *ctx,
                                    const DsTensor *z,
                                    DsTensor       *images,
                                    GError        **error);
/* Lays @images (n, C, H, W), values in [0, 1], out in rows of @columns with @gap black pixels
 * between and around them.
 * Returns: (transfer full): (C, @out_h, @out_w) bytes, g_free(). */
guint8    *ds_image_grid           (const DsTensor *images,
                                    guint           columns,
                                    guint           gap,
                                    guint          *out_h,
                                    guint          *out_w);

/* The inverse of ds_image_grid(): reads the @n images of (C, @h, @w) back from a grid of them
 * (@columns, @gap) as bytes (C, @grid_h, @grid_w), into @images, reshaped to (n, C, h, w) with
 * values in [0, 1]. Returns: FALSE when the grid's size is not that of such a layout. */
gboolean   ds_image_grid_split     (const guint8   *grid,
                                    guint           grid_h,
                                    guint           grid_w,
                                    guint           n,
                                    guint           columns,
                                    guint           gap,
                                    DsShape         image,
                                    DsTensor       *images);

/* "dir/gan.dsm" → "dir/gan.disc.dsm"; a path without ".dsm" gets ".disc.dsm" appended.
 * Returns: (transfer full): the discriminator's path. */
char      *ds_gan_discriminator_path (const char   *path);
/* Writes the discriminator, then the generator (so a generator file is never newer than its
 * discriminator), each atomically, with optimiser moments and the GAN's metadata. */
gboolean   ds_gan_save             (const DsGan    *gan,
                                    const char     *path,
                                    GError        **error);
/* Loads the generator at @path and, with @discriminator, its sibling; the two must be from the
 * same step. A file that is not a GAN generator, or a damaged one, gives an error naming it.
 * Returns: (transfer full): the GAN. */
DsGan     *ds_gan_load             (const char     *path,
                                    gboolean        discriminator,
                                    GError        **error);

/* The losses of one batch as a training step computes them, on the calling thread, updating no
 * weight. Both networks run in training mode (batch statistics).
 * ds_gan_discriminator_loss(): L_D of @real and @fake, both (B, C, H, W) in [-1, 1]; the
 * discriminator's gradients are set to d L_D / d θ_D.
 * ds_gan_generator_loss(): L_G of G(@z), @z (B, Z, 1, 1); the generator's gradients are set to
 * d L_G / d θ_G, @dz (nullable) receives d L_G / d z, and the discriminator's gradients are
 * overwritten. */
gboolean   ds_gan_discriminator_loss (DsGan          *gan,
                                      const DsTensor *real,
                                      const DsTensor *fake,
                                      double         *loss,
                                      GError        **error);
gboolean   ds_gan_generator_loss   (DsGan          *gan,
                                    const DsTensor *z,
                                    DsTensor       *dz,
                                    double         *loss,
                                    GError        **error);

/* Training trouble, detected over a window of consecutive steps. */
typedef enum
{
  DS_GAN_TROUBLE_NONE          = 0,
  DS_GAN_TROUBLE_D_LOSS_ZERO   = 1 << 0,  /* L_D within 0.01 of its minimum: D wins outright */
  DS_GAN_TROUBLE_G_LOSS_HIGH   = 1 << 1,  /* L_G above 10 (D(G(z)) < 5e-5): G diverges */
  DS_GAN_TROUBLE_SAMPLES_ALIKE = 1 << 2,  /* generated batches vary < 10 % as much as real ones */
} DsGanTrouble;

#define DS_GAN_TROUBLE_WINDOW 50  /* the default window, in steps */

typedef struct
{
  guint           epochs;          /* in all: training continues from gan->epochs_done + 1 */
  guint           batch_size;
  guint           trouble_window;  /* 0: DS_GAN_TROUBLE_WINDOW */
  /* samples from fixed latents handed out with every epoch (0: none) */
  guint           n_fixed;
  guint64         fixed_seed;      /* ds_gan_latents() seed of their latents */
  /* a quality score after every epoch (see ds-gan-score.h); NULL: none */
  DsModel        *classifier;
  const DsSubset *score_real;      /* real images to compare with */
  guint           score_n;         /* images of each side scored (at most score_real->n real) */
} DsGanConfig;

#define DS_GAN_CONFIG_INIT ((DsGanConfig) { .epochs = 20, .batch_size = 64, .n_fixed = 64, \
                                            .fixed_seed = 1, .score_n = 5000 })

typedef struct _DsGanScore DsGanScore;

typedef struct
{
  DsProgress        base;       /* kind (STEP or EPOCH), epoch, steps, timing; loss is g_loss */
  double            d_loss;     /* the step's, or the epoch's mean */
  double            g_loss;
  double            d_real;     /* mean D(x) of the real images */
  double            d_fake;     /* mean D(G(z)) before the discriminator's update */
  double            diversity;  /* the generated batch's spread over the real one's (STEP) */
  /* DS_PROGRESS_STEP: trouble detected at this step (each sign once per episode), the step
   * where the earliest of them started, and a sentence for the user; NONE, 0 and NULL
   * otherwise */
  DsGanTrouble      trouble;
  guint64           trouble_since;
  const char       *trouble_message;
  /* DS_PROGRESS_EPOCH only; both belong to the run and live until the callback returns */
  const DsTensor   *samples;    /* (n_fixed, C, H, W) in [0, 1]: G(fixed latents) in evaluation
                                 * mode, or NULL */
  const DsGanScore *score;      /* with a classifier in the config, or NULL */
  DsGanTrouble      epoch_trouble; /* everything detected during the epoch */
} DsGanProgress;

/* Return FALSE to stop the run; the engine then fails with DS_ENGINE_ERROR_CANCELLED. */
typedef gboolean (*DsGanProgressFunc) (const DsGanProgress *progress,
                                       gpointer             user_data);

/* Trains @gan (initialised or loaded with its discriminator) on the images of @train, labels
 * ignored, for config->epochs in all: per step, one discriminator update on a real batch and a
 * generated one, then one generator update through the updated discriminator, both split over
 * the context's threads (train/ds-workers.h). Latents and the order of images come from the
 * context's generator, so a seed and thread count fix the run.
 * After every step and epoch, @func (nullable) gets a DsGanProgress and the context's callback
 * its base; either may stop the run, as may ds_context_cancel() from another thread. When an
 * epoch is reported, gan->epochs_done already counts it: the moment to ds_gan_save().
 * Fails with DS_ENGINE_ERROR_NOT_FINITE naming the epoch and step where a loss, gradient or
 * weight stopped being finite (the weights are those of the step before; the optimisers'
 * moments may have taken that step), or DS_ENGINE_ERROR_CANCELLED. */
gboolean   ds_gan_train            (DsGan             *gan,
                                    DsContext         *ctx,
                                    const DsSubset    *train,
                                    const DsGanConfig *config,
                                    DsGanProgressFunc  func,
                                    gpointer           user_data,
                                    GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsGan, ds_gan_free)

G_END_DECLS
