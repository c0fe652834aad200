/* test-model-file.c: saving and loading models, and every way a model file can be wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "ds-engine.h"
#include "store/ds-store-files.h"

/* conv, batchnorm (for state), pooling and dense: 20 + 4 + 27 = 51 parameters, 4 state values;
 * the file is small enough to be cut and damaged at every byte */
static const char small_spec[] =
  "conv2d filters=2 kernel=3\n"
  "batchnorm\n"
  "relu\n"
  "maxpool2d size=2\n"
  "flatten\n"
  "dense units=3 init=glorot\n";
static const char * const class_names[] = { "ok", "scratch", "dent, deep", NULL };

typedef struct
{
  char *dir;
  char *path;   /* dir/model.dsm */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ds-test-model-file-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "model.dsm", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ds_store_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Names of the entries of @dir, sorted. */
static GStrv
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
fill_normal (float  *v,
             gsize   n,
             DsRng  *rng)
{
  for (gsize i = 0; i < n; i++)
    v[i] = ds_rng_normal (rng);
}

static DsModel *
small_model (guint64 seed)
{
  g_autoptr(GError) error = NULL;
  DsModel *model = ds_model_new (small_spec, DS_SHAPE (1, 1, 6, 6), &error);
  DsRng rng;

  g_assert_no_error (error);
  g_assert_cmpuint (model->n_params, ==, 51);
  g_assert_cmpuint (model->n_state, ==, 4);
  ds_rng_seed (&rng, seed);
  ds_model_init_params (model, &rng);
  fill_normal (model->params, model->n_params, &rng);
  /* running means, then positive running variances */
  fill_normal (model->state, model->n_state, &rng);
  model->state[2] = 0.5f;
  model->state[3] = 2.0f;
  ds_model_set_class_names (model, class_names);
  ds_model_set_preset (model, "unit-test");

  return model;
}

static DsOptimizer *
busy_optimizer (DsOptimKind kind,
                gsize       n,
                guint64     seed)
{
  DsOptimizer *opt = ds_optimizer_new (kind, n, 0.0125f, 3e-4f);
  DsRng rng;

  ds_rng_seed (&rng, seed);
  opt->momentum = 0.85f;
  opt->beta1 = 0.8f;
  opt->beta2 = 0.99f;
  opt->eps = 1e-7f;
  opt->t = 7;
  fill_normal (opt->m, n, &rng);
  if (opt->v != NULL)
    for (gsize i = 0; i < n; i++)
      opt->v[i] = ds_rng_uniform (&rng);

  return opt;
}

static void
save (const DsModel     *model,
      const DsOptimizer *opt,
      const char        *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ds_model_save (model, opt, path, &error));
  g_assert_no_error (error);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static void
write_raw (const char   *path,
           const guint8 *data,
           gsize         len)
{
  g_autoptr(GError) error = NULL;

  /* no fsync: the damaged files are written by the thousand. Without G_FILE_SET_CONTENTS_CONSISTENT
   * GLib may write over the old file in place without truncating it: remove it first */
  g_unlink (path);
  g_file_set_contents_full (path, (const char *) data, (gssize) len, G_FILE_SET_CONTENTS_NONE,
                            0644, &error);
  g_assert_no_error (error);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_u64 (guint8  *p,
         guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

/* Writes @data with its last four bytes replaced by the CRC-32 of the others: a file whose
 * checksum is right, whatever its content says. */
static void
write_with_crc (const char *path,
                guint8     *data,
                gsize       len)
{
  guint32 crc;

  g_assert_cmpuint (len, >=, 4);
  crc = GUINT32_TO_LE ((guint32) crc32 (0L, data, (uInt) (len - 4)));
  memcpy (data + len - 4, &crc, 4);
  write_raw (path, data, len);
}

/* Loading @path must fail with @code and a message naming the file. */
static void
assert_load_fails (const char *path,
                   gint        code,
                   const char *fragment,
                   const char *context)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsOptimizer) opt = NULL;
  g_autoptr(DsModel) model = ds_model_load (path, &opt, &error);

  if (model != NULL)
    g_error ("%s: %s was loaded", context, path);
  g_assert_null (opt);
  g_assert_nonnull (error);
  if (error->domain != DS_ENGINE_ERROR || error->code != code)
    g_error ("%s: error %s:%d “%s”, expected code %d", context,
             g_quark_to_string (error->domain), error->code, error->message, code);
  if (strstr (error->message, path) == NULL)
    g_error ("%s: “%s” does not name %s", context, error->message, path);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("%s: “%s” does not say “%s”", context, error->message, fragment);
}

/* Round trips */

static void
assert_same_model (DsModel *a,
                   DsModel *b)
{
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (5, 1, 6, 6));
  g_autofree float *ya = NULL;
  const DsTensor *yb;
  gsize n;
  DsRng rng;

  g_assert_cmpstr (a->spec, ==, b->spec);
  g_assert_cmpstr (a->preset, ==, b->preset);
  g_assert_true (ds_shape_equal (&a->input, &b->input));
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  g_assert_cmpuint (a->n_state, ==, b->n_state);
  g_assert_cmpmem (a->params, a->n_params * sizeof (float),
                   b->params, b->n_params * sizeof (float));
  g_assert_cmpmem (a->state, a->n_state * sizeof (float), b->state, b->n_state * sizeof (float));
  if (a->class_names == NULL)
    g_assert_null (b->class_names);
  else
    g_assert_true (g_strv_equal ((const char * const *) a->class_names,
                                 (const char * const *) b->class_names));

  /* the same predictions, to the bit */
  ds_rng_seed (&rng, 77);
  for (gsize i = 0; i < ds_tensor_size (x); i++)
    x->data[i] = ds_rng_uniform (&rng);
  ya = g_memdup2 (ds_model_forward (a, x, FALSE, NULL)->data, 5 * 3 * sizeof (float));
  yb = ds_model_forward (b, x, FALSE, NULL);
  n = ds_tensor_size (yb);
  g_assert_cmpuint (n, ==, 5 * 3);
  g_assert_cmpmem (ya, 5 * 3 * sizeof (float), yb->data, n * sizeof (float));
}

