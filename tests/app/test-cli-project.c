/* test-cli-project.c: defectscope-cli demo and project export, run for real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "ds-engine.h"
#include "store/ds-project.h"

static int
run (char       **out,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DS_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* the child's stdout must not mix with this test's TAP stream */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               out != NULL ? G_SPAWN_DEFAULT : G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, out, &err, &status, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    {
      g_autofree char *escaped = g_strescape (err, NULL);

      g_test_message ("stderr: %s", escaped);
    }

  return g_spawn_check_wait_status (status, NULL) ? 0 : WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* "path,class" of every row, without the time the labels were written */
static char *
labels_of (const char *csv_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  g_assert_true (g_file_get_contents (csv_path, &text, NULL, NULL));
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      g_string_append_printf (out, "%s,%s\n", fields[0], fields[1]);
    }

  return g_string_free (out, FALSE);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    n++;

  return n;
}

static void
test_demo_and_export (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("ds-test-cli-project-XXXXXX", &error);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  g_autofree char *csv_a = g_build_filename (tmp, "a.csv", NULL);
  g_autofree char *csv_b = g_build_filename (tmp, "b.csv", NULL);
  g_autofree char *folders = g_build_filename (tmp, "folders", NULL);
  g_autofree char *labels_a = NULL;
  g_autofree char *labels_b = NULL;
  g_autofree char *out = NULL;
  g_autoptr(DsProject) project = NULL;
  g_auto(GStrv) rows = NULL;
  guint labelled = 0;

  g_assert_no_error (error);
  g_assert_cmpint (run (NULL, "demo", "--out", a, "--seed", "7", NULL), ==, 0);
  g_assert_cmpint (run (NULL, "demo", "--out", b, "--seed", "7", NULL), ==, 0);

  /* the demo: a few hundred images in four classes, half of them labelled */
  project = ds_project_open (a, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, 960);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_UNLABELLED, 0, NULL), ==, 480);
  g_clear_pointer (&project, ds_project_close);

  g_assert_cmpint (run (&out, "project", "export", "--project", a, "--csv", csv_a,
                        "--folder", folders, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "480 labelled images"));
  g_assert_cmpint (run (NULL, "project", "export", "--project", b, "--csv", csv_b, NULL), ==, 0);

  /* same seed, same images and labels */
  labels_a = labels_of (csv_a);
  labels_b = labels_of (csv_b);
  g_assert_cmpstr (labels_a, ==, labels_b);
  rows = g_strsplit (labels_a, "\n", -1);
  g_assert_cmpstr (rows[0], ==, "path,class");
  g_assert_cmpuint (g_strv_length (rows), ==, 1 + 960 + 1);
  for (guint i = 1; rows[i] != NULL; i++)
    labelled += *rows[i] != '\0' && !g_str_has_suffix (rows[i], ",");
  g_assert_cmpuint (labelled, ==, 480);

  /* one folder a class with its labelled images */
  {
    const char *classes[] = { "ok", "scratch", "spot", "crack" };
    guint total = 0;

    for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
      {
        g_autofree char *dir = g_build_filename (folders, classes[i], NULL);
        guint n = count_files (dir);

        g_assert_cmpuint (n, >, 0);
        total += n;
      }
    g_assert_cmpuint (total, ==, 480);
  }
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("ds-test-cli-project-XXXXXX", &error);
  g_autofree char *bad = g_build_filename (tmp, "not-a-project", NULL);
  g_autofree char *db = g_build_filename (bad, "project.db", NULL);
  g_autofree char *csv = g_build_filename (tmp, "x.csv", NULL);

  g_assert_cmpint (run (NULL, "demo", NULL), ==, 2);
  g_assert_cmpint (run (NULL, "project", "export", "--project", tmp, NULL), ==, 2);
  g_assert_cmpint (run (NULL, "project", "import", NULL), ==, 2);
  g_assert_cmpint (run (NULL, "project", "export", "--project", bad, "--csv", csv, NULL), ==, 1);

  /* a damaged database is refused with an error, not a crash */
  g_mkdir_with_parents (bad, 0755);
  g_assert_true (g_file_set_contents (db, "not a database at all, sorry", -1, NULL));
  g_assert_cmpint (run (NULL, "project", "export", "--project", bad, "--csv", csv, NULL), ==, 1);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/project/demo-and-export", test_demo_and_export);
  g_test_add_func ("/cli/project/errors", test_errors);

  return g_test_run ();
}
