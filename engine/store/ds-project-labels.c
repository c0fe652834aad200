/* ds-project-labels.c: labelling, and the undo log it writes
 *
 * Each step is a row of "actions" and one row of "action_images" per image it changed, with
 * the image's class and labelled-at time before and after. meta.undo_position is the id of the
 * last step done (0: none); undo applies the "old" values of that step and moves back, redo the
 * "new" values of the next one. A new step first deletes the steps after the position. All of
 * it is in the database, changed in the same transaction as the labels, so undo survives a
 * restart and a crash never leaves the log and the labels disagreeing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error.h"
#include "store/ds-project-private.h"

/* The undo position, or -1 with @error. */
static gint64
undo_position (DsProject  *project,
               GError    **error)
{
  g_autoptr(DsCachedStmt) stmt =
    ds_project_stmt (project, "SELECT value FROM meta WHERE key = 'undo_position'", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, "cannot read the undo log", error);
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
set_undo_position (DsProject  *project,
                   gint64      position,
                   GError    **error)
{
  g_autoptr(DsCachedStmt) stmt =
    ds_project_stmt (project, "UPDATE meta SET value = ?1 WHERE key = 'undo_position'", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, position);

  return ds_project_step_done (project, stmt, "cannot write the undo log", error);
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           column,
                 gint64        value)
{
  if (value != 0)
    sqlite3_bind_int64 (stmt, column, value);
  else
    sqlite3_bind_null (stmt, column);
}

gint64
ds_project_action_start (DsProject   *project,
                         const char  *kind,
                         gint64       class_id,
                         const char  *class_name,
                         guint32      class_color,
                         gint64       class_position,
                         GError     **error)
{
  g_autoptr(DsCachedStmt) drop = NULL;
  g_autoptr(DsCachedStmt) insert = NULL;
  gint64 position = undo_position (project, error);

  if (position < 0)
    return 0;

  drop = ds_project_stmt (project, "DELETE FROM actions WHERE id > ?1", error);
  insert = ds_project_stmt (project,
                            "INSERT INTO actions (kind, created_at, class_id, class_name, "
                            "  class_color, class_position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            error);
  if (drop == NULL || insert == NULL)
    return 0;
  sqlite3_bind_int64 (drop, 1, position);
  if (!ds_project_step_done (project, drop, "cannot write the undo log", error))
    return 0;

  sqlite3_bind_text (insert, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 2, g_get_real_time ());
  bind_id_or_null (insert, 3, class_id);
  if (class_name != NULL)
    {
      sqlite3_bind_text (insert, 4, class_name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (insert, 5, class_color);
      sqlite3_bind_int64 (insert, 6, class_position);
    }
  if (!ds_project_step_done (project, insert, "cannot write the undo log", error))
    return 0;

  return sqlite3_last_insert_rowid (project->db);
}

gboolean
ds_project_action_finish (DsProject  *project,
                          gint64      action_id,
                          GError    **error)
{
  g_autoptr(DsCachedStmt) trim =
    ds_project_stmt (project,
                     "DELETE FROM actions WHERE id <= "
                     "(SELECT id FROM actions ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                     error);

  if (trim == NULL || !set_undo_position (project, action_id, error))
    return FALSE;
  sqlite3_bind_int (trim, 1, DS_PROJECT_UNDO_LIMIT);

  return ds_project_step_done (project, trim, "cannot write the undo log", error);
}

static gboolean
check_class_exists (DsProject  *project,
                    gint64      class_id,
                    GError    **error)
{
  g_autoptr(DsCachedStmt) stmt = ds_project_stmt (project,
                                                  "SELECT 1 FROM classes WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, class_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return ds_project_fail (project, rc, "cannot read the classes", error);

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "%s: there is no class with id %" G_GINT64_FORMAT, project->db_path, class_id);
  return FALSE;
}

/* Labels one image inside the transaction, starting the step at the first change.
 * Returns FALSE with @error on failure. */
static gboolean
label_one (DsProject  *project,
           gint64      image_id,
           gint64      class_id,
           gint64      now,
           gint64     *action,
           GError    **error)
{
  g_autoptr(DsCachedStmt) read = NULL;
  g_autoptr(DsCachedStmt) log = NULL;
  g_autoptr(DsCachedStmt) write = NULL;
  gint64 old_class, old_at;
  int rc;

  read = ds_project_stmt (project, "SELECT class_id, labelled_at FROM images WHERE id = ?1",
                          error);
  if (read == NULL)
    return FALSE;
  sqlite3_bind_int64 (read, 1, image_id);
  rc = sqlite3_step (read);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is no image with id %" G_GINT64_FORMAT, project->db_path, image_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return ds_project_fail (project, rc, "cannot read the image", error);
  old_class = sqlite3_column_int64 (read, 0);   /* NULL reads as 0 */
  old_at = sqlite3_column_int64 (read, 1);
  sqlite3_reset (read);

  if (old_class == class_id)
    return TRUE;

  if (*action == 0)
    {
      *action = ds_project_action_start (project, "label", class_id, NULL, 0, 0, error);
      if (*action == 0)
        return FALSE;
    }

  log = ds_project_stmt (project,
                         "INSERT INTO action_images (action_id, image_id, old_class_id, "
                         "  old_labelled_at, new_class_id, new_labelled_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         error);
  write = ds_project_stmt (project,
                           "UPDATE images SET class_id = ?2, labelled_at = ?3 WHERE id = ?1",
                           error);
  if (log == NULL || write == NULL)
    return FALSE;
  sqlite3_bind_int64 (log, 1, *action);
  sqlite3_bind_int64 (log, 2, image_id);
  bind_id_or_null (log, 3, old_class);
  bind_id_or_null (log, 4, old_class != 0 ? old_at : 0);
  bind_id_or_null (log, 5, class_id);
  bind_id_or_null (log, 6, class_id != 0 ? now : 0);
  sqlite3_bind_int64 (write, 1, image_id);
  bind_id_or_null (write, 2, class_id);
  bind_id_or_null (write, 3, class_id != 0 ? now : 0);

  return ds_project_step_done (project, log, "cannot write the undo log", error)
         && ds_project_step_done (project, write, "cannot label the image", error);
}

gboolean
ds_project_set_labels (DsProject     *project,
                       const gint64  *ids,
                       gsize          n,
                       gint64         class_id,
                       GError       **error)
{
  gint64 now = g_get_real_time ();
  gint64 action = 0;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (ids != NULL || n == 0, FALSE);
  g_return_val_if_fail (class_id >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n == 0)
    return TRUE;
  if (!ds_project_begin (project, error))
    return FALSE;
  if (class_id != 0 && !check_class_exists (project, class_id, error))
    goto fail;

  for (gsize i = 0; i < n; i++)
    {
      if (!label_one (project, ids[i], class_id, now, &action, error))
        goto fail;
    }

  if (action == 0)
    {
      /* nothing changed: no empty undo step */
      ds_project_rollback (project);
      return TRUE;
    }
  if (!ds_project_action_finish (project, action, error))
    goto fail;

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

/* Reads one step. @name is NULL for a label step. */
static gboolean
read_action (DsProject   *project,
             gint64       action,
             gint64      *class_id,
             char       **name,
             gint64      *color,
             gint64      *position,
             GError     **error)
{
  g_autoptr(DsCachedStmt) stmt =
    ds_project_stmt (project,
                     "SELECT kind = 'delete-class', class_id, class_name, class_color, "
                     "  class_position FROM actions WHERE id = ?1",
                     error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, action);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return ds_project_fail (project, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
                            "cannot read the undo log", error);

  *class_id = sqlite3_column_int64 (stmt, 1);
  *name = sqlite3_column_int (stmt, 0) != 0
          ? g_strdup ((const char *) sqlite3_column_text (stmt, 2)) : NULL;
  *color = sqlite3_column_int64 (stmt, 3);
  *position = sqlite3_column_int64 (stmt, 4);

  return TRUE;
}

/* Puts a deleted class back with its id, colour and place; its name gets " (2)"… when a class
 * of that name was added since. */
static gboolean
restore_class (DsProject   *project,
               gint64       class_id,
               const char  *name,
               gint64       color,
               gint64       position,
               GError     **error)
{
  g_autoptr(DsCachedStmt) count = NULL;
  g_autoptr(DsCachedStmt) shift = NULL;
  g_autoptr(DsCachedStmt) insert = NULL;
  g_autofree char *free_name = g_strdup (name);
  GError *local = NULL;
  int rc;

  for (guint k = 2; ds_project_find_class (project, free_name, &local) != 0; k++)
    {
      g_free (free_name);
      free_name = g_strdup_printf ("%s (%u)", name, k);
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }

  count = ds_project_stmt (project, "SELECT COUNT (*) FROM classes", error);
  shift = ds_project_stmt (project,
                           "UPDATE classes SET position = position + 1 WHERE position >= ?1",
                           error);
  insert = ds_project_stmt (project,
                            "INSERT INTO classes (id, name, color, position) "
                            "VALUES (?1, ?2, ?3, ?4)",
                            error);
  if (count == NULL || shift == NULL || insert == NULL)
    return FALSE;
  if ((rc = sqlite3_step (count)) != SQLITE_ROW)
    return ds_project_fail (project, rc, "cannot read the classes", error);
  position = CLAMP (position, 0, sqlite3_column_int64 (count, 0));

  sqlite3_bind_int64 (shift, 1, position);
  sqlite3_bind_int64 (insert, 1, class_id);
  sqlite3_bind_text (insert, 2, free_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 3, color);
  sqlite3_bind_int64 (insert, 4, position);

  return ds_project_step_done (project, shift, "cannot restore the class", error)
         && ds_project_step_done (project, insert, "cannot restore the class", error);
}

static gboolean
remove_class (DsProject  *project,
              gint64      class_id,
              gint64      position,
              GError    **error)
{
  g_autoptr(DsCachedStmt) remove = ds_project_stmt (project,
                                                    "DELETE FROM classes WHERE id = ?1", error);
  g_autoptr(DsCachedStmt) compact =
    ds_project_stmt (project,
                     "UPDATE classes SET position = position - 1 WHERE position > ?1", error);

  if (remove == NULL || compact == NULL)
    return FALSE;
  sqlite3_bind_int64 (remove, 1, class_id);
  sqlite3_bind_int64 (compact, 1, position);

  return ds_project_step_done (project, remove, "cannot delete the class", error)
         && ds_project_step_done (project, compact, "cannot delete the class", error);
}

/* Gives the images of step @action their labels from before it (@undo) or after it. */
static gboolean
apply_labels (DsProject  *project,
              gint64      action,
              gboolean    undo,
              GError    **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;

  if (undo)
    stmt = ds_project_stmt (project,
                            "UPDATE images SET (class_id, labelled_at) = "
                            "  (SELECT old_class_id, old_labelled_at FROM action_images "
                            "   WHERE action_id = ?1 AND image_id = images.id) "
                            "WHERE id IN (SELECT image_id FROM action_images "
                            "             WHERE action_id = ?1)",
                            error);
  else
    stmt = ds_project_stmt (project,
                            "UPDATE images SET (class_id, labelled_at) = "
                            "  (SELECT new_class_id, new_labelled_at FROM action_images "
                            "   WHERE action_id = ?1 AND image_id = images.id) "
                            "WHERE id IN (SELECT image_id FROM action_images "
                            "             WHERE action_id = ?1)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, action);

  return ds_project_step_done (project, stmt, undo ? "cannot undo" : "cannot redo", error);
}

/* The step before or after @position, 0 when there is none, -1 on failure. */
static gint64
neighbour_action (DsProject  *project,
                  gint64      position,
                  gboolean    next,
                  GError    **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  if (next)
    stmt = ds_project_stmt (project, "SELECT COALESCE (MIN (id), 0) FROM actions WHERE id > ?1",
                            error);
  else
    stmt = ds_project_stmt (project, "SELECT COALESCE (MAX (id), 0) FROM actions WHERE id < ?1",
                            error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, position);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, "cannot read the undo log", error);
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
undo_or_redo (DsProject  *project,
              gboolean    undo,
              GError    **error)
{
  g_autofree char *name = NULL;
  gint64 position, action, class_id, color, class_position, new_position;

  if (!ds_project_begin (project, error))
    return FALSE;

  position = undo_position (project, error);
  if (position < 0)
    goto fail;
  action = undo ? position : neighbour_action (project, position, TRUE, error);
  if (action < 0)
    goto fail;
  if (action == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is nothing to %s", project->db_path, undo ? "undo" : "redo");
      goto fail;
    }
  if (!read_action (project, action, &class_id, &name, &color, &class_position, error))
    goto fail;

  /* a deleted class comes back before its labels, and goes after them */
  if (name != NULL && undo
      && !restore_class (project, class_id, name, color, class_position, error))
    goto fail;
  if (!apply_labels (project, action, undo, error))
    goto fail;
  if (name != NULL && !undo && !remove_class (project, class_id, class_position, error))
    goto fail;

  new_position = undo ? neighbour_action (project, action, FALSE, error) : action;
  if (new_position < 0 || !set_undo_position (project, new_position, error))
    goto fail;

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

gboolean
ds_project_undo (DsProject  *project,
                 GError    **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return undo_or_redo (project, TRUE, error);
}

gboolean
ds_project_redo (DsProject  *project,
                 GError    **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return undo_or_redo (project, FALSE, error);
}

gboolean
ds_project_can_undo (DsProject *project)
{
  g_return_val_if_fail (project != NULL, FALSE);

  return undo_position (project, NULL) > 0;
}

gboolean
ds_project_can_redo (DsProject *project)
{
  gint64 position;

  g_return_val_if_fail (project != NULL, FALSE);

  position = undo_position (project, NULL);
  return position >= 0 && neighbour_action (project, position, TRUE, NULL) > 0;
}
