/* test-layers.c: numeric gradient checks of every layer, and the backward() conventions
 *
 * Each layer is checked on the scalar L = sum (out * R) for a fixed random R, so that
 * dout = R: the analytic input and parameter gradients against central differences of L,
 * summed in double. Errors are |a - n| / max (1, |a| + |n|), held to a tolerance per layer.
 * The same run checks that backward() adds to the parameter gradients (twice gives double),
 * overwrites dinp (which starts too small, then full of NaN) and accepts dinp = NULL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"

typedef enum
{
  INPUT_NORMAL,
  INPUT_DISTINCT,   /* a shuffled grid 0.05 apart: pooling windows never tie */
  INPUT_AWAY,       /* |x| >= 0.2: no input near the kink of an element-wise ReLU */
} InputKind;

typedef struct
{
  const char *spec;
  const char *kink_spec;     /* the layer without its fused ReLU, or NULL */
  DsShape     in;            /* (B, C, H, W) */
  InputKind   input;
  gboolean    training;
  float       eps;
  double      tol;
  gboolean    random_state;  /* batchnorm in evaluation: running statistics away from 0 and 1 */
} GradCase;

typedef struct
{
  double dinp;     /* worst error of the input gradient */
  double params;   /* worst error of the parameter gradients, 0 without parameters */
  double max_dinp; /* largest numeric gradients, to show the checks are not vacuous */
  double max_params;
  gsize  n_params;
} GradResult;

/* The seed used before every forward: dropout then draws the same mask each time. */
#define FORWARD_SEED 77

static DsLayer *
make_layer (const char *spec,
            DsShape     in,
            DsRng      *rng)
{
  g_autoptr(GError) error = NULL;
  DsLayer *layer = ds_layer_new_from_spec (spec, &error);

  g_assert_no_error (error);
  g_assert_true (ds_layer_infer (layer, &in, &error));
  g_assert_no_error (error);
  layer->params = ds_floats_new0 (layer->n_params);
  layer->grads = ds_floats_new0 (layer->n_params);
  layer->state = ds_floats_new0 (layer->n_state);
  if (layer->klass->init != NULL)
    layer->klass->init (layer, rng);
  /* non-zero biases and gammas away from 1, so that every parameter matters */
  for (gsize i = 0; i < layer->n_params; i++)
    layer->params[i] += 0.2f * ds_rng_normal (rng);

  return layer;
}

static void
destroy_layer (DsLayer *layer)
{
  ds_floats_free (layer->params);
  ds_floats_free (layer->grads);
  ds_floats_free (layer->state);
  ds_layer_free (layer);
}

