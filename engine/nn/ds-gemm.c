/* ds-gemm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cblas.h>

#include "ds-gemm.h"

void
ds_gemm (gboolean     trans_a,
         gboolean     trans_b,
         guint        m,
         guint        n,
         guint        k,
         float        alpha,
         const float *a,
         guint        lda,
         const float *b,
         guint        ldb,
         float        beta,
         float       *c,
         guint        ldc)
{
  if (m == 0 || n == 0)
    return;

  cblas_sgemm (CblasRowMajor,
               trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans,
               (int) m, (int) n, (int) k,
               alpha, a, (int) lda, b, (int) ldb,
               beta, c, (int) ldc);
}

void
ds_gemm_reference (gboolean     trans_a,
                   gboolean     trans_b,
                   guint        m,
                   guint        n,
                   guint        k,
                   float        alpha,
                   const float *a,
                   guint        lda,
                   const float *b,
                   guint        ldb,
                   float        beta,
                   float       *c,
                   guint        ldc)
{
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      {
        double sum = 0.0;

        for (guint p = 0; p < k; p++)
          {
            float av = trans_a ? a[(gsize) p * lda + i] : a[(gsize) i * lda + p];
            float bv = trans_b ? b[(gsize) j * ldb + p] : b[(gsize) p * ldb + j];

            sum += (double) av * bv;
          }
        /* BLAS semantics: with beta == 0, C is not read (it may hold NaN) */
        c[(gsize) i * ldc + j] = (float) (alpha * sum + (beta == 0.0f ? 0.0 : beta * c[(gsize) i * ldc + j]));
      }
}
