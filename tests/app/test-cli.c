/* test-cli.c: the real defectscope-cli binary, run as a script would run it
 *
 * The binary's path comes from DS_CLI (tests/meson.build). A small class-per-folder PNG data
 * set is written once for all tests: three classes of 28×28 gray images (a horizontal bar, a
 * vertical bar, a diagonal band), 12 each for training and 4 each for testing, plus one
 * damaged PNG in the training split.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "cli-test-utils.h"
#include "ds-engine.h"
#include "store/ds-store-files.h"

#define SIDE      28
#define N_TRAIN   12
#define N_TEST    4
#define N_CLASSES 3

static const char * const classes[] = { "diagonal", "hbar", "vbar", NULL };  /* sorted */

typedef struct
{
  char *dir;      /* everything the tests write */
  char *data;     /* dir/data, with train/<class>/ and test/<class>/ folders of PNGs */
  char *broken;   /* the damaged PNG */
  char *model;    /* written by /app/cli/train-eval-predict */
} Shared;

static Shared shared;

static void
write_image (const char *folder,
             guint       klass,
             guint       index,
             DsRng      *rng)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%03u.png", index);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  guint8 pixels[SIDE * SIDE];
  int offset = (int) ds_rng_below (rng, 7) - 3;

  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        gboolean on;

        if (klass == 0)
          on = ABS (x - y - offset) < 3;
        else if (klass == 1)
          on = ABS (y - SIDE / 2 - offset) < 3;
        else
          on = ABS (x - SIDE / 2 - offset) < 3;
        pixels[y * SIDE + x] = on ? (guint8) (200 + ds_rng_below (rng, 56))
                                  : (guint8) ds_rng_below (rng, 50);
      }
  g_assert_true (ds_png_save (path, pixels, 1, SIDE, SIDE, &error));
  g_assert_no_error (error);
}

static void
shared_setup (void)
{
  static const char * const splits[] = { "train", "test" };
  static const guint8 broken[] = {
    0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2, 3,
  };
  g_autoptr(GError) error = NULL;
  DsRng rng;

  shared.dir = g_dir_make_tmp ("ds-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  shared.data = g_build_filename (shared.dir, "data", NULL);
  shared.model = g_build_filename (shared.dir, "model.dsm", NULL);

  ds_rng_seed (&rng, 2024);
  for (guint s = 0; s < G_N_ELEMENTS (splits); s++)
    for (guint k = 0; k < N_CLASSES; k++)
      {
        g_autofree char *folder = g_build_filename (shared.data, splits[s], classes[k], NULL);
        guint n = s == 0 ? N_TRAIN : N_TEST;

        g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
        for (guint i = 0; i < n; i++)
          write_image (folder, k, i, &rng);
      }

  shared.broken = g_build_filename (shared.data, "train", "hbar", "zz-broken.png", NULL);
  g_file_set_contents (shared.broken, (const char *) broken, sizeof broken, &error);
  g_assert_no_error (error);
}

static void
shared_teardown (void)
{
  ds_store_remove_tree (shared.dir);
  g_free (shared.dir);
  g_free (shared.data);
  g_free (shared.broken);
  g_free (shared.model);
}

/* Runs the CLI with @args (NULL-terminated); it must exit, not crash.
 * Returns: its exit status. */
static int
run_cliv (const char * const  *args,
          char               **out,
          char               **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *command = NULL;
  const char *cli = g_getenv ("DS_CLI");
  int status = 0;

  g_assert_nonnull (cli);
  g_strv_builder_add (builder, cli);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);

  /* in a sanitizer build, undefined behaviour in the CLI fails the test instead of scrolling by
   * in its stderr (ignored by other builds; a value from the caller wins) */
  envp = g_environ_setenv (envp, "UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1:"
                           "print_stacktrace=1", FALSE);

  command = g_strjoinv (" ", argv);
  g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s\n--- stdout:\n%s--- stderr:\n%s", command, *out, *err);
  if (!WIFEXITED (status))
    g_error ("“%s” did not exit normally (wait status %d): see its stderr above", command, status);

  return WEXITSTATUS (status);
}

static GPtrArray *
collect_args (const char *first,
              va_list     args)
{
  GPtrArray *array = g_ptr_array_new ();

  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (array, (gpointer) arg);
  g_ptr_array_add (array, NULL);

  return array;
}