static void
fill_input (float     *x,
            gsize      n,
            InputKind  kind,
            DsRng     *rng)
{
  g_autofree guint32 *perm = g_new (guint32, n);

  switch (kind)
    {
    case INPUT_NORMAL:
      for (gsize i = 0; i < n; i++)
        x[i] = ds_rng_normal (rng);
      break;
    case INPUT_DISTINCT:
      for (gsize i = 0; i < n; i++)
        perm[i] = (guint32) i;
      ds_rng_shuffle (rng, perm, n);
      for (gsize i = 0; i < n; i++)
        x[i] = 0.05f * ((float) perm[i] - (float) n / 2.0f);
      break;
    case INPUT_AWAY:
      for (gsize i = 0; i < n; i++)
        {
          float z = ds_rng_normal (rng);

          x[i] = z < 0.0f ? z - 0.2f : z + 0.2f;
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
forward (DsLayer        *layer,
         const DsTensor *x,
         DsTensor       *out,
         gboolean        training)
{
  DsRng rng;

  ds_rng_seed (&rng, FORWARD_SEED);
  layer->klass->forward (layer, x, out, training, &rng);
}

static double
loss (DsLayer        *layer,
      const DsTensor *x,
      DsTensor       *out,
      const DsTensor *r,
      gboolean        training)
{
  double sum = 0.0;

  forward (layer, x, out, training);
  for (gsize i = 0; i < ds_tensor_size (out); i++)
    sum += (double) out->data[i] * r->data[i];

  return sum;
}

static double
rel_error (double a,
           double n)
{
  return fabs (a - n) / MAX (1.0, fabs (a) + fabs (n));
}

/* d loss / d v[i] by central differences; the step actually taken is measured in float. */
static double
numeric (DsLayer        *layer,
         float          *v,
         gsize           i,
         float           eps,
         const DsTensor *x,
         DsTensor       *out,
         const DsTensor *r,
         gboolean        training)
{
  float saved = v[i];
  float plus = saved + eps, minus = saved - eps;
  double lp, lm;

  v[i] = plus;
  lp = loss (layer, x, out, r, training);
  v[i] = minus;
  lm = loss (layer, x, out, r, training);
  v[i] = saved;

  return (lp - lm) / ((double) plus - minus);
}

/* Smallest |pre-activation| of the layer without its ReLU, with the same parameters. */
static double
kink_margin (const GradCase *gc,
             DsLayer        *layer,
             const DsTensor *x)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsTensor) pre = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  DsLayer *twin = ds_layer_new_from_spec (gc->kink_spec, &error);
  double margin = G_MAXDOUBLE;

  g_assert_no_error (error);
  g_assert_true (ds_layer_infer (twin, &layer->in_shape, &error));
  g_assert_cmpuint (twin->n_params, ==, layer->n_params);
  twin->params = layer->params;
  twin->grads = layer->grads;
  twin->state = layer->state;
  forward (twin, x, pre, gc->training);
  for (gsize i = 0; i < ds_tensor_size (pre); i++)
    margin = MIN (margin, fabs (pre->data[i]));
  ds_layer_free (twin);

  return margin;
}

static void
fill_nan (DsTensor *t,
          DsShape   shape)
{
  ds_tensor_reshape (t, shape);
  for (gsize i = 0; i < ds_tensor_size (t); i++)
    t->data[i] = NAN;
}

/* Runs the checks of @gc; the first analytic gradients are moved by @corrupt (relative, at
 * least absolute) so that the checker itself can be shown to fail. */
static GradResult
check_gradients (const GradCase *gc,
                 double          corrupt)
{
  g_autoptr(DsTensor) x = ds_tensor_new (gc->in);
  g_autoptr(DsTensor) out = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) r = NULL;
  g_autoptr(DsTensor) dinp = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autofree float *dx = NULL;
  g_autofree float *dp = NULL;
  GradResult res = { 0 };
  DsShape one = gc->in, want;
  gsize n_in = ds_tensor_size (x);
  DsLayer *layer;
  DsRng rng;

  one.n = 1;
  ds_rng_seed (&rng, g_str_hash (gc->spec) ^ (gc->in.n * 131 + gc->in.h * 7 + gc->in.w));
  layer = make_layer (gc->spec, one, &rng);
  if (gc->random_state)
    for (guint k = 0; k < layer->in_shape.c; k++)
      {
        layer->state[k] = 0.5f * ds_rng_normal (&rng);
        layer->state[layer->in_shape.c + k] = 0.5f + ds_rng_uniform (&rng);
      }

  /* redraw the input until every pre-activation of a fused ReLU is clear of its kink by more
   * than a step can move it: eps times the largest weight or input */
  for (guint tries = 0;; tries++)
    {
      double reach = 0.0;

      fill_input (x->data, n_in, gc->input, &rng);
      if (gc->kink_spec == NULL)
        break;
      for (gsize i = 0; i < n_in; i++)
        reach = MAX (reach, fabs (x->data[i]));
      for (gsize i = 0; i < layer->n_params; i++)
        reach = MAX (reach, fabs (layer->params[i]));
      if (kink_margin (gc, layer, x) > 2.0 * gc->eps * reach)
        break;
      g_assert_cmpuint (tries, <, 1000);
    }

  /* the analytic gradients, into a dinp too small to hold them */
  forward (layer, x, out, gc->training);
  want = layer->out_shape;
  want.n = gc->in.n;
  g_assert_true (ds_shape_equal (&out->shape, &want));
  r = ds_tensor_new (out->shape);
  fill_input (r->data, ds_tensor_size (r), INPUT_NORMAL, &rng);
  layer->klass->backward (layer, x, out, r, dinp);
  g_assert_true (ds_shape_equal (&dinp->shape, &x->shape));
  dx = g_memdup2 (dinp->data, n_in * sizeof (float));
  dp = g_memdup2 (layer->grads, MAX (layer->n_params, 1) * sizeof (float));

  /* again into a dinp full of NaN: overwritten, while the parameter gradients add up */
  forward (layer, x, out, gc->training);
  fill_nan (dinp, x->shape);
  layer->klass->backward (layer, x, out, r, dinp);
  for (gsize i = 0; i < n_in; i++)
    if (dinp->data[i] != dx[i])
      g_error ("%s: dinp[%" G_GSIZE_FORMAT "] is %g on the second backward, %g on the first",
               gc->spec, i, dinp->data[i], dx[i]);
  for (gsize i = 0; i < layer->n_params; i++)
    if (!(fabs (layer->grads[i] - 2.0 * dp[i]) <= 1e-5 * (1.0 + fabs (2.0 * dp[i]))))
      g_error ("%s: grads[%" G_GSIZE_FORMAT "] is %g after two backward passes, %g after one",
               gc->spec, i, layer->grads[i], dp[i]);

  /* and once more without dinp */
  forward (layer, x, out, gc->training);
  layer->klass->backward (layer, x, out, r, NULL);
  for (gsize i = 0; i < layer->n_params; i++)
    if (!(fabs (layer->grads[i] - 3.0 * dp[i]) <= 1e-5 * (1.0 + fabs (3.0 * dp[i]))))
      g_error ("%s: grads[%" G_GSIZE_FORMAT "] is %g after three backward passes (the last "
               "with dinp = NULL), %g after one", gc->spec, i, layer->grads[i], dp[i]);

  dx[0] += (float) (corrupt * (1.0 + fabsf (dx[0])));
  dp[0] += (float) (corrupt * (1.0 + fabsf (dp[0])));
  for (gsize i = 0; i < n_in; i++)
    {
      double n = numeric (layer, x->data, i, gc->eps, x, out, r, gc->training);

      res.dinp = MAX (res.dinp, rel_error (dx[i], n));
      res.max_dinp = MAX (res.max_dinp, fabs (n));
    }
  for (gsize i = 0; i < layer->n_params; i++)
    {
      double n = numeric (layer, layer->params, i, gc->eps, x, out, r, gc->training);

      res.params = MAX (res.params, rel_error (dp[i], n));
      res.max_params = MAX (res.max_params, fabs (n));
    }

  res.n_params = layer->n_params;
  destroy_layer (layer);

  return res;
}

