/* ds-demo.c: the synthetic surface-inspection data set
 *
 * All rendering is integer fixed-point arithmetic: Q16 for fractions, angles (1/65536 of a
 * turn) and noise lattice coordinates, Q8 for pixel positions and gray levels. Floating point
 * would be simpler, but the build contracts a*b+c into FMA on some targets and not on others,
 * and libm's sin/cos/exp differ between platforms; with integers the same seed gives the same
 * bytes everywhere. Random draws use ds_rng_below() only (ds_rng_normal() calls libm), and
 * signed values are scaled by division, which C defines to truncate, never by shifts.
 *
 * Each image has two generators seeded from (seed, index): one for the surface and one for
 * the defect, so ds_demo_render_clean() reproduces the surface exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "data/ds-demo.h"
#include "data/ds-png.h"
#include "ds-error.h"
#include "ds-file.h"
#include "ds-rng.h"

#define FX_ONE      65536
#define FX_HALF     32768
#define Q8_ONE      256
#define TURN_QUARTER 16384

static const char * const class_names[DS_DEMO_N_CLASSES] = { "ok", "scratch", "spot", "crack" };
static const char * const texture_names[DS_DEMO_N_TEXTURES] = {
  "metal", "cast", "fabric", "grooves",
};

/* One image being rendered. */
typedef struct
{
  guint    n;          /* side in pixels */
  guint32  seed;       /* for hashed noise; differs per image */
  gint32  *surface;    /* (n, n) texture, lighting included, gray in Q8 */
  gint32  *effect;     /* (n, n) what the defect adds, gray in Q8, signed */
  gint32   mean;       /* the texture's mean, gray in Q8 */
  gint32   sigma;      /* the texture's standard deviation, gray in Q8 */
} Canvas;

/* ---- fixed-point arithmetic ------------------------------------------------------------- */

static gint64
floor_q16 (gint64 v)
{
  return v >= 0 ? v / FX_ONE : -((-v + FX_ONE - 1) / FX_ONE);
}

static guint64
isqrt64 (guint64 v)
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

/* sin of @a turns (Q16, any value) in Q16: a Taylor series on the first quarter turn. */
static gint32
fx_sin (gint64 a)
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

#define fx_cos(a) fx_sin ((a) + TURN_QUARTER)

/* 3t² - 2t³ for t in [0, 1], Q16 */
static gint64
smooth (gint64 t)
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

static guint32
hash2 (guint32 seed,
       gint64  x,
       gint64  y)
{
  return mix32 (mix32 (seed ^ (guint32) x) + (guint32) y * 0x9e3779b9U);
}

/* Value noise at lattice coordinates (@u, @v) in Q16: smooth, in [-32768, 32767]. */
static gint64
noise2 (guint32 seed,
        gint64  u,
        gint64  v)
{
  gint64 iu = floor_q16 (u), iv = floor_q16 (v);
  gint64 fu = smooth (u - iu * FX_ONE), fv = smooth (v - iv * FX_ONE);
  gint64 a = hash2 (seed, iu, iv) >> 16, b = hash2 (seed, iu + 1, iv) >> 16;
  gint64 c = hash2 (seed, iu, iv + 1) >> 16, d = hash2 (seed, iu + 1, iv + 1) >> 16;
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
      sum += noise2 (seed + o * 0x632be5abU, u, v) * amp / FX_ONE;
      amp = amp * gain / FX_ONE;
      /* the offset keeps octaves' lattice points from lining up */
      u = 2 * u + 0x5a3c7;
      v = 2 * v + 0x3b1e9;
    }
  return sum;
}

