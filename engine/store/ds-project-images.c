/* ds-project-images.c: image records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "ds-error.h"
#include "data/ds-png.h"
#include "store/ds-project-private.h"
#include "store/ds-store-files.h"

/* Indexed by DsImageFilter; ascending ids, one query each */
static const char * const list_sql[] = {
  "SELECT id FROM images ORDER BY id",
  "SELECT id FROM images WHERE class_id IS NULL ORDER BY id",
  "SELECT id FROM images WHERE class_id = ?1 ORDER BY id",
  "SELECT id FROM images WHERE source = 'synthetic' ORDER BY id",
  "SELECT id FROM images WHERE source <> 'synthetic' ORDER BY id",
};

static const char * const count_sql[] = {
  "SELECT COUNT (*) FROM images",
  "SELECT COUNT (*) FROM images WHERE class_id IS NULL",
  "SELECT COUNT (*) FROM images WHERE class_id = ?1",
  "SELECT COUNT (*) FROM images WHERE source = 'synthetic'",
  "SELECT COUNT (*) FROM images WHERE source <> 'synthetic'",
};

G_STATIC_ASSERT (G_N_ELEMENTS (list_sql) == DS_IMAGE_FILTER_NOT_SYNTHETIC + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (count_sql) == DS_IMAGE_FILTER_NOT_SYNTHETIC + 1);

void
ds_image_info_free (DsImageInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->abs_path);
  g_free (info->original_path);
  g_free (info->mask_path);
  g_free (info->abs_mask_path);
  g_free (info);
}

gint64
ds_project_insert_image (DsProject      *project,
                         const char     *rel_path,
                         const char     *original_path,
                         guint           width,
                         guint           height,
                         guint           channels,
                         DsSplit         split,
                         DsImageSource   source,
                         const char     *rel_mask_path,
                         gint64          class_id,
                         gint64          labelled_at,
                         GError        **error)
{
  g_autoptr(DsCachedStmt) stmt =
    ds_project_stmt (project,
                     "INSERT INTO images (path, original_path, width, height, channels, split, "
                     "  source, mask_path, class_id, labelled_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                     error);
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, rel_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, original_path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, width);
  sqlite3_bind_int64 (stmt, 4, height);
  sqlite3_bind_int64 (stmt, 5, channels);
  sqlite3_bind_text (stmt, 6, ds_split_to_string (split), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, ds_image_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, rel_mask_path, -1, SQLITE_STATIC);
  if (class_id != 0)
    {
      sqlite3_bind_int64 (stmt, 9, class_id);
      sqlite3_bind_int64 (stmt, 10, labelled_at);
    }

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *what = g_strdup_printf ("cannot add the image %s", rel_path);

      ds_project_fail (project, rc, what, error);
      return 0;
    }

  return sqlite3_last_insert_rowid (project->db);
}

static gboolean
check_shape (guint    width,
             guint    height,
             guint    channels,
             GError **error)
{
  if (width > 0 && height > 0 && (channels == 1 || channels == 3))
    return TRUE;
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "an image of %u×%u pixels and %u channels cannot be added (1 or 3 channels)",
               width, height, channels);
  return FALSE;
}

