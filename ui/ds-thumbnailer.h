/* ds-thumbnailer.h: images decoded off the main thread into textures, thumbnails cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_TYPE_THUMBNAILER (ds_thumbnailer_get_type ())

G_DECLARE_FINAL_TYPE (DsThumbnailer, ds_thumbnailer, DS, THUMBNAILER, GObject)

/* Thumbnails fit in @size × @size pixels, keeping their aspect ratio. */
DsThumbnailer *ds_thumbnailer_new          (guint                size);
guint          ds_thumbnailer_get_size     (DsThumbnailer       *self);
/* Returns: (transfer none) (nullable): the cached thumbnail of image @id. */
GdkTexture    *ds_thumbnailer_lookup       (DsThumbnailer       *self,
                                            gint64               id);
/* Decodes @path (width × height pixels) into a thumbnail in a worker thread; finish with
 * ds_thumbnailer_load_finish() on the same thumbnailer, which caches it. The callback runs on
 * the calling thread's main context; the caller keeps the thumbnailer alive until then. */
void           ds_thumbnailer_load_async   (DsThumbnailer       *self,
                                            gint64               id,
                                            const char          *path,
                                            guint                width,
                                            guint                height,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* Returns: (transfer full): the thumbnail, or NULL with @error naming the file. */
GdkTexture    *ds_thumbnailer_load_finish  (DsThumbnailer       *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Forgets every cached thumbnail (the project changed). */
void           ds_thumbnailer_clear        (DsThumbnailer       *self);

/* Decodes a whole PNG (RGB, its own size) in a worker thread, for the large view. */
void           ds_texture_load_async       (const char          *path,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GdkTexture    *ds_texture_load_finish      (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
