/* test-idx.c: IDX files, good and bad
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "data/ds-dataset.h"
#include "data/ds-idx.h"
#include "ds-error.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ds-test-idx-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_unlink (p), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

/* An IDX header (type @type, @n_dims sizes) followed by @n_payload bytes i % 251. */
static GBytes *
make_idx (guint8         type,
          guint          n_dims,
          const guint32 *dims,
          gsize          n_payload)
{
  GByteArray *b = g_byte_array_new ();
  guint8 magic[4] = { 0, 0, type, (guint8) n_dims };

  g_byte_array_append (b, magic, 4);
  for (guint i = 0; i < n_dims; i++)
    {
      guint8 be[4] = { dims[i] >> 24, dims[i] >> 16, dims[i] >> 8, dims[i] };

      g_byte_array_append (b, be, 4);
    }
  for (gsize i = 0; i < n_payload; i++)
    {
      guint8 v = (guint8) (i % 251);

      g_byte_array_append (b, &v, 1);
    }

  return g_byte_array_free_to_bytes (b);
}

static char *
write_file (Fixture    *f,
            const char *name,
            GBytes     *contents,
            gboolean    gzip)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (contents, &len);

  if (gzip)
    {
      gzFile gz = gzopen (path, "wb");

      g_assert_nonnull (gz);
      if (len > 0)
        g_assert_cmpint (gzwrite (gz, data, (unsigned) len), ==, (int) len);
      g_assert_cmpint (gzclose (gz), ==, Z_OK);
    }
  else
    {
      g_file_set_contents (path, (const char *) data, (gssize) len, &error);
      g_assert_no_error (error);
    }

  return path;
}

static void
assert_error_names (const GError *error,
                    const char   *path,
                    const char   *problem)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (strstr (error->message, path) == NULL || strstr (error->message, problem) == NULL)
    g_error ("message \"%s\" should name \"%s\" and \"%s\"", error->message, path, problem);
}

static void
check_round_trip (Fixture  *f,
                  gboolean  gzip,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  const guint32 sizes[3] = { 5, 3, 4 };
  g_autoptr(GBytes) idx = make_idx (0x08, 3, sizes, 60);
  g_autofree char *path = write_file (f, name, idx, gzip);
  g_autofree guint8 *data = NULL;
  guint32 dims[4] = { 0 };
  gsize n = 0;

  data = ds_idx_read_ubyte (path, 3, dims, &n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);
  g_assert_cmpuint (n, ==, 60);
  g_assert_cmpuint (dims[0], ==, 5);
  g_assert_cmpuint (dims[1], ==, 3);
  g_assert_cmpuint (dims[2], ==, 4);
  for (guint i = 0; i < 60; i++)
    g_assert_cmpuint (data[i], ==, i % 251);
}

static void
test_plain (Fixture       *f,
            gconstpointer  unused)
{
  check_round_trip (f, FALSE, "train-images-idx3-ubyte");
}

static void
test_gzip (Fixture       *f,
           gconstpointer  unused)
{
  check_round_trip (f, TRUE, "train-images-idx3-ubyte.gz");
  /* gzip is told by content, not by name */
  check_round_trip (f, TRUE, "gunzipped-but-not-really-idx3-ubyte");
  check_round_trip (f, FALSE, "not-really.gz");
}

static void
test_gzip_multi_member (Fixture       *f,
                        gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  const guint32 sizes[1] = { 1000 };
  g_autoptr(GBytes) idx = make_idx (0x08, 1, sizes, 1000);
  gsize len;
  const guint8 *raw = g_bytes_get_data (idx, &len);
  g_autofree char *path = g_build_filename (f->dir, "labels.gz", NULL);
  g_autofree guint8 *data = NULL;
  gzFile gz;

  /* `cat a.gz b.gz` is a valid gzip file */
  gz = gzopen (path, "wb");
  g_assert_cmpint (gzwrite (gz, raw, 300), ==, 300);
  g_assert_cmpint (gzclose (gz), ==, Z_OK);
  gz = gzopen (path, "ab");
  g_assert_cmpint (gzwrite (gz, raw + 300, (unsigned) len - 300), ==, (int) len - 300);
  g_assert_cmpint (gzclose (gz), ==, Z_OK);

  data = ds_idx_read_ubyte (path, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data[999], ==, 999 % 251);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  unused)
{
  const guint32 sizes[3] = { 60000, 28, 28 };
  g_autoptr(GBytes) idx = make_idx (0x08, 3, sizes, 1000);

  for (int gzip = 0; gzip < 2; gzip++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_file (f, gzip ? "short.gz" : "short", idx, gzip);
      guint8 *data = ds_idx_read_ubyte (path, 3, NULL, NULL, &error);

      g_assert_null (data);
      g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
      assert_error_names (error, path, "truncated");
      assert_error_names (error, path, "60000×28×28 = 47040000 bytes");
      assert_error_names (error, path, "found 1000");
    }
}

