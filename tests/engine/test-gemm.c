/* test-gemm.c: ds_gemm() against the naive reference, and the reference against hand values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"

/* Inner dimensions around OpenBLAS's blocking: 1, odd, a full register tile, one past it. */
static const guint sizes[] = { 1, 7, 33, 64, 129 };

/* The values outside a submatrix of C; ds_gemm() must leave them alone. */
#define SENTINEL 12345.0f

typedef struct
{
  float alpha, beta;
} Scale;

static const Scale scales[] = {
  { 1.0f, 0.0f },
  { 0.5f, 1.0f },
  { -1.25f, 0.75f },
  { 2.0f, -0.5f },
  { 0.0f, 0.5f },   /* BLAS: A and B do not contribute, C is only scaled */
};

/* A (rows, cols) submatrix with leading dimension ld = cols + extra, starting one row and two
 * columns into a larger buffer that is filled around it. */
typedef struct
{
  float *buf;
  gsize  buf_len;
  float *m;
  guint  rows, cols, ld;
} Sub;

static void
sub_init (Sub   *s,
          guint  rows,
          guint  cols,
          guint  extra)
{
  s->rows = rows;
  s->cols = cols;
  s->ld = cols + extra + 2;
  s->buf_len = (gsize) (rows + 2) * s->ld;
  s->buf = g_new (float, s->buf_len);
  s->m = s->buf + s->ld + 2;
}

static void
sub_clear (Sub *s)
{
  g_clear_pointer (&s->buf, g_free);
}

static gboolean
sub_inside (const Sub *s,
            gsize      i)
{
  gssize off = (gssize) i - (s->m - s->buf);
  gssize r, c;

  if (off < 0)
    return FALSE;
  r = off / s->ld;
  c = off % s->ld;

  return r < (gssize) s->rows && c < (gssize) s->cols;
}

/* Random values inside, @outside elsewhere (random too when @outside is NAN). */
static void
sub_fill (Sub   *s,
          float  outside,
          DsRng *rng)
{
  for (gsize i = 0; i < s->buf_len; i++)
    {
      float r = 2.0f * ds_rng_uniform (rng) - 1.0f;

      s->buf[i] = sub_inside (s, i) || isnan (outside) ? r : outside;
    }
}

static void
abs_floats (float *x,
            gsize  n)
{
  for (gsize i = 0; i < n; i++)
    x[i] = fabsf (x[i]);
}

/* Runs one product both ways; the allowed error of each element is 1e-4 of the sum of the
 * magnitudes of its terms, |alpha| |A| |B| + |beta| |C|, computed by the reference itself on the
 * absolute values (so cancellation cannot make the bound vanish). */
