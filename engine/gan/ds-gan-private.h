/* ds-gan-private.h: what ds-gan.c, ds-gan-train.c and ds-gan-score.c share (engine-internal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gan/ds-gan.h"
#include "gan/ds-gan-score.h"
#include "train/ds-workers.h"

G_BEGIN_DECLS

/* Images are generated and scored in batches of this many: activations stay small. */
#define DS_GAN_EVAL_BATCH 256

/* A view of samples [start, start + count) of @x; shares its data. */
static inline DsTensor
ds_gan_slice (const DsTensor *x,
              guint           start,
              guint           count)
{
  DsTensor view = { .shape = x->shape, .capacity = 0 };

  view.shape.n = count;
  view.data = x->data + (gsize) start * ds_shape_sample_size (&x->shape);

  return view;
}

/* L_D of a slice: @d on @real, then on @fake (images of the same count), each with its own
 * batch statistics, as batchnorm must not mix them. @d's gradients are set to those of L_D
 * scaled by @share, the slice's part of the batch (1 for a whole batch). Sums of D(x) and
 * D(G(z)) go to @p_real and @p_fake (nullable). */
double   ds_gan_discriminator_pass (DsModel        *d,
                                    const DsTensor *real,
                                    const DsTensor *fake,
                                    const float    *real_targets,
                                    const float    *zeros,
                                    DsTensor       *dlogits,
                                    float           share,
                                    DsRng          *rng,
                                    double         *p_real,
                                    double         *p_fake);

/* L_G of a slice whose fakes @g made in its last forward (@fake: those values as images): the
 * non-saturating -log D(G(z)), i.e. fakes labelled real, back through @d to the fakes and on
 * through @g, whose gradients are set to those of L_G scaled by @share. This adds to @d's
 * gradients too (its next pass zeroes them). @dz (nullable) receives d L_G / d z. */
double   ds_gan_generator_pass     (DsModel        *g,
                                    DsModel        *d,
                                    const DsTensor *fake,
                                    const float    *ones,
                                    DsTensor       *dlogits,
                                    DsTensor       *dfake,
                                    float           share,
                                    DsRng          *rng,
                                    DsTensor       *dz);

/* ds_gan_generate() on workers of the generator: @z (n, Z, 1, 1) → @images (n, C, H, W). */
void     ds_gan_generate_on        (DsWorkers      *g_workers,
                                    DsGan          *gan,
                                    const DsTensor *z,
                                    DsTensor       *images);

/* Classifier features and softmax of @images (n, C, H, W) in [0, 1] on workers of the
 * classifier: @features (n, d) and @probs (n, K), either nullable. */
void     ds_classifier_features_on (DsWorkers      *c_workers,
                                    const DsTensor *images,
                                    float          *features,
                                    float          *probs);

/* The score of @gan against @real (the classifier's features of real images) on the given
 * workers; see ds_gan_score(). */
DsGanScore *ds_gan_score_on        (DsWorkers        *g_workers,
                                    DsWorkers        *c_workers,
                                    DsGan            *gan,
                                    const DsGaussian *real,
                                    guint             n,
                                    guint64           seed);

G_END_DECLS
