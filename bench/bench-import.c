/* bench-import.c: importing 10,000 PNGs from the window, opening the project, scrolling
 *
 * Usage (under a display; bench/import-10k.sh runs it under Xvfb):
 *   bench-import [N] [FASHION_MNIST_DIR]
 *
 * Writes N Fashion-MNIST training images as PNG files (once, kept in $TMPDIR), then, through
 * the window's own code paths:
 *   1. imports them into a new project (the Import action's worker), timing it and recording
 *      the longest main-loop stall meanwhile;
 *   2. opens the project in a new window, timing until the grid is loaded and until every
 *      cell on the first page shows its thumbnail;
 *   3. scrolls the grid down and back a page at a time, one step a frame, recording the
 *      longest main-loop stall.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-label-page.h"
#include "ds-stall-monitor.h"
#include "ds-window.h"
#include "ds-window-private.h"

#include "ds-engine.h"
#include "store/ds-project.h"

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static gboolean
iterate_until (gboolean *done,
               double    seconds)
{
  double end = now_s () + seconds;

  while (!*done && now_s () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);

  return *done;
}

static void
set_flag_cb (gpointer  instance,
             gboolean *flag)
{
  *flag = TRUE;
}

/* The PNG files of the first @n training images, written once. */
static char *
write_pngs (const char *data_dir,
            guint       n)
{
  g_autofree char *dir = g_build_filename (g_get_tmp_dir (), "ds-bench-pngs", NULL);
  g_autofree char *stamp = g_strdup_printf ("%s/.complete-%u", dir, n);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = NULL;
  double t0 = now_s ();

  if (g_file_test (stamp, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&dir);

  data = ds_dataset_open (data_dir, "train", 0, 0, 0, NULL, NULL, &error);
  if (data == NULL)
    g_error ("%s", error->message);
  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < MIN (n, data->n); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%05u.png", dir, i);
      gsize size = (gsize) data->c * data->h * data->w;

      if (!ds_png_save (path, data->pixels + i * size, data->c, data->h, data->w, &error))
        g_error ("%s", error->message);
    }
  g_file_set_contents (stamp, "", 0, NULL);
  printf ("wrote %u PNG files to %s in %.1f s\n", n, dir, now_s () - t0);

  return g_steal_pointer (&dir);
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  const char *data_dir = argc > 2 ? argv[2] : "/usr/share/datasets/fashion-mnist";
  g_autoptr(GError) error = NULL;
  g_autoptr(DsApplication) app = NULL;
  g_autoptr(DsStallMonitor) stalls = NULL;
  g_autofree char *pngs = NULL;
  g_autofree char *home = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GFile) project_dir = NULL;
  const char *paths[2] = { NULL, NULL };
  DsWindow *window;
  DsLabelPage *page;
  GtkAdjustment *adj;
  gboolean loaded = FALSE;
  double t0, import_s, open_s, first_page_s, import_stall, scroll_stall, jump_stall;
  guint shown = 0, cells = 0, steps = 0;
  DsProject *project;

  pngs = write_pngs (data_dir, n);
  home = g_dir_make_tmp ("ds-bench-import-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  folder = g_build_filename (home, "project", NULL);
  ds_project_close (ds_project_create (folder, &error));
  g_assert_no_error (error);

  gtk_init ();
  app = ds_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  /* 1. import from the window */
  project_dir = g_file_new_for_path (folder);
  window = ds_window_new (app);
  page = ds_window_get_label_page (window);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (page, "loaded", G_CALLBACK (set_flag_cb), &loaded);
  ds_window_open_project (window, project_dir);
  iterate_until (&loaded, 30);

  stalls = ds_stall_monitor_new ();
  loaded = FALSE;
  paths[0] = pngs;
  t0 = now_s ();
  ds_window_import_paths (window, paths);
  if (!iterate_until (&loaded, 600))
    g_error ("the import did not finish");
  import_s = now_s () - t0;
  import_stall = ds_stall_monitor_get_max_ms (stalls);
  project = ds_window_get_project (window);
  printf ("import of %" G_GINT64_FORMAT " PNGs: %.2f s (%.0f images/s); longest main-loop stall "
          "%.1f ms\n", ds_project_count_images (project, DS_IMAGE_FILTER_ALL, 0, NULL), import_s,
          n / import_s, import_stall);
  gtk_window_destroy (GTK_WINDOW (window));

  /* 2. open it afresh */
  window = ds_window_new (app);
  page = ds_window_get_label_page (window);
  gtk_window_present (GTK_WINDOW (window));
  loaded = FALSE;
  g_signal_connect (page, "loaded", G_CALLBACK (set_flag_cb), &loaded);
  t0 = now_s ();
  ds_window_open_project (window, project_dir);
  iterate_until (&loaded, 30);
  open_s = now_s () - t0;
  while (now_s () - t0 < 30)
    {
      g_main_context_iteration (NULL, FALSE);
      shown = ds_label_page_count_thumbnails (page, &cells);
      if (cells > 0 && shown == cells)
        break;
    }
  first_page_s = now_s () - t0;
  printf ("open: grid loaded in %.3f s, first page of %u thumbnails shown in %.3f s\n",
          open_s, cells, first_page_s);

  /* 3. scroll down a quarter page a frame, 300 steps, then jump back to the top */
  adj = gtk_scrolled_window_get_vadjustment (ds_label_page_get_grid_scroller (page));
  ds_stall_monitor_reset (stalls);
  t0 = now_s ();
  for (steps = 0; steps < 300; steps++)
    {
      double target = MIN (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) / 4,
                           gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      double frame_end = now_s () + 1.0 / 60;

      gtk_adjustment_set_value (adj, target);
      while (now_s () < frame_end)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (500);
    }
  scroll_stall = ds_stall_monitor_get_max_ms (stalls);
  printf ("scrolling %u steps of a quarter page, one a frame, to %.0f of %.0f px: longest "
          "main-loop stall %.1f ms\n", steps, gtk_adjustment_get_value (adj),
          gtk_adjustment_get_upper (adj), scroll_stall);

  /* and a jump back to the top, as the Home key does */
  ds_stall_monitor_reset (stalls);
  t0 = now_s ();
  gtk_adjustment_set_value (adj, 0);
  while (now_s () - t0 < 0.5)
    g_main_context_iteration (NULL, FALSE);
  jump_stall = ds_stall_monitor_get_max_ms (stalls);
  printf ("jump back to the top: longest main-loop stall %.1f ms\n", jump_stall);
  scroll_stall = MAX (scroll_stall, jump_stall);

  printf ("targets: first page < 1 s: %s; stalls <= 50 ms: import %s, scrolling %s\n",
          first_page_s < 1.0 ? "PASS" : "FAIL", import_stall <= 50 ? "PASS" : "FAIL",
          scroll_stall <= 50 ? "PASS" : "FAIL");
  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