/* Uniform integer in [@lo, @hi]. */
static gint32
rand_range (DsRng  *rng,
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

/* A length of @px_x100 hundredths of a pixel at 64 px, in Q8 pixels at size @n. */
static gint64
len_q8 (guint   n,
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
  gint32 angle = rand_range (rng, 0, FX_HALF - 1);
  gint64 c = fx_cos (angle), s = fx_sin (angle);
  gint64 fa = freq (n, rand_range (rng, 1500, 6000)), fc = freq (n, rand_range (rng, 90, 260));
  gint64 fa2 = freq (n, rand_range (rng, 400, 1500)), fc2 = freq (n, rand_range (rng, 50, 110));
  gint64 fm = freq (n, rand_range (rng, 1400, 4000));
  gint64 w_fine = rand_range (rng, 20000, 60000), w_mottle = rand_range (rng, 10000, 40000);

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 u = x * c + y * s, v = (gint64) y * c - (gint64) x * s;   /* Q16 px */
        gint64 streak = fbm (seed, u * fa / FX_ONE, v * fc / FX_ONE, 3, 36000);
        gint64 fine = noise2 (seed + 1, u * fa2 / FX_ONE, v * fc2 / FX_ONE);
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
  gint64 fb = freq (n, rand_range (rng, 500, 1300)), fg = freq (n, rand_range (rng, 120, 260));
  gint64 gain = rand_range (rng, 30000, 42000);
  gint64 w_grain = rand_range (rng, 15000, 50000), w_speckle = rand_range (rng, 3000, 14000);
  /* sand: sharpen blob edges into flecks */
  gboolean sand = ds_rng_below (rng, 2) == 0;

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 blob = fbm (seed, x * fb, y * fb, 4, gain);
        gint64 grain = fbm (seed + 1, x * fg, y * fg, 2, 32768);
        gint64 speckle = (gint64) (hash2 (seed + 2, x, y) >> 16) - FX_HALF;

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
  gint32 angle = axis + rand_range (rng, -2700, 2700);
  gint64 c = fx_cos (angle), s = fx_sin (angle);
  gint64 period = len_q8 (n, rand_range (rng, 420, 800)) * Q8_ONE;        /* Q16 px */
  gint64 jitter = period * rand_range (rng, 0, 22000) / FX_ONE;
  gint64 fj = freq (n, rand_range (rng, 1200, 3000));
  gint64 thread_var = rand_range (rng, 4000, 16000), fibre_var = rand_range (rng, 3000, 12000);
  guint twill = ds_rng_below (rng, 2);
  gint64 ff = freq (n, 60);

  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        gint64 ju = noise2 (seed, x * fj, y * fj) * jitter / FX_HALF;
        gint64 jv = noise2 (seed + 1, x * fj, y * fj) * jitter / FX_HALF;
        gint64 u = x * c + y * s + ju, v = (gint64) y * c - (gint64) x * s + jv;
        gint64 pu = u * FX_ONE / period, pv = v * FX_ONE / period;   /* Q16 thread units */
        gint64 i = floor_q16 (pu), j = floor_q16 (pv);
        gint64 fu = pu - i * FX_ONE, fv = pv - j * FX_ONE;
        gboolean warp_up = twill ? ((i - j) % 3 + 3) % 3 != 0 : ((i + j) & 1) == 0;
        gint64 across = warp_up ? fu : fv, along = warp_up ? fv : fu;
        gint64 id = warp_up ? i : j + 0x10000;
        gint64 tone = (gint64) (hash2 (seed + 2, id, 0) >> 16) - FX_HALF;
        gint64 shade = FX_ONE + tone * thread_var / FX_HALF;
        gint64 fibre = warp_up ? noise2 (seed + 3, u * ff / FX_ONE / 8, v * ff / FX_ONE)
                               : noise2 (seed + 4, u * ff / FX_ONE, v * ff / FX_ONE / 8);
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
  gint32 angle = rand_range (rng, 0, FX_ONE - 1);
  gint64 c = fx_cos (angle), s = fx_sin (angle);
  gboolean straight = ds_rng_below (rng, 3) == 0;
  gint64 radius = len_q8 (n, rand_range (rng, 9000, 40000));           /* Q8 px */
  gint64 cx = n * Q8_ONE / 2 - radius * c / FX_ONE, cy = n * Q8_ONE / 2 - radius * s / FX_ONE;
  gint64 period = len_q8 (n, rand_range (rng, 230, 550)) * Q8_ONE;      /* Q16 px */
  gint64 peak = rand_range (rng, 12000, 52000);
  gint64 fch = freq (n, rand_range (rng, 800, 2500)), fn = freq (n, rand_range (rng, 150, 400));
  gint64 chatter = rand_range (rng, 8000, 30000), w_noise = rand_range (rng, 5000, 20000);

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

            d = (gint64) isqrt64 ((guint64) (dx * dx + dy * dy)) * Q8_ONE;
            along = (dx * -s + dy * c) / Q8_ONE;
          }
        phase = d * FX_ONE / period;
        f = phase - floor_q16 (phase) * FX_ONE;
        profile = f < peak ? f * FX_ONE / peak : (FX_ONE - f) * FX_ONE / (FX_ONE - peak);
        profile = smooth (profile) - FX_HALF;
        profile = profile * (FX_ONE + noise2 (seed, along * fch / FX_ONE, phase / 16) * chatter
                             / FX_HALF) / FX_ONE;
        out[y * n + x] = profile + fbm (seed + 1, x * fn, y * fn, 2, 32768) * w_noise / FX_ONE;
      }
}

