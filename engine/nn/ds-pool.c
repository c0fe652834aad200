/* ds-pool.c: max and average pooling over square windows, no padding, floor mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <string.h>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "ds-error.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer  parent;
  guint    size;
  guint    stride;
} DsPool;

static gboolean
pool_configure (DsLayer      *layer,
                DsLayerArgs  *args,
                GError      **error)
{
  DsPool *self = (DsPool *) layer;

  if (!ds_layer_args_get_uint (args, "size", 2, &self->size, error) ||
      !ds_layer_args_get_uint (args, "stride", self->size, &self->stride, error))
    return FALSE;
  if (self->size == 0 || self->stride == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: size and stride must be at least 1", layer->klass->name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
pool_infer (DsLayer  *layer,
            GError  **error)
{
  DsPool *self = (DsPool *) layer;
  const DsShape *in = &layer->in_shape;

  if (in->h < self->size || in->w < self->size)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "%s: a %u×%u window does not fit a %u×%u input",
                   layer->klass->name, self->size, self->size, in->h, in->w);
      return FALSE;
    }
  layer->out_shape = DS_SHAPE (1, in->c,
                               (in->h - self->size) / self->stride + 1,
                               (in->w - self->size) / self->stride + 1);

  return TRUE;
}

static void
maxpool_forward (DsLayer        *layer,
                 const DsTensor *inp,
                 DsTensor       *out,
                 gboolean        training,
                 DsRng          *rng)
{
  DsPool *self = (DsPool *) layer;
  const DsShape *is = &layer->in_shape;
  const DsShape *os = &layer->out_shape;
  gsize planes = (gsize) inp->shape.n * is->c;

  ds_tensor_reshape (out, DS_SHAPE (inp->shape.n, os->c, os->h, os->w));
  for (gsize p = 0; p < planes; p++)
    {
      const float *src = inp->data + p * is->h * is->w;
      float *dst = out->data + p * os->h * os->w;

      if (self->size == 2 && self->stride == 2)
        {
          /* the common case, written so that the compiler vectorises it */
          for (guint oy = 0; oy < os->h; oy++)
            {
              const float *r0 = src + (gsize) (2 * oy) * is->w;
              const float *r1 = r0 + is->w;
              float *d = dst + (gsize) oy * os->w;

              for (guint ox = 0; ox < os->w; ox++)
                d[ox] = MAX (MAX (r0[2 * ox], r0[2 * ox + 1]), MAX (r1[2 * ox], r1[2 * ox + 1]));
            }
          continue;
        }
      for (guint oy = 0; oy < os->h; oy++)
        for (guint ox = 0; ox < os->w; ox++)
          {
            float best = -FLT_MAX;

            for (guint ky = 0; ky < self->size; ky++)
              for (guint kx = 0; kx < self->size; kx++)
                best = MAX (best, src[(oy * self->stride + ky) * is->w + ox * self->stride + kx]);
            dst[oy * os->w + ox] = best;
          }
    }
}

#if defined(__AVX2__)
/* The even (or odd) floats of p[0..15], in order. */
static inline __m256
deinterleave (const float *p,
              gboolean     odd)
{
  __m256 lo = _mm256_loadu_ps (p), hi = _mm256_loadu_ps (p + 8);
  __m256 v = odd ? _mm256_shuffle_ps (lo, hi, _MM_SHUFFLE (3, 1, 3, 1))
                 : _mm256_shuffle_ps (lo, hi, _MM_SHUFFLE (2, 0, 2, 0));

  /* the shuffle works within 128-bit lanes: 0 1 4 5 | 2 3 6 7 back to 0..7 */
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (v), _MM_SHUFFLE (3, 1, 2, 0)));
}

/* p[0..15] = e0 o0 e1 o1 … e7 o7 */
static inline void
interleave (float  *p,
            __m256  even,
            __m256  odd)
{
  __m256 lo = _mm256_unpacklo_ps (even, odd), hi = _mm256_unpackhi_ps (even, odd);

  _mm256_storeu_ps (p, _mm256_permute2f128_ps (lo, hi, 0x20));
  _mm256_storeu_ps (p + 8, _mm256_permute2f128_ps (lo, hi, 0x31));
}
#endif

/* One output row of 2×2 max-pooling backward. Written as de-interleave, select, re-interleave
 * loops over independent arrays so that the compiler vectorises each; selects rather than
 * branches, and ties (common after a ReLU) go to the first input of the window. */
