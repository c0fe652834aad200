/* test-cli-gan.c: defectscope-cli gan train and gan sample, run for real
 *
 * The binary comes from DS_CLI (tests/meson.build). Data: two classes of 28×28 gray PNGs (a
 * horizontal and a vertical bar), 8 each, written once for all tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "cli-test-utils.h"
#include "ds-engine.h"
#include "store/ds-store-files.h"

#define SIDE 28
#define N_EACH 8

typedef struct
{
  char *dir;       /* everything the tests write */
  char *data;      /* dir/data/<class>/NN.png */
  char *model;     /* dir/gan.dsm, written by /app/cli/gan/train-sample */
} Shared;

static Shared shared;

/* Runs the CLI with the NULL-terminated arguments; it must exit, not crash.
 * Returns: its exit status; @out and @err (nullable) receive its output. */
static int
run (char       **out,
     char       **err,
     const char  *first,
     ...) G_GNUC_NULL_TERMINATED;

static int
run (char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *my_out = NULL;
  g_autofree char *my_err = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DS_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (argv->pdata[0]);

  /* in a sanitizer build, undefined behaviour fails the test (ignored by other builds) */
  envp = g_environ_setenv (envp, "UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1:"
                           "print_stacktrace=1", FALSE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &my_out, &my_err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("--- stdout:\n%s--- stderr:\n%s", my_out, my_err);
  if (!WIFEXITED (status))
    g_error ("the CLI did not exit normally (wait status %d)", status);
  if (out != NULL)
    *out = g_steal_pointer (&my_out);
  if (err != NULL)
    *err = g_steal_pointer (&my_err);

  return WEXITSTATUS (status);
}

static void
shared_setup (void)
{
  static const char * const classes[] = { "hbar", "vbar" };
  g_autoptr(GError) error = NULL;
  DsRng rng;

  shared.dir = g_dir_make_tmp ("ds-test-cli-gan-XXXXXX", &error);
  g_assert_no_error (error);
  shared.data = g_build_filename (shared.dir, "data", NULL);
  shared.model = g_build_filename (shared.dir, "gan.dsm", NULL);

  ds_rng_seed (&rng, 7);
  for (guint k = 0; k < G_N_ELEMENTS (classes); k++)
    {
      g_autofree char *folder = g_build_filename (shared.data, classes[k], NULL);

      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
      for (guint i = 0; i < N_EACH; i++)
        {
          g_autofree char *name = g_strdup_printf ("%02u.png", i);
          g_autofree char *path = g_build_filename (folder, name, NULL);
          guint8 pixels[SIDE * SIDE];
          int at = 10 + (int) ds_rng_below (&rng, 8);

          for (int y = 0; y < SIDE; y++)
            for (int x = 0; x < SIDE; x++)
              pixels[y * SIDE + x] = ABS ((k == 0 ? y : x) - at) < 3 ? 230 : 20;
          g_assert_true (ds_png_save (path, pixels, 1, SIDE, SIDE, &error));
        }
    }
}

static void
assert_png_size (const char *path,
                 guint       h,
                 guint       w)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint fh = 0, fw = 0;

  pixels = ds_png_load (path, 1, 0, 0, &fh, &fw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fh, ==, h);
  g_assert_cmpuint (fw, ==, w);
}

static void
test_train_sample (void)
{
  g_autofree char *d_path = ds_gan_discriminator_path (shared.model);
  g_autofree char *samples = g_build_filename (shared.dir, "samples", NULL);
  g_autofree char *checkpoints = g_build_filename (shared.dir, "checkpoints", NULL);
  g_autofree char *grid = g_build_filename (shared.dir, "grid.png", NULL);
  g_autofree char *grid2 = g_build_filename (shared.dir, "grid2.png", NULL);
  g_autofree char *grid3 = g_build_filename (shared.dir, "grid3.png", NULL);
  g_autofree char *each = g_build_filename (shared.dir, "each", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  gsize la, lb, lc;

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run (&out, &err, "gan", "train", "--data", shared.data, "--model", "dcgan",
                          "--epochs", "2", "--batch", "8", "--samples", samples,
                          "--checkpoints", checkpoints, "--label-smoothing", "0.1",
                          "--out", shared.model, NULL), ==, 0);
    /* one line an epoch, no progress bar when stdout is not a terminal */
    g_assert_cmpuint (count_lines_starting (out, "epoch 1/2  d_loss "), ==, 1);
    g_assert_cmpuint (count_lines_starting (out, "epoch 2/2  d_loss "), ==, 1);
    g_assert_nonnull (strstr (out, "16 images of 1×28×28"));
    g_assert_null (strchr (out, '\r'));
    g_assert_nonnull (strstr (out, d_path));
  }
  g_assert_true (g_file_test (shared.model, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (d_path, G_FILE_TEST_IS_REGULAR));
  for (guint e = 1; e <= 2; e++)
    {
      g_autofree char *png = g_strdup_printf ("%s/epoch-%03u.png", samples, e);
      g_autofree char *dsm = g_strdup_printf ("%s/epoch-%03u.dsm", checkpoints, e);
      g_autofree char *disc = g_strdup_printf ("%s/epoch-%03u.disc.dsm", checkpoints, e);

      /* 64 samples: 8 × 8 images of 28 with 2-pixel gaps */
      assert_png_size (png, 8 * 30 + 2, 8 * 30 + 2);
      g_assert_true (g_file_test (dsm, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (disc, G_FILE_TEST_IS_REGULAR));
    }

  /* 10 samples: a 4-wide grid of 3 rows */
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--model", shared.model, "--count", "10",
                        "--seed", "5", "--grid", grid, NULL), ==, 0);
  assert_png_size (grid, 3 * 30 + 2, 4 * 30 + 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--model", shared.model, "--count", "10",
                        "--seed", "5", "--grid", grid2, "--columns", "5", "--out-dir", each,
                        NULL), ==, 0);
  assert_png_size (grid2, 2 * 30 + 2, 5 * 30 + 2);
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("sample-%04u.png", i);
      g_autofree char *path = g_build_filename (each, name, NULL);

      assert_png_size (path, SIDE, SIDE);
    }

  /* the seed fixes the samples */
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--model", shared.model, "--count", "10",
                        "--seed", "5", "--grid", grid2, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--model", shared.model, "--count", "10",
                        "--seed", "6", "--grid", grid3, NULL), ==, 0);
  g_assert_true (g_file_get_contents (grid, &a, &la, NULL));
  g_assert_true (g_file_get_contents (grid2, &b, &lb, NULL));
  g_assert_true (g_file_get_contents (grid3, &c, &lc, NULL));
  g_assert_cmpmem (a, la, b, lb);
  g_assert_false (la == lc && memcmp (a, c, la) == 0);
}

