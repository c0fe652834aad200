/* ds-store-files.h: file helpers for imports and exports (private to engine/store/)
 *
 * Files are created with O_EXCL under a unique name, so two imports never write the same file
 * and an orphan left by a crash is never overwritten. They are not fsync'ed one by one (that
 * costs about a millisecond each): callers flush a whole batch with ds_store_sync() before the
 * database rows that point at them are committed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Creates the folders of @path. Errors name it (DS_ENGINE_ERROR_IO). */
gboolean  ds_store_mkdir_p          (const char    *path,
                                     GError       **error);

/* Creates a new folder in @parent called @name, or "@name-2", "@name-3"… when taken.
 * Returns: (transfer full): the name used; NULL with @error. */
char     *ds_store_mkdir_unique     (const char    *parent,
                                     const char    *name,
                                     GError       **error);

/* Copies @src into the existing folder @dir as @name (made unique as "stem-2.ext"…).
 * On failure @source_failed (nullable) tells whether @src could not be read (rather than the
 * copy written). Returns: (transfer full): the name used; NULL with @error naming the file at
 * fault. */
char     *ds_store_copy_new         (const char    *src,
                                     const char    *dir,
                                     const char    *name,
                                     gboolean      *source_failed,
                                     GError       **error);

/* Writes @len bytes to a new file in @dir named after @name (made unique), fsync'ed with its
 * folder when @sync. Returns: (transfer full): the name used; NULL with @error. */
char     *ds_store_write_new        (const char    *dir,
                                     const char    *name,
                                     gconstpointer  data,
                                     gsize          len,
                                     gboolean       sync,
                                     GError       **error);

/* Flushes everything written on the file system holding @path (syncfs on Linux, sync
 * elsewhere): one call makes a whole batch of new files durable. */
gboolean  ds_store_sync             (const char    *path,
                                     GError       **error);

/* Checks the PNG signature and reads the colour type from IHDR without decoding.
 * @channels receives 1 for gray (with or without alpha), 3 otherwise. A file that is not a
 * PNG fails with DS_ENGINE_ERROR_FORMAT "not a PNG file"; one with a short or missing IHDR
 * passes with 3 channels and is left for the decoder to reject. */
gboolean  ds_store_png_probe        (const char    *path,
                                     guint         *channels,
                                     GError       **error);

/* A file or folder name made from @name: characters other than letters, digits, '.', '-' and
 * '_' become '_', at most 64 bytes, never empty, never starting with '.'.
 * Returns: (transfer full): the name. */
char     *ds_store_safe_name        (const char    *name);

/* Removes a folder and everything in it; errors are ignored (used to clean up). */
void      ds_store_remove_tree      (const char    *path);

G_END_DECLS
