/* test-cli-anomaly.c: `defectscope-cli anomaly train|eval|score`, run as a script would run it
 *
 * The data is a small demo tree (data/ds-demo.h) with masks: 24 ok surfaces, 11 with a
 * scratch, a spot or a crack. The binary comes from DS_CLI (tests/meson.build).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "cli-test-utils.h"
#include "ds-engine.h"
#include "data/ds-demo.h"
#include "store/ds-store-files.h"

typedef struct
{
  char *dir;      /* everything the tests write */
  char *data;     /* dir/data: ok/, scratch/, spot/, crack/, masks/ */
  char *model;    /* written by /app/cli-anomaly/train-eval-score */
} Shared;

static Shared shared;

static void
shared_setup (void)
{
  g_autoptr(GError) error = NULL;
  DsDemoConfig cfg;

  shared.dir = g_dir_make_tmp ("ds-test-cli-anomaly-XXXXXX", &error);
  g_assert_no_error (error);
  shared.data = g_build_filename (shared.dir, "data", NULL);
  shared.model = g_build_filename (shared.dir, "ae.dsm", NULL);
  ds_demo_config_init (&cfg);
  cfg.counts[DS_DEMO_OK] = 24;
  cfg.counts[DS_DEMO_SCRATCH] = 4;
  cfg.counts[DS_DEMO_SPOT] = 4;
  cfg.counts[DS_DEMO_CRACK] = 3;
  g_assert_true (ds_demo_write (&cfg, shared.data, NULL, NULL, &error));
  g_assert_no_error (error);
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

/* The CLI must exit with 2 and say why on stderr, mentioning @fragment when not NULL. */
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
  g_autofree char *csv = g_build_filename (shared.dir, "never.csv", NULL);

  assert_usage_error ("train", "anomaly", NULL);
  assert_usage_error ("frobnicate", "anomaly", "frobnicate", NULL);
  assert_usage_error ("--out", "anomaly", "train", "--data", d, NULL);
  assert_usage_error ("--data", "anomaly", "train", "--out", m, NULL);
  assert_usage_error ("one of them", "anomaly", "train", "--data", d, "--project", d,
                      "--out", m, NULL);
  assert_usage_error ("seed-cnn", "anomaly", "train", "--data", d, "--model", "seed-cnn",
                      "--out", m, NULL);
  assert_usage_error (NULL, "anomaly", "train", "--data", d, "--epochs", "-2", "--out", m, NULL);
  assert_usage_error ("top-k", "anomaly", "train", "--data", d, "--top-k", "2", "--out", m, NULL);
  assert_usage_error ("blurry", "anomaly", "train", "--data", d, "--residual", "blurry",
                      "--out", m, NULL);
  assert_usage_error ("median", "anomaly", "train", "--data", d, "--score", "median",
                      "--out", m, NULL);
  assert_usage_error ("frr", "anomaly", "train", "--data", d, "--frr", "1.5", "--out", m, NULL);
  assert_usage_error ("size", "anomaly", "train", "--data", d, "--size", "big", "--out", m,
                      NULL);
  assert_usage_error ("bogus", "anomaly", "train", "--bogus", NULL);
  assert_usage_error (NULL, "anomaly", "eval", "--data", d, NULL);
  assert_usage_error (NULL, "anomaly", "eval", "--model", m, NULL);
  assert_usage_error (NULL, "anomaly", "score", "--model", m, "--data", d, NULL);
  assert_usage_error ("stray", "anomaly", "score", "--model", m, "--data", d, "--csv", csv,
                      "stray", NULL);

  /* nothing was trained or written */
  g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

static void
test_help (void)
{
  static const char * const commands[] = { "train", "eval", "score" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "anomaly"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "anomaly", "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *o = NULL;
      g_autofree char *e = NULL;

      g_assert_nonnull (strstr (out, commands[i]));
      g_assert_cmpint (run_cli (&o, &e, "anomaly", commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (o, "--data"));
    }
}

static void
test_missing_data (void)
{
  g_autofree char *missing = g_build_filename (shared.dir, "no-such-data", NULL);
  g_autofree char *m = g_build_filename (shared.dir, "never-written.dsm", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "anomaly", "train", "--data", missing, "--out", m,
                            NULL), ==, 1);
  g_assert_nonnull (strstr (err, missing));
  g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a normal class the data does not have names the ones it has */
  g_assert_cmpint (run_cli (&out, &err, "anomaly", "train", "--data", shared.data,
                            "--normal-class", "fine", "--out", m, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "fine"));
  g_assert_nonnull (strstr (err, "scratch"));
  g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
}

static void
test_train_eval_score (void)
{
  g_autofree char *scratch = g_build_filename (shared.data, "scratch", NULL);
  g_autofree char *csv = g_build_filename (shared.dir, "scores.csv", NULL);
  g_autofree char *heat = g_build_filename (shared.dir, "heat", NULL);
  g_autofree char *roc = g_build_filename (shared.dir, "roc.csv", NULL);
  g_autofree char *csv_text = NULL;
  g_auto(GStrv) rows = NULL;
  g_autoptr(GError) error = NULL;

  /* train: ok is the normal class without being named; 32×32 keeps it quick */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "anomaly", "train", "--data", shared.data,
                              "--size", "32", "--epochs", "2", "--batch", "8",
                              "--out", shared.model, NULL), ==, 0);
    g_assert_cmpuint (count_lines_starting (out, "epoch "), ==, 2);
    g_assert_nonnull (strstr (out, "class ok"));
    g_assert_nonnull (strstr (out, "thresholds:"));
    g_assert_null (strchr (out, '\r'));
    g_assert_true (g_file_test (shared.model, G_FILE_TEST_IS_REGULAR));
  }

  /* eval --json: image and pixel AUROC (the demo has masks), thresholds, every class */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "anomaly", "eval", "--model", shared.model,
                              "--data", shared.data, "--json", "--roc", roc, NULL), ==, 0);
    g_assert_true (g_str_has_prefix (out, "{"));
    g_assert_true (g_str_has_suffix (out, "}\n"));
    g_assert_nonnull (strstr (out, "\"image_auroc\": 0."));
    g_assert_nonnull (strstr (out, "\"pixel_auroc\": 0."));
    g_assert_nonnull (strstr (out, "\"normal_class\": \"ok\""));
    g_assert_nonnull (strstr (out, "\"n_anomalous\": 11,"));
    g_assert_nonnull (strstr (out, "\"thresholds\""));
    g_assert_nonnull (strstr (out, "\"name\": \"crack\""));
    g_assert_nonnull (strstr (out, "\"roc\""));
    g_file_get_contents (roc, &csv_text, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (csv_text, "threshold,fpr,tpr\n"));
    g_clear_pointer (&csv_text, g_free);
  }

  /* eval as text */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "anomaly", "eval", "--model", shared.model,
                              "--data", shared.data, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "image AUROC"));
    g_assert_nonnull (strstr (out, "pixel AUROC 0."));
    g_assert_nonnull (strstr (out, "review band"));
  }

  /* score: a header and one row a PNG, a heatmap of the model's size for each */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "anomaly", "score", "--model", shared.model,
                              "--data", scratch, "--csv", csv, "--heatmaps", heat, NULL), ==, 0);
    g_file_get_contents (csv, &csv_text, NULL, &error);
    g_assert_no_error (error);
    rows = g_strsplit (g_strchomp (csv_text), "\n", -1);
    g_assert_cmpuint (g_strv_length (rows), ==, 1 + 4);
    g_assert_cmpstr (rows[0], ==, "path,score,verdict");
    for (guint i = 1; rows[i] != NULL; i++)
      {
        g_auto(GStrv) fields = g_strsplit (rows[i], ",", -1);
        g_autofree char *base = NULL;
        g_autofree char *name = NULL;
        g_autofree char *heatmap = NULL;
        g_autofree guint8 *px = NULL;
        guint h = 0, w = 0, top = 0;
        char *end = NULL;

        g_assert_cmpuint (g_strv_length (fields), ==, 3);
        g_assert_true (g_str_has_prefix (fields[0], scratch));
        g_ascii_strtod (fields[1], &end);
        g_assert_true (end != fields[1] && *end == '\0');
        g_assert_true (g_str_equal (fields[2], "pass") || g_str_equal (fields[2], "review") ||
                       g_str_equal (fields[2], "fail"));

        base = g_path_get_basename (fields[0]);
        name = g_strdup_printf ("%.*s_heatmap.png", (int) strlen (base) - 4, base);
        heatmap = g_build_filename (heat, name, NULL);
        px = ds_png_load (heatmap, 1, 0, 0, &h, &w, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (h, ==, 32);
        g_assert_cmpuint (w, ==, 32);
        for (guint p = 0; p < h * w; p++)
          top = MAX (top, px[p]);
        /* a surface with a scratch is not all black */
        g_assert_cmpuint (top, >, 0);
      }
  }

  /* another scoring: measured, then saved with thresholds chosen by F1 on this data */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "anomaly", "eval", "--model", shared.model,
                              "--data", shared.data, "--score", "max", "--json", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "\"score\": \"max\""));
    g_assert_nonnull (strstr (err, "chosen on this data"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (&out, &err, "anomaly", "eval", "--model", shared.model,
                              "--data", shared.data, "--score", "max", "--save-thresholds",
                              NULL), ==, 0);
    g_assert_nonnull (strstr (err, shared.model));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (&out, &err, "anomaly", "eval", "--model", shared.model,
                              "--data", shared.data, "--json", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "\"score\": \"max\""));
    g_assert_nonnull (strstr (out, "\"rule\": \"f1\""));
    g_assert_null (strstr (err, "chosen on this data"));
  }
}

