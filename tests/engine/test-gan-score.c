/* test-gan-score.c: symmetric eigendecomposition, Gaussians, the Fréchet distance and the
 * classifier-based score of a generator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"

#include "train-fixture.h"

/* A finished Gaussian with the given moments, as if fitted. */
static DsGaussian *
gaussian_of (guint         d,
             const double *mean,
             const double *cov)
{
  DsGaussian *g = ds_gaussian_new (d);

  memcpy (g->mean, mean, d * sizeof (double));
  memcpy (g->cov, cov, (gsize) d * d * sizeof (double));
  g->n = 1000;

  return g;
}

/* A random symmetric positive definite matrix: B Bᵀ + 0.1 I. */
static void
random_spd (double *a,
            guint   d,
            DsRng  *rng)
{
  g_autofree double *b = g_new (double, (gsize) d * d);

  for (gsize i = 0; i < (gsize) d * d; i++)
    b[i] = ds_rng_normal (rng);
  for (guint i = 0; i < d; i++)
    for (guint j = 0; j < d; j++)
      {
        double s = i == j ? 0.1 : 0.0;

        for (guint k = 0; k < d; k++)
          s += b[(gsize) i * d + k] * b[(gsize) j * d + k];
        a[(gsize) i * d + j] = s;
      }
}

