/* test-loss.c: loss values on hand cases, gradients by central differences, and stability
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"

typedef double (*LossFunc) (DsTensor   *logits,
                            gconstpointer target,
                            DsTensor   *dlogits);

static DsTensor *
tensor_from (DsShape      shape,
             const float *values)
{
  DsTensor *t = ds_tensor_new (shape);

  memcpy (t->data, values, ds_tensor_size (t) * sizeof (float));

  return t;
}

static DsTensor *
tensor_random (DsShape  shape,
               float    scale,
               DsRng   *rng)
{
  DsTensor *t = ds_tensor_new (shape);

  for (gsize i = 0; i < ds_tensor_size (t); i++)
    t->data[i] = scale * ds_rng_normal (rng);

  return t;
}

static double
rel_error (double a,
           double n)
{
  return fabs (a - n) / MAX (1.0, fabs (a) + fabs (n));
}

static double
cross_entropy_loss (DsTensor      *logits,
                    gconstpointer  labels,
                    DsTensor      *dlogits)
{
  return ds_loss_softmax_cross_entropy (logits, labels, dlogits, NULL);
}

static double
mse_loss (DsTensor      *pred,
          gconstpointer  target,
          DsTensor      *dpred)
{
  return ds_loss_mse (pred, target, dpred);
}

static double
bce_loss (DsTensor      *logits,
          gconstpointer  targets,
          DsTensor      *dlogits)
{
  return ds_loss_bce_with_logits (logits, targets, dlogits);
}

/* The analytic gradient of @func at @x against central differences; returns the worst
 * error. The gradients of a mean are small, so they are scaled by the element count first,
 * which keeps the error metric relative. */
static double
gradient_error (LossFunc       func,
                DsTensor      *x,
                gconstpointer  target,
                float          eps)
{
  g_autoptr(DsTensor) grad = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  gsize n = ds_tensor_size (x);
  double worst = 0.0, largest = 0.0;

  func (x, target, grad);
  g_assert_true (ds_shape_equal (&grad->shape, &x->shape));
  for (gsize i = 0; i < n; i++)
    {
      float saved = x->data[i];
      float plus = saved + eps, minus = saved - eps;
      double lp, lm, num;

      x->data[i] = plus;
      lp = func (x, target, NULL);
      x->data[i] = minus;
      lm = func (x, target, NULL);
      x->data[i] = saved;
      num = (lp - lm) / ((double) plus - minus);
      worst = MAX (worst, rel_error (n * (double) grad->data[i], n * num));
      largest = MAX (largest, fabs (num));
    }
  /* not a vacuous comparison of zeros */
  g_assert_cmpfloat (largest * n, >, 0.1);

  return worst;
}

/* Softmax cross-entropy */

static double
ref_cross_entropy (const float *x,
                   guint        k,
                   gint32       label)
{
  double sum = 0.0;

  for (guint j = 0; j < k; j++)
    sum += exp (x[j]);

  return -log (exp (x[label]) / sum);
}

static void
test_ce_hand (void)
{
  /* sample 0: -log (e^3 / (e + e^2 + e^3)) = log (1 + e^-1 + e^-2) = 0.40760596444438 */
  static const float logits[] = { 1, 2, 3, -1, 0, 4 };
  static const gint32 labels[] = { 2, 0 };
  g_autoptr(DsTensor) x = tensor_from (DS_SHAPE (2, 3, 1, 1), logits);
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) probs = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  double l0 = ref_cross_entropy (logits, 3, 2), l1 = ref_cross_entropy (logits + 3, 3, 0);
  double loss;

  g_assert_cmpfloat_with_epsilon (l0, 0.40760596444438, 1e-12);
  loss = ds_loss_softmax_cross_entropy (x, labels, dx, probs);
  g_assert_cmpfloat_with_epsilon (loss, (l0 + l1) / 2, 1e-6);
  g_assert_true (ds_shape_equal (&probs->shape, &x->shape));
  for (guint b = 0; b < 2; b++)
    {
      double sum = 0.0, psum = 0.0;

      for (guint j = 0; j < 3; j++)
        sum += exp (logits[b * 3 + j]);
      for (guint j = 0; j < 3; j++)
        {
          double p = exp (logits[b * 3 + j]) / sum;

          g_assert_cmpfloat_with_epsilon (probs->data[b * 3 + j], p, 1e-6);
          /* d mean / d logit = (p - onehot) / batch */
          g_assert_cmpfloat_with_epsilon (dx->data[b * 3 + j],
                                          (p - (j == (guint) labels[b])) / 2, 1e-6);
          psum += probs->data[b * 3 + j];
        }
      g_assert_cmpfloat_with_epsilon (psum, 1.0, 1e-6);
    }
}