/* Scales @tex to a random mean and contrast and adds a lighting gradient: the surface. */
static void
normalise_surface (Canvas       *cv,
                   DsRng        *rng,
                   const gint64 *tex)
{
  gsize count = (gsize) cv->n * cv->n;
  gint64 sum = 0, sum2 = 0, mean, sd;
  gint32 angle = rand_range (rng, 0, FX_ONE - 1);
  gint64 c = fx_cos (angle), s = fx_sin (angle), ramp;

  cv->mean = rand_range (rng, 85 * Q8_ONE, 170 * Q8_ONE);
  cv->sigma = rand_range (rng, 11 * Q8_ONE, 22 * Q8_ONE);
  ramp = cv->sigma * rand_range (rng, 0, 50000) / FX_ONE;
  for (gsize i = 0; i < count; i++)
    sum += tex[i];
  mean = sum / (gint64) count;
  for (gsize i = 0; i < count; i++)
    sum2 += (tex[i] - mean) * (tex[i] - mean);
  sd = MAX ((gint64) isqrt64 ((guint64) (sum2 / (gint64) count)), 1);

  for (guint y = 0; y < cv->n; y++)
    for (guint x = 0; x < cv->n; x++)
      {
        gint64 rx = 2 * (gint64) x - cv->n, ry = 2 * (gint64) y - cv->n;   /* -n..n */
        gint64 light = ramp * ((rx * c + ry * s) / cv->n) / FX_ONE;

        cv->surface[y * cv->n + x] = (gint32) (cv->mean + (tex[y * cv->n + x] - mean) * cv->sigma
                                               / sd + light);
      }
}

/* ---- defects: each writes into cv->effect ------------------------------------------------ */

/* Adds a line segment from (@x0, @y0) to (@x1, @y1) (Q8 px) of half width @hw (Q8 px) and
 * strength @amp0 to @amp1 (Q8 gray), anti-aliased over one pixel. Overlapping strokes keep the
 * stronger effect rather than adding up. */
