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

/* Synthetic images */

gboolean
ds_project_add_synthetic (DsProject     *project,
                          const guint8  *pixels,
                          guint          n,
                          guint          c,
                          guint          h,
                          guint          w,
                          gint64         class_id,
                          const char    *name,
                          gint64       **ids,
                          GError       **error)
{
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autofree gint64 *new_ids = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *safe = NULL;
  g_autoptr(DsCachedStmt) cls = NULL;
  const char *source = ds_image_source_to_string (DS_IMAGE_SOURCE_SYNTHETIC);
  gsize size = (gsize) c * h * w;
  gint64 now = g_get_real_time ();
  int rc;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (pixels != NULL || n == 0, FALSE);
  g_return_val_if_fail (class_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_shape (w, h, c, error) || !ds_project_check_writable (project, error))
    return FALSE;
  new_ids = g_new0 (gint64, MAX (n, 1));
  if (n == 0)
    goto done;

  /* the files first, flushed together; the rows that point at them in one transaction */
  dir = g_build_filename (project->folder, DS_PROJECT_IMAGES_DIR, source, NULL);
  safe = ds_store_safe_name (name != NULL ? name : "synthetic");
  if (!ds_store_mkdir_p (dir, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file_name = g_strdup_printf ("%s-%04u.png", safe, i + 1);
      g_autoptr(GBytes) png = ds_png_encode (pixels + i * size, c, h, w, error);
      char *out;

      if (png == NULL)
        goto fail;
      out = ds_store_write_new (dir, file_name, g_bytes_get_data (png, NULL),
                                g_bytes_get_size (png), FALSE, error);
      if (out == NULL)
        goto fail;
      g_ptr_array_add (written, out);
    }
  if (!ds_store_sync (dir, error) || !ds_project_begin (project, error))
    goto fail;

  cls = ds_project_stmt (project, "SELECT 1 FROM classes WHERE id = ?1", error);
  if (cls == NULL)
    goto rollback;
  sqlite3_bind_int64 (cls, 1, class_id);
  rc = sqlite3_step (cls);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                     "%s: there is no class with id %" G_GINT64_FORMAT, project->db_path,
                     class_id);
      else
        ds_project_fail (project, rc, "cannot read the classes", error);
      goto rollback;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *rel = g_strjoin ("/", DS_PROJECT_IMAGES_DIR, source,
                                        (const char *) g_ptr_array_index (written, i), NULL);

      /* never a test image: synthetic ones train, they are not evidence */
      new_ids[i] = ds_project_insert_image (project, rel, NULL, w, h, c, DS_SPLIT_NONE,
                                            DS_IMAGE_SOURCE_SYNTHETIC, NULL, class_id, now,
                                            error);
      if (new_ids[i] == 0)
        goto rollback;
    }
  if (!ds_project_commit (project, error))
    goto fail;

done:
  if (ids != NULL)
    *ids = g_steal_pointer (&new_ids);
  return TRUE;

rollback:
  ds_project_rollback (project);
fail:
  for (guint i = 0; i < written->len; i++)
    {
      g_autofree char *abs = g_build_filename (dir, (const char *) g_ptr_array_index (written, i),
                                               NULL);

      g_unlink (abs);
    }
  return FALSE;
}

gboolean
ds_project_remove_synthetic (DsProject  *project,
                             gint64      class_id,
                             guint      *n_removed,
                             GError    **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DsCachedStmt) list = NULL;
  g_autoptr(DsCachedStmt) del = NULL;
  int rc;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (class_id >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_removed != NULL)
    *n_removed = 0;
  if (!ds_project_begin (project, error))
    return FALSE;
  list = ds_project_stmt (project,
                          "SELECT path FROM images WHERE source = 'synthetic' "
                          "  AND (?1 = 0 OR class_id = ?1) ORDER BY id",
                          error);
  if (list == NULL)
    goto fail;
  sqlite3_bind_int64 (list, 1, class_id);
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    g_ptr_array_add (paths, g_strdup ((const char *) sqlite3_column_text (list, 0)));
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot list the synthetic images", error);
      goto fail;
    }
  sqlite3_reset (list);

  /* their labels' undo steps, run records and predictions go with them (ON DELETE CASCADE) */
  del = ds_project_stmt (project,
                         "DELETE FROM images WHERE source = 'synthetic' "
                         "  AND (?1 = 0 OR class_id = ?1)",
                         error);
  if (del == NULL)
    goto fail;
  sqlite3_bind_int64 (del, 1, class_id);
  if (!ds_project_step_done (project, del, "cannot remove the synthetic images", error)
      || !ds_project_commit (project, error))
    goto fail;

  /* the rows are gone for good; a file that cannot be removed now is only an orphan */
  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *abs = g_build_filename (project->folder,
                                               (const char *) g_ptr_array_index (paths, i), NULL);

      g_unlink (abs);
    }
  if (n_removed != NULL)
    *n_removed = paths->len;

  return TRUE;

fail:
  ds_project_rollback (project);
  return FALSE;
}
