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

/* Stride 1 and three columns, the most common kernel: one pass over an input row fills the
 * three rows of patches it feeds (kj = 0, 1, 2), where three short runs would each pay a loop's
 * setup. Columns whose taps fall outside the image are zero. */
static void
im2col_row3 (const float *restrict src,   /* input row, w floats */
             guint                 w,
             guint                 ow,
             int                   pad,
             float       *restrict d0,    /* the kj = 0, 1, 2 rows of the patch matrix */
             float       *restrict d1,
             float       *restrict d2)
{
  /* interior: every tap of output column ox, ox - pad + {0, 1, 2}, is inside the row */
  guint lo = (guint) MIN (pad, (int) ow);
  guint hi = (int) w + pad - 2 > 0 ? MIN (ow, (guint) ((int) w + pad - 2)) : 0;

  hi = MAX (hi, lo);
  for (guint ox = 0; ox < lo; ox++)
    {
      int ix = (int) ox - pad;

      d0[ox] = ix >= 0 && ix < (int) w ? src[ix] : 0.0f;
      d1[ox] = ix + 1 >= 0 && ix + 1 < (int) w ? src[ix + 1] : 0.0f;
      d2[ox] = ix + 2 >= 0 && ix + 2 < (int) w ? src[ix + 2] : 0.0f;
    }
  for (guint ox = lo; ox < hi; ox++)
    {
      const float *s = src + (int) ox - pad;

      d0[ox] = s[0];
      d1[ox] = s[1];
      d2[ox] = s[2];
    }
  for (guint ox = hi; ox < ow; ox++)
    {
      int ix = (int) ox - pad;

      d0[ox] = ix >= 0 && ix < (int) w ? src[ix] : 0.0f;
      d1[ox] = ix + 1 >= 0 && ix + 1 < (int) w ? src[ix + 1] : 0.0f;
      d2[ox] = ix + 2 >= 0 && ix + 2 < (int) w ? src[ix + 2] : 0.0f;
    }
}

/* The adjoint of im2col_row3(), in gather form so that it vectorises: input column ix receives
 * s0[ix + pad] + s1[ix + pad - 1] + s2[ix + pad - 2], the terms that exist. */
static void
col2im_row3 (const float *restrict s0,
             const float *restrict s1,
             const float *restrict s2,
             guint                 w,
             guint                 ow,
             int                   pad,
             float       *restrict dst)   /* input row, w floats */
{
  /* interior: all three terms exist, 0 <= ix + pad - 2 and ix + pad < ow */
  guint lo = (guint) CLAMP (2 - pad, 0, (int) w);
  guint hi = (guint) CLAMP ((int) ow - pad, 0, (int) w);

  hi = MAX (hi, lo);
  for (guint ix = 0; ix < w; ix++)
    {
      int o;

      if (ix == lo)
        {
          for (; ix < hi; ix++)
            {
              o = (int) ix + pad;
              dst[ix] += s0[o] + s1[o - 1] + s2[o - 2];
            }
          if (ix >= w)
            break;
        }
      o = (int) ix + pad;
      if (o >= 0 && o < (int) ow)
        dst[ix] += s0[o];
      if (o - 1 >= 0 && o - 1 < (int) ow)
        dst[ix] += s1[o - 1];
      if (o - 2 >= 0 && o - 2 < (int) ow)
        dst[ix] += s2[o - 2];
    }
}

void
ds_im2col (const DsPatchGeometry *g,
           const float           *x,
           guint                  batch,
           float                 *col)
{
  gsize ohw = (gsize) g->oh * g->ow;
  gsize ncol = batch * ohw;

  if (g->stride == 1 && g->kw == 3)
    {
      for (guint c = 0; c < g->c; c++)
        for (guint ki = 0; ki < g->kh; ki++)
          {
            float *row = col + (gsize) (c * g->kh + ki) * 3 * ncol;

            for (guint b = 0; b < batch; b++)
              for (guint oy = 0; oy < g->oh; oy++)
                {
                  int iy = (int) (oy + ki) - (int) g->pad;
                  float *d = row + b * ohw + (gsize) oy * g->ow;

                  if (iy < 0 || iy >= (int) g->h)
                    {
                      memset (d, 0, g->ow * sizeof (float));
                      memset (d + ncol, 0, g->ow * sizeof (float));
                      memset (d + 2 * ncol, 0, g->ow * sizeof (float));
                      continue;
                    }
                  im2col_row3 (x + (((gsize) b * g->c + c) * g->h + (guint) iy) * g->w,
                               g->w, g->ow, (int) g->pad, d, d + ncol, d + 2 * ncol);
                }
          }
      return;
    }

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

                      /* plain loops: the runs are short (a row of a small feature map),
                       * where memcpy's call costs more than the copy */
                      hi = MAX (hi, lo);
                      for (guint ox = 0; ox < lo; ox++)
                        dst[ox] = 0.0f;
                      for (guint ox = lo; ox < hi; ox++)
                        dst[ox] = src[(int) ox + ix0];
                      for (guint ox = hi; ox < g->ow; ox++)
                        dst[ox] = 0.0f;
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

  if (g->stride == 1 && g->kw == 3)
    {
      for (guint c = 0; c < g->c; c++)
        for (guint ki = 0; ki < g->kh; ki++)
          {
            const float *row = dcol + (gsize) (c * g->kh + ki) * 3 * ncol;

            for (guint b = 0; b < batch; b++)
              for (guint oy = 0; oy < g->oh; oy++)
                {
                  int iy = (int) (oy + ki) - (int) g->pad;
                  const float *s = row + b * ohw + (gsize) oy * g->ow;

                  if (iy < 0 || iy >= (int) g->h)
                    continue;
                  col2im_row3 (s, s + ncol, s + 2 * ncol, g->w, g->ow, (int) g->pad,
                               dx + (((gsize) b * g->c + c) * g->h + (guint) iy) * g->w);
                }
          }
      return;
    }

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