static void
check_one (gboolean trans_a,
           gboolean trans_b,
           guint    m,
           guint    n,
           guint    k,
           Scale    sc,
           gboolean nan_c,
           DsRng   *rng)
{
  Sub a, b, c, c_ref, c_bound, a_abs, b_abs;
  guint ar = trans_a ? k : m, ac = trans_a ? m : k;
  guint br = trans_b ? n : k, bc = trans_b ? k : n;

  sub_init (&a, ar, ac, m % 3);
  sub_init (&b, br, bc, 1 + n % 2);
  sub_init (&c, m, n, 3);
  sub_init (&c_ref, m, n, 3);
  sub_init (&c_bound, m, n, 3);
  sub_init (&a_abs, ar, ac, m % 3);
  sub_init (&b_abs, br, bc, 1 + n % 2);
  sub_fill (&a, NAN, rng);
  sub_fill (&b, NAN, rng);
  sub_fill (&c, SENTINEL, rng);
  if (nan_c)
    for (guint i = 0; i < m; i++)
      for (guint j = 0; j < n; j++)
        c.m[(gsize) i * c.ld + j] = NAN;
  memcpy (c_ref.buf, c.buf, c.buf_len * sizeof (float));
  memcpy (c_bound.buf, c.buf, c.buf_len * sizeof (float));
  memcpy (a_abs.buf, a.buf, a.buf_len * sizeof (float));
  memcpy (b_abs.buf, b.buf, b.buf_len * sizeof (float));
  abs_floats (a_abs.buf, a_abs.buf_len);
  abs_floats (b_abs.buf, b_abs.buf_len);
  if (!nan_c)
    abs_floats (c_bound.buf, c_bound.buf_len);

  ds_gemm (trans_a, trans_b, m, n, k, sc.alpha, a.m, a.ld, b.m, b.ld, sc.beta, c.m, c.ld);
  ds_gemm_reference (trans_a, trans_b, m, n, k, sc.alpha, a.m, a.ld, b.m, b.ld,
                     sc.beta, c_ref.m, c_ref.ld);
  ds_gemm_reference (trans_a, trans_b, m, n, k, fabsf (sc.alpha), a_abs.m, a_abs.ld,
                     b_abs.m, b_abs.ld, fabsf (sc.beta), c_bound.m, c_bound.ld);

  for (gsize i = 0; i < c.buf_len; i++)
    {
      if (!sub_inside (&c, i))
        {
          if (c.buf[i] != SENTINEL || c_ref.buf[i] != SENTINEL)
            g_error ("gemm %c%c m=%u n=%u k=%u: wrote outside C at %" G_GSIZE_FORMAT,
                     trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, i);
          continue;
        }
      if (!isfinite (c.buf[i]) || !isfinite (c_ref.buf[i]) ||
          fabsf (c.buf[i] - c_ref.buf[i]) > 1e-4f * c_bound.buf[i] + 1e-30f)
        g_error ("gemm %c%c m=%u n=%u k=%u alpha=%g beta=%g%s: C[%" G_GSIZE_FORMAT "] = %.9g, "
                 "reference %.9g (bound %.3g)",
                 trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, sc.alpha, sc.beta,
                 nan_c ? " (C was NaN)" : "", i, c.buf[i], c_ref.buf[i], 1e-4f * c_bound.buf[i]);
    }

  sub_clear (&a);
  sub_clear (&b);
  sub_clear (&c);
  sub_clear (&c_ref);
  sub_clear (&c_bound);
  sub_clear (&a_abs);
  sub_clear (&b_abs);
}

/* The reference is what everything else is held against, so it is held against hand values:
 * A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12], A·B = [58 64; 139 154]. */
static void
test_reference_hand (void)
{
  static const float a[] = { 1, 2, 3, 4, 5, 6 };         /* (2, 3) */
  static const float at[] = { 1, 4, 2, 5, 3, 6 };        /* (3, 2) = A^T */
  static const float b[] = { 7, 8, 9, 10, 11, 12 };      /* (3, 2) */
  static const float bt[] = { 7, 9, 11, 8, 10, 12 };     /* (2, 3) = B^T */
  static const float ab[] = { 58, 64, 139, 154 };
  const float *as[2] = { a, at }, *bs[2] = { b, bt };
  const guint ldas[2] = { 3, 2 }, ldbs[2] = { 2, 3 };

  for (guint ta = 0; ta < 2; ta++)
    for (guint tb = 0; tb < 2; tb++)
      {
        float c[4] = { 1, -1, 2, 0.5f };
        float nan_c[4] = { NAN, NAN, NAN, NAN };

        /* C = 2 A·B - 3 C */
        ds_gemm_reference (ta, tb, 2, 2, 3, 2.0f, as[ta], ldas[ta], bs[tb], ldbs[tb],
                           -3.0f, c, 2);
        g_assert_cmpfloat (c[0], ==, 2 * 58 - 3 * 1);
        g_assert_cmpfloat (c[1], ==, 2 * 64 - 3 * -1);
        g_assert_cmpfloat (c[2], ==, 2 * 139 - 3 * 2);
        g_assert_cmpfloat (c[3], ==, 2 * 154 - 3 * 0.5);

        ds_gemm_reference (ta, tb, 2, 2, 3, 1.0f, as[ta], ldas[ta], bs[tb], ldbs[tb],
                           0.0f, nan_c, 2);
        for (guint i = 0; i < 4; i++)
          g_assert_cmpfloat (nan_c[i], ==, ab[i]);

        /* and ds_gemm() on the same hand case, exactly: the products are small integers */
        {
          float c2[4] = { 1, -1, 2, 0.5f };

          ds_gemm (ta, tb, 2, 2, 3, 2.0f, as[ta], ldas[ta], bs[tb], ldbs[tb], -3.0f, c2, 2);
          g_assert_cmpfloat (c2[0], ==, 113);
          g_assert_cmpfloat (c2[1], ==, 131);
          g_assert_cmpfloat (c2[2], ==, 272);
          g_assert_cmpfloat (c2[3], ==, 306.5);
        }
      }
}

