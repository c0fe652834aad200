/* test-conv.c: convolutions against direct (nested-loop) references
 *
 * conv2d and conv_transpose2d, forward and backward, on geometries that reach every path of
 * the engine: the three-column stride-1 lowering, the general one, strides, padding wider
 * than the kernel's reach, per-image GEMMs for large planes, batches split into chunks, and
 * Winograd's F(2×2, 3×3) with whole and cut tiles, padding, groups of images and a batch whose
 * transformed input is too large to keep.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"
#include "nn/ds-im2col.h"
#include "nn/ds-winograd.h"

typedef struct
{
  guint batch, cin, h, w;
  guint filters, kernel, stride, pad;
  guint out_pad;   /* conv_transpose2d only */
} ConvCase;

/* Helpers */

static void
fill_nan (DsTensor *t,
          DsShape   shape)
{
  ds_tensor_reshape (t, shape);
  for (gsize i = 0; i < ds_tensor_size (t); i++)
    t->data[i] = NAN;
}

/* A layer with its own parameter, gradient and state buffers, biases made non-zero. */
static DsLayer *
make_layer (const char *spec,
            guint       c,
            guint       h,
            guint       w,
            DsRng      *rng)
{
  g_autoptr(GError) error = NULL;
  DsLayer *layer = ds_layer_new_from_spec (spec, &error);
  DsShape in = DS_SHAPE (1, c, h, w);

  g_assert_no_error (error);
  g_assert_true (ds_layer_infer (layer, &in, &error));
  g_assert_no_error (error);
  layer->params = ds_floats_new0 (layer->n_params);
  layer->grads = ds_floats_new0 (layer->n_params);
  layer->state = ds_floats_new0 (layer->n_state);
  if (layer->klass->init != NULL)
    layer->klass->init (layer, rng);
  for (gsize i = 0; i < layer->n_params; i++)
    layer->params[i] += 0.1f * ds_rng_normal (rng);

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

static DsTensor *
new_random (DsShape  shape,
            DsRng   *rng)
{
  DsTensor *t = ds_tensor_new (shape);

  for (gsize i = 0; i < ds_tensor_size (t); i++)
    t->data[i] = ds_rng_normal (rng);

  return t;
}

/* |got - want| <= rtol * mag + 1e-6, where mag is the sum of the magnitudes of the terms that
 * make up want: float rounding scales with it, cancellation cannot shrink it. */
static gboolean
check_array (const char   *what,
             const char   *where,
             const float  *got,
             const double *want,
             const double *mag,
             gsize         n,
             double        rtol)
{
  for (gsize i = 0; i < n; i++)
    {
      double tol = rtol * mag[i] + 1e-6;

      if (!(fabs (got[i] - want[i]) <= tol))
        {
          g_test_fail_printf ("%s, %s[%" G_GSIZE_FORMAT "]: %.9g, expected %.9g (tolerance %.3g)",
                              where, what, i, got[i], want[i], tol);
          return FALSE;
        }
    }

  return TRUE;
}

/* The output height or width for an input of @in. */
static guint
case_out (const ConvCase *cc,
          gboolean        transpose,
          guint           in)
{
  if (transpose)
    return (in - 1) * cc->stride - 2 * cc->pad + cc->kernel + cc->out_pad;
  return (in + 2 * cc->pad - cc->kernel) / cc->stride + 1;
}

static char *
case_spec (const ConvCase *cc,
           gboolean        transpose,
           gboolean        relu)
{
  if (transpose)
    return g_strdup_printf ("conv_transpose2d filters=%u kernel=%u stride=%u padding=%u "
                            "output_padding=%u", cc->filters, cc->kernel, cc->stride,
                            cc->pad, cc->out_pad);
  return g_strdup_printf ("conv2d filters=%u kernel=%u stride=%u padding=%u activation=%s",
                          cc->filters, cc->kernel, cc->stride, cc->pad, relu ? "relu" : "none");
}

/* Direct conv2d and conv_transpose2d in gather form, one element at a time. Weights are
 * (F, C, K, K) for conv2d, (C, F, K, K) for conv_transpose2d, then F biases; *mag receives the
 * sum of the magnitudes of the terms. */

/* One output: the bias plus every input that reaches it through the kernel. */
static double
out_at (const ConvCase *cc,
        gboolean        transpose,
        gboolean        relu,
        const float    *x,        /* (B, C, H, W) */
        const float    *params,
        gsize           o,        /* into (B, F, OH, OW) */
        double         *mag)
{
  guint k = cc->kernel, s = cc->stride;
  guint oh = case_out (cc, transpose, cc->h), ow = case_out (cc, transpose, cc->w);
  guint ox = o % ow, oy = (o / ow) % oh, f = (o / ow / oh) % cc->filters;
  guint b = o / ((gsize) ow * oh * cc->filters);
  double sum = params[(gsize) cc->filters * cc->cin * k * k + f];

  *mag = fabs (sum);
  for (guint c = 0; c < cc->cin; c++)
    for (guint ki = 0; ki < k; ki++)
      for (guint kj = 0; kj < k; kj++)
        {
          int iy, ix;
          gsize wi;
          double t;

          if (transpose)
            {
              /* input (iy, ix) lands on (iy * s + ki - pad, ix * s + kj - pad) */
              int ny = (int) (oy + cc->pad) - (int) ki, nx = (int) (ox + cc->pad) - (int) kj;

              if (ny < 0 || nx < 0 || ny % (int) s != 0 || nx % (int) s != 0)
                continue;
              iy = ny / (int) s;
              ix = nx / (int) s;
              wi = ((c * cc->filters + f) * k + ki) * k + kj;
            }
          else
            {
              iy = (int) (oy * s + ki) - (int) cc->pad;
              ix = (int) (ox * s + kj) - (int) cc->pad;
              wi = ((f * cc->cin + c) * k + ki) * k + kj;
            }
          if (iy < 0 || iy >= (int) cc->h || ix < 0 || ix >= (int) cc->w)
            continue;
          t = (double) params[wi] * x[(((gsize) b * cc->cin + c) * cc->h + iy) * cc->w + ix];
          sum += t;
          *mag += fabs (t);
        }

  return relu ? MAX (sum, 0.0) : sum;
}

/* One element of the input gradient: the gradients of the outputs it reached, back through
 * the weights; through the fused ReLU where the layer's output @y is positive. */
static double
dinp_at (const ConvCase *cc,
         gboolean        transpose,
         gboolean        relu,
         const float    *params,
         const float    *y,       /* (B, F, OH, OW) */
         const float    *dy,
         gsize           i,       /* into (B, C, H, W) */
         double         *mag)
{
  guint k = cc->kernel, s = cc->stride;
  guint oh = case_out (cc, transpose, cc->h), ow = case_out (cc, transpose, cc->w);
  guint ix = i % cc->w, iy = (i / cc->w) % cc->h, c = (i / cc->w / cc->h) % cc->cin;
  guint b = i / ((gsize) cc->w * cc->h * cc->cin);
  double sum = 0.0;

  *mag = 0.0;
  for (guint f = 0; f < cc->filters; f++)
    for (guint ki = 0; ki < k; ki++)
      for (guint kj = 0; kj < k; kj++)
        {
          int oy, ox;
          gsize wi, o;
          double t;

          if (transpose)
            {
              oy = (int) (iy * s + ki) - (int) cc->pad;
              ox = (int) (ix * s + kj) - (int) cc->pad;
              wi = ((c * cc->filters + f) * k + ki) * k + kj;
            }
          else
            {
              int ny = (int) (iy + cc->pad) - (int) ki, nx = (int) (ix + cc->pad) - (int) kj;

              if (ny < 0 || nx < 0 || ny % (int) s != 0 || nx % (int) s != 0)
                continue;
              oy = ny / (int) s;
              ox = nx / (int) s;
              wi = ((f * cc->cin + c) * k + ki) * k + kj;
            }
          if (oy < 0 || oy >= (int) oh || ox < 0 || ox >= (int) ow)
            continue;
          o = (((gsize) b * cc->filters + f) * oh + oy) * ow + ox;
          if (relu && y[o] <= 0.0f)
            continue;
          t = (double) params[wi] * dy[o];
          sum += t;
          *mag += fabs (t);
        }

  return sum;
}

/* Direct conv_transpose2d as a scatter: weights (C_in, F, K, K), then F biases. */

static void
ref_convt (const ConvCase *cc,
           const float    *x,
           const float    *params,
           double         *y,
           double         *ymag)
{
  guint k = cc->kernel, oh = case_out (cc, TRUE, cc->h), ow = case_out (cc, TRUE, cc->w);
  const float *bias = params + (gsize) cc->cin * cc->filters * k * k;
  gsize plane = (gsize) oh * ow;

  for (guint b = 0; b < cc->batch; b++)
    for (guint f = 0; f < cc->filters; f++)
      for (gsize i = 0; i < plane; i++)
        {
          y[((gsize) b * cc->filters + f) * plane + i] = bias[f];
          ymag[((gsize) b * cc->filters + f) * plane + i] = fabs (bias[f]);
        }
  for (guint b = 0; b < cc->batch; b++)
    for (guint c = 0; c < cc->cin; c++)
      for (guint iy = 0; iy < cc->h; iy++)
        for (guint ix = 0; ix < cc->w; ix++)
          for (guint f = 0; f < cc->filters; f++)
            for (guint ki = 0; ki < k; ki++)
              for (guint kj = 0; kj < k; kj++)
                {
                  int oy = (int) (iy * cc->stride + ki) - (int) cc->pad;
                  int ox = (int) (ix * cc->stride + kj) - (int) cc->pad;
                  gsize o;
                  double t;

                  if (oy < 0 || oy >= (int) oh || ox < 0 || ox >= (int) ow)
                    continue;
                  o = ((gsize) b * cc->filters + f) * plane + (gsize) oy * ow + ox;
                  t = (double) x[(((gsize) b * cc->cin + c) * cc->h + iy) * cc->w + ix]
                      * params[((c * cc->filters + f) * k + ki) * k + kj];
                  y[o] += t;
                  ymag[o] += fabs (t);
                }
}

/* Both backward passes as one scatter over every (input, weight, output) triple of the
 * product; through the fused ReLU where the layer's output @y is positive. */
static void
ref_backward (const ConvCase *cc,
              gboolean        transpose,
              gboolean        relu,
              const float    *x,       /* (B, C, H, W) */
              const float    *params,
              const float    *y,       /* (B, F, OH, OW) */
              const float    *dy,
              double         *dx,      /* (B, C, H, W) */
              double         *dxmag,
              double         *dp,      /* (n_params) */
              double         *dpmag)
{
  guint k = cc->kernel, s = cc->stride;
  guint oh = case_out (cc, transpose, cc->h), ow = case_out (cc, transpose, cc->w);
  /* conv2d visits its output grid, conv_transpose2d its input grid */
  guint gh = transpose ? cc->h : oh, gw = transpose ? cc->w : ow;
  gsize n_w = (gsize) cc->filters * cc->cin * k * k, plane = (gsize) oh * ow;
  gsize n_x = (gsize) cc->batch * cc->cin * cc->h * cc->w;

  memset (dx, 0, sizeof (double) * n_x);
  memset (dxmag, 0, sizeof (double) * n_x);
  memset (dp, 0, sizeof (double) * (n_w + cc->filters));
  memset (dpmag, 0, sizeof (double) * (n_w + cc->filters));
  for (guint b = 0; b < cc->batch; b++)
    for (guint f = 0; f < cc->filters; f++)
      {
        for (gsize i = 0; i < plane; i++)
          {
            gsize o = ((gsize) b * cc->filters + f) * plane + i;
            double g = relu && y[o] <= 0.0f ? 0.0 : dy[o];

            dp[n_w + f] += g;
            dpmag[n_w + f] += fabs (g);
          }
        for (guint c = 0; c < cc->cin; c++)
          for (guint ki = 0; ki < k; ki++)
            for (guint kj = 0; kj < k; kj++)
              for (guint py = 0; py < gh; py++)
                for (guint px = 0; px < gw; px++)
                  {
                    /* the grid point is the low-resolution end of the tap */
                    int ly = (int) (py * s + ki) - (int) cc->pad;
                    int lx = (int) (px * s + kj) - (int) cc->pad;
                    int iy = transpose ? (int) py : ly, ix = transpose ? (int) px : lx;
                    int oy = transpose ? ly : (int) py, ox = transpose ? lx : (int) px;
                    gsize wi = transpose ? ((c * cc->filters + f) * k + ki) * k + kj
                                         : ((f * cc->cin + c) * k + ki) * k + kj;
                    gsize xi, o;
                    double g;

                    if (iy < 0 || iy >= (int) cc->h || ix < 0 || ix >= (int) cc->w ||
                        oy < 0 || oy >= (int) oh || ox < 0 || ox >= (int) ow)
                      continue;
                    xi = (((gsize) b * cc->cin + c) * cc->h + iy) * cc->w + ix;
                    o = ((gsize) b * cc->filters + f) * plane + (gsize) oy * ow + ox;
                    g = relu && y[o] <= 0.0f ? 0.0 : dy[o];
                    dx[xi] += g * params[wi];
                    dxmag[xi] += fabs (g * params[wi]);
                    dp[wi] += g * x[xi];
                    dpmag[wi] += fabs (g * x[xi]);
                  }
      }
}

/* Runs one layer case against the references: forward in evaluation and in training, then
 * backward into NaN-filled dinp and zeroed gradients. */
static void
check_case (const ConvCase *cc,
            gboolean        transpose,
            gboolean        relu,
            guint64         seed)
{
  g_autofree char *spec = NULL;
  g_autofree char *where = NULL;
  g_autoptr(DsTensor) x = NULL;
  g_autoptr(DsTensor) out = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) dout = NULL;
  g_autoptr(DsTensor) dinp = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autofree double *y = NULL;
  g_autofree double *ymag = NULL;
  g_autofree double *dx = NULL;
  g_autofree double *dxmag = NULL;
  g_autofree double *dp = NULL;
  g_autofree double *dpmag = NULL;
  DsLayer *layer;
  DsShape want;
  gsize n_out, n_in;
  DsRng rng;

  ds_rng_seed (&rng, seed);
  spec = case_spec (cc, transpose, relu);
  want = DS_SHAPE (cc->batch, cc->filters, case_out (cc, transpose, cc->h),
                   case_out (cc, transpose, cc->w));
  where = g_strdup_printf ("“%s” on (%u, %u, %u, %u)", spec, cc->batch, cc->cin, cc->h, cc->w);
  layer = make_layer (spec, cc->cin, cc->h, cc->w, &rng);
  g_assert_cmpuint (layer->out_shape.c, ==, want.c);
  g_assert_cmpuint (layer->out_shape.h, ==, want.h);
  g_assert_cmpuint (layer->out_shape.w, ==, want.w);
  g_assert_cmpuint (layer->n_params, ==,
                    (gsize) cc->filters * cc->cin * cc->kernel * cc->kernel + cc->filters);

  x = new_random (DS_SHAPE (cc->batch, cc->cin, cc->h, cc->w), &rng);
  n_in = ds_tensor_size (x);
  n_out = ds_shape_size (&want);
  y = g_new (double, n_out);
  ymag = g_new (double, n_out);
  dx = g_new (double, n_in);
  dxmag = g_new (double, n_in);
  dp = g_new (double, layer->n_params);
  dpmag = g_new (double, layer->n_params);
  if (transpose)
    ref_convt (cc, x->data, layer->params, y, ymag);
  else
    for (gsize o = 0; o < n_out; o++)
      y[o] = out_at (cc, FALSE, relu, x->data, layer->params, o, &ymag[o]);

  for (guint training = 0; training < 2; training++)
    {
      fill_nan (out, want);
      layer->klass->forward (layer, x, out, training, &rng);
      g_assert_true (ds_shape_equal (&out->shape, &want));
      if (!check_array (training ? "out (training)" : "out", where, out->data, y, ymag, n_out,
                        1e-5))
        goto done;
    }

  dout = new_random (want, &rng);
  fill_nan (dinp, x->shape);
  layer->klass->backward (layer, x, out, dout, dinp);
  g_assert_true (ds_shape_equal (&dinp->shape, &x->shape));
  ref_backward (cc, transpose, relu, x->data, layer->params, out->data, dout->data,
                dx, dxmag, dp, dpmag);
  if (!check_array ("dinp", where, dinp->data, dx, dxmag, n_in, 1e-5) ||
      !check_array ("grads", where, layer->grads, dp, dpmag, layer->n_params, 1e-5))
    goto done;

  /* and after an evaluation forward, which keeps no patches for backward */
  memset (layer->grads, 0, layer->n_params * sizeof (float));
  layer->klass->forward (layer, x, out, FALSE, &rng);
  layer->klass->backward (layer, x, out, dout, dinp);
  if (check_array ("dinp after evaluation", where, dinp->data, dx, dxmag, n_in, 1e-5))
    check_array ("grads after evaluation", where, layer->grads, dp, dpmag, layer->n_params, 1e-5);

done:
  destroy_layer (layer);
}

