/* ds-gan-score.h: how good a generator's samples are, measured with the project's classifier
 *
 * Two figures, both from a classifier trained on the same kind of images:
 * - the Fréchet distance between Gaussians fitted to the classifier's features of real and of
 *   generated images (FID, with our classifier in place of Inception): the features are the
 *   input of its last layer, which must be dense (seed-cnn: the 64 ReLU units before the
 *   output). d² = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½); lower is better, 0 for the same
 *   distribution. Values are only comparable for the same classifier and sample size.
 * - the classifier's class distribution of generated images: a GAN of one class should make
 *   images the classifier puts in that class; one of all classes should cover them all.
 *
 * The matrix square root uses symmetric eigendecompositions by the cyclic Jacobi method in
 * double precision (no LAPACK dependency): tr (Σ₁ Σ₂)^½ = Σᵢ √λᵢ(Σ₁^½ Σ₂ Σ₁^½), since Σ₁ Σ₂ and
 * Σ₁^½ Σ₂ Σ₁^½ have the same eigenvalues.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-context.h"
#include "gan/ds-gan.h"
#include "nn/ds-model.h"
#include "train/ds-train.h"

G_BEGIN_DECLS

/* Mean and covariance of d-dimensional vectors, accumulated a batch at a time. */
typedef struct
{
  guint    d;
  guint64  n;      /* vectors added */
  double  *mean;   /* (d), valid after ds_gaussian_finish() */
  double  *cov;    /* (d, d), unbiased, valid after ds_gaussian_finish() */
  double  *shift;  /* (d) the first vector: sums are taken around it, for accuracy */
  double  *sum;    /* (d) */
  double  *sum_sq; /* (d, d) */
} DsGaussian;

/* Returns: (transfer full): an empty accumulator of @d dimensions. */
DsGaussian *ds_gaussian_new     (guint             d);
void        ds_gaussian_free    (DsGaussian       *g);
/* Adds @n vectors @x (n, d). */
void        ds_gaussian_add     (DsGaussian       *g,
                                 const float      *x,
                                 guint             n);
/* Computes mean and covariance from what was added (at least two vectors). */
void        ds_gaussian_finish  (DsGaussian       *g);
/* The Fréchet distance d² between two finished Gaussians of the same dimension. */
double      ds_frechet_distance (const DsGaussian *a,
                                 const DsGaussian *b);

/* Eigenvalues (ascending) and, when @vectors is non-NULL, eigenvectors (column j of the
 * row-major (n, n) @vectors belongs to value j) of the symmetric (n, n) matrix @a, which is
 * destroyed. Cyclic Jacobi: converges for every symmetric matrix. */
void        ds_symmetric_eigen  (double           *a,
                                 guint             n,
                                 double           *values,
                                 double           *vectors);

/* Size of the features ds_gan_score() uses: the input of @classifier's last layer, or 0 when
 * that layer is not dense. */
guint       ds_classifier_feature_size (const DsModel *classifier);

/* Fits a Gaussian to @classifier's features of the first @n images of @real (all when it has
 * fewer).
 * Returns: (transfer full): the finished Gaussian, or NULL with @error (a classifier whose last
 * layer is not dense or whose input is not the images' shape, fewer than 2 images). */
DsGaussian *ds_gaussian_of_images (DsModel        *classifier,
                                   DsContext      *ctx,
                                   const DsSubset *real,
                                   guint           n,
                                   GError        **error);

struct _DsGanScore
{
  double  fid;             /* Fréchet distance to the real images' features */
  double  real_spread;     /* the mean variance of the real images' features: near 0, the
                            * classifier sees no difference between them (dead units, a model
                            * that has not learnt) and the distance says nothing */
  guint   n;               /* generated images scored */
  guint   n_classes;       /* the classifier's outputs */
  double *class_fraction;  /* (n_classes) share of the generated images put in each class */
};

/* Scores @n images @gan generates from latents of @seed against @real, a Gaussian of the same
 * @classifier's features of real images (ds_gaussian_of_images()).
 * Returns: (transfer full): the score, or NULL with @error (shapes that do not fit). */
DsGanScore *ds_gan_score        (DsGan            *gan,
                                 DsContext        *ctx,
                                 DsModel          *classifier,
                                 const DsGaussian *real,
                                 guint             n,
                                 guint64           seed,
                                 GError          **error);
void        ds_gan_score_free   (DsGanScore       *score);
/* Below this real_spread a score is not worth showing. */
#define DS_GAN_SCORE_MIN_SPREAD 1e-6

/* The class with the largest share of generated images. */
guint       ds_gan_score_top_class (const DsGanScore *score);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsGaussian, ds_gaussian_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsGanScore, ds_gan_score_free)

G_END_DECLS