static void
maxpool2x2_backward_row (const float *restrict x0,
                         const float *restrict x1,
                         const float *restrict y,
                         const float *restrict dy,
                         guint                 n,
                         float       *restrict d0,
                         float       *restrict d1)
{
  enum { BLOCK = 16 };
  guint o = 0;

#if defined(__AVX2__)
  /* eight windows at a time: de-interleave the rows into the windows' four inputs, pick the
   * first equal to the maximum, interleave the gradients back; the same choices as below */
  for (; o + 8 <= n; o += 8)
    {
      __m256 a = deinterleave (x0 + 2 * o, FALSE), b = deinterleave (x0 + 2 * o, TRUE);
      __m256 c = deinterleave (x1 + 2 * o, FALSE), d = deinterleave (x1 + 2 * o, TRUE);
      __m256 m = _mm256_loadu_ps (y + o), g = _mm256_loadu_ps (dy + o);
      __m256 ea = _mm256_cmp_ps (a, m, _CMP_EQ_OQ);
      __m256 eb = _mm256_andnot_ps (ea, _mm256_cmp_ps (b, m, _CMP_EQ_OQ));
      __m256 taken = _mm256_or_ps (ea, eb);
      __m256 ec = _mm256_andnot_ps (taken, _mm256_cmp_ps (c, m, _CMP_EQ_OQ));

      taken = _mm256_or_ps (taken, ec);
      interleave (d0 + 2 * o, _mm256_and_ps (ea, g), _mm256_and_ps (eb, g));
      interleave (d1 + 2 * o, _mm256_and_ps (ec, g), _mm256_andnot_ps (taken, g));
      (void) d;
    }
#endif

  for (; o < n; o += BLOCK)
    {
      guint len = MIN (BLOCK, n - o);
      float a[BLOCK], b[BLOCK], c[BLOCK], d[BLOCK];

      for (guint j = 0; j < len; j++)
        {
          a[j] = x0[2 * (o + j)];
          b[j] = x0[2 * (o + j) + 1];
          c[j] = x1[2 * (o + j)];
          d[j] = x1[2 * (o + j) + 1];
        }
      for (guint j = 0; j < len; j++)
        {
          /* 1.0 or 0.0 masks multiply where ?: would keep the loop from vectorising */
          float m = y[o + j], g = dy[o + j];
          float ea = (float) (a[j] == m);
          float eb = (float) (b[j] == m) * (1.0f - ea);
          float ec = (float) (c[j] == m) * (1.0f - ea) * (1.0f - eb);
          float ed = (1.0f - ea) * (1.0f - eb) * (1.0f - ec);

          a[j] = g * ea;
          b[j] = g * eb;
          c[j] = g * ec;
          d[j] = g * ed;
        }
      for (guint j = 0; j < len; j++)
        {
          d0[2 * (o + j)] = a[j];
          d0[2 * (o + j) + 1] = b[j];
          d1[2 * (o + j)] = c[j];
          d1[2 * (o + j) + 1] = d[j];
        }
    }
}

static void
maxpool2x2_backward (const float   *x,
                     const float   *y,
                     const float   *dy,
                     gsize          planes,
                     const DsShape *is,
                     const DsShape *os,
                     float         *dx)
{
  for (gsize p = 0; p < planes; p++)
    for (guint oy = 0; oy < os->h; oy++)
      {
        gsize r = p * is->h * is->w + (gsize) (2 * oy) * is->w;
        gsize o = p * os->h * os->w + (gsize) oy * os->w;

        maxpool2x2_backward_row (x + r, x + r + is->w, y + o, dy + o, os->w,
                                 dx + r, dx + r + is->w);
      }
}

/* The gradient goes to the first input of each window equal to its maximum, found again from
 * the input and output rather than kept from the forward pass: this saves an index buffer as
 * large as the output and a pass over it. */
