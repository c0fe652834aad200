/* ds-im2col.h: the data movement around convolution GEMMs (engine-internal)
 *
 * Convolutions run as one GEMM over a chunk of the batch: the patches of all its images are
 * laid side by side, so the matrix is (C * KH * KW, B * OH * OW) and the GEMM is large enough
 * for OpenBLAS to reach its speed even on 28x28 images.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint c, h, w;          /* input image */
  guint kh, kw;
  guint stride, pad;
  guint oh, ow;           /* output grid */
} DsPatchGeometry;

/* col (C*KH*KW, B*OH*OW) from x (B, C, H, W); out-of-image taps are 0. */
void ds_im2col     (const DsPatchGeometry *g,
                    const float           *x,
                    guint                  batch,
                    float                 *col);

/* dx (B, C, H, W) += the patches of dcol (C*KH*KW, B*OH*OW) put back where they came from. */
void ds_col2im_add (const DsPatchGeometry *g,
                    const float           *dcol,
                    guint                  batch,
                    float                 *dx);

/* dst (C, B*P) from src (B, C, P). */
void ds_batch_to_channels (const float *src,
                           guint        batch,
                           guint        c,
                           gsize        p,
                           float       *dst);

/* dst (C, B*P) from src (B, C, P), zero where @mask (B, C, P) is not positive: the gradient
 * through a fused ReLU whose output was @mask. */
void ds_batch_to_channels_masked (const float *src,
                                  const float *mask,
                                  guint        batch,
                                  guint        c,
                                  gsize        p,
                                  float       *dst);

/* dst (B, C, P) from src (C, B*P), plus bias[c] when @bias is non-NULL, then clamped at 0
 * when @relu. */
void ds_channels_to_batch (const float *src,
                           const float *bias,
                           gboolean     relu,
                           guint        batch,
                           guint        c,
                           gsize        p,
                           float       *dst);

/* How many images of a batch to lower at once so that a matrix of @per_image floats a
 * image stays within the engine's scratch budget; at least 1. */
guint ds_im2col_chunk (gsize per_image,
                       guint batch);

G_END_DECLS