static void
stroke (Canvas *cv,
        gint64  x0,
        gint64  y0,
        gint64  x1,
        gint64  y1,
        gint64  hw,
        gint64  amp0,
        gint64  amp1)
{
  gint64 reach = hw + Q8_ONE;
  gint64 lo_x = (MIN (x0, x1) - reach) / Q8_ONE - 1, hi_x = (MAX (x0, x1) + reach) / Q8_ONE + 1;
  gint64 lo_y = (MIN (y0, y1) - reach) / Q8_ONE - 1, hi_y = (MAX (y0, y1) + reach) / Q8_ONE + 1;
  gint64 ex = x1 - x0, ey = y1 - y0, len2 = ex * ex + ey * ey;

  lo_x = MAX (lo_x, 0);
  lo_y = MAX (lo_y, 0);
  hi_x = MIN (hi_x, (gint64) cv->n - 1);
  hi_y = MIN (hi_y, (gint64) cv->n - 1);
  for (gint64 y = lo_y; y <= hi_y; y++)
    for (gint64 x = lo_x; x <= hi_x; x++)
      {
        gint64 px = x * Q8_ONE + Q8_ONE / 2 - x0, py = y * Q8_ONE + Q8_ONE / 2 - y0;
        gint64 t = len2 > 0 ? CLAMP ((px * ex + py * ey) * FX_ONE / len2, 0, FX_ONE) : 0;
        gint64 dx = px - ex * t / FX_ONE, dy = py - ey * t / FX_ONE;
        gint64 d = (gint64) isqrt64 ((guint64) (dx * dx + dy * dy));
        gint64 cover = d <= hw ? FX_ONE : MAX (FX_ONE - (d - hw) * FX_ONE / Q8_ONE, 0);
        gint64 e = (amp0 + (amp1 - amp0) * t / FX_ONE) * cover / FX_ONE;
        gint32 *dst = &cv->effect[y * cv->n + x];

        if ((e < 0 ? -e : e) > ABS (*dst))
          *dst = (gint32) e;
      }
}

/* A defect's strength in Q8 gray: @lo to @hi (Q16) times the texture's spread, negative when
 * @dark, but never more than the surface's mean level leaves before black or white: the line's
 * camera is exposed so that defects do not saturate. */
static gint64
amplitude (const Canvas *cv,
           DsRng        *rng,
           gint32        lo,
           gint32        hi,
           gboolean      dark)
{
  gint64 amp = (gint64) cv->sigma * rand_range (rng, lo, hi) / FX_ONE;
  gint64 room = dark ? cv->mean - 8 * Q8_ONE : 247 * Q8_ONE - cv->mean;

  amp = MIN (amp, room);
  return dark ? -amp : amp;
}

/* A point in the middle of the image, Q8 px, where every defect is anchored so that it is
 * (mostly) in view and its mask never empty. */
static void
anchor (Canvas *cv,
        DsRng  *rng,
        gint64 *x,
        gint64 *y)
{
  gint32 lo = (gint32) cv->n * Q8_ONE / 5, hi = (gint32) cv->n * Q8_ONE * 4 / 5;

  *x = rand_range (rng, lo, hi);
  *y = rand_range (rng, lo, hi);
}

/* Scratch: a quadratic Bézier curve, thin, fading in and out at its ends and a little along
 * its length, brighter or darker than the surface. */
static void
defect_scratch (Canvas *cv,
                DsRng  *rng)
{
  guint n = cv->n;
  gint64 mx, my;
  gint32 angle = rand_range (rng, 0, FX_ONE - 1);
  gint64 c = fx_cos (angle), s = fx_sin (angle);
  gint64 half = len_q8 (n, rand_range (rng, 900, 2600));
  gint64 bend = half * rand_range (rng, -22000, 22000) / FX_ONE;
  gint64 hw = len_q8 (n, rand_range (rng, 35, 95));
  gboolean dark = ds_rng_below (rng, 2) == 0;
  gint64 amp = amplitude (cv, rng, 196000, 460000, dark);
  gint64 x0, y0, x1, y1, x2, y2, px = 0, py = 0, pa = 0;
  guint steps = (guint) (half * 2 / (2 * Q8_ONE)) + 4;

  anchor (cv, rng, &mx, &my);
  /* the curve passes through the anchor at t = 1/2: P1 = 2M - (P0 + P2)/2 with a bend */
  x0 = mx - half * c / FX_ONE;
  y0 = my - half * s / FX_ONE;
  x2 = mx + half * c / FX_ONE;
  y2 = my + half * s / FX_ONE;
  x1 = mx - bend * s / FX_ONE * 2;
  y1 = my + bend * c / FX_ONE * 2;
  for (guint k = 0; k <= steps; k++)
    {
      gint64 t = (gint64) k * FX_ONE / steps, u = FX_ONE - t;
      gint64 bx = (u * u / FX_ONE * x0 + 2 * u * t / FX_ONE * x1 + t * t / FX_ONE * x2) / FX_ONE;
      gint64 by = (u * u / FX_ONE * y0 + 2 * u * t / FX_ONE * y1 + t * t / FX_ONE * y2) / FX_ONE;
      gint64 taper = MIN (FX_ONE, MIN (t, FX_ONE - t) * 7);
      gint64 vary = FX_ONE * 7 / 10 + noise2 (cv->seed + 7, t * 5, 0) * 6 / 10;
      gint64 a = amp * taper / FX_ONE * vary / FX_ONE;

      if (k > 0)
        stroke (cv, px, py, bx, by, hw, pa, a);
      px = bx;
      py = by;
      pa = a;
    }
}

