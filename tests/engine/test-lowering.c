/* test-lowering.c: the data movement around convolution GEMMs, against definitions
 *
 * im2col and col2im element by element and as adjoints of each other; the Winograd
 * F(2×2, 3×3) transforms as adjoints of their gradients (so a wrong backward transform is
 * named, not only a wrong layer), and which layers take that path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"
#include "nn/ds-im2col.h"
#include "nn/ds-winograd.h"

/* im2col and col2im */

/* c, h, w, kh, kw, stride, pad */
static const guint patch_cases[][7] = {
  { 1, 5, 5, 3, 3, 1, 0 },
  { 2, 6, 7, 3, 3, 1, 1 },
  { 3, 4, 4, 3, 3, 1, 2 },
  { 1, 3, 1, 3, 3, 1, 1 },
  { 1, 2, 2, 3, 3, 1, 2 },
  { 2, 1, 3, 1, 3, 1, 0 },
  { 2, 5, 3, 2, 3, 1, 1 },
  { 2, 7, 6, 5, 5, 1, 2 },
  { 1, 6, 9, 1, 1, 1, 0 },
  { 3, 9, 8, 3, 3, 2, 1 },
  { 2, 10, 7, 4, 2, 3, 2 },
  { 1, 4, 12, 1, 1, 2, 1 },
  { 2, 20, 19, 3, 3, 1, 1 },
};

static void
test_im2col (void)
{
  DsRng rng;

  ds_rng_seed (&rng, 3);
  for (guint t = 0; t < G_N_ELEMENTS (patch_cases); t++)
    for (guint batch = 1; batch <= 3; batch += 2)
      {
        const guint *p = patch_cases[t];
        DsPatchGeometry g = {
          .c = p[0], .h = p[1], .w = p[2], .kh = p[3], .kw = p[4], .stride = p[5], .pad = p[6],
          .oh = (p[1] + 2 * p[6] - p[3]) / p[5] + 1,
          .ow = (p[2] + 2 * p[6] - p[4]) / p[5] + 1,
        };
        gsize n_x = (gsize) batch * g.c * g.h * g.w;
        gsize ncol = (gsize) batch * g.oh * g.ow;
        gsize n_col = (gsize) g.c * g.kh * g.kw * ncol;
        g_autofree float *x = g_new (float, n_x);
        g_autofree float *dx = g_new (float, n_x);
        g_autofree float *dx0 = g_new (float, n_x);
        g_autofree float *col = g_new (float, n_col);
        g_autofree float *ycol = g_new (float, n_col);
        double lhs = 0.0, rhs = 0.0, mag = 0.0;

        for (gsize i = 0; i < n_x; i++)
          {
            x[i] = ds_rng_normal (&rng);
            dx0[i] = ds_rng_normal (&rng);
          }
        for (gsize i = 0; i < n_col; i++)
          ycol[i] = ds_rng_normal (&rng);
        for (gsize i = 0; i < n_col; i++)
          col[i] = NAN;
        ds_im2col (&g, x, batch, col);

        /* every element against its definition */
        for (guint c = 0; c < g.c; c++)
          for (guint ki = 0; ki < g.kh; ki++)
            for (guint kj = 0; kj < g.kw; kj++)
              for (guint b = 0; b < batch; b++)
                for (guint oy = 0; oy < g.oh; oy++)
                  for (guint ox = 0; ox < g.ow; ox++)
                    {
                      int iy = (int) (oy * g.stride + ki) - (int) g.pad;
                      int ix = (int) (ox * g.stride + kj) - (int) g.pad;
                      float want = iy >= 0 && iy < (int) g.h && ix >= 0 && ix < (int) g.w
                                   ? x[(((gsize) b * g.c + c) * g.h + iy) * g.w + ix] : 0.0f;
                      gsize r = ((gsize) c * g.kh + ki) * g.kw + kj;
                      float got = col[r * ncol + ((gsize) b * g.oh + oy) * g.ow + ox];

                      if (got != want)
                        g_error ("im2col case %u batch %u: row %" G_GSIZE_FORMAT " (%u, %u, %u) "
                                 "is %g, expected %g", t, batch, r, b, oy, ox, got, want);
                    }

        /* adjointness: <im2col(x), y> == <x, col2im(y)>, col2im adding to what dx held */
        memcpy (dx, dx0, n_x * sizeof (float));
        ds_col2im_add (&g, ycol, batch, dx);
        for (gsize i = 0; i < n_col; i++)
          {
            lhs += (double) col[i] * ycol[i];
            mag += fabs ((double) col[i] * ycol[i]);
          }
        for (gsize i = 0; i < n_x; i++)
          rhs += (double) x[i] * ((double) dx[i] - dx0[i]);
        if (!(fabs (lhs - rhs) <= 1e-5 * mag + 1e-6))
          g_error ("im2col case %u batch %u: <im2col(x), y> = %.9g but <x, col2im(y)> = %.9g",
                   t, batch, lhs, rhs);
      }
}

