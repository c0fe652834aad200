/* ds-winograd.c: the transforms of F(2×2, 3×3)
 *
 * Bᵀ = | 1  0 -1  0 |     G = | 1    0    0   |     Aᵀ = | 1  1  1  0 |
 *      | 0  1  1  0 |         | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
 *      | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
 *      | 0  1  0 -1 |         | 0    0    1   |
 *
 * Every transform is a one-dimensional one applied to the rows of a tile and then to its
 * columns. The innermost loops run over the channels (or filters) of one position of one
 * tile, contiguous in the (H, W, C) scratch copy of an image and in V and M, so that the
 * compiler vectorises them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "nn/ds-winograd.h"

#define N_POS DS_WINOGRAD_POSITIONS

typedef struct
{
  guint  th, tw;     /* tile grid */
  guint  ph, pw;     /* the padded input the tiles read: 2 th + 2 by 2 tw + 2 */
  gsize  tiles;      /* th * tw, per image */
  gsize  nt;         /* tiles of the group of images: the rows of V[ξ] and M[ξ] */
} Grid;

static Grid
grid_of (const DsPatchGeometry *g,
         guint                  batch)
{
  Grid grid = { .th = (g->oh + 1) / 2, .tw = (g->ow + 1) / 2 };

  grid.ph = 2 * grid.th + 2;
  grid.pw = 2 * grid.tw + 2;
  grid.tiles = (gsize) grid.th * grid.tw;
  grid.nt = grid.tiles * batch;

  return grid;
}

gboolean
ds_winograd_suits (const DsPatchGeometry *g,
                   guint                  filters)
{
  Grid grid = grid_of (g, 1);

  if (g->kh != 3 || g->kw != 3 || g->stride != 1)
    return FALSE;
  /* fewer channels make GEMMs too thin to run at speed (the first layer of a network on gray
   * or RGB images is better lowered whole) */
  if (g->c < 16 || filters < 16)
    return FALSE;

  /* tiles sticking out of an odd-sized output cost as much as those inside: at most 30 % */
  return 4 * grid.tiles * 10 <= (gsize) g->oh * g->ow * 13;
}

gsize
ds_winograd_tiles (const DsPatchGeometry *g)
{
  return grid_of (g, 1).tiles;
}

/* V and M of a group together, in floats: 1 MiB, half of this machine's L2 a core */
#define GROUP_FLOATS (256u << 10)

guint
ds_winograd_group (const DsPatchGeometry *g,
                   guint                  filters,
                   guint                  batch)
{
  gsize per_image = N_POS * (gsize) (g->c + filters) * grid_of (g, 1).tiles;

  return (guint) CLAMP (GROUP_FLOATS / per_image, 1, MAX (batch, 1));
}

gsize
ds_winograd_stride (gsize rows,
                    guint cols)
{
  /* A multiple of 4 KiB would put the same element of all 16 positions in one set of a
   * 12-way L1 cache, which the transforms walk together: rounded up to a cache line, then
   * one line more. */
  return (rows * cols + 15) / 16 * 16 + 16;
}

/* Kernels */

void
ds_winograd_kernels (const float *w,
                     guint        filters,
                     guint        c,
                     float       *u)
{
  gsize fc = (gsize) filters * c;

  /* filters innermost: the 16 rows of U are written in order */
  for (guint ch = 0; ch < c; ch++)
    for (guint f = 0; f < filters; f++)
      {
        const float *g = w + 9 * ((gsize) f * c + ch);
        float *dst = u + (gsize) ch * filters + f;
        float t[4][3];

        /* G g: the columns of the kernel */
        for (guint j = 0; j < 3; j++)
          {
            t[0][j] = g[j];
            t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
            t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
            t[3][j] = g[6 + j];
          }
        /* (G g) Gᵀ: its rows */
        for (guint i = 0; i < 4; i++)
          {
            dst[(4 * i + 0) * fc] = t[i][0];
            dst[(4 * i + 1) * fc] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
            dst[(4 * i + 2) * fc] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
            dst[(4 * i + 3) * fc] = t[i][2];
          }
      }
}

