/* ds-project-import.h: bringing images into a project
 *
 * Imports COPY every file into <project>/images/<name of what was imported>/, keeping its name
 * and the folder structure below the imported root ("train/good/000.png"), with "-2", "-3"…
 * added on a clash, and record where it came from. Each file is checked by decoding it with
 * ds_png_load(); files that are not PNG, are damaged, or too large are left out and described
 * in @skipped as "path: reason". Hidden files and folders (".name") are ignored; symbolic links
 * to folders are not followed.
 *
 * They run on the caller's thread (a GTask worker in the app, the CLI directly); use a
 * DsProject of that thread (see ds-project.h).
 *
 * Commits: rows are written in transactions of DS_IMPORT_BATCH images, after the batch's files
 * have been flushed to disk, so the database never points at a file that a power cut could
 * lose, and the write lock is held only briefly (another handle can label meanwhile). When
 * @progress returns FALSE, or an error stops the import, everything handled before stays
 * imported, consistently: the batch in progress is committed, nothing more is read, and the call
 * fails with DS_ENGINE_ERROR_CANCELLED (or the error). *@n_imported tells how many images went
 * in either way. Labels and classes written by an import are not undo steps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "store/ds-project.h"

G_BEGIN_DECLS

/* Images per transaction */
#define DS_IMPORT_BATCH 500

typedef enum
{
  DS_IMPORT_LAYOUT_UNKNOWN,
  /* PNG files, and folders of them searched recursively; unlabelled, no split. */
  DS_IMPORT_LAYOUT_FILES,
  /* <root>/<class>/…png, or <root>/train/<class>/…png and <root>/test/<class>/…png: a class
   * per folder name (files in sub-folders of a class folder belong to it), split recorded. */
  DS_IMPORT_LAYOUT_CLASS_FOLDERS,
  /* One MVTec AD category: <root>/train/good/<n>.png, <root>/test/<defect>/<n>.png (test/good
   * too), <root>/ground_truth/<defect>/<n>_mask.png: classes "good" and each defect, masks
   * copied and linked to their image. */
  DS_IMPORT_LAYOUT_MVTEC,
  /* An IDX image file and its label file (MNIST, Fashion-MNIST; plain or gzip). */
  DS_IMPORT_LAYOUT_IDX,
} DsImportLayout;

/* Looks at @path without reading images: an IDX image file or a folder holding one with its
 * label file → IDX; train/good, test and ground_truth folders → MVTEC; class folders (under
 * train/ and test/, or directly with no PNG files beside them) → CLASS_FOLDERS; PNG files
 * anywhere below → FILES; otherwise UNKNOWN. */
DsImportLayout ds_import_detect_layout   (const char          *path);

/* "files", "class-folders", "mvtec", "idx", "unknown" */
const char    *ds_import_layout_to_string (DsImportLayout     layout);

/* Imports @path in @layout, or in the detected one for DS_IMPORT_LAYOUT_UNKNOWN. For IDX,
 * @path is the image file or the folder holding the pair (the training pair when there is
 * one); classes are "0", "1"…
 * @progress (nullable) is called before each file; @skipped (nullable) receives "path: reason"
 * strings (the array must free its elements with g_free); @n_imported (nullable) the count. */
gboolean       ds_project_import          (DsProject          *project,
                                           const char         *path,
                                           DsImportLayout      layout,
                                           DsImportProgress    progress,
                                           gpointer            user_data,
                                           GPtrArray          *skipped,
                                           guint              *n_imported,
                                           GError            **error);

/* Layout 1: the NULL-terminated @paths, files or folders. */
gboolean       ds_project_import_files    (DsProject          *project,
                                           const char * const *paths,
                                           DsImportProgress    progress,
                                           gpointer            user_data,
                                           GPtrArray          *skipped,
                                           guint              *n_imported,
                                           GError            **error);

/* Layout 2. Classes are created in name order (training split first) and reused when the
 * project already has one of that name. */
gboolean       ds_project_import_class_folders (DsProject     *project,
                                                const char    *root,
                                                DsImportProgress progress,
                                                gpointer       user_data,
                                                GPtrArray     *skipped,
                                                guint         *n_imported,
                                                GError       **error);

/* Layout 3. "good" comes first in the class list, then the defects by name. A mask that
 * cannot be read, or whose size differs from its image's, is skipped (its image is imported
 * without it). */
gboolean       ds_project_import_mvtec    (DsProject          *project,
                                           const char         *root,
                                           DsImportProgress    progress,
                                           gpointer            user_data,
                                           GPtrArray          *skipped,
                                           guint              *n_imported,
                                           GError            **error);

/* Layout 4: each image of @images_path is written as a gray PNG into the project, labelled
 * with its class. @labels_path NULL takes the file named like @images_path with "labels" and
 * "idx1" for "images" and "idx3". A "train-…" pair gets split "train", and the "t10k-…" (or
 * "test-…") pair in the same folder, when present, is imported too as split "test"; any other
 * pair gets no split. @class_names (nullable, NULL-terminated) names classes 0, 1, … and must
 * cover every label; without it they are "0", "1"…, as many as the largest label needs.
 * An unreadable IDX file, or one whose images are all of one class, fails the import before
 * anything is written (see ds_dataset_check_classes()); classes without an image and a
 * missing or unreadable test pair are only reported in @skipped. Original paths read "<IDX file>#<index>". */
gboolean       ds_project_import_idx      (DsProject          *project,
                                           const char         *images_path,
                                           const char         *labels_path,
                                           const char * const *class_names,
                                           DsImportProgress    progress,
                                           gpointer            user_data,
                                           GPtrArray          *skipped,
                                           guint              *n_imported,
                                           GError            **error);

G_END_DECLS