static void
run_case (gconstpointer data)
{
  const GradCase *gc = data;
  GradResult res = check_gradients (gc, 0.0);

  g_test_message ("%s on (%u, %u, %u, %u)%s: worst error dinp %.2e, params %.2e "
                  "(tolerance %.0e)", gc->spec, gc->in.n, gc->in.c, gc->in.h, gc->in.w,
                  gc->training ? "" : " in evaluation", res.dinp, res.params, gc->tol);
  g_assert_cmpfloat (res.max_dinp, >, 1e-2);
  if (res.n_params > 0)
    g_assert_cmpfloat (res.max_params, >, 1e-2);
  g_assert_cmpfloat (res.dinp, <=, gc->tol);
  g_assert_cmpfloat (res.params, <=, gc->tol);
}

#define T TRUE
#define F FALSE

static const GradCase cases[] = {
  /* spec, kink spec, input, input kind, training, eps, tolerance, random state */
  { "dense units=5", NULL, DS_SHAPE (4, 3, 2, 2), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "dense units=1 init=glorot", NULL, DS_SHAPE (3, 7, 1, 1), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "dense units=5 activation=relu", "dense units=5", DS_SHAPE (4, 3, 2, 2), INPUT_NORMAL, T,
    1e-3f, 2e-3, F },
  { "conv2d filters=3 kernel=3 padding=1", NULL, DS_SHAPE (2, 2, 6, 5), INPUT_NORMAL, T,
    1e-2f, 1e-3, F },
  { "conv2d filters=4 kernel=3 stride=2 padding=1", NULL, DS_SHAPE (2, 3, 7, 6), INPUT_NORMAL, T,
    1e-2f, 1e-3, F },
  { "conv2d filters=2 kernel=5 stride=2 padding=2", NULL, DS_SHAPE (3, 1, 9, 8), INPUT_NORMAL, T,
    1e-2f, 1e-3, F },
  { "conv2d filters=2 kernel=1", NULL, DS_SHAPE (2, 3, 3, 4), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "conv2d filters=3 kernel=3 padding=1 activation=relu", "conv2d filters=3 kernel=3 padding=1",
    DS_SHAPE (2, 2, 5, 5), INPUT_NORMAL, T, 1e-3f, 2e-3, F },
  { "conv2d filters=4 kernel=3 stride=2 activation=relu", "conv2d filters=4 kernel=3 stride=2",
    DS_SHAPE (2, 2, 7, 7), INPUT_NORMAL, T, 1e-3f, 2e-3, F },
  /* 16 channels in and out, 3×3, stride 1: Winograd F(2×2, 3×3); a 9×9 output cuts tiles */
  { "conv2d filters=16 kernel=3 padding=1", NULL, DS_SHAPE (1, 16, 9, 9), INPUT_NORMAL, T,
    1e-2f, 1e-3, F },
  /* 16×16 outputs: a GEMM per image */
  { "conv2d filters=2 kernel=3 padding=1", NULL, DS_SHAPE (2, 1, 16, 16), INPUT_NORMAL, T,
    1e-2f, 1e-3, F },
  { "conv_transpose2d filters=2 kernel=4 stride=2 padding=1", NULL, DS_SHAPE (2, 3, 3, 4),
    INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "conv_transpose2d filters=3 kernel=3 stride=2 padding=1 output_padding=1", NULL,
    DS_SHAPE (2, 2, 4, 3), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "conv_transpose2d filters=2 kernel=3 stride=1 padding=1", NULL, DS_SHAPE (1, 2, 5, 5),
    INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "upsample scale=2", NULL, DS_SHAPE (2, 2, 3, 4), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "upsample scale=3", NULL, DS_SHAPE (1, 3, 2, 3), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "maxpool2d size=2", NULL, DS_SHAPE (2, 3, 6, 8), INPUT_DISTINCT, T, 1e-2f, 1e-3, F },
  { "maxpool2d size=2", NULL, DS_SHAPE (2, 2, 5, 7), INPUT_DISTINCT, T, 1e-2f, 1e-3, F },
  /* rows of 35 outputs: two blocks of 16 and a partial one in the 2×2 backward */
  { "maxpool2d size=2", NULL, DS_SHAPE (2, 1, 5, 70), INPUT_DISTINCT, T, 1e-2f, 1e-3, F },
  { "maxpool2d size=3 stride=2", NULL, DS_SHAPE (2, 2, 7, 7), INPUT_DISTINCT, T, 1e-2f, 1e-3, F },
  { "maxpool2d size=3 stride=3", NULL, DS_SHAPE (1, 2, 9, 10), INPUT_DISTINCT, T, 1e-2f, 1e-3, F },
  { "maxpool2d size=2 stride=3", NULL, DS_SHAPE (1, 2, 7, 8), INPUT_DISTINCT, T, 1e-2f, 1e-3, F },
  { "avgpool2d size=2", NULL, DS_SHAPE (2, 3, 6, 8), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "avgpool2d size=2", NULL, DS_SHAPE (1, 2, 5, 7), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "avgpool2d size=3 stride=2", NULL, DS_SHAPE (2, 2, 7, 7), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "batchnorm", NULL, DS_SHAPE (4, 3, 2, 3), INPUT_NORMAL, T, 1e-2f, 2e-3, F },
  { "batchnorm momentum=0.5 eps=0.001", NULL, DS_SHAPE (6, 4, 1, 1), INPUT_NORMAL, T,
    1e-2f, 2e-3, F },
  { "batchnorm", NULL, DS_SHAPE (3, 3, 2, 2), INPUT_NORMAL, F, 1e-2f, 1e-3, T },
  { "dropout rate=0.3", NULL, DS_SHAPE (4, 3, 3, 3), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "dropout rate=0.3", NULL, DS_SHAPE (2, 3, 2, 2), INPUT_NORMAL, F, 1e-2f, 1e-3, F },
  { "flatten", NULL, DS_SHAPE (2, 3, 2, 2), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "reshape channels=2 height=3 width=2", NULL, DS_SHAPE (2, 12, 1, 1), INPUT_NORMAL, T, 1e-2f,
    1e-3, F },
  { "reshape channels=4 height=1 width=3", NULL, DS_SHAPE (3, 3, 2, 2), INPUT_NORMAL, T, 1e-2f,
    1e-3, F },
  { "relu", NULL, DS_SHAPE (2, 3, 3, 3), INPUT_AWAY, T, 1e-2f, 1e-3, F },
  { "leaky_relu", NULL, DS_SHAPE (2, 3, 3, 3), INPUT_AWAY, T, 1e-2f, 1e-3, F },
  { "leaky_relu slope=0.05", NULL, DS_SHAPE (2, 2, 3, 2), INPUT_AWAY, T, 1e-2f, 1e-3, F },
  { "sigmoid", NULL, DS_SHAPE (2, 3, 3, 3), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
  { "tanh", NULL, DS_SHAPE (2, 3, 3, 3), INPUT_NORMAL, T, 1e-2f, 1e-3, F },
};

#undef T
#undef F

/* Every layer class has at least one case. */
static void
test_coverage (void)
{
  const DsLayerClass * const *classes = ds_layer_classes ();

  for (guint i = 0; classes[i] != NULL; i++)
    {
      gboolean found = FALSE;
      gsize len = strlen (classes[i]->name);

      for (guint j = 0; j < G_N_ELEMENTS (cases) && !found; j++)
        found = strncmp (cases[j].spec, classes[i]->name, len) == 0 &&
                (cases[j].spec[len] == ' ' || cases[j].spec[len] == '\0');
      if (!found)
        g_test_fail_printf ("layer “%s” has no gradient check", classes[i]->name);
    }
}

/* The checker finds a wrong gradient: the first entry of each analytic gradient 5% off is far
 * above every tolerance, in every case. */
static void
test_checker_fails (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GradCase *gc = &cases[i];
      GradResult res = check_gradients (gc, 0.05);

      g_assert_cmpfloat (res.dinp, >, gc->tol);
      if (res.n_params > 0)
        g_assert_cmpfloat (res.params, >, gc->tol);
    }
}

