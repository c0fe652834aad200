/* test-import.c: the four import layouts, their detection, hostile files and cancelling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <zlib.h>

#include "store/ds-project-import.h"
#include "store-test-utils.h"

typedef struct
{
  char      *tmp;
  char      *src;        /* tmp/src: trees to import */
  char      *folder;     /* tmp/project */
  DsProject *project;
  GPtrArray *skipped;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = test_make_tmp ("ds-test-import-XXXXXX");
  f->src = g_build_filename (f->tmp, "src", NULL);
  f->folder = g_build_filename (f->tmp, "project", NULL);
  g_assert_cmpint (g_mkdir (f->src, 0755), ==, 0);
  f->project = ds_project_create (f->folder, &error);
  g_assert_no_error (error);
  f->skipped = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->project, ds_project_close);
  g_ptr_array_unref (f->skipped);
  test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->src);
  g_free (f->folder);
}

static void
log_skipped (Fixture *f)
{
  for (guint i = 0; i < f->skipped->len; i++)
    g_test_message ("skipped: %s", (const char *) f->skipped->pdata[i]);
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* A PNG whose IHDR claims @width x @height, with correct CRCs and no image data. */
static char *
write_huge_ihdr (const char *dir,
                 const char *name,
                 guint32     width,
                 guint32     height)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 file[8 + 25 + 12];

  memcpy (file, sig, 8);
  put_be32 (file + 8, 13);
  memcpy (file + 12, "IHDR", 4);
  put_be32 (file + 16, width);
  put_be32 (file + 20, height);
  file[24] = 8;   /* bit depth */
  file[25] = 0;   /* gray */
  file[26] = file[27] = file[28] = 0;
  put_be32 (file + 29, crc32 (0, file + 12, 17));
  put_be32 (file + 33, 0);
  memcpy (file + 37, "IEND", 4);
  put_be32 (file + 41, crc32 (0, file + 37, 4));

  return test_write_file (dir, name, file, sizeof file);
}

/* Every flavour of bad file in @dir; returns how many there are. */
static guint
write_hostile (const char *dir)
{
  g_autofree char *good = test_write_png (dir, "tmp-good.png", 1, 16, 16, 9);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_cmpint (g_unlink (good), ==, 0);
  g_free (test_write_file (dir, "text.png", "this is not a PNG\n", 18));
  g_free (test_write_file (dir, "truncated.png", contents, len / 2));
  g_free (test_write_file (dir, "empty.png", "", 0));
  g_free (write_huge_ihdr (dir, "huge.png", 1000000, 1000000));
  contents[len - 20] ^= 0x55;   /* inside IDAT: CRC mismatch */
  g_free (test_write_file (dir, "damaged.png", contents, len));
  g_free (test_write_file (dir, "notes.txt", "notes", 5));

  return 6;
}

static void
assert_hostile_skipped (Fixture    *f,
                        const char *dir)
{
  static const char * const expect[][2] = {
    { "text.png", "not a PNG file" },
    { "truncated.png", "damaged PNG file" },
    { "empty.png", "not a PNG file" },
    { "huge.png", "too large" },
    { "damaged.png", "damaged PNG file" },
    { "notes.txt", "not a PNG file" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_autofree char *path = g_build_filename (dir, expect[i][0], NULL);

      if (!test_skipped_mentions (f->skipped, path, expect[i][1]))
        g_error ("%s should be skipped because \"%s\"", path, expect[i][1]);
    }
}

typedef struct
{
  guint    calls;
  guint    last_done;
  guint    total;
  gboolean ended;
  guint    stop_at;          /* return FALSE when done reaches it; 0 never */
  DsProject *other;          /* labels an imported image from another handle meanwhile */
  gint64   other_class;
  gboolean other_labelled;
} Progress;

static gboolean
progress_cb (guint       done,
             guint       total,
             const char *current_path,
             gpointer    user_data)
{
  Progress *p = user_data;

  g_assert_false (p->ended);
  if (p->calls > 0)
    {
      g_assert_cmpuint (total, ==, p->total);
      g_assert_cmpuint (done, >=, p->last_done);
    }
  p->calls++;
  p->total = total;
  p->last_done = done;
  if (current_path == NULL)
    {
      g_assert_cmpuint (done, ==, total);
      p->ended = TRUE;
      return TRUE;
    }

  if (p->other != NULL && done == DS_IMPORT_BATCH + 10 && !p->other_labelled)
    {
      g_autoptr(GError) error = NULL;
      gint64 first = 1;

      /* the first batch is committed: another handle can label while the import runs */
      g_assert_true (ds_project_set_labels (p->other, &first, 1, p->other_class, &error));
      g_assert_no_error (error);
      p->other_labelled = TRUE;
    }

  return p->stop_at == 0 || done < p->stop_at;
}

static DsImageInfo *
find_image (Fixture    *f,
            const char *path_suffix)
{
  g_autoptr(GArray) ids = ds_project_list_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      DsImageInfo *info = ds_project_get_image (f->project, g_array_index (ids, gint64, i), NULL);

      if (g_str_has_suffix (info->path, path_suffix))
        return info;
      ds_image_info_free (info);
    }
  g_error ("no image whose path ends with %s", path_suffix);
  return NULL;
}