static void
test_ce_gradient (void)
{
  static const gint32 labels[] = { 0, 4, 2, 1, 3, 4 };
  g_autoptr(DsTensor) x = NULL;
  double worst;
  DsRng rng;

  ds_rng_seed (&rng, 1);
  x = tensor_random (DS_SHAPE (6, 5, 1, 1), 2.0f, &rng);
  worst = gradient_error (cross_entropy_loss, x, labels, 1e-2f);
  g_test_message ("softmax cross-entropy: worst gradient error %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-4);
}

/* Samples labelled -1 count neither in the mean nor in the gradient. */
static void
test_ce_unlabelled (void)
{
  static const gint32 labels[] = { 1, -1, 2, -1 };
  static const gint32 none[] = { -1, -1 };
  g_autoptr(DsTensor) x = NULL;
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) x2 = NULL;
  double loss, worst;
  DsRng rng;

  ds_rng_seed (&rng, 2);
  x = tensor_random (DS_SHAPE (4, 3, 1, 1), 1.5f, &rng);
  loss = ds_loss_softmax_cross_entropy (x, labels, dx, NULL);
  g_assert_cmpfloat_with_epsilon (loss, (ref_cross_entropy (x->data, 3, 1) +
                                         ref_cross_entropy (x->data + 6, 3, 2)) / 2, 1e-6);
  for (guint j = 0; j < 3; j++)
    {
      g_assert_cmpfloat (dx->data[3 + j], ==, 0.0f);
      g_assert_cmpfloat (dx->data[9 + j], ==, 0.0f);
    }
  /* the labelled rows are divided by 2, not 4 */
  worst = gradient_error (cross_entropy_loss, x, labels, 1e-2f);
  g_assert_cmpfloat (worst, <, 1e-4);

  /* nothing labelled: a loss of 0 and no gradient, not 0/0 */
  x2 = tensor_random (DS_SHAPE (2, 3, 1, 1), 1.0f, &rng);
  loss = ds_loss_softmax_cross_entropy (x2, none, dx, NULL);
  g_assert_cmpfloat (loss, ==, 0.0);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat (dx->data[i], ==, 0.0f);
}

