/* cli-project.c: the demo project and project export, for scripts and nightly jobs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <unistd.h>

#include "cli-common.h"
#include "store/ds-project-demo.h"

typedef struct
{
  gboolean tty;
  gint64   last_draw;
} ProgressLine;

/* A progress line on a terminal, nothing otherwise: the result line says what happened. */
static gboolean
progress_cb (guint       done,
             guint       total,
             const char *current_path,
             gpointer    user_data)
{
  ProgressLine *line = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!line->tty || (now - line->last_draw < 100000 && done < total))
    return TRUE;
  line->last_draw = now;
  if (done >= total)
    fprintf (stderr, "\r\033[K");
  else
    fprintf (stderr, "\r\033[K%u/%u  %s", done, total, current_path != NULL ? current_path : "");

  return TRUE;
}

int
cli_demo (int    argc,
          char **argv)
{
  g_autofree char *out = NULL;
  gint64 seed = DS_DEMO_PROJECT_SEED;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Folder of the new project", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Seed of the images (default 2007, the window's)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  ProgressLine line = { .tty = isatty (STDERR_FILENO) };
  CliStatus status;

  if ((status = cli_parse ("demo", "Write the built-in demo project: synthetic surfaces with "
                           "scratches, spots and cracks, half of them labelled.",
                           entries, &argc, &argv)) != CLI_OK)
    return status;
  if (out == NULL)
    return cli_usage_error ("demo", "--out is required");
  if (seed < 0)
    return cli_usage_error ("demo", "--seed must be 0 or more");

  if (!ds_project_write_demo (out, (guint64) seed, progress_cb, &line, &error))
    return cli_fail (error);
  printf ("demo project written to %s\n", out);

  return CLI_OK;
}

int
cli_project (int    argc,
             char **argv)
{
  g_autofree char *folder = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &folder, "The project's folder", "DIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
      "Write labels as CSV: path,class,source,labeled_at", "OUT.csv" },
    { "folder", 0, 0, G_OPTION_ARG_FILENAME, &out,
      "Copy labelled images into OUT/<class>/", "OUT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  ProgressLine line = { .tty = isatty (STDERR_FILENO) };
  CliStatus status;
  guint n = 0;

  if (argc < 2 || !g_str_equal (argv[1], "export"))
    {
      if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
        {
          printf ("Usage: defectscope-cli project export --project DIR [--csv OUT.csv] [--folder OUT]\n");
          return CLI_OK;
        }
      return cli_usage_error ("project", "the only project command is “export”");
    }
  argc--;
  argv++;
  if ((status = cli_parse ("project export", "Export a project's labels as CSV or class folders.",
                           entries, &argc, &argv)) != CLI_OK)
    return status;
  if (folder == NULL || (csv == NULL && out == NULL))
    return cli_usage_error ("project export", "--project and --csv or --folder are required");

  /* exports only read: they also work on a project on read-only media */
  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  if (project == NULL)
    return cli_fail (error);
  if (csv != NULL)
    {
      if (!ds_project_export_csv (project, csv, &error))
        return cli_fail (error);
      printf ("labels written to %s\n", csv);
    }
  if (out != NULL)
    {
      if (!ds_project_export_folders (project, out, progress_cb, &line, &n, &error))
        return cli_fail (error);
      printf ("%u labelled images copied into %s\n", n, out);
    }

  return CLI_OK;
}