/* batch, C_in, H, W, filters, kernel, stride, padding (output_padding unused) */
static const ConvCase conv2d_cases[] = {
  { 1, 1, 5, 5, 1, 1, 1, 0, 0 },
  { 2, 3, 7, 9, 4, 3, 1, 1, 0 },      /* three-column lowering */
  { 3, 3, 8, 6, 8, 3, 2, 1, 0 },
  { 5, 1, 9, 7, 2, 5, 1, 2, 0 },
  { 1, 3, 20, 24, 4, 3, 1, 1, 0 },    /* OH*OW >= 256: a GEMM per image */
  { 2, 3, 21, 18, 3, 3, 1, 0, 0 },
  { 2, 3, 17, 17, 7, 3, 1, 2, 0 },
  { 2, 1, 3, 2, 2, 3, 1, 2, 0 },      /* padding wider than the image */
  { 3, 1, 1, 1, 3, 3, 1, 1, 0 },
  { 1, 3, 1, 6, 5, 1, 1, 0, 0 },
  { 4, 3, 11, 13, 6, 5, 2, 2, 0 },
  { 3, 1, 6, 10, 1, 3, 2, 0, 0 },
  { 1, 3, 4, 4, 8, 5, 1, 2, 0 },
  { 2, 1, 12, 5, 3, 1, 2, 1, 0 },     /* kernel 1 with padding: zero borders */
  { 2, 3, 10, 7, 2, 2, 3, 1, 0 },     /* stride larger than the kernel */
  { 2, 3, 40, 36, 3, 3, 2, 1, 0 },    /* per image, strided */
  { 1, 2, 20, 20, 2, 5, 1, 2, 0 },    /* per image, 5×5 */
  { 2, 2, 16, 17, 3, 1, 1, 0, 0 },    /* per image, 1×1 */
  { 3, 1, 28, 28, 8, 3, 1, 0, 0 },    /* seed-cnn's first layer on Fashion-MNIST */
  /* Winograd F(2×2, 3×3): 16 channels and filters or more, 3×3, stride 1 */
  { 2, 32, 13, 13, 64, 3, 1, 0, 0 },  /* seed-cnn's second layer: 11×11, odd, tiles cut */
  { 3, 16, 10, 12, 16, 3, 1, 0, 0 },  /* even output, no tile cut */
  { 2, 16, 9, 7, 24, 3, 1, 1, 0 },    /* padding: the tiles read zeros on every side */
  { 1, 20, 12, 17, 17, 3, 1, 2, 0 },  /* padding wider than the kernel's reach, odd counts */
  { 3, 16, 40, 38, 16, 3, 1, 1, 0 },  /* an image a group: three groups, V of all kept */
};