static gint64
class_id (Fixture    *f,
          const char *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = ds_project_find_class (f->project, name, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
assert_class_order (Fixture            *f,
                    const char * const *names)
{
  g_autoptr(GPtrArray) classes = ds_project_list_classes (f->project, NULL);

  g_assert_cmpuint (classes->len, ==, g_strv_length ((char **) names));
  for (guint i = 0; i < classes->len; i++)
    g_assert_cmpstr (((DsClassInfo *) classes->pdata[i])->name, ==, names[i]);
}

static void
test_files (Fixture       *f,
            gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsImageInfo) info = NULL;
  g_autofree char *in = g_build_filename (f->src, "parts", NULL);
  g_autofree char *a = test_write_png (in, "a.png", 1, 10, 12, 1);
  g_autofree char *b = test_write_png (in, "sub/b.PNG", 3, 5, 6, 2);
  g_autofree char *loose = test_write_png (f->src, "loose.png", 1, 4, 4, 3);
  g_autofree char *hidden = test_write_png (in, ".hidden.png", 1, 4, 4, 4);
  g_autofree char *copy_a = NULL;
  g_autofree guint8 *px = NULL;
  g_autofree guint8 *expect = test_pattern (1, 10, 12, 1);
  Progress progress = { 0 };
  guint n_bad = write_hostile (in);
  guint n = 0;

  g_assert_true (ds_project_import (f->project, in, DS_IMPORT_LAYOUT_UNKNOWN, progress_cb,
                                    &progress, f->skipped, &n, &error));
  g_assert_no_error (error);
  log_skipped (f);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (f->skipped->len, ==, n_bad);
  assert_hostile_skipped (f, in);
  g_assert_true (progress.ended);
  g_assert_cmpuint (progress.total, ==, 2 + n_bad);
  g_assert_cmpuint (progress.calls, ==, 2 + n_bad + 1);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_UNLABELLED, 0, NULL), ==,
                   2);

  /* copied under images/<folder name>/, structure kept, original recorded */
  info = find_image (f, "/b.PNG");
  g_assert_cmpstr (info->path, ==, "images/parts/sub/b.PNG");
  g_assert_cmpstr (info->original_path, ==, b);
  g_assert_cmpuint (info->channels, ==, 3);
  g_assert_cmpuint (info->width, ==, 6);
  g_assert_cmpuint (info->height, ==, 5);
  g_assert_cmpint (info->split, ==, DS_SPLIT_NONE);
  g_assert_cmpint (info->source, ==, DS_IMAGE_SOURCE_IMPORT);
  g_clear_pointer (&info, ds_image_info_free);
  info = find_image (f, "/a.png");
  g_assert_cmpstr (info->path, ==, "images/parts/a.png");
  px = ds_png_load (info->abs_path, 1, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (px, 120, expect, 120);
  g_clear_pointer (&info, ds_image_info_free);

  /* the project holds its own copy: the original can go */
  g_assert_cmpint (g_unlink (a), ==, 0);
  info = find_image (f, "/a.png");
  g_assert_true (g_file_test (info->abs_path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&info, ds_image_info_free);

  /* importing again: a new folder, nothing overwritten; a list of files and folders too */
  {
    const char *paths[] = { in, loose, "/nonexistent/file.png", NULL };

    g_ptr_array_set_size (f->skipped, 0);
    g_assert_true (ds_project_import_files (f->project, paths, NULL, NULL, f->skipped, &n,
                                            &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 2);
    g_assert_true (test_skipped_mentions (f->skipped, "/nonexistent/file.png", "no such"));
    info = find_image (f, "/loose.png");
    g_assert_cmpstr (info->path, ==, "images/src/loose.png");
    g_clear_pointer (&info, ds_image_info_free);
    info = find_image (f, "images/src/parts/sub/b.PNG");
    g_clear_pointer (&info, ds_image_info_free);
  }
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, 4);

  /* nothing importable: the empty folder made for it is gone again */
  {
    g_autofree char *empty = g_build_filename (f->src, "nothing", NULL);
    g_autofree char *made = g_build_filename (f->folder, "images", "nothing", NULL);

    g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
    g_free (test_write_file (empty, "x.png", "x", 1));
    g_assert_true (ds_project_import (f->project, empty, DS_IMPORT_LAYOUT_FILES, NULL, NULL,
                                      NULL, &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 0);
    g_assert_false (g_file_test (made, G_FILE_TEST_EXISTS));
  }
  (void) hidden;
}

static void
test_class_folders (Fixture       *f,
                    gconstpointer  unused)
{
  static const char * const order[] = { "alpha", "beta", NULL };
  static const char * const order_split[] = { "alpha", "beta", "gamma", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsImageInfo) info = NULL;
  g_autofree char *flat = g_build_filename (f->src, "flat", NULL);
  g_autofree char *split = g_build_filename (f->src, "split", NULL);
  g_autofree char *readme = NULL;
  g_autofree char *bad = NULL;
  guint n = 0;

  g_free (test_write_png (flat, "beta/0.png", 1, 4, 4, 1));
  g_free (test_write_png (flat, "alpha/0.png", 1, 4, 4, 2));
  g_free (test_write_png (flat, "alpha/1.png", 3, 4, 4, 3));
  g_free (test_write_png (flat, "beta/deeper/2.png", 1, 4, 4, 4));
  readme = test_write_file (flat, "README.txt", "hi", 2);
  bad = test_write_file (flat, "alpha/bad.png", "nope", 4);

  g_assert_cmpint (ds_import_detect_layout (flat), ==, DS_IMPORT_LAYOUT_CLASS_FOLDERS);
  g_assert_true (ds_project_import (f->project, flat, DS_IMPORT_LAYOUT_UNKNOWN, NULL, NULL,
                                    f->skipped, &n, &error));
  g_assert_no_error (error);
  log_skipped (f);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (f->skipped->len, ==, 2);
  g_assert_true (test_skipped_mentions (f->skipped, readme, "not inside a class folder"));
  g_assert_true (test_skipped_mentions (f->skipped, bad, "not a PNG file"));
  assert_class_order (f, order);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_CLASS,
                                            class_id (f, "alpha"), NULL), ==, 2);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_CLASS,
                                            class_id (f, "beta"), NULL), ==, 2);
  info = find_image (f, "beta/deeper/2.png");
  g_assert_cmpint (info->class_id, ==, class_id (f, "beta"));
  g_assert_cmpint (info->split, ==, DS_SPLIT_NONE);
  g_assert_cmpint (info->labelled_at, >, 0);
  g_clear_pointer (&info, ds_image_info_free);
  /* import labels are not undo steps */
  g_assert_false (ds_project_can_undo (f->project));

  /* with train/ and test/: existing classes are reused, new ones added */
  g_ptr_array_set_size (f->skipped, 0);
  g_free (test_write_png (split, "train/alpha/0.png", 1, 4, 4, 5));
  g_free (test_write_png (split, "train/beta/0.png", 1, 4, 4, 6));
  g_free (test_write_png (split, "test/alpha/0.png", 1, 4, 4, 7));
  g_free (test_write_png (split, "test/gamma/0.png", 1, 4, 4, 8));
  g_assert_cmpint (ds_import_detect_layout (split), ==, DS_IMPORT_LAYOUT_CLASS_FOLDERS);
  g_assert_true (ds_project_import_class_folders (f->project, split, NULL, NULL, f->skipped, &n,
                                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (f->skipped->len, ==, 0);
  assert_class_order (f, order_split);
  info = find_image (f, "split/test/gamma/0.png");
  g_assert_cmpint (info->class_id, ==, class_id (f, "gamma"));
  g_assert_cmpint (info->split, ==, DS_SPLIT_TEST);
  g_clear_pointer (&info, ds_image_info_free);
  info = find_image (f, "split/train/alpha/0.png");
  g_assert_cmpint (info->class_id, ==, class_id (f, "alpha"));
  g_assert_cmpint (info->split, ==, DS_SPLIT_TRAIN);
}

static void
test_mvtec (Fixture       *f,
            gconstpointer  unused)
{
  static const char * const order[] = { "good", "crack", "hole", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsImageInfo) info = NULL;
  g_autofree char *root = g_build_filename (f->src, "bottle", NULL);
  g_autofree char *wrong_mask = NULL;
  g_autofree guint8 *mask_px = NULL;
  g_autofree guint8 *expect = test_pattern (1, 8, 8, 21);
  guint n = 0;

  g_free (test_write_png (root, "train/good/000.png", 3, 8, 8, 1));
  g_free (test_write_png (root, "train/good/001.png", 3, 8, 8, 2));
  g_free (test_write_png (root, "test/good/000.png", 3, 8, 8, 3));
  g_free (test_write_png (root, "test/crack/000.png", 3, 8, 8, 4));
  g_free (test_write_png (root, "test/crack/001.png", 3, 8, 8, 5));
  g_free (test_write_png (root, "test/hole/000.png", 3, 8, 8, 6));
  g_free (test_write_file (root, "test/hole/001.png", "broken", 6));
  g_free (test_write_png (root, "ground_truth/crack/000_mask.png", 1, 8, 8, 21));
  wrong_mask = test_write_png (root, "ground_truth/crack/001_mask.png", 1, 4, 4, 22);
  g_free (test_write_png (root, "ground_truth/hole/000_mask.png", 1, 8, 8, 23));
  g_free (test_write_png (root, "ground_truth/hole/001_mask.png", 1, 8, 8, 24));
  g_free (test_write_file (root, "license.txt", "CC BY-NC-SA 4.0", 15));

  g_assert_cmpint (ds_import_detect_layout (root), ==, DS_IMPORT_LAYOUT_MVTEC);
  g_assert_true (ds_project_import (f->project, root, DS_IMPORT_LAYOUT_UNKNOWN, NULL, NULL,
                                    f->skipped, &n, &error));
  g_assert_no_error (error);
  log_skipped (f);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpuint (f->skipped->len, ==, 2);
  g_assert_true (test_skipped_mentions (f->skipped, wrong_mask, "the mask is 4×4 pixels"));
  assert_class_order (f, order);

  info = find_image (f, "bottle/test/crack/000.png");
  g_assert_cmpint (info->class_id, ==, class_id (f, "crack"));
  g_assert_cmpint (info->split, ==, DS_SPLIT_TEST);
  g_assert_cmpstr (info->mask_path, ==, "images/bottle/ground_truth/crack/000_mask.png");
  mask_px = ds_png_load (info->abs_mask_path, 1, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (mask_px, 64, expect, 64);
  g_clear_pointer (&info, ds_image_info_free);

  info = find_image (f, "bottle/test/crack/001.png");
  g_assert_null (info->mask_path);
  g_clear_pointer (&info, ds_image_info_free);
  info = find_image (f, "bottle/test/hole/000.png");
  g_assert_cmpstr (info->mask_path, ==, "images/bottle/ground_truth/hole/000_mask.png");
  g_clear_pointer (&info, ds_image_info_free);
  info = find_image (f, "bottle/test/good/000.png");
  g_assert_cmpint (info->class_id, ==, class_id (f, "good"));
  g_assert_null (info->mask_path);
  g_clear_pointer (&info, ds_image_info_free);
  info = find_image (f, "bottle/train/good/001.png");
  g_assert_cmpint (info->split, ==, DS_SPLIT_TRAIN);
  g_assert_cmpuint (info->channels, ==, 3);
  g_clear_pointer (&info, ds_image_info_free);

  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_CLASS,
                                            class_id (f, "good"), NULL), ==, 3);
}