/* Spot: an ellipse with a soft edge, its outline made ragged by noise. */
static void
defect_spot (Canvas *cv,
             DsRng  *rng)
{
  guint n = cv->n;
  gint64 mx, my;
  gint32 angle = rand_range (rng, 0, FX_HALF - 1);
  gint64 c = fx_cos (angle), s = fx_sin (angle);
  gint64 ra = len_q8 (n, rand_range (rng, 500, 1500));
  gint64 rb = ra * rand_range (rng, 32000, FX_ONE) / FX_ONE;
  gint64 inner = FX_ONE - rand_range (rng, 14000, 36000);
  gint64 rag = rand_range (rng, 0, 18000);
  gint64 fr = (gint64) FX_ONE * Q8_ONE / MAX (ra / 2, Q8_ONE);
  gboolean dark = ds_rng_below (rng, 3) != 0;      /* stains are darker more often */
  gint64 amp = amplitude (cv, rng, 131000, 295000, dark);
  gint64 reach = ra * 3 / 2 / Q8_ONE + 2;

  anchor (cv, rng, &mx, &my);
  for (gint64 y = MAX (my / Q8_ONE - reach, 0); y <= MIN (my / Q8_ONE + reach, n - 1); y++)
    for (gint64 x = MAX (mx / Q8_ONE - reach, 0); x <= MIN (mx / Q8_ONE + reach, n - 1); x++)
      {
        gint64 dx = x * Q8_ONE + Q8_ONE / 2 - mx, dy = y * Q8_ONE + Q8_ONE / 2 - my;
        gint64 ex = (dx * c + dy * s) / ra, ey = (dy * c - dx * s) / rb;   /* Q16 radii */
        gint64 r = (gint64) isqrt64 ((guint64) (ex * ex + ey * ey));
        gint64 cover;

        r += noise2 (cv->seed + 8, x * fr, y * fr) * rag / FX_HALF;
        cover = r <= inner ? FX_ONE : smooth ((FX_ONE - r) * FX_ONE / (FX_ONE - inner));
        cv->effect[y * n + x] = (gint32) (amp * cover / FX_ONE);
      }
}

typedef struct
{
  gint64 x, y;      /* Q8 px */
  gint32 angle;     /* Q16 turns */
  guint  steps;
  gint64 hw;        /* Q8 px */
} CrackArm;

/* Crack: a dark random walk that turns sharply at every step and forks now and then, each
 * arm thinning towards its tip. */
