/* ds-png.c: PNG reading and writing on libpng 1.6
 *
 * libpng reports errors by longjmp. Everything a decode allocates hangs off a heap struct whose
 * pointer is set before setjmp(), so the cleanup after a longjmp never reads an automatic
 * variable that changed in between.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <png.h>

#include "data/ds-png.h"
#include "ds-error.h"
#include "ds-file.h"

/* No chunk we use (PLTE, tRNS, IDAT pieces) comes near this; it stops a huge zTXt or iCCP. */
#define PNG_CHUNK_MALLOC_MAX (8 * 1024 * 1024)

typedef struct
{
  const char  *path;
  FILE        *fp;
  char        *message;     /* libpng's error text */
  png_structp  png;
  png_infop    info;
  guint8      *image;       /* (height, width, channels) as decoded */
  png_bytep   *rows;
  guint        width, height, channels;
} PngJob;

static void
png_job_free (PngJob *job)
{
  g_free (job->message);
  g_free (job->image);
  g_free (job->rows);
  if (job->fp != NULL)
    fclose (job->fp);
  g_free (job);
}

static void
png_error_cb (png_structp     png,
              png_const_charp message)
{
  PngJob *job = png_get_error_ptr (png);

  /* Keep the first message: later ones are consequences of it. */
  if (job->message == NULL)
    job->message = g_strdup (message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp     png,
                png_const_charp message)
{
  /* Warnings (a bad ancillary chunk, an sRGB profile mismatch) do not stop the decode, and the
   * engine never prints. */
}

/* libpng's own reader says only "Read Error" for both a short file and a failing disk. */
static void
png_read_cb (png_structp png,
             png_bytep   data,
             size_t      length)
{
  PngJob *job = png_get_io_ptr (png);

  if (fread (data, 1, length, job->fp) != length)
    {
      if (ferror (job->fp))
        {
          int saved = errno;

          if (job->message == NULL)
            job->message = g_strdup_printf ("read error: %s", g_strerror (saved));
        }
      png_error (png, "the file is truncated");
    }
}

static gboolean
png_decode (PngJob *job)
{
  png_structp png = job->png;
  png_infop info = job->info;
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;
  gsize rowbytes, total;

  if (setjmp (png_jmpbuf (png)))
    return FALSE;

  png_set_read_fn (png, job, png_read_cb);
  png_set_sig_bytes (png, 8);
  /* Refused while reading IHDR, before anything is allocated for the image */
  png_set_user_limits (png, DS_PNG_MAX_SIDE, DS_PNG_MAX_SIDE);
  png_set_chunk_malloc_max (png, PNG_CHUNK_MALLOC_MAX);

  png_read_info (png, info);
  png_get_IHDR (png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);

  /* Everything becomes 8-bit G, GA, RGB or RGBA */
  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (bit_depth == 16)
    png_set_strip_16 (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  job->width = width;
  job->height = height;
  job->channels = png_get_channels (png, info);
  rowbytes = png_get_rowbytes (png, info);
  if (job->channels < 1 || job->channels > 4 || rowbytes != (gsize) width * job->channels)
    png_error (png, "unexpected pixel layout after conversion");

  if (!g_size_checked_mul (&total, rowbytes, height)
      || (job->image = g_try_malloc (total)) == NULL
      || (job->rows = g_try_new (png_bytep, height)) == NULL)
    png_error (png, "not enough memory for the image");
  for (png_uint_32 y = 0; y < height; y++)
    job->rows[y] = job->image + (gsize) y * rowbytes;

  png_read_image (png, job->rows);
  /* Reads up to IEND so that a damaged tail is noticed too */
  png_read_end (png, NULL);

  return TRUE;
}

/* Composites alpha on black and converts to @c planes of bytes, (c, height, width). */
static guint8 *
to_planes (const PngJob *job,
           guint         c)
{
  gsize plane = (gsize) job->width * job->height;
  guint ch = job->channels;
  gboolean alpha = ch == 2 || ch == 4;
  gboolean color = ch >= 3;
  guint8 *out = g_try_malloc (plane * c);

  if (out == NULL)
    return NULL;

  for (gsize i = 0; i < plane; i++)
    {
      const guint8 *p = job->image + i * ch;
      guint a = alpha ? p[ch - 1] : 255;

      if (c == 1)
        {
          /* Rec. 601 luma in integers, times alpha, rounded half up */
          guint32 luma = color ? 299u * p[0] + 587u * p[1] + 114u * p[2] : 1000u * p[0];

          out[i] = (guint8) ((luma * a + 127500u) / 255000u);
        }
      else
        {
          for (guint k = 0; k < 3; k++)
            {
              guint v = color ? p[k] : p[0];

              out[k * plane + i] = (guint8) ((v * a + 127u) / 255u);
            }
        }
    }

  return out;
}

/* Weights mapping @src samples onto @dst: taps[d * n_taps + k] applies to src first[d] + k. */
typedef struct
{
  guint  n_taps;
  guint *first;
  float *taps;
} Resampler;

static void
resampler_clear (Resampler *rs)
{
  g_free (rs->first);
  g_free (rs->taps);
}

static void
resampler_init (Resampler *rs,
                guint      src,
                guint      dst)
{
  double scale = (double) src / dst;

  /* Shrinking averages the source area under each output pixel; enlarging interpolates
   * between the two nearest source centres (half-pixel centres, clamped at the edges). */
  rs->n_taps = src > dst ? (guint) ceil (scale) + 1 : 2;
  rs->first = g_new0 (guint, dst);
  rs->taps = g_new0 (float, (gsize) dst * rs->n_taps);

  for (guint d = 0; d < dst; d++)
    {
      float *t = rs->taps + (gsize) d * rs->n_taps;

      if (src > dst)
        {
          double lo = d * scale;
          double hi = MIN ((d + 1) * scale, (double) src);
          guint first = (guint) floor (lo);

          rs->first[d] = first;
          for (guint k = 0; k < rs->n_taps && first + k < src; k++)
            {
              double a = MAX (lo, (double) (first + k));
              double b = MIN (hi, (double) (first + k + 1));

              t[k] = b > a ? (float) ((b - a) / scale) : 0.0f;
            }
        }
      else
        {
          double x = (d + 0.5) * scale - 0.5;
          double f;
          guint i0;

          x = CLAMP (x, 0.0, (double) (src - 1));
          i0 = MIN ((guint) floor (x), src - 1);
          f = x - i0;
          rs->first[d] = i0;
          t[0] = (float) (1.0 - f);
          if (i0 + 1 < src)
            t[1] = (float) f;
        }
    }
}

/* Resizes @c planes of @sh x @sw bytes to @dh x @dw, one axis after the other. */
static guint8 *
resize_planes (const guint8 *in,
               guint         c,
               guint         sh,
               guint         sw,
               guint         dh,
               guint         dw)
{
  Resampler rx, ry;
  float *tmp;
  guint8 *out;

  tmp = g_try_new (float, (gsize) sh * dw);
  out = g_try_malloc ((gsize) c * dh * dw);
  if (tmp == NULL || out == NULL)
    {
      g_free (tmp);
      g_free (out);
      return NULL;
    }
  resampler_init (&rx, sw, dw);
  resampler_init (&ry, sh, dh);

  for (guint k = 0; k < c; k++)
    {
      const guint8 *src = in + (gsize) k * sh * sw;
      guint8 *dst = out + (gsize) k * dh * dw;

      for (guint y = 0; y < sh; y++)
        for (guint x = 0; x < dw; x++)
          {
            const float *t = rx.taps + (gsize) x * rx.n_taps;
            const guint8 *s = src + (gsize) y * sw + rx.first[x];
            float v = 0.0f;

            for (guint j = 0; j < rx.n_taps && rx.first[x] + j < sw; j++)
              v += t[j] * s[j];
            tmp[(gsize) y * dw + x] = v;
          }

      for (guint y = 0; y < dh; y++)
        {
          const float *t = ry.taps + (gsize) y * ry.n_taps;

          for (guint x = 0; x < dw; x++)
            {
              float v = 0.0f;

              for (guint j = 0; j < ry.n_taps && ry.first[y] + j < sh; j++)
                v += t[j] * tmp[(gsize) (ry.first[y] + j) * dw + x];
              dst[(gsize) y * dw + x] = (guint8) CLAMP (floorf (v + 0.5f), 0.0f, 255.0f);
            }
        }
    }

  resampler_clear (&rx);
  resampler_clear (&ry);
  g_free (tmp);

  return out;
}

guint8 *
ds_png_load (const char  *path,
             guint        c,
             guint        h,
             guint        w,
             guint       *out_h,
             guint       *out_w,
             GError     **error)
{
  PngJob *job;
  guint8 sig[8];
  guint8 ihdr[16];
  guint8 *planes;
  gsize got;
  guint dh, dw;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (c == 1 || c == 3, NULL);
  g_return_val_if_fail (h <= DS_PNG_MAX_SIDE && w <= DS_PNG_MAX_SIDE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = g_new0 (PngJob, 1);
  job->path = path;
  job->fp = g_fopen (path, "rb");
  if (job->fp == NULL)
    {
      int saved = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: cannot open: %s", path, g_strerror (saved));
      png_job_free (job);
      return NULL;
    }

  got = fread (sig, 1, sizeof sig, job->fp);
  if (got < sizeof sig && ferror (job->fp))
    {
      int saved = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: read error: %s", path, g_strerror (saved));
      png_job_free (job);
      return NULL;
    }
  if (got < sizeof sig || png_sig_cmp (sig, 0, sizeof sig) != 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not a PNG file", path);
      png_job_free (job);
      return NULL;
    }

  /* libpng would refuse a huge IHDR too, but as "damaged"; this file is fine, only too big. */
  if (fread (ihdr, 1, sizeof ihdr, job->fp) == sizeof ihdr && memcmp (ihdr + 4, "IHDR", 4) == 0)
    {
      guint32 iw = (guint32) ihdr[8] << 24 | ihdr[9] << 16 | ihdr[10] << 8 | ihdr[11];
      guint32 ih = (guint32) ihdr[12] << 24 | ihdr[13] << 16 | ihdr[14] << 8 | ihdr[15];

      if (iw > DS_PNG_MAX_SIDE || ih > DS_PNG_MAX_SIDE)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
                       "%s: %u×%u pixels is too large (at most %u on each side)",
                       path, iw, ih, DS_PNG_MAX_SIDE);
          png_job_free (job);
          return NULL;
        }
    }
  if (fseek (job->fp, sizeof sig, SEEK_SET) != 0)
    {
      int saved = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: cannot seek: %s", path, g_strerror (saved));
      png_job_free (job);
      return NULL;
    }

  job->png = png_create_read_struct (PNG_LIBPNG_VER_STRING, job, png_error_cb, png_warning_cb);
  if (job->png != NULL)
    job->info = png_create_info_struct (job->png);
  if (job->png == NULL || job->info == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                   "%s: cannot start the PNG decoder", path);
      png_destroy_read_struct (&job->png, &job->info, NULL);
      png_job_free (job);
      return NULL;
    }

  if (!png_decode (job))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: damaged PNG file: %s", path,
                   job->message != NULL ? job->message : "unknown error");
      png_destroy_read_struct (&job->png, &job->info, NULL);
      png_job_free (job);
      return NULL;
    }
  png_destroy_read_struct (&job->png, &job->info, NULL);

  planes = to_planes (job, c);
  g_clear_pointer (&job->image, g_free);
  dh = h != 0 ? h : job->height;
  dw = w != 0 ? w : job->width;
  if (planes != NULL && (dh != job->height || dw != job->width))
    {
      guint8 *resized = resize_planes (planes, c, job->height, job->width, dh, dw);

      g_free (planes);
      planes = resized;
    }
  if (planes == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                   "%s: not enough memory for a %u×%u image", path, job->width, job->height);
      png_job_free (job);
      return NULL;
    }

  if (out_h != NULL)
    *out_h = dh;
  if (out_w != NULL)
    *out_w = dw;
  png_job_free (job);

  return planes;
}