/* An IDX file of unsigned bytes: magic 0x0000 08 <ndims>, sizes, data; gzip when @gz. */
static char *
write_idx (const char   *dir,
           const char   *name,
           const guint32 *dims,
           guint         n_dims,
           const guint8 *data,
           gsize         len,
           gboolean      gz)
{
  char *path = g_build_filename (dir, name, NULL);
  guint8 header[4 + 4 * 3];
  gsize header_len = 4 + 4 * n_dims;

  header[0] = header[1] = 0;
  header[2] = 0x08;
  header[3] = (guint8) n_dims;
  for (guint i = 0; i < n_dims; i++)
    put_be32 (header + 4 + 4 * i, dims[i]);

  if (gz)
    {
      gzFile out = gzopen (path, "wb");

      g_assert_nonnull (out);
      g_assert_cmpint (gzwrite (out, header, header_len), ==, (int) header_len);
      g_assert_cmpint (gzwrite (out, data, len), ==, (int) len);
      g_assert_cmpint (gzclose (out), ==, Z_OK);
    }
  else
    {
      g_autofree guint8 *all = g_malloc (header_len + len);

      memcpy (all, header, header_len);
      memcpy (all + header_len, data, len);
      g_free (test_write_file (dir, name, all, header_len + len));
    }
  return path;
}

