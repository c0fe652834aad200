/* ds-project-runs.c: training runs, their epochs, steps, images and predictions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ds-error.h"
#include "store/ds-project-private.h"
#include "store/ds-project-runs.h"

static const char * const status_names[] = {
  "running", "finished", "stopped early", "cancelled", "failed",
};
static const char * const role_names[] = { "train", "val", "test" };

const char *
ds_run_status_to_string (DsRunStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);

  return status_names[status];
}

static guint
index_of (const char * const *names,
          guint               n,
          const char         *name)
{
  for (guint i = 0; name != NULL && i < n; i++)
    if (g_str_equal (names[i], name))
      return i;

  return 0;
}

void
ds_run_info_free (DsRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->origin);
  g_free (info->message);
  ds_run_config_clear (&info->config);
  g_strfreev (info->class_names);
  g_free (info->class_ids);
  g_free (info->checkpoint_last);
  g_free (info->checkpoint_best);
  g_free (info);
}

void
ds_run_epoch_clear (DsRunEpoch *epoch)
{
  g_clear_pointer (&epoch->confusion, g_free);
}

char *
ds_project_run_folder (DsProject *project,
                       gint64     run_id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);

  return g_build_filename (project->folder, DS_PROJECT_RUNS_DIR, name, NULL);
}

/* NULL columns read back as NAN */
static double
column_double (sqlite3_stmt *stmt,
               int           col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, col);
}

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

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