/* Winograd */

static void
fill_normal (float *v,
             gsize  n,
             DsRng *rng)
{
  for (gsize i = 0; i < n; i++)
    v[i] = ds_rng_normal (rng);
}

/* <a, b> over the valid entries of a (16, rows, cols) buffer whose positions are @stride apart,
 * and the sum of the magnitudes of its terms. */
static double
dot_positions (const float *a,
               const float *b,
               gsize        rows,
               guint        cols,
               gsize        stride,
               double      *mag)
{
  double sum = 0.0;

  for (guint xi = 0; xi < DS_WINOGRAD_POSITIONS; xi++)
    for (gsize i = 0; i < rows * cols; i++)
      {
        double t = (double) a[xi * stride + i] * b[xi * stride + i];

        sum += t;
        *mag += fabs (t);
      }

  return sum;
}

static double
dot (const float *a,
     const float *b,
     gsize        n,
     double      *mag)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      sum += (double) a[i] * b[i];
      *mag += fabs ((double) a[i] * b[i]);
    }

  return sum;
}

static void
check_adjoint (const char *what,
               guint       t,
               double      lhs,
               double      rhs,
               double      mag)
{
  if (!(fabs (lhs - rhs) <= 1e-5 * mag + 1e-6))
    g_error ("Winograd %s, case %u: <T(x), y> = %.9g but <x, T*(y)> = %.9g", what, t, lhs, rhs);
}

/* <T(x), y> == <x, T*(y)> for the input, output and kernel transforms, on whole and cut
 * tiles, padding up to 2 and two images. */
