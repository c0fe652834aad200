/* ds-project.h: the project store, a folder with an SQLite database and its images
 *
 * A project is a folder holding "project.db" and an "images" folder. Imports COPY their images
 * into "images/", so a project is self-contained: it can be moved, zipped or put on a share, and
 * deleting or changing the originals does not touch it. The database keeps each image's path
 * relative to the project folder (and where it came from), its class, split and source, and
 * an undo log of labelling actions.
 *
 * Durability: every call that changes the project is one SQLite transaction, committed with
 * synchronous=FULL in WAL mode before it returns TRUE, so an acknowledged change survives the
 * process being killed at any moment (and a power cut). Undo and redo live in the database too
 * and survive a restart.
 *
 * Threads: a DsProject is used by one thread at a time. To work in two threads (an import in a
 * GTask while the window labels), open the folder twice: WAL lets one handle read while the
 * other writes, and writers wait for each other up to the busy timeout.
 *
 * Only engine/store/ talks to SQLite; nothing here exposes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "data/ds-dataset.h"

G_BEGIN_DECLS

#define DS_PROJECT_DB_NAME          "project.db"
#define DS_PROJECT_IMAGES_DIR       "images"
/* The schema version this build writes; PRAGMA user_version. Older ones are migrated. */
#define DS_PROJECT_SCHEMA_VERSION   3
/* How long a write waits for another handle or program holding the database. */
#define DS_PROJECT_BUSY_TIMEOUT_MS  3000
/* Undo steps kept; older ones are forgotten. */
#define DS_PROJECT_UNDO_LIMIT       200

typedef struct _DsProject DsProject;

typedef enum
{
  DS_PROJECT_OPEN_DEFAULT   = 0,
  /* Never writes: for a project on read-only media or one without write permission. Every call
   * that would change it fails with DS_ENGINE_ERROR_IO. */
  DS_PROJECT_OPEN_READ_ONLY = 1 << 0,
} DsProjectOpenFlags;

typedef enum
{
  DS_SPLIT_NONE,
  DS_SPLIT_TRAIN,
  DS_SPLIT_TEST,
} DsSplit;

typedef enum
{
  DS_IMAGE_SOURCE_IMPORT,
  DS_IMAGE_SOURCE_DEMO,
  DS_IMAGE_SOURCE_SYNTHETIC,
} DsImageSource;

typedef enum
{
  DS_IMAGE_FILTER_ALL,
  DS_IMAGE_FILTER_UNLABELLED,
  DS_IMAGE_FILTER_CLASS,          /* the images of one class, given by id */
  DS_IMAGE_FILTER_SYNTHETIC,
  DS_IMAGE_FILTER_NOT_SYNTHETIC,
} DsImageFilter;

typedef struct
{
  gint64   id;
  char    *name;
  guint32  color;                 /* 0xRRGGBB */
  guint    position;              /* 0-based place in the class list */
  guint    n_images;              /* images labelled with this class */
} DsClassInfo;

typedef struct
{
  gint64         id;
  char          *path;            /* relative to the project folder, '/'-separated */
  char          *abs_path;
  char          *original_path;   /* the file it was imported from ("<IDX file>#<index>" for
                                   * IDX imports); NULL when not imported */
  char          *mask_path;       /* relative, or NULL */
  char          *abs_mask_path;   /* or NULL */
  gint64         class_id;        /* 0 when unlabelled */
  gint64         labelled_at;     /* unix time in microseconds; 0 when unlabelled */
  DsSplit        split;
  DsImageSource  source;
  guint          width, height, channels;
} DsImageInfo;

/* Progress of an import or a folder export: called before each file with the number of files
 * handled so far (imported or skipped) and the file about to be handled, and once at the end
 * with @done == @total and @current_path NULL (its return value is then ignored).
 * Return FALSE to stop: the call then fails with DS_ENGINE_ERROR_CANCELLED. */
typedef gboolean (*DsImportProgress) (guint       done,
                                      guint       total,
                                      const char *current_path,
                                      gpointer    user_data);

/* Opening and closing */

/* Creates a project in @folder, which is created if missing and must not hold a project yet.
 * Returns: (transfer full): the open project, ds_project_close(); NULL with @error. */
DsProject    *ds_project_create          (const char          *folder,
                                          GError             **error);

/* Opens the project in @folder, migrating an older schema. Fails with a message naming the file:
 * DS_ENGINE_ERROR_FORMAT when project.db is not a database, not a Defectscope project, or
 * damaged (PRAGMA quick_check); DS_ENGINE_ERROR_VERSION when a newer Defectscope wrote it;
 * DS_ENGINE_ERROR_IO when it is missing, read-only (without DS_PROJECT_OPEN_READ_ONLY) or
 * locked by another program for longer than DS_PROJECT_BUSY_TIMEOUT_MS.
 * Returns: (transfer full): the project, ds_project_close(); NULL with @error. */
