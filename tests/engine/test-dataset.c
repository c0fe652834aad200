/* test-dataset.c: folder trees, opening splits, train/validation splits and batches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "data/ds-dataset.h"
#include "data/ds-png.h"
#include "ds-error.h"
#include "store/ds-store-files.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ds-test-dataset-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ds_store_remove_tree (f->dir);
  g_free (f->dir);
}

/* Writes an @h x @w gray (c = 1) or RGB (c = 3) PNG filled with @value at @root/@rel. */
static char *
write_image (const char *root,
             const char *rel,
             guint       c,
             guint       h,
             guint       w,
             guint8      value)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree guint8 *pixels = g_malloc ((gsize) c * h * w);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  memset (pixels, value, (gsize) c * h * w);
  g_assert_true (ds_png_save (path, pixels, c, h, w, &error));
  g_assert_no_error (error);

  return path;
}

static void
write_text (const char *root,
            const char *rel,
            const char *text)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* cat: 2 images, dog: 3 and a damaged one, eel: 1 (named in upper case); plus files that are
 * not images and hidden ones. */
static void
make_tree (const char *root)
{
  g_free (write_image (root, "cat/b.png", 1, 4, 4, 11));
  g_free (write_image (root, "cat/a.png", 1, 4, 4, 10));
  g_free (write_image (root, "dog/1.png", 1, 4, 4, 20));
  g_free (write_image (root, "dog/2.png", 1, 4, 4, 21));
  g_free (write_image (root, "dog/3.png", 1, 4, 4, 22));
  write_text (root, "dog/broken.png", "\x89PNG\r\n\x1a\nthis is not a PNG stream");
  g_free (write_image (root, "eel/E.PNG", 1, 4, 4, 30));
  g_free (write_image (root, "eel/.hidden.png", 1, 4, 4, 99));
  g_free (write_image (root, ".thumbnails/x.png", 1, 4, 4, 99));
  write_text (root, "eel/notes.txt", "not an image");
  write_text (root, "README", "top-level files are not classes");
}

static void
test_folder (Fixture       *f,
             gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DsDataset) ds = NULL;
  g_autofree char *broken = g_build_filename (f->dir, "dog", "broken.png", NULL);
  static const gint32 labels[6] = { 0, 0, 1, 1, 1, 2 };
  static const guint8 values[6] = { 10, 11, 20, 21, 22, 30 };

  make_tree (f->dir);
  ds = ds_dataset_load_folder (f->dir, 0, 0, 0, NULL, skipped, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ds->n, ==, 6);
  g_assert_cmpuint (ds->c, ==, 1);
  g_assert_cmpuint (ds->h, ==, 4);
  g_assert_cmpuint (ds->w, ==, 4);
  g_assert_cmpuint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[0], ==, "cat");
  g_assert_cmpstr (ds->class_names[1], ==, "dog");
  g_assert_cmpstr (ds->class_names[2], ==, "eel");
  g_assert_null (ds->class_names[3]);
  g_assert_cmpuint (g_strv_length (ds->paths), ==, 6);
  g_assert_true (g_str_has_suffix (ds->paths[0], "cat/a.png"));
  g_assert_true (g_str_has_suffix (ds->paths[5], "eel/E.PNG"));
  for (guint i = 0; i < 6; i++)
    {
      g_assert_cmpint (ds->labels[i], ==, labels[i]);
      g_assert_cmpuint (ds->pixels[i * 16], ==, values[i]);
      g_assert_cmpuint (ds->pixels[i * 16 + 15], ==, values[i]);
    }

  g_assert_cmpuint (skipped->len, ==, 1);
  g_test_message ("skipped: %s", (char *) skipped->pdata[0]);
  g_assert_true (g_str_has_prefix (skipped->pdata[0], broken));
  g_assert_nonnull (strstr (skipped->pdata[0], ": damaged PNG file"));
  /* The path is not repeated in the reason */
  g_assert_null (strstr ((char *) skipped->pdata[0] + strlen (broken), broken));

  /* Without a list to report them in, a damaged image fails the load */
  g_clear_pointer (&ds, ds_dataset_free);
  ds = ds_dataset_load_folder (f->dir, 0, 0, 0, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, broken));
}

