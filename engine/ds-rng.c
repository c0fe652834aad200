/* ds-rng.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-rng.h"

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
ds_rng_seed (DsRng   *rng,
             guint64  seed)
{
  /* splitmix64 spreads a small seed over the whole state, so seed 1 and 2 differ everywhere */
  for (int i = 0; i < 4; i++)
    {
      guint64 z = (seed += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      rng->s[i] = z ^ (z >> 31);
    }
}

guint64
ds_rng_next (DsRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

float
ds_rng_uniform (DsRng *rng)
{
  /* 24 random bits: every value is exactly representable and < 1 */
  return (float) (ds_rng_next (rng) >> 40) * (1.0f / 16777216.0f);
}

guint32
ds_rng_below (DsRng   *rng,
              guint32  bound)
{
  /* Lemire's multiply-shift; the bias for bounds this small is far below 2^-32 */
  return (guint32) (((ds_rng_next (rng) >> 32) * (guint64) bound) >> 32);
}

float
ds_rng_normal (DsRng *rng)
{
  double u1 = ((ds_rng_next (rng) >> 11) + 1.0) * (1.0 / 9007199254740993.0);
  double u2 = (ds_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);

  return (float) (sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2));
}

void
ds_rng_shuffle (DsRng    *rng,
                guint32  *idx,
                gsize     n)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = ds_rng_below (rng, (guint32) i);
      guint32 tmp = idx[i - 1];

      idx[i - 1] = idx[j];
      idx[j] = tmp;
    }
}