static void
assert_same_optimizer (const DsOptimizer *a,
                       const DsOptimizer *b)
{
  g_assert_nonnull (b);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpfloat (a->lr, ==, b->lr);
  g_assert_cmpfloat (a->momentum, ==, b->momentum);
  g_assert_cmpfloat (a->beta1, ==, b->beta1);
  g_assert_cmpfloat (a->beta2, ==, b->beta2);
  g_assert_cmpfloat (a->eps, ==, b->eps);
  g_assert_cmpfloat (a->weight_decay, ==, b->weight_decay);
  g_assert_cmpuint (a->t, ==, b->t);
  g_assert_cmpuint (a->n, ==, b->n);
  g_assert_cmpmem (a->m, a->n * sizeof (float), b->m, b->n * sizeof (float));
  if (a->v == NULL)
    g_assert_null (b->v);
  else
    g_assert_cmpmem (a->v, a->n * sizeof (float), b->v, b->n * sizeof (float));
  g_assert_cmpuint (ds_optimizer_state_size (a), ==, ds_optimizer_state_size (b));
}

static void
round_trip (Fixture     *f,
            DsOptimKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = small_model (1);
  g_autoptr(DsOptimizer) opt = busy_optimizer (kind, model->n_params, 2);
  g_autoptr(DsModel) loaded = NULL;
  g_autoptr(DsOptimizer) loaded_opt = NULL;
  g_autoptr(DsModel) again = NULL;
  g_autofree float *grads = g_new (float, model->n_params);
  g_autofree float *params = NULL;
  DsRng rng;

  save (model, opt, f->path);
  loaded = ds_model_load (f->path, &loaded_opt, &error);
  g_assert_no_error (error);
  assert_same_model (model, loaded);
  assert_same_optimizer (opt, loaded_opt);

  /* both optimisers take the same next step */
  ds_rng_seed (&rng, 3);
  fill_normal (grads, model->n_params, &rng);
  ds_optimizer_step (opt, model->params, grads);
  ds_optimizer_step (loaded_opt, loaded->params, grads);
  g_assert_cmpmem (model->params, model->n_params * sizeof (float),
                   loaded->params, loaded->n_params * sizeof (float));
  assert_same_optimizer (opt, loaded_opt);

  /* loading without asking for the optimiser */
  params = g_memdup2 (loaded->params, loaded->n_params * sizeof (float));
  save (loaded, loaded_opt, f->path);
  again = ds_model_load (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->params, again->n_params * sizeof (float),
                   params, loaded->n_params * sizeof (float));
}

static void
test_round_trip_adam (Fixture       *f,
                      gconstpointer  data)
{
  round_trip (f, DS_OPTIM_ADAM);
}

