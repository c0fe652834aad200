/* ds-project-export.c: labels out of a project, as CSV or as a class-per-folder copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "ds-file.h"
#include "store/ds-project-private.h"
#include "store/ds-store-files.h"

/* RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
static void
append_field (GString    *out,
              const char *field)
{
  if (field == NULL)
    return;
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* ISO 8601 in UTC with microseconds: 2024-05-01T12:34:56.123456Z */
static void
append_time (GString *out,
             gint64   usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;
  gint64 rest = usec % G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (rest < 0)
    {
      seconds--;
      rest += G_USEC_PER_SEC;
    }
  dt = g_date_time_new_from_unix_utc (seconds);
  if (dt == NULL)
    return;
  text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  g_string_append_printf (out, "%s.%06dZ", text, (int) rest);
}

gboolean
ds_project_export_csv (DsProject   *project,
                       const char  *csv_path,
                       GError     **error)
{
  g_autoptr(GString) out = g_string_new ("path,class,source,labeled_at\r\n");
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (csv_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = ds_project_stmt (project,
                          "SELECT images.path, classes.name, images.source, images.labelled_at "
                          "FROM images LEFT JOIN classes ON classes.id = images.class_id "
                          "ORDER BY images.id",
                          error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      append_field (out, (const char *) sqlite3_column_text (stmt, 0));
      g_string_append_c (out, ',');
      append_field (out, (const char *) sqlite3_column_text (stmt, 1));
      g_string_append_c (out, ',');
      append_field (out, (const char *) sqlite3_column_text (stmt, 2));
      g_string_append_c (out, ',');
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        append_time (out, sqlite3_column_int64 (stmt, 3));
      g_string_append (out, "\r\n");
    }
  if (rc != SQLITE_DONE)
    return ds_project_fail (project, rc, "cannot read the labels", error);
  sqlite3_reset (stmt);

  return ds_file_write_atomic (csv_path, out->str, out->len, error);
}

typedef struct
{
  char *path;         /* absolute */
  char *class_name;
} Row;

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->path);
  g_free (row->class_name);
}

gboolean
ds_project_export_folders (DsProject         *project,
                           const char        *out_dir,
                           DsImportProgress   progress,
                           gpointer           user_data,
                           guint             *n_exported,
                           GError           **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GHashTable) made = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DsCachedStmt) stmt = NULL;
  guint done = 0;
  int rc;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (out_dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_exported != NULL)
    *n_exported = 0;
  g_array_set_clear_func (rows, row_clear);

  stmt = ds_project_stmt (project,
                          "SELECT images.path, classes.name "
                          "FROM images JOIN classes ON classes.id = images.class_id "
                          "ORDER BY images.id",
                          error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row;

      row.path = g_build_filename (project->folder, (const char *) sqlite3_column_text (stmt, 0),
                                   NULL);
      row.class_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    return ds_project_fail (project, rc, "cannot read the labels", error);
  sqlite3_reset (stmt);

  if (!ds_store_mkdir_p (out_dir, error))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      g_autofree char *dir = g_build_filename (out_dir, row->class_name, NULL);
      g_autofree char *base = g_path_get_basename (row->path);
      g_autofree char *written = NULL;

      if (progress != NULL && !progress (i, rows->len, row->path, user_data))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED,
                       "%s: export cancelled after %u of %u images", out_dir, done, rows->len);
          return FALSE;
        }
      /* class names cannot hold '/' or start with '.' (ds_class_name_is_valid) */
      if (!g_hash_table_contains (made, row->class_name))
        {
          if (!ds_store_mkdir_p (dir, error))
            return FALSE;
          g_hash_table_add (made, row->class_name);
        }
      written = ds_store_copy_new (row->path, dir, base, NULL, error);
      if (written == NULL)
        return FALSE;
      done++;
      if (n_exported != NULL)
        *n_exported = done;
    }

  if (!ds_store_sync (out_dir, error))
    return FALSE;
  if (progress != NULL)
    progress (rows->len, rows->len, NULL, user_data);

  return TRUE;
}