static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...) G_GNUC_NULL_TERMINATED;

static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) array = NULL;
  va_list args;

  va_start (args, first);
  array = collect_args (first, args);
  va_end (args);

  return run_cliv ((const char * const *) array->pdata, out, err);
}

static void
test_help (void)
{
  static const char * const commands[] = { "train", "eval", "predict" };

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "--help", NULL), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      g_assert_nonnull (strstr (out, commands[i]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (&out, &err, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "--model"));
      g_assert_nonnull (strstr (out, "--data"));
    }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "train", "--help", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "--epochs"));
    g_assert_nonnull (strstr (out, "--val-split"));
    g_assert_nonnull (strstr (out, "--out"));
  }
}

/* The CLI with the NULL-terminated arguments after @fragment must exit with 2 and say why on
 * stderr, mentioning @fragment when it is not NULL. */
static void
assert_usage_error (const char *fragment,
                    const char *first,
                    ...) G_GNUC_NULL_TERMINATED;

static void
assert_usage_error (const char *fragment,
                    const char *first,
                    ...)
{
  g_autoptr(GPtrArray) array = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;

  va_start (args, first);
  array = collect_args (first, args);
  va_end (args);

  g_assert_cmpint (run_cliv ((const char * const *) array->pdata, &out, &err), ==, 2);
  g_assert_cmpstr (err, !=, "");
  if (fragment != NULL && strstr (err, fragment) == NULL)
    g_error ("stderr “%s” does not mention “%s”", err, fragment);
}