static void
test_damaged_model (void)
{
  g_autofree char *bad = g_build_filename (shared.dir, "garbage.dsm", NULL);
  g_autofree char *cut = g_build_filename (shared.dir, "cut.dsm", NULL);
  g_autofree char *classifier = g_build_filename (shared.dir, "classifier.dsm", NULL);
  g_autofree char *csv = g_build_filename (shared.dir, "never.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  const char *paths[] = { bad, cut, classifier };
  gsize len = 0;

  g_file_set_contents (bad, "definitely not a model\n", -1, &error);
  g_assert_no_error (error);
  /* half of a real one, when the training test wrote one */
  if (g_file_get_contents (shared.model, &contents, &len, NULL))
    g_file_set_contents (cut, contents, (gssize) (len / 2), &error);
  else
    g_file_set_contents (cut, "\x89" "DSM\r\n\x1a\n", 8, &error);
  g_assert_no_error (error);
  /* a sound model file, but not an anomaly model */
  model = ds_model_new ("flatten\ndense units=2", DS_SHAPE (1, 1, 32, 32), &error);
  g_assert_no_error (error);
  g_assert_true (ds_model_save (model, NULL, classifier, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (&out, &err, "anomaly", "eval", "--model", paths[i], "--data",
                                shared.data, NULL), ==, 1);
      g_assert_nonnull (strstr (err, paths[i]));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_cli (&out, &err, "anomaly", "score", "--model", paths[i], "--data",
                                shared.data, "--csv", csv, NULL), ==, 1);
      g_assert_nonnull (strstr (err, paths[i]));
      g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
      if (paths[i] == classifier)
        g_assert_nonnull (strstr (err, "not an anomaly model"));
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  shared_setup ();

  g_test_add_func ("/app/cli-anomaly/help", test_help);
  g_test_add_func ("/app/cli-anomaly/usage-errors", test_usage_errors);
  g_test_add_func ("/app/cli-anomaly/missing-data", test_missing_data);
  g_test_add_func ("/app/cli-anomaly/train-eval-score", test_train_eval_score);
  g_test_add_func ("/app/cli-anomaly/damaged-model", test_damaged_model);

  status = g_test_run ();
  ds_store_remove_tree (shared.dir);
  g_free (shared.dir);
  g_free (shared.data);
  g_free (shared.model);

  return status;
}
