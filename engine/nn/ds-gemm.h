/* ds-gemm.h: the one matrix product of the engine
 *
 * Every layer multiplies matrices through ds_gemm(), row-major, with the BLAS meaning of the
 * arguments: C = alpha * op(A) * op(B) + beta * C, op(A) is (m, k), op(B) is (k, n), C is (m, n).
 * ds_gemm_reference() is the obvious triple loop the tests hold ds_gemm() against.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ds_gemm           (gboolean     trans_a,
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
                        guint        ldc);

void ds_gemm_reference (gboolean     trans_a,
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
                        guint        ldc);

G_END_DECLS
