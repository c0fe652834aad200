/* test-png.c: PNG decoding, conversion, resizing and writing
 *
 * Test images are written with libpng directly, so the reader is checked against files it did
 * not write itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <png.h>
#include <zlib.h>

#include "data/ds-png.h"
#include "ds-error.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ds-test-png-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_unlink (p), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

typedef struct
{
  guint               width, height;
  int                 color_type, bit_depth, interlace;
  const guint8       *rows;           /* packed as in the file, rowbytes each */
  gsize               rowbytes;
  const png_color    *palette;
  int                 n_palette;
  const guint8       *trans;          /* palette alpha */
  int                 n_trans;
  const png_color_16 *trans_color;    /* gray or RGB colour key */
} PngSpec;

static char *
write_png (Fixture       *f,
           const char    *name,
           const PngSpec *spec)
{
  char *path = g_build_filename (f->dir, name, NULL);
  FILE *fp = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_autofree png_bytep *rows = g_new (png_bytep, spec->height);

  g_assert_nonnull (fp);
  g_assert_nonnull (info);
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed to write %s", path);

  png_init_io (png, fp);
  png_set_IHDR (png, info, spec->width, spec->height, spec->bit_depth, spec->color_type,
                spec->interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (spec->palette != NULL)
    png_set_PLTE (png, info, spec->palette, spec->n_palette);
  if (spec->trans != NULL || spec->trans_color != NULL)
    png_set_tRNS (png, info, spec->trans, spec->n_trans, spec->trans_color);
  png_write_info (png, info);
  for (guint y = 0; y < spec->height; y++)
    rows[y] = (png_bytep) spec->rows + y * spec->rowbytes;
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_assert_cmpint (fclose (fp), ==, 0);

  return path;
}

static guint8 *
load_ok (const char *path,
         guint       c,
         guint       h,
         guint       w,
         guint       expect_h,
         guint       expect_w)
{
  g_autoptr(GError) error = NULL;
  guint out_h = 0, out_w = 0;
  guint8 *pixels = ds_png_load (path, c, h, w, &out_h, &out_w, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pixels);
  g_assert_cmpuint (out_h, ==, expect_h);
  g_assert_cmpuint (out_w, ==, expect_w);

  return pixels;
}

static void
assert_bytes (const guint8 *got,
              const guint8 *expected,
              gsize         n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (got[i] != expected[i])
        g_error ("byte %" G_GSIZE_FORMAT ": got %u, expected %u", i, got[i], expected[i]);
    }
}

static void
assert_error_names (const GError *error,
                    const char   *path,
                    const char   *problem)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (strstr (error->message, path) == NULL || strstr (error->message, problem) == NULL)
    g_error ("message \"%s\" should name \"%s\" and \"%s\"", error->message, path, problem);
}

static void
test_gray8 (Fixture       *f,
            gconstpointer  unused)
{
  static const guint8 px[6] = { 0, 50, 100, 150, 200, 255 };
  static const guint8 rgb[18] = { 0, 50, 100, 150, 200, 255, 0, 50, 100, 150, 200, 255,
                                  0, 50, 100, 150, 200, 255 };
  static const png_color_16 key = { .gray = 50 };
  static const guint8 keyed[6] = { 0, 0, 100, 150, 200, 255 };
  PngSpec spec = { 3, 2, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, px, 3 };
  g_autofree char *path = write_png (f, "gray8.png", &spec);
  g_autofree char *keyed_path = NULL;
  g_autofree guint8 *gray = load_ok (path, 1, 0, 0, 2, 3);
  g_autofree guint8 *color = load_ok (path, 3, 0, 0, 2, 3);
  g_autofree guint8 *transparent = NULL;

  assert_bytes (gray, px, 6);
  assert_bytes (color, rgb, 18);

  /* A gray colour key makes value 50 transparent, which is black on black */
  spec.trans_color = &key;
  keyed_path = write_png (f, "gray8-key.png", &spec);
  transparent = load_ok (keyed_path, 1, 0, 0, 2, 3);
  assert_bytes (transparent, keyed, 6);
}