static void
test_round_trip_sgd (Fixture       *f,
                     gconstpointer  data)
{
  round_trip (f, DS_OPTIM_SGD);
}

static void
test_round_trip_adamw (Fixture       *f,
                       gconstpointer  data)
{
  round_trip (f, DS_OPTIM_ADAMW);
}

static void
test_round_trip_bare (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = small_model (5);
  g_autoptr(DsModel) loaded = NULL;
  DsOptimizer *opt = (DsOptimizer *) &error;  /* must be set to NULL */

  /* no optimiser, no class names, no preset */
  ds_model_set_class_names (model, NULL);
  ds_model_set_preset (model, NULL);
  save (model, NULL, f->path);
  loaded = ds_model_load (f->path, &opt, &error);
  g_assert_no_error (error);
  g_assert_null (opt);
  g_assert_null (loaded->preset);
  g_assert_null (loaded->class_names);
  assert_same_model (model, loaded);
}

/* Files that are not models, or not whole */

static void
test_load_missing (Fixture       *f,
                   gconstpointer  data)
{
  assert_load_fails (f->path, DS_ENGINE_ERROR_IO, NULL, "missing file");
}

static void
test_load_empty (Fixture       *f,
                 gconstpointer  data)
{
  write_raw (f->path, (const guint8 *) "", 0);
  assert_load_fails (f->path, DS_ENGINE_ERROR_FORMAT, NULL, "empty file");
}

static void
test_load_wrong_magic (Fixture       *f,
                       gconstpointer  data)
{
  static const char text[] = "conv2d filters=2 kernel=3\nthis is a text file, not a model\n";
  static const guint8 gray[16 * 16] = { 0 };
  g_autoptr(GError) error = NULL;

  write_raw (f->path, (const guint8 *) text, sizeof text - 1);
  assert_load_fails (f->path, DS_ENGINE_ERROR_FORMAT, "not a Defectscope model file", "text");

  /* the magic is PNG-like: a PNG must not pass for a model */
  g_assert_true (ds_png_save (f->path, gray, 1, 16, 16, &error));
  g_assert_no_error (error);
  assert_load_fails (f->path, DS_ENGINE_ERROR_FORMAT, "not a Defectscope model file", "PNG");
}

static void
test_load_truncated (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(DsModel) model = small_model (9);
  g_autoptr(DsOptimizer) opt = busy_optimizer (DS_OPTIM_ADAM, model->n_params, 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *cut = g_build_filename (f->dir, "cut.dsm", NULL);
  const guint8 *full;
  gsize len;

  save (model, opt, f->path);
  bytes = read_bytes (f->path);
  full = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, >, 600);

  for (gsize n = 0; n < len; n++)
    {
      g_autofree char *context = g_strdup_printf ("cut to %" G_GSIZE_FORMAT " of %"
                                                  G_GSIZE_FORMAT " bytes", n, len);

      write_raw (cut, full, n);
      assert_load_fails (cut, DS_ENGINE_ERROR_FORMAT, NULL, context);
    }
}

static void
test_load_flipped_byte (Fixture       *f,
                        gconstpointer  data)
{
  static const guint8 masks[] = { 0x01, 0x80, 0xff };
  g_autoptr(DsModel) model = small_model (10);
  g_autoptr(DsOptimizer) opt = busy_optimizer (DS_OPTIM_SGD, model->n_params, 6);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *bad = g_build_filename (f->dir, "bad.dsm", NULL);
  g_autofree guint8 *copy = NULL;
  const guint8 *full;
  gsize len;

  save (model, opt, f->path);
  bytes = read_bytes (f->path);
  full = g_bytes_get_data (bytes, &len);
  copy = g_memdup2 (full, len);

  for (gsize i = 0; i < len; i++)
    for (guint m = 0; m < G_N_ELEMENTS (masks); m++)
      {
        g_autofree char *context = g_strdup_printf ("byte %" G_GSIZE_FORMAT " ^ 0x%02x", i,
                                                    masks[m]);
        /* the checksum is checked first: a damaged version field is damage, not a newer file */
        gint code = DS_ENGINE_ERROR_FORMAT;

        copy[i] = full[i] ^ masks[m];
        write_raw (bad, copy, len);
        copy[i] = full[i];
        assert_load_fails (bad, code, NULL, context);
      }
}

/* Hand-made files with a correct checksum */

/* Offsets of the fields of a file written for small_model(): see ds-model-file.c. */
typedef struct
{
  gsize version, input, preset, spec, classes, params, state, opt, crc;
} Layout;