DsProject    *ds_project_open            (const char          *folder,
                                          DsProjectOpenFlags   flags,
                                          GError             **error);

/* Closes the database and frees @project. NULL is allowed. */
void          ds_project_close           (DsProject           *project);

/* Returns: (transfer none): the project folder, made absolute. */
const char   *ds_project_get_folder      (DsProject           *project);
gboolean      ds_project_is_read_only    (DsProject           *project);
/* Changes how long later writes wait for a lock held elsewhere. */
void          ds_project_set_busy_timeout (DsProject          *project,
                                           guint               milliseconds);

/* Classes */

/* Adds a class at the end of the list. Names are unique (ignoring ASCII case), non-empty,
 * UTF-8 without control characters, '/' or '\\', not starting with '.': they become folder
 * names on export. @color is 0xRRGGBB.
 * Returns: the new class id (> 0), or 0 with @error. */
gint64        ds_project_add_class       (DsProject           *project,
                                          const char          *name,
                                          guint32              color,
                                          GError             **error);
gboolean      ds_project_rename_class    (DsProject           *project,
                                          gint64               class_id,
                                          const char          *name,
                                          GError             **error);
gboolean      ds_project_recolor_class   (DsProject           *project,
                                          gint64               class_id,
                                          guint32              color,
                                          GError             **error);
/* Moves a class to @position (clamped to the end) in the list; the others keep their order. */
gboolean      ds_project_move_class      (DsProject           *project,
                                          gint64               class_id,
                                          guint                position,
                                          GError             **error);
/* Deletes a class; its images become unlabelled. One undo step: ds_project_undo() brings back
 * the class (same id, colour and place; its name gets a suffix if it was taken meanwhile) and
 * its labels. */
gboolean      ds_project_delete_class    (DsProject           *project,
                                          gint64               class_id,
                                          GError             **error);
/* Returns: (transfer full) (element-type DsClassInfo): the classes by position, with image
 * counts, g_ptr_array_unref(); NULL with @error. */
GPtrArray    *ds_project_list_classes    (DsProject           *project,
                                          GError             **error);
/* Returns: the id of the class called @name (ASCII case ignored), 0 when there is none (then
 * @error is not set) or on failure (then it is). */
gint64        ds_project_find_class      (DsProject           *project,
                                          const char          *name,
                                          GError             **error);
void          ds_class_info_free         (DsClassInfo         *info);

/* Images */

/* Registers an image file that is already inside the project folder; @path and @mask_path
 * (nullable) are relative to it or absolute paths under it. The size is the caller's word: no
 * decoding happens. To bring in outside files, use the imports (ds-project-import.h).
 * Returns: the new image id (> 0), or 0 with @error. */
gint64        ds_project_add_image       (DsProject           *project,
                                          const char          *path,
                                          guint                width,
                                          guint                height,
                                          guint                channels,
                                          DsSplit              split,
                                          DsImageSource        source,
                                          const char          *mask_path,
                                          GError             **error);
/* Writes 8-bit (c, h, w) pixels (c = 1 or 3) as a PNG under images/<source>/ named after
 * @name (nullable; ".png" is added and the name made unique), flushes it to disk and registers
 * it, unlabelled. For generated (synthetic) or demo images.
 * Returns: the new image id, or 0 with @error. */
gint64        ds_project_add_image_pixels (DsProject          *project,
                                           const guint8       *pixels,
                                           guint               c,
                                           guint               h,
                                           guint               w,
                                           const char         *name,
                                           DsSplit             split,
                                           DsImageSource       source,
                                           GError            **error);
/* Synthetic images (made by a GAN) of class @class_id: writes the @n 8-bit images @pixels
 * ((n, c, h, w), c = 1 or 3) as PNGs under images/synthetic/ named "@name-0001.png"… (made
 * unique), flushes them to disk once, and registers them labelled @class_id, with no split, in
 * ONE transaction: all are added or none (the files of a failed call are removed). The labels
 * are no undo step; ds_project_remove_synthetic() is the way back.
 * Training runs leave synthetic images out unless asked (DsRunConfig.include_synthetic), and
 * then only ever train on them: they never validate or test.
 * @ids (nullable) receives the new ids in order (g_free()). */
gboolean      ds_project_add_synthetic   (DsProject           *project,
                                          const guint8        *pixels,
                                          guint                n,
                                          guint                c,
                                          guint                h,
                                          guint                w,
                                          gint64               class_id,
                                          const char          *name,
                                          gint64             **ids,
                                          GError             **error);
/* Deletes every synthetic image (of class @class_id, or of all with 0) in one transaction,
 * with what refers to them (undo entries, run records, predictions), then their files.
 * @n_removed (nullable) receives the count. */
gboolean      ds_project_remove_synthetic (DsProject          *project,
                                           gint64              class_id,
                                           guint              *n_removed,
                                           GError            **error);