static void
defect_crack (Canvas *cv,
              DsRng  *rng)
{
  guint n = cv->n;
  CrackArm arms[12];
  guint n_arms = 2, n_done = 0;
  gint64 step = len_q8 (n, rand_range (rng, 110, 170));
  gint32 jag = rand_range (rng, 2500, 5000);
  gint64 amp = amplitude (cv, rng, 196000, 460000, TRUE);

  anchor (cv, rng, &arms[0].x, &arms[0].y);
  arms[0].angle = rand_range (rng, 0, FX_ONE - 1);
  arms[0].steps = (guint) (len_q8 (n, rand_range (rng, 2000, 4200)) / step);
  arms[0].hw = len_q8 (n, rand_range (rng, 45, 85));
  /* the main arm grows both ways from the anchor: its second half is the first fork */
  arms[1] = arms[0];
  arms[1].angle += FX_HALF;
  arms[1].steps = arms[0].steps * (guint) rand_range (rng, 30, 70) / 100;

  while (n_done < n_arms)
    {
      CrackArm arm = arms[n_done++];
      gint32 drift = rand_range (rng, -600, 600);

      for (guint k = 0; k < arm.steps; k++)
        {
          gint64 hw = arm.hw * (gint64) (arm.steps - k / 2) / arm.steps;
          gint64 x, y, a;

          arm.angle += drift + rand_range (rng, -jag, jag);
          if (ds_rng_below (rng, 8) == 0)
            arm.angle += rand_range (rng, -5000, 5000);
          x = arm.x + step * fx_cos (arm.angle) / FX_ONE;
          y = arm.y + step * fx_sin (arm.angle) / FX_ONE;
          a = amp * rand_range (rng, 75, 100) / 100;
          stroke (cv, arm.x, arm.y, x, y, hw, a, a);
          arm.x = x;
          arm.y = y;
          if (n_arms < G_N_ELEMENTS (arms) && k + 4 < arm.steps && ds_rng_below (rng, 14) == 0)
            {
              CrackArm *fork = &arms[n_arms++];
              gint32 side = ds_rng_below (rng, 2) ? 1 : -1;

              *fork = arm;
              fork->angle += side * rand_range (rng, 4000, 11000);
              fork->steps = (arm.steps - k) * (guint) rand_range (rng, 30, 80) / 100;
              fork->hw = hw * 3 / 4;
            }
        }
    }
}

/* ---- public API ------------------------------------------------------------------------- */

void
ds_demo_config_init (DsDemoConfig *cfg)
{
  g_return_if_fail (cfg != NULL);

  memset (cfg, 0, sizeof *cfg);
  cfg->size = DS_DEMO_DEFAULT_SIZE;
  cfg->counts[DS_DEMO_OK] = 160;
  cfg->counts[DS_DEMO_SCRATCH] = 60;
  cfg->counts[DS_DEMO_SPOT] = 60;
  cfg->counts[DS_DEMO_CRACK] = 40;
  cfg->seed = DS_DEMO_DEFAULT_SEED;
  cfg->write_masks = TRUE;
}

gboolean
ds_demo_config_check (const DsDemoConfig  *cfg,
                      GError             **error)
{
  g_return_val_if_fail (cfg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cfg->size < DS_DEMO_MIN_SIZE || cfg->size > DS_DEMO_MAX_SIZE)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "demo images must be %u to %u pixels wide, not %u",
                   DS_DEMO_MIN_SIZE, DS_DEMO_MAX_SIZE, cfg->size);
      return FALSE;
    }
  for (guint k = 0; k < DS_DEMO_N_CLASSES; k++)
    if (cfg->counts[k] > DS_DEMO_MAX_COUNT)
      {
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                     "%u “%s” images asked for; at most %u per class",
                     cfg->counts[k], class_names[k], DS_DEMO_MAX_COUNT);
        return FALSE;
      }
  if (ds_demo_total (cfg) == 0)
    g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                 "a demo set needs at least one image");
  return ds_demo_total (cfg) > 0;
}

guint
ds_demo_total (const DsDemoConfig *cfg)
{
  guint total = 0;

  g_return_val_if_fail (cfg != NULL, 0);

  for (guint k = 0; k < DS_DEMO_N_CLASSES; k++)
    total += MIN (cfg->counts[k], DS_DEMO_MAX_COUNT);
  return total;
}

