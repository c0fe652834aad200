/* test-anomaly-data.c: the layouts anomaly detection reads: a demo tree with masks, an MVTec AD
 * style tree, IDX files with one class normal, and a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"
#include "data/ds-demo.h"
#include "store/ds-project-demo.h"
#include "store/ds-store-files.h"

static gint32
class_index (const DsDataset *ds,
             const char      *name)
{
  for (guint k = 0; k < ds->n_classes; k++)
    if (g_str_equal (ds->class_names[k], name))
      return (gint32) k;

  return -1;
}

/* Every mask is 0 or 255: empty for normal images, not empty for defects that have one. */
static void
check_masks (const DsAnomalySet *set)
{
  gsize hw = (gsize) set->data->h * set->data->w;

  g_assert_nonnull (set->masks);
  for (guint i = 0; i < set->data->n; i++)
    {
      gsize on = 0;

      if (!set->has_mask[i])
        continue;
      for (gsize p = 0; p < hw; p++)
        {
          guint8 v = set->masks[i * hw + p];

          g_assert_true (v == 0 || v == 255);
          on += v != 0;
        }
      if (ds_anomaly_set_is_anomalous (set, i))
        g_assert_cmpuint (on, >, 0);
      else
        g_assert_cmpuint (on, ==, 0);
    }
}

/* The tree ds_demo_write() makes: <class>/ folders and masks/<class>/. */
static void
test_demo_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-anomaly-tree-XXXXXX", &error);
  g_autoptr(DsAnomalySet) train = NULL;
  g_autoptr(DsAnomalySet) test = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  DsDemoConfig cfg;
  guint n_test_normal = 0, n_defects = 0;

  g_assert_no_error (error);
  ds_demo_config_init (&cfg);
  cfg.counts[DS_DEMO_OK] = 20;
  cfg.counts[DS_DEMO_SCRATCH] = 4;
  cfg.counts[DS_DEMO_SPOT] = 4;
  cfg.counts[DS_DEMO_CRACK] = 3;
  g_assert_true (ds_demo_write (&cfg, dir, NULL, NULL, &error));
  g_assert_no_error (error);

  /* "ok" is taken as normal without being named; "masks" is no class */
  train = ds_anomaly_set_open (dir, NULL, DS_ANOMALY_PART_TRAIN, 0, 32, 32, NULL, &error);
  g_assert_no_error (error);
  test = ds_anomaly_set_open (dir, "ok", DS_ANOMALY_PART_TEST, 1, 32, 32, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->data->n_classes, ==, 4);
  g_assert_cmpint (class_index (train->data, "masks"), ==, -1);
  g_assert_cmpint (train->normal, ==, class_index (train->data, "ok"));
  g_assert_cmpuint (train->data->c, ==, 1);   /* gray PNGs read as gray */
  g_assert_cmpuint (train->data->h, ==, 32);
  g_assert_null (train->masks);

  for (guint i = 0; i < train->data->n; i++)
    {
      g_autofree char *base = g_path_get_basename (train->data->paths[i]);

      g_assert_cmpint (train->data->labels[i], ==, train->normal);
      g_assert_false (ds_anomaly_is_held_out (base));
      g_hash_table_add (seen, train->data->paths[i]);
    }
  for (guint i = 0; i < test->data->n; i++)
    {
      g_autofree char *base = g_path_get_basename (test->data->paths[i]);

      /* no image is in both parts */
      g_assert_false (g_hash_table_contains (seen, test->data->paths[i]));
      if (test->data->labels[i] == test->normal)
        {
          g_assert_true (ds_anomaly_is_held_out (base));
          n_test_normal++;
        }
      else
        {
          g_assert_true (test->has_mask[i]);
          n_defects++;
        }
    }
  g_assert_cmpuint (train->data->n + n_test_normal, ==, 20);
  g_assert_cmpuint (n_test_normal, >, 0);
  g_assert_cmpuint (n_defects, ==, 11);
  check_masks (test);

  ds_store_remove_tree (dir);
}

static void
write_png (const char *dir,
           const char *name,
           guint       side,
           guint8      value,
           gboolean    square)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree guint8 *px = g_malloc0 ((gsize) side * side);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  for (guint i = 0; i < side * side; i++)
    px[i] = value;
  if (square)
    for (guint y = side / 4; y < side / 2; y++)
      for (guint x = side / 4; x < side / 2; x++)
        px[y * side + x] = 255;
  g_assert_true (ds_png_save (path, px, 1, side, side, &error));
  g_assert_no_error (error);
}