static Layout
layout_of (const DsModel *model,
           gsize          len)
{
  Layout l = { .version = 8, .input = 12, .preset = 24 };

  l.spec = l.preset + 4 + strlen (model->preset);
  l.classes = l.spec + 4 + strlen (model->spec);
  l.params = l.classes + 4;
  for (guint i = 0; model->class_names[i] != NULL; i++)
    l.params += 4 + strlen (model->class_names[i]);
  l.state = l.params + 8 + 4 * model->n_params;
  l.opt = l.state + 8 + 4 * model->n_state;
  l.crc = len - 4;

  return l;
}

/* Patches a copy of @full: @value (4 or 8 bytes wide) at @offset, then fixes the CRC and
 * checks the load fails naming the file. */
static void
assert_patch_fails (const char   *path,
                    const guint8 *full,
                    gsize         len,
                    gsize         offset,
                    guint         width,
                    guint64       value,
                    gint          code,
                    const char   *fragment,
                    const char   *context)
{
  g_autofree guint8 *copy = g_memdup2 (full, len);

  if (width == 8)
    put_u64 (copy + offset, value);
  else
    put_u32 (copy + offset, (guint32) value);
  write_with_crc (path, copy, len);
  assert_load_fails (path, code, fragment, context);
}

static void
test_round_trip_metadata (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = small_model (14);
  g_autoptr(DsModel) loaded = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  ds_model_set_metadata (model, "train.epoch", "3");
  ds_model_set_metadata (model, "anomaly.score", "top-k 1%");
  ds_model_set_metadata (model, "gone", "x");
  ds_model_set_metadata (model, "gone", NULL);
  save (model, NULL, f->path);
  first = read_bytes (f->path);
  loaded = ds_model_load (f->path, NULL, &error);
  g_assert_no_error (error);
  assert_same_model (model, loaded);
  g_assert_cmpstr (ds_model_get_metadata (loaded, "train.epoch"), ==, "3");
  g_assert_cmpstr (ds_model_get_metadata (loaded, "anomaly.score"), ==, "top-k 1%");
  g_assert_null (ds_model_get_metadata (loaded, "gone"));
  g_assert_cmpuint (g_hash_table_size (loaded->metadata), ==, 2);

  /* keys are written sorted: saving what was loaded gives the same bytes */
  save (loaded, NULL, f->path);
  second = read_bytes (f->path);
  g_assert_true (g_bytes_equal (first, second));
}

/* A version 1 file (before metadata) still loads. */
static void
test_load_version_1 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = small_model (15);
  g_autoptr(DsModel) loaded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *copy = NULL;
  const guint8 *full;
  gsize len;

  save (model, NULL, f->path);
  bytes = read_bytes (f->path);
  full = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (get_u32 (full + len - 8), ==, 0);   /* no metadata */
  /* drop the metadata count, say version 1 */
  copy = g_memdup2 (full, len - 4);
  put_u32 (copy + 8, 1);
  write_with_crc (f->path, copy, len - 4);
  loaded = ds_model_load (f->path, NULL, &error);
  g_assert_no_error (error);
  assert_same_model (model, loaded);
  g_assert_null (loaded->metadata);
}

static void
test_load_newer_version (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(DsModel) model = small_model (11);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *full;
  gsize len;

  save (model, NULL, f->path);
  bytes = read_bytes (f->path);
  full = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (get_u32 (full + 8), ==, 2);

  assert_patch_fails (f->path, full, len, 8, 4, 3, DS_ENGINE_ERROR_VERSION, NULL, "version 3");
  assert_patch_fails (f->path, full, len, 8, 4, G_MAXUINT32, DS_ENGINE_ERROR_VERSION, NULL,
                      "version 2^32 - 1");
  assert_patch_fails (f->path, full, len, 8, 4, 0, DS_ENGINE_ERROR_FORMAT, NULL, "version 0");
}

