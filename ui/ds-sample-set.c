/* ds-sample-set.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-sample-set.h"

G_DEFINE_BOXED_TYPE (DsSampleSet, ds_sample_set, ds_sample_set_ref, ds_sample_set_unref)

DsSampleSet *
ds_sample_set_new_from_tensor (guint           epoch,
                               const DsTensor *images)
{
  DsSampleSet *set = g_new0 (DsSampleSet, 1);
  gsize size = ds_tensor_size (images);
  guint8 *bytes = g_malloc (MAX (size, 1));

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) lrintf (CLAMP (images->data[i], 0.0f, 1.0f) * 255.0f);
  set->epoch = epoch;
  set->n = images->shape.n;
  set->c = images->shape.c;
  set->h = images->shape.h;
  set->w = images->shape.w;
  set->pixels = g_bytes_new_take (bytes, size);
  set->ref_count = 1;

  return set;
}

DsSampleSet *
ds_sample_set_ref (DsSampleSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);

  g_atomic_int_inc (&set->ref_count);
  return set;
}

void
ds_sample_set_unref (DsSampleSet *set)
{
  if (set == NULL || !g_atomic_int_dec_and_test (&set->ref_count))
    return;
  g_bytes_unref (set->pixels);
  g_free (set);
}

const guint8 *
ds_sample_set_get_image (const DsSampleSet *set,
                         guint              index)
{
  g_return_val_if_fail (index < set->n, NULL);

  return (const guint8 *) g_bytes_get_data (set->pixels, NULL)
         + (gsize) index * set->c * set->h * set->w;
}