static void
test_ce_stability (void)
{
  static const float logits[] = { 1000, -1000, 0, 1000, 1000, -1000 };
  static const gint32 labels[] = { 1, 0 };
  g_autoptr(DsTensor) x = tensor_from (DS_SHAPE (2, 3, 1, 1), logits);
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) probs = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  double loss = ds_loss_softmax_cross_entropy (x, labels, dx, probs);

  /* sample 0: -log softmax = 2000 (+ log (1 + e^-1000 + ...)); sample 1: log 2 */
  g_assert_true (isfinite (loss));
  g_assert_cmpfloat_with_epsilon (loss, (2000.0 + G_LN2) / 2, 1e-6 * 1000);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_true (isfinite (dx->data[i]));
      g_assert_true (isfinite (probs->data[i]));
    }
  g_assert_cmpfloat_with_epsilon (dx->data[0], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (dx->data[1], -0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (dx->data[3], (0.5 - 1) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (dx->data[4], 0.5 / 2, 1e-6);

  /* and ds_softmax() in place */
  ds_softmax (x);
  g_assert_cmpfloat_with_epsilon (x->data[0], 1.0, 1e-6);
  g_assert_cmpfloat (x->data[1], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (x->data[3], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (x->data[4], 0.5, 1e-6);
}

static void
test_softmax_values (void)
{
  g_autoptr(DsTensor) x = NULL;
  g_autoptr(DsTensor) p = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  DsRng rng;

  ds_rng_seed (&rng, 3);
  x = tensor_random (DS_SHAPE (3, 2, 2, 2), 3.0f, &rng);   /* K = 8 values a sample */
  ds_tensor_copy (p, x);
  ds_softmax (p);
  for (guint b = 0; b < 3; b++)
    {
      double sum = 0.0;

      for (guint j = 0; j < 8; j++)
        sum += exp (x->data[b * 8 + j]);
      for (guint j = 0; j < 8; j++)
        g_assert_cmpfloat_with_epsilon (p->data[b * 8 + j], exp (x->data[b * 8 + j]) / sum, 1e-6);
    }
}

/* Mean squared error */

static void
test_mse (void)
{
  static const float pred[] = { 1, 2, 3, 4 };
  static const float target[] = { 0, 2, 5, 3.5f };
  static const float want[] = { 0.5f, 0, -1, 0.25f };   /* 2 (pred - target) / 4 */
  g_autoptr(DsTensor) p = tensor_from (DS_SHAPE (2, 2, 1, 1), pred);
  g_autoptr(DsTensor) t = tensor_from (DS_SHAPE (2, 2, 1, 1), target);
  g_autoptr(DsTensor) dp = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) p2 = NULL;
  g_autoptr(DsTensor) t2 = NULL;
  double worst;
  DsRng rng;

  /* (1 + 0 + 4 + 0.25) / 4 */
  g_assert_cmpfloat_with_epsilon (ds_loss_mse (p, t, dp), 1.3125, 1e-9);
  g_assert_cmpfloat_with_epsilon (ds_loss_mse (p, t, NULL), 1.3125, 1e-9);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (dp->data[i], want[i], 1e-7);

  ds_rng_seed (&rng, 4);
  p2 = tensor_random (DS_SHAPE (3, 2, 2, 2), 1.0f, &rng);
  t2 = tensor_random (DS_SHAPE (3, 2, 2, 2), 1.0f, &rng);
  worst = gradient_error (mse_loss, p2, t2, 1e-2f);
  g_test_message ("mse: worst gradient error %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-4);
}

/* Binary cross-entropy on logits */

/* The textbook form, -(t log s + (1 - t) log (1 - s)) with s = sigmoid (x), in double. */
static double
ref_bce (double x,
         double t)
{
  double s = 1.0 / (1.0 + exp (-x));

  return -(t * log (s) + (1.0 - t) * log (1.0 - s));
}

static void
test_bce (void)
{
  static const float logits[] = { 0, 2, -1, 0.5f };
  static const float targets[] = { 1, 0, 0.5f, 0.25f };
  g_autoptr(DsTensor) x = tensor_from (DS_SHAPE (1, 4, 1, 1), logits);
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) x2 = NULL;
  g_autofree float *t2 = NULL;
  double want = 0.0, worst;
  DsRng rng;

  /* log 2 = 0.693147..., 2 + log (1 + e^-2) = 2.126928..., 0.5 + log (1 + e^-1) = 0.813262... */
  g_assert_cmpfloat_with_epsilon (ref_bce (0, 1), G_LN2, 1e-12);
  g_assert_cmpfloat_with_epsilon (ref_bce (2, 0), 2.1269280110429727, 1e-12);
  g_assert_cmpfloat_with_epsilon (ref_bce (-1, 0.5), 0.8132616875182228, 1e-12);
  for (guint i = 0; i < 4; i++)
    want += ref_bce (logits[i], targets[i]) / 4;
  g_assert_cmpfloat_with_epsilon (ds_loss_bce_with_logits (x, targets, dx), want, 1e-6);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (dx->data[i],
                                    (1.0 / (1.0 + exp (-logits[i])) - targets[i]) / 4, 1e-7);

  ds_rng_seed (&rng, 5);
  x2 = tensor_random (DS_SHAPE (2, 3, 2, 1), 2.0f, &rng);
  t2 = g_new (float, 12);
  for (guint i = 0; i < 12; i++)
    t2[i] = i % 3 == 0 ? ds_rng_uniform (&rng) : (float) (i % 2);
  worst = gradient_error (bce_loss, x2, t2, 1e-2f);
  g_test_message ("bce with logits: worst gradient error %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-4);
}

static void
test_bce_stability (void)
{
  static const float logits[] = { 100, -100, 100, -100, 30, -30 };
  static const float targets[] = { 0, 1, 1, 0, 0, 1 };
  g_autoptr(DsTensor) x = tensor_from (DS_SHAPE (6, 1, 1, 1), logits);
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  double loss = ds_loss_bce_with_logits (x, targets, dx);

  /* 100 + 100 + ~0 + ~0 + 30 + 30 (each within 1e-13), over 6 */
  g_assert_true (isfinite (loss));
  g_assert_cmpfloat_with_epsilon (loss, 260.0 / 6, 1e-4);
  for (guint i = 0; i < 6; i++)
    g_assert_true (isfinite (dx->data[i]));
  g_assert_cmpfloat_with_epsilon (dx->data[0], 1.0 / 6, 1e-7);
  g_assert_cmpfloat_with_epsilon (dx->data[1], -1.0 / 6, 1e-7);
  g_assert_cmpfloat_with_epsilon (dx->data[2], 0.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (dx->data[3], 0.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (dx->data[4], 1.0 / 6, 1e-7);
  g_assert_cmpfloat_with_epsilon (dx->data[5], -1.0 / 6, 1e-7);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/loss/cross-entropy/hand", test_ce_hand);
  g_test_add_func ("/engine/loss/cross-entropy/gradient", test_ce_gradient);
  g_test_add_func ("/engine/loss/cross-entropy/unlabelled", test_ce_unlabelled);
  g_test_add_func ("/engine/loss/cross-entropy/stability", test_ce_stability);
  g_test_add_func ("/engine/loss/softmax", test_softmax_values);
  g_test_add_func ("/engine/loss/mse", test_mse);
  g_test_add_func ("/engine/loss/bce-with-logits", test_bce);
  g_test_add_func ("/engine/loss/bce-with-logits/stability", test_bce_stability);

  return g_test_run ();
}
