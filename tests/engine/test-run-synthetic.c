/* test-run-synthetic.c: synthetic images in training runs
 *
 * A run leaves them out unless its config includes them, and then they only ever train: never
 * validate, never test, even one registered in the test split. Including them does not change
 * which real images validate and test, so runs with and without them compare on the same
 * images. The flag is recorded with the run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"
#include "store/ds-project.h"
#include "store/ds-project-runs.h"
#include "store/ds-store-files.h"

#define SIDE        28
#define N_CLASSES   2
#define N_REAL      40   /* a class, of which every fourth is in the test split */
#define N_SYNTHETIC 12

typedef struct
{
  char      *dir;
  gint64     class_ids[N_CLASSES];
  GHashTable *synthetic;   /* gint64 * ids */
} Fixture;

/* A bar at the top (class 0) or the bottom (class 1) over noise. */
static void
bar_pixels (DsRng  *rng,
            guint   k,
            guint8 *px)
{
  for (guint y = 0; y < SIDE; y++)
    for (guint x = 0; x < SIDE; x++)
      {
        gboolean bar = k == 0 ? y < 6 : y >= SIDE - 6;

        px[y * SIDE + x] = (guint8) ((bar ? 180 : 30) + ds_rng_below (rng, 60));
      }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autofree guint8 *synthetic = g_new (guint8, N_SYNTHETIC * SIDE * SIDE);
  g_autofree gint64 *ids = NULL;
  g_autofree char *path = NULL;
  guint8 px[SIDE * SIDE];
  gint64 id;
  DsRng rng;

  f->dir = g_dir_make_tmp ("ds-test-run-synthetic-XXXXXX", &error);
  g_assert_no_error (error);
  f->synthetic = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  project = ds_project_create (f->dir, &error);
  g_assert_no_error (error);
  ds_rng_seed (&rng, 7);
  for (guint k = 0; k < N_CLASSES; k++)
    {
      g_autofree char *name = g_strdup_printf ("bar %u", k);

      f->class_ids[k] = ds_project_add_class (project, name, 0x3070a0 + k, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < N_REAL; i++)
    for (guint k = 0; k < N_CLASSES; k++)
      {
        bar_pixels (&rng, k, px);
        id = ds_project_add_image_pixels (project, px, 1, SIDE, SIDE, "real",
                                          i % 4 == 0 ? DS_SPLIT_TEST : DS_SPLIT_NONE,
                                          DS_IMAGE_SOURCE_IMPORT, &error);
        g_assert_no_error (error);
        g_assert_true (ds_project_set_labels (project, &id, 1, f->class_ids[k], &error));
        g_assert_no_error (error);
      }

  /* what "Add selected" does, for class 1 */
  for (guint i = 0; i < N_SYNTHETIC; i++)
    bar_pixels (&rng, 1, synthetic + i * SIDE * SIDE);
  g_assert_true (ds_project_add_synthetic (project, synthetic, N_SYNTHETIC, 1, SIDE, SIDE,
                                           f->class_ids[1], "gan", &ids, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_SYNTHETIC; i++)
    g_hash_table_add (f->synthetic, g_memdup2 (&ids[i], sizeof (gint64)));

  /* one registered in the test split by hand: still never a test image */
  bar_pixels (&rng, 0, px);
  path = g_build_filename (f->dir, "images", "odd-synthetic.png", NULL);
  g_assert_true (ds_png_save (path, px, 1, SIDE, SIDE, &error));
  g_assert_no_error (error);
  id = ds_project_add_image (project, path, SIDE, SIDE, 1, DS_SPLIT_TEST,
                             DS_IMAGE_SOURCE_SYNTHETIC, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ds_project_set_labels (project, &id, 1, f->class_ids[0], &error));
  g_assert_no_error (error);
  g_hash_table_add (f->synthetic, g_memdup2 (&id, sizeof (gint64)));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ds_store_remove_tree (f->dir);
  g_free (f->dir);
  g_hash_table_unref (f->synthetic);
}

static void
config_for (DsRunConfig *config,
            gboolean     include_synthetic)
{
  ds_run_config_init (config, ds_preset_lookup ("seed-cnn"));
  config->epochs = 1;
  config->batch_size = 16;
  config->val_split = 0.25;
  config->seed = 3;
  config->include_synthetic = include_synthetic;
}

/* The role of every image a run recorded: image id → role + 1. */
static GHashTable *
run_roles (Fixture *f,
           gint64   run_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (f->dir, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_autofree gint64 *ids = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree gint32 *labels = NULL;
  GHashTable *map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n;

  g_assert_no_error (error);
  g_assert_true (ds_project_get_run_images (project, run_id, &ids, &roles, &labels, &n, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (map, g_memdup2 (&ids[i], sizeof (gint64)),
                         GUINT_TO_POINTER (roles[i] + 1));

  return map;
}

static gint64
new_run (Fixture  *f,
         gboolean  include_synthetic,
         gboolean  train,
         guint    *n_train)
{
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsRun) run = NULL;
  guint n_val, n_test;

  config_for (&config, include_synthetic);
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  g_assert_true (ds_run_get_info (run)->config.include_synthetic == include_synthetic);
  ds_run_get_counts (run, n_train, &n_val, &n_test);
  if (train)
    {
      g_assert_true (ds_run_train (run, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  return ds_run_get_id (run);
}

static void
test_left_out_by_default (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GHashTable) roles = NULL;
  GHashTableIter iter;
  gpointer id;
  guint n_train;
  gint64 run_id = new_run (f, FALSE, FALSE, &n_train);

  roles = run_roles (f, run_id);
  g_assert_cmpuint (g_hash_table_size (roles), ==, N_REAL * N_CLASSES);
  g_hash_table_iter_init (&iter, f->synthetic);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_false (g_hash_table_contains (roles, id));
}

static void
test_train_only (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) without = NULL;
  g_autoptr(GHashTable) with = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  GHashTableIter iter;
  gpointer id, role;
  guint n_without, n_with, n_synthetic = g_hash_table_size (f->synthetic);
  gint64 a = new_run (f, FALSE, FALSE, &n_without);
  gint64 b = new_run (f, TRUE, TRUE, &n_with);

  without = run_roles (f, a);
  with = run_roles (f, b);
  g_assert_cmpuint (g_hash_table_size (with), ==, N_REAL * N_CLASSES + n_synthetic);
  g_assert_cmpuint (n_with, ==, n_without + n_synthetic);

  /* every synthetic image trains, whatever its split */
  g_hash_table_iter_init (&iter, f->synthetic);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (with, id)), ==, DS_RUN_ROLE_TRAIN + 1);
  /* and the real images play the same parts as in the run without them */
  g_hash_table_iter_init (&iter, without);
  while (g_hash_table_iter_next (&iter, &id, &role))
    g_assert_true (g_hash_table_lookup (with, id) == role);

  /* the flag is in the record */
  project = ds_project_open (f->dir, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  info = ds_project_get_run (project, b, &error);
  g_assert_no_error (error);
  g_assert_true (info->config.include_synthetic);
  g_assert_cmpint (info->status, ==, DS_RUN_FINISHED);
  g_clear_pointer (&info, ds_run_info_free);
  info = ds_project_get_run (project, a, &error);
  g_assert_no_error (error);
  g_assert_false (info->config.include_synthetic);
}

/* A stopped run with synthetic images resumes on them. */
static gboolean
stop_after_first_epoch_cb (const DsProgress *p,
                           gpointer          user_data)
{
  return p->kind != DS_PROGRESS_EPOCH;
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsRun) run = NULL;
  g_autoptr(DsRun) resumed = NULL;
  guint n_train, n_train_resumed, n_val, n_test;
  gint64 run_id;

  config_for (&config, TRUE);
  config.epochs = 2;
  run = ds_run_new (f->dir, &config, "test", &error);
  g_assert_no_error (error);
  ds_run_get_counts (run, &n_train, &n_val, &n_test);
  run_id = ds_run_get_id (run);
  g_assert_false (ds_run_train (run, stop_after_first_epoch_cb, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_pointer (&run, ds_run_free);

  resumed = ds_run_resume (f->dir, run_id, &error);
  g_assert_no_error (error);
  ds_run_get_counts (resumed, &n_train_resumed, &n_val, &n_test);
  g_assert_cmpuint (n_train_resumed, ==, n_train);
  g_assert_true (ds_run_train (resumed, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* What a GAN of the project learns: one class's real labelled images outside the test split;
 * never a synthetic one (its own samples), never a test image. */
static void
test_gan_class_images (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (f->dir, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_auto(DsGanClassImages) images = { 0 };
  g_autofree char *rarest = NULL;

  g_assert_no_error (error);
  g_assert_true (ds_gan_class_images_load (&images, project, "bar 1", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (images.class_name, ==, "bar 1");
  /* 40 real images, every fourth in the test split; bar 1's 12 synthetic ones do not count */
  g_assert_cmpuint (images.n, ==, N_REAL - N_REAL / 4);
  for (guint i = 0; i < images.n; i++)
    g_assert_cmpint (images.data->labels[images.idx[i]], ==, images.class_index);
  ds_gan_class_images_clear (&images);

  /* nor does bar 0's synthetic one in the test split; names match without case */
  g_assert_true (ds_gan_class_images_load (&images, project, "BAR 0", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (images.n, ==, N_REAL - N_REAL / 4);
  ds_gan_class_images_clear (&images);

  /* the classes tie on real images: the first one is the rarest */
  rarest = ds_gan_dup_rarest_class (project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rarest, ==, "bar 0");

  g_assert_false (ds_gan_class_images_load (&images, project, "no such class", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no such class"));
  g_assert_null (images.data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/engine/run/synthetic/left-out-by-default", test_left_out_by_default);
  ADD ("/engine/run/synthetic/train-only", test_train_only);
  ADD ("/engine/run/synthetic/resume", test_resume);
  ADD ("/engine/gan/class-images", test_gan_class_images);
#undef ADD

  return g_test_run ();
}