/* batch, C_in, H, W, filters, kernel, stride, padding, output_padding */
static const ConvCase convt_cases[] = {
  { 1, 1, 3, 3, 1, 4, 2, 1, 0 },
  { 2, 3, 4, 5, 2, 3, 2, 1, 1 },
  { 3, 3, 5, 3, 4, 3, 1, 1, 0 },      /* stride 1, three columns */
  { 2, 1, 6, 4, 8, 5, 3, 2, 2 },
  { 4, 3, 2, 3, 3, 2, 2, 0, 0 },
  { 1, 3, 7, 6, 5, 1, 1, 0, 0 },
  { 2, 2, 9, 8, 3, 4, 2, 1, 0 },
  { 1, 3, 10, 12, 2, 3, 1, 0, 0 },
  { 2, 3, 4, 4, 2, 3, 3, 0, 2 },
  { 5, 1, 1, 1, 2, 3, 2, 1, 1 },
};

static void
test_conv2d_forward_backward (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (conv2d_cases); i++)
    {
      check_case (&conv2d_cases[i], FALSE, FALSE, 10 + i);
      check_case (&conv2d_cases[i], FALSE, TRUE, 50 + i);
    }
}

static void
test_convt_forward_backward (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (convt_cases); i++)
    check_case (&convt_cases[i], TRUE, FALSE, 100 + i);
}