static void
test_truncated_header (Fixture       *f,
                       gconstpointer  unused)
{
  const guint32 sizes[3] = { 2, 2, 2 };
  g_autoptr(GBytes) idx = make_idx (0x08, 3, sizes, 8);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (idx, 0, 10);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (f, "cut-header", cut, FALSE);
  g_autofree char *empty_path = write_file (f, "empty", empty, FALSE);

  g_assert_null (ds_idx_read_ubyte (path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, path, "truncated");
  g_clear_error (&error);

  g_assert_null (ds_idx_read_ubyte (empty_path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, empty_path, "too short");
}

static void
test_gzip_damaged (Fixture       *f,
                   gconstpointer  unused)
{
  const guint32 sizes[3] = { 10, 20, 30 };
  g_autoptr(GBytes) idx = make_idx (0x08, 3, sizes, 6000);
  g_autofree char *path = write_file (f, "images.gz", idx, TRUE);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* Cut inside the deflate stream, then cut only the trailer (CRC and length) */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      gsize keep = i == 0 ? len / 2 : len - 4;

      g_assert_true (g_file_set_contents (path, contents, (gssize) keep, NULL));
      g_assert_null (ds_idx_read_ubyte (path, 3, NULL, NULL, &error));
      g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
      assert_error_names (error, path, "truncated");
    }

  /* A flipped bit in the CRC */
  {
    g_autoptr(GError) error = NULL;

    contents[len - 6] ^= 0x40;
    g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
    g_assert_null (ds_idx_read_ubyte (path, 3, NULL, NULL, &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
    assert_error_names (error, path, "damaged gzip data");
  }
}

static void
test_trailing (Fixture       *f,
               gconstpointer  unused)
{
  const guint32 sizes[1] = { 100 };
  g_autoptr(GBytes) idx = make_idx (0x08, 1, sizes, 101);

  for (int gzip = 0; gzip < 2; gzip++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_file (f, gzip ? "long.gz" : "long", idx, gzip);

      g_assert_null (ds_idx_read_ubyte (path, 1, NULL, NULL, &error));
      g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
      assert_error_names (error, path, "trailing data");
    }
}

static void
test_wrong_magic (Fixture       *f,
                  gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  const guint32 sizes[3] = { 1, 2, 2 };
  g_autoptr(GBytes) idx = make_idx (0x08, 3, sizes, 4);
  gsize len;
  g_autofree guint8 *raw = g_bytes_unref_to_data (g_bytes_ref (idx), &len);
  g_autoptr(GBytes) bad = NULL;
  g_autofree char *path = NULL;

  raw[1] = 0x42;
  bad = g_bytes_new (raw, len);
  path = write_file (f, "png-in-disguise", bad, FALSE);

  g_assert_null (ds_idx_read_ubyte (path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, path, "not an IDX file");
}

static void
test_type_code (Fixture       *f,
                gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  const guint32 sizes[3] = { 1, 2, 2 };
  g_autoptr(GBytes) idx = make_idx (0x0D, 3, sizes, 16);
  g_autofree char *path = write_file (f, "floats", idx, TRUE);

  g_assert_null (ds_idx_read_ubyte (path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED);
  assert_error_names (error, path, "0x0D (float)");
}

static void
test_dims (Fixture       *f,
           gconstpointer  unused)
{
  const guint32 sizes[3] = { 4, 0, 2 };
  g_autoptr(GBytes) labels = make_idx (0x08, 1, sizes, 4);
  g_autoptr(GBytes) zero = make_idx (0x08, 3, sizes, 0);
  g_autofree char *labels_path = write_file (f, "labels", labels, FALSE);
  g_autofree char *zero_path = write_file (f, "zero", zero, FALSE);
  g_autoptr(GError) error = NULL;

  /* A label file given as images */
  g_assert_null (ds_idx_read_ubyte (labels_path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, labels_path, "expected 3 dimensions");
  g_clear_error (&error);

  g_assert_null (ds_idx_read_ubyte (zero_path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, zero_path, "zero");
}

static void
test_absurd (Fixture       *f,
             gconstpointer  unused)
{
  const guint32 huge[3] = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF };
  const guint32 big[3] = { 1000, 1000, 1000 };
  g_autoptr(GBytes) overflow = make_idx (0x08, 3, huge, 16);
  g_autoptr(GBytes) liar = make_idx (0x08, 3, big, 16);
  g_autofree char *overflow_path = write_file (f, "overflow", overflow, FALSE);
  g_autofree char *liar_path = write_file (f, "liar.gz", liar, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_null (ds_idx_read_ubyte (overflow_path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY);
  assert_error_names (error, overflow_path, "4294967295×4294967295×4294967295");
  g_clear_error (&error);

  /* 1 GB announced, 16 bytes present: an error, after reading only what is there */
  g_assert_null (ds_idx_read_ubyte (liar_path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, liar_path, "found 16");
}

static void
test_missing (Fixture       *f,
              gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "nowhere-idx3-ubyte", NULL);

  g_assert_null (ds_idx_read_ubyte (path, 3, NULL, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  assert_error_names (error, path, "cannot open");
}

static void
test_label_mismatch (Fixture       *f,
                     gconstpointer  unused)
{
  const guint32 image_sizes[3] = { 3, 2, 2 };
  const guint32 label_sizes[1] = { 2 };
  g_autoptr(GBytes) images = make_idx (0x08, 3, image_sizes, 12);
  g_autoptr(GBytes) labels = make_idx (0x08, 1, label_sizes, 2);
  g_autofree char *images_path = write_file (f, "images.gz", images, TRUE);
  g_autofree char *labels_path = write_file (f, "labels", labels, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_null (ds_dataset_load_idx (images_path, labels_path, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, labels_path, "labels file has 2 labels for 3 images");
}

static void
test_dataset (Fixture       *f,
              gconstpointer  unused)
{
  const guint32 image_sizes[3] = { 4, 2, 3 };
  const guint32 label_sizes[1] = { 4 };
  g_autoptr(GBytes) images = make_idx (0x08, 3, image_sizes, 24);
  g_autoptr(GBytes) labels = make_idx (0x08, 1, label_sizes, 4);
  g_autofree char *images_path = write_file (f, "images.gz", images, TRUE);
  g_autofree char *labels_path = write_file (f, "labels", labels, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = ds_dataset_load_idx (images_path, labels_path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 4);
  g_assert_cmpuint (ds->c, ==, 1);
  g_assert_cmpuint (ds->h, ==, 2);
  g_assert_cmpuint (ds->w, ==, 3);
  /* labels 0, 1, 2, 3 */
  g_assert_cmpuint (ds->n_classes, ==, 4);
  g_assert_cmpint (ds->labels[3], ==, 3);
  g_assert_cmpuint (g_strv_length (ds->class_names), ==, 4);
  g_assert_cmpstr (ds->class_names[0], ==, "0");
  g_assert_cmpstr (ds->class_names[3], ==, "3");
  g_assert_null (ds->paths);
  g_assert_cmpuint (ds->pixels[23], ==, 23);
}

/* A label file of @n labels, each @values[i]. */
static GBytes *
make_labels (const guint8 *values,
             guint32       n)
{
  g_autoptr(GBytes) head = make_idx (0x08, 1, &n, 0);
  GByteArray *b = g_byte_array_new ();

  g_byte_array_append (b, g_bytes_get_data (head, NULL), (guint) g_bytes_get_size (head));
  g_byte_array_append (b, values, n);

  return g_byte_array_free_to_bytes (b);
}

/* Loads 4 images of 2×2 pixels labelled @values. */
static DsDataset *
load_labelled (Fixture      *f,
               const guint8  values[4],
               char        **labels_path,
               GError      **error)
{
  const guint32 image_sizes[3] = { 4, 2, 2 };
  g_autoptr(GBytes) images = make_idx (0x08, 3, image_sizes, 16);
  g_autoptr(GBytes) labels = make_labels (values, 4);
  g_autofree char *images_path = write_file (f, "images", images, FALSE);

  *labels_path = write_file (f, "labels", labels, FALSE);
  return ds_dataset_load_idx (images_path, *labels_path, error);
}

/* Labels 0..254 make 255 classes, the most there may be; label 255 is refused. */
static void
test_label_limit (Fixture       *f,
                  gconstpointer  unused)
{
  const guint8 most[4] = { 0, 254, 3, 3 };
  const guint8 over[4] = { 0, 255, 3, 3 };
  g_autofree char *labels_path = NULL;
  g_autofree char *labels_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = load_labelled (f, most, &labels_path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_classes, ==, DS_DATASET_MAX_CLASSES);
  g_assert_cmpstr (ds->class_names[254], ==, "254");
  g_assert_cmpstr (ds->labels_from, ==, labels_path);

  g_assert_null (load_labelled (f, over, &labels_again, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, labels_again, "has label 255, which makes 256 classes");
}

/* All labels 200: 201 classes of which one holds images, refused for training. */
static void
test_single_class (Fixture       *f,
                   gconstpointer  unused)
{
  const guint8 values[4] = { 200, 200, 200, 200 };
  g_autofree char *labels_path = NULL;
  g_autofree char *warning = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = load_labelled (f, values, &labels_path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_classes, ==, 201);
  g_assert_false (ds_dataset_check_classes (ds, &warning, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  assert_error_names (error, labels_path, "all 4 images are of class “200”");
  g_assert_null (warning);
}

/* Labels 0, 2, 2, 5: classes 1, 3 and 4 are empty, which trains but is warned about. */
static void
test_empty_classes (Fixture       *f,
                    gconstpointer  unused)
{
  const guint8 values[4] = { 0, 2, 2, 5 };
  const guint8 full[4] = { 1, 0, 1, 0 };
  g_autofree char *labels_path = NULL;
  g_autofree char *labels_again = NULL;
  g_autofree char *warning = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = load_labelled (f, values, &labels_path, &error);
  g_autoptr(DsDataset) whole = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_classes, ==, 6);
  g_assert_true (ds_dataset_check_classes (ds, &warning, &error));
  g_assert_no_error (error);
  g_assert_nonnull (warning);
  g_assert_true (g_str_has_prefix (warning, labels_path));
  g_assert_nonnull (strstr (warning, "3 of its 6 classes have no image: “1”, “3”, “4”"));

  g_clear_pointer (&warning, g_free);
  whole = load_labelled (f, full, &labels_again, &error);
  g_assert_no_error (error);
  g_assert_true (ds_dataset_check_classes (whole, &warning, &error));
  g_assert_null (warning);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/engine/idx/plain", test_plain);
  ADD ("/engine/idx/gzip", test_gzip);
  ADD ("/engine/idx/gzip-multi-member", test_gzip_multi_member);
  ADD ("/engine/idx/truncated", test_truncated);
  ADD ("/engine/idx/truncated-header", test_truncated_header);
  ADD ("/engine/idx/gzip-damaged", test_gzip_damaged);
  ADD ("/engine/idx/trailing", test_trailing);
  ADD ("/engine/idx/wrong-magic", test_wrong_magic);
  ADD ("/engine/idx/type-code", test_type_code);
  ADD ("/engine/idx/dims", test_dims);
  ADD ("/engine/idx/absurd", test_absurd);
  ADD ("/engine/idx/missing", test_missing);
  ADD ("/engine/idx/label-mismatch", test_label_mismatch);
  ADD ("/engine/idx/dataset", test_dataset);
  ADD ("/engine/idx/label-limit", test_label_limit);
  ADD ("/engine/idx/single-class", test_single_class);
  ADD ("/engine/idx/empty-classes", test_empty_classes);

#undef ADD

  return g_test_run ();
}
