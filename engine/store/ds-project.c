/* ds-project.c: creating, opening and closing projects; the SQLite plumbing
 *
 * Opening checks, in this order, that the file is an SQLite database, that it is ours
 * (application_id), that its schema is not newer than ours (user_version), that PRAGMA
 * quick_check passes, and then, unless read-only, takes the write lock once (BEGIN IMMEDIATE)
 * to migrate an older schema: a project held by another program fails at open, with a message,
 * rather than at the first label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ds-error.h"
#include "store/ds-project-private.h"

void
ds_cached_stmt_release (DsCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
ds_project_fail (DsProject   *project,
                 int          rc,
                 const char  *what,
                 GError     **error)
{
  const char *detail = project->db != NULL ? sqlite3_errmsg (project->db) : sqlite3_errstr (rc);
  const char *explanation = NULL;
  DsEngineError code = DS_ENGINE_ERROR_IO;

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      explanation = "the project is in use by another program (the database is locked)";
      break;
    case SQLITE_READONLY:
      explanation = "the project is read-only";
      break;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      explanation = "permission denied";
      break;
    case SQLITE_NOTADB:
      explanation = "not a Defectscope project: the file is not an SQLite database";
      code = DS_ENGINE_ERROR_FORMAT;
      break;
    case SQLITE_CORRUPT:
      explanation = "the database is damaged";
      code = DS_ENGINE_ERROR_FORMAT;
      break;
    case SQLITE_FULL:
      explanation = "the disk is full";
      break;
    case SQLITE_NOMEM:
      code = DS_ENGINE_ERROR_NO_MEMORY;
      break;
    case SQLITE_CONSTRAINT:
      code = DS_ENGINE_ERROR_INVALID_ARGUMENT;
      break;
    default:
      break;
    }

  /* SQLite's own text adds nothing when it is only the name of the code */
  if (explanation != NULL && strcmp (detail, sqlite3_errstr (rc)) == 0)
    g_set_error (error, DS_ENGINE_ERROR, code, "%s: %s: %s", project->db_path, what, explanation);
  else if (explanation != NULL)
    g_set_error (error, DS_ENGINE_ERROR, code, "%s: %s: %s (%s)",
                 project->db_path, what, explanation, detail);
  else
    g_set_error (error, DS_ENGINE_ERROR, code, "%s: %s: %s", project->db_path, what, detail);

  return FALSE;
}