static void
test_gray16 (Fixture       *f,
             gconstpointer  unused)
{
  static const guint8 px[8] = { 0x12, 0x34, 0xAB, 0xCD, 0x00, 0x00, 0xFF, 0xFF };
  static const guint8 expected[4] = { 0x12, 0xAB, 0, 255 };
  PngSpec spec = { 4, 1, PNG_COLOR_TYPE_GRAY, 16, PNG_INTERLACE_NONE, px, 8 };
  g_autofree char *path = write_png (f, "gray16.png", &spec);
  g_autofree guint8 *gray = load_ok (path, 1, 0, 0, 1, 4);

  assert_bytes (gray, expected, 4);
}

static void
test_rgb (Fixture       *f,
          gconstpointer  unused)
{
  static const guint8 px[12] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 };
  /* round (0.299 R + 0.587 G + 0.114 B) */
  static const guint8 luma[4] = { 76, 150, 29, 18 };
  static const guint8 planes[12] = { 255, 0, 0, 10, 0, 255, 0, 20, 0, 0, 255, 30 };
  PngSpec spec = { 4, 1, PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, px, 12 };
  g_autofree char *path = write_png (f, "rgb.png", &spec);
  g_autofree guint8 *gray = load_ok (path, 1, 0, 0, 1, 4);
  g_autofree guint8 *color = load_ok (path, 3, 0, 0, 1, 4);

  assert_bytes (gray, luma, 4);
  assert_bytes (color, planes, 12);
}

static void
test_rgba (Fixture       *f,
           gconstpointer  unused)
{
  static const guint8 px[12] = { 200, 100, 50, 128, 10, 20, 30, 0, 1, 2, 3, 255 };
  /* composited on black: v * a / 255, rounded */
  static const guint8 planes[9] = { 100, 0, 1, 50, 0, 2, 25, 0, 3 };
  static const guint8 luma[3] = { 62, 0, 2 };
  PngSpec spec = { 3, 1, PNG_COLOR_TYPE_RGBA, 8, PNG_INTERLACE_NONE, px, 12 };
  g_autofree char *path = write_png (f, "rgba.png", &spec);
  g_autofree guint8 *color = load_ok (path, 3, 0, 0, 1, 3);
  g_autofree guint8 *gray = load_ok (path, 1, 0, 0, 1, 3);

  assert_bytes (color, planes, 9);
  assert_bytes (gray, luma, 3);
}

static void
test_gray_alpha (Fixture       *f,
                 gconstpointer  unused)
{
  static const guint8 px[4] = { 100, 255, 100, 0 };
  static const guint8 gray_expected[2] = { 100, 0 };
  static const guint8 rgb_expected[6] = { 100, 0, 100, 0, 100, 0 };
  PngSpec spec = { 2, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE, px, 4 };
  g_autofree char *path = write_png (f, "gray-alpha.png", &spec);
  g_autofree guint8 *gray = load_ok (path, 1, 0, 0, 1, 2);
  g_autofree guint8 *color = load_ok (path, 3, 0, 0, 1, 2);

  assert_bytes (gray, gray_expected, 2);
  assert_bytes (color, rgb_expected, 6);
}

static void
test_palette (Fixture       *f,
              gconstpointer  unused)
{
  static const png_color palette[3] = { { 255, 0, 0 }, { 0, 0, 255 }, { 10, 20, 30 } };
  static const guint8 alpha[2] = { 255, 0 };
  /* 2-bit indices 0, 1, 2, 0 */
  static const guint8 px[1] = { 0x18 };
  static const guint8 planes[12] = { 255, 0, 10, 255, 0, 0, 20, 0, 0, 0, 30, 0 };
  PngSpec spec = { 4, 1, PNG_COLOR_TYPE_PALETTE, 2, PNG_INTERLACE_NONE, px, 1,
                   palette, 3, alpha, 2, NULL };
  g_autofree char *path = write_png (f, "palette.png", &spec);
  g_autofree guint8 *color = load_ok (path, 3, 0, 0, 1, 4);

  assert_bytes (color, planes, 12);
}

static void
test_gray1 (Fixture       *f,
            gconstpointer  unused)
{
  static const guint8 px[2] = { 0xB0, 0xC0 };
  static const guint8 expected[10] = { 255, 0, 255, 255, 0, 0, 0, 0, 255, 255 };
  PngSpec spec = { 10, 1, PNG_COLOR_TYPE_GRAY, 1, PNG_INTERLACE_NONE, px, 2 };
  g_autofree char *path = write_png (f, "gray1.png", &spec);
  g_autofree guint8 *gray = load_ok (path, 1, 0, 0, 1, 10);

  assert_bytes (gray, expected, 10);
}

