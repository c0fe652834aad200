/* ds-png.h: PNG reading on libpng, converted to what a model wants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest width or height accepted: larger files are refused before decoding. */
#define DS_PNG_MAX_SIDE 16384

/* Reads @path (gray, gray+alpha, RGB, RGBA, palette, 1-16 bit) into 8-bit pixels of @c
 * channels (1 gray or 3 RGB; alpha is composited on black) in CHW order, resized to @h x @w
 * with area averaging when shrinking and bilinear when enlarging. 0 for @h/@w keeps the
 * file's size, which is returned in @out_h/@out_w (nullable).
 * Returns: (transfer full): (c, h, w) bytes, g_free(); NULL with @error naming the file. */
guint8 *ds_png_load (const char  *path,
                     guint        c,
                     guint        h,
                     guint        w,
                     guint       *out_h,
                     guint       *out_w,
                     GError     **error);

/* Encodes 8-bit (c, h, w) pixels, c = 1 or 3, as a PNG file's bytes in memory.
 * Returns: (transfer full): the bytes, or NULL with @error. */
GBytes  *ds_png_encode (const guint8 *pixels,
                        guint         c,
                        guint         h,
                        guint         w,
                        GError      **error);

/* Writes 8-bit (c, h, w) pixels, c = 1 or 3, atomically (ds_file_write_atomic()). */
gboolean ds_png_save (const char   *path,
                      const guint8 *pixels,
                      guint         c,
                      guint         h,
                      guint         w,
                      GError      **error);

G_END_DECLS