/* MVTec AD: train/good, test/<kind>, ground_truth/<kind>/<name>_mask.png. */
static void
test_mvtec_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-anomaly-mvtec-XXXXXX", &error);
  g_autofree char *train_good = g_build_filename (dir, "train", "good", NULL);
  g_autofree char *test_good = g_build_filename (dir, "test", "good", NULL);
  g_autofree char *test_hole = g_build_filename (dir, "test", "hole", NULL);
  g_autofree char *gt_hole = g_build_filename (dir, "ground_truth", "hole", NULL);
  g_autofree char *broken = g_build_filename (test_hole, "002.png", NULL);
  g_autoptr(DsAnomalySet) train = NULL;
  g_autoptr(DsAnomalySet) test = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  gint32 hole;

  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%03u.png", i);

      write_png (train_good, name, 16, (guint8) (40 + i), FALSE);
    }
  write_png (test_good, "000.png", 16, 50, FALSE);
  write_png (test_hole, "000.png", 16, 50, TRUE);
  write_png (test_hole, "001.png", 16, 50, TRUE);   /* no mask */
  write_png (gt_hole, "000_mask.png", 16, 0, TRUE);
  g_file_set_contents (broken, "not a png", -1, &error);
  g_assert_no_error (error);

  train = ds_anomaly_set_open (dir, NULL, DS_ANOMALY_PART_TRAIN, 1, 8, 8, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->data->n, ==, 5);
  g_assert_cmpstr (train->data->class_names[train->normal], ==, "good");

  /* the damaged image is skipped and said so, or fails the call */
  g_assert_null (ds_anomaly_set_open (dir, NULL, DS_ANOMALY_PART_TEST, 1, 8, 8, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, broken));
  g_clear_error (&error);
  test = ds_anomaly_set_open (dir, NULL, DS_ANOMALY_PART_TEST, 1, 8, 8, skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (skipped, 0), broken));

  g_assert_cmpuint (test->data->n, ==, 3);
  hole = class_index (test->data, "hole");
  g_assert_cmpint (hole, >=, 0);
  for (guint i = 0; i < test->data->n; i++)
    {
      g_autofree char *base = g_path_get_basename (test->data->paths[i]);

      if (test->data->labels[i] == hole)
        g_assert_cmpint (test->has_mask[i], ==, g_str_equal (base, "000.png"));
      else
        g_assert_true (test->has_mask[i]);
    }
  check_masks (test);
  /* 16×16 resized to 8×8: the square (4..7 of 16) covers 2..3 */
  for (guint i = 0; i < test->data->n; i++)
    if (test->data->labels[i] == hole && test->has_mask[i])
      {
        const guint8 *m = test->masks + (gsize) i * 64;

        g_assert_cmpuint (m[2 * 8 + 2], ==, 255);
        g_assert_cmpuint (m[3 * 8 + 3], ==, 255);
        g_assert_cmpuint (m[0], ==, 0);
        g_assert_cmpuint (m[5 * 8 + 5], ==, 0);
      }

  /* a normal class that does not exist names the ones that do */
  g_assert_null (ds_anomaly_set_open (dir, "fine", DS_ANOMALY_PART_TEST, 1, 8, 8, skipped,
                                      &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "fine"));
  g_assert_nonnull (strstr (error->message, "hole"));

  ds_store_remove_tree (dir);
}

static void
write_idx (const char   *path,
           const guint8 *payload,
           guint         n,
           guint         side)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint8 head[4] = { 0, 0, 8, side > 0 ? 3 : 1 };
  guint32 dims[3] = { GUINT32_TO_BE (n), GUINT32_TO_BE (side), GUINT32_TO_BE (side) };

  g_byte_array_append (bytes, head, 4);
  g_byte_array_append (bytes, (const guint8 *) dims, side > 0 ? 12 : 4);
  g_byte_array_append (bytes, payload, n * MAX (side * side, 1));
  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
}

