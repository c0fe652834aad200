/* ds-tensor.h: float32 tensors in NCHW
 *
 * A dense layer's activations are (N, C, 1, 1). A tensor owns its buffer, which only grows:
 * reshaping to a smaller size keeps the allocation, so the training loop allocates nothing
 * after its first step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint n, c, h, w;
} DsShape;

typedef struct
{
  DsShape shape;
  float  *data;      /* (n, c, h, w), 64-byte aligned */
  gsize   capacity;  /* floats allocated */
} DsTensor;

#define DS_SHAPE(n_, c_, h_, w_) ((DsShape) { (n_), (c_), (h_), (w_) })

static inline gsize
ds_shape_size (const DsShape *s)
{
  return (gsize) s->n * s->c * s->h * s->w;
}

/* Elements of one sample: c * h * w. */
static inline gsize
ds_shape_sample_size (const DsShape *s)
{
  return (gsize) s->c * s->h * s->w;
}

static inline gsize
ds_tensor_size (const DsTensor *t)
{
  return ds_shape_size (&t->shape);
}

gboolean  ds_shape_equal     (const DsShape *a,
                              const DsShape *b);
/* "(64, 32, 26, 26)"; free with g_free() */
char     *ds_shape_to_string (const DsShape *s);

/* A tensor of @shape filled with zeros; free with ds_tensor_free(). */
DsTensor *ds_tensor_new      (DsShape        shape);
void      ds_tensor_free     (DsTensor      *t);
/* Sets the shape, growing the buffer when needed. Contents are undefined afterwards. */
void      ds_tensor_reshape  (DsTensor      *t,
                              DsShape        shape);
void      ds_tensor_zero     (DsTensor      *t);
/* Reshapes @dst like @src and copies the values. */
void      ds_tensor_copy     (DsTensor      *dst,
                              const DsTensor *src);
/* Releases the buffer of a tensor embedded in a struct; the tensor is empty afterwards. */
void      ds_tensor_clear    (DsTensor      *t);

/* Sum of @n floats in 16 interleaved partial sums: vectorises without -ffast-math and is
 * more accurate than one running sum. */
float     ds_floats_sum      (const float   *x,
                              gsize          n);

/* 64-byte aligned allocation of @n floats, zeroed; aborts when memory is exhausted, as
 * g_malloc() does. Sizes that come from files or users go through ds_floats_try_new0(). */
float    *ds_floats_new0     (gsize          n);
/* The same, NULL when @n floats cannot be had. */
float    *ds_floats_try_new0 (gsize          n);
void      ds_floats_free     (float         *p);
/* Grows a scratch buffer to hold at least @n floats; the contents are lost when it grows. */
void      ds_floats_reserve  (float        **p,
                              gsize         *capacity,
                              gsize          n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsTensor, ds_tensor_free)

G_END_DECLS