/* Dropout: the mask, its scale, its rate, and evaluation */

static void
test_dropout_mask (void)
{
  const float rate = 0.3f;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsLayer) layer = ds_layer_new_from_spec ("dropout rate=0.3", &error);
  DsShape in = DS_SHAPE (1, 4, 25, 25);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (4, 4, 25, 25));
  g_autoptr(DsTensor) dy = ds_tensor_new (x->shape);
  g_autoptr(DsTensor) y = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) y2 = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  gsize n = ds_tensor_size (x), kept = 0, same = 0;
  DsRng rng;

  g_assert_no_error (error);
  g_assert_true (ds_layer_infer (layer, &in, &error));
  g_assert_cmpuint (layer->n_params, ==, 0);
  ds_rng_seed (&rng, 5);
  fill_input (x->data, n, INPUT_AWAY, &rng);
  fill_input (dy->data, n, INPUT_NORMAL, &rng);

  /* training: each output is 0 or the input scaled by 1 / (1 - rate), and the gradient
   * passes through the same mask */
  ds_rng_seed (&rng, 9);
  layer->klass->forward (layer, x, y, TRUE, &rng);
  layer->klass->backward (layer, x, y, dy, dx);
  for (gsize i = 0; i < n; i++)
    {
      float m = y->data[i] / x->data[i];

      if (y->data[i] == 0.0f)
        {
          g_assert_cmpfloat (dx->data[i], ==, 0.0f);
          continue;
        }
      kept++;
      g_assert_cmpfloat_with_epsilon (m, 1.0f / (1.0f - rate), 1e-5);
      g_assert_cmpfloat_with_epsilon (dx->data[i], dy->data[i] * m,
                                      1e-5 * (1 + fabsf (dy->data[i])));
    }
  /* 10000 draws: the standard deviation of the kept fraction is 0.0046 */
  g_assert_cmpfloat (fabs ((double) kept / n - (1.0 - rate)), <, 0.02);

  /* the same seed gives the same mask; the generator moving on gives another */
  ds_rng_seed (&rng, 9);
  layer->klass->forward (layer, x, y2, TRUE, &rng);
  g_assert_cmpmem (y->data, n * sizeof (float), y2->data, n * sizeof (float));
  layer->klass->forward (layer, x, y2, TRUE, &rng);
  for (gsize i = 0; i < n; i++)
    same += (y->data[i] != 0.0f) == (y2->data[i] != 0.0f);
  g_assert_cmpuint (same, <, n * 9 / 10);

  /* evaluation is the identity, both ways */
  layer->klass->forward (layer, x, y, FALSE, &rng);
  layer->klass->backward (layer, x, y, dy, dx);
  g_assert_cmpmem (y->data, n * sizeof (float), x->data, n * sizeof (float));
  g_assert_cmpmem (dx->data, n * sizeof (float), dy->data, n * sizeof (float));
}