static void
test_winograd_adjoint (void)
{
  /* c, h, w, pad, filters */
  static const guint cases[][5] = {
    { 16, 6, 6, 0, 16 },
    { 16, 13, 13, 0, 32 },
    { 20, 9, 7, 1, 17 },
    { 16, 5, 8, 2, 16 },
  };
  DsRng rng;

  ds_rng_seed (&rng, 11);
  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      guint c = cases[t][0], f = cases[t][4], batch = 2;
      DsPatchGeometry g = {
        .c = c, .h = cases[t][1], .w = cases[t][2], .kh = 3, .kw = 3, .stride = 1,
        .pad = cases[t][3],
        .oh = cases[t][1] + 2 * cases[t][3] - 2, .ow = cases[t][2] + 2 * cases[t][3] - 2,
      };
      gsize nt = ds_winograd_tiles (&g) * batch;
      gsize vs = ds_winograd_stride (nt, c), ms = ds_winograd_stride (nt, f);
      gsize n_x = (gsize) batch * c * g.h * g.w, n_y = (gsize) batch * f * g.oh * g.ow;
      gsize n_w = (gsize) f * c * 9;
      g_autofree float *x = g_new (float, n_x);
      g_autofree float *dx = g_new0 (float, n_x);
      g_autofree float *v = g_new (float, DS_WINOGRAD_POSITIONS * vs);
      g_autofree float *dv = g_new (float, DS_WINOGRAD_POSITIONS * vs);
      g_autofree float *m = g_new (float, DS_WINOGRAD_POSITIONS * ms);
      g_autofree float *dm = g_new (float, DS_WINOGRAD_POSITIONS * ms);
      g_autofree float *y = g_new (float, n_y);
      g_autofree float *dy = g_new (float, n_y);
      g_autofree float *bias = g_new0 (float, f);
      g_autofree float *dbias = g_new0 (float, f);
      g_autofree float *w = g_new (float, n_w);
      g_autofree float *dw = g_new0 (float, n_w);
      g_autofree float *u = g_new (float, DS_WINOGRAD_POSITIONS * f * c);
      g_autofree float *du = g_new (float, DS_WINOGRAD_POSITIONS * f * c);
      double mag = 0.0, lhs, rhs, sum_dy = 0.0;

      g_assert_true (ds_winograd_suits (&g, f));

      /* inputs: V = Bᵀ d B of every tile, and dx += B dV Bᵀ */
      fill_normal (x, n_x, &rng);
      fill_normal (dv, DS_WINOGRAD_POSITIONS * vs, &rng);
      ds_winograd_inputs (&g, x, batch, v);
      ds_winograd_inputs_grad_add (&g, dv, batch, dx);
      lhs = dot_positions (v, dv, nt, c, vs, &mag);
      rhs = dot (x, dx, n_x, &mag);
      check_adjoint ("inputs", t, lhs, rhs, mag);

      /* outputs: Y = Aᵀ M A (no bias, no ReLU), and dM = A dY Aᵀ; the bias gradient sums dY */
      mag = 0.0;
      fill_normal (m, DS_WINOGRAD_POSITIONS * ms, &rng);
      fill_normal (dy, n_y, &rng);
      ds_winograd_outputs (&g, f, m, bias, FALSE, batch, y);
      ds_winograd_outputs_grad (&g, f, dy, NULL, batch, dm, dbias);
      lhs = dot (y, dy, n_y, &mag);
      rhs = dot_positions (m, dm, nt, f, ms, &mag);
      check_adjoint ("outputs", t, lhs, rhs, mag);
      for (gsize i = 0; i < n_y; i++)
        sum_dy += dy[i];
      for (guint k = 1; k < f; k++)
        dbias[0] += dbias[k];
      g_assert_cmpfloat_with_epsilon (dbias[0], sum_dy, 1e-3);

      /* kernels: U = G g Gᵀ, and dw += Gᵀ dU G */
      mag = 0.0;
      fill_normal (w, n_w, &rng);
      fill_normal (du, DS_WINOGRAD_POSITIONS * f * c, &rng);
      ds_winograd_kernels (w, f, c, u);
      ds_winograd_kernels_grad_add (du, f, c, dw);
      lhs = dot (u, du, DS_WINOGRAD_POSITIONS * f * c, &mag);
      rhs = dot (w, dw, n_w, &mag);
      check_adjoint ("kernels", t, lhs, rhs, mag);
    }
}

/* Which 3×3 convolutions go through Winograd: those of seed-cnn's second layer do; the first
 * (one channel), the third (a 3×3 output, mostly tile waste), strided or 5×5 ones do not. */
static void
test_winograd_choice (void)
{
  static const struct
  {
    guint c, h, w, filters, kernel, stride, pad;
    gboolean winograd;
  } cases[] = {
    { 32, 13, 13, 64, 3, 1, 0, TRUE },
    { 32, 64, 64, 64, 3, 1, 1, TRUE },    /* surface-cnn's second layer */
    { 16, 11, 11, 16, 3, 1, 0, TRUE },    /* 9×9 output: 25 tiles, 100 pixels for 81 */
    { 16, 9, 9, 16, 3, 1, 0, FALSE },     /* 7×7 output: 16 tiles, 64 pixels for 49 */
    { 1, 28, 28, 32, 3, 1, 0, FALSE },
    { 64, 5, 5, 64, 3, 1, 0, FALSE },
    { 15, 13, 13, 64, 3, 1, 0, FALSE },
    { 32, 13, 13, 8, 3, 1, 0, FALSE },
    { 32, 28, 28, 64, 3, 2, 1, FALSE },
    { 32, 28, 28, 64, 5, 1, 2, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint k = cases[i].kernel, s = cases[i].stride, p = cases[i].pad;
      DsPatchGeometry g = {
        .c = cases[i].c, .h = cases[i].h, .w = cases[i].w, .kh = k, .kw = k,
        .stride = s, .pad = p,
        .oh = (cases[i].h + 2 * p - k) / s + 1, .ow = (cases[i].w + 2 * p - k) / s + 1,
      };

      g_assert_cmpint (ds_winograd_suits (&g, cases[i].filters), ==, cases[i].winograd);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/im2col/definition-adjoint", test_im2col);
  g_test_add_func ("/engine/winograd/adjoint", test_winograd_adjoint);
  g_test_add_func ("/engine/winograd/choice", test_winograd_choice);

  return g_test_run ();
}
