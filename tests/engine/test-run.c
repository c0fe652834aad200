/* test-run.c: training runs on a project: what they record, checkpoints, resume, failures
 *
 * The project holds 28×28 gray images of four classes, a bright bar at one of four heights
 * over noise: 96 labelled in no split, 16 labelled in the test split, 8 unlabelled and 4
 * synthetic ones (which a run must leave out).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"
#include "store/ds-project.h"
#include "store/ds-project-runs.h"
#include "store/ds-store-files.h"

#define SIDE 28
#define N_CLASSES 4

typedef struct
{
  char   *dir;
  gint64  class_ids[N_CLASSES];
  gint64  first_train_image;
} Fixture;

static gint64
add_bar_image (DsProject *project,
               DsRng     *rng,
               guint      k,
               DsSplit    split,
               DsImageSource source,
               guint      i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("bar-%u-%u.png", k, i);
  guint8 px[SIDE * SIDE];
  gint64 id;

  for (guint y = 0; y < SIDE; y++)
    for (guint x = 0; x < SIDE; x++)
      {
        gboolean bar = y >= 7 * k && y < 7 * k + 4;

        px[y * SIDE + x] = (guint8) ((bar ? 180 : 30) + ds_rng_below (rng, 60));
      }
  id = ds_project_add_image_pixels (project, px, 1, SIDE, SIDE, name, split, source, &error);
  g_assert_no_error (error);

  return id;
}

static void
label (DsProject *project,
       gint64     image_id,
       gint64     class_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ds_project_set_labels (project, &image_id, 1, class_id, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  DsRng rng;

  f->dir = g_dir_make_tmp ("ds-test-run-XXXXXX", &error);
  g_assert_no_error (error);
  project = ds_project_create (f->dir, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < N_CLASSES; k++)
    {
      g_autofree char *name = g_strdup_printf ("bar %u", k);

      f->class_ids[k] = ds_project_add_class (project, name, 0x102030 * (k + 1), &error);
      g_assert_no_error (error);
    }

  ds_rng_seed (&rng, 11);
  for (guint i = 0; i < 96; i++)
    {
      gint64 id = add_bar_image (project, &rng, i % N_CLASSES, DS_SPLIT_NONE, DS_IMAGE_SOURCE_IMPORT, i);

      if (i == 0)
        f->first_train_image = id;
      label (project, id, f->class_ids[i % N_CLASSES]);
    }
  for (guint i = 0; i < 16; i++)
    label (project, add_bar_image (project, &rng, i % N_CLASSES, DS_SPLIT_TEST,
                                   DS_IMAGE_SOURCE_IMPORT, 100 + i),
           f->class_ids[i % N_CLASSES]);
  for (guint i = 0; i < 8; i++)
    add_bar_image (project, &rng, i % N_CLASSES, DS_SPLIT_NONE, DS_IMAGE_SOURCE_IMPORT, 200 + i);
  for (guint i = 0; i < 4; i++)
    label (project, add_bar_image (project, &rng, 0, DS_SPLIT_NONE, DS_IMAGE_SOURCE_SYNTHETIC,
                                   300 + i),
           f->class_ids[3]);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ds_store_remove_tree (f->dir);
  g_free (f->dir);
}

static void
test_config (DsRunConfig *config,
             guint        epochs)
{
  ds_run_config_init (config, ds_preset_lookup ("seed-cnn"));
  config->epochs = epochs;
  config->batch_size = 16;
  config->val_split = 0.25;
  config->lr = 3e-3;
  config->seed = 7;
  config->n_threads = 2;
}

/* Stops or poisons a run at a global step, and remembers the steps it saw. */
typedef struct
{
  DsRun   *run;
  guint64  stop_at;
  guint64  poison_at;
  guint64  first_step;     /* the first step event's global step */
  guint64  last_step;
  guint    epochs_seen;
} Watch;

static gboolean
watch_cb (const DsProgress *p,
          gpointer          user_data)
{
  Watch *w = user_data;

  if (p->kind == DS_PROGRESS_EPOCH)
    w->epochs_seen++;
  if (p->kind != DS_PROGRESS_STEP)
    return TRUE;
  if (w->first_step == 0)
    w->first_step = p->global_step;
  w->last_step = p->global_step;
  if (w->poison_at == p->global_step)
    ds_run_get_model (w->run)->params[5] = NAN;

  return w->stop_at != p->global_step;
}

static DsProject *
open_project (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  DsProject *project = ds_project_open (f->dir, DS_PROJECT_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  return project;
}

static DsModel *
load_checkpoint (Fixture    *f,
                 gint64      run_id,
                 const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);
  g_autofree char *path = g_build_filename (f->dir, "runs", id, name, NULL);
  DsModel *model = ds_model_load (path, NULL, &error);

  g_assert_no_error (error);
  return model;
}