DsCachedStmt *
ds_project_stmt (DsProject   *project,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (project->stmts, sql);
  int rc;

  if (stmt != NULL)
    {
      ds_cached_stmt_release (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (project->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      ds_project_fail (project, rc, "cannot prepare a query", error);
      return NULL;
    }
  g_hash_table_insert (project->stmts, (gpointer) sql, stmt);

  return stmt;
}

gboolean
ds_project_exec (DsProject   *project,
                 const char  *sql,
                 GError     **error)
{
  int rc = sqlite3_exec (project->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return ds_project_fail (project, rc, "cannot update the database", error);
  return TRUE;
}

gboolean
ds_project_step_done (DsProject     *project,
                      sqlite3_stmt  *stmt,
                      const char    *what,
                      GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return ds_project_fail (project, rc, what, error);
  return TRUE;
}

gboolean
ds_project_check_writable (DsProject  *project,
                           GError    **error)
{
  if (!project->read_only)
    return TRUE;
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
               "%s: the project was opened read-only", project->db_path);
  return FALSE;
}

gboolean
ds_project_begin (DsProject  *project,
                  GError    **error)
{
  int rc;

  if (!ds_project_check_writable (project, error))
    return FALSE;
  rc = sqlite3_exec (project->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return ds_project_fail (project, rc, "cannot get write access", error);

  return TRUE;
}

gboolean
ds_project_commit (DsProject  *project,
                   GError    **error)
{
  int rc = sqlite3_exec (project->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      ds_project_fail (project, rc, "cannot save the change", error);
      ds_project_rollback (project);
      return FALSE;
    }

  return TRUE;
}

void
ds_project_rollback (DsProject *project)
{
  if (project->db != NULL && !sqlite3_get_autocommit (project->db))
    sqlite3_exec (project->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs a PRAGMA (or any query) whose first column of the first row is an integer. */
static gboolean
query_int (DsProject   *project,
           const char  *sql,
           const char  *what,
           gint64      *value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (project->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return ds_project_fail (project, rc, what, error);
  *value = sqlite3_column_int64 (stmt, 0);

  return TRUE;
}

static char *
query_text (DsProject   *project,
            const char  *sql,
            const char  *what,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (project->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, what, error);
      return NULL;
    }

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static DsProject *
project_new (const char *folder)
{
  DsProject *project = g_new0 (DsProject, 1);

  project->folder = g_canonicalize_filename (folder, NULL);
  project->db_path = g_build_filename (project->folder, DS_PROJECT_DB_NAME, NULL);
  project->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                          stmt_finalize);

  return project;
}

void
ds_project_close (DsProject *project)
{
  if (project == NULL)
    return;
  ds_project_rollback (project);
  /* statements first: the connection only closes cleanly without them */
  g_clear_pointer (&project->stmts, g_hash_table_unref);
  sqlite3_close_v2 (project->db);
  g_free (project->folder);
  g_free (project->db_path);
  g_free (project);
}

static gboolean
open_connection (DsProject  *project,
         int         flags,
         gboolean    immutable,
         GError    **error)
{
  g_autofree char *uri = NULL;
  int rc;

  if (immutable)
    {
      /* for a read-only folder without the WAL index: nobody can be writing to it */
      g_autofree char *base = g_filename_to_uri (project->db_path, NULL, NULL);

      if (base == NULL)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                       "%s: cannot open: the path cannot be written as a URI", project->db_path);
          return FALSE;
        }
      uri = g_strconcat (base, "?immutable=1", NULL);
      flags |= SQLITE_OPEN_URI;
    }

  rc = sqlite3_open_v2 (uri != NULL ? uri : project->db_path, &project->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      ds_project_fail (project, rc, "cannot open", error);
      g_clear_pointer (&project->db, sqlite3_close_v2);
      return FALSE;
    }
  sqlite3_extended_result_codes (project->db, 1);
  sqlite3_busy_timeout (project->db, DS_PROJECT_BUSY_TIMEOUT_MS);

  return TRUE;
}

static void
close_connection (DsProject *project)
{
  g_hash_table_remove_all (project->stmts);
  g_clear_pointer (&project->db, sqlite3_close_v2);
}

/* Settings that belong to each connection, outside any transaction. */
static gboolean
configure (DsProject  *project,
           GError    **error)
{
  g_autofree char *mode = NULL;

  if (project->read_only)
    return ds_project_exec (project, "PRAGMA foreign_keys = ON; PRAGMA query_only = ON", error);

  mode = query_text (project, "PRAGMA journal_mode = WAL", "cannot switch to WAL", error);
  if (mode == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: cannot switch to WAL (the journal mode stays \"%s\")",
                   project->db_path, mode);
      return FALSE;
    }

  return ds_project_exec (project,
                          "PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON;"
                          "PRAGMA journal_size_limit = 67108864",
                          error);
}

/* Is the file ours, and of a version we can read? */
static gboolean
check_header (DsProject  *project,
              GError    **error)
{
  gint64 app_id = 0, version = 0;
  g_autofree char *check = NULL;

  if (!query_int (project, "PRAGMA application_id", "cannot read the file", &app_id, error)
      || !query_int (project, "PRAGMA user_version", "cannot read the schema version", &version,
                     error))
    return FALSE;

  if (app_id != DS_PROJECT_APPLICATION_ID)
    {
      if (app_id == 0 && version == 0)
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                     "%s: not a Defectscope project: the database is empty", project->db_path);
      else
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                     "%s: not a Defectscope project: another program's SQLite database "
                     "(application id 0x%08" G_GINT64_MODIFIER "x)",
                     project->db_path, app_id);
      return FALSE;
    }
  if (version > DS_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_VERSION,
                   "%s: written by a newer Defectscope (schema version %" G_GINT64_FORMAT
                   "; this version reads up to %d)",
                   project->db_path, version, DS_PROJECT_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < 1)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: damaged project: schema version %" G_GINT64_FORMAT,
                   project->db_path, version);
      return FALSE;
    }
  if (version < DS_PROJECT_SCHEMA_VERSION && project->read_only)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_VERSION,
                   "%s: written by an older Defectscope (schema version %" G_GINT64_FORMAT
                   "): open it once with write access to upgrade it", project->db_path, version);
      return FALSE;
    }

  check = query_text (project, "PRAGMA quick_check(1)", "cannot check the database", error);
  if (check == NULL)
    return FALSE;
  if (strcmp (check, "ok") != 0)
    {
      g_strdelimit (check, "\n", ' ');
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: the database is damaged: %s", project->db_path, check);
      return FALSE;
    }

  return TRUE;
}

