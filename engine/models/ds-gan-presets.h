/* ds-gan-presets.h: named generator and discriminator pairs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "nn/ds-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  const char *description;
  guint       latent;      /* default size of z */
  guint       epochs;      /* what it was tuned with; a front end may override it */
} DsGanPreset;

/* NULL-terminated list of the GAN presets: "dcgan" (the default for images) and "mlp-gan". */
const DsGanPreset * const *ds_gan_presets       (void);
const DsGanPreset         *ds_gan_preset_lookup (const char  *name);

/* The architecture specs of preset @name for images of @image (1, C, H, W) and latent vectors
 * of @latent values: the generator maps (B, latent, 1, 1) to C·H·W values a sample in [-1, 1]
 * (tanh), the discriminator maps (B, C, H, W) to one logit a sample.
 * Returns: FALSE with @error for an unknown preset or an image size it cannot make; otherwise
 * @g_spec and @d_spec hold new strings (g_free()). */
gboolean                   ds_gan_preset_specs  (const char  *name,
                                                 DsShape      image,
                                                 guint        latent,
                                                 char       **g_spec,
                                                 char       **d_spec,
                                                 GError     **error);

G_END_DECLS
