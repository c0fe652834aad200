/* ds-im2col.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "nn/ds-im2col.h"

/* 16 Mi floats (64 MiB) of lowered patches at most: a 256x256 image with 32 channels and a 3x3
 * kernel lowers to 19 Mi floats, so large images go one or a few at a time. */
#define SCRATCH_FLOATS (16u << 20)

guint
ds_im2col_chunk (gsize per_image,
                 guint batch)
{
  gsize chunk = per_image > 0 ? SCRATCH_FLOATS / per_image : batch;

  return (guint) CLAMP (chunk, 1, MAX (batch, 1));
}

void
ds_im2col (const DsPatchGeometry *g,
           const float           *x,
           guint                  batch,
           float                 *col)
{
  gsize ohw = (gsize) g->oh * g->ow;
  gsize ncol = batch * ohw;

  for (guint c = 0; c < g->c; c++)
    for (guint ki = 0; ki < g->kh; ki++)
      for (guint kj = 0; kj < g->kw; kj++)
        {
          float *row = col + ((gsize) (c * g->kh + ki) * g->kw + kj) * ncol;

          for (guint b = 0; b < batch; b++)
            {
              const float *img = x + ((gsize) b * g->c + c) * g->h * g->w;
              float *dst = row + b * ohw;

              for (guint oy = 0; oy < g->oh; oy++, dst += g->ow)
                {
                  int iy = (int) (oy * g->stride + ki) - (int) g->pad;
                  const float *src;

                  if (iy < 0 || iy >= (int) g->h)
                    {
                      memset (dst, 0, g->ow * sizeof (float));
                      continue;
                    }
                  src = img + (gsize) iy * g->w;
                  if (g->stride == 1)
                    {
                      /* the common case: a contiguous run of the input row, zero-padded */
                      int ix0 = (int) kj - (int) g->pad;
                      guint lo = ix0 < 0 ? (guint) -ix0 : 0;
                      guint hi = (int) g->ow + ix0 > (int) g->w ? (guint) ((int) g->w - ix0) : g->ow;

                      if (hi <= lo)
                        {
                          memset (dst, 0, g->ow * sizeof (float));
                          continue;
                        }
                      memset (dst, 0, lo * sizeof (float));
                      memcpy (dst + lo, src + ix0 + (int) lo, (hi - lo) * sizeof (float));
                      memset (dst + hi, 0, (g->ow - hi) * sizeof (float));
                    }
                  else
                    {
                      for (guint ox = 0; ox < g->ow; ox++)
                        {
                          int ix = (int) (ox * g->stride + kj) - (int) g->pad;

                          dst[ox] = ix >= 0 && ix < (int) g->w ? src[ix] : 0.0f;
                        }
                    }
                }
            }
        }
}

void
ds_col2im_add (const DsPatchGeometry *g,
               const float           *dcol,
               guint                  batch,
               float                 *dx)
{
  gsize ohw = (gsize) g->oh * g->ow;
  gsize ncol = batch * ohw;

  for (guint c = 0; c < g->c; c++)
    for (guint ki = 0; ki < g->kh; ki++)
      for (guint kj = 0; kj < g->kw; kj++)
        {
          const float *row = dcol + ((gsize) (c * g->kh + ki) * g->kw + kj) * ncol;

          for (guint b = 0; b < batch; b++)
            {
              float *img = dx + ((gsize) b * g->c + c) * g->h * g->w;
              const float *src = row + b * ohw;

              for (guint oy = 0; oy < g->oh; oy++, src += g->ow)
                {
                  int iy = (int) (oy * g->stride + ki) - (int) g->pad;
                  float *dst;

                  if (iy < 0 || iy >= (int) g->h)
                    continue;
                  dst = img + (gsize) iy * g->w;
                  if (g->stride == 1)
                    {
                      /* the same clipped run as in ds_im2col(), added back */
                      int ix0 = (int) kj - (int) g->pad;
                      guint lo = ix0 < 0 ? (guint) -ix0 : 0;
                      guint hi = (int) g->ow + ix0 > (int) g->w ? (guint) ((int) g->w - ix0) : g->ow;

                      for (guint ox = lo; ox < hi; ox++)
                        dst[(int) ox + ix0] += src[ox];
                      continue;
                    }
                  for (guint ox = 0; ox < g->ow; ox++)
                    {
                      int ix = (int) (ox * g->stride + kj) - (int) g->pad;

                      if (ix >= 0 && ix < (int) g->w)
                        dst[ix] += src[ox];
                    }
                }
            }
        }
}

void
ds_batch_to_channels (const float *src,
                      guint        batch,
                      guint        c,
                      gsize        p,
                      float       *dst)
{
  for (guint b = 0; b < batch; b++)
    for (guint k = 0; k < c; k++)
      memcpy (dst + ((gsize) k * batch + b) * p, src + ((gsize) b * c + k) * p, p * sizeof (float));
}

void
ds_batch_to_channels_masked (const float *src,
                             const float *mask,
                             guint        batch,
                             guint        c,
                             gsize        p,
                             float       *dst)
{
  for (guint b = 0; b < batch; b++)
    for (guint k = 0; k < c; k++)
      {
        const float *s = src + ((gsize) b * c + k) * p;
        const float *m = mask + ((gsize) b * c + k) * p;
        float *d = dst + ((gsize) k * batch + b) * p;

        for (gsize i = 0; i < p; i++)
          d[i] = m[i] > 0.0f ? s[i] : 0.0f;
      }
}

void
ds_channels_to_batch (const float *src,
                      const float *bias,
                      gboolean     relu,
                      guint        batch,
                      guint        c,
                      gsize        p,
                      float       *dst)
{
  for (guint b = 0; b < batch; b++)
    for (guint k = 0; k < c; k++)
      {
        const float *s = src + ((gsize) k * batch + b) * p;
        float *d = dst + ((gsize) b * c + k) * p;
        float add = bias != NULL ? bias[k] : 0.0f;

        if (relu)
          for (gsize i = 0; i < p; i++)
            d[i] = MAX (s[i] + add, 0.0f);
        else
          for (gsize i = 0; i < p; i++)
            d[i] = s[i] + add;
      }
}