GBytes *
ds_png_encode (const guint8  *pixels,
               guint          c,
               guint          h,
               guint          w,
               GError       **error)
{
  png_image image = { 0 };
  g_autofree guint8 *interleaved = NULL;
  g_autofree guint8 *buffer = NULL;
  const guint8 *rows = pixels;
  png_alloc_size_t size;

  g_return_val_if_fail (c == 1 || c == 3, NULL);

  if (h == 0 || w == 0 || h > DS_PNG_MAX_SIDE || w > DS_PNG_MAX_SIDE)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "cannot write a %u×%u image (sides must be 1 to %u)", w, h, DS_PNG_MAX_SIDE);
      return NULL;
    }

  image.version = PNG_IMAGE_VERSION;
  image.width = w;
  image.height = h;
  image.format = c == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;

  /* libpng's simplified API wants interleaved rows */
  if (c == 3)
    {
      gsize plane = (gsize) h * w;

      interleaved = g_malloc (plane * 3);
      for (gsize i = 0; i < plane; i++)
        for (guint k = 0; k < 3; k++)
          interleaved[i * 3 + k] = pixels[k * plane + i];
      rows = interleaved;
    }

  size = PNG_IMAGE_PNG_SIZE_MAX (image);
  buffer = g_try_malloc (size);
  if (buffer == NULL || !png_image_write_to_memory (&image, buffer, &size, 0, rows, 0, NULL))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                   "cannot encode a %u×%u PNG: %s", w, h,
                   buffer == NULL ? "out of memory" : image.message);
      png_image_free (&image);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

gboolean
ds_png_save (const char   *path,
             const guint8 *pixels,
             guint         c,
             guint         h,
             guint         w,
             GError      **error)
{
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (pixels != NULL, FALSE);
  g_return_val_if_fail (c == 1 || c == 3, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  png = ds_png_encode (pixels, c, h, w, &local_error);
  if (png == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, local_error->code, "%s: %s", path, local_error->message);
      return FALSE;
    }

  return ds_file_write_atomic (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error);
}