static void
test_dropout_rate_zero (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsLayer) layer = ds_layer_new_from_spec ("dropout rate=0", &error);
  DsShape in = DS_SHAPE (1, 3, 4, 4);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (2, 3, 4, 4));
  g_autoptr(DsTensor) y = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  DsRng rng;

  g_assert_no_error (error);
  g_assert_true (ds_layer_infer (layer, &in, &error));
  ds_rng_seed (&rng, 1);
  fill_input (x->data, ds_tensor_size (x), INPUT_NORMAL, &rng);
  layer->klass->forward (layer, x, y, TRUE, &rng);
  g_assert_cmpmem (y->data, ds_tensor_size (y) * sizeof (float),
                   x->data, ds_tensor_size (x) * sizeof (float));

  g_assert_null (ds_layer_new_from_spec ("dropout rate=1", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
}

/* Batchnorm: running statistics and evaluation against formulas in double */

static void
test_batchnorm_statistics (void)
{
  const DsShape in = DS_SHAPE (5, 2, 3, 2);
  const double momentum = 0.25, eps = 1e-3;
  DsLayer *layer;
  g_autoptr(DsTensor) x = ds_tensor_new (in);
  g_autoptr(DsTensor) y = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  guint c = in.c;
  gsize hw = (gsize) in.h * in.w, count = in.n * hw;
  double mean[2] = { 0 }, var[2] = { 0 };
  DsRng rng;

  ds_rng_seed (&rng, 11);
  layer = make_layer ("batchnorm momentum=0.25 eps=0.001", DS_SHAPE (1, c, in.h, in.w), &rng);
  g_assert_cmpuint (layer->n_params, ==, 2 * c);
  g_assert_cmpuint (layer->n_state, ==, 2 * c);
  for (guint k = 0; k < c; k++)
    {
      layer->state[k] = 0.5f;
      layer->state[c + k] = 2.0f;
    }
  fill_input (x->data, ds_tensor_size (x), INPUT_NORMAL, &rng);
  for (gsize i = 0; i < ds_tensor_size (x); i++)
    x->data[i] = 3.0f + 2.0f * x->data[i];

  for (guint b = 0; b < in.n; b++)
    for (guint k = 0; k < c; k++)
      for (gsize i = 0; i < hw; i++)
        mean[k] += x->data[(b * c + k) * hw + i] / count;
  for (guint b = 0; b < in.n; b++)
    for (guint k = 0; k < c; k++)
      for (gsize i = 0; i < hw; i++)
        var[k] += pow (x->data[(b * c + k) * hw + i] - mean[k], 2) / count;

  /* training: normalised with the batch's (biased) variance; the running variance is updated
   * with the unbiased one, as in PyTorch */
  forward (layer, x, y, TRUE);
  for (guint b = 0; b < in.n; b++)
    for (guint k = 0; k < c; k++)
      for (gsize i = 0; i < hw; i++)
        {
          gsize j = (b * c + k) * hw + i;
          double want = layer->params[k] * (x->data[j] - mean[k]) / sqrt (var[k] + eps)
                        + layer->params[c + k];

          g_assert_cmpfloat_with_epsilon (y->data[j], want, 1e-4);
        }
  for (guint k = 0; k < c; k++)
    {
      g_assert_cmpfloat_with_epsilon (layer->state[k], (1 - momentum) * 0.5 + momentum * mean[k],
                                      1e-5);
      double unbiased = var[k] * count / (count - 1);

      g_assert_cmpfloat_with_epsilon (layer->state[c + k],
                                      (1 - momentum) * 2.0 + momentum * unbiased, 1e-5);
    }

  /* evaluation: the running statistics */
  forward (layer, x, y, FALSE);
  for (guint b = 0; b < in.n; b++)
    for (guint k = 0; k < c; k++)
      for (gsize i = 0; i < hw; i++)
        {
          gsize j = (b * c + k) * hw + i;
          double want = layer->params[k] * (x->data[j] - layer->state[k])
                        / sqrt (layer->state[c + k] + eps) + layer->params[c + k];

          g_assert_cmpfloat_with_epsilon (y->data[j], want, 1e-4);
        }
  destroy_layer (layer);
}

/* Max-pooling on ties (a plane of zeros after a ReLU): each window's gradient goes to exactly
 * one of its inputs, so the gradient is conserved, never duplicated nor lost. */
static void
test_maxpool_ties (void)
{
  static const char * const specs[] = {
    "maxpool2d size=2", "maxpool2d size=3",
    "maxpool2d size=3 stride=2", "maxpool2d size=2 stride=1",
  };
  /* 40 columns: 2×2 windows go through both the 8-wide vector path and the scalar tail */
  DsShape in = DS_SHAPE (1, 2, 7, 40);

  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DsLayer) layer = ds_layer_new_from_spec (specs[s], &error);
      g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (2, 2, 7, 40));
      g_autoptr(DsTensor) y = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
      g_autoptr(DsTensor) dy = NULL;
      g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
      double sum_dy = 0.0, sum_dx = 0.0;
      gsize nonzero = 0;
      DsRng rng;

      g_assert_no_error (error);
      g_assert_true (ds_layer_infer (layer, &in, &error));
      ds_rng_seed (&rng, 21);
      /* zeros, with a few positive values so that some windows have a single maximum */
      for (gsize i = 0; i < ds_tensor_size (x); i++)
        x->data[i] = ds_rng_uniform (&rng) < 0.1f ? 1.0f + ds_rng_uniform (&rng) : 0.0f;
      layer->klass->forward (layer, x, y, TRUE, &rng);
      dy = ds_tensor_new (y->shape);
      for (gsize i = 0; i < ds_tensor_size (dy); i++)
        {
          dy->data[i] = 1.0f + ds_rng_uniform (&rng);
          sum_dy += dy->data[i];
        }
      fill_nan (dx, x->shape);
      layer->klass->backward (layer, x, y, dy, dx);
      for (gsize i = 0; i < ds_tensor_size (dx); i++)
        {
          g_assert_true (isfinite (dx->data[i]));
          sum_dx += dx->data[i];
          nonzero += dx->data[i] != 0.0f;
        }
      g_assert_cmpfloat_with_epsilon (sum_dx, sum_dy, 1e-4 * sum_dy);
      /* tiling windows: one input per window receives the gradient */
      if (s < 2)
        g_assert_cmpuint (nonzero, ==, ds_tensor_size (y));
    }
}

