/* ds-demo-private.h: what the demo set's files share: fixed-point maths, noise and the textures
 * (ds-demo-texture.c)
 *
 * Q16 for fractions, angles (1/65536 of a turn) and noise lattice coordinates, Q8 for pixel
 * positions and gray levels; ds-demo.c says why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "data/ds-demo.h"
#include "ds-rng.h"

G_BEGIN_DECLS

#define FX_ONE      65536
#define FX_HALF     32768
#define Q8_ONE      256
#define TURN_QUARTER 16384

/* G_GNUC_INTERNAL (hidden visibility) lets the compiler inline these in -fPIC code: the noise is
 * evaluated several times a pixel and a call each time makes the demo set a fifth slower. */

G_GNUC_INTERNAL
guint64 ds_demo_isqrt64      (guint64        v);
/* sin of @a turns (Q16, any value) in Q16: a Taylor series on the first quarter turn. */
G_GNUC_INTERNAL
gint32  ds_demo_fx_sin       (gint64         a);
#define ds_demo_fx_cos(a) ds_demo_fx_sin ((a) + TURN_QUARTER)
/* 3t² - 2t³ for t in [0, 1], Q16 */
G_GNUC_INTERNAL
gint64  ds_demo_smooth       (gint64         t);
G_GNUC_INTERNAL
guint32 ds_demo_hash2        (guint32        seed,
                              gint64         x,
                              gint64         y);
/* Value noise at lattice coordinates (@u, @v) in Q16: smooth, in [-32768, 32767]. */
G_GNUC_INTERNAL
gint64  ds_demo_noise2       (guint32        seed,
                              gint64         u,
                              gint64         v);
/* Uniform integer in [@lo, @hi]. */
G_GNUC_INTERNAL
gint32  ds_demo_rand_range   (DsRng         *rng,
                              gint32         lo,
                              gint32         hi);
/* A length of @px_x100 hundredths of a pixel at 64 px, in Q8 pixels at size @n. */
G_GNUC_INTERNAL
gint64  ds_demo_len_q8       (guint          n,
                              gint32         px_x100);

/* Fills @out (n, n) with @texture drawn from @rng, in values of any scale: the caller sets
 * mean and contrast. */
G_GNUC_INTERNAL
void    ds_demo_texture_fill (DsDemoTexture  texture,
                              guint          n,
                              DsRng         *rng,
                              guint32        seed,
                              gint64        *out);

G_END_DECLS