gint64
ds_project_add_run (DsProject          *project,
                    const DsRunConfig  *config,
                    const char         *origin,
                    guint               input_c,
                    guint               input_h,
                    guint               input_w,
                    const char * const *class_names,
                    const gint64       *class_ids,
                    const gint64       *image_ids,
                    const DsRunRole    *roles,
                    const gint32       *labels,
                    guint               n,
                    GError            **error)
{
  g_autoptr(DsCachedStmt) run = NULL;
  g_autoptr(DsCachedStmt) cls = NULL;
  g_autoptr(DsCachedStmt) img = NULL;
  gint64 now = g_get_real_time ();
  gint64 run_id;

  g_return_val_if_fail (project != NULL && config != NULL && class_names != NULL, 0);

  if (!ds_project_begin (project, error))
    return 0;

  run = ds_project_stmt (project,
                         "INSERT INTO runs (created_at, updated_at, origin, status, preset, epochs,"
                         "  batch_size, optimizer, lr, weight_decay, val_split, lr_schedule,"
                         "  patience, max_shift, hflip, vflip, seed, threads, input_c, input_h,"
                         "  input_w, normal_class, include_synthetic) "
                         "VALUES (?1, ?1, ?2, 'running', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                         "  ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
                         error);
  if (run == NULL)
    goto fail;
  sqlite3_bind_int64 (run, 1, now);
  sqlite3_bind_text (run, 2, origin, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (run, 3, config->preset, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (run, 4, config->epochs);
  sqlite3_bind_int64 (run, 5, config->batch_size);
  sqlite3_bind_text (run, 6, ds_optim_kind_to_string (config->optimizer), -1, SQLITE_STATIC);
  sqlite3_bind_double (run, 7, config->lr);
  sqlite3_bind_double (run, 8, config->weight_decay);
  sqlite3_bind_double (run, 9, config->val_split);
  sqlite3_bind_text (run, 10, ds_lr_schedule_to_string (config->lr_schedule), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (run, 11, config->patience);
  sqlite3_bind_int64 (run, 12, config->augment.max_shift);
  sqlite3_bind_int (run, 13, config->augment.hflip);
  sqlite3_bind_int (run, 14, config->augment.vflip);
  /* SQLite integers are signed: the seed's bits are kept as they are */
  sqlite3_bind_int64 (run, 15, (gint64) config->seed);
  sqlite3_bind_int64 (run, 16, config->n_threads);
  sqlite3_bind_int64 (run, 17, input_c);
  sqlite3_bind_int64 (run, 18, input_h);
  sqlite3_bind_int64 (run, 19, input_w);
  sqlite3_bind_text (run, 20, config->normal_class, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (run, 21, config->include_synthetic);
  if (!ds_project_step_done (project, run, "cannot record the run", error))
    goto fail;
  run_id = sqlite3_last_insert_rowid (project->db);

  cls = ds_project_stmt (project,
                         "INSERT INTO run_classes (run_id, idx, class_id, name) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         error);
  if (cls == NULL)
    goto fail;
  for (guint i = 0; class_names[i] != NULL; i++)
    {
      sqlite3_reset (cls);
      sqlite3_bind_int64 (cls, 1, run_id);
      sqlite3_bind_int64 (cls, 2, i);
      if (class_ids != NULL && class_ids[i] != 0)
        sqlite3_bind_int64 (cls, 3, class_ids[i]);
      else
        sqlite3_bind_null (cls, 3);
      sqlite3_bind_text (cls, 4, class_names[i], -1, SQLITE_TRANSIENT);
      if (!ds_project_step_done (project, cls, "cannot record the run's classes", error))
        goto fail;
    }

  img = ds_project_stmt (project,
                         "INSERT INTO run_images (run_id, image_id, role, label) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         error);
  if (img == NULL)
    goto fail;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (img);
      sqlite3_bind_int64 (img, 1, run_id);
      sqlite3_bind_int64 (img, 2, image_ids[i]);
      sqlite3_bind_text (img, 3, role_names[roles[i]], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (img, 4, labels[i]);
      if (!ds_project_step_done (project, img, "cannot record the run's images", error))
        goto fail;
    }

  if (!ds_project_commit (project, error))
    return 0;

  return run_id;

fail:
  ds_project_rollback (project);
  return 0;
}

static char *
format_confusion (const DsRunEpoch *epoch)
{
  GString *text = g_string_new (NULL);
  guint n = epoch->n_classes * epoch->n_classes;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%" G_GUINT64_FORMAT, i > 0 ? " " : "", epoch->confusion[i]);

  return g_string_free (text, FALSE);
}

/* Reads the counts back; NULL when @text does not hold @n_classes² of them. */
static guint64 *
parse_confusion (const char *text,
                 guint       n_classes)
{
  g_autofree guint64 *counts = NULL;
  guint n = n_classes * n_classes;
  const char *p = text;

  if (text == NULL || n_classes == 0)
    return NULL;
  counts = g_new (guint64, n);
  for (guint i = 0; i < n; i++)
    {
      char *end;

      counts[i] = g_ascii_strtoull (p, &end, 10);
      if (end == p)
        return NULL;
      p = end;
    }

  return g_steal_pointer (&counts);
}

gboolean
ds_project_record_epoch (DsProject         *project,
                         gint64             run_id,
                         const DsRunEpoch  *epoch,
                         const DsRunStep   *steps,
                         guint              n_steps,
                         guint64            steps_per_epoch,
                         const char        *checkpoint_last,
                         const char        *checkpoint_best,
                         double             wall_seconds,
                         GError           **error)
{
  g_autoptr(DsCachedStmt) ins = NULL;
  g_autoptr(DsCachedStmt) step = NULL;
  g_autoptr(DsCachedStmt) upd = NULL;
  g_autofree char *confusion = NULL;

  if (!ds_project_begin (project, error))
    return FALSE;

  ins = ds_project_stmt (project,
                         "INSERT OR REPLACE INTO run_epochs (run_id, epoch, train_loss, val_loss,"
                         "  val_accuracy, seconds, items_per_second, confusion) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         error);
  if (ins == NULL)
    goto fail;
  sqlite3_bind_int64 (ins, 1, run_id);
  sqlite3_bind_int64 (ins, 2, epoch->epoch);
  sqlite3_bind_double (ins, 3, epoch->train_loss);
  bind_double (ins, 4, epoch->val_loss);
  bind_double (ins, 5, epoch->val_accuracy);
  sqlite3_bind_double (ins, 6, epoch->seconds);
  sqlite3_bind_double (ins, 7, epoch->items_per_second);
  if (epoch->confusion != NULL)
    {
      confusion = format_confusion (epoch);
      sqlite3_bind_text (ins, 8, confusion, -1, SQLITE_STATIC);
    }
  else
    sqlite3_bind_null (ins, 8);
  if (!ds_project_step_done (project, ins, "cannot record the epoch", error))
    goto fail;

  step = ds_project_stmt (project,
                          "INSERT OR REPLACE INTO run_steps (run_id, step, loss) VALUES (?1, ?2, ?3)",
                          error);
  if (step == NULL)
    goto fail;
  for (guint i = 0; i < n_steps; i++)
    {
      sqlite3_reset (step);
      sqlite3_bind_int64 (step, 1, run_id);
      sqlite3_bind_int64 (step, 2, (gint64) steps[i].step);
      sqlite3_bind_double (step, 3, steps[i].loss);
      if (!ds_project_step_done (project, step, "cannot record the step losses", error))
        goto fail;
    }

  upd = ds_project_stmt (project,
                         "UPDATE runs SET updated_at = ?2, epochs_done = ?3, wall_seconds = ?4,"
                         "  steps_per_epoch = ?5, checkpoint_last = coalesce (?6, checkpoint_last),"
                         "  checkpoint_best = coalesce (?7, checkpoint_best),"
                         "  best_epoch = CASE WHEN ?7 IS NULL THEN best_epoch ELSE ?3 END,"
                         "  best_val_loss = CASE WHEN ?7 IS NULL THEN best_val_loss ELSE ?8 END "
                         "WHERE id = ?1",
                         error);
  if (upd == NULL)
    goto fail;
  sqlite3_bind_int64 (upd, 1, run_id);
  sqlite3_bind_int64 (upd, 2, g_get_real_time ());
  sqlite3_bind_int64 (upd, 3, epoch->epoch);
  sqlite3_bind_double (upd, 4, wall_seconds);
  sqlite3_bind_int64 (upd, 5, (gint64) steps_per_epoch);
  sqlite3_bind_text (upd, 6, checkpoint_last, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (upd, 7, checkpoint_best, -1, SQLITE_TRANSIENT);
  bind_double (upd, 8, epoch->val_loss);
  if (!ds_project_step_done (project, upd, "cannot record the run's progress", error))
    goto fail;

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

static gboolean
update_status (DsProject   *project,
               gint64       run_id,
               DsRunStatus  status,
               const char  *message,
               double       wall_seconds,
               double       test_accuracy,
               GError     **error)
{
  g_autoptr(DsCachedStmt) upd = NULL;

  upd = ds_project_stmt (project,
                         "UPDATE runs SET status = ?2, message = ?3, updated_at = ?4,"
                         "  wall_seconds = coalesce (?5, wall_seconds),"
                         "  test_accuracy = coalesce (?6, test_accuracy) "
                         "WHERE id = ?1",
                         error);
  if (upd == NULL)
    return FALSE;
  sqlite3_bind_int64 (upd, 1, run_id);
  sqlite3_bind_text (upd, 2, status_names[status], -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 3, message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (upd, 4, g_get_real_time ());
  bind_double (upd, 5, wall_seconds);
  bind_double (upd, 6, test_accuracy);
  if (!ds_project_step_done (project, upd, "cannot record the run's status", error))
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
ds_project_finish_run (DsProject   *project,
                       gint64       run_id,
                       DsRunStatus  status,
                       const char  *message,
                       double       wall_seconds,
                       double       test_accuracy,
                       GError     **error)
{
  if (!ds_project_check_writable (project, error))
    return FALSE;

  return update_status (project, run_id, status, message, wall_seconds, test_accuracy, error);
}

gboolean
ds_project_resume_run (DsProject  *project,
                       gint64      run_id,
                       GError    **error)
{
  if (!ds_project_check_writable (project, error))
    return FALSE;

  return update_status (project, run_id, DS_RUN_RUNNING, NULL, NAN, NAN, error);
}

gboolean
ds_project_set_predictions (DsProject     *project,
                            gint64         run_id,
                            const gint64  *image_ids,
                            const gint32  *indices,
                            const float   *confidences,
                            guint          n,
                            GError       **error)
{
  g_autoptr(DsCachedStmt) del = NULL;
  g_autoptr(DsCachedStmt) ins = NULL;

  if (!ds_project_begin (project, error))
    return FALSE;

  del = ds_project_stmt (project, "DELETE FROM predictions WHERE run_id = ?1", error);
  if (del == NULL)
    goto fail;
  sqlite3_bind_int64 (del, 1, run_id);
  if (!ds_project_step_done (project, del, "cannot replace the predictions", error))
    goto fail;

  ins = ds_project_stmt (project,
                         "INSERT INTO predictions (run_id, image_id, idx, confidence) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         error);
  if (ins == NULL)
    goto fail;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (ins);
      sqlite3_bind_int64 (ins, 1, run_id);
      sqlite3_bind_int64 (ins, 2, image_ids[i]);
      sqlite3_bind_int64 (ins, 3, indices[i]);
      sqlite3_bind_double (ins, 4, confidences[i]);
      if (!ds_project_step_done (project, ins, "cannot record the predictions", error))
        goto fail;
    }

  return ds_project_commit (project, error);

fail:
  ds_project_rollback (project);
  return FALSE;
}

/* The columns every run query selects, in this order. */
#define RUN_COLUMNS \
  "id, created_at, updated_at, origin, status, message, preset, epochs, batch_size, optimizer," \
  " lr, weight_decay, val_split, lr_schedule, patience, max_shift, hflip, vflip, seed, threads," \
  " input_c, input_h, input_w, epochs_done, steps_per_epoch, wall_seconds, best_epoch," \
  " best_val_loss, test_accuracy, checkpoint_last, checkpoint_best, normal_class, image_auroc," \
  " pixel_auroc, threshold, threshold_low, threshold_high, include_synthetic"

static DsRunInfo *
read_run_row (sqlite3_stmt *stmt)
{
  DsRunInfo *info = g_new0 (DsRunInfo, 1);
  DsRunConfig *c = &info->config;

  info->id = sqlite3_column_int64 (stmt, 0);
  info->created_at = sqlite3_column_int64 (stmt, 1);
  info->updated_at = sqlite3_column_int64 (stmt, 2);
  info->origin = column_dup (stmt, 3);
  info->status = (DsRunStatus) index_of (status_names, G_N_ELEMENTS (status_names),
                                         (const char *) sqlite3_column_text (stmt, 4));
  info->message = column_dup (stmt, 5);
  c->preset = column_dup (stmt, 6);
  c->epochs = (guint) sqlite3_column_int64 (stmt, 7);
  c->batch_size = (guint) sqlite3_column_int64 (stmt, 8);
  if (!ds_optim_kind_from_string ((const char *) sqlite3_column_text (stmt, 9), &c->optimizer))
    c->optimizer = DS_OPTIM_ADAM;
  c->lr = sqlite3_column_double (stmt, 10);
  c->weight_decay = sqlite3_column_double (stmt, 11);
  c->val_split = sqlite3_column_double (stmt, 12);
  if (!ds_lr_schedule_from_string ((const char *) sqlite3_column_text (stmt, 13), &c->lr_schedule))
    c->lr_schedule = DS_LR_CONSTANT;
  c->patience = (guint) sqlite3_column_int64 (stmt, 14);
  c->augment.max_shift = (guint) sqlite3_column_int64 (stmt, 15);
  c->augment.hflip = sqlite3_column_int (stmt, 16) != 0;
  c->augment.vflip = sqlite3_column_int (stmt, 17) != 0;
  c->seed = (guint64) sqlite3_column_int64 (stmt, 18);
  c->n_threads = (guint) sqlite3_column_int64 (stmt, 19);
  info->input_c = (guint) sqlite3_column_int64 (stmt, 20);
  info->input_h = (guint) sqlite3_column_int64 (stmt, 21);
  info->input_w = (guint) sqlite3_column_int64 (stmt, 22);
  info->epochs_done = (guint) sqlite3_column_int64 (stmt, 23);
  info->steps_per_epoch = (guint64) sqlite3_column_int64 (stmt, 24);
  info->wall_seconds = sqlite3_column_double (stmt, 25);
  info->best_epoch = (guint) sqlite3_column_int64 (stmt, 26);
  info->best_val_loss = column_double (stmt, 27);
  info->test_accuracy = column_double (stmt, 28);
  info->checkpoint_last = column_dup (stmt, 29);
  info->checkpoint_best = column_dup (stmt, 30);
  c->normal_class = column_dup (stmt, 31);
  info->anomaly.image_auroc = column_double (stmt, 32);
  info->anomaly.pixel_auroc = column_double (stmt, 33);
  info->anomaly.threshold = column_double (stmt, 34);
  info->anomaly.threshold_low = column_double (stmt, 35);
  info->anomaly.threshold_high = column_double (stmt, 36);
  c->include_synthetic = sqlite3_column_int (stmt, 37) != 0;

  return info;
}

/* Fills in the class list of @info. */
static gboolean
read_run_classes (DsProject  *project,
                  DsRunInfo  *info,
                  GError    **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = ds_project_stmt (project,
                          "SELECT name, coalesce (class_id, 0) FROM run_classes WHERE run_id = ?1 "
                          "ORDER BY idx",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, info->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (names, column_dup (stmt, 0));
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return ds_project_fail (project, rc, "cannot read the run's classes", error);
  g_ptr_array_add (names, NULL);
  info->class_names = (GStrv) g_ptr_array_steal (names, NULL);
  info->class_ids = (gint64 *) (void *) g_array_free (g_steal_pointer (&ids), FALSE);

  return TRUE;
}

GPtrArray *
ds_project_list_runs (DsProject  *project,
                      GError    **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_run_info_free);
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  stmt = ds_project_stmt (project, "SELECT " RUN_COLUMNS " FROM runs ORDER BY id DESC", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, read_run_row (stmt));
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the runs", error);
      return NULL;
    }
  g_clear_pointer (&stmt, ds_cached_stmt_release);

  for (guint i = 0; i < runs->len; i++)
    if (!read_run_classes (project, g_ptr_array_index (runs, i), error))
      return NULL;

  return g_steal_pointer (&runs);
}

DsRunInfo *
ds_project_get_run (DsProject  *project,
                    gint64      run_id,
                    GError    **error)
{
  g_autoptr(DsCachedStmt) stmt = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  int rc;

  stmt = ds_project_stmt (project, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: there is no run %" G_GINT64_FORMAT, project->db_path, run_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ds_project_fail (project, rc, "cannot read the run", error);
      return NULL;
    }
  info = read_run_row (stmt);
  g_clear_pointer (&stmt, ds_cached_stmt_release);
  if (!read_run_classes (project, info, error))
    return NULL;

  return g_steal_pointer (&info);
}

gint64
ds_project_latest_predicted_run (DsProject *project)
{
  g_autoptr(DsCachedStmt) stmt = NULL;

  stmt = ds_project_stmt (project, "SELECT max (run_id) FROM predictions", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (stmt, 0);
}

GArray *
ds_project_list_run_epochs (DsProject  *project,
                            gint64      run_id,
                            GError    **error)
{
  g_autoptr(GArray) epochs = g_array_new (FALSE, TRUE, sizeof (DsRunEpoch));
  g_autoptr(DsCachedStmt) stmt = NULL;
  guint n_classes = 0;
  int rc;

  g_array_set_clear_func (epochs, (GDestroyNotify) ds_run_epoch_clear);
  stmt = ds_project_stmt (project,
                          "SELECT epoch, train_loss, val_loss, val_accuracy, seconds,"
                          "  items_per_second, confusion,"
                          "  (SELECT COUNT (*) FROM run_classes WHERE run_id = ?1) "
                          "FROM run_epochs WHERE run_id = ?1 ORDER BY epoch",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DsRunEpoch e = { 0 };

      n_classes = (guint) sqlite3_column_int64 (stmt, 7);
      e.epoch = (guint) sqlite3_column_int64 (stmt, 0);
      e.train_loss = sqlite3_column_double (stmt, 1);
      e.val_loss = column_double (stmt, 2);
      e.val_accuracy = column_double (stmt, 3);
      e.seconds = sqlite3_column_double (stmt, 4);
      e.items_per_second = sqlite3_column_double (stmt, 5);
      e.confusion = parse_confusion ((const char *) sqlite3_column_text (stmt, 6), n_classes);
      e.n_classes = e.confusion != NULL ? n_classes : 0;
      g_array_append_val (epochs, e);
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the run's epochs", error);
      return NULL;
    }

  return g_steal_pointer (&epochs);
}

GArray *
ds_project_list_run_steps (DsProject  *project,
                           gint64      run_id,
                           GError    **error)
{
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (DsRunStep));
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  stmt = ds_project_stmt (project,
                          "SELECT step, loss FROM run_steps WHERE run_id = ?1 ORDER BY step",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DsRunStep s = {
        .step = (guint64) sqlite3_column_int64 (stmt, 0),
        .loss = sqlite3_column_double (stmt, 1),
      };

      g_array_append_val (steps, s);
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the run's steps", error);
      return NULL;
    }

  return g_steal_pointer (&steps);
}

gboolean
ds_project_get_run_images (DsProject   *project,
                           gint64       run_id,
                           gint64     **image_ids,
                           DsRunRole  **roles,
                           gint32     **labels,
                           guint       *n,
                           GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) role_array = g_array_new (FALSE, FALSE, sizeof (DsRunRole));
  g_autoptr(GArray) label_array = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  stmt = ds_project_stmt (project,
                          "SELECT image_id, role, label FROM run_images WHERE run_id = ?1 "
                          "ORDER BY image_id",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      DsRunRole role = (DsRunRole) index_of (role_names, G_N_ELEMENTS (role_names),
                                             (const char *) sqlite3_column_text (stmt, 1));
      gint32 label = (gint32) sqlite3_column_int64 (stmt, 2);

      g_array_append_val (ids, id);
      g_array_append_val (role_array, role);
      g_array_append_val (label_array, label);
    }
  if (rc != SQLITE_DONE)
    return ds_project_fail (project, rc, "cannot read the run's images", error);

  *n = ids->len;
  *image_ids = (gint64 *) (void *) g_array_free (g_steal_pointer (&ids), FALSE);
  *roles = (DsRunRole *) (void *) g_array_free (g_steal_pointer (&role_array), FALSE);
  *labels = (gint32 *) (void *) g_array_free (g_steal_pointer (&label_array), FALSE);

  return TRUE;
}

GHashTable *
ds_project_get_predictions (DsProject  *project,
                            gint64      run_id,
                            GError    **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  stmt = ds_project_stmt (project,
                          "SELECT p.image_id, coalesce (pc.class_id, 0), p.confidence,"
                          "  coalesce (lc.class_id, 0), ri.role "
                          "FROM predictions p "
                          "JOIN run_classes pc ON pc.run_id = p.run_id AND pc.idx = p.idx "
                          "LEFT JOIN run_images ri ON ri.run_id = p.run_id AND ri.image_id = p.image_id "
                          "LEFT JOIN run_classes lc ON lc.run_id = p.run_id AND lc.idx = ri.label "
                          "WHERE p.run_id = ?1",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DsPrediction *p = g_new0 (DsPrediction, 1);
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      p->class_id = sqlite3_column_int64 (stmt, 1);
      p->confidence = (float) sqlite3_column_double (stmt, 2);
      p->label_class_id = sqlite3_column_int64 (stmt, 3);
      p->role = (DsRunRole) index_of (role_names, G_N_ELEMENTS (role_names),
                                      (const char *) sqlite3_column_text (stmt, 4));
      g_hash_table_insert (table, id, p);
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the predictions", error);
      return NULL;
    }

  return g_steal_pointer (&table);
}