/* Output shapes from the formulas, and the shapes that cannot work. */
static void
test_shapes (void)
{
  static const struct
  {
    const char *spec;
    guint c, h, w;
    guint oc, oh, ow;   /* oc 0: inference fails */
  } cases[] = {
    { "conv2d filters=4 kernel=3 stride=2 padding=1", 3, 28, 27, 4, 14, 14 },
    { "conv2d filters=2 kernel=5", 1, 5, 9, 2, 1, 5 },
    { "conv2d filters=1 kernel=1 padding=2", 2, 1, 1, 1, 5, 5 },
    { "conv_transpose2d filters=3 kernel=4 stride=2 padding=1", 8, 7, 5, 3, 14, 10 },
    { "conv_transpose2d filters=1 kernel=3 stride=2 padding=1 output_padding=1",
      2, 7, 4, 1, 14, 8 },
    { "conv_transpose2d filters=2 kernel=3 stride=1 padding=1", 1, 6, 3, 2, 6, 3 },
    { "conv2d filters=2 kernel=5 padding=1", 1, 2, 8, 0, 0, 0 },
    /* (1 - 1) * 1 - 2 + 1 = -1 */
    { "conv_transpose2d filters=2 kernel=1 stride=1 padding=1", 1, 1, 1, 0, 0, 0 },
  };
  g_autoptr(GError) error = NULL;
  DsShape in;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DsLayer) layer = ds_layer_new_from_spec (cases[i].spec, &error);

      g_assert_no_error (error);
      in = DS_SHAPE (1, cases[i].c, cases[i].h, cases[i].w);
      if (cases[i].oc == 0)
        {
          g_assert_false (ds_layer_infer (layer, &in, &error));
          g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
          g_clear_error (&error);
          continue;
        }
      g_assert_true (ds_layer_infer (layer, &in, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (layer->out_shape.n, ==, 1);
      g_assert_cmpuint (layer->out_shape.c, ==, cases[i].oc);
      g_assert_cmpuint (layer->out_shape.h, ==, cases[i].oh);
      g_assert_cmpuint (layer->out_shape.w, ==, cases[i].ow);
    }

  g_assert_null (ds_layer_new_from_spec ("conv_transpose2d filters=2 stride=2 output_padding=2",
                                         &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (ds_layer_new_from_spec ("conv2d filters=0", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

/* Large images: batches lowered a chunk at a time */

static const float *
image (const DsTensor *t,
       guint           b)
{
  return t->data + b * ds_shape_sample_size (&t->shape);
}

/* The layer run on a batch gives the outputs, input gradient and summed parameter gradients of
 * the same layer run on each image alone. */
/* The largest Euclidean norm of one channel of @t over all its images and positions. */
static double
max_channel_norm (const DsTensor *t)
{
  gsize plane = (gsize) t->shape.h * t->shape.w;
  double best = 0.0;

  for (guint c = 0; c < t->shape.c; c++)
    {
      double sum = 0.0;

      for (guint b = 0; b < t->shape.n; b++)
        for (gsize i = 0; i < plane; i++)
          {
            double v = t->data[((gsize) b * t->shape.c + c) * plane + i];

            sum += v * v;
          }
      best = MAX (best, sqrt (sum));
    }

  return best;
}

static void
check_against_single_images (const char     *spec,
                             DsLayer        *layer,
                             const DsTensor *x,
                             const DsTensor *out,
                             const DsTensor *dout,
                             const DsTensor *dinp,
                             DsRng          *rng)
{
  DsLayer *one = make_layer (spec, x->shape.c, x->shape.h, x->shape.w, rng);
  g_autoptr(DsTensor) xb = ds_tensor_new (DS_SHAPE (1, x->shape.c, x->shape.h, x->shape.w));
  g_autoptr(DsTensor) dyb = ds_tensor_new (DS_SHAPE (1, out->shape.c, out->shape.h,
                                                     out->shape.w));
  g_autoptr(DsTensor) yb = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) dxb = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  gsize in_size = ds_shape_sample_size (&x->shape);
  gsize out_size = ds_shape_sample_size (&out->shape);
  double mag;

  memcpy (one->params, layer->params, layer->n_params * sizeof (float));
  for (guint b = 0; b < x->shape.n; b++)
    {
      memcpy (xb->data, image (x, b), in_size * sizeof (float));
      memcpy (dyb->data, image (dout, b), out_size * sizeof (float));
      one->klass->forward (one, xb, yb, TRUE, rng);
      one->klass->backward (one, xb, yb, dyb, dxb);
      for (gsize i = 0; i < out_size; i++)
        if (!(fabsf (yb->data[i] - image (out, b)[i]) <= 1e-5f * (1.0f + fabsf (yb->data[i]))))
          g_error ("%s: image %u output %" G_GSIZE_FORMAT " is %.9g alone, %.9g in the batch",
                   spec, b, i, yb->data[i], image (out, b)[i]);
      for (gsize i = 0; i < in_size; i++)
        if (!(fabsf (dxb->data[i] - image (dinp, b)[i]) <= 1e-5f * (1.0f + fabsf (dxb->data[i]))))
          g_error ("%s: image %u dinp %" G_GSIZE_FORMAT " is %.9g alone, %.9g in the batch",
                   spec, b, i, dxb->data[i], image (dinp, b)[i]);
    }
  /* Sums of a few hundred thousand terms x·dy in different orders (Winograd also groups them
   * differently): their rounding scales with the sum of the terms' magnitudes, which
   * Cauchy–Schwarz bounds by the largest norm of an input channel times that of an output
   * gradient channel. A wrong image or position would be off by a good part of the bound. */
  mag = max_channel_norm (x) * max_channel_norm (dout);
  for (gsize i = 0; i < layer->n_params; i++)
    if (!(fabs (one->grads[i] - layer->grads[i]) <= 1e-4 * (1.0 + fabs (one->grads[i])) + 1e-7 * mag))
      g_error ("%s: grads[%" G_GSIZE_FORMAT "] is %.9g summed over images, %.9g from the batch",
               spec, i, one->grads[i], layer->grads[i]);
  destroy_layer (one);
}

static gsize
sample_index (guint  s,
              gsize  n,
              DsRng *rng)
{
  /* the first and last elements, then random ones */
  return s == 0 ? 0 : s == 1 ? n - 1 : (gsize) ds_rng_below (rng, (guint32) n);
}

/* A batch too large for one chunk of patches: sampled outputs and input gradients against
 * the direct sums, then everything against the images run one by one. */
static void
check_large (const ConvCase *cc,
             gboolean        transpose,
             gboolean        relu,
             guint64         seed)
{
  g_autofree char *spec = NULL;
  g_autoptr(DsTensor) x = NULL;
  g_autoptr(DsTensor) out = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) dout = NULL;
  g_autoptr(DsTensor) dinp = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  guint kk = cc->kernel * cc->kernel;
  gsize per_image = transpose ? (gsize) cc->filters * kk * cc->h * cc->w
                              : (gsize) cc->cin * kk * case_out (cc, FALSE, cc->h)
                                * case_out (cc, FALSE, cc->w);
  DsLayer *layer;
  DsRng rng;

  spec = case_spec (cc, transpose, relu);
  g_assert_cmpuint (ds_im2col_chunk (per_image, cc->batch), <, cc->batch);
  ds_rng_seed (&rng, seed);
  layer = make_layer (spec, cc->cin, cc->h, cc->w, &rng);
  x = new_random (DS_SHAPE (cc->batch, cc->cin, cc->h, cc->w), &rng);
  layer->klass->forward (layer, x, out, TRUE, &rng);
  g_assert_cmpuint (out->shape.n, ==, cc->batch);
  g_assert_true (ds_shape_sample_size (&out->shape) ==
                 ds_shape_sample_size (&layer->out_shape));
  dout = new_random (out->shape, &rng);
  layer->klass->backward (layer, x, out, dout, dinp);

  for (guint s = 0; s < 400; s++)
    {
      gsize o = sample_index (s, ds_tensor_size (out), &rng);
      gsize i = sample_index (s, ds_tensor_size (x), &rng);
      double mag, want;

      want = out_at (cc, transpose, relu, x->data, layer->params, o, &mag);
      if (!(fabs (out->data[o] - want) <= 1e-5 * mag + 1e-6))
        g_error ("%s: out[%" G_GSIZE_FORMAT "] is %.9g, the direct sum %.9g",
                 spec, o, out->data[o], want);
      want = dinp_at (cc, transpose, relu, layer->params, out->data, dout->data, i, &mag);
      if (!(fabs (dinp->data[i] - want) <= 1e-5 * mag + 1e-6))
        g_error ("%s: dinp[%" G_GSIZE_FORMAT "] is %.9g, the direct sum %.9g",
                 spec, i, dinp->data[i], want);
    }

  check_against_single_images (spec, layer, x, out, dout, dinp, &rng);
  destroy_layer (layer);
}

/* 3 images of 8×300×290 with a 3×3 kernel lower to 6.3 Mi floats each: two chunks, through
 * the three-column lowering, with the ReLU. */
static void
test_conv2d_large (void)
{
  const ConvCase cc = { 3, 8, 300, 290, 16, 3, 1, 1, 0 };

  check_large (&cc, FALSE, TRUE, 300);
}

/* 3 images of 32×300×290 into 16 filters by Winograd: V of one image is 11 Mi floats, so
 * V of the batch is not kept for backward (made again, a group of one image at a time),
 * with padding and the ReLU. */
static void
test_conv2d_large_winograd (void)
{
  const ConvCase cc = { 3, 32, 300, 290, 16, 3, 1, 1, 0 };
  DsPatchGeometry g = {
    .c = cc.cin, .h = cc.h, .w = cc.w, .kh = 3, .kw = 3, .stride = 1, .pad = 1,
    .oh = cc.h, .ow = cc.w,
  };

  g_assert_true (ds_winograd_suits (&g, cc.filters));
  g_assert_cmpuint (ds_winograd_group (&g, cc.filters, cc.batch), ==, 1);
  g_assert_cmpuint (ds_im2col_chunk (16 * cc.cin * ds_winograd_tiles (&g), cc.batch), <, cc.batch);
  check_large (&cc, FALSE, TRUE, 303);
}

/* 3 images of 3×300×300 (1×3×300×300 three times) with a 5×5 kernel: 6.75 Mi floats each,
 * two chunks, through the general lowering. */
static void
test_conv2d_large_k5 (void)
{
  const ConvCase cc = { 3, 3, 300, 300, 16, 5, 1, 2, 0 };

  check_large (&cc, FALSE, FALSE, 301);
}

/* 6 images of 2×160×150 into 8 channels with a 4×4 kernel: 3.1 Mi floats each, two chunks. */
static void
test_convt_large (void)
{
  const ConvCase cc = { 6, 2, 160, 150, 8, 4, 2, 1, 0 };

  check_large (&cc, TRUE, FALSE, 302);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/conv2d/direct", test_conv2d_forward_backward);
  g_test_add_func ("/engine/conv2d/large-chunked", test_conv2d_large);
  g_test_add_func ("/engine/conv2d/large-chunked-k5", test_conv2d_large_k5);
  g_test_add_func ("/engine/conv2d/large-chunked-winograd", test_conv2d_large_winograd);
  g_test_add_func ("/engine/conv_transpose2d/direct", test_convt_forward_backward);
  g_test_add_func ("/engine/conv_transpose2d/large-chunked", test_convt_large);
  g_test_add_func ("/engine/conv/shapes", test_shapes);

  return g_test_run ();
}
