/* ds-project-import-private.h: the machinery all imports share (ds-project-import-batch.c)
 *
 * An import makes its folder under images/, then for each file: ds_importer_tick() (progress
 * and cancel), ds_importer_add_file() or ds_importer_add_pixels() (copy or write, check,
 * queue), and ends with ds_importer_finish(), which commits what is queued.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/ds-project-import.h"
#include "store/ds-project-private.h"

G_BEGIN_DECLS

typedef struct
{
  DsProject        *project;
  DsImportProgress  progress;
  gpointer          user_data;
  GPtrArray        *skipped;       /* (nullable) */
  char             *dest_abs;      /* <project>/images/<name> */
  char             *dest_rel;      /* images/<name> */
  GPtrArray        *classes;       /* names to create, in order, with the first commit */
  GArray           *pending;       /* images copied but not committed */
  GHashTable       *made_dirs;     /* folders below dest_abs known to exist */
  gint64            now;           /* labelled-at time of the import's labels */
  DsImageSource     source;        /* recorded for every image; 0 is DS_IMAGE_SOURCE_IMPORT */
  guint             done, total;
  guint             n_imported;
} DsImporter;

/* Makes the import's folder, images/<@source_name made safe>[-N]. */
gboolean ds_importer_start       (DsImporter        *imp,
                                  DsProject         *project,
                                  const char        *source_name,
                                  DsImportProgress   progress,
                                  gpointer           user_data,
                                  GPtrArray         *skipped,
                                  GError           **error);
/* Classes created in this order with the first commit, whether or not they get images. */
void     ds_importer_declare_class (DsImporter      *imp,
                                    const char      *name);
void     ds_importer_skip        (DsImporter        *imp,
                                  const char        *message);
/* Reports progress before handling @current; FALSE with DS_ENGINE_ERROR_CANCELLED to stop. */
gboolean ds_importer_tick        (DsImporter        *imp,
                                  const char        *current,
                                  GError           **error);
/* Copies @src to @rel_sub (a '/'-separated path below the import's folder), checks it, and
 * queues it; @mask_src (nullable) likewise to @mask_rel_sub. A bad source file is skipped;
 * FALSE only when the project cannot be written. */
gboolean ds_importer_add_file    (DsImporter        *imp,
                                  const char        *src,
                                  const char        *rel_sub,
                                  const char        *class_name,
                                  DsSplit            split,
                                  const char        *mask_src,
                                  const char        *mask_rel_sub,
                                  GError           **error);
/* Writes 8-bit (c, h, w) pixels as a PNG at @rel_sub and queues it. */
gboolean ds_importer_add_pixels  (DsImporter        *imp,
                                  const guint8      *pixels,
                                  guint              c,
                                  guint              h,
                                  guint              w,
                                  const char        *rel_sub,
                                  const char        *original_path,
                                  const char        *class_name,
                                  DsSplit            split,
                                  GError           **error);
/* The same, with a mask (@mask: 8-bit (h, w), nullable) written at @mask_rel_sub. */
gboolean ds_importer_add_pixels_masked (DsImporter  *imp,
                                        const guint8 *pixels,
                                        guint         c,
                                        guint         h,
                                        guint         w,
                                        const char   *rel_sub,
                                        const char   *original_path,
                                        const char   *class_name,
                                        DsSplit       split,
                                        const guint8 *mask,
                                        const char   *mask_rel_sub,
                                        GError      **error);
/* Commits what is queued, whether @ok or not, and reports the end. With !@ok, @error already
 * holds why the import stopped; a failing commit then only adds to it. Removes the import's
 * folder when nothing went in. Returns @ok and a successful commit. */
gboolean ds_importer_finish      (DsImporter        *imp,
                                  gboolean           ok,
                                  guint             *n_imported,
                                  GError           **error);
void     ds_importer_clear       (DsImporter        *imp);

/* IDX file names (ds-project-import-idx.c) */
/* "…-images-idx3-ubyte", "…-images.idx3-ubyte", each optionally ".gz" */
gboolean ds_import_is_idx_images_name (const char   *name);
/* Returns: (transfer full): the label file beside @images_path, or NULL. */
char    *ds_import_idx_labels_for (const char       *images_path);
/* Returns: (transfer full): the image file of a complete pair in @dir, the training one when
 * there is one, or NULL. */
char    *ds_import_find_idx_images (const char      *dir);

G_END_DECLS