static void
test_folder_shapes (Fixture       *f,
                    gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = NULL;
  g_autoptr(DsDataset) gray = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);

  /* The first image (by name) is RGB 6x8: the others are converted to it */
  g_free (write_image (f->dir, "a/1.png", 3, 6, 8, 90));
  g_free (write_image (f->dir, "a/2.png", 1, 3, 4, 60));
  g_free (write_image (f->dir, "b/1.png", 3, 12, 16, 30));

  ds = ds_dataset_load_folder (f->dir, 0, 0, 0, NULL, skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped->len, ==, 0);
  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_cmpuint (ds->c, ==, 3);
  g_assert_cmpuint (ds->h, ==, 6);
  g_assert_cmpuint (ds->w, ==, 8);
  for (guint i = 0; i < 3 * 6 * 8; i++)
    {
      g_assert_cmpuint (ds->pixels[i], ==, 90);
      g_assert_cmpuint (ds->pixels[144 + i], ==, 60);
      g_assert_cmpuint (ds->pixels[288 + i], ==, 30);
    }

  /* An explicit shape wins */
  gray = ds_dataset_load_folder (f->dir, 1, 2, 2, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gray->c, ==, 1);
  g_assert_cmpuint (gray->h, ==, 2);
  g_assert_cmpuint (gray->w, ==, 2);
  g_assert_cmpuint (gray->pixels[0], ==, 90);
  g_assert_cmpuint (gray->pixels[11], ==, 30);
}

static void
test_folder_empty (Fixture       *f,
                   gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty_class = g_build_filename (f->dir, "good", NULL);

  g_assert_cmpint (g_mkdir (empty_class, 0755), ==, 0);
  write_text (f->dir, "bad/readme.txt", "no images here");

  g_assert_null (ds_dataset_load_folder (f->dir, 0, 0, 0, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "no PNG images found under"));
  g_assert_nonnull (strstr (error->message, f->dir));
  g_clear_error (&error);

  /* A class folder without images is still a class */
  g_free (write_image (f->dir, "bad/x.png", 1, 2, 2, 1));
  {
    g_autoptr(DsDataset) ds = ds_dataset_load_folder (f->dir, 0, 0, 0, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (ds->n, ==, 1);
    g_assert_cmpuint (ds->n_classes, ==, 2);
    g_assert_cmpint (ds->labels[0], ==, 0);
  }
}

static void
test_train_test (Fixture       *f,
                 gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) train = NULL;
  g_autoptr(DsDataset) test = NULL;
  g_autoptr(DsDataset) alone = NULL;
  g_autofree char *flat = g_build_filename (f->dir, "flat", NULL);
  g_autofree char *stray = NULL;

  g_free (write_image (f->dir, "train/a/1.png", 1, 3, 3, 1));
  g_free (write_image (f->dir, "train/b/1.png", 1, 3, 3, 2));
  g_free (write_image (f->dir, "train/c/1.png", 1, 3, 3, 3));
  g_free (write_image (f->dir, "train/c/2.png", 1, 3, 3, 4));
  /* The test split has no "b": its "c" must still be class 2 */
  g_free (write_image (f->dir, "test/a/1.png", 1, 3, 3, 5));
  g_free (write_image (f->dir, "test/c/1.png", 1, 3, 3, 6));

  train = ds_dataset_open (f->dir, "train", 0, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->n, ==, 4);
  g_assert_cmpuint (train->n_classes, ==, 3);

  test = ds_dataset_open (f->dir, "test", train->c, train->h, train->w,
                          (const char * const *) train->class_names, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->n, ==, 2);
  g_assert_cmpuint (test->n_classes, ==, 3);
  g_assert_cmpstr (test->class_names[2], ==, "c");
  g_assert_cmpint (test->labels[0], ==, 0);
  g_assert_cmpint (test->labels[1], ==, 2);
  g_assert_cmpuint (test->pixels[9], ==, 6);

  /* Its own class list when none is given */
  g_clear_pointer (&test, ds_dataset_free);
  test = ds_dataset_open (f->dir, "test", 0, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->n_classes, ==, 2);
  g_assert_cmpint (test->labels[1], ==, 1);

  /* A class the training split never saw */
  stray = write_image (f->dir, "test/zebra/1.png", 1, 3, 3, 7);
  g_clear_pointer (&test, ds_dataset_free);
  test = ds_dataset_open (f->dir, "test", 0, 0, 0, (const char * const *) train->class_names,
                          NULL, &error);
  g_assert_null (test);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "zebra"));
  g_clear_error (&error);

  /* A bare class tree is the training split, and has no test split */
  g_free (write_image (flat, "x/1.png", 1, 3, 3, 1));
  g_free (write_image (flat, "y/1.png", 1, 3, 3, 2));
  alone = ds_dataset_open (flat, "train", 0, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alone->n, ==, 2);
  g_assert_null (ds_dataset_open (flat, "test", 0, 0, 0, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, flat));
}

