/* ds-file.h: crash-safe file writing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @len bytes to a temporary file beside @path, fsyncs it, renames it over @path and
 * fsyncs the folder: after a crash @path holds the old contents or the new, never a mix.
 * Errors name @path. */
gboolean ds_file_write_atomic (const char    *path,
                               gconstpointer  data,
                               gsize          len,
                               GError       **error);

G_END_DECLS