void
ds_winograd_kernels_grad_add (const float *du,
                              guint        filters,
                              guint        c,
                              float       *dw)
{
  gsize fc = (gsize) filters * c;

  /* filters innermost: the 16 rows of U are written in order */
  for (guint ch = 0; ch < c; ch++)
    for (guint f = 0; f < filters; f++)
      {
        const float *src = du + (gsize) ch * filters + f;
        float *dg = dw + 9 * ((gsize) f * c + ch);
        float t[4][3];

        /* dU G: the rows of the transformed gradient */
        for (guint i = 0; i < 4; i++)
          {
            float u0 = src[(4 * i + 0) * fc], u1 = src[(4 * i + 1) * fc];
            float u2 = src[(4 * i + 2) * fc], u3 = src[(4 * i + 3) * fc];

            t[i][0] = u0 + 0.5f * (u1 + u2);
            t[i][1] = 0.5f * (u1 - u2);
            t[i][2] = 0.5f * (u1 + u2) + u3;
          }
        /* Gᵀ (dU G): its columns */
        for (guint j = 0; j < 3; j++)
          {
            dg[j] += t[0][j] + 0.5f * (t[1][j] + t[2][j]);
            dg[3 + j] += 0.5f * (t[1][j] - t[2][j]);
            dg[6 + j] += 0.5f * (t[1][j] + t[2][j]) + t[3][j];
          }
      }
}

/* The four one-dimensional transforms, each on four vectors of @n channels: x0..x3 in,
 * y0..y3 out. Bᵀ and B for inputs, A (four out of two in) for output gradients. */

static inline void
bt4 (const float *restrict x0, const float *restrict x1,
     const float *restrict x2, const float *restrict x3,
     guint n,
     float *restrict y0, float *restrict y1, float *restrict y2, float *restrict y3)
{
  for (guint k = 0; k < n; k++)
    {
      y0[k] = x0[k] - x2[k];
      y1[k] = x1[k] + x2[k];
      y2[k] = x2[k] - x1[k];
      y3[k] = x1[k] - x3[k];
    }
}

static inline void
b4 (const float *restrict x0, const float *restrict x1,
    const float *restrict x2, const float *restrict x3,
    guint n,
    float *restrict y0, float *restrict y1, float *restrict y2, float *restrict y3)
{
  for (guint k = 0; k < n; k++)
    {
      y0[k] = x0[k];
      y1[k] = x1[k] - x2[k] + x3[k];
      y2[k] = x1[k] + x2[k] - x0[k];
      y3[k] = -x3[k];
    }
}

static inline void
a2 (const float *restrict x0, const float *restrict x1,
    guint n,
    float *restrict y0, float *restrict y1, float *restrict y2, float *restrict y3)
{
  for (guint k = 0; k < n; k++)
    {
      y0[k] = x0[k];
      y1[k] = x0[k] + x1[k];
      y2[k] = x0[k] - x1[k];
      y3[k] = -x1[k];
    }
}

/* Aᵀ: two out of four. */
static inline void
at4 (const float *restrict x0, const float *restrict x1,
     const float *restrict x2, const float *restrict x3,
     guint n,
     float *restrict y0, float *restrict y1)
{
  for (guint k = 0; k < n; k++)
    {
      y0[k] = x0[k] + x1[k] + x2[k];
      y1[k] = x1[k] - x2[k] - x3[k];
    }
}

/* Inputs */

/* The padded (PH, PW, C) copy of image @x (C, H, W): image pixel (y, x) at (y + pad, x + pad),
 * zero around it. */
static void
to_hwc (const DsPatchGeometry *g,
        const Grid            *grid,
        const float           *x,
        float                 *p)
{
  memset (p, 0, (gsize) grid->ph * grid->pw * g->c * sizeof (float));
  for (guint y = 0; y < g->h; y++)
    {
      float *row = p + ((gsize) (y + g->pad) * grid->pw + g->pad) * g->c;

      for (guint c = 0; c < g->c; c++)
        {
          const float *restrict src = x + ((gsize) c * g->h + y) * g->w;
          float *restrict dst = row + c;

          for (guint xx = 0; xx < g->w; xx++)
            dst[(gsize) xx * g->c] = src[xx];
        }
    }
}