static void
test_interlaced (Fixture       *f,
                 gconstpointer  unused)
{
  guint8 px[7 * 9];
  guint8 rgb[7 * 9 * 3];
  g_autofree char *gray_path = NULL;
  g_autofree char *rgb_path = NULL;
  g_autofree guint8 *gray = NULL;
  g_autofree guint8 *color = NULL;
  PngSpec spec = { 9, 7, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_ADAM7, px, 9 };

  for (guint i = 0; i < G_N_ELEMENTS (px); i++)
    {
      px[i] = (guint8) (i * 4);
      rgb[3 * i] = (guint8) i;
      rgb[3 * i + 1] = (guint8) (100 + i);
      rgb[3 * i + 2] = (guint8) (255 - i);
    }
  gray_path = write_png (f, "interlaced.png", &spec);
  gray = load_ok (gray_path, 1, 0, 0, 7, 9);
  assert_bytes (gray, px, G_N_ELEMENTS (px));

  spec.color_type = PNG_COLOR_TYPE_RGB;
  spec.rows = rgb;
  spec.rowbytes = 27;
  rgb_path = write_png (f, "interlaced-rgb.png", &spec);
  color = load_ok (rgb_path, 3, 0, 0, 7, 9);
  for (guint i = 0; i < G_N_ELEMENTS (px); i++)
    {
      g_assert_cmpuint (color[i], ==, i);
      g_assert_cmpuint (color[63 + i], ==, 100 + i);
      g_assert_cmpuint (color[126 + i], ==, 255 - i);
    }
}

static void
test_resize_shrink (Fixture       *f,
                    gconstpointer  unused)
{
  static const guint8 px[16] = { 10, 20, 100, 100,
                                 30, 40, 100, 100,
                                 0, 0, 255, 255,
                                 0, 4, 255, 251 };
  static const guint8 expected[4] = { 25, 100, 1, 254 };
  static const guint8 row[3] = { 0, 90, 180 };
  static const guint8 row_expected[2] = { 30, 150 };
  PngSpec spec = { 4, 4, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, px, 4 };
  PngSpec row_spec = { 3, 1, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, row, 3 };
  g_autofree char *path = write_png (f, "4x4.png", &spec);
  g_autofree char *row_path = write_png (f, "3x1.png", &row_spec);
  g_autofree guint8 *small = load_ok (path, 1, 2, 2, 2, 2);
  g_autofree guint8 *row_small = load_ok (row_path, 1, 1, 2, 1, 2);

  assert_bytes (small, expected, 4);
  /* 3 -> 2: each output pixel covers one and a half input pixels */
  assert_bytes (row_small, row_expected, 2);
}

static void
test_resize_enlarge (Fixture       *f,
                     gconstpointer  unused)
{
  static const guint8 px[4] = { 0, 100, 200, 60 };
  /* Half-pixel centres: the corners keep the source values */
  static const guint8 expected[16] = { 0, 25, 75, 100,
                                       50, 60, 80, 90,
                                       150, 130, 90, 70,
                                       200, 165, 95, 60 };
  static const guint8 one[1] = { 77 };
  static const guint8 flat[9] = { 77, 77, 77, 77, 77, 77, 77, 77, 77 };
  PngSpec spec = { 2, 2, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, px, 2 };
  PngSpec one_spec = { 1, 1, PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, one, 1 };
  g_autofree char *path = write_png (f, "2x2.png", &spec);
  g_autofree char *one_path = write_png (f, "1x1.png", &one_spec);
  g_autofree guint8 *big = load_ok (path, 1, 4, 4, 4, 4);
  g_autofree guint8 *flat_big = load_ok (one_path, 3, 3, 3, 3, 3);
  g_autofree guint8 *wide = load_ok (path, 1, 0, 4, 2, 4);

  assert_bytes (big, expected, 16);
  assert_bytes (flat_big, flat, 9);
  assert_bytes (flat_big + 9, flat, 9);
  assert_bytes (flat_big + 18, flat, 9);
  /* Only the width changes when the height is 0 */
  assert_bytes (wide, expected, 4);
  assert_bytes (wide + 4, expected + 12, 4);
}

