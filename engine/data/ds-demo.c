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
 * The textures, and the fixed-point maths and noise everything is drawn with, are in
 * ds-demo-texture.c; the lighting, the defects and the files are here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "data/ds-demo-private.h"
#include "data/ds-png.h"
#include "ds-error.h"
#include "ds-file.h"
#include "ds-rng.h"

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

/* ---- the surface ------------------------------------------------------------------------ */

/* Scales @tex to a random mean and contrast and adds a lighting gradient: the surface. */
static void
normalise_surface (Canvas       *cv,
                   DsRng        *rng,
                   const gint64 *tex)
{
  gsize count = (gsize) cv->n * cv->n;
  gint64 sum = 0, sum2 = 0, mean, sd;
  gint32 angle = ds_demo_rand_range (rng, 0, FX_ONE - 1);
  gint64 c = ds_demo_fx_cos (angle), s = ds_demo_fx_sin (angle), ramp;

  cv->mean = ds_demo_rand_range (rng, 85 * Q8_ONE, 170 * Q8_ONE);
  cv->sigma = ds_demo_rand_range (rng, 11 * Q8_ONE, 22 * Q8_ONE);
  ramp = cv->sigma * ds_demo_rand_range (rng, 0, 50000) / FX_ONE;
  for (gsize i = 0; i < count; i++)
    sum += tex[i];
  mean = sum / (gint64) count;
  for (gsize i = 0; i < count; i++)
    sum2 += (tex[i] - mean) * (tex[i] - mean);
  sd = MAX ((gint64) ds_demo_isqrt64 ((guint64) (sum2 / (gint64) count)), 1);

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
        gint64 d = (gint64) ds_demo_isqrt64 ((guint64) (dx * dx + dy * dy));
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
  gint64 amp = (gint64) cv->sigma * ds_demo_rand_range (rng, lo, hi) / FX_ONE;
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

  *x = ds_demo_rand_range (rng, lo, hi);
  *y = ds_demo_rand_range (rng, lo, hi);
}

/* Scratch: a quadratic Bézier curve, thin, fading in and out at its ends and a little along
 * its length, brighter or darker than the surface. */
static void
defect_scratch (Canvas *cv,
                DsRng  *rng)
{
  guint n = cv->n;
  gint64 mx, my;
  gint32 angle = ds_demo_rand_range (rng, 0, FX_ONE - 1);
  gint64 c = ds_demo_fx_cos (angle), s = ds_demo_fx_sin (angle);
  gint64 half = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 900, 2600));
  gint64 bend = half * ds_demo_rand_range (rng, -22000, 22000) / FX_ONE;
  gint64 hw = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 35, 95));
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
      gint64 vary = FX_ONE * 7 / 10 + ds_demo_noise2 (cv->seed + 7, t * 5, 0) * 6 / 10;
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
  gint32 angle = ds_demo_rand_range (rng, 0, FX_HALF - 1);
  gint64 c = ds_demo_fx_cos (angle), s = ds_demo_fx_sin (angle);
  gint64 ra = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 500, 1500));
  gint64 rb = ra * ds_demo_rand_range (rng, 32000, FX_ONE) / FX_ONE;
  gint64 inner = FX_ONE - ds_demo_rand_range (rng, 14000, 36000);
  gint64 rag = ds_demo_rand_range (rng, 0, 18000);
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
        gint64 r = (gint64) ds_demo_isqrt64 ((guint64) (ex * ex + ey * ey));
        gint64 cover;

        r += ds_demo_noise2 (cv->seed + 8, x * fr, y * fr) * rag / FX_HALF;
        cover = r <= inner ? FX_ONE : ds_demo_smooth ((FX_ONE - r) * FX_ONE / (FX_ONE - inner));
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
  gint64 step = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 110, 170));
  gint32 jag = ds_demo_rand_range (rng, 2500, 5000);
  gint64 amp = amplitude (cv, rng, 196000, 460000, TRUE);

  anchor (cv, rng, &arms[0].x, &arms[0].y);
  arms[0].angle = ds_demo_rand_range (rng, 0, FX_ONE - 1);
  arms[0].steps = (guint) (ds_demo_len_q8 (n, ds_demo_rand_range (rng, 2000, 4200)) / step);
  arms[0].hw = ds_demo_len_q8 (n, ds_demo_rand_range (rng, 45, 85));
  /* the main arm grows both ways from the anchor: its second half is the first fork */
  arms[1] = arms[0];
  arms[1].angle += FX_HALF;
  arms[1].steps = arms[0].steps * (guint) ds_demo_rand_range (rng, 30, 70) / 100;

  while (n_done < n_arms)
    {
      CrackArm arm = arms[n_done++];
      gint32 drift = ds_demo_rand_range (rng, -600, 600);

      for (guint k = 0; k < arm.steps; k++)
        {
          gint64 hw = arm.hw * (gint64) (arm.steps - k / 2) / arm.steps;
          gint64 x, y, a;

          arm.angle += drift + ds_demo_rand_range (rng, -jag, jag);
          if (ds_rng_below (rng, 8) == 0)
            arm.angle += ds_demo_rand_range (rng, -5000, 5000);
          x = arm.x + step * ds_demo_fx_cos (arm.angle) / FX_ONE;
          y = arm.y + step * ds_demo_fx_sin (arm.angle) / FX_ONE;
          a = amp * ds_demo_rand_range (rng, 75, 100) / 100;
          stroke (cv, arm.x, arm.y, x, y, hw, a, a);
          arm.x = x;
          arm.y = y;
          if (n_arms < G_N_ELEMENTS (arms) && k + 4 < arm.steps && ds_rng_below (rng, 14) == 0)
            {
              CrackArm *fork = &arms[n_arms++];
              gint32 side = ds_rng_below (rng, 2) ? 1 : -1;

              *fork = arm;
              fork->angle += side * ds_demo_rand_range (rng, 4000, 11000);
              fork->steps = (arm.steps - k) * (guint) ds_demo_rand_range (rng, 30, 80) / 100;
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
  /* enough for a small CNN to learn the defects from the labelled half (about 430 training
   * images); at a third of this it stays at the majority class */
  cfg->counts[DS_DEMO_OK] = 480;
  cfg->counts[DS_DEMO_SCRATCH] = 180;
  cfg->counts[DS_DEMO_SPOT] = 180;
  cfg->counts[DS_DEMO_CRACK] = 120;
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

  ds_demo_texture_fill (info.texture, cv.n, &rng_surface, cv.seed, tex);
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
      guint32 h = ds_demo_hash2 (cv.seed + 9, (gint64) i, 0);
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
