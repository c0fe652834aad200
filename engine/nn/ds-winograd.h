/* ds-winograd.h: 3×3 stride-1 convolution by Winograd's F(2×2, 3×3) (engine-internal)
 *
 * Each 2×2 block of the output (a tile) is computed from the 4×4 input patch under it with
 * 16 products per (filter, channel) pair instead of 36: the patch is transformed (V = Bᵀ d B),
 * multiplied element by element with the transformed kernel (U = G g Gᵀ) and summed over the
 * channels, and the 4×4 result is transformed back (Y = Aᵀ M A). Summed over the channels,
 * the element-wise products are 16 GEMMs, M[ξ] = U[ξ] · V[ξ], one for each of the 16 positions
 * ξ of a transformed tile (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016).
 *
 * Layouts, for a chunk of B images with T tiles each (nt = B * T):
 *   U  (16, C, F)   transformed kernels
 *   V  (16, nt, C)  transformed input patches
 *   M  (16, nt, F)  transformed output tiles, M[ξ] = V[ξ] · U[ξ]
 * where V[ξ] and M[ξ] are ds_winograd_stride() floats apart.
 * Channels are the fastest-moving index, so the transforms work on whole rows of channels:
 * an image is turned to (H, W, C) in a scratch buffer on the way in and back on the way out.
 *
 * The backward pass is the exact adjoint of this computation: dM = A dY Aᵀ, then
 * dU[ξ] = V[ξ]ᵀ · dM[ξ] and dV[ξ] = dM[ξ] · U[ξ]ᵀ, then dg = Gᵀ dU G and dd = B dV Bᵀ.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "nn/ds-im2col.h"

G_BEGIN_DECLS

#define DS_WINOGRAD_POSITIONS 16

/* Whether @g (with @filters outputs) is a 3×3 stride-1 convolution for which the 16 GEMMs of
 * inner dimension C beat one im2col GEMM of inner dimension 9 C: enough channels on both
 * sides, and an output grid that the 2×2 tiles cover without much waste. */
gboolean ds_winograd_suits            (const DsPatchGeometry *g,
                                       guint                  filters);
/* Tiles per image. */
gsize    ds_winograd_tiles            (const DsPatchGeometry *g);
/* How many images of a batch to multiply at once: V and M of a group small enough to stay
 * in a core's cache between the transforms and the GEMMs (which also run faster on them
 * than on one large product); at least 1. */
guint    ds_winograd_group            (const DsPatchGeometry *g,
                                       guint                  filters,
                                       guint                  batch);

/* Floats from V[ξ] (or M[ξ]) to V[ξ + 1], for @rows tiles of @cols channels (or filters). */
gsize    ds_winograd_stride           (gsize                  rows,
                                       guint                  cols);

/* u (16, C, F) from w (F, C, 3, 3). */
void     ds_winograd_kernels          (const float           *w,
                                       guint                  filters,
                                       guint                  c,
                                       float                 *u);
/* dw (F, C, 3, 3) += Gᵀ du G, du (16, C, F). */
void     ds_winograd_kernels_grad_add (const float           *du,
                                       guint                  filters,
                                       guint                  c,
                                       float                 *dw);

/* v (16, B*T, C) from x (B, C, H, W); taps outside the image are 0. */
void     ds_winograd_inputs           (const DsPatchGeometry *g,
                                       const float           *x,
                                       guint                  batch,
                                       float                 *v);
/* dx (B, C, H, W) += B dv Bᵀ of every tile, put back where its patch came from. */
void     ds_winograd_inputs_grad_add  (const DsPatchGeometry *g,
                                       const float           *dv,
                                       guint                  batch,
                                       float                 *dx);

/* y (B, F, OH, OW) from m (16, B*T, F), plus bias[f], then clamped at 0 when @relu. */
void     ds_winograd_outputs          (const DsPatchGeometry *g,
                                       guint                  filters,
                                       const float           *m,
                                       const float           *bias,
                                       gboolean               relu,
                                       guint                  batch,
                                       float                 *y);
/* dm (16, B*T, F) = A dy Aᵀ of every tile, dy (B, F, OH, OW) taken as 0 where @y is not
 * positive when @y is given (the gradient through a fused ReLU whose output was @y);
 * dbias[f] += the sum of the (masked) dy of filter f. */
void     ds_winograd_outputs_grad     (const DsPatchGeometry *g,
                                       guint                  filters,
                                       const float           *dy,
                                       const float           *y,
                                       guint                  batch,
                                       float                 *dm,
                                       float                 *dbias);

G_END_DECLS
