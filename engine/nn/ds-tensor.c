/* ds-tensor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "ds-tensor.h"

float *
ds_floats_try_new0 (gsize n)
{
  gsize bytes;
  void *p = NULL;

  if (!g_size_checked_mul (&bytes, MAX (n, 1), sizeof (float)) || bytes > G_MAXSIZE - 63)
    return NULL;
  bytes = (bytes + 63) & ~(gsize) 63;
  if (posix_memalign (&p, 64, bytes) != 0)
    return NULL;
  memset (p, 0, bytes);

  return p;
}

float *
ds_floats_new0 (gsize n)
{
  float *p = ds_floats_try_new0 (n);

  if (p == NULL)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " floats", G_STRFUNC, n);

  return p;
}

void
ds_floats_free (float *p)
{
  free (p);
}

float
ds_floats_sum (const float *x,
               gsize        n)
{
  float acc[16] = { 0 };
  gsize i = 0;
  float sum = 0.0f;

  for (; i + 16 <= n; i += 16)
    for (guint j = 0; j < 16; j++)
      acc[j] += x[i + j];
  for (; i < n; i++)
    acc[i % 16] += x[i];
  for (guint j = 0; j < 16; j++)
    sum += acc[j];

  return sum;
}

void
ds_floats_reserve (float **p,
                   gsize  *capacity,
                   gsize   n)
{
  if (n <= *capacity && *p != NULL)
    return;
  ds_floats_free (*p);
  *p = ds_floats_new0 (n);
  *capacity = n;
}

gboolean
ds_shape_equal (const DsShape *a,
                const DsShape *b)
{
  return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}

char *
ds_shape_to_string (const DsShape *s)
{
  return g_strdup_printf ("(%u, %u, %u, %u)", s->n, s->c, s->h, s->w);
}

DsTensor *
ds_tensor_new (DsShape shape)
{
  DsTensor *t = g_new0 (DsTensor, 1);

  ds_tensor_reshape (t, shape);
  ds_tensor_zero (t);

  return t;
}

void
ds_tensor_clear (DsTensor *t)
{
  g_clear_pointer (&t->data, ds_floats_free);
  t->capacity = 0;
  t->shape = DS_SHAPE (0, 0, 0, 0);
}

void
ds_tensor_free (DsTensor *t)
{
  if (t == NULL)
    return;
  ds_tensor_clear (t);
  g_free (t);
}

void
ds_tensor_reshape (DsTensor *t,
                   DsShape   shape)
{
  gsize size = ds_shape_size (&shape);

  if (size > t->capacity)
    {
      ds_floats_free (t->data);
      t->data = ds_floats_new0 (size);
      t->capacity = size;
    }
  t->shape = shape;
}

void
ds_tensor_zero (DsTensor *t)
{
  if (t->data != NULL)
    memset (t->data, 0, ds_tensor_size (t) * sizeof (float));
}

void
ds_tensor_copy (DsTensor       *dst,
                const DsTensor *src)
{
  ds_tensor_reshape (dst, src->shape);
  if (ds_tensor_size (src) > 0)
    memcpy (dst->data, src->data, ds_tensor_size (src) * sizeof (float));
}
