/* test-run.c: training runs on a project: what they record, checkpoints, resume, failures
 *
 * The project holds 28×28 gray images of four classes, a bright bar at one of four heights
 * over noise: 96 labelled in no split, 16 labelled in the test split, 8 unlabelled and 4
 * synthetic ones (which a run must leave out). Autoencoder runs take "bar 0" as the normal
 * class; their test adds images of "bar 2" with a defect mask on the bar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"
#include "anomaly/ds-anomaly.h"
#include "anomaly/ds-roc.h"
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
  g_autofree char *best_epoch = NULL;
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
  best_epoch = g_strdup_printf ("%u", info->best_epoch);
  g_assert_cmpstr (ds_model_get_metadata (best, "train.epochs_done"), ==, best_epoch);
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

/* Autoencoders */

static void
ae_config (DsRunConfig *config,
           guint        epochs)
{
  ds_run_config_init (config, ds_run_config_find_preset ("conv-ae"));
  config->epochs = epochs;
  config->batch_size = 8;
  config->seed = 7;
  config->n_threads = 2;
  /* the project spells it "bar 0": ASCII case does not matter */
  config->normal_class = g_strdup ("BAR 0");
}

/* Adds @n images of class @k with the bar's rows as their defect mask, written as files the
 * way an import leaves them. */
static void
add_masked_images (Fixture *f,
                   guint    k,
                   guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (f->dir, DS_PROJECT_OPEN_DEFAULT, &error);
  g_autofree char *images = g_build_filename (f->dir, "images", NULL);
  DsRng rng;

  g_assert_no_error (error);
  g_mkdir_with_parents (images, 0755);
  ds_rng_seed (&rng, 23);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("images/masked-%u.png", i);
      g_autofree char *mask_name = g_strdup_printf ("images/masked-%u_mask.png", i);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_autofree char *mask_path = g_build_filename (f->dir, mask_name, NULL);
      guint8 px[SIDE * SIDE], mask[SIDE * SIDE];
      gint64 id;

      for (guint y = 0; y < SIDE; y++)
        for (guint x = 0; x < SIDE; x++)
          {
            gboolean bar = y >= 7 * k && y < 7 * k + 4;

            px[y * SIDE + x] = (guint8) ((bar ? 180 : 30) + ds_rng_below (&rng, 60));
            mask[y * SIDE + x] = bar ? 255 : 0;
          }
      g_assert_true (ds_png_save (path, px, 1, SIDE, SIDE, &error));
      g_assert_true (ds_png_save (mask_path, mask, 1, SIDE, SIDE, &error));
      g_assert_no_error (error);
      id = ds_project_add_image (project, name, SIDE, SIDE, 1, DS_SPLIT_NONE,
                                 DS_IMAGE_SOURCE_IMPORT, mask_name, &error);
      g_assert_no_error (error);
      label (project, id, f->class_ids[k]);
    }
}

/* An autoencoder run trains on the normal class only, validates on its held-out share, and at
 * the end scores every image, calibrates thresholds into best.dsm and records the AUROCs. */
