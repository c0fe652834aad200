/* test-demo.c: the synthetic surface-inspection data set
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "data/ds-dataset.h"
#include "data/ds-demo.h"
#include "data/ds-png.h"
#include "ds-error.h"
#include "store/ds-store-files.h"

/* SHA-256 of every image and mask of the default configuration, in index order. Rendering is
 * integer arithmetic, so this holds on every machine; it changes only when the generator is
 * changed on purpose, and then a data set a user made earlier can no longer be regenerated. */
#define DEFAULT_SET_SHA256 "cfb1c8483053cb2cfb822a6c759d7df1ed3434d25369267d9377d5445eb582ed"

static DsDemoConfig
small_config (void)
{
  DsDemoConfig cfg;

  ds_demo_config_init (&cfg);
  cfg.counts[DS_DEMO_OK] = 6;
  cfg.counts[DS_DEMO_SCRATCH] = 3;
  cfg.counts[DS_DEMO_SPOT] = 3;
  cfg.counts[DS_DEMO_CRACK] = 2;
  return cfg;
}

static void
test_config (void)
{
  g_autoptr(GError) error = NULL;
  DsDemoConfig cfg;

  ds_demo_config_init (&cfg);
  g_assert_cmpuint (cfg.size, ==, 64);
  g_assert_cmpuint (cfg.counts[DS_DEMO_OK], ==, 480);
  g_assert_cmpuint (cfg.counts[DS_DEMO_SCRATCH], ==, 180);
  g_assert_cmpuint (cfg.counts[DS_DEMO_SPOT], ==, 180);
  g_assert_cmpuint (cfg.counts[DS_DEMO_CRACK], ==, 120);
  g_assert_cmpuint (ds_demo_total (&cfg), ==, 960);
  g_assert_true (cfg.write_masks);
  g_assert_true (ds_demo_config_check (&cfg, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (ds_demo_class_name (DS_DEMO_OK), ==, "ok");
  g_assert_cmpstr (ds_demo_class_name (DS_DEMO_CRACK), ==, "crack");
  g_assert_cmpstr (ds_demo_texture_name (DS_DEMO_TEXTURE_FABRIC), ==, "fabric");

  cfg.size = DS_DEMO_MIN_SIZE - 1;
  g_assert_false (ds_demo_config_check (&cfg, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  cfg.size = 64;
  cfg.counts[DS_DEMO_SPOT] = DS_DEMO_MAX_COUNT + 1;
  g_assert_false (ds_demo_config_check (&cfg, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  memset (cfg.counts, 0, sizeof cfg.counts);
  g_assert_false (ds_demo_config_check (&cfg, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
}

/* Classes come in DsDemoClass order with the configured counts; every texture family shows up
 * in every class in near-equal numbers, so texture says nothing about the class. */
static void
test_describe (void)
{
  DsDemoConfig cfg;
  guint per_class[DS_DEMO_N_CLASSES] = { 0 };
  guint per_texture[DS_DEMO_N_CLASSES][DS_DEMO_N_TEXTURES] = { { 0 } };
  guint total;

  ds_demo_config_init (&cfg);
  total = ds_demo_total (&cfg);
  for (guint i = 0; i < total; i++)
    {
      DsDemoInfo info;

      ds_demo_describe (&cfg, i, &info);
      g_assert_cmpuint (info.klass, <, DS_DEMO_N_CLASSES);
      g_assert_cmpuint (info.texture, <, DS_DEMO_N_TEXTURES);
      g_assert_cmpuint (info.index_in_class, ==, per_class[info.klass]);
      if (i > 0)
        {
          DsDemoInfo prev;

          ds_demo_describe (&cfg, i - 1, &prev);
          g_assert_cmpuint (prev.klass, <=, info.klass);
        }
      per_class[info.klass]++;
      per_texture[info.klass][info.texture]++;
    }

  for (guint k = 0; k < DS_DEMO_N_CLASSES; k++)
    {
      g_assert_cmpuint (per_class[k], ==, cfg.counts[k]);
      for (guint t = 0; t < DS_DEMO_N_TEXTURES; t++)
        {
          g_assert_cmpuint (per_texture[k][t], >=, cfg.counts[k] / DS_DEMO_N_TEXTURES);
          g_assert_cmpuint (per_texture[k][t], <=, cfg.counts[k] / DS_DEMO_N_TEXTURES + 1);
        }
    }
}

static char *
hash_set (const DsDemoConfig *cfg)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize count = (gsize) cfg->size * cfg->size;
  g_autofree guint8 *pixels = g_malloc (count);
  g_autofree guint8 *mask = g_malloc (count);

  for (guint i = 0; i < ds_demo_total (cfg); i++)
    {
      ds_demo_render (cfg, i, pixels, mask, NULL);
      g_checksum_update (sum, pixels, count);
      g_checksum_update (sum, mask, count);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* Same configuration, same bytes: rendered twice, in another order, and against the pinned
 * hash that other machines must reproduce. */
static void
test_deterministic (void)
{
  DsDemoConfig cfg;
  guint total;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint8 a[64 * 64], b[64 * 64], ma[64 * 64], mb[64 * 64];

  ds_demo_config_init (&cfg);
  total = ds_demo_total (&cfg);
  first = hash_set (&cfg);
  second = hash_set (&cfg);
  g_assert_cmpstr (first, ==, second);
  g_test_message ("default set SHA-256: %s", first);
  g_assert_cmpstr (first, ==, DEFAULT_SET_SHA256);

  /* any index alone, in reverse, after other images */
  for (guint step = 0; step < total; step += 7)
    {
      const char *name_a = NULL, *name_b = NULL;
      guint i = total - 1 - step;
      DsDemoClass ka, kb;

      ka = ds_demo_render (&cfg, i, a, ma, &name_a);
      ds_demo_render (&cfg, (i * 7) % total, b, NULL, NULL);
      kb = ds_demo_render (&cfg, i, b, mb, &name_b);
      g_assert_cmpint (ka, ==, kb);
      g_assert_cmpstr (name_a, ==, name_b);
      g_assert_cmpstr (name_a, ==, ds_demo_class_name (ka));
      g_assert_cmpmem (a, sizeof a, b, sizeof b);
      g_assert_cmpmem (ma, sizeof ma, mb, sizeof mb);
    }
}

static void
test_seeds_differ (void)
{
  DsDemoConfig one, two;
  guint8 a[64 * 64], b[64 * 64];

  ds_demo_config_init (&one);
  ds_demo_config_init (&two);
  one.seed = 1;
  two.seed = 2;
  for (guint i = 0; i < ds_demo_total (&one); i += 5)
    {
      guint same = 0;

      ds_demo_render (&one, i, a, NULL, NULL);
      ds_demo_render (&two, i, b, NULL, NULL);
      for (gsize p = 0; p < sizeof a; p++)
        same += a[p] == b[p];
      /* unrelated surfaces agree on a pixel now and then, not on a tenth of them */
      g_assert_cmpuint (same, <, sizeof a / 10);
    }
}

/* Masks are 0/255, empty exactly for ok images, and mark where the image differs from the
 * same surface without its defect; outside the mask only the defect's soft fringe remains. */
static void
test_masks (void)
{
  DsDemoConfig cfg;
  guint8 img[64 * 64], clean[64 * 64], mask[64 * 64];

  ds_demo_config_init (&cfg);
  for (guint i = 0; i < ds_demo_total (&cfg); i++)
    {
      DsDemoClass klass = ds_demo_render (&cfg, i, img, mask, NULL);
      guint inside = 0;
      double diff_in = 0, diff_out = 0, mean = 0, var = 0;

      ds_demo_render_clean (&cfg, i, clean);
      for (gsize p = 0; p < sizeof img; p++)
        mean += clean[p];
      mean /= sizeof img;
      for (gsize p = 0; p < sizeof img; p++)
        {
          double d = fabs ((double) img[p] - clean[p]);

          g_assert_true (mask[p] == 0 || mask[p] == 255);
          var += (clean[p] - mean) * (clean[p] - mean);
          if (mask[p] != 0)
            {
              inside++;
              diff_in += d;
            }
          else
            diff_out += d;
        }
      var /= sizeof img;

      if (klass == DS_DEMO_OK)
        {
          g_assert_cmpuint (inside, ==, 0);
          g_assert_cmpmem (img, sizeof img, clean, sizeof clean);
          continue;
        }
      /* a visible part of the image, not most of it */
      g_assert_cmpuint (inside, >=, 8);
      g_assert_cmpuint (inside, <=, sizeof img / 5);
      diff_in /= inside;
      diff_out /= sizeof img - inside;
      /* inside: a change of the order of the texture's own spread, so the defect is there but
       * has to be told from the texture */
      g_assert_cmpfloat (diff_in, >=, 0.5 * sqrt (var));
      g_assert_cmpfloat (diff_in, >=, 6.0);
      g_assert_cmpfloat (diff_out, <, 1.0);
      g_assert_cmpfloat (diff_in, >, 8 * diff_out);
    }
}

/* Every image is a plausible exposure: mid-gray on average, textured, hardly clipped. */
static void
test_statistics (void)
{
  DsDemoConfig cfg;
  guint8 img[64 * 64];
  guint family_n[DS_DEMO_N_TEXTURES] = { 0 };

  ds_demo_config_init (&cfg);
  for (guint i = 0; i < ds_demo_total (&cfg); i++)
    {
      DsDemoInfo info;
      double mean = 0, var = 0;
      guint clipped = 0;

      ds_demo_describe (&cfg, i, &info);
      ds_demo_render (&cfg, i, img, NULL, NULL);
      for (gsize p = 0; p < sizeof img; p++)
        {
          mean += img[p];
          clipped += img[p] == 0 || img[p] == 255;
        }
      mean /= sizeof img;
      for (gsize p = 0; p < sizeof img; p++)
        var += (img[p] - mean) * (img[p] - mean);
      var /= sizeof img;

      g_assert_cmpfloat (mean, >, 60);
      g_assert_cmpfloat (mean, <, 200);
      g_assert_cmpfloat (sqrt (var), >, 8);
      g_assert_cmpfloat (sqrt (var), <, 40);
      g_assert_cmpuint (clipped, <, sizeof img / 50);
      family_n[info.texture]++;
    }
  for (guint t = 0; t < DS_DEMO_N_TEXTURES; t++)
    g_assert_cmpuint (family_n[t], >, 0);
}

/* A larger size renders the same kind of scene at a finer scale. */
static void
test_sizes (void)
{
  DsDemoConfig cfg = small_config ();
  g_autofree guint8 *img = NULL;
  g_autofree guint8 *mask = NULL;

  cfg.size = 96;
  img = g_malloc (96 * 96);
  mask = g_malloc (96 * 96);
  for (guint i = 0; i < ds_demo_total (&cfg); i++)
    {
      DsDemoClass klass = ds_demo_render (&cfg, i, img, mask, NULL);
      guint inside = 0;

      for (gsize p = 0; p < 96 * 96; p++)
        inside += mask[p] != 0;
      g_assert_cmpuint (inside > 0, ==, klass != DS_DEMO_OK);
    }
}

static gboolean
count_progress_cb (guint    done,
                   guint    total,
                   gpointer user_data)
{
  guint *calls = user_data;

  g_assert_cmpuint (done, ==, *calls + 1);
  g_assert_cmpuint (done, <=, total);
  (*calls)++;
  return TRUE;
}

static gboolean
stop_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  return done < 3;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* The tree on disk: names, pixels as rendered, masks only for defects, a CSV index; the same
 * bytes when written twice; and a folder reader sees the four classes. */
static void
test_write (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-demo-XXXXXX", &error);
  g_autofree char *dir2 = g_dir_make_tmp ("ds-test-demo-XXXXXX", &error);
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *masks = NULL;
  g_autoptr(DsDataset) ds = NULL;
  DsDemoConfig cfg = small_config ();
  guint calls = 0;
  guint8 img[64 * 64], mask[64 * 64];

  g_assert_no_error (error);
  g_assert_true (ds_demo_write (&cfg, dir, count_progress_cb, &calls, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, ds_demo_total (&cfg));
  g_assert_true (ds_demo_write (&cfg, dir2, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < ds_demo_total (&cfg); i++)
    {
      DsDemoInfo info;
      const char *klass;
      g_autofree char *rel = NULL;
      g_autofree char *mask_rel = NULL;
      g_autofree char *path = NULL;
      g_autofree char *mask_path = NULL;
      g_autofree char *path2 = NULL;
      g_autofree guint8 *loaded = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) bytes2 = NULL;

      ds_demo_describe (&cfg, i, &info);
      ds_demo_render (&cfg, i, img, mask, NULL);
      klass = ds_demo_class_name (info.klass);
      rel = g_strdup_printf ("%s/%s_%04u.png", klass, klass, info.index_in_class);
      mask_rel = g_strdup_printf ("masks/%s/%s_%04u_mask.png", klass, klass, info.index_in_class);
      path = g_build_filename (dir, rel, NULL);
      path2 = g_build_filename (dir2, rel, NULL);
      mask_path = g_build_filename (dir, mask_rel, NULL);

      loaded = ds_png_load (path, 1, 0, 0, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (loaded, sizeof img, img, sizeof img);
      bytes = read_bytes (path);
      bytes2 = read_bytes (path2);
      g_assert_true (g_bytes_equal (bytes, bytes2));

      g_assert_cmpint (g_file_test (mask_path, G_FILE_TEST_EXISTS), ==, info.klass != DS_DEMO_OK);
      if (info.klass != DS_DEMO_OK)
        {
          g_autofree guint8 *loaded_mask = ds_png_load (mask_path, 1, 0, 0, NULL, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpmem (loaded_mask, sizeof mask, mask, sizeof mask);
        }
    }

  csv_path = g_build_filename (dir, "demo.csv", NULL);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "file,class,texture,defect_pixels,mask\n"));
  g_assert_nonnull (strstr (csv, "\nok/ok_0000.png,ok,metal,0,\n"));
  g_assert_nonnull (strstr (csv, "\ncrack/crack_0001.png,crack,cast,"));
  g_assert_nonnull (strstr (csv, ",masks/crack/crack_0001_mask.png\n"));

  /* without masks the tree is a plain class-per-folder set */
  ds_store_remove_tree (dir2);
  cfg.write_masks = FALSE;
  g_assert_true (ds_demo_write (&cfg, dir2, NULL, NULL, &error));
  g_assert_no_error (error);
  masks = g_build_filename (dir2, "masks", NULL);
  g_assert_false (g_file_test (masks, G_FILE_TEST_EXISTS));
  ds = ds_dataset_load_folder (dir2, 1, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, ds_demo_total (&cfg));
  g_assert_cmpuint (ds->n_classes, ==, DS_DEMO_N_CLASSES);
  g_assert_cmpuint (ds->h, ==, 64);

  ds_store_remove_tree (dir);
  ds_store_remove_tree (dir2);
}

static void
test_write_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-demo-XXXXXX", &error);
  g_autofree char *blocker = NULL;
  g_autofree char *inside = NULL;
  DsDemoConfig cfg = small_config ();

  g_assert_no_error (error);

  g_assert_false (ds_demo_write (&cfg, dir, stop_progress_cb, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&error);

  /* a file where the tree should go */
  blocker = g_build_filename (dir, "file", NULL);
  g_assert_true (g_file_set_contents (blocker, "x", 1, &error));
  g_assert_no_error (error);
  inside = g_build_filename (blocker, "set", NULL);
  g_assert_false (ds_demo_write (&cfg, inside, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  g_clear_error (&error);

  cfg.size = 16;
  g_assert_false (ds_demo_write (&cfg, dir, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);

  ds_store_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/demo/config", test_config);
  g_test_add_func ("/engine/demo/describe", test_describe);
  g_test_add_func ("/engine/demo/deterministic", test_deterministic);
  g_test_add_func ("/engine/demo/seeds-differ", test_seeds_differ);
  g_test_add_func ("/engine/demo/masks", test_masks);
  g_test_add_func ("/engine/demo/statistics", test_statistics);
  g_test_add_func ("/engine/demo/sizes", test_sizes);
  g_test_add_func ("/engine/demo/write", test_write);
  g_test_add_func ("/engine/demo/write-errors", test_write_errors);

  return g_test_run ();
}