static void
test_save (Fixture       *f,
           gconstpointer  unused)
{
  static const guint8 gray[6] = { 0, 1, 2, 253, 254, 255 };
  static const guint8 rgb[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  g_autofree char *path = g_build_filename (f->dir, "saved.png", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "missing", "saved.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree guint8 *back = NULL;
  g_autofree guint8 *back_rgb = NULL;

  g_assert_true (ds_png_save (path, gray, 1, 2, 3, &error));
  g_assert_no_error (error);
  back = load_ok (path, 1, 0, 0, 2, 3);
  assert_bytes (back, gray, 6);

  /* Replacing an existing file */
  g_assert_true (ds_png_save (path, rgb, 3, 2, 2, &error));
  g_assert_no_error (error);
  back_rgb = load_ok (path, 3, 0, 0, 2, 2);
  assert_bytes (back_rgb, rgb, 12);

  /* No temporary file is left behind */
  dir = g_dir_open (f->dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "saved.png");
  g_assert_null (g_dir_read_name (dir));

  g_assert_false (ds_png_save (nowhere, gray, 1, 2, 3, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  assert_error_names (error, nowhere, "cannot create");
  g_clear_error (&error);

  g_assert_false (ds_png_save (path, gray, 1, 0, 3, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
}

/* A valid 8x8 RGB PNG, returned as bytes, to damage */
static GBytes *
good_png (Fixture *f)
{
  guint8 px[8 * 8 * 3];
  PngSpec spec = { 8, 8, PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, px, 24 };
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  for (guint i = 0; i < sizeof px; i++)
    px[i] = (guint8) (i * 7);
  path = write_png (f, "good.png", &spec);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_unlink (path);

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static void
expect_damaged (Fixture      *f,
                const char   *name,
                const guint8 *data,
                gsize         len,
                GQuark        domain,
                int           code,
                const char   *problem)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, NULL));
  g_assert_null (ds_png_load (path, 3, 0, 0, NULL, NULL, &error));
  g_assert_error (error, domain, code);
  assert_error_names (error, path, problem);
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  unused)
{
  g_autoptr(GBytes) good = good_png (f);
  gsize len;
  const guint8 *png = g_bytes_get_data (good, &len);
  g_autofree guint8 *copy = g_memdup2 (png, len);
  guint8 garbage[200];
  gsize idat_len;

  /* The signature, then noise */
  memcpy (garbage, png, 8);
  for (guint i = 8; i < sizeof garbage; i++)
    garbage[i] = (guint8) (i * 37 + 11);
  expect_damaged (f, "garbage.png", garbage, sizeof garbage,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "damaged PNG");

  /* Signature + IHDR chunk (4 + 4 + 13 + 4 bytes) and nothing else */
  expect_damaged (f, "only-ihdr.png", png, 8 + 25,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "truncated");
  expect_damaged (f, "cut.png", png, len - 20,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "damaged PNG");

  /* IHDR's CRC */
  copy[8 + 8 + 13] ^= 0x01;
  expect_damaged (f, "ihdr-crc.png", copy, len,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "CRC");
  copy[8 + 8 + 13] ^= 0x01;

  /* IDAT's CRC: the chunk right after IHDR in this file */
  g_assert_cmpmem (copy + 8 + 25 + 4, 4, "IDAT", 4);
  idat_len = (gsize) copy[33] << 24 | copy[34] << 16 | copy[35] << 8 | copy[36];
  copy[8 + 25 + 8 + idat_len + 1] ^= 0x10;
  expect_damaged (f, "idat-crc.png", copy, len,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "CRC");
  copy[8 + 25 + 8 + idat_len + 1] ^= 0x10;

  /* A byte of compressed data: zlib notices before the CRC is reached */
  copy[8 + 25 + 8 + 2] ^= 0x55;
  expect_damaged (f, "idat-data.png", copy, len,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "damaged PNG");
}

static void
test_not_png (Fixture       *f,
              gconstpointer  unused)
{
  static const char text[] = "P2\n2 2\n255\n0 0 0 0\n";
  g_autofree char *missing = g_build_filename (f->dir, "missing.png", NULL);
  g_autoptr(GError) error = NULL;

  expect_damaged (f, "image.png", (const guint8 *) text, strlen (text),
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "not a PNG file");
  expect_damaged (f, "empty.png", (const guint8 *) "", 0,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "not a PNG file");

  g_assert_null (ds_png_load (missing, 1, 0, 0, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  assert_error_names (error, missing, "cannot open");
}

/* Signature, a well-formed IHDR of @width x @height gray 8-bit, a tiny IDAT and IEND. */
static GBytes *
png_with_size (guint32 width,
               guint32 height)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *b = g_byte_array_new ();
  guint8 ihdr[13] = { width >> 24, width >> 16, width >> 8, width,
                      height >> 24, height >> 16, height >> 8, height,
                      8, 0, 0, 0, 0 };
  guint8 idat[16];
  uLongf idat_len = sizeof idat;
  const guint8 zero_row[2] = { 0, 0 };
  const struct { const char *type; const guint8 *data; guint32 len; } chunks[3] = {
    { "IHDR", ihdr, 13 }, { "IDAT", idat, 0 }, { "IEND", NULL, 0 },
  };

  g_assert_cmpint (compress (idat, &idat_len, zero_row, sizeof zero_row), ==, Z_OK);
  g_byte_array_append (b, sig, 8);
  for (guint i = 0; i < 3; i++)
    {
      guint32 n = i == 1 ? (guint32) idat_len : chunks[i].len;
      guint8 be[4] = { n >> 24, n >> 16, n >> 8, n };
      guint32 crc = crc32 (0, (const Bytef *) chunks[i].type, 4);
      guint8 crc_be[4];

      /* crc32 (crc, NULL, 0) would restart at 0 */
      if (n > 0)
        crc = crc32 (crc, chunks[i].data, n);
      crc_be[0] = crc >> 24;
      crc_be[1] = crc >> 16;
      crc_be[2] = crc >> 8;
      crc_be[3] = crc;
      g_byte_array_append (b, be, 4);
      g_byte_array_append (b, (const guint8 *) chunks[i].type, 4);
      if (n > 0)
        g_byte_array_append (b, chunks[i].data, n);
      g_byte_array_append (b, crc_be, 4);
    }

  return g_byte_array_free_to_bytes (b);
}

static void
test_huge (Fixture       *f,
           gconstpointer  unused)
{
  g_autoptr(GBytes) huge = png_with_size (1000000, 1000000);
  g_autoptr(GBytes) wide = png_with_size (DS_PNG_MAX_SIDE + 1, 1);
  g_autoptr(GBytes) big = png_with_size (DS_PNG_MAX_SIDE, DS_PNG_MAX_SIDE);
  g_autoptr(GBytes) tiny = png_with_size (1, 1);
  gsize len;
  const guint8 *data;
  g_autofree char *tiny_path = g_build_filename (f->dir, "tiny.png", NULL);
  g_autofree guint8 *pixel = NULL;

  data = g_bytes_get_data (huge, &len);
  expect_damaged (f, "huge.png", data, len,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED, "1000000×1000000");
  data = g_bytes_get_data (wide, &len);
  expect_damaged (f, "wide.png", data, len,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED, "too large");
  /* Allowed in size, but the data is one row short of 16384 */
  data = g_bytes_get_data (big, &len);
  expect_damaged (f, "big.png", data, len,
                  DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "damaged PNG");

  /* The same construction at 1x1 is a valid file: the failures above are the sizes */
  data = g_bytes_get_data (tiny, &len);
  g_assert_true (g_file_set_contents (tiny_path, (const char *) data, (gssize) len, NULL));
  pixel = load_ok (tiny_path, 1, 0, 0, 1, 1);
  g_assert_cmpuint (pixel[0], ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/engine/png/gray8", test_gray8);
  ADD ("/engine/png/gray16", test_gray16);
  ADD ("/engine/png/rgb", test_rgb);
  ADD ("/engine/png/rgba", test_rgba);
  ADD ("/engine/png/gray-alpha", test_gray_alpha);
  ADD ("/engine/png/palette", test_palette);
  ADD ("/engine/png/gray1", test_gray1);
  ADD ("/engine/png/interlaced", test_interlaced);
  ADD ("/engine/png/resize-shrink", test_resize_shrink);
  ADD ("/engine/png/resize-enlarge", test_resize_enlarge);
  ADD ("/engine/png/save", test_save);
  ADD ("/engine/png/corrupt", test_corrupt);
  ADD ("/engine/png/not-png", test_not_png);
  ADD ("/engine/png/huge", test_huge);

#undef ADD

  return g_test_run ();
}
