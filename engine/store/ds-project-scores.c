/* ds-project-scores.c: what autoencoder runs leave behind: anomaly scores, thresholds, and the
 * decisions people take on the images they flag
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-error.h"
#include "store/ds-project-private.h"
#include "store/ds-project-runs.h"

/* SQLite has no NaN: a figure that is not a number is stored as NULL */
static void
bind_double (sqlite3_stmt *stmt,
             int           col,
             double        value)
{
  if (isfinite (value))
    sqlite3_bind_double (stmt, col, value);
  else
    sqlite3_bind_null (stmt, col);
}

gboolean
ds_project_set_anomaly_scores (DsProject          *project,
                               gint64              run_id,
                               const gint64       *image_ids,
                               const float        *scores,
                               guint               n,
                               const DsRunAnomaly *figures,
                               GError            **error)
{
  g_autoptr(DsCachedStmt) del = NULL;
  g_autoptr(DsCachedStmt) ins = NULL;
  g_autoptr(DsCachedStmt) upd = NULL;

  g_return_val_if_fail (project != NULL && figures != NULL, FALSE);
  g_return_val_if_fail (n == 0 || (image_ids != NULL && scores != NULL), FALSE);

  if (!ds_project_begin (project, error))
    return FALSE;

  del = ds_project_stmt (project, "DELETE FROM anomaly_scores WHERE run_id = ?1", error);
  if (del == NULL)
    goto fail;
  sqlite3_bind_int64 (del, 1, run_id);
  if (!ds_project_step_done (project, del, "cannot replace the anomaly scores", error))
    goto fail;

  ins = ds_project_stmt (project,
                         "INSERT INTO anomaly_scores (run_id, image_id, score) VALUES (?1, ?2, ?3)",
                         error);
  if (ins == NULL)
    goto fail;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (ins);
      sqlite3_bind_int64 (ins, 1, run_id);
      sqlite3_bind_int64 (ins, 2, image_ids[i]);
      bind_double (ins, 3, scores[i]);
      if (!ds_project_step_done (project, ins, "cannot record the anomaly scores", error))
        goto fail;
    }

  upd = ds_project_stmt (project,
                         "UPDATE runs SET image_auroc = ?2, pixel_auroc = ?3, threshold = ?4,"
                         "  threshold_low = ?5, threshold_high = ?6, updated_at = ?7 "
                         "WHERE id = ?1",
                         error);
  if (upd == NULL)
    goto fail;
  sqlite3_bind_int64 (upd, 1, run_id);
  bind_double (upd, 2, figures->image_auroc);
  bind_double (upd, 3, figures->pixel_auroc);
  bind_double (upd, 4, figures->threshold);
  bind_double (upd, 5, figures->threshold_low);
  bind_double (upd, 6, figures->threshold_high);
  sqlite3_bind_int64 (upd, 7, g_get_real_time ());
  if (!ds_project_step_done (project, upd, "cannot record the run's anomaly figures", error))
    goto fail;
  if (sqlite3_changes (project->db) == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is no run %" G_GINT64_FORMAT, project->db_path, run_id);
      goto fail;
    }

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

gboolean
ds_project_get_anomaly_scores (DsProject  *project,
                               gint64      run_id,
                               gint64    **image_ids,
                               float     **scores,
                               guint      *n,
                               GError    **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  stmt = ds_project_stmt (project,
                          "SELECT image_id, score FROM anomaly_scores WHERE run_id = ?1 "
                          "ORDER BY image_id",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      float score = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                    ? NAN : (float) sqlite3_column_double (stmt, 1);

      g_array_append_val (ids, id);
      g_array_append_val (values, score);
    }
  if (rc != SQLITE_DONE)
    return ds_project_fail (project, rc, "cannot read the anomaly scores", error);

  *n = ids->len;
  *image_ids = (gint64 *) (void *) g_array_free (g_steal_pointer (&ids), FALSE);
  *scores = (float *) (void *) g_array_free (g_steal_pointer (&values), FALSE);

  return TRUE;
}

gint64
ds_project_latest_anomaly_run (DsProject *project)
{
  g_autoptr(DsCachedStmt) stmt = NULL;

  stmt = ds_project_stmt (project, "SELECT max (run_id) FROM anomaly_scores", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (stmt, 0);
}

gboolean
ds_project_set_review_band (DsProject  *project,
                            gint64      run_id,
                            double      low,
                            double      high,
                            GError    **error)
{
  g_autoptr(DsCachedStmt) upd = NULL;

  if (!(isfinite (low) && isfinite (high) && low <= high))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the review band %g to %g is not a band", low, high);
      return FALSE;
    }
  if (!ds_project_check_writable (project, error))
    return FALSE;

  upd = ds_project_stmt (project,
                         "UPDATE runs SET threshold_low = ?2, threshold_high = ?3, updated_at = ?4 "
                         "WHERE id = ?1",
                         error);
  if (upd == NULL)
    return FALSE;
  sqlite3_bind_int64 (upd, 1, run_id);
  sqlite3_bind_double (upd, 2, low);
  sqlite3_bind_double (upd, 3, high);
  sqlite3_bind_int64 (upd, 4, g_get_real_time ());
  if (!ds_project_step_done (project, upd, "cannot record the review band", error))
    return FALSE;
  if (sqlite3_changes (project->db) == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is no run %" G_GINT64_FORMAT, project->db_path, run_id);
      return FALSE;
    }

  return TRUE;
}

gboolean
ds_project_mark_reviewed (DsProject     *project,
                          const gint64  *ids,
                          gsize          n,
                          gint64         class_id,
                          gint64         run_id,
                          GError       **error)
{
  g_autoptr(DsCachedStmt) ins = NULL;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (n == 0 || ids != NULL, FALSE);

  if (!ds_project_begin (project, error))
    return FALSE;

  ins = ds_project_stmt (project,
                         "INSERT OR REPLACE INTO reviews (image_id, class_id, run_id, reviewed_at) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         error);
  if (ins == NULL)
    goto fail;
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_reset (ins);
      sqlite3_bind_int64 (ins, 1, ids[i]);
      if (class_id != 0)
        sqlite3_bind_int64 (ins, 2, class_id);
      else
        sqlite3_bind_null (ins, 2);
      if (run_id != 0)
        sqlite3_bind_int64 (ins, 3, run_id);
      else
        sqlite3_bind_null (ins, 3);
      sqlite3_bind_int64 (ins, 4, now);
      /* an unknown image or class breaks a foreign key and fails here */
      if (!ds_project_step_done (project, ins, "cannot record the review", error))
        goto fail;
    }

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

GHashTable *
ds_project_get_reviews (DsProject  *project,
                        GError    **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  stmt = ds_project_stmt (project, "SELECT image_id, coalesce (class_id, 0) FROM reviews", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 class_id = sqlite3_column_int64 (stmt, 1);

      g_hash_table_insert (table, g_memdup2 (&id, sizeof id),
                           g_memdup2 (&class_id, sizeof class_id));
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the reviews", error);
      return NULL;
    }

  return g_steal_pointer (&table);
}
