/* ds-project-private.h: what the store's files share about a DsProject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "store/ds-project.h"

G_BEGIN_DECLS

/* PRAGMA application_id: "DSCP", so that another program's SQLite file is told apart */
#define DS_PROJECT_APPLICATION_ID 0x44534350

struct _DsProject
{
  sqlite3    *db;
  char       *folder;
  char       *db_path;
  gboolean    read_only;
  GHashTable *stmts;       /* SQL text (static, by address) → sqlite3_stmt, finalized on close */
};

/* A cached statement, handed out reset; the cleanup resets it again so that no read stays
 * open (an unfinished SELECT would pin an old snapshot of the database). */
typedef sqlite3_stmt DsCachedStmt;

void          ds_cached_stmt_release     (DsCachedStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsCachedStmt, ds_cached_stmt_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Returns: (transfer none): the prepared statement for @sql, which must be a string literal
 * (the cache is keyed by its address); NULL with @error. */
DsCachedStmt *ds_project_stmt            (DsProject    *project,
                                          const char   *sql,
                                          GError      **error);

/* Sets @error from the connection's last failure, @rc being the code it returned:
 * "<db path>: <what>: <explanation>". Returns FALSE. */
gboolean      ds_project_fail            (DsProject    *project,
                                          int           rc,
                                          const char   *what,
                                          GError      **error);
/* Runs statements without results. */
gboolean      ds_project_exec            (DsProject    *project,
                                          const char   *sql,
                                          GError      **error);
/* Steps a cached statement that returns no row. */
gboolean      ds_project_step_done       (DsProject    *project,
                                          sqlite3_stmt *stmt,
                                          const char   *what,
                                          GError      **error);

/* Fails with DS_ENGINE_ERROR_IO on a project opened read-only. */
gboolean      ds_project_check_writable  (DsProject    *project,
                                          GError      **error);
/* BEGIN IMMEDIATE: takes the write lock now, so a busy database fails here and not half way.
 * Fails at once on a read-only project. */
gboolean      ds_project_begin           (DsProject    *project,
                                          GError      **error);
gboolean      ds_project_commit          (DsProject    *project,
                                          GError      **error);
/* Rolls back if a transaction is open; never fails. */
void          ds_project_rollback        (DsProject    *project);

/* Schema (ds-project-schema.c): brings the database inside an open transaction from
 * @from_version up to @to_version. */
gboolean      ds_project_migrate         (DsProject    *project,
                                          int           from_version,
                                          int           to_version,
                                          GError      **error);
/* For the tests: creates a project at an old schema version. */
DsProject    *ds_project_create_at_version (const char *folder,
                                            int         version,
                                            GError    **error);

/* The undo log (ds-project-labels.c); inside an open transaction. */
/* Drops the redo tail and starts a step. Returns its id, or 0 with @error. */
gint64        ds_project_action_start    (DsProject    *project,
                                          const char   *kind,
                                          gint64        class_id,
                                          const char   *class_name,
                                          guint32       class_color,
                                          gint64        class_position,
                                          GError      **error);
/* Makes @action_id the current step and forgets steps beyond DS_PROJECT_UNDO_LIMIT. */
gboolean      ds_project_action_finish   (DsProject    *project,
                                          gint64        action_id,
                                          GError      **error);

/* Classes (ds-project-classes.c) */
gboolean      ds_class_name_is_valid     (const char   *name,
                                          GError      **error);
/* Inside an open transaction: the class called @name, created at the end of the list with a
 * palette colour when missing. Returns its id, or 0 with @error. */
gint64        ds_project_ensure_class    (DsProject    *project,
                                          const char   *name,
                                          GError      **error);

/* Parse the names of ds_split_to_string() and ds_image_source_to_string(); NULL → none. */
DsSplit       ds_split_from_string       (const char   *name);
DsImageSource ds_image_source_from_string (const char  *name);

/* Images (ds-project-images.c) */
/* Inserts an image row inside an open transaction; @class_id 0 leaves it unlabelled, otherwise
 * it is labelled at @labelled_at. Returns the id, or 0 with @error. */
gint64        ds_project_insert_image    (DsProject     *project,
                                          const char    *rel_path,
                                          const char    *original_path,
                                          guint          width,
                                          guint          height,
                                          guint          channels,
                                          DsSplit        split,
                                          DsImageSource  source,
                                          const char    *rel_mask_path,
                                          gint64         class_id,
                                          gint64         labelled_at,
                                          GError       **error);

/* Turns a path inside the project into its relative form; NULL with @error when outside. */
char         *ds_project_relative_path   (DsProject    *project,
                                          const char   *path,
                                          GError      **error);

G_END_DECLS