static void
test_autoencoder (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };
  g_auto(DsAnomalyParams) params = { 0 };
  g_autoptr(DsRun) run = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autoptr(GArray) epochs = NULL;
  g_autoptr(DsModel) best = NULL;
  g_autoptr(GHashTable) score_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree gint32 *labels = NULL;
  g_autofree gint64 *scored = NULL;
  g_autofree float *scores = NULL;
  g_autofree float *measured = NULL;
  g_autofree guint8 *positive = NULL;
  guint n, n_scored, n_measured = 0, counts[3] = { 0 }, n_train, n_val, n_test;
  Watch w = { 0 };

  add_masked_images (f, 2, 8);
  ae_config (&config, 3);
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  w.run = run;
  ds_run_get_counts (run, &n_train, &n_val, &n_test);
  /* 24 of "bar 0" outside the test split, a fifth of them held out; the rest only measures */
  g_assert_cmpuint (n_train, ==, 19);
  g_assert_cmpuint (n_val, ==, 5);
  g_assert_cmpuint (n_test, ==, 16 + 72 + 8);
  g_assert_true (ds_run_train (run, watch_cb, &w, &error));
  g_assert_no_error (error);

  project = open_project (f);
  info = ds_project_get_run (project, ds_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DS_RUN_FINISHED);
  g_assert_cmpstr (info->config.preset, ==, "conv-ae");
  g_assert_cmpstr (info->config.normal_class, ==, "bar 0");
  g_assert_true (isnan (info->test_accuracy));
  g_test_message ("image AUROC %.4f, pixel AUROC %.4f, band %.5g .. %.5g, threshold %.5g",
                  info->anomaly.image_auroc, info->anomaly.pixel_auroc,
                  info->anomaly.threshold_low, info->anomaly.threshold_high,
                  info->anomaly.threshold);
  /* a bar in the wrong place is no subtle defect */
  g_assert_cmpfloat (info->anomaly.image_auroc, >, 0.9);
  g_assert_cmpfloat (info->anomaly.image_auroc, <=, 1.0);
  g_assert_cmpfloat (info->anomaly.pixel_auroc, >, 0.5);
  g_assert_cmpfloat (info->anomaly.pixel_auroc, <=, 1.0);
  g_assert_cmpfloat (info->anomaly.threshold_low, <=, info->anomaly.threshold);
  g_assert_cmpfloat (info->anomaly.threshold, <=, info->anomaly.threshold_high);

  /* reconstruction: a validation loss, no accuracy, no confusion matrix */
  epochs = ds_project_list_run_epochs (project, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (epochs->len, ==, 3);
  for (guint e = 0; e < 3; e++)
    {
      DsRunEpoch *re = &g_array_index (epochs, DsRunEpoch, e);

      g_assert_true (isfinite (re->val_loss));
      g_assert_true (isnan (re->val_accuracy));
      g_assert_null (re->confusion);
    }

  /* trained and validated on the normal class only */
  g_assert_true (ds_project_get_run_images (project, info->id, &ids, &roles, &labels, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 120);
  for (guint i = 0; i < n; i++)
    {
      counts[roles[i]]++;
      if (roles[i] != DS_RUN_ROLE_TEST)
        g_assert_cmpint (labels[i], ==, 0);
    }
  g_assert_cmpuint (counts[DS_RUN_ROLE_TRAIN], ==, 19);
  g_assert_cmpuint (counts[DS_RUN_ROLE_VAL], ==, 5);

  /* every image but the synthetic ones is scored; no class predictions */
  g_assert_true (ds_project_get_anomaly_scores (project, info->id, &scored, &scores, &n_scored,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_scored, ==, 128);
  for (guint i = 0; i < n_scored; i++)
    {
      g_assert_true (isfinite (scores[i]) && scores[i] >= 0.0f);
      g_hash_table_insert (score_of, &scored[i], &scores[i]);
    }
  g_assert_cmpint (ds_project_latest_anomaly_run (project), ==, info->id);
  g_assert_cmpint (ds_project_latest_predicted_run (project), ==, 0);

  /* the recorded image AUROC is that of the stored scores of the images it did not train on */
  measured = g_new (float, n);
  positive = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    if (roles[i] != DS_RUN_ROLE_TRAIN)
      {
        measured[n_measured] = *(float *) g_hash_table_lookup (score_of, &ids[i]);
        positive[n_measured++] = labels[i] != 0;
      }
  g_assert_cmpfloat_with_epsilon (ds_auroc (measured, positive, n_measured),
                                  info->anomaly.image_auroc, 1e-9);

  /* the thresholds travel with the model */
  best = load_checkpoint (f, info->id, "best.dsm");
  g_assert_true (ds_anomaly_params_from_model (&params, best, "best.dsm", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (params.normal_class, ==, "bar 0");
  g_assert_cmpfloat_with_epsilon (params.threshold_low, info->anomaly.threshold_low, 1e-6);
  g_assert_cmpfloat_with_epsilon (params.threshold_high, info->anomaly.threshold_high, 1e-6);
  g_assert_cmpfloat (params.heat_max, >, 0.0f);
  g_assert_nonnull (ds_model_get_metadata (best, "train.epochs_done"));

  /* the review band moves in the record */
  g_clear_pointer (&project, ds_project_close);
  project = ds_project_open (f->dir, DS_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (ds_project_set_review_band (project, info->id, 0.001, 0.002, &error));
  g_assert_no_error (error);
  g_assert_false (ds_project_set_review_band (project, info->id, 0.003, 0.002, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_pointer (&info, ds_run_info_free);
  info = ds_project_get_run (project, ds_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (info->anomaly.threshold_low, ==, 0.001);
  g_assert_cmpfloat (info->anomaly.threshold_high, ==, 0.002);
}

/* Stopped and resumed, an autoencoder run still ends with its scores and thresholds. */
static void
test_autoencoder_resume (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsRun) run = NULL;
  g_autoptr(DsRun) resumed = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autofree gint64 *scored = NULL;
  g_autofree float *scores = NULL;
  guint n_scored, n_train, n_val, n_test;
  Watch w = { .stop_at = 4 };

  ae_config (&config, 3);
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  w.run = run;
  g_assert_false (ds_run_train (run, watch_cb, &w, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&error);

  resumed = ds_run_resume (f->dir, ds_run_get_id (run), &error);
  g_assert_no_error (error);
  ds_run_get_counts (resumed, &n_train, &n_val, &n_test);
  g_assert_cmpuint (n_train, ==, 19);
  g_assert_cmpuint (n_val, ==, 5);
  g_assert_true (ds_run_train (resumed, NULL, NULL, &error));
  g_assert_no_error (error);

  project = open_project (f);
  info = ds_project_get_run (project, ds_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DS_RUN_FINISHED);
  g_assert_true (isfinite (info->anomaly.image_auroc));
  g_assert_true (isnan (info->anomaly.pixel_auroc));   /* no masks in this project */
  g_assert_true (ds_project_get_anomaly_scores (project, info->id, &scored, &scores, &n_scored,
                                                &error));
  g_assert_cmpuint (n_scored, ==, 120);
}

/* An autoencoder's epochs 0 become, when the run starts, enough to see 30000 images: the
 * record holds the number taken. A classifier's 0 stays refused (see test_no_labels). */
static void
test_autoencoder_auto_epochs (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsRun) run = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  guint n_train, n_val, n_test;

  add_masked_images (f, 2, 8);
  ae_config (&config, 0);
  g_assert_true (config.augment.hflip && config.augment.vflip);
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  ds_run_get_counts (run, &n_train, &n_val, &n_test);
  g_assert_cmpuint (n_train, ==, 19);
  /* 30000 / 19 rounded up is 1579, above the cap */
  g_assert_cmpuint (ds_run_get_info (run)->config.epochs, ==, DS_ANOMALY_MAX_AUTO_EPOCHS);
  project = open_project (f);
  info = ds_project_get_run (project, ds_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->config.epochs, ==, DS_ANOMALY_MAX_AUTO_EPOCHS);
  g_assert_cmpuint (ds_anomaly_auto_epochs (3, 192), ==, 157);
  g_assert_cmpuint (ds_anomaly_auto_epochs (3, 6000), ==, 5);
  g_assert_cmpuint (ds_anomaly_auto_epochs (10, 5000), ==, 10);
}

/* Without a class to take as normal, an autoencoder run does not start. */
static void
test_autoencoder_no_normal (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DsRunConfig) config = { 0 };

  ae_config (&config, 1);
  g_clear_pointer (&config.normal_class, g_free);
  g_assert_null (ds_run_new (f->dir, &config, "test", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "normal"));
  g_clear_error (&error);

  config.normal_class = g_strdup ("scrap");
  g_assert_null (ds_run_new (f->dir, &config, "test", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "scrap"));
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
  ADD ("/engine/run/autoencoder", test_autoencoder);
  ADD ("/engine/run/autoencoder-resume", test_autoencoder_resume);
  ADD ("/engine/run/autoencoder-no-normal", test_autoencoder_no_normal);
  ADD ("/engine/run/autoencoder-auto-epochs", test_autoencoder_auto_epochs);
  g_test_add_func ("/engine/run/no-labels", test_no_labels);

#undef ADD

  return g_test_run ();
}
