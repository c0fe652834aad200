/* ds-demo-texture.c: the demo set's surfaces, and the fixed-point maths and noise they are made of
 *
 * Integer arithmetic only, for the reasons given in ds-demo.c: the same seed must give the same
 * bytes on every platform.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "data/ds-demo-private.h"

/* ---- fixed-point arithmetic ------------------------------------------------------------- */

static gint64
floor_q16 (gint64 v)
{
  return v >= 0 ? v / FX_ONE : -((-v + FX_ONE - 1) / FX_ONE);
}

guint64
ds_demo_isqrt64 (guint64 v)
{
  guint64 r = 0;
  guint64 bit = (guint64) 1 << 62;

  while (bit > v)
    bit >>= 2;
  while (bit != 0)
    {
      if (v >= r + bit)
        {
          v -= r + bit;
          r = (r >> 1) + bit;
        }
      else
        r >>= 1;
      bit >>= 2;
    }
  return r;
}

gint32
ds_demo_fx_sin (gint64 a)
{
  guint32 t = (guint32) (a & 0xffff);
  guint32 quadrant = t >> 14;
  gint64 r = t & 0x3fff;
  gint64 x, x2, s;

  if (quadrant & 1)
    r = TURN_QUARTER - r;
  x = r * 102944 / TURN_QUARTER;    /* radians in Q16; pi/2 = 102944 */
  x2 = x * x / FX_ONE;
  s = FX_ONE - x2 / 42;
  s = FX_ONE - x2 * s / FX_ONE / 20;
  s = FX_ONE - x2 * s / FX_ONE / 6;
  s = MIN (x * s / FX_ONE, FX_ONE);
  return (gint32) (quadrant >= 2 ? -s : s);
}

gint64
ds_demo_smooth (gint64 t)
{
  t = CLAMP (t, 0, FX_ONE);
  return (t * t / FX_ONE) * (3 * FX_ONE - 2 * t) / FX_ONE;
}

static guint32
mix32 (guint32 h)
{
  h ^= h >> 16;
  h *= 0x7feb352dU;
  h ^= h >> 15;
  h *= 0x846ca68bU;
  h ^= h >> 16;
  return h;
}

guint32
ds_demo_hash2 (guint32 seed,
               gint64  x,
               gint64  y)
{
  return mix32 (mix32 (seed ^ (guint32) x) + (guint32) y * 0x9e3779b9U);
}

gint64
ds_demo_noise2 (guint32 seed,
                gint64  u,
                gint64  v)
{
  gint64 iu = floor_q16 (u), iv = floor_q16 (v);
  gint64 fu = ds_demo_smooth (u - iu * FX_ONE), fv = ds_demo_smooth (v - iv * FX_ONE);
  gint64 a = ds_demo_hash2 (seed, iu, iv) >> 16, b = ds_demo_hash2 (seed, iu + 1, iv) >> 16;
  gint64 c = ds_demo_hash2 (seed, iu, iv + 1) >> 16;
  gint64 d = ds_demo_hash2 (seed, iu + 1, iv + 1) >> 16;
  gint64 top = a + (b - a) * fu / FX_ONE;
  gint64 bottom = c + (d - c) * fu / FX_ONE;

  return top + (bottom - top) * fv / FX_ONE - FX_HALF;
}

/* @octaves of noise2(), each at twice the frequency and @gain (Q16) times the amplitude. */
static gint64
fbm (guint32 seed,
     gint64  u,
     gint64  v,
     guint   octaves,
     gint64  gain)
{
  gint64 sum = 0, amp = FX_ONE;

  for (guint o = 0; o < octaves; o++)
    {
      sum += ds_demo_noise2 (seed + o * 0x632be5abU, u, v) * amp / FX_ONE;
      amp = amp * gain / FX_ONE;
      /* the offset keeps octaves' lattice points from lining up */
      u = 2 * u + 0x5a3c7;
      v = 2 * v + 0x3b1e9;
    }
  return sum;
}

gint32
ds_demo_rand_range (DsRng  *rng,
                    gint32  lo,
                    gint32  hi)
{
  return lo + (gint32) ds_rng_below (rng, (guint32) (hi - lo + 1));
}

/* Lattice frequency (Q16 cells per pixel) for cells of @cell_x100 hundredths of a pixel at
 * 64 px: every length scales with the image, so a larger image is the same scene, finer. */
static gint64
freq (guint   n,
      gint32  cell_x100)
{
  return (gint64) FX_ONE * 64 * 100 / ((gint64) cell_x100 * n);
}