/* One class only, scored with a classifier trained by the CLI on the same images. */
static void
test_class_and_score (void)
{
  g_autofree char *classifier = g_build_filename (shared.dir, "classifier.dsm", NULL);
  g_autofree char *model = g_build_filename (shared.dir, "vbar.dsm", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (NULL, NULL, "train", "--model", "seed-cnn", "--data", shared.data,
                        "--epochs", "1", "--batch", "8", "--val-split", "0", "--out", classifier,
                        NULL), ==, 0);
  g_assert_cmpint (run (&out, &err, "gan", "train", "--data", shared.data, "--class", "vbar",
                        "--model", "mlp-gan", "--epochs", "2", "--batch", "4", "--classifier",
                        classifier, "--score-samples", "40", "--out", model, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "8 images of 1×28×28 (class vbar)"));
  g_assert_cmpuint (count_lines_starting (out, "score 1/2  fid "), ==, 1);
  g_assert_cmpuint (count_lines_starting (out, "score 2/2  fid "), ==, 1);
  g_assert_nonnull (strstr (out, "in class vbar: 1.0000"));

  /* the checkpoint carries the last score */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DsGan) gan = ds_gan_load (model, FALSE, &error);

    g_assert_no_error (error);
    g_assert_cmpint (gan->class_index, ==, 1);
    g_assert_cmpstr (gan->class_name, ==, "vbar");
    g_assert_nonnull (ds_model_get_metadata (gan->generator, "gan.score.fid"));
    g_assert_nonnull (ds_model_get_metadata (gan->generator, "gan.score.classes"));
  }
}

static void
test_errors (void)
{
  g_autofree char *missing = g_build_filename (shared.dir, "no-such-data", NULL);
  g_autofree char *never = g_build_filename (shared.dir, "never.dsm", NULL);
  g_autofree char *grid = g_build_filename (shared.dir, "never.png", NULL);
  g_autofree char *damaged = g_build_filename (shared.dir, "damaged.dsm", NULL);
  g_autofree char *bytes = NULL;
  const char *d = shared.data;
  gsize len;

  /* usage errors: exit status 2 */
  g_assert_cmpint (run (NULL, NULL, "gan", NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "frobnicate", NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "train", "--data", d, NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "train", "--out", never, NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "train", "--data", d, "--out", never, "--model",
                        "vae", NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "train", "--data", d, "--out", never,
                        "--label-smoothing", "1", NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "train", "--data", d, "--out", never, "--epochs",
                        "-2", NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "train", "--data", d, "--out", never, "--bogus",
                        NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--model", shared.model, NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--grid", grid, NULL), ==, 2);
  g_assert_cmpint (run (NULL, NULL, "gan", "sample", "--model", shared.model, "--grid", grid,
                        "--count", "0", NULL), ==, 2);
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (grid, G_FILE_TEST_EXISTS));

  /* failures: exit status 1, naming the file */
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run (NULL, &err, "gan", "train", "--data", missing, "--out", never, NULL),
                     ==, 1);
    g_assert_nonnull (strstr (err, missing));
  }
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run (NULL, &err, "gan", "train", "--data", d, "--class", "diagonal",
                          "--out", never, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "diagonal"));
  }
  g_assert_true (g_file_get_contents (shared.model, &bytes, &len, NULL));
  bytes[len / 3] ^= 0x10;
  g_assert_true (g_file_set_contents (damaged, bytes, len, NULL));
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run (NULL, &err, "gan", "sample", "--model", damaged, "--grid", grid, NULL),
                     ==, 1);
    g_assert_nonnull (strstr (err, damaged));
  }
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run (NULL, &err, "gan", "sample", "--model", missing, "--grid", grid, NULL),
                     ==, 1);
    g_assert_nonnull (strstr (err, missing));
  }
  /* a discriminator file is not a generator */
  {
    g_autofree char *d_path = ds_gan_discriminator_path (shared.model);
    g_autofree char *err = NULL;

    g_assert_cmpint (run (NULL, &err, "gan", "sample", "--model", d_path, "--grid", grid, NULL),
                     ==, 1);
    g_assert_nonnull (strstr (err, d_path));
  }
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (grid, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  shared_setup ();

  /* in this order: the others read the model the first one writes */
  g_test_add_func ("/app/cli/gan/train-sample", test_train_sample);
  g_test_add_func ("/app/cli/gan/class-and-score", test_class_and_score);
  g_test_add_func ("/app/cli/gan/errors", test_errors);

  status = g_test_run ();
  ds_store_remove_tree (shared.dir);
  g_free (shared.dir);
  g_free (shared.data);
  g_free (shared.model);

  return status;
}