static gboolean
upgrade (DsProject  *project,
         GError    **error)
{
  gint64 version = 0;

  if (!ds_project_begin (project, error))
    return FALSE;
  /* read again under the lock: another handle may have upgraded it meanwhile */
  if (!query_int (project, "PRAGMA user_version", "cannot read the schema version", &version,
                  error)
      || (version < DS_PROJECT_SCHEMA_VERSION
          && !ds_project_migrate (project, (int) version, DS_PROJECT_SCHEMA_VERSION, error)))
    {
      ds_project_rollback (project);
      return FALSE;
    }

  return ds_project_commit (project, error);
}

static gboolean
check_permissions (DsProject  *project,
                GError    **error)
{
  const char *path = project->folder;

  if (g_access (path, W_OK) == 0)
    path = project->db_path;
  if (g_access (path, W_OK) == 0)
    return TRUE;

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
               "%s: the project is read-only (%s); open it read-only to look at it",
               path, g_strerror (errno));
  return FALSE;
}

DsProject *
ds_project_open (const char          *folder,
                 DsProjectOpenFlags   flags,
                 GError             **error)
{
  g_autoptr(DsProject) project = NULL;
  GError *local = NULL;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  project = project_new (folder);
  project->read_only = (flags & DS_PROJECT_OPEN_READ_ONLY) != 0;

  if (!g_file_test (project->folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: no such project folder", project->folder);
      return NULL;
    }
  if (!g_file_test (project->db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: not a Defectscope project: there is no %s file",
                   project->folder, DS_PROJECT_DB_NAME);
      return NULL;
    }

  if (project->read_only)
    {
      if (!open_connection (project, SQLITE_OPEN_READONLY, FALSE, error))
        return NULL;
      if (!check_header (project, &local))
        {
          int rc = sqlite3_extended_errcode (project->db);

          /* WAL needs its index file beside the database; in a read-only folder without one,
           * open the file as immutable instead. Nobody can be writing there; a -wal file left
           * by a crash before the folder became read-only would be ignored. */
          if ((rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY)
            {
              g_propagate_error (error, local);
              return NULL;
            }
          g_clear_error (&local);
          close_connection (project);
          if (!open_connection (project, SQLITE_OPEN_READONLY, TRUE, error)
              || !check_header (project, error))
            return NULL;
        }
      if (!configure (project, error))
        return NULL;
      return g_steal_pointer (&project);
    }

  if (!check_permissions (project, error)
      || !open_connection (project, SQLITE_OPEN_READWRITE, FALSE, error))
    return NULL;
  if (sqlite3_db_readonly (project->db, "main") == 1)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: the project is read-only (the database cannot be written); "
                   "open it read-only to look at it", project->db_path);
      return NULL;
    }
  if (!check_header (project, error)
      || !configure (project, error)
      || !upgrade (project, error))
    return NULL;

  return g_steal_pointer (&project);
}

static void
remove_database (const char *db_path)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

  g_unlink (db_path);
  g_unlink (wal);
  g_unlink (shm);
}