void
ds_winograd_inputs (const DsPatchGeometry *g,
                    const float           *x,
                    guint                  batch,
                    float                 *v)
{
  Grid grid = grid_of (g, batch);
  guint c = g->c;
  gsize stride = ds_winograd_stride (grid.nt, c);   /* from one position's V to the next */
  g_autofree float *p = g_new (float, (gsize) grid.ph * grid.pw * c);
  g_autofree float *t = g_new (float, 16 * (gsize) c);   /* Bᵀ d: t[4 i + j] */

  for (guint b = 0; b < batch; b++)
    {
      to_hwc (g, &grid, x + (gsize) b * c * g->h * g->w, p);
      for (guint ty = 0; ty < grid.th; ty++)
        for (guint tx = 0; tx < grid.tw; tx++)
          {
            gsize tile = b * grid.tiles + (gsize) ty * grid.tw + tx;
            const float *d = p + ((gsize) (2 * ty) * grid.pw + 2 * tx) * c;
            float *out = v + tile * c;
            gsize row = (gsize) grid.pw * c;

            /* Bᵀ d: down the columns j of the patch */
            for (guint j = 0; j < 4; j++)
              bt4 (d + j * c, d + row + j * c, d + 2 * row + j * c, d + 3 * row + j * c, c,
                   t + j * c, t + (4 + j) * c, t + (8 + j) * c, t + (12 + j) * c);
            /* (Bᵀ d) B: along its rows i */
            for (guint i = 0; i < 4; i++)
              bt4 (t + 4 * i * c, t + (4 * i + 1) * c, t + (4 * i + 2) * c, t + (4 * i + 3) * c,
                   c, out + 4 * i * stride, out + (4 * i + 1) * stride,
                   out + (4 * i + 2) * stride, out + (4 * i + 3) * stride);
          }
    }
}

void
ds_winograd_inputs_grad_add (const DsPatchGeometry *g,
                             const float           *dv,
                             guint                  batch,
                             float                 *dx)
{
  Grid grid = grid_of (g, batch);
  guint c = g->c;
  gsize stride = ds_winograd_stride (grid.nt, c);
  gsize row = (gsize) grid.pw * c;
  g_autofree float *p = g_new (float, (gsize) grid.ph * grid.pw * c);
  g_autofree float *q = g_new (float, 32 * (gsize) c);   /* B dV, then (B dV) Bᵀ */

  for (guint b = 0; b < batch; b++)
    {
      float *img = dx + (gsize) b * c * g->h * g->w;

      memset (p, 0, (gsize) grid.ph * grid.pw * c * sizeof (float));
      for (guint ty = 0; ty < grid.th; ty++)
        for (guint tx = 0; tx < grid.tw; tx++)
          {
            gsize tile = b * grid.tiles + (gsize) ty * grid.tw + tx;
            const float *in = dv + tile * c;
            float *d = p + ((gsize) (2 * ty) * grid.pw + 2 * tx) * c;
            float *r = q + 16 * (gsize) c;

            /* B dV: down the columns j */
            for (guint j = 0; j < 4; j++)
              b4 (in + j * stride, in + (4 + j) * stride, in + (8 + j) * stride,
                  in + (12 + j) * stride, c,
                  q + j * c, q + (4 + j) * c, q + (8 + j) * c, q + (12 + j) * c);
            /* (B dV) Bᵀ: along the rows i, added into the patch, which overlaps its
             * neighbours' by two rows and columns */
            for (guint i = 0; i < 4; i++)
              {
                float *restrict dst = d + i * row;

                b4 (q + 4 * i * c, q + (4 * i + 1) * c, q + (4 * i + 2) * c,
                    q + (4 * i + 3) * c, c, r, r + c, r + 2 * c, r + 3 * c);
                for (guint k = 0; k < 4 * c; k++)
                  dst[k] += r[k];
              }
          }
      /* back to (C, H, W), the padding dropped */
      for (guint y = 0; y < g->h; y++)
        {
          const float *src_row = p + ((gsize) (y + g->pad) * grid.pw + g->pad) * c;

          for (guint ch = 0; ch < c; ch++)
            {
              const float *restrict src = src_row + ch;
              float *restrict dst = img + ((gsize) ch * g->h + y) * g->w;

              for (guint xx = 0; xx < g->w; xx++)
                dst[xx] += src[(gsize) xx * c];
            }
        }
    }
}

/* Outputs */