static void
test_usage_errors (void)
{
  const char *d = shared.data;
  g_autofree char *m = g_build_filename (shared.dir, "never-written.dsm", NULL);

  assert_usage_error ("Usage", NULL, NULL);
  assert_usage_error ("frobnicate", "frobnicate", NULL);
  assert_usage_error ("--out", "train", "--model", "seed-cnn", "--data", d, NULL);
  assert_usage_error (NULL, "train", "--data", d, "--out", m, NULL);
  assert_usage_error (NULL, "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "--epochs", "-1", NULL);
  assert_usage_error (NULL, "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "--epochs", "many", NULL);
  assert_usage_error ("val-split", "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "--val-split", "2", NULL);
  assert_usage_error (NULL, "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "--batch", "0", NULL);
  assert_usage_error (NULL, "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "--lr", "-0.1", NULL);
  assert_usage_error ("size", "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "--size", "big", NULL);
  assert_usage_error ("no-such-net", "train", "--model", "no-such-net", "--data", d,
                      "--out", m, NULL);
  assert_usage_error ("bogus", "train", "--bogus", NULL);
  assert_usage_error ("stray", "train", "--model", "seed-cnn", "--data", d, "--out", m,
                      "stray", NULL);
  assert_usage_error (NULL, "eval", NULL);
  assert_usage_error (NULL, "eval", "--model", m, NULL);
  assert_usage_error (NULL, "eval", "--model", m, "--data", d, "--split", "holdout", NULL);
  assert_usage_error (NULL, "predict", "--model", m, "--data", d, NULL);

  /* nothing was trained */
  g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
}

static void
test_missing_data (void)
{
  g_autofree char *missing = g_build_filename (shared.dir, "no-such-data", NULL);
  g_autofree char *m = g_build_filename (shared.dir, "never-written.dsm", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "train", "--model", "seed-cnn", "--data", missing,
                            "--out", m, NULL), ==, 1);
  g_assert_nonnull (strstr (err, missing));
  g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
}

/* A tree whose images are all of one class is refused, naming the folder; one with a class
 * folder that holds no image trains, with a warning that names it. */
static void
test_class_checks (void)
{
  g_autofree char *tree = g_build_filename (shared.dir, "one-class", NULL);
  g_autofree char *train = g_build_filename (tree, "train", NULL);
  g_autofree char *m = g_build_filename (shared.dir, "one-class.dsm", NULL);
  DsRng rng;

  ds_rng_seed (&rng, 5);
  for (guint k = 0; k < N_CLASSES; k++)
    {
      g_autofree char *folder = g_build_filename (train, classes[k], NULL);

      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
      /* "hbar" stays empty; "vbar" gets its images only after the first try */
      for (guint i = 0; k == 0 && i < 6; i++)
        write_image (folder, k, i, &rng);
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "train", "--model", "seed-cnn", "--data", tree,
                              "--epochs", "1", "--out", m, NULL), ==, 1);
    g_assert_nonnull (strstr (err, train));
    g_assert_nonnull (strstr (err, "all 6 images are of class “diagonal”"));
    g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
  }

  {
    g_autofree char *vbar = g_build_filename (train, "vbar", NULL);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    for (guint i = 0; i < 6; i++)
      write_image (vbar, 2, i, &rng);
    g_assert_cmpint (run_cli (&out, &err, "train", "--model", "seed-cnn", "--data", tree,
                              "--epochs", "1", "--out", m, NULL), ==, 0);
    g_assert_nonnull (strstr (err, "warning"));
    g_assert_nonnull (strstr (err, train));
    g_assert_nonnull (strstr (err, "1 of its 3 classes have no image: “hbar”"));
    g_assert_true (g_file_test (m, G_FILE_TEST_EXISTS));
  }
}

/* Sums the numbers of the "confusion" matrix of eval's JSON, checking it is k × k. */
static guint64
json_confusion_total (const char *json,
                      guint       k)
{
  const char *p = strstr (json, "\"confusion\"");
  guint64 total = 0;
  guint rows = 0;

  g_assert_nonnull (p);
  p = strchr (p, '[');
  g_assert_nonnull (p);
  for (p++; *p != ']'; )
    {
      guint cols = 0;

      p += strspn (p, " \n,");
      if (*p == ']')
        break;
      g_assert_cmpint (*p, ==, '[');
      for (p++; *p != ']'; )
        {
          char *end = NULL;

          p += strspn (p, " ,");
          total += g_ascii_strtoull (p, &end, 10);
          g_assert_true (end != p);
          p = end;
          cols++;
          p += strspn (p, " ,");
        }
      p++;
      g_assert_cmpuint (cols, ==, k);
      rows++;
    }
  g_assert_cmpuint (rows, ==, k);

  return total;
}

static void
test_train_eval_predict (void)
{
  g_autofree char *test_hbar = g_build_filename (shared.data, "test", "hbar", NULL);
  g_autofree char *train_hbar = g_build_filename (shared.data, "train", "hbar", NULL);
  g_autofree char *csv = g_build_filename (shared.dir, "predictions.csv", NULL);
  g_autofree char *csv_text = NULL;
  g_auto(GStrv) rows = NULL;
  g_autoptr(GError) error = NULL;

  /* train: one line an epoch, no progress bar when stdout is not a terminal */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "train", "--model", "seed-cnn", "--data", shared.data,
                              "--epochs", "2", "--batch", "8", "--out", shared.model, NULL), ==, 0);
    g_assert_cmpuint (count_lines_starting (out, "epoch "), ==, 2);
    g_assert_cmpuint (count_lines_starting (out, "epoch 1/2 "), ==, 1);
    g_assert_cmpuint (count_lines_starting (out, "epoch 2/2 "), ==, 1);
    g_assert_null (strchr (out, '\r'));
    g_assert_null (strchr (out, '\033'));
    g_assert_nonnull (strstr (out, shared.model));
    g_assert_nonnull (strstr (out, "test accuracy"));
    /* the damaged PNG is skipped, and said so with its path */
    g_assert_nonnull (strstr (err, "skipped"));
    g_assert_nonnull (strstr (err, shared.broken));
    g_assert_true (g_file_test (shared.model, G_FILE_TEST_IS_REGULAR));
  }

  /* eval --json */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "eval", "--model", shared.model, "--data", shared.data,
                              "--json", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "\"accuracy\""));
    g_assert_nonnull (strstr (out, "\"confusion\""));
    g_assert_nonnull (strstr (out, "\"inference_seconds\""));
    g_assert_nonnull (strstr (out, "\"macro_f1\""));
    g_assert_nonnull (strstr (out, "\"n\": 12,"));
    for (guint k = 0; k < N_CLASSES; k++)
      {
        g_autofree char *name = g_strdup_printf ("\"name\": \"%s\"", classes[k]);

        g_assert_nonnull (strstr (out, name));
      }
    g_assert_cmpuint (json_confusion_total (out, N_CLASSES), ==,
                      N_TEST * N_CLASSES);
    g_assert_true (g_str_has_prefix (out, "{"));
    g_assert_true (g_str_has_suffix (out, "}\n"));
  }

  /* eval as text, and on the training split (with its damaged file) */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "eval", "--model", shared.model, "--data", shared.data,
                              NULL), ==, 0);
    g_assert_nonnull (strstr (out, "accuracy"));
    g_assert_nonnull (strstr (out, "confusion matrix"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (&out, &err, "eval", "--model", shared.model, "--data", shared.data,
                              "--split", "train", "--json", NULL), ==, 0);
    g_assert_cmpuint (json_confusion_total (out, N_CLASSES), ==,
                      N_TRAIN * N_CLASSES);
    g_assert_nonnull (strstr (err, shared.broken));
  }

  /* predict: a header and one row a PNG */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "predict", "--model", shared.model, "--data", test_hbar,
                              "--csv", csv, NULL), ==, 0);
    g_file_get_contents (csv, &csv_text, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_suffix (csv_text, "\n"));
    rows = g_strsplit (g_strchomp (csv_text), "\n", -1);
    g_assert_cmpuint (g_strv_length (rows), ==, 1 + N_TEST);
    g_assert_cmpstr (rows[0], ==, "path,predicted,confidence,p_diagonal,p_hbar,p_vbar");
    for (guint i = 1; rows[i] != NULL; i++)
      {
        g_auto(GStrv) fields = g_strsplit (rows[i], ",", -1);
        g_autofree char *name = g_strdup_printf ("%03u.png", i - 1);

        g_assert_cmpuint (g_strv_length (fields), ==, 3 + N_CLASSES);
        g_assert_true (g_str_has_suffix (fields[0], name));
        g_assert_true (g_strv_contains (classes, fields[1]));
      }
  }

  /* predict on a folder with the damaged PNG: skipped, the others classified */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "predict", "--model", shared.model, "--data", train_hbar,
                              "--csv", csv, NULL), ==, 0);
    g_assert_nonnull (strstr (err, shared.broken));
    g_clear_pointer (&csv_text, g_free);
    g_clear_pointer (&rows, g_strfreev);
    g_file_get_contents (csv, &csv_text, NULL, &error);
    g_assert_no_error (error);
    rows = g_strsplit (g_strchomp (csv_text), "\n", -1);
    g_assert_cmpuint (g_strv_length (rows), ==, 1 + N_TRAIN);
    g_assert_null (strstr (csv_text, "zz-broken"));
  }
}

