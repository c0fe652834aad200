/* ds-idx.h: the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads an unsigned-byte IDX file of @expected_dims dimensions (3 for images, 1 for labels).
 * The header is checked against the data actually present: type code, dimension count,
 * every size non-zero, the product computed with overflow checks, the payload exactly that
 * long. @dims receives the sizes (up to 4) and @n_bytes the payload length; both may be NULL.
 * Payloads over 1 GiB are refused.
 * Returns: (transfer full): the payload, g_free(); NULL with @error naming the file. */
guint8 *ds_idx_read_ubyte (const char  *path,
                           guint        expected_dims,
                           guint32     *dims,
                           gsize       *n_bytes,
                           GError     **error);

G_END_DECLS
