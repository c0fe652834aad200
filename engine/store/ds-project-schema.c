/* ds-project-schema.c: the database schema, as the list of steps that build it
 *
 * A new project runs every step from version 0; an older project runs the steps it is
 * missing, inside the transaction that ds_project_open() holds, so a crash half way leaves it
 * at its old version. Steps are append-only: never edit one that has shipped, add the next.
 *
 * Version 1: classes and images. Version 2: the undo log. Version 3: training runs, anomaly
 * scores and review decisions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error.h"
#include "store/ds-project-private.h"

static const char * const migrations[DS_PROJECT_SCHEMA_VERSION] = {
  /* 0 → 1 */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  /* ids never come back after a deletion, so an undone deletion can restore its id */
  "CREATE TABLE classes ("
  "  id       INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  name     TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length (name) > 0),"
  "  color    INTEGER NOT NULL CHECK (color BETWEEN 0 AND 16777215),"
  "  position INTEGER NOT NULL"
  ");"
  "CREATE TABLE images ("
  "  id            INTEGER PRIMARY KEY,"
  "  path          TEXT NOT NULL UNIQUE,"      /* relative to the project folder */
  "  original_path TEXT,"
  "  width         INTEGER NOT NULL CHECK (width > 0),"
  "  height        INTEGER NOT NULL CHECK (height > 0),"
  "  channels      INTEGER NOT NULL CHECK (channels IN (1, 3)),"
  "  split         TEXT CHECK (split IN ('train', 'test')),"
  "  source        TEXT NOT NULL CHECK (source IN ('import', 'demo', 'synthetic')),"
  "  mask_path     TEXT,"
  "  class_id      INTEGER REFERENCES classes (id) ON DELETE SET NULL,"
  "  labelled_at   INTEGER,"                   /* unix microseconds */
  "  CHECK ((class_id IS NULL) = (labelled_at IS NULL))"
  ");"
  "CREATE INDEX images_by_class ON images (class_id);",

  /* 1 → 2: one row per undo step, one per image it changed */
  "CREATE TABLE actions ("
  "  id             INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind           TEXT NOT NULL CHECK (kind IN ('label', 'delete-class')),"
  "  created_at     INTEGER NOT NULL,"
  "  class_id       INTEGER,"                  /* the label set, or the class deleted */
  "  class_name     TEXT,"                     /* delete-class: what to restore */
  "  class_color    INTEGER,"
  "  class_position INTEGER"
  ");"
  "CREATE TABLE action_images ("
  "  action_id       INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,"
  "  image_id        INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  old_class_id    INTEGER,"
  "  old_labelled_at INTEGER,"
  "  new_class_id    INTEGER,"
  "  new_labelled_at INTEGER,"
  "  PRIMARY KEY (action_id, image_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX action_images_by_image ON action_images (image_id);"
  /* the last step done; 0 when there is nothing to undo */
  "INSERT INTO meta (key, value) VALUES ('undo_position', 0);",

  /* 2 → 3: training runs, their curves, which image played which part, and predictions */
  "CREATE TABLE runs ("
  "  id              INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  created_at      INTEGER NOT NULL,"          /* unix microseconds */
  "  updated_at      INTEGER NOT NULL,"
  "  origin          TEXT NOT NULL,"             /* 'window', 'command line' */
  "  status          TEXT NOT NULL CHECK (status IN"
  "                    ('running', 'finished', 'stopped early', 'cancelled', 'failed')),"
  "  message         TEXT,"
  "  preset          TEXT NOT NULL,"
  "  epochs          INTEGER NOT NULL,"
  "  batch_size      INTEGER NOT NULL,"
  "  optimizer       TEXT NOT NULL,"
  "  lr              REAL NOT NULL,"
  "  weight_decay    REAL NOT NULL,"
  "  val_split       REAL NOT NULL,"
  "  lr_schedule     TEXT NOT NULL,"
  "  patience        INTEGER NOT NULL,"
  "  max_shift       INTEGER NOT NULL,"
  "  hflip           INTEGER NOT NULL,"
  "  vflip           INTEGER NOT NULL,"
  "  seed            INTEGER NOT NULL,"
  "  threads         INTEGER NOT NULL,"
  "  include_synthetic INTEGER NOT NULL DEFAULT 0,"
  "  input_c         INTEGER NOT NULL,"
  "  input_h         INTEGER NOT NULL,"
  "  input_w         INTEGER NOT NULL,"
  "  epochs_done     INTEGER NOT NULL DEFAULT 0,"
  "  steps_per_epoch INTEGER NOT NULL DEFAULT 0,"
  "  wall_seconds    REAL NOT NULL DEFAULT 0,"
  "  best_epoch      INTEGER,"
  "  best_val_loss   REAL,"
  "  test_accuracy   REAL,"
  "  checkpoint_last TEXT,"                      /* relative to the project folder */
  "  checkpoint_best TEXT,"
  /* autoencoders: the normal class, how well scores separate the labelled images, and the
   * decision threshold and review band (as calibrated, or as moved on the Inspect page) */
  "  normal_class    TEXT,"
  "  image_auroc     REAL,"
  "  pixel_auroc     REAL,"
  "  threshold       REAL,"
  "  threshold_low   REAL,"
  "  threshold_high  REAL"
  ");"
  /* the class list as the run saw it: output index → class */
  "CREATE TABLE run_classes ("
  "  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  idx      INTEGER NOT NULL,"
  "  class_id INTEGER REFERENCES classes (id) ON DELETE SET NULL,"
  "  name     TEXT NOT NULL,"
  "  PRIMARY KEY (run_id, idx)"
  ") WITHOUT ROWID;"
  "CREATE TABLE run_epochs ("
  "  run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  epoch            INTEGER NOT NULL,"
  "  train_loss       REAL NOT NULL,"
  "  val_loss         REAL,"
  "  val_accuracy     REAL,"
  "  seconds          REAL NOT NULL,"
  "  items_per_second REAL NOT NULL,"
  "  confusion        TEXT,"                     /* row-major counts, space-separated */
  "  PRIMARY KEY (run_id, epoch)"
  ") WITHOUT ROWID;"
  "CREATE TABLE run_steps ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  step   INTEGER NOT NULL,"
  "  loss   REAL NOT NULL,"
  "  PRIMARY KEY (run_id, step)"
  ") WITHOUT ROWID;"
  /* a run's own copy of its labels, so that it resumes on the same data after relabelling */
  "CREATE TABLE run_images ("
  "  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  role     TEXT NOT NULL CHECK (role IN ('train', 'val', 'test')),"
  "  label    INTEGER NOT NULL,"                 /* output index */
  "  PRIMARY KEY (run_id, image_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE predictions ("
  "  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  idx        INTEGER NOT NULL,"               /* output index: run_classes */
  "  confidence REAL NOT NULL,"
  "  PRIMARY KEY (run_id, image_id)"
  ") WITHOUT ROWID;"
  /* an autoencoder run's anomaly score of every image; NULL for a score that is not a number */
  "CREATE TABLE anomaly_scores ("
  "  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  score    REAL,"
  "  PRIMARY KEY (run_id, image_id)"
  ") WITHOUT ROWID;"
  /* a person's decision on a flagged image: the label they gave it (Review page) */
  "CREATE TABLE reviews ("
  "  image_id    INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,"
  "  class_id    INTEGER REFERENCES classes (id) ON DELETE CASCADE,"
  "  run_id      INTEGER REFERENCES runs (id) ON DELETE SET NULL,"   /* whose queue it was in */
  "  reviewed_at INTEGER NOT NULL"
  ");",
};

gboolean
ds_project_migrate (DsProject  *project,
                    int         from_version,
                    int         to_version,
                    GError    **error)
{
  g_autofree char *set_version = NULL;

  g_return_val_if_fail (from_version >= 0 && from_version <= to_version, FALSE);
  g_return_val_if_fail (to_version <= DS_PROJECT_SCHEMA_VERSION, FALSE);

  for (int v = from_version; v < to_version; v++)
    {
      int rc = sqlite3_exec (project->db, migrations[v], NULL, NULL, NULL);

      if (rc != SQLITE_OK)
        {
          g_autofree char *what = g_strdup_printf ("cannot upgrade the schema to version %d",
                                                   v + 1);

          return ds_project_fail (project, rc, what, error);
        }
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", to_version);
  return ds_project_exec (project, set_version, error);
}