gint64
ds_project_add_image (DsProject      *project,
                      const char     *path,
                      guint           width,
                      guint           height,
                      guint           channels,
                      DsSplit         split,
                      DsImageSource   source,
                      const char     *mask_path,
                      GError        **error)
{
  g_autofree char *rel = NULL;
  g_autofree char *rel_mask = NULL;
  gint64 id;

  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (path != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!check_shape (width, height, channels, error))
    return 0;
  rel = ds_project_relative_path (project, path, error);
  if (rel == NULL)
    return 0;
  if (mask_path != NULL && (rel_mask = ds_project_relative_path (project, mask_path, error)) == NULL)
    return 0;

  for (guint i = 0; i < 2; i++)
    {
      const char *r = i == 0 ? rel : rel_mask;
      g_autofree char *abs = r != NULL ? g_build_filename (project->folder, r, NULL) : NULL;

      if (abs != NULL && !g_file_test (abs, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: no such file", abs);
          return 0;
        }
    }

  if (!ds_project_begin (project, error))
    return 0;
  id = ds_project_insert_image (project, rel, NULL, width, height, channels, split, source,
                                rel_mask, 0, 0, error);
  if (id == 0)
    {
      ds_project_rollback (project);
      return 0;
    }
  if (!ds_project_commit (project, error))
    return 0;

  return id;
}

gint64
ds_project_add_image_pixels (DsProject      *project,
                             const guint8   *pixels,
                             guint           c,
                             guint           h,
                             guint           w,
                             const char     *name,
                             DsSplit         split,
                             DsImageSource   source,
                             GError        **error)
{
  g_autoptr(GBytes) png = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *safe = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *written = NULL;
  g_autofree char *rel = NULL;
  gint64 id;

  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (pixels != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!check_shape (w, h, c, error))
    return 0;
  if (!ds_project_check_writable (project, error))
    return 0;

  png = ds_png_encode (pixels, c, h, w, error);
  if (png == NULL)
    return 0;
  dir = g_build_filename (project->folder, DS_PROJECT_IMAGES_DIR,
                          ds_image_source_to_string (source), NULL);
  safe = ds_store_safe_name (name != NULL ? name : "image");
  file_name = g_strconcat (safe, ".png", NULL);
  if (!ds_store_mkdir_p (dir, error))
    return 0;
  written = ds_store_write_new (dir, file_name, g_bytes_get_data (png, NULL),
                                g_bytes_get_size (png), TRUE, error);
  if (written == NULL)
    return 0;
  rel = g_strjoin ("/", DS_PROJECT_IMAGES_DIR, ds_image_source_to_string (source), written,
                   NULL);

  if (!ds_project_begin (project, error))
    goto fail;
  id = ds_project_insert_image (project, rel, NULL, w, h, c, split, source, NULL, 0, 0, error);
  if (id == 0)
    {
      ds_project_rollback (project);
      goto fail;
    }
  if (!ds_project_commit (project, error))
    goto fail;

  return id;

fail:
  {
    g_autofree char *abs = g_build_filename (dir, written, NULL);

    g_unlink (abs);
  }
  return 0;
}

GArray *
ds_project_list_images (DsProject      *project,
                        DsImageFilter   filter,
                        gint64          class_id,
                        GError        **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (filter <= DS_IMAGE_FILTER_NOT_SYNTHETIC, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = ds_project_stmt (project, list_sql[filter], error);
  if (stmt == NULL)
    return NULL;
  if (filter == DS_IMAGE_FILTER_CLASS)
    sqlite3_bind_int64 (stmt, 1, class_id);

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot list the images", error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

gint64
ds_project_count_images (DsProject      *project,
                         DsImageFilter   filter,
                         gint64          class_id,
                         GError        **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (project != NULL, -1);
  g_return_val_if_fail (filter <= DS_IMAGE_FILTER_NOT_SYNTHETIC, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  stmt = ds_project_stmt (project, count_sql[filter], error);
  if (stmt == NULL)
    return -1;
  if (filter == DS_IMAGE_FILTER_CLASS)
    sqlite3_bind_int64 (stmt, 1, class_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, "cannot count the images", error);
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

DsImageInfo *
ds_project_get_image (DsProject  *project,
                      gint64      image_id,
                      GError    **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  DsImageInfo *info;
  int rc;

  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = ds_project_stmt (project,
                          "SELECT path, original_path, mask_path, class_id, labelled_at, split, "
                          "  source, width, height, channels FROM images WHERE id = ?1",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, image_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is no image with id %" G_GINT64_FORMAT, project->db_path, image_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, "cannot read the image", error);
      return NULL;
    }

  info = g_new0 (DsImageInfo, 1);
  info->id = image_id;
  info->path = dup_column (stmt, 0);
  info->abs_path = g_build_filename (project->folder, info->path, NULL);
  info->original_path = dup_column (stmt, 1);
  info->mask_path = dup_column (stmt, 2);
  if (info->mask_path != NULL)
    info->abs_mask_path = g_build_filename (project->folder, info->mask_path, NULL);
  info->class_id = sqlite3_column_int64 (stmt, 3);
  info->labelled_at = sqlite3_column_int64 (stmt, 4);
  info->split = ds_split_from_string ((const char *) sqlite3_column_text (stmt, 5));
  info->source = ds_image_source_from_string ((const char *) sqlite3_column_text (stmt, 6));
  info->width = (guint) sqlite3_column_int64 (stmt, 7);
  info->height = (guint) sqlite3_column_int64 (stmt, 8);
  info->channels = (guint) sqlite3_column_int64 (stmt, 9);

  return info;
}