static void
test_records (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsRun) run = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autoptr(GArray) epochs = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autoptr(GHashTable) predictions = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree gint64 *ids = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree gint32 *labels = NULL;
  g_autoptr(DsModel) best = NULL;
  guint n, counts[3] = { 0 }, n_train, n_val, n_test;
  guint64 spe;
  Watch w = { 0 };

  test_config (&config, 3);
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  w.run = run;
  ds_run_get_counts (run, &n_train, &n_val, &n_test);
  g_assert_cmpuint (n_train, ==, 72);
  g_assert_cmpuint (n_val, ==, 24);   /* a quarter of the 96 outside the test split */
  g_assert_cmpuint (n_test, ==, 16);
  spe = ds_run_get_steps_per_epoch (run);
  g_assert_cmpuint (spe, ==, 5);      /* 72 / 16, rounded up */
  g_assert_true (ds_run_train (run, watch_cb, &w, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w.epochs_seen, ==, 3);

  project = open_project (f);
  info = ds_project_get_run (project, ds_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DS_RUN_FINISHED);
  g_assert_cmpstr (info->origin, ==, "test");
  g_assert_null (info->message);
  g_assert_cmpstr (info->config.preset, ==, "seed-cnn");
  g_assert_cmpuint (info->config.seed, ==, 7);
  g_assert_cmpfloat (info->config.val_split, ==, 0.25);
  g_assert_cmpuint (info->epochs_done, ==, 3);
  g_assert_cmpuint (info->steps_per_epoch, ==, spe);
  g_assert_cmpuint (info->input_h, ==, SIDE);
  g_assert_cmpuint (g_strv_length (info->class_names), ==, N_CLASSES);
  g_assert_cmpint (info->class_ids[2], ==, f->class_ids[2]);
  g_assert_true (info->best_epoch >= 1 && info->best_epoch <= 3);
  g_assert_true (isfinite (info->best_val_loss));
  g_assert_true (isfinite (info->test_accuracy));
  g_assert_cmpfloat (info->wall_seconds, >, 0);
  g_assert_cmpstr (info->checkpoint_last, ==, "runs/1/last.dsm");
  g_assert_cmpstr (info->checkpoint_best, ==, "runs/1/best.dsm");

  runs = ds_project_list_runs (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);

  epochs = ds_project_list_run_epochs (project, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (epochs->len, ==, 3);
  for (guint e = 0; e < 3; e++)
    {
      DsRunEpoch *re = &g_array_index (epochs, DsRunEpoch, e);
      guint64 total = 0, correct = 0;

      g_assert_cmpuint (re->epoch, ==, e + 1);
      g_assert_nonnull (re->confusion);
      g_assert_cmpuint (re->n_classes, ==, N_CLASSES);
      for (guint i = 0; i < N_CLASSES; i++)
        for (guint j = 0; j < N_CLASSES; j++)
          {
            total += re->confusion[i * N_CLASSES + j];
            correct += i == j ? re->confusion[i * N_CLASSES + j] : 0;
          }
      g_assert_cmpuint (total, ==, 24);
      g_assert_cmpfloat_with_epsilon (re->val_accuracy, (double) correct / total, 1e-9);
    }
  /* the best checkpoint is the epoch with the lowest validation loss */
  for (guint e = 0; e < 3; e++)
    g_assert_cmpfloat (g_array_index (epochs, DsRunEpoch, info->best_epoch - 1).val_loss, <=,
                       g_array_index (epochs, DsRunEpoch, e).val_loss);

  steps = ds_project_list_run_steps (project, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 3 * spe);
  for (guint i = 0; i < steps->len; i++)
    g_assert_cmpuint (g_array_index (steps, DsRunStep, i).step, ==, i + 1);

  g_assert_true (ds_project_get_run_images (project, info->id, &ids, &roles, &labels, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 112);      /* labelled and not synthetic */
  for (guint i = 0; i < n; i++)
    counts[roles[i]]++;
  g_assert_cmpuint (counts[DS_RUN_ROLE_TRAIN], ==, 72);
  g_assert_cmpuint (counts[DS_RUN_ROLE_VAL], ==, 24);
  g_assert_cmpuint (counts[DS_RUN_ROLE_TEST], ==, 16);

  /* every image but the synthetic ones is predicted; labelled ones carry their label */
  predictions = ds_project_get_predictions (project, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (predictions), ==, 120);
  {
    DsPrediction *p = g_hash_table_lookup (predictions, &f->first_train_image);

    g_assert_nonnull (p);
    g_assert_cmpint (p->label_class_id, ==, f->class_ids[0]);
    g_assert_cmpfloat (p->confidence, >, 0.25f);
    g_assert_true (p->class_id == f->class_ids[0] || p->class_id == f->class_ids[1]
                   || p->class_id == f->class_ids[2] || p->class_id == f->class_ids[3]);
  }
  g_assert_cmpint (ds_project_latest_predicted_run (project), ==, info->id);

  best = load_checkpoint (f, info->id, "best.dsm");
  g_assert_cmpstr (ds_model_get_metadata (best, "train.epochs_done"), ==,
                   g_strdup_printf ("%u", info->best_epoch));
}

/* A run cancelled mid-epoch and resumed (after the user relabelled an image) ends with the same
 * weights as an uninterrupted run of the same seed, and goes on from its checkpoint's step. */
static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsRun) whole = NULL;
  g_autoptr(DsRun) part = NULL;
  g_autoptr(DsRun) resumed = NULL;
  g_autoptr(DsModel) a = NULL;
  g_autoptr(DsModel) b = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  Watch w = { 0 };
  guint64 spe;
  gint64 part_id;

  test_config (&config, 3);
  whole = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  g_assert_true (ds_run_train (whole, NULL, NULL, &error));
  g_assert_no_error (error);
  spe = ds_run_get_steps_per_epoch (whole);

  part = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  part_id = ds_run_get_id (part);
  w.run = part;
  w.stop_at = spe + 2;     /* epoch 2, step 2 */
  g_assert_false (ds_run_train (part, watch_cb, &w, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "epoch 2, step 2"));
  g_clear_error (&error);
  g_clear_pointer (&part, ds_run_free);
  {
    g_autoptr(DsProject) project = open_project (f);

    info = ds_project_get_run (project, part_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (info->status, ==, DS_RUN_CANCELLED);
    g_assert_cmpuint (info->epochs_done, ==, 1);
    g_assert_nonnull (strstr (info->message, "epoch 2, step 2"));
  }

  /* relabelling meanwhile does not change what the run trains on */
  {
    g_autoptr(DsProject) project = ds_project_open (f->dir, DS_PROJECT_OPEN_DEFAULT, &error);

    g_assert_no_error (error);
    label (project, f->first_train_image, f->class_ids[3]);
  }

  resumed = ds_run_resume (f->dir, part_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds_run_get_state (resumed)->epochs_done, ==, 1);
  memset (&w, 0, sizeof w);
  w.run = resumed;
  g_assert_true (ds_run_train (resumed, watch_cb, &w, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w.first_step, ==, spe + 1);
  g_assert_cmpuint (w.last_step, ==, 3 * spe);

  a = load_checkpoint (f, ds_run_get_id (whole), "last.dsm");
  b = load_checkpoint (f, part_id, "last.dsm");
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  g_assert_cmpmem (a->params, a->n_params * sizeof (float), b->params, b->n_params * sizeof (float));
  g_assert_cmpmem (a->state, a->n_state * sizeof (float), b->state, b->n_state * sizeof (float));

  /* a finished run does not resume */
  g_assert_null (ds_run_resume (f->dir, part_id, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
}

/* A NaN put into the weights at a step stops the run there; no checkpoint holds it. */
static void
test_not_finite (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsRun) run = NULL;
  g_autoptr(DsModel) last = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GError) read_error = NULL;
  Watch w = { 0 };
  guint64 spe;

  test_config (&config, 3);
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  spe = ds_run_get_steps_per_epoch (run);
  w.run = run;
  w.poison_at = spe + 3;   /* after epoch 2, step 3: step 4 sees it */
  g_assert_false (ds_run_train (run, watch_cb, &w, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NOT_FINITE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "epoch 2, step 4"));
  g_assert_cmpuint (w.last_step, ==, spe + 3);

  project = open_project (f);
  info = ds_project_get_run (project, ds_run_get_id (run), &read_error);
  g_assert_no_error (read_error);
  g_assert_cmpint (info->status, ==, DS_RUN_FAILED);
  g_assert_cmpstr (info->message, ==, error->message);
  g_assert_cmpuint (info->epochs_done, ==, 1);
  last = load_checkpoint (f, info->id, "last.dsm");
  g_assert_true (ds_floats_all_finite (last->params, last->n_params));
  g_assert_cmpstr (ds_model_get_metadata (last, "train.epochs_done"), ==, "1");
}

static void
test_no_labels (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-run-XXXXXX", &error);
  g_autoptr(DsProject) project = ds_project_create (dir, &error);
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsRun) run = NULL;
  DsRng rng;

  g_assert_no_error (error);
  ds_project_add_class (project, "a", 0, &error);
  ds_project_add_class (project, "b", 0, &error);
  g_assert_no_error (error);
  ds_rng_seed (&rng, 1);
  add_bar_image (project, &rng, 0, DS_SPLIT_NONE, DS_IMAGE_SOURCE_IMPORT, 0);

  test_config (&config, 1);
  run = ds_run_new (dir, &config, "test", &error);
  g_assert_null (run);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  /* a bad setting is refused before anything is read */
  config.epochs = 0;
  g_assert_null (ds_run_new (dir, &config, "test", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "epochs"));

  ds_store_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/engine/run/records", test_records);
  ADD ("/engine/run/resume", test_resume);
  ADD ("/engine/run/not-finite", test_not_finite);
  g_test_add_func ("/engine/run/no-labels", test_no_labels);

#undef ADD

  return g_test_run ();
}