static void
test_load_inconsistent (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(DsModel) model = small_model (12);
  g_autoptr(DsOptimizer) opt = busy_optimizer (DS_OPTIM_ADAM, model->n_params, 13);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *copy = NULL;
  const guint8 *full;
  const char *p = f->path;
  gsize len;
  Layout l;

  save (model, opt, f->path);
  bytes = read_bytes (f->path);
  full = g_bytes_get_data (bytes, &len);
  l = layout_of (model, len);

  /* the layout is what the format says */
  g_assert_cmpuint (get_u32 (full + l.input), ==, 1);
  g_assert_cmpuint (get_u32 (full + l.input + 4), ==, 6);
  g_assert_cmpuint (get_u32 (full + l.preset), ==, strlen ("unit-test"));
  g_assert_cmpuint (get_u32 (full + l.spec), ==, strlen (model->spec));
  g_assert_cmpuint (get_u32 (full + l.classes), ==, 3);
  g_assert_cmpuint (get_u32 (full + l.params), ==, 51);
  g_assert_cmpuint (get_u32 (full + l.state), ==, 4);
  g_assert_cmpuint (get_u32 (full + l.opt), ==, 1);
  g_assert_cmpuint (l.opt + 4 + 4 + 6 * 4 + 8 + 8 + 2 * 4 * 51 + 4 + 4, ==, len);   /* + metadata count */

  assert_patch_fails (p, full, len, l.params, 8, 52, DS_ENGINE_ERROR_FORMAT, "parameters",
                      "parameter count + 1");
  assert_patch_fails (p, full, len, l.params, 8, 50, DS_ENGINE_ERROR_FORMAT, "parameters",
                      "parameter count - 1");
  assert_patch_fails (p, full, len, l.params, 8, G_MAXUINT64, DS_ENGINE_ERROR_FORMAT, NULL,
                      "parameter count 2^64 - 1");
  assert_patch_fails (p, full, len, l.state, 8, 5, DS_ENGINE_ERROR_FORMAT, "state",
                      "state count + 1");
  assert_patch_fails (p, full, len, l.state, 8, 0, DS_ENGINE_ERROR_FORMAT, NULL,
                      "state count 0");
  assert_patch_fails (p, full, len, l.input, 4, 0, DS_ENGINE_ERROR_FORMAT, NULL,
                      "no channels");
  assert_patch_fails (p, full, len, l.input, 4, 2, DS_ENGINE_ERROR_FORMAT, NULL,
                      "two channels: more conv weights");
  assert_patch_fails (p, full, len, l.input + 4, 4, 2, DS_ENGINE_ERROR_FORMAT, NULL,
                      "input too small for the kernel");
  assert_patch_fails (p, full, len, l.input + 4, 4, 65536, DS_ENGINE_ERROR_FORMAT, NULL,
                      "a huge input");
  assert_patch_fails (p, full, len, l.input + 8, 4, G_MAXUINT32, DS_ENGINE_ERROR_FORMAT, NULL,
                      "an absurd input");
  assert_patch_fails (p, full, len, l.preset, 4, G_MAXUINT32, DS_ENGINE_ERROR_FORMAT, NULL,
                      "preset length 2^32 - 1");
  assert_patch_fails (p, full, len, l.preset, 4, 100000, DS_ENGINE_ERROR_FORMAT, NULL,
                      "preset longer than the file");
  assert_patch_fails (p, full, len, l.spec, 4, 3, DS_ENGINE_ERROR_FORMAT, NULL,
                      "spec length 3");
  assert_patch_fails (p, full, len, l.classes, 4, 1000000, DS_ENGINE_ERROR_FORMAT, NULL,
                      "a million classes");
  assert_patch_fails (p, full, len, l.classes, 4, 4, DS_ENGINE_ERROR_FORMAT, NULL,
                      "one class name too many");
  assert_patch_fails (p, full, len, l.classes, 4, 2, DS_ENGINE_ERROR_FORMAT, NULL,
                      "one class name too few");
  assert_patch_fails (p, full, len, l.opt, 4, 2, DS_ENGINE_ERROR_FORMAT, NULL,
                      "optimiser flag 2");
  assert_patch_fails (p, full, len, l.opt, 4, 0, DS_ENGINE_ERROR_FORMAT, NULL,
                      "optimiser flag 0 with moments after it");
  assert_patch_fails (p, full, len, l.opt + 4, 4, 9, DS_ENGINE_ERROR_FORMAT, NULL,
                      "optimiser kind 9");
  assert_patch_fails (p, full, len, l.opt + 4, 4, DS_OPTIM_SGD, DS_ENGINE_ERROR_FORMAT, NULL,
                      "SGD with Adam's moments");
  assert_patch_fails (p, full, len, l.opt + 4 + 4 + 6 * 4 + 8, 8, 52, DS_ENGINE_ERROR_FORMAT,
                      NULL, "optimiser size + 1");

  /* an unknown layer in the architecture (same length) */
  copy = g_memdup2 (full, len);
  memcpy (copy + l.spec + 4, "convXd", 6);
  write_with_crc (p, copy, len);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, "architecture", "unknown layer");

  /* a different dense layer: the parameter count no longer fits */
  memcpy (copy, full, len);
  {
    char *units = g_strstr_len ((char *) copy + l.spec + 4, (gssize) strlen (model->spec),
                                "units=3");

    g_assert_nonnull (units);
    units[6] = '4';
  }
  write_with_crc (p, copy, len);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, "parameters", "four outputs");

  /* four bytes too many before the checksum */
  g_clear_pointer (&copy, g_free);
  copy = g_malloc0 (len + 4);
  memcpy (copy, full, len - 4);
  write_with_crc (p, copy, len + 4);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, NULL, "trailing bytes");

  /* the metadata count missing */
  write_with_crc (p, copy, len - 4);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, NULL, "metadata count missing");

  /* a metadata count without its entries */
  memcpy (copy, full, len);
  put_u32 (copy + len - 8, 3);
  write_with_crc (p, copy, len);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, "metadata", "metadata entries missing");
  put_u32 (copy + len - 8, 1000000);
  write_with_crc (p, copy, len);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, "metadata", "a million metadata entries");

  /* the last moment missing */
  write_with_crc (p, copy, len - 8);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, NULL, "last float missing");

  /* only the magic, the version and a checksum */
  write_with_crc (p, copy, 16);
  assert_load_fails (p, DS_ENGINE_ERROR_FORMAT, NULL, "header only");
}