/* Element-wise layers against their formulas, including slopes and saturation. */
static void
test_elementwise_values (void)
{
  static const float xs[] = { -30.0f, -2.0f, -0.5f, 0.0f, 0.25f, 1.0f, 30.0f };
  static const char * const specs[] = { "relu", "leaky_relu slope=0.1", "sigmoid", "tanh" };
  DsShape in = DS_SHAPE (1, G_N_ELEMENTS (xs), 1, 1);

  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DsLayer) layer = ds_layer_new_from_spec (specs[s], &error);
      g_autoptr(DsTensor) x = ds_tensor_new (in);
      g_autoptr(DsTensor) y = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));

      g_assert_no_error (error);
      g_assert_true (ds_layer_infer (layer, &in, &error));
      memcpy (x->data, xs, sizeof xs);
      layer->klass->forward (layer, x, y, TRUE, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (xs); i++)
        {
          double v = xs[i];
          double want = s == 0 ? MAX (v, 0.0) : s == 1 ? (v > 0 ? v : 0.1 * v)
                        : s == 2 ? 1.0 / (1.0 + exp (-v)) : tanh (v);

          g_assert_true (isfinite (y->data[i]));
          g_assert_cmpfloat_with_epsilon (y->data[i], want, 1e-6 * (1.0 + fabs (want)));
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GradCase *gc = &cases[i];
      g_autofree char *name = g_strndup (gc->spec, strcspn (gc->spec, " "));
      g_autofree char *path = g_strdup_printf ("/engine/%s/backward/%u-%s", name, i,
                                               gc->training ? "training" : "evaluation");

      g_test_add_data_func (path, gc, run_case);
    }
  g_test_add_func ("/engine/layers/coverage", test_coverage);
  g_test_add_func ("/engine/layers/checker-fails", test_checker_fails);
  g_test_add_func ("/engine/dropout/mask", test_dropout_mask);
  g_test_add_func ("/engine/dropout/rate-zero", test_dropout_rate_zero);
  g_test_add_func ("/engine/batchnorm/statistics", test_batchnorm_statistics);
  g_test_add_func ("/engine/maxpool2d/ties", test_maxpool_ties);
  g_test_add_func ("/engine/activation/values", test_elementwise_values);

  return g_test_run ();
}
