/* ds-project-classes.c: the class list
 *
 * Positions are kept dense (0 … n-1) by every change, so the list order is ORDER BY position.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "store/ds-project-private.h"

#define MAX_NAME_BYTES 200

/* Colours for classes that imports create, in order (Tableau 10) */
static const guint32 palette[] = {
  0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
  0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
};

void
ds_class_info_free (DsClassInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

gboolean
ds_class_name_is_valid (const char  *name,
                        GError     **error)
{
  const char *problem = NULL;

  if (name == NULL || name[0] == '\0')
    problem = "it is empty";
  else if (!g_utf8_validate (name, -1, NULL))
    problem = "it is not valid UTF-8";
  else if (strlen (name) > MAX_NAME_BYTES)
    problem = "it is too long";
  else if (name[0] == '.')
    problem = "it starts with '.'";
  else if (g_unichar_isspace (g_utf8_get_char (name))
           || g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    problem = "it starts or ends with a space";
  else
    {
      for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar ch = g_utf8_get_char (p);

          if (ch == '/' || ch == '\\' || g_unichar_iscntrl (ch))
            {
              problem = "it contains '/', '\\' or a control character";
              break;
            }
        }
    }

  if (problem == NULL)
    return TRUE;
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "\"%s\" cannot be a class name: %s", name != NULL ? name : "", problem);
  return FALSE;
}

static gboolean
check_color (guint32   color,
             GError  **error)
{
  if (color <= 0xffffff)
    return TRUE;
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "0x%08x is not a colour (0xRRGGBB)", color);
  return FALSE;
}

static gboolean
fail_name (DsProject   *project,
           int          rc,
           const char  *name,
           const char  *what,
           GError     **error)
{
  if ((rc & 0xff) == SQLITE_CONSTRAINT && name != NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is already a class called \"%s\"", project->db_path, name);
      return FALSE;
    }
  return ds_project_fail (project, rc, what, error);
}

static gboolean
fail_no_class (DsProject  *project,
               gint64      class_id,
               GError    **error)
{
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "%s: there is no class with id %" G_GINT64_FORMAT, project->db_path, class_id);
  return FALSE;
}

/* Inserts a class at the end of the list; inside a transaction. Returns its id or 0. */
static gint64
insert_class (DsProject   *project,
              const char  *name,
              gint64       color,
              GError     **error)
{
  g_autoptr(DsCachedStmt) stmt =
    ds_project_stmt (project,
                     "INSERT INTO classes (name, color, position) "
                     "VALUES (?1, ?2, (SELECT COALESCE (MAX (position) + 1, 0) FROM classes))",
                     error);
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (color >= 0)
    sqlite3_bind_int64 (stmt, 2, color);
  else
    {
      /* a palette colour by position */
      g_autoptr(DsCachedStmt) count = ds_project_stmt (project, "SELECT COUNT (*) FROM classes",
                                                       error);

      if (count == NULL)
        return 0;
      if ((rc = sqlite3_step (count)) != SQLITE_ROW)
        {
          ds_project_fail (project, rc, "cannot read the classes", error);
          return 0;
        }
      sqlite3_bind_int64 (stmt, 2,
                          palette[sqlite3_column_int64 (count, 0) % G_N_ELEMENTS (palette)]);
    }

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      fail_name (project, rc, name, "cannot add a class", error);
      return 0;
    }

  return sqlite3_last_insert_rowid (project->db);
}

gint64
ds_project_add_class (DsProject   *project,
                      const char  *name,
                      guint32      color,
                      GError     **error)
{
  gint64 id;

  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!ds_class_name_is_valid (name, error) || !check_color (color, error)
      || !ds_project_begin (project, error))
    return 0;
  id = insert_class (project, name, color, error);
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
ds_project_ensure_class (DsProject   *project,
                         const char  *name,
                         GError     **error)
{
  GError *local = NULL;
  gint64 id = ds_project_find_class (project, name, &local);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return 0;
    }
  if (id != 0)
    return id;
  if (!ds_class_name_is_valid (name, error))
    return 0;

  return insert_class (project, name, -1, error);
}

gint64
ds_project_find_class (DsProject   *project,
                       const char  *name,
                       GError     **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (project != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  stmt = ds_project_stmt (project, "SELECT id FROM classes WHERE name = ?1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    ds_project_fail (project, rc, "cannot read the classes", error);

  return 0;
}

/* Runs an UPDATE of one class in its own transaction; no row changed means no such class. */
static gboolean
update_class (DsProject   *project,
              const char  *sql,
              gint64       class_id,
              const char  *name,
              gint64       color,
              GError     **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  if (!ds_project_begin (project, error))
    return FALSE;
  stmt = ds_project_stmt (project, sql, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, class_id);
  if (name != NULL)
    sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 2, color);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      fail_name (project, rc, name, "cannot change the class", error);
      goto fail;
    }
  if (sqlite3_changes (project->db) == 0)
    {
      fail_no_class (project, class_id, error);
      goto fail;
    }

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

gboolean
ds_project_rename_class (DsProject   *project,
                         gint64       class_id,
                         const char  *name,
                         GError     **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ds_class_name_is_valid (name, error))
    return FALSE;

  return update_class (project, "UPDATE classes SET name = ?2 WHERE id = ?1", class_id, name, 0,
                       error);
}

gboolean
ds_project_recolor_class (DsProject  *project,
                          gint64      class_id,
                          guint32     color,
                          GError    **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_color (color, error))
    return FALSE;

  return update_class (project, "UPDATE classes SET color = ?2 WHERE id = ?1", class_id, NULL,
                       color, error);
}

/* The class's position and the number of classes; FALSE with @error when there is no such
 * class. Inside a transaction. */