/* Writing */

static void
test_save_atomic (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) first = small_model (20);
  g_autoptr(DsModel) second = small_model (21);
  g_autoptr(DsModel) loaded = NULL;
  g_auto(GStrv) names = NULL;
  static const char * const only_model[] = { "model.dsm", NULL };

  save (first, NULL, f->path);
  names = list_dir (f->dir);
  g_assert_true (g_strv_equal ((const char * const *) names, only_model));

  /* replacing an existing model leaves one file, with the new content */
  save (second, NULL, f->path);
  g_clear_pointer (&names, g_strfreev);
  names = list_dir (f->dir);
  g_assert_true (g_strv_equal ((const char * const *) names, only_model));
  loaded = ds_model_load (f->path, NULL, &error);
  g_assert_no_error (error);
  assert_same_model (second, loaded);

  /* and so does replacing something that was not a model */
  write_raw (f->path, (const guint8 *) "junk", 4);
  save (first, NULL, f->path);
  g_clear_pointer (&names, g_strfreev);
  names = list_dir (f->dir);
  g_assert_true (g_strv_equal ((const char * const *) names, only_model));
  g_clear_pointer (&loaded, ds_model_free);
  loaded = ds_model_load (f->path, NULL, &error);
  g_assert_no_error (error);
  assert_same_model (first, loaded);
}

static void
test_save_missing_folder (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = small_model (22);
  g_autofree char *folder = g_build_filename (f->dir, "no-such-folder", NULL);
  g_autofree char *path = g_build_filename (folder, "model.dsm", NULL);
  g_auto(GStrv) names = NULL;

  g_assert_false (ds_model_save (model, NULL, path, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  names = list_dir (f->dir);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/engine/model-file/round-trip/adam", test_round_trip_adam);
  ADD ("/engine/model-file/round-trip/sgd", test_round_trip_sgd);
  ADD ("/engine/model-file/round-trip/adamw", test_round_trip_adamw);
  ADD ("/engine/model-file/round-trip/bare", test_round_trip_bare);
  ADD ("/engine/model-file/round-trip/metadata", test_round_trip_metadata);
  ADD ("/engine/model-file/version-1", test_load_version_1);
  ADD ("/engine/model-file/missing", test_load_missing);
  ADD ("/engine/model-file/empty", test_load_empty);
  ADD ("/engine/model-file/wrong-magic", test_load_wrong_magic);
  ADD ("/engine/model-file/truncated", test_load_truncated);
  ADD ("/engine/model-file/flipped-byte", test_load_flipped_byte);
  ADD ("/engine/model-file/newer-version", test_load_newer_version);
  ADD ("/engine/model-file/inconsistent", test_load_inconsistent);
  ADD ("/engine/model-file/save-atomic", test_save_atomic);
  ADD ("/engine/model-file/save-missing-folder", test_save_missing_folder);

#undef ADD

  return g_test_run ();
}
