/* store-test-utils.h: helpers the store tests share (header-only: each test is one .c file)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "data/ds-png.h"
#include "ds-error.h"
#include "store/ds-project.h"
#include "store/ds-store-files.h"

/* A fresh temporary folder; remove it with test_remove_tree(). */
static inline char *
test_make_tmp (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
test_remove_tree (const char *path)
{
  g_chmod (path, 0755);
  ds_store_remove_tree (path);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Pixels that tell images apart: value (seed + 7 i) mod 251. */
static inline guint8 *
test_pattern (guint c,
              guint h,
              guint w,
              guint seed)
{
  gsize n = (gsize) c * h * w;
  guint8 *px = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    px[i] = (guint8) ((seed + 7 * i) % 251);
  return px;
}

/* Writes a (c, h, w) PNG at @dir/@name (folders created) and returns its path. */
static inline char *
test_write_png (const char *dir,
                const char *name,
                guint       c,
                guint       h,
                guint       w,
                guint       seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *px = test_pattern (c, h, w, seed);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  ds_png_save (path, px, c, h, w, &error);
  g_assert_no_error (error);
  return path;
}

static inline char *
test_write_file (const char    *dir,
                 const char    *name,
                 gconstpointer  data,
                 gsize          len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* The message of @error must mention every one of the NULL-terminated strings. */
static inline void
test_assert_message (const GError *error,
                     ...)
{
  va_list args;
  const char *part;

  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  va_start (args, error);
  while ((part = va_arg (args, const char *)) != NULL)
    {
      if (strstr (error->message, part) == NULL)
        g_error ("message \"%s\" should mention \"%s\"", error->message, part);
    }
  va_end (args);
}

static inline gboolean
test_skipped_mentions (GPtrArray  *skipped,
                       const char *path,
                       const char *reason)
{
  for (guint i = 0; i < skipped->len; i++)
    {
      const char *s = g_ptr_array_index (skipped, i);

      if (g_str_has_prefix (s, path) && strstr (s, reason) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Number of regular files below @dir. */
static inline guint
test_count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += test_count_files (path);
      else
        n++;
    }
  return n;
}