gint64
ds_demo_len_q8 (guint   n,
                gint32  px_x100)
{
  return (gint64) px_x100 * Q8_ONE * n / (64 * 100);
}

/* ---- textures: each fills @out (n, n) with values of any scale; normalise_surface() sets
 * mean and contrast afterwards ---------------------------------------------------------------*/

/* Brushed metal: noise stretched along one direction in coarse and fine layers, over a
 * faint isotropic mottle. */
static void
texture_metal (guint    n,
               DsRng   *rng,
               guint32  seed,
               gint64  *out)
{
  gint32 angle = ds_demo_rand_range (rng, 0, FX_HALF - 1);
  gint64 c = ds_demo_fx_cos (angle), s = ds_demo_fx_sin (angle);
  gint64 fa = freq (n, ds_demo_rand_range (rng, 1500, 6000));
  gint64 fc = freq (n, ds_demo_rand_range (rng, 90, 260));
  gint64 fa2 = freq (n, ds_demo_rand_range (rng, 400, 1500));
  gint64 fc2 = freq (n, ds_demo_rand_range (rng, 50, 110));
  gint64 fm = freq (n, ds_demo_rand_range (rng, 1400, 4000));
  gint64 w_fine = ds_demo_rand_range (rng, 20000, 60000);
  gint64 w_mottle = ds_demo_rand_range (rng, 10000, 40000);

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 u = x * c + y * s, v = (gint64) y * c - (gint64) x * s;   /* Q16 px */
        gint64 streak = fbm (seed, u * fa / FX_ONE, v * fc / FX_ONE, 3, 36000);
        gint64 fine = ds_demo_noise2 (seed + 1, u * fa2 / FX_ONE, v * fc2 / FX_ONE);
        gint64 mottle = fbm (seed + 2, x * fm, y * fm, 2, 32768);

        out[y * n + x] = streak + (fine * w_fine + mottle * w_mottle) / FX_ONE;
      }
}

/* Cast or sand-blasted: blobs over several octaves, a finer grain, and per-pixel speckle. */
static void
texture_cast (guint    n,
              DsRng   *rng,
              guint32  seed,
              gint64  *out)
{
  gint64 fb = freq (n, ds_demo_rand_range (rng, 500, 1300));
  gint64 fg = freq (n, ds_demo_rand_range (rng, 120, 260));
  gint64 gain = ds_demo_rand_range (rng, 30000, 42000);
  gint64 w_grain = ds_demo_rand_range (rng, 15000, 50000);
  gint64 w_speckle = ds_demo_rand_range (rng, 3000, 14000);
  /* sand: sharpen blob edges into flecks */
  gboolean sand = ds_rng_below (rng, 2) == 0;

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 blob = fbm (seed, x * fb, y * fb, 4, gain);
        gint64 grain = fbm (seed + 1, x * fg, y * fg, 2, 32768);
        gint64 speckle = (gint64) (ds_demo_hash2 (seed + 2, x, y) >> 16) - FX_HALF;

        if (sand)
          blob = blob * (FX_ONE / 2 + (blob < 0 ? -blob : blob)) / FX_ONE;
        out[y * n + x] = blob + (grain * w_grain + speckle * w_speckle) / FX_ONE;
      }
}

/* 4f(1 - f): a thread's rounded cross-section, Q16 */
#define bump(f) (4 * (f) * (FX_ONE - (f)) / FX_ONE)

/* Woven: warp and weft threads crossing in plain or twill weave, the grid warped by smooth
 * noise, each thread a little brighter or darker than its neighbours, with fibres. */