void
ds_winograd_outputs (const DsPatchGeometry *g,
                     guint                  filters,
                     const float           *m,
                     const float           *bias,
                     gboolean               relu,
                     guint                  batch,
                     float                 *y)
{
  Grid grid = grid_of (g, batch);
  guint f = filters;
  gsize stride = ds_winograd_stride (grid.nt, f);
  guint qw = 2 * grid.tw;                               /* the tiles' output, (2 th, 2 tw, F) */
  g_autofree float *q = g_new (float, (gsize) 2 * grid.th * qw * f);
  g_autofree float *s = g_new (float, 8 * (gsize) f);  /* M A: s[2 i + j] */

  for (guint b = 0; b < batch; b++)
    {
      float *img = y + (gsize) b * f * g->oh * g->ow;

      for (guint ty = 0; ty < grid.th; ty++)
        for (guint tx = 0; tx < grid.tw; tx++)
          {
            gsize tile = b * grid.tiles + (gsize) ty * grid.tw + tx;
            const float *in = m + tile * f;
            float *o = q + ((gsize) (2 * ty) * qw + 2 * tx) * f;

            /* M A: along the rows i */
            for (guint i = 0; i < 4; i++)
              at4 (in + 4 * i * stride, in + (4 * i + 1) * stride, in + (4 * i + 2) * stride,
                   in + (4 * i + 3) * stride, f, s + 2 * i * f, s + (2 * i + 1) * f);
            /* Aᵀ (M A): down the columns j, into output rows 2 ty and 2 ty + 1 */
            for (guint j = 0; j < 2; j++)
              at4 (s + j * f, s + (2 + j) * f, s + (4 + j) * f, s + (6 + j) * f, f,
                   o + j * f, o + ((gsize) qw + j) * f);
          }
      /* back to (F, OH, OW), with the bias and the ReLU; tiles past an odd edge dropped */
      for (guint fi = 0; fi < f; fi++)
        for (guint oy = 0; oy < g->oh; oy++)
          {
            const float *restrict src = q + (gsize) oy * qw * f + fi;
            float *restrict dst = img + ((gsize) fi * g->oh + oy) * g->ow;

            if (relu)
              for (guint ox = 0; ox < g->ow; ox++)
                dst[ox] = MAX (src[(gsize) ox * f] + bias[fi], 0.0f);
            else
              for (guint ox = 0; ox < g->ow; ox++)
                dst[ox] = src[(gsize) ox * f] + bias[fi];
          }
    }
}

void
ds_winograd_outputs_grad (const DsPatchGeometry *g,
                          guint                  filters,
                          const float           *dy,
                          const float           *y,
                          guint                  batch,
                          float                 *dm,
                          float                 *dbias)
{
  Grid grid = grid_of (g, batch);
  guint f = filters;
  gsize stride = ds_winograd_stride (grid.nt, f);
  guint qw = 2 * grid.tw;
  gsize ohw = (gsize) g->oh * g->ow;
  /* dY as (2 th, 2 tw, F), zero past an odd edge */
  g_autofree float *e = g_new0 (float, (gsize) 2 * grid.th * qw * f);
  g_autofree float *c = g_new (float, 8 * (gsize) f);   /* dY Aᵀ: c[4 i + j] */
  g_autofree float *sum = g_new0 (float, f);            /* the bias gradient, tile by tile */

  for (guint b = 0; b < batch; b++)
    {
      const float *img = dy + (gsize) b * f * ohw;
      const float *mask = y != NULL ? y + (gsize) b * f * ohw : NULL;

      for (guint fi = 0; fi < f; fi++)
        for (guint oy = 0; oy < g->oh; oy++)
          {
            gsize r = ((gsize) fi * g->oh + oy) * g->ow;
            const float *restrict src = img + r;
            float *restrict dst = e + (gsize) oy * qw * f + fi;

            if (mask != NULL)
              for (guint ox = 0; ox < g->ow; ox++)
                dst[(gsize) ox * f] = mask[r + ox] > 0.0f ? src[ox] : 0.0f;
            else
              for (guint ox = 0; ox < g->ow; ox++)
                dst[(gsize) ox * f] = src[ox];
          }
      for (guint ty = 0; ty < grid.th; ty++)
        for (guint tx = 0; tx < grid.tw; tx++)
          {
            gsize tile = b * grid.tiles + (gsize) ty * grid.tw + tx;
            const float *restrict d = e + ((gsize) (2 * ty) * qw + 2 * tx) * f;
            const float *restrict d1 = d + (gsize) qw * f;
            float *out = dm + tile * f;

            for (guint k = 0; k < f; k++)
              sum[k] += (d[k] + d[f + k]) + (d1[k] + d1[f + k]);
            /* dY Aᵀ: along the two rows */
            for (guint i = 0; i < 2; i++)
              a2 (d + (gsize) i * qw * f, d + (gsize) i * qw * f + f, f,
                  c + 4 * i * f, c + (4 * i + 1) * f, c + (4 * i + 2) * f, c + (4 * i + 3) * f);
            /* A (dY Aᵀ): down the columns j */
            for (guint j = 0; j < 4; j++)
              a2 (c + j * f, c + (4 + j) * f, f,
                  out + j * stride, out + (4 + j) * stride,
                  out + (8 + j) * stride, out + (12 + j) * stride);
          }
    }
  for (guint k = 0; k < f; k++)
    dbias[k] += sum[k];
}