const char *
ds_demo_class_name (DsDemoClass klass)
{
  g_return_val_if_fail (klass < DS_DEMO_N_CLASSES, NULL);

  return class_names[klass];
}

const char *
ds_demo_texture_name (DsDemoTexture texture)
{
  g_return_val_if_fail (texture < DS_DEMO_N_TEXTURES, NULL);

  return texture_names[texture];
}

void
ds_demo_describe (const DsDemoConfig *cfg,
                  guint               index,
                  DsDemoInfo         *info)
{
  guint first = 0;

  g_return_if_fail (cfg != NULL);
  g_return_if_fail (info != NULL);
  g_return_if_fail (index < ds_demo_total (cfg));

  for (guint k = 0; k < DS_DEMO_N_CLASSES; k++)
    {
      if (index < first + cfg->counts[k])
        {
          info->klass = k;
          info->index_in_class = index - first;
          info->texture = info->index_in_class % DS_DEMO_N_TEXTURES;
          return;
        }
      first += cfg->counts[k];
    }
  g_assert_not_reached ();
}

/* Renders the surface and, when @with_defect, the defect into @pixels and @mask. */
static DsDemoClass
render (const DsDemoConfig *cfg,
        guint               index,
        gboolean            with_defect,
        guint8             *pixels,
        guint8             *mask)
{
  static void (* const textures[DS_DEMO_N_TEXTURES]) (guint, DsRng *, guint32, gint64 *) = {
    texture_metal, texture_cast, texture_fabric, texture_grooves,
  };
  static void (* const defects[DS_DEMO_N_CLASSES]) (Canvas *, DsRng *) = {
    NULL, defect_scratch, defect_spot, defect_crack,
  };
  gsize count = (gsize) cfg->size * cfg->size;
  g_autofree gint64 *tex = g_new (gint64, count);
  g_autofree gint32 *surface = g_new (gint32, count);
  g_autofree gint32 *effect = g_new0 (gint32, count);
  Canvas cv = { cfg->size, 0, surface, effect, 0, 0 };
  DsDemoInfo info;
  DsRng rng_surface, rng_defect, base;
  guint64 key;
  gint32 peak = 0, mask_min;

  ds_demo_describe (cfg, index, &info);
  ds_rng_seed (&base, cfg->seed);
  key = ds_rng_next (&base) + 2 * (guint64) index;
  ds_rng_seed (&rng_surface, key);
  ds_rng_seed (&rng_defect, key + 1);
  cv.seed = (guint32) ds_rng_next (&rng_surface);

  textures[info.texture] (cv.n, &rng_surface, cv.seed, tex);
  normalise_surface (&cv, &rng_surface, tex);
  if (with_defect && defects[info.klass] != NULL)
    defects[info.klass] (&cv, &rng_defect);
  /* the mask is where the defect has at least 40% of its peak strength: its anti-aliased
   * fringe and faded tips stay out, and it cannot be empty */
  for (gsize i = 0; i < count; i++)
    peak = MAX (peak, ABS (effect[i]));
  mask_min = MAX (peak * 2 / 5, 1);

  for (gsize i = 0; i < count; i++)
    {
      /* sensor noise: triangular, about 1.6 gray levels standard deviation */
      guint32 h = hash2 (cv.seed + 9, (gint64) i, 0);
      gint32 noise = (gint32) (h & 1023) + (gint32) ((h >> 10) & 1023) - 1023;
      gint32 v = (surface[i] + effect[i] + noise + Q8_ONE / 2) / Q8_ONE;

      pixels[i] = (guint8) CLAMP (v, 0, 255);
      if (mask != NULL)
        mask[i] = ABS (effect[i]) >= mask_min ? 255 : 0;
    }
  return info.klass;
}