static void
check_all_sizes (gboolean trans_a,
                 gboolean trans_b)
{
  DsRng rng;
  guint i = 0;

  ds_rng_seed (&rng, 100 + 2 * trans_a + trans_b);
  for (guint mi = 0; mi < G_N_ELEMENTS (sizes); mi++)
    for (guint ni = 0; ni < G_N_ELEMENTS (sizes); ni++)
      for (guint ki = 0; ki < G_N_ELEMENTS (sizes); ki++, i++)
        check_one (trans_a, trans_b, sizes[mi], sizes[ni], sizes[ki],
                   scales[i % G_N_ELEMENTS (scales)], FALSE, &rng);
}

static void
test_nn (void)
{
  check_all_sizes (FALSE, FALSE);
}

static void
test_nt (void)
{
  check_all_sizes (FALSE, TRUE);
}

static void
test_tn (void)
{
  check_all_sizes (TRUE, FALSE);
}

static void
test_tt (void)
{
  check_all_sizes (TRUE, TRUE);
}

/* Every alpha/beta pair on a few shapes of each transposition. */
static void
test_scales (void)
{
  static const guint shapes[][3] = { { 7, 33, 64 }, { 129, 1, 7 }, { 33, 129, 1 }, { 64, 64, 33 } };
  DsRng rng;

  ds_rng_seed (&rng, 7);
  for (guint t = 0; t < 4; t++)
    for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
      for (guint j = 0; j < G_N_ELEMENTS (scales); j++)
        check_one (t & 2, t & 1, shapes[s][0], shapes[s][1], shapes[s][2], scales[j], FALSE,
                   &rng);
}

/* With beta == 0, BLAS does not read C: NaN there must not reach the result (layers write
 * into buffers that were never cleared). */
static void
test_beta_zero_nan (void)
{
  static const float alphas[] = { 1.0f, -0.5f };
  DsRng rng;

  ds_rng_seed (&rng, 8);
  for (guint t = 0; t < 4; t++)
    for (guint mi = 0; mi < G_N_ELEMENTS (sizes); mi++)
      for (guint ni = 0; ni < G_N_ELEMENTS (sizes); ni++)
        {
          guint k = sizes[(mi + ni) % G_N_ELEMENTS (sizes)];
          Scale sc = { alphas[(mi + ni) % 2], 0.0f };

          check_one (t & 2, t & 1, sizes[mi], sizes[ni], k, sc, TRUE, &rng);
        }
}

/* m or n of zero is an empty product: nothing is written, nothing is read. */
static void
test_empty (void)
{
  float c[4] = { 1, 2, 3, 4 };
  float a[4] = { 1, 1, 1, 1 };

  ds_gemm (FALSE, FALSE, 0, 2, 2, 1.0f, a, 2, a, 2, 0.0f, c, 2);
  ds_gemm (FALSE, FALSE, 2, 0, 2, 1.0f, a, 2, a, 2, 0.0f, c, 2);
  g_assert_cmpfloat (c[0], ==, 1);
  g_assert_cmpfloat (c[1], ==, 2);
  g_assert_cmpfloat (c[2], ==, 3);
  g_assert_cmpfloat (c[3], ==, 4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/gemm/reference-hand", test_reference_hand);
  g_test_add_func ("/engine/gemm/nn", test_nn);
  g_test_add_func ("/engine/gemm/nt", test_nt);
  g_test_add_func ("/engine/gemm/tn", test_tn);
  g_test_add_func ("/engine/gemm/tt", test_tt);
  g_test_add_func ("/engine/gemm/alpha-beta", test_scales);
  g_test_add_func ("/engine/gemm/beta-zero-nan", test_beta_zero_nan);
  g_test_add_func ("/engine/gemm/empty", test_empty);

  return g_test_run ();
}