static void
fsync_folder (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static gboolean
create_schema (DsProject  *project,
               int         version,
               GError    **error)
{
  g_autofree char *set_id = NULL;
  gint64 existing = 0;

  if (!ds_project_begin (project, error))
    return FALSE;
  if (!query_int (project, "PRAGMA user_version", "cannot read the schema version", &existing,
                  error))
    goto fail;
  if (existing != 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: the folder already holds a project", project->folder);
      goto fail;
    }
  set_id = g_strdup_printf ("PRAGMA application_id = %d", DS_PROJECT_APPLICATION_ID);
  if (!ds_project_exec (project, set_id, error)
      || !ds_project_migrate (project, 0, version, error))
    goto fail;

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

DsProject *
ds_project_create_at_version (const char  *folder,
                              int          version,
                              GError     **error)
{
  g_autoptr(DsProject) project = NULL;
  g_autofree char *images = NULL;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (version >= 1 && version <= DS_PROJECT_SCHEMA_VERSION, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  project = project_new (folder);
  images = g_build_filename (project->folder, DS_PROJECT_IMAGES_DIR, NULL);

  if (g_file_test (project->db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: the folder already holds a project", project->folder);
      return NULL;
    }
  if (g_mkdir_with_parents (images, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: cannot create the project folder: %s", images, g_strerror (saved));
      return NULL;
    }

  if (!open_connection (project, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, FALSE, error))
    return NULL;
  if (!configure (project, error) || !create_schema (project, version, error))
    {
      close_connection (project);
      remove_database (project->db_path);
      return NULL;
    }
  fsync_folder (project->folder);

  return g_steal_pointer (&project);
}

DsProject *
ds_project_create (const char  *folder,
                   GError     **error)
{
  return ds_project_create_at_version (folder, DS_PROJECT_SCHEMA_VERSION, error);
}

const char *
ds_project_get_folder (DsProject *project)
{
  g_return_val_if_fail (project != NULL, NULL);

  return project->folder;
}

gboolean
ds_project_is_read_only (DsProject *project)
{
  g_return_val_if_fail (project != NULL, FALSE);

  return project->read_only;
}

void
ds_project_set_busy_timeout (DsProject *project,
                             guint      milliseconds)
{
  g_return_if_fail (project != NULL);

  sqlite3_busy_timeout (project->db, (int) MIN (milliseconds, (guint) G_MAXINT));
}

char *
ds_project_relative_path (DsProject   *project,
                          const char  *path,
                          GError     **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, project->folder);
  gsize n = strlen (project->folder);

  if (strncmp (abs, project->folder, n) != 0 || abs[n] != G_DIR_SEPARATOR || abs[n + 1] == '\0')
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: not inside the project folder %s", path, project->folder);
      return NULL;
    }

  return g_strdup (abs + n + 1);
}

const char *
ds_split_to_string (DsSplit split)
{
  switch (split)
    {
    case DS_SPLIT_TRAIN:
      return "train";
    case DS_SPLIT_TEST:
      return "test";
    case DS_SPLIT_NONE:
    default:
      return NULL;
    }
}

DsSplit
ds_split_from_string (const char *name)
{
  if (g_strcmp0 (name, "train") == 0)
    return DS_SPLIT_TRAIN;
  if (g_strcmp0 (name, "test") == 0)
    return DS_SPLIT_TEST;
  return DS_SPLIT_NONE;
}

const char *
ds_image_source_to_string (DsImageSource source)
{
  switch (source)
    {
    case DS_IMAGE_SOURCE_DEMO:
      return "demo";
    case DS_IMAGE_SOURCE_SYNTHETIC:
      return "synthetic";
    case DS_IMAGE_SOURCE_IMPORT:
    default:
      return "import";
    }
}

DsImageSource
ds_image_source_from_string (const char *name)
{
  if (g_strcmp0 (name, "demo") == 0)
    return DS_IMAGE_SOURCE_DEMO;
  if (g_strcmp0 (name, "synthetic") == 0)
    return DS_IMAGE_SOURCE_SYNTHETIC;
  return DS_IMAGE_SOURCE_IMPORT;
}