/* Writes an IDX file of @n_dims sizes and payload bytes (i * 7 + seed) % 256; labels use
 * i % 10. */
static void
write_idx (const char    *path,
           gboolean       gzip,
           guint          n_dims,
           const guint32 *dims,
           guint8         seed)
{
  GByteArray *b = g_byte_array_new ();
  guint8 magic[4] = { 0, 0, 0x08, (guint8) n_dims };
  gsize n = 1;

  g_byte_array_append (b, magic, 4);
  for (guint i = 0; i < n_dims; i++)
    {
      guint8 be[4] = { dims[i] >> 24, dims[i] >> 16, dims[i] >> 8, dims[i] };

      g_byte_array_append (b, be, 4);
      n *= dims[i];
    }
  for (gsize i = 0; i < n; i++)
    {
      guint8 v = n_dims == 1 ? (guint8) (i % 10) : (guint8) (i * 7 + seed);

      g_byte_array_append (b, &v, 1);
    }

  if (gzip)
    {
      gzFile gz = gzopen (path, "wb");

      g_assert_cmpint (gzwrite (gz, b->data, b->len), ==, (int) b->len);
      g_assert_cmpint (gzclose (gz), ==, Z_OK);
    }
  else
    g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
  g_byte_array_unref (b);
}

static void
test_open_idx (Fixture       *f,
               gconstpointer  unused)
{
  const guint32 train_images[3] = { 30, 5, 4 };
  const guint32 train_labels[1] = { 30 };
  const guint32 test_images[3] = { 12, 5, 4 };
  const guint32 test_labels[1] = { 12 };
  g_autofree char *p1 = g_build_filename (f->dir, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *p2 = g_build_filename (f->dir, "train-labels-idx1-ubyte", NULL);
  g_autofree char *p3 = g_build_filename (f->dir, "t10k-images-idx3-ubyte", NULL);
  g_autofree char *p4 = g_build_filename (f->dir, "t10k-labels-idx1-ubyte.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) train = NULL;
  g_autoptr(DsDataset) test = NULL;

  write_idx (p1, TRUE, 3, train_images, 0);
  write_idx (p2, FALSE, 1, train_labels, 0);

  /* Only the training split so far */
  g_assert_null (ds_dataset_open (f->dir, "test", 0, 0, 0, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  write_idx (p3, FALSE, 3, test_images, 3);
  write_idx (p4, TRUE, 1, test_labels, 0);

  train = ds_dataset_open (f->dir, "train", 0, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->n, ==, 30);
  g_assert_cmpuint (train->c, ==, 1);
  g_assert_cmpuint (train->h, ==, 5);
  g_assert_cmpuint (train->w, ==, 4);
  g_assert_cmpuint (train->n_classes, ==, 10);
  g_assert_cmpuint (train->pixels[21], ==, 21 * 7);

  test = ds_dataset_open (f->dir, "test", 1, 5, 4, (const char * const *) train->class_names,
                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->n, ==, 12);
  g_assert_cmpuint (test->n_classes, ==, 10);
  g_assert_cmpint (test->labels[11], ==, 1);
  g_assert_cmpuint (test->pixels[0], ==, 3);

  /* IDX images are not resized */
  g_assert_null (ds_dataset_open (f->dir, "train", 1, 28, 28, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* test-… names work too, and half a pair is reported */
  g_assert_cmpint (g_unlink (p3), ==, 0);
  g_assert_cmpint (g_unlink (p4), ==, 0);
  g_clear_pointer (&p3, g_free);
  p3 = g_build_filename (f->dir, "test-images-idx3-ubyte", NULL);
  write_idx (p3, FALSE, 3, test_images, 3);
  g_assert_null (ds_dataset_open (f->dir, "test", 0, 0, 0, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "test-labels-idx1-ubyte"));
  g_clear_error (&error);
  g_clear_pointer (&p4, g_free);
  p4 = g_build_filename (f->dir, "test-labels-idx1-ubyte", NULL);
  write_idx (p4, FALSE, 1, test_labels, 0);
  g_clear_pointer (&test, ds_dataset_free);
  test = ds_dataset_open (f->dir, "test", 0, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->n, ==, 12);
}

static void
test_open_nothing (Fixture       *f,
                   gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);

  write_text (f->dir, "notes.txt", "nothing to learn from");
  g_assert_null (ds_dataset_open (f->dir, "train", 0, 0, 0, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->dir));
  g_assert_nonnull (strstr (error->message, "train-images-idx3-ubyte"));
  g_assert_nonnull (strstr (error->message, "<class>/*.png"));
  g_clear_error (&error);

  g_assert_null (ds_dataset_open (missing, "train", 0, 0, 0, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
}

static void
test_load_pngs (Fixture       *f,
                gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = NULL;

  g_free (write_image (f->dir, "b.png", 3, 2, 2, 2));
  g_free (write_image (f->dir, "a.png", 3, 2, 2, 1));
  g_free (write_image (f->dir, "sub/c.png", 3, 2, 2, 3));

  ds = ds_dataset_load_pngs (f->dir, 0, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (ds->c, ==, 3);
  g_assert_cmpuint (ds->n_classes, ==, 0);
  g_assert_nonnull (ds->class_names);
  g_assert_null (ds->class_names[0]);
  g_assert_cmpint (ds->labels[0], ==, -1);
  g_assert_cmpint (ds->labels[1], ==, -1);
  g_assert_cmpuint (ds->pixels[0], ==, 1);
  g_assert_cmpuint (ds->pixels[12], ==, 2);
  g_assert_true (g_str_has_suffix (ds->paths[1], "b.png"));
}

/* n samples of 1 x 2 x 3, sample i filled with i + 6 j at pixel j, label i % 4 */
static DsDataset *
make_dataset (guint n)
{
  DsDataset *ds = g_new0 (DsDataset, 1);

  ds->n = n;
  ds->c = 1;
  ds->h = 2;
  ds->w = 3;
  ds->pixels = g_new (guint8, n * 6);
  ds->labels = g_new (gint32, n);
  for (guint i = 0; i < n; i++)
    {
      for (guint j = 0; j < 6; j++)
        ds->pixels[i * 6 + j] = (guint8) (i + 6 * j);
      ds->labels[i] = (gint32) (i % 4);
    }
  ds->n_classes = 4;
  ds->class_names = g_strsplit ("0 1 2 3", " ", -1);

  return ds;
}

static void
test_split (void)
{
  g_autoptr(DsDataset) ds = make_dataset (100);
  g_autofree guint32 *train = NULL, *val = NULL, *train2 = NULL, *val2 = NULL;
  g_autofree guint32 *train3 = NULL, *val3 = NULL;
  guint n_train, n_val, n_train2, n_val2, n_train3, n_val3;
  gboolean seen[100] = { FALSE };
  DsRng rng;

  ds_rng_seed (&rng, 42);
  ds_dataset_split (ds, 0.2, &rng, &train, &n_train, &val, &n_val);
  g_assert_cmpuint (n_train, ==, 80);
  g_assert_cmpuint (n_val, ==, 20);
  for (guint i = 0; i < n_train; i++)
    seen[train[i]] = TRUE;
  for (guint i = 0; i < n_val; i++)
    {
      g_assert_false (seen[val[i]]);
      seen[val[i]] = TRUE;
    }
  for (guint i = 0; i < 100; i++)
    g_assert_true (seen[i]);

  /* The same seed gives the same split, another seed another one */
  ds_rng_seed (&rng, 42);
  ds_dataset_split (ds, 0.2, &rng, &train2, &n_train2, &val2, &n_val2);
  g_assert_cmpmem (train, n_train * 4, train2, n_train2 * 4);
  g_assert_cmpmem (val, n_val * 4, val2, n_val2 * 4);
  ds_rng_seed (&rng, 43);
  ds_dataset_split (ds, 0.2, &rng, &train3, &n_train3, &val3, &n_val3);
  g_assert_cmpuint (n_val3, ==, 20);
  g_assert_true (memcmp (val, val3, 20 * 4) != 0);

  g_clear_pointer (&train2, g_free);
  g_clear_pointer (&val2, g_free);
  ds_dataset_split (ds, 0.0, &rng, &train2, &n_train2, &val2, &n_val2);
  g_assert_cmpuint (n_train2, ==, 100);
  g_assert_cmpuint (n_val2, ==, 0);
}

static void
test_batch (void)
{
  g_autoptr(DsDataset) ds = make_dataset (10);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  const guint32 idx[3] = { 7, 0, 9 };
  gint32 labels[3];

  ds->pixels[0] = 255;
  ds_dataset_fill_batch (ds, idx, 3, NULL, NULL, x, labels);
  g_assert_true (ds_shape_equal (&x->shape, &DS_SHAPE (3, 1, 2, 3)));
  g_assert_cmpint (labels[0], ==, 3);
  g_assert_cmpint (labels[1], ==, 0);
  g_assert_cmpint (labels[2], ==, 1);
  g_assert_cmpfloat (x->data[0], ==, 7 / 255.0f);
  g_assert_cmpfloat (x->data[5], ==, (7 + 30) / 255.0f);
  g_assert_cmpfloat (x->data[6], ==, 1.0f);
  g_assert_cmpfloat (x->data[7], ==, 6 / 255.0f);
  g_assert_cmpfloat (x->data[17], ==, (9 + 30) / 255.0f);
}

static void
test_batch_augment_determinism (void)
{
  g_autoptr(DsDataset) ds = make_dataset (10);
  g_autoptr(DsTensor) a = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) b = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  const DsAugment aug = { .max_shift = 1, .hflip = TRUE, .vflip = TRUE };
  guint32 idx[10];
  DsRng r1, r2;

  for (guint i = 0; i < 10; i++)
    idx[i] = i;
  ds_rng_seed (&r1, 7);
  ds_rng_seed (&r2, 7);
  for (guint round = 0; round < 5; round++)
    {
      ds_dataset_fill_batch (ds, idx, 10, &aug, &r1, a, NULL);
      ds_dataset_fill_batch (ds, idx, 10, &aug, &r2, b, NULL);
      g_assert_cmpmem (a->data, 60 * sizeof (float), b->data, 60 * sizeof (float));
    }
}

static void
test_batch_flip (void)
{
  g_autoptr(DsDataset) ds = make_dataset (1);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  const DsAugment aug = { .hflip = TRUE };
  const guint32 idx[1] = { 0 };
  guint n_identity = 0, n_mirror = 0;
  DsRng rng;

  ds_rng_seed (&rng, 1);
  for (guint round = 0; round < 64; round++)
    {
      gboolean identity = TRUE, mirror = TRUE;

      ds_dataset_fill_batch (ds, idx, 1, &aug, &rng, x, NULL);
      for (guint y = 0; y < 2; y++)
        for (guint xx = 0; xx < 3; xx++)
          {
            float v = x->data[y * 3 + xx];

            identity &= v == ds->pixels[y * 3 + xx] / 255.0f;
            mirror &= v == ds->pixels[y * 3 + 2 - xx] / 255.0f;
          }
      g_assert_true (identity || mirror);
      n_identity += identity;
      n_mirror += mirror;
    }
  /* Probability one half each: 64 draws see both */
  g_assert_cmpuint (n_identity, >, 0);
  g_assert_cmpuint (n_mirror, >, 0);
}

static void
test_batch_shift (void)
{
  g_autoptr(DsDataset) ds = g_new0 (DsDataset, 1);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  const DsAugment aug = { .max_shift = 1 };
  const guint32 idx[1] = { 0 };
  gboolean reached[3][3] = { { FALSE } };
  DsRng rng;

  /* One bright pixel in the middle of 5 x 5: a shift moves it, and only it, by at most 1 */
  ds->n = 1;
  ds->c = 1;
  ds->h = 5;
  ds->w = 5;
  ds->pixels = g_new0 (guint8, 25);
  ds->pixels[2 * 5 + 2] = 255;
  ds->labels = g_new0 (gint32, 1);

  ds_rng_seed (&rng, 3);
  for (guint round = 0; round < 200; round++)
    {
      guint n_lit = 0;

      ds_dataset_fill_batch (ds, idx, 1, &aug, &rng, x, NULL);
      for (guint y = 0; y < 5; y++)
        for (guint xx = 0; xx < 5; xx++)
          {
            float v = x->data[y * 5 + xx];

            if (v == 0.0f)
              continue;
            g_assert_cmpfloat (v, ==, 1.0f);
            g_assert_cmpuint (y, >=, 1);
            g_assert_cmpuint (y, <=, 3);
            g_assert_cmpuint (xx, >=, 1);
            g_assert_cmpuint (xx, <=, 3);
            reached[y - 1][xx - 1] = TRUE;
            n_lit++;
          }
      g_assert_cmpuint (n_lit, ==, 1);
    }
  for (guint i = 0; i < 9; i++)
    g_assert_true (reached[i / 3][i % 3]);

  /* A corner pixel falls off the image for some shifts: zero fill, nothing wraps around */
  memset (ds->pixels, 0, 25);
  ds->pixels[0] = 255;
  {
    guint n_empty = 0;

    for (guint round = 0; round < 100; round++)
      {
        float sum = 0.0f;

        ds_dataset_fill_batch (ds, idx, 1, &aug, &rng, x, NULL);
        for (guint i = 0; i < 25; i++)
          sum += x->data[i];
        g_assert_true (sum == 0.0f || sum == 1.0f);
        if (sum == 1.0f)
          g_assert_true (x->data[0] == 1.0f || x->data[1] == 1.0f || x->data[5] == 1.0f
                         || x->data[6] == 1.0f);
        n_empty += sum == 0.0f;
      }
    g_assert_cmpuint (n_empty, >, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/engine/dataset/folder", test_folder);
  ADD ("/engine/dataset/folder-shapes", test_folder_shapes);
  ADD ("/engine/dataset/folder-empty", test_folder_empty);
  ADD ("/engine/dataset/train-test", test_train_test);
  ADD ("/engine/dataset/open-idx", test_open_idx);
  ADD ("/engine/dataset/open-nothing", test_open_nothing);
  ADD ("/engine/dataset/load-pngs", test_load_pngs);

#undef ADD

  g_test_add_func ("/engine/dataset/split", test_split);
  g_test_add_func ("/engine/dataset/batch", test_batch);
  g_test_add_func ("/engine/dataset/batch-augment-determinism", test_batch_augment_determinism);
  g_test_add_func ("/engine/dataset/batch-flip", test_batch_flip);
  g_test_add_func ("/engine/dataset/batch-shift", test_batch_shift);

  return g_test_run ();
}