static gboolean
get_position (DsProject  *project,
              gint64      class_id,
              gint64     *position,
              gint64     *n_classes,
              GError    **error)
{
  g_autoptr(DsCachedStmt) stmt =
    ds_project_stmt (project,
                     "SELECT position, (SELECT COUNT (*) FROM classes) FROM classes WHERE id = ?1",
                     error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, class_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return fail_no_class (project, class_id, error);
  if (rc != SQLITE_ROW)
    return ds_project_fail (project, rc, "cannot read the classes", error);
  *position = sqlite3_column_int64 (stmt, 0);
  *n_classes = sqlite3_column_int64 (stmt, 1);

  return TRUE;
}

gboolean
ds_project_move_class (DsProject  *project,
                       gint64      class_id,
                       guint       position,
                       GError    **error)
{
  g_autoptr(DsCachedStmt) shift = NULL;
  g_autoptr(DsCachedStmt) place = NULL;
  gint64 from = 0, n = 0, to;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ds_project_begin (project, error))
    return FALSE;
  if (!get_position (project, class_id, &from, &n, error))
    goto fail;
  to = MIN ((gint64) position, n - 1);

  /* ?1..?2 move by ?3 to make room, then the class takes its place */
  shift = ds_project_stmt (project,
                           "UPDATE classes SET position = position + ?3 "
                           "WHERE position BETWEEN ?1 AND ?2",
                           error);
  place = ds_project_stmt (project, "UPDATE classes SET position = ?2 WHERE id = ?1", error);
  if (shift == NULL || place == NULL)
    goto fail;
  sqlite3_bind_int64 (shift, 1, MIN (from, to) + (to > from));
  sqlite3_bind_int64 (shift, 2, MAX (from, to) - (to < from));
  sqlite3_bind_int (shift, 3, to > from ? -1 : 1);
  sqlite3_bind_int64 (place, 1, class_id);
  sqlite3_bind_int64 (place, 2, to);
  if (!ds_project_step_done (project, shift, "cannot move the class", error)
      || !ds_project_step_done (project, place, "cannot move the class", error))
    goto fail;

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

gboolean
ds_project_delete_class (DsProject  *project,
                         gint64      class_id,
                         GError    **error)
{
  g_autoptr(DsCachedStmt) info = NULL;
  g_autoptr(DsCachedStmt) log = NULL;
  g_autoptr(DsCachedStmt) unlabel = NULL;
  g_autoptr(DsCachedStmt) remove = NULL;
  g_autoptr(DsCachedStmt) compact = NULL;
  g_autofree char *name = NULL;
  gint64 color, position, action;
  int rc;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ds_project_begin (project, error))
    return FALSE;

  info = ds_project_stmt (project, "SELECT name, color, position FROM classes WHERE id = ?1",
                          error);
  if (info == NULL)
    goto fail;
  sqlite3_bind_int64 (info, 1, class_id);
  rc = sqlite3_step (info);
  if (rc == SQLITE_DONE)
    {
      fail_no_class (project, class_id, error);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, "cannot read the classes", error);
      goto fail;
    }
  name = g_strdup ((const char *) sqlite3_column_text (info, 0));
  color = sqlite3_column_int64 (info, 1);
  position = sqlite3_column_int64 (info, 2);
  sqlite3_reset (info);

  action = ds_project_action_start (project, "delete-class", class_id, name, color, position,
                                    error);
  if (action == 0)
    goto fail;

  log = ds_project_stmt (project,
                         "INSERT INTO action_images (action_id, image_id, old_class_id, "
                         "  old_labelled_at, new_class_id, new_labelled_at) "
                         "SELECT ?1, id, class_id, labelled_at, NULL, NULL FROM images "
                         "WHERE class_id = ?2",
                         error);
  unlabel = ds_project_stmt (project,
                             "UPDATE images SET class_id = NULL, labelled_at = NULL "
                             "WHERE class_id = ?1",
                             error);
  remove = ds_project_stmt (project, "DELETE FROM classes WHERE id = ?1", error);
  compact = ds_project_stmt (project,
                             "UPDATE classes SET position = position - 1 WHERE position > ?1",
                             error);
  if (log == NULL || unlabel == NULL || remove == NULL || compact == NULL)
    goto fail;
  sqlite3_bind_int64 (log, 1, action);
  sqlite3_bind_int64 (log, 2, class_id);
  sqlite3_bind_int64 (unlabel, 1, class_id);
  sqlite3_bind_int64 (remove, 1, class_id);
  sqlite3_bind_int64 (compact, 1, position);
  if (!ds_project_step_done (project, log, "cannot delete the class", error)
      || !ds_project_step_done (project, unlabel, "cannot delete the class", error)
      || !ds_project_step_done (project, remove, "cannot delete the class", error)
      || !ds_project_step_done (project, compact, "cannot delete the class", error)
      || !ds_project_action_finish (project, action, error))
    goto fail;

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

GPtrArray *
ds_project_list_classes (DsProject  *project,
                         GError    **error)
{
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = ds_project_stmt (project,
                          "SELECT id, name, color, position, "
                          "  (SELECT COUNT (*) FROM images WHERE class_id = classes.id) "
                          "FROM classes ORDER BY position, id",
                          error);
  if (stmt == NULL)
    return NULL;

  classes = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_class_info_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DsClassInfo *info = g_new0 (DsClassInfo, 1);

      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->color = (guint32) sqlite3_column_int64 (stmt, 2);
      info->position = (guint) sqlite3_column_int64 (stmt, 3);
      info->n_images = (guint) sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (classes, info);
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the classes", error);
      return NULL;
    }

  return g_steal_pointer (&classes);
}
