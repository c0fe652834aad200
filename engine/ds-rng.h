/* ds-rng.h: the engine's random generator (xoshiro256**, seeded by splitmix64)
 *
 * Every random draw in the engine goes through a DsRng passed in by the caller, so the same
 * seed gives the same model on every run and in every front end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
} DsRng;

void    ds_rng_seed     (DsRng *rng, guint64 seed);
guint64 ds_rng_next     (DsRng *rng);
/* Uniform in [0, 1). */
float   ds_rng_uniform  (DsRng *rng);
/* Uniform integer in [0, bound); bound > 0. */
guint32 ds_rng_below    (DsRng *rng, guint32 bound);
/* Standard normal (Box-Muller). */
float   ds_rng_normal   (DsRng *rng);
/* Fisher-Yates shuffle of @n indices in place. */
void    ds_rng_shuffle  (DsRng *rng, guint32 *idx, gsize n);

G_END_DECLS