static void
test_corrupt_model (void)
{
  g_autofree char *bad = g_build_filename (shared.dir, "corrupt.dsm", NULL);
  g_autofree char *cut = g_build_filename (shared.dir, "cut.dsm", NULL);
  g_autofree char *csv = g_build_filename (shared.dir, "never.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *paths[] = { bad, cut };

  g_file_set_contents (bad, "definitely not a model\n", -1, &error);
  g_assert_no_error (error);
  /* half of a real model, when the training test wrote one */
  if (g_file_get_contents (shared.model, &contents, &len, NULL))
    g_file_set_contents (cut, contents, (gssize) (len / 2), &error);
  else
    g_file_set_contents (cut, "\x89" "DSM\r\n\x1a\n", 8, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (&out, &err, "eval", "--model", paths[i], "--data", shared.data,
                                NULL), ==, 1);
      g_assert_nonnull (strstr (err, paths[i]));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_cli (&out, &err, "predict", "--model", paths[i], "--data",
                                shared.data, "--csv", csv, NULL), ==, 1);
      g_assert_nonnull (strstr (err, paths[i]));
      g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  shared_setup ();

  g_test_add_func ("/app/cli/help", test_help);
  g_test_add_func ("/app/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/app/cli/missing-data", test_missing_data);
  g_test_add_func ("/app/cli/class-checks", test_class_checks);
  g_test_add_func ("/app/cli/train-eval-predict", test_train_eval_predict);
  g_test_add_func ("/app/cli/corrupt-model", test_corrupt_model);

  status = g_test_run ();
  shared_teardown ();

  return status;
}