static void
texture_fabric (guint    n,
                DsRng   *rng,
                guint32  seed,
                gint64  *out)
{
  /* one draw per statement: the order of two in one expression is the compiler's choice */
  gint32 axis = (gint32) ds_rng_below (rng, 2) * TURN_QUARTER;
  gint32 angle = axis + ds_demo_rand_range (rng, -2700, 2700);
  gint64 c = ds_demo_fx_cos (angle), s = ds_demo_fx_sin (angle);
  gint64 period = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 420, 800)) * Q8_ONE;  /* Q16 px */
  gint64 jitter = period * ds_demo_rand_range (rng, 0, 22000) / FX_ONE;
  gint64 fj = freq (n, ds_demo_rand_range (rng, 1200, 3000));
  gint64 thread_var = ds_demo_rand_range (rng, 4000, 16000);
  gint64 fibre_var = ds_demo_rand_range (rng, 3000, 12000);
  guint twill = ds_rng_below (rng, 2);
  gint64 ff = freq (n, 60);

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 ju = ds_demo_noise2 (seed, x * fj, y * fj) * jitter / FX_HALF;
        gint64 jv = ds_demo_noise2 (seed + 1, x * fj, y * fj) * jitter / FX_HALF;
        gint64 u = x * c + y * s + ju, v = (gint64) y * c - (gint64) x * s + jv;
        gint64 pu = u * FX_ONE / period, pv = v * FX_ONE / period;   /* Q16 thread units */
        gint64 i = floor_q16 (pu), j = floor_q16 (pv);
        gint64 fu = pu - i * FX_ONE, fv = pv - j * FX_ONE;
        gboolean warp_up = twill ? ((i - j) % 3 + 3) % 3 != 0 : ((i + j) & 1) == 0;
        gint64 across = warp_up ? fu : fv, along = warp_up ? fv : fu;
        gint64 id = warp_up ? i : j + 0x10000;
        gint64 tone = (gint64) (ds_demo_hash2 (seed + 2, id, 0) >> 16) - FX_HALF;
        gint64 shade = FX_ONE + tone * thread_var / FX_HALF;
        gint64 fibre = warp_up ? ds_demo_noise2 (seed + 3, u * ff / FX_ONE / 8, v * ff / FX_ONE)
                               : ds_demo_noise2 (seed + 4, u * ff / FX_ONE, v * ff / FX_ONE / 8);
        gint64 top = bump (across) * (FX_ONE * 6 / 10 + bump (along) * 4 / 10) / FX_ONE;

        out[y * n + x] = top * shade / FX_ONE + fibre * fibre_var / FX_ONE;
      }
}

/* Machined: turning grooves with a skewed triangular profile, straight or on arcs around a
 * far centre, their depth varying along the cut (chatter), over fine noise. */
static void
texture_grooves (guint    n,
                 DsRng   *rng,
                 guint32  seed,
                 gint64  *out)
{
  gint32 angle = ds_demo_rand_range (rng, 0, FX_ONE - 1);
  gint64 c = ds_demo_fx_cos (angle), s = ds_demo_fx_sin (angle);
  gboolean straight = ds_rng_below (rng, 3) == 0;
  gint64 radius = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 9000, 40000));         /* Q8 px */
  gint64 cx = n * Q8_ONE / 2 - radius * c / FX_ONE, cy = n * Q8_ONE / 2 - radius * s / FX_ONE;
  gint64 period = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 230, 550)) * Q8_ONE;   /* Q16 px */
  gint64 peak = ds_demo_rand_range (rng, 12000, 52000);
  gint64 fch = freq (n, ds_demo_rand_range (rng, 800, 2500));
  gint64 fn = freq (n, ds_demo_rand_range (rng, 150, 400));
  gint64 chatter = ds_demo_rand_range (rng, 8000, 30000);
  gint64 w_noise = ds_demo_rand_range (rng, 5000, 20000);

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 d, along, phase, f, profile;

        if (straight)
          {
            d = x * c + y * s;
            along = (gint64) y * c - (gint64) x * s;
          }
        else
          {
            gint64 dx = x * Q8_ONE + Q8_ONE / 2 - cx, dy = y * Q8_ONE + Q8_ONE / 2 - cy;

            d = (gint64) ds_demo_isqrt64 ((guint64) (dx * dx + dy * dy)) * Q8_ONE;
            along = (dx * -s + dy * c) / Q8_ONE;
          }
        phase = d * FX_ONE / period;
        f = phase - floor_q16 (phase) * FX_ONE;
        profile = f < peak ? f * FX_ONE / peak : (FX_ONE - f) * FX_ONE / (FX_ONE - peak);
        profile = ds_demo_smooth (profile) - FX_HALF;
        profile = profile * (FX_ONE + ds_demo_noise2 (seed, along * fch / FX_ONE, phase / 16)
                             * chatter / FX_HALF) / FX_ONE;
        out[y * n + x] = profile + fbm (seed + 1, x * fn, y * fn, 2, 32768) * w_noise / FX_ONE;
      }
}

void
ds_demo_texture_fill (DsDemoTexture  texture,
                      guint          n,
                      DsRng         *rng,
                      guint32        seed,
                      gint64        *out)
{
  static void (* const textures[DS_DEMO_N_TEXTURES]) (guint, DsRng *, guint32, gint64 *) = {
    texture_metal, texture_cast, texture_fabric, texture_grooves,
  };

  textures[texture] (n, rng, seed, out);
}