static void
maxpool_backward (DsLayer        *layer,
                  const DsTensor *inp,
                  const DsTensor *out,
                  const DsTensor *dout,
                  DsTensor       *dinp)
{
  DsPool *self = (DsPool *) layer;
  const DsShape *is = &layer->in_shape;
  const DsShape *os = &layer->out_shape;
  gsize planes = (gsize) inp->shape.n * is->c;
  gsize ohw = (gsize) os->h * os->w;

  gboolean tiles = self->stride == self->size;  /* windows neither overlap nor leave gaps */

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  /* tiling windows write every input they cover once, so only the edges they leave need zeroing */
  if (!tiles || is->h % self->size != 0 || is->w % self->size != 0)
    ds_tensor_zero (dinp);

  if (tiles && self->size == 2)
    {
      maxpool2x2_backward (inp->data, out->data, dout->data, planes, is, os, dinp->data);
      return;
    }

  for (gsize p = 0; p < planes; p++)
    {
      const float *src = inp->data + p * is->h * is->w;
      const float *y = out->data + p * ohw;
      const float *dy = dout->data + p * ohw;
      float *dx = dinp->data + p * is->h * is->w;

      for (guint oy = 0; oy < os->h; oy++)
        for (guint ox = 0; ox < os->w; ox++)
          {
            gboolean found = FALSE;

            for (guint ky = 0; ky < self->size; ky++)
              for (guint kx = 0; kx < self->size; kx++)
                {
                  gsize i = (gsize) (oy * self->stride + ky) * is->w + ox * self->stride + kx;

                  if (!found && src[i] == y[oy * os->w + ox])
                    {
                      dx[i] = (tiles ? 0.0f : dx[i]) + dy[oy * os->w + ox];
                      found = TRUE;
                    }
                  else if (tiles)
                    dx[i] = 0.0f;
                }
          }
    }
}

static void
avgpool_forward (DsLayer        *layer,
                 const DsTensor *inp,
                 DsTensor       *out,
                 gboolean        training,
                 DsRng          *rng)
{
  DsPool *self = (DsPool *) layer;
  const DsShape *is = &layer->in_shape;
  const DsShape *os = &layer->out_shape;
  gsize planes = (gsize) inp->shape.n * is->c;
  float scale = 1.0f / (float) (self->size * self->size);

  ds_tensor_reshape (out, DS_SHAPE (inp->shape.n, os->c, os->h, os->w));
  for (gsize p = 0; p < planes; p++)
    {
      const float *src = inp->data + p * is->h * is->w;
      float *dst = out->data + p * os->h * os->w;

      for (guint oy = 0; oy < os->h; oy++)
        for (guint ox = 0; ox < os->w; ox++)
          {
            float sum = 0.0f;

            for (guint ky = 0; ky < self->size; ky++)
              for (guint kx = 0; kx < self->size; kx++)
                sum += src[(oy * self->stride + ky) * is->w + ox * self->stride + kx];
            dst[oy * os->w + ox] = sum * scale;
          }
    }
}

static void
avgpool_backward (DsLayer        *layer,
                  const DsTensor *inp,
                  const DsTensor *out,
                  const DsTensor *dout,
                  DsTensor       *dinp)
{
  DsPool *self = (DsPool *) layer;
  const DsShape *is = &layer->in_shape;
  const DsShape *os = &layer->out_shape;
  gsize planes = (gsize) inp->shape.n * is->c;
  float scale = 1.0f / (float) (self->size * self->size);

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  ds_tensor_zero (dinp);
  for (gsize p = 0; p < planes; p++)
    {
      float *dst = dinp->data + p * is->h * is->w;
      const float *src = dout->data + p * os->h * os->w;

      for (guint oy = 0; oy < os->h; oy++)
        for (guint ox = 0; ox < os->w; ox++)
          {
            float g = src[oy * os->w + ox] * scale;

            for (guint ky = 0; ky < self->size; ky++)
              for (guint kx = 0; kx < self->size; kx++)
                dst[(oy * self->stride + ky) * is->w + ox * self->stride + kx] += g;
          }
    }
}

static void
pool_describe (DsLayer *layer,
               GString *spec)
{
  DsPool *self = (DsPool *) layer;

  g_string_append_printf (spec, " size=%u stride=%u", self->size, self->stride);
}

const DsLayerClass ds_maxpool2d_class = {
  .name = "maxpool2d",
  .instance_size = sizeof (DsPool),
  .configure = pool_configure,
  .infer = pool_infer,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
  .describe = pool_describe,
};

const DsLayerClass ds_avgpool2d_class = {
  .name = "avgpool2d",
  .instance_size = sizeof (DsPool),
  .configure = pool_configure,
  .infer = pool_infer,
  .forward = avgpool_forward,
  .backward = avgpool_backward,
  .describe = pool_describe,
};
