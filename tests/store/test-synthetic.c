/* test-synthetic.c: synthetic images added in one step, kept out of training data unless asked,
 * and removed in one step, rows and files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store-test-utils.h"

#define N_REAL 4

typedef struct
{
  char      *tmp;
  char      *folder;
  DsProject *project;
  gint64     real[N_REAL];
  gint64     good, crack;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = NULL;

  f->tmp = test_make_tmp ("ds-test-synthetic-XXXXXX");
  f->folder = g_build_filename (f->tmp, "project", NULL);
  f->project = ds_project_create (f->folder, &error);
  g_assert_no_error (error);
  f->good = ds_project_add_class (f->project, "good", 0x00ff00, &error);
  g_assert_no_error (error);
  f->crack = ds_project_add_class (f->project, "crack", 0xff0000, &error);
  g_assert_no_error (error);
  images = g_build_filename (f->folder, "images", NULL);
  for (guint i = 0; i < N_REAL; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.png", i);
      g_autofree char *path = test_write_png (images, name, 1, 4, 4, i);

      f->real[i] = ds_project_add_image (f->project, path, 4, 4, 1, DS_SPLIT_NONE,
                                         DS_IMAGE_SOURCE_IMPORT, NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_true (ds_project_set_labels (f->project, f->real, N_REAL, f->good, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->project, ds_project_close);
  test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->folder);
}

/* @n synthetic 4×4 images of @class_id; returns their ids */
static gint64 *
add (Fixture *f,
     guint    n,
     gint64   class_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_new (guint8, (gsize) n * 16);
  gint64 *ids = NULL;

  for (guint i = 0; i < n * 16; i++)
    pixels[i] = (guint8) (i * 13);
  g_assert_true (ds_project_add_synthetic (f->project, pixels, n, 1, 4, 4, class_id, "gan crack",
                                           &ids, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ids);
  return ids;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_add (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *ids = add (f, 5, f->crack);
  g_autofree char *dir = g_build_filename (f->folder, "images", "synthetic", NULL);
  g_autofree guint8 *back = NULL;
  guint h, w;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(DsImageInfo) info = ds_project_get_image (f->project, ids[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (info->source, ==, DS_IMAGE_SOURCE_SYNTHETIC);
      g_assert_cmpint (info->class_id, ==, f->crack);
      g_assert_cmpint (info->labelled_at, >, 0);
      g_assert_cmpint (info->split, ==, DS_SPLIT_NONE);
      g_assert_true (g_str_has_prefix (info->path, "images/synthetic/gan_crack-"));
      g_assert_true (g_file_test (info->abs_path, G_FILE_TEST_IS_REGULAR));
      /* the pixels as given */
      back = ds_png_load (info->abs_path, 1, 0, 0, &h, &w, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (h * w, ==, 16);
      for (guint j = 0; j < 16; j++)
        g_assert_cmpuint (back[j], ==, (guint8) ((i * 16 + j) * 13));
      g_clear_pointer (&back, g_free);
    }
  g_assert_cmpuint (count_files (dir), ==, 5);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL), ==, 5);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_CLASS, f->crack, NULL),
                   ==, 5);
  /* labelling them was no undo step: undo takes back the real images' labels */
  g_assert_true (ds_project_undo (f->project, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_CLASS, f->crack, NULL),
                   ==, 5);

  /* a second batch of the same name gets names of its own */
  g_free (add (f, 2, f->crack));
  g_assert_cmpuint (count_files (dir), ==, 7);
}

static void
test_add_unknown_class (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->folder, "images", "synthetic", NULL);
  guint8 pixels[3 * 16] = { 0 };
  gint64 *ids = NULL;

  /* nothing is added, and no file is left behind */
  g_assert_false (ds_project_add_synthetic (f->project, pixels, 3, 1, 4, 4, f->crack + 100, NULL,
                                            &ids, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_null (ids);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL), ==, 0);
  g_assert_cmpuint (count_files (dir), ==, 0);
}

static void
test_load_leaves_out (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) without = NULL;
  g_autoptr(DsDataset) with = NULL;

  g_free (add (f, 3, f->crack));
  without = ds_project_load_dataset (f->project, 0, 0, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (without->n, ==, N_REAL);
  with = ds_project_load_dataset (f->project, 0, 0, 0, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (with->n, ==, N_REAL + 3);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->folder, "images", "synthetic", NULL);
  g_autofree gint64 *cracks = add (f, 4, f->crack);
  g_autofree gint64 *goods = add (f, 2, f->good);
  g_autofree char *kept = NULL;
  guint n = 99;

  /* one class's */
  g_assert_true (ds_project_remove_synthetic (f->project, f->good, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL), ==, 4);
  g_assert_cmpuint (count_files (dir), ==, 4);

  /* everything synthetic, and only that; it holds after reopening */
  g_assert_true (ds_project_remove_synthetic (f->project, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_clear_pointer (&f->project, ds_project_close);
  f->project = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL), ==, 0);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, N_REAL);
  g_assert_cmpuint (count_files (dir), ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(DsImageInfo) info = ds_project_get_image (f->project, cracks[i], &error);

      g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  /* nothing left: still fine */
  g_assert_true (ds_project_remove_synthetic (f->project, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) ro = NULL;
  guint8 pixels[16] = { 0 };

  g_free (add (f, 1, f->crack));
  ro = ds_project_open (f->folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_false (ds_project_add_synthetic (ro, pixels, 1, 1, 4, 4, f->crack, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (ds_project_remove_synthetic (ro, 0, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/synthetic/add", test_add);
  ADD ("/store/synthetic/add-unknown-class", test_add_unknown_class);
  ADD ("/store/synthetic/load-leaves-out", test_load_leaves_out);
  ADD ("/store/synthetic/remove", test_remove);
  ADD ("/store/synthetic/read-only", test_read_only);
#undef ADD

  return g_test_run ();
}
