/* ds-sample-set.h: a set of generated images as 8-bit pixels, shared between threads
 *
 * What a GAN made from its fixed latents at the end of an epoch (or an interpolation strip):
 * n images of c × h × w bytes, immutable once made, reference counted, so the training thread
 * hands it to the main loop and the gallery, the panel and the store read it without copies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "nn/ds-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  guint   epoch;       /* the generator's epoch, 1-based */
  guint   n, c, h, w;
  GBytes *pixels;      /* (n, c, h, w) bytes, 0-255 */
  /*< private >*/
  gint    ref_count;
} DsSampleSet;

#define DS_TYPE_SAMPLE_SET (ds_sample_set_get_type ())
GType         ds_sample_set_get_type    (void) G_GNUC_CONST;

/* Returns: (transfer full): @images (n, C, H, W), values in [0, 1] (clamped), as bytes. */
DsSampleSet  *ds_sample_set_new_from_tensor (guint           epoch,
                                             const DsTensor *images);
DsSampleSet  *ds_sample_set_ref         (DsSampleSet    *set);
void          ds_sample_set_unref       (DsSampleSet    *set);
/* Returns: (transfer none): image @index's c × h × w bytes. */
const guint8 *ds_sample_set_get_image   (const DsSampleSet *set,
                                         guint           index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsSampleSet, ds_sample_set_unref)

G_END_DECLS