/* One query, ascending ids. @class_id is used by DS_IMAGE_FILTER_CLASS only.
 * Returns: (transfer full) (element-type gint64): the ids, g_array_unref(); NULL with @error. */
GArray       *ds_project_list_images     (DsProject           *project,
                                          DsImageFilter        filter,
                                          gint64               class_id,
                                          GError             **error);
/* Returns: the number of images @filter selects, or -1 with @error. */
gint64        ds_project_count_images    (DsProject           *project,
                                          DsImageFilter        filter,
                                          gint64               class_id,
                                          GError             **error);
/* Returns: (transfer full): one image's record, ds_image_info_free(); NULL with @error
 * (DS_ENGINE_ERROR_INVALID_ARGUMENT when there is no such image). */
DsImageInfo  *ds_project_get_image       (DsProject           *project,
                                          gint64               image_id,
                                          GError             **error);
void          ds_image_info_free         (DsImageInfo         *info);

/* Labelling (ds-project-labels.c) */

/* Labels the @n images @ids with @class_id, or makes them unlabelled with 0, in ONE committed
 * transaction and one undo step; when TRUE returns the labels are on disk. Images that already
 * have that label keep their labelled-at time; when none changes, no undo step is made. An
 * unknown image or class id fails with DS_ENGINE_ERROR_INVALID_ARGUMENT and changes nothing.
 * A new step after undo drops the steps that could have been redone. */
gboolean      ds_project_set_labels      (DsProject           *project,
                                          const gint64        *ids,
                                          gsize                n,
                                          gint64               class_id,
                                          GError             **error);
/* Undoes the last labelling step or class deletion, or redoes the last undone one. Undo state
 * lives in the database, so it survives closing and reopening. Labels written by imports are
 * not steps. Fail with DS_ENGINE_ERROR_INVALID_ARGUMENT when there is nothing to undo/redo. */
gboolean      ds_project_undo            (DsProject           *project,
                                          GError             **error);
gboolean      ds_project_redo            (DsProject           *project,
                                          GError             **error);
/* FALSE also when the database cannot be read. */
gboolean      ds_project_can_undo        (DsProject           *project);
gboolean      ds_project_can_redo        (DsProject           *project);

/* Training and export */

/* Reads the labelled images (all splits; synthetic ones only with @include_synthetic) as
 * @c channels of @h x @w pixels with ds_png_load(); 0 for any of them takes the first image's.
 * Class names and label indices follow the class list order (every class, even one without
 * images); paths are absolute. No labelled image, or an image file that cannot be read, is
 * an error naming it.
 * Returns: (transfer full): the data set, ds_dataset_free(); NULL with @error. */
DsDataset    *ds_project_load_dataset    (DsProject           *project,
                                          guint                c,
                                          guint                h,
                                          guint                w,
                                          gboolean             include_synthetic,
                                          GError             **error);
typedef enum
{
  DS_LOAD_UNLABELLED = 1 << 0,    /* unlabelled images too (label -1) */
  DS_LOAD_SYNTHETIC  = 1 << 1,    /* synthetic images too */
} DsLoadFlags;

/* Like ds_project_load_dataset(), for the images @flags select, in ascending id order.
 * @ids and @splits (nullable) receive each sample's image id and split (g_free()).
 * Returns: (transfer full): the data set; NULL with @error (also when no image is selected). */
DsDataset    *ds_project_load_images     (DsProject           *project,
                                          DsLoadFlags          flags,
                                          guint                c,
                                          guint                h,
                                          guint                w,
                                          gint64             **ids,
                                          DsSplit            **splits,
                                          GError             **error);
/* Writes every image as one CSV row "path,class,source,labeled_at" (RFC 4180: CRLF, a header
 * line, fields quoted when needed), ascending ids. path is relative to the project folder,
 * class and labeled_at are empty for unlabelled images, labeled_at is ISO 8601 UTC with
 * microseconds ("2024-05-01T12:34:56.123456Z"). Written atomically: @csv_path holds the old
 * file or the whole new one. */
gboolean      ds_project_export_csv      (DsProject           *project,
                                          const char          *csv_path,
                                          GError             **error);
/* Copies each labelled image to @out_dir/<class>/<file name> (names made unique by a "-2"
 * suffix); unlabelled images are left out. @out_dir is created if needed; files already there
 * are kept. @progress (nullable) is as for imports; @n_exported (nullable) receives the count. */
gboolean      ds_project_export_folders  (DsProject           *project,
                                          const char          *out_dir,
                                          DsImportProgress     progress,
                                          gpointer             user_data,
                                          guint               *n_exported,
                                          GError             **error);

/* The names stored in the database and the CSV: "train", "test" (NULL for DS_SPLIT_NONE);
 * "import", "demo", "synthetic". */
const char   *ds_split_to_string         (DsSplit              split);
const char   *ds_image_source_to_string  (DsImageSource        source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsProject, ds_project_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsClassInfo, ds_class_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsImageInfo, ds_image_info_free)

G_END_DECLS