DsDemoClass
ds_demo_render (const DsDemoConfig  *cfg,
                guint                index,
                guint8              *pixels,
                guint8              *mask,
                const char         **class_name)
{
  DsDemoClass klass;

  g_return_val_if_fail (cfg != NULL, DS_DEMO_OK);
  g_return_val_if_fail (ds_demo_config_check (cfg, NULL), DS_DEMO_OK);
  g_return_val_if_fail (index < ds_demo_total (cfg), DS_DEMO_OK);
  g_return_val_if_fail (pixels != NULL, DS_DEMO_OK);

  klass = render (cfg, index, TRUE, pixels, mask);
  if (class_name != NULL)
    *class_name = class_names[klass];
  return klass;
}

void
ds_demo_render_clean (const DsDemoConfig *cfg,
                      guint               index,
                      guint8             *pixels)
{
  g_return_if_fail (cfg != NULL);
  g_return_if_fail (ds_demo_config_check (cfg, NULL));
  g_return_if_fail (index < ds_demo_total (cfg));
  g_return_if_fail (pixels != NULL);

  render (cfg, index, FALSE, pixels, NULL);
}

gboolean
ds_demo_write (const DsDemoConfig  *cfg,
               const char          *dir,
               DsDemoProgressFunc   progress,
               gpointer             user_data,
               GError             **error)
{
  g_autoptr(GString) csv = g_string_new ("file,class,texture,defect_pixels,mask\n");
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *mask = NULL;
  g_autofree char *csv_path = NULL;
  guint total, n;

  g_return_val_if_fail (cfg != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ds_demo_config_check (cfg, error))
    return FALSE;

  /* each class's folder, then its mask folder */
  for (guint f = 0; f < 2 * DS_DEMO_N_CLASSES; f++)
    {
      guint k = f / 2;
      gboolean masks = f % 2 == 1;
      g_autofree char *path = g_build_filename (dir, masks ? "masks" : class_names[k],
                                                masks ? class_names[k] : NULL, NULL);

      if (cfg->counts[k] == 0 || (masks && (k == DS_DEMO_OK || !cfg->write_masks)))
        continue;
      if (g_mkdir_with_parents (path, 0755) != 0)
        {
          int saved = errno;

          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                       "%s: cannot create the folder: %s", path, g_strerror (saved));
          return FALSE;
        }
    }

  n = cfg->size;
  total = ds_demo_total (cfg);
  pixels = g_malloc ((gsize) n * n);
  mask = g_malloc ((gsize) n * n);
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autofree char *mask_rel = NULL;
      DsDemoInfo info;
      const char *klass;
      guint defect_pixels = 0;

      ds_demo_describe (cfg, i, &info);
      klass = class_names[info.klass];
      render (cfg, i, TRUE, pixels, mask);
      name = g_strdup_printf ("%s_%04u", klass, info.index_in_class);
      path = g_strdup_printf ("%s/%s/%s.png", dir, klass, name);
      if (!ds_png_save (path, pixels, 1, n, n, error))
        return FALSE;

      for (gsize p = 0; p < (gsize) n * n; p++)
        defect_pixels += mask[p] != 0;
      if (info.klass != DS_DEMO_OK && cfg->write_masks)
        {
          g_autofree char *mask_path = NULL;

          mask_rel = g_strdup_printf ("masks/%s/%s_mask.png", klass, name);
          mask_path = g_build_filename (dir, mask_rel, NULL);
          if (!ds_png_save (mask_path, mask, 1, n, n, error))
            return FALSE;
        }
      g_string_append_printf (csv, "%s/%s.png,%s,%s,%u,%s\n", klass, name, klass,
                              texture_names[info.texture], defect_pixels,
                              mask_rel != NULL ? mask_rel : "");

      if (progress != NULL && !progress (i + 1, total, user_data))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED,
                       "writing the demo set was cancelled after %u of %u images", i + 1, total);
          return FALSE;
        }
    }

  csv_path = g_build_filename (dir, "demo.csv", NULL);
  return ds_file_write_atomic (csv_path, csv->str, csv->len, error);
}