/* IDX with one class normal: its training images, then every test image. */
static void
test_idx (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-anomaly-idx-XXXXXX", &error);
  static const char * const prefixes[] = { "train", "t10k" };
  g_autoptr(DsAnomalySet) train = NULL;
  g_autoptr(DsAnomalySet) test = NULL;
  guint8 images[12 * 16], labels[12];

  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      labels[i] = (guint8) (i % 3);
      for (guint p = 0; p < 16; p++)
        images[i * 16 + p] = (guint8) (i * 10 + p);
    }
  for (guint s = 0; s < 2; s++)
    {
      g_autofree char *img = g_strdup_printf ("%s/%s-images-idx3-ubyte", dir, prefixes[s]);
      g_autofree char *lbl = g_strdup_printf ("%s/%s-labels-idx1-ubyte", dir, prefixes[s]);

      write_idx (img, images, 12, 4);
      write_idx (lbl, labels, 12, 0);
    }

  train = ds_anomaly_set_open (dir, "1", DS_ANOMALY_PART_TRAIN, 0, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->data->n, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (train->data->labels[i], ==, 1);
      /* images 1, 4, 7, 10, moved to the front in order */
      g_assert_cmpuint (train->data->pixels[i * 16], ==, (3 * i + 1) * 10);
    }
  test = ds_anomaly_set_open (dir, "1", DS_ANOMALY_PART_TEST, 0, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->data->n, ==, 12);
  g_assert_null (test->masks);
  g_assert_true (ds_anomaly_set_is_anomalous (test, 0));
  g_assert_false (ds_anomaly_set_is_anomalous (test, 1));

  /* IDX classes have no usual normal name: it must be given, and exist */
  g_assert_null (ds_anomaly_set_open (dir, NULL, DS_ANOMALY_PART_TRAIN, 0, 0, 0, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (ds_anomaly_set_open (dir, "7", DS_ANOMALY_PART_TRAIN, 0, 0, 0, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“7”"));

  ds_store_remove_tree (dir);
}

/* The demo project: labelled images only, defects with their masks, split by name. */
static void
test_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("ds-test-anomaly-project-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "demo", NULL);
  g_autoptr(DsAnomalySet) train = NULL;
  g_autoptr(DsAnomalySet) test = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint defects = 0, normal = 0, labelled[DS_DEMO_N_CLASSES];
  DsDemoConfig cfg;

  g_assert_no_error (error);
  g_assert_true (ds_project_write_demo (dir, DS_DEMO_PROJECT_SEED, NULL, NULL, &error));
  g_assert_no_error (error);

  train = ds_anomaly_set_open_project (dir, "ok", DS_ANOMALY_PART_TRAIN, 0, 0, 0, NULL, &error);
  g_assert_no_error (error);
  test = ds_anomaly_set_open_project (dir, NULL, DS_ANOMALY_PART_TEST, 0, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->data->h, ==, 64);
  for (guint i = 0; i < train->data->n; i++)
    {
      g_assert_cmpint (train->data->labels[i], ==, train->normal);
      g_hash_table_add (seen, train->data->paths[i]);
    }
  for (guint i = 0; i < test->data->n; i++)
    {
      g_assert_false (g_hash_table_contains (seen, test->data->paths[i]));
      g_assert_true (test->has_mask[i]);
      defects += ds_anomaly_set_is_anomalous (test, i);
      normal += test->data->labels[i] == test->normal;
    }
  /* the demo labels every other image of each class */
  ds_demo_config_init (&cfg);
  for (guint k = 0; k < DS_DEMO_N_CLASSES; k++)
    labelled[k] = (cfg.counts[k] + 1) / 2;
  g_assert_cmpuint (defects, ==, labelled[DS_DEMO_SCRATCH] + labelled[DS_DEMO_SPOT] +
                                 labelled[DS_DEMO_CRACK]);
  g_assert_cmpuint (train->data->n + normal, ==, labelled[DS_DEMO_OK]);
  g_assert_cmpuint (normal, >, labelled[DS_DEMO_OK] / 10);
  check_masks (test);

  /* not a project */
  g_assert_null (ds_anomaly_set_open_project (tmp, "ok", DS_ANOMALY_PART_TEST, 0, 0, 0, NULL,
                                              &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, tmp));

  ds_store_remove_tree (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/anomaly-data/demo-tree", test_demo_tree);
  g_test_add_func ("/engine/anomaly-data/mvtec-tree", test_mvtec_tree);
  g_test_add_func ("/engine/anomaly-data/idx", test_idx);
  g_test_add_func ("/engine/anomaly-data/project", test_project);

  return g_test_run ();
}