static void
test_eigen (void)
{
  const guint d = 12;
  g_autofree double *a = g_new (double, d * d);
  g_autofree double *work = g_new (double, d * d);
  g_autofree double *v = g_new (double, d * d);
  g_autofree double *values = g_new (double, d);
  double worst = 0.0;
  DsRng rng;

  ds_rng_seed (&rng, 1);
  /* symmetric, indefinite */
  for (guint i = 0; i < d; i++)
    for (guint j = i; j < d; j++)
      a[i * d + j] = a[j * d + i] = ds_rng_normal (&rng);
  memcpy (work, a, d * d * sizeof (double));
  ds_symmetric_eigen (work, d, values, v);

  for (guint i = 0; i + 1 < d; i++)
    g_assert_cmpfloat (values[i], <=, values[i + 1]);
  g_assert_cmpfloat (values[0], <, 0.0);
  g_assert_cmpfloat (values[d - 1], >, 0.0);
  for (guint i = 0; i < d; i++)
    for (guint j = 0; j < d; j++)
      {
        double rebuilt = 0.0, dot = 0.0;

        /* A = V Λ Vᵀ and Vᵀ V = I */
        for (guint k = 0; k < d; k++)
          {
            rebuilt += v[i * d + k] * values[k] * v[j * d + k];
            dot += v[k * d + i] * v[k * d + j];
          }
        worst = MAX (worst, fabs (rebuilt - a[i * d + j]));
        worst = MAX (worst, fabs (dot - (i == j ? 1.0 : 0.0)));
      }
  g_assert_cmpfloat (worst, <, 1e-10);

  /* repeated eigenvalues: I + u uᵀ has 1 (d - 1 times) and 1 + |u|² */
  for (guint i = 0; i < d; i++)
    for (guint j = 0; j < d; j++)
      work[i * d + j] = (i == j ? 1.0 : 0.0) + 0.5 * 0.5;
  ds_symmetric_eigen (work, d, values, NULL);
  for (guint i = 0; i + 1 < d; i++)
    g_assert_cmpfloat_with_epsilon (values[i], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (values[d - 1], 1.0 + d * 0.25, 1e-12);
}

static void
test_gaussian_fit (void)
{
  /* (1, 2), (3, 4), (5, 0): mean (3, 2), variances 4 and 4, covariance -2; shifted by a large
   * offset the sums around the first vector keep it exact */
  const float offsets[] = { 0.0f, 1e6f };

  for (guint k = 0; k < G_N_ELEMENTS (offsets); k++)
    {
      float o = offsets[k];
      const float x[] = { 1 + o, 2 + o, 3 + o, 4 + o, 5 + o, 0 + o };
      g_autoptr(DsGaussian) g = ds_gaussian_new (2);

      ds_gaussian_add (g, x, 2);
      ds_gaussian_add (g, x + 4, 1);
      ds_gaussian_finish (g);
      g_assert_cmpuint (g->n, ==, 3);
      g_assert_cmpfloat_with_epsilon (g->mean[0], 3.0 + o, 1e-9);
      g_assert_cmpfloat_with_epsilon (g->mean[1], 2.0 + o, 1e-9);
      g_assert_cmpfloat_with_epsilon (g->cov[0], 4.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (g->cov[3], 4.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (g->cov[1], -2.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (g->cov[2], -2.0, 1e-9);
    }
}

static void
test_frechet_closed_form (void)
{
  DsRng rng;

  ds_rng_seed (&rng, 2);

  /* a distribution against itself: 0 */
  {
    const guint d = 16;
    g_autofree double *mean = g_new (double, d);
    g_autofree double *cov = g_new (double, d * d);
    g_autoptr(DsGaussian) a = NULL;

    for (guint i = 0; i < d; i++)
      mean[i] = ds_rng_normal (&rng);
    random_spd (cov, d, &rng);
    a = gaussian_of (d, mean, cov);
    g_assert_cmpfloat (ds_frechet_distance (a, a), <, 1e-8);
  }

  /* diagonal covariances: |μ₁ - μ₂|² + Σ (√a - √b)² */
  {
    const double m1[] = { 0, 1, 2 }, m2[] = { 1, 1, 0 };
    const double c1[] = { 4, 0, 0, 0, 1, 0, 0, 0, 9 };
    const double c2[] = { 1, 0, 0, 0, 1, 0, 0, 0, 0.25 };
    g_autoptr(DsGaussian) a = gaussian_of (3, m1, c1);
    g_autoptr(DsGaussian) b = gaussian_of (3, m2, c2);
    double expected = (1 + 0 + 4) + (1 + 0 + 2.5 * 2.5);

    g_assert_cmpfloat_with_epsilon (ds_frechet_distance (a, b), expected, 1e-9);
    g_assert_cmpfloat_with_epsilon (ds_frechet_distance (b, a), expected, 1e-9);
  }

  /* 2×2 covariances that do not commute: for M = Σ₁ Σ₂ (eigenvalues real, non-negative),
   * tr M^½ = √(tr M + 2 √det M) */
  {
    const double m[] = { 0, 0 };
    const double c1[] = { 2, 1, 1, 2 }, c2[] = { 3, 0, 0, 1 };
    g_autoptr(DsGaussian) a = gaussian_of (2, m, c1);
    g_autoptr(DsGaussian) b = gaussian_of (2, m, c2);
    /* M = [[6, 1], [3, 2]]: trace 8, determinant 9 */
    double expected = (2 + 2) + (3 + 1) - 2.0 * sqrt (8.0 + 2.0 * 3.0);

    g_assert_cmpfloat_with_epsilon (ds_frechet_distance (a, b), expected, 1e-9);
  }
}

/* Gaussians fitted to samples of two known distributions give about the closed form. */
static void
test_frechet_sampled (void)
{
  const guint n = 40000;
  const double m1[] = { 0.0, 1.0 }, m2[] = { 0.5, 0.0 };
  /* Cholesky factors of Σ₁ = [[1, 0.6], [0.6, 1]] and Σ₂ = [[2, 0], [0, 0.5]] */
  const double l1[] = { 1.0, 0.0, 0.6, 0.8 };
  const double l2[] = { sqrt (2.0), 0.0, 0.0, sqrt (0.5) };
  const double c1[] = { 1.0, 0.6, 0.6, 1.0 }, c2[] = { 2.0, 0.0, 0.0, 0.5 };
  g_autofree float *x = g_new (float, 2 * n);
  g_autofree float *y = g_new (float, 2 * n);
  g_autoptr(DsGaussian) fx = ds_gaussian_new (2);
  g_autoptr(DsGaussian) fy = ds_gaussian_new (2);
  g_autoptr(DsGaussian) ex = gaussian_of (2, m1, c1);
  g_autoptr(DsGaussian) ey = gaussian_of (2, m2, c2);
  double expected, fitted;
  DsRng rng;

  ds_rng_seed (&rng, 3);
  for (guint i = 0; i < n; i++)
    {
      double u = ds_rng_normal (&rng), v = ds_rng_normal (&rng);
      double s = ds_rng_normal (&rng), t = ds_rng_normal (&rng);

      x[2 * i] = (float) (m1[0] + l1[0] * u);
      x[2 * i + 1] = (float) (m1[1] + l1[2] * u + l1[3] * v);
      y[2 * i] = (float) (m2[0] + l2[0] * s);
      y[2 * i + 1] = (float) (m2[1] + l2[3] * t);
    }
  ds_gaussian_add (fx, x, n);
  ds_gaussian_add (fy, y, n);
  ds_gaussian_finish (fx);
  ds_gaussian_finish (fy);

  expected = ds_frechet_distance (ex, ey);
  fitted = ds_frechet_distance (fx, fy);
  g_test_message ("closed form %.4f, fitted to %u samples each %.4f", expected, n, fitted);
  g_assert_cmpfloat (expected, >, 0.5);
  g_assert_cmpfloat (fabs (fitted - expected), <, 0.03 * expected);
}

/* A generator scored with a small classifier: class shares sum to one, the distance is finite,
 * and the same seed gives the same score. */
static void
test_score (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (1, 2);
  g_autoptr(DsDataset) data = bars_dataset (300, 1, 0);
  g_autoptr(DsModel) classifier = tiny_model (tiny_spec, ctx);
  g_autoptr(DsModel) no_features = tiny_model ("conv2d filters=2 kernel=3\nflatten", ctx);
  g_autoptr(DsGaussian) real = NULL;
  g_autoptr(DsGaussian) real2 = NULL;
  g_autoptr(DsGanScore) s1 = NULL;
  g_autoptr(DsGanScore) s2 = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsGan) big = NULL;
  DsSubset set = { data, NULL, data->n };
  DsSubset half = { data, NULL, 150 };
  double sum = 0.0;

  /* the features are the input of the last dense layer: 4 filters of 3×3 */
  g_assert_cmpuint (ds_classifier_feature_size (classifier), ==, 36);
  g_assert_cmpuint (ds_classifier_feature_size (no_features), ==, 0);

  real = ds_gaussian_of_images (classifier, ctx, &set, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (real->n, ==, 300);
  g_assert_cmpuint (real->d, ==, 36);
  /* two halves of one data set are close, closer than to a generator's noise */
  real2 = ds_gaussian_of_images (classifier, ctx, &half, 150, &error);
  g_assert_no_error (error);

  gan = ds_gan_new ("dense units=64\ntanh", "flatten\ndense units=1", 4,
                    DS_SHAPE (1, 1, SIDE, SIDE), &error);
  g_assert_no_error (error);
  ds_gan_init_params (gan, ds_context_get_rng (ctx));
  for (gsize i = 0; i < gan->generator->n_params; i++)
    gan->generator->params[i] = ds_rng_normal (ds_context_get_rng (ctx));
  s1 = ds_gan_score (gan, ctx, classifier, real, 300, 7, &error);
  g_assert_no_error (error);
  s2 = ds_gan_score (gan, ctx, classifier, real, 300, 7, &error);
  g_assert_cmpuint (s1->n, ==, 300);
  g_assert_cmpuint (s1->n_classes, ==, N_CLASSES);
  for (guint i = 0; i < s1->n_classes; i++)
    sum += s1->class_fraction[i];
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
  g_assert_cmpuint (ds_gan_score_top_class (s1), <, N_CLASSES);
  g_assert_true (isfinite (s1->fid));
  g_assert_cmpfloat (s1->fid, ==, s2->fid);
  g_assert_cmpfloat (ds_frechet_distance (real, real2), <, s1->fid);

  /* refusals */
  g_assert_null (ds_gaussian_of_images (no_features, ctx, &set, 100, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  big = ds_gan_new ("dense units=256\ntanh", "flatten\ndense units=1", 4,
                    DS_SHAPE (1, 1, 16, 16), &error);
  g_assert_null (ds_gan_score (big, ctx, classifier, real, 100, 1, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/gan/score/eigen", test_eigen);
  g_test_add_func ("/engine/gan/score/gaussian", test_gaussian_fit);
  g_test_add_func ("/engine/gan/score/frechet-closed-form", test_frechet_closed_form);
  g_test_add_func ("/engine/gan/score/frechet-sampled", test_frechet_sampled);
  g_test_add_func ("/engine/gan/score/score", test_score);

  return g_test_run ();
}
