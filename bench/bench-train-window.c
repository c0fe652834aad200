/* bench-train-window.c: training from the window against the command line, same data
 *
 * Usage (under a display; bench/train-window.sh runs it under Xvfb):
 *   bench-train-window CLI [EPOCHS] [FASHION_MNIST_DIR]
 *
 * Imports Fashion-MNIST (60,000 training and 10,000 test images) into a project once (kept in
 * $TMPDIR), then trains seed-cnn on it for EPOCHS (default 2) from the Train page, through the
 * window's own code path, recording the longest main-loop stall, and then with
 * `CLI train --project` and the same settings. Prints both runs' images per second per epoch
 * (as the engine measures and records them) and their ratio.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-stall-monitor.h"
#include "ds-train-page.h"
#include "ds-window.h"

#include "ds-engine.h"
#include "store/ds-project.h"
#include "store/ds-project-import.h"
#include "store/ds-project-runs.h"

static char *
make_project (const char *data_dir)
{
  g_autofree char *folder = g_build_filename (g_get_tmp_dir (), "ds-bench-fmnist-project", NULL);
  g_autofree char *stamp = g_build_filename (folder, ".complete", NULL);
  g_autofree char *images = g_build_filename (data_dir, "train-images-idx3-ubyte.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  guint n = 0;

  if (g_file_test (stamp, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&folder);

  printf ("importing Fashion-MNIST into %s (once)\n", folder);
  project = ds_project_create (folder, &error);
  if (project == NULL
      || !ds_project_import_idx (project, images, NULL, NULL, NULL, NULL, NULL, &n, &error))
    g_error ("%s", error->message);
  g_file_set_contents (stamp, "", 0, NULL);
  printf ("%u images imported\n", n);

  return g_steal_pointer (&folder);
}

static void
set_spin (GtkWidget  *root,
          const char *label,
          double      value)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), label) == 0)
        {
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (gtk_label_get_mnemonic_widget (GTK_LABEL (child))),
                                     value);
          return;
        }
      set_spin (child, label, value);
    }
}

static void
run_finished_cb (DsTrainPage *page,
                 gint64       run_id,
                 gint64      *out)
{
  *out = run_id;
}

/* Mean images per second over a run's epochs. */
static double
run_rate (const char *folder,
          gint64      run_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_autoptr(GArray) epochs = NULL;
  double sum = 0.0;

  if (project == NULL || (epochs = ds_project_list_run_epochs (project, run_id, &error)) == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < epochs->len; i++)
    {
      const DsRunEpoch *e = &g_array_index (epochs, DsRunEpoch, i);

      printf ("  run %" G_GINT64_FORMAT " epoch %u: %.2f s, %.0f images/s, val acc %.4f\n", run_id,
              e->epoch, e->seconds, e->items_per_second, e->val_accuracy);
      sum += e->items_per_second;
    }

  return epochs->len > 0 ? sum / epochs->len : NAN;
}

static gint64
latest_run (const char *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_autoptr(GPtrArray) runs = NULL;

  if (project == NULL || (runs = ds_project_list_runs (project, &error)) == NULL)
    g_error ("%s", error->message);

  return runs->len > 0 ? ((DsRunInfo *) g_ptr_array_index (runs, 0))->id : 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsStallMonitor) stalls = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *project_arg = NULL;
  g_autofree char *epochs_arg = NULL;
  g_autoptr(GFile) dir = NULL;
  const char *cli = argc > 1 ? argv[1] : NULL;
  guint epochs = argc > 2 ? (guint) atoi (argv[2]) : 2;
  const char *data_dir = argc > 3 ? argv[3] : "/usr/share/datasets/fashion-mnist";
  DsApplication *app;
  DsWindow *window;
  DsTrainPage *page;
  gint64 gui_run = 0, cli_run;
  double gui_rate, cli_rate, t0;
  int status = 0;

  if (cli == NULL || epochs == 0)
    {
      fprintf (stderr, "usage: bench-train-window CLI [EPOCHS] [FASHION_MNIST_DIR]\n");
      return 2;
    }
  folder = make_project (data_dir);
  dir = g_file_new_for_path (folder);

  gtk_init ();
  app = ds_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = ds_window_new (app);
  page = ds_window_get_train_page (window);
  g_signal_connect (page, "run-finished", G_CALLBACK (run_finished_cb), &gui_run);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, dir);
  for (t0 = g_get_monotonic_time () / 1e6; g_get_monotonic_time () / 1e6 - t0 < 3;)
    g_main_context_iteration (NULL, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (page),
                                                                          GTK_TYPE_STACK)),
                                    "train");
  set_spin (GTK_WIDGET (page), "_Epochs", epochs);

  printf ("window: seed-cnn, %u epochs on %s\n", epochs, folder);
  fflush (stdout);
  stalls = ds_stall_monitor_new ();
  if (!gtk_widget_activate_action (GTK_WIDGET (page), "train.start", NULL))
    g_error ("the Train action is disabled");
  while (gui_run == 0)
    g_main_context_iteration (NULL, TRUE);
  printf ("longest main-loop stall while training: %.1f ms\n", ds_stall_monitor_get_max_ms (stalls));
  gui_rate = run_rate (folder, gui_run);
  gtk_window_destroy (GTK_WINDOW (window));

  project_arg = g_strdup_printf ("--project=%s", folder);
  epochs_arg = g_strdup_printf ("--epochs=%u", epochs);
  printf ("command line: %s train %s --model=seed-cnn %s\n", cli, project_arg, epochs_arg);
  fflush (stdout);
  {
    const char *cli_argv[] = { cli, "train", project_arg, "--model=seed-cnn", epochs_arg, NULL };

    if (!g_spawn_sync (NULL, (char **) cli_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                       NULL, NULL, &status, &error) || status != 0)
      g_error ("the command line failed: %s", error != NULL ? error->message : "exit status");
  }
  cli_run = latest_run (folder);
  cli_rate = run_rate (folder, cli_run);

  printf ("\nimages/s  window %.0f  command line %.0f  window/command line %.3f\n", gui_rate,
          cli_rate, gui_rate / cli_rate);
  g_object_unref (app);

  return 0;
}