static void
write_idx_pair (const char *dir,
                const char *prefix,
                guint       n,
                guint       seed,
                gboolean    gz)
{
  guint32 idims[3] = { n, 5, 4 };
  guint32 ldims[1] = { n };
  g_autofree guint8 *pixels = test_pattern (1, n * 5, 4, seed);
  g_autofree guint8 *labels = g_malloc (n);
  g_autofree char *images = g_strconcat (prefix, gz ? "-images-idx3-ubyte.gz"
                                                    : "-images-idx3-ubyte", NULL);
  g_autofree char *labels_name = g_strconcat (prefix, "-labels-idx1-ubyte", NULL);

  for (guint i = 0; i < n; i++)
    labels[i] = (guint8) ((i + seed) % 3);
  g_free (write_idx (dir, images, idims, 3, pixels, (gsize) n * 20, gz));
  g_free (write_idx (dir, labels_name, ldims, 1, labels, n, FALSE));
}

static void
test_idx (Fixture       *f,
          gconstpointer  unused)
{
  static const char * const digits[] = { "0", "1", "2", NULL };
  static const char * const named[] = { "ok", "scratch", "dent", "spare", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsImageInfo) info = NULL;
  g_autofree char *dir = g_build_filename (f->src, "mini-mnist", NULL);
  g_autofree char *train = NULL;
  g_autofree char *alone = g_build_filename (f->src, "alone", NULL);
  g_autofree guint8 *expect = test_pattern (1, 13 * 5, 4, 1);
  g_autofree guint8 *px = NULL;
  guint n = 0;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  write_idx_pair (dir, "train", 13, 1, TRUE);
  write_idx_pair (dir, "t10k", 7, 2, FALSE);
  train = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);

  g_assert_cmpint (ds_import_detect_layout (dir), ==, DS_IMPORT_LAYOUT_IDX);
  g_assert_cmpint (ds_import_detect_layout (train), ==, DS_IMPORT_LAYOUT_IDX);
  g_assert_true (ds_project_import (f->project, dir, DS_IMPORT_LAYOUT_UNKNOWN, NULL, NULL,
                                    f->skipped, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 20);
  g_assert_cmpuint (f->skipped->len, ==, 0);
  assert_class_order (f, digits);

  /* sample 6 of the training set: label (6 + 1) % 3, its pixels unchanged */
  info = find_image (f, "mini-mnist/train/00006.png");
  g_assert_cmpint (info->class_id, ==, class_id (f, "1"));
  g_assert_cmpint (info->split, ==, DS_SPLIT_TRAIN);
  g_assert_true (g_str_has_suffix (info->original_path, "train-images-idx3-ubyte.gz#6"));
  g_assert_cmpuint (info->width, ==, 4);
  g_assert_cmpuint (info->height, ==, 5);
  px = ds_png_load (info->abs_path, 1, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (px, 20, expect + 6 * 20, 20);
  g_clear_pointer (&info, ds_image_info_free);
  info = find_image (f, "mini-mnist/test/00006.png");
  g_assert_cmpint (info->split, ==, DS_SPLIT_TEST);
  g_assert_cmpint (info->class_id, ==, class_id (f, "2"));
  g_clear_pointer (&info, ds_image_info_free);

  /* a pair of another name, with class names; too few names is refused first */
  g_assert_cmpint (g_mkdir (alone, 0755), ==, 0);
  write_idx_pair (alone, "parts", 4, 0, FALSE);
  {
    g_autofree char *images = g_build_filename (alone, "parts-images-idx3-ubyte", NULL);
    const char *two[] = { "a", "b", NULL };

    g_assert_false (ds_project_import_idx (f->project, images, NULL, two, NULL, NULL, NULL, &n,
                                           &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_assert_true (ds_project_import_idx (f->project, images, NULL, named, NULL, NULL, NULL, &n,
                                          &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 4);
    info = find_image (f, "alone/images/00002.png");
    g_assert_cmpint (info->class_id, ==, class_id (f, "dent"));
    g_assert_cmpint (info->split, ==, DS_SPLIT_NONE);
    g_clear_pointer (&info, ds_image_info_free);
    g_assert_cmpint (ds_project_find_class (f->project, "spare", NULL), >, 0);
  }

  /* labels 0, 5, 5, 0: classes 1 to 4 hold no image, which is imported but noted; a label
   * file of one class only is refused before anything is written */
  {
    g_autofree char *sparse = g_build_filename (f->src, "sparse", NULL);
    g_autofree char *images = g_build_filename (sparse, "parts-images-idx3-ubyte", NULL);
    g_autofree char *labels = g_build_filename (sparse, "parts-labels-idx1-ubyte", NULL);
    gint64 before;

    g_assert_cmpint (g_mkdir (sparse, 0755), ==, 0);
    write_idx_pair (sparse, "parts", 4, 0, FALSE);
    g_free (test_write_file (sparse, "parts-labels-idx1-ubyte",
                             "\0\0\x08\x01\0\0\0\x04\x00\x05\x05\x00", 12));
    g_assert_cmpuint (f->skipped->len, ==, 0);
    g_assert_true (ds_project_import_idx (f->project, images, NULL, NULL, NULL, NULL, f->skipped,
                                          &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 4);
    g_assert_cmpuint (f->skipped->len, ==, 1);
    g_assert_true (g_str_has_prefix (g_ptr_array_index (f->skipped, 0), labels));
    g_assert_nonnull (strstr (g_ptr_array_index (f->skipped, 0),
                              "4 of its 6 classes have no image: “1”, “2”, “3”, “4”"));
    g_ptr_array_set_size (f->skipped, 0);

    before = ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL);
    g_free (test_write_file (sparse, "parts-labels-idx1-ubyte",
                             "\0\0\x08\x01\0\0\0\x04\xc8\xc8\xc8\xc8", 12));
    g_assert_false (ds_project_import_idx (f->project, images, NULL, NULL, NULL, NULL,
                                           f->skipped, &n, &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
    test_assert_message (error, labels, "all 4 images are of class “200”", NULL);
    g_clear_error (&error);
    g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==,
                     before);
  }

  /* a damaged label file fails before anything is written */
  {
    g_autofree char *labels = g_build_filename (alone, "parts-labels-idx1-ubyte", NULL);
    gint64 before = ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL);

    g_free (test_write_file (alone, "parts-labels-idx1-ubyte", "\0\0\x08\x01\0\0\0\x09", 8));
    g_assert_false (ds_project_import (f->project, alone, DS_IMPORT_LAYOUT_IDX, NULL, NULL, NULL,
                                       &n, &error));
    g_assert_nonnull (error);
    test_assert_message (error, labels, NULL);
    g_clear_error (&error);
    g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==,
                     before);
  }
}

static void
test_detect (Fixture       *f,
             gconstpointer  unused)
{
  g_autofree char *empty = g_build_filename (f->src, "empty", NULL);
  g_autofree char *text = g_build_filename (f->src, "text", NULL);
  g_autofree char *mixed = g_build_filename (f->src, "mixed", NULL);
  g_autofree char *nested = g_build_filename (f->src, "nested", NULL);
  g_autofree char *single = test_write_png (f->src, "single.png", 1, 2, 2, 0);
  g_autofree char *txt = test_write_file (f->src, "a.txt", "x", 1);

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_free (test_write_file (text, "readme.txt", "x", 1));
  /* PNG files beside folders: plain files, not classes */
  g_free (test_write_png (mixed, "top.png", 1, 2, 2, 0));
  g_free (test_write_png (mixed, "sub/inner.png", 1, 2, 2, 0));
  g_free (test_write_png (nested, "a/b/c/deep.png", 1, 2, 2, 0));

  g_assert_cmpint (ds_import_detect_layout (empty), ==, DS_IMPORT_LAYOUT_UNKNOWN);
  g_assert_cmpint (ds_import_detect_layout (text), ==, DS_IMPORT_LAYOUT_UNKNOWN);
  g_assert_cmpint (ds_import_detect_layout (txt), ==, DS_IMPORT_LAYOUT_UNKNOWN);
  g_assert_cmpint (ds_import_detect_layout ("/nonexistent"), ==, DS_IMPORT_LAYOUT_UNKNOWN);
  g_assert_cmpint (ds_import_detect_layout (single), ==, DS_IMPORT_LAYOUT_FILES);
  g_assert_cmpint (ds_import_detect_layout (mixed), ==, DS_IMPORT_LAYOUT_FILES);
  g_assert_cmpint (ds_import_detect_layout (nested), ==, DS_IMPORT_LAYOUT_FILES);
  g_assert_cmpstr (ds_import_layout_to_string (DS_IMPORT_LAYOUT_MVTEC), ==, "mvtec");
}

static void
test_unknown (Fixture       *f,
              gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_build_filename (f->src, "text", NULL);

  g_free (test_write_file (text, "readme.txt", "x", 1));
  g_assert_false (ds_project_import (f->project, text, DS_IMPORT_LAYOUT_UNKNOWN, NULL, NULL,
                                     NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED);
  test_assert_message (error, text, "nothing to import", NULL);
}

/* @n tiny PNGs in tmp/src/many, written once per test */
static char *
write_many (Fixture *f,
            guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model = test_write_png (f->tmp, "model.png", 1, 4, 4, 0);
  g_autofree char *contents = NULL;
  char *dir = g_build_filename (f->src, "many", NULL);
  gsize len;

  g_assert_true (g_file_get_contents (model, &contents, &len, NULL));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%05u.png", i);

      g_free (test_write_file (dir, name, contents, len));
    }
  return dir;
}

static gboolean
stop_now_cb (guint       done,
             guint       total,
             const char *current_path,
             gpointer    user_data)
{
  return FALSE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) other = NULL;
  g_autofree char *dir = write_many (f, 1200);
  g_autofree char *images = g_build_filename (f->folder, "images", NULL);
  g_autoptr(DsImageInfo) info = NULL;
  Progress progress = { .stop_at = 730 };
  guint n = 0;

  /* a second handle labels while the import runs, as the window would */
  other = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  progress.other = other;
  progress.other_class = ds_project_add_class (other, "seen", 0, &error);
  g_assert_no_error (error);

  g_assert_false (ds_project_import (f->project, dir, DS_IMPORT_LAYOUT_FILES, progress_cb,
                                     &progress, f->skipped, &n, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (progress.other_labelled);
  g_assert_false (progress.ended);

  /* everything handled before the stop is in, consistently: rows and files agree */
  g_assert_cmpuint (n, ==, 730);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, 730);
  g_assert_cmpuint (test_count_files (images), ==, 730);
  g_clear_pointer (&f->project, ds_project_close);
  f->project = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, 730);
  info = ds_project_get_image (f->project, 730, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->path, ==, "images/many/00729.png");
  g_clear_pointer (&info, ds_image_info_free);
  info = ds_project_get_image (f->project, 1, &error);
  g_assert_cmpint (info->class_id, ==, progress.other_class);

  /* cancelled before the first file: nothing, not even the folder */
  {
    g_autofree char *second = g_build_filename (images, "many-2", NULL);

    g_assert_false (ds_project_import (f->project, dir, DS_IMPORT_LAYOUT_FILES, stop_now_cb,
                                       NULL, NULL, &n, &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
    g_assert_cmpuint (n, ==, 0);
    g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
    g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_ALL, 0, NULL), ==,
                     730);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/import/detect", test_detect);
  ADD ("/store/import/files", test_files);
  ADD ("/store/import/class-folders", test_class_folders);
  ADD ("/store/import/mvtec", test_mvtec);
  ADD ("/store/import/idx", test_idx);
  ADD ("/store/import/unknown", test_unknown);
  ADD ("/store/import/cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
