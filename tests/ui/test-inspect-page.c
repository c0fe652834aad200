/* test-inspect-page.c: anomaly detection from the window, for real, under Xvfb
 *
 * An autoencoder run on the demo project from the Train page records its scores and AUROCs;
 * the Inspect page shows an image, its reconstruction and its heatmap at the same size; a drag
 * on the score histogram (the pointer, through the X server) moves the review band in the
 * project; on the Review page the keys label the image selected in the project and move on,
 * and Ctrl+Z puts it back in the queue. Screenshots go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-heatmap-view.h"
#include "ds-inspect-page.h"
#include "ds-review-page.h"
#include "ds-score-histogram.h"
#include "ds-train-page.h"
#include "ds-window.h"

#include "ds-engine.h"
#include "store/ds-project-demo.h"
#include "store/ds-project-runs.h"
#include "store/ds-store-files.h"
#include "ui-test-utils.h"

static DsApplication *app;
static char *tmp_dir;
static char *trained;     /* the demo project after the first test's run */
static gint64 ae_run;

/* Connected swapped, whatever the signal's arguments. */
static void
raise_flag (gboolean *flag)
{
  *flag = TRUE;
}

/* Runs xdotool with @args to its end: the X server queues what it sends for the main loop. */
static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

/* Sends @keys to the window under the pointer, as a person at the keyboard would. */
static void
press_keys (const char *keys)
{
  const char *args[] = { "mousemove", "600", "300", "key", "--delay", "50", keys, NULL };

  xdotool (args);
}

/* Where @widget's point (@x, @y) is in its toplevel's X window. */
static void
window_point (GtkWidget *widget,
              double     x,
              double     y,
              int       *wx,
              int       *wy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t p;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT ((float) x, (float) y), &p));
  /* client-side decorations put the window's shadow around it */
  gtk_native_get_surface_transform (native, &sx, &sy);
  *wx = (int) lround (p.x + sx);
  *wy = (int) lround (p.y + sy);
}

static void
set_page (DsWindow   *window,
          const char *name)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (
                                 GTK_WIDGET (ds_window_get_train_page (window)), GTK_TYPE_STACK));

  gtk_stack_set_visible_child_name (stack, name);
}

static void
run_finished_cb (DsTrainPage *page,
                 gint64       run_id,
                 gint64      *out)
{
  *out = run_id;
}

static void
inspected_cb (DsInspectPage *page,
              gint64         image_id,
              gint64        *out)
{
  *out = image_id;
}

static DsProject *
open_read_only (const char *folder)
{
  g_autoptr(GError) error = NULL;
  DsProject *project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  return project;
}

/* The number of distinct colours in @surface, and whether it is @w × @h. */
static guint
count_colours (cairo_surface_t *surface,
               int              w,
               int              h)
{
  g_autoptr(GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);
  const guint8 *data;
  int stride;

  g_assert_nonnull (surface);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, h);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (const void *) (data + y * stride);

      for (int x = 0; x < w; x++)
        g_hash_table_add (colours, GUINT_TO_POINTER (row[x] & 0xffffff));
    }

  return g_hash_table_size (colours);
}

/* An autoencoder on the demo project from the Train page; then the Inspect page. */
static void
test_inspect (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autoptr(DsRunInfo) moved = NULL;
  g_autofree gint64 *ids = NULL;
  g_autofree float *scores = NULL;
  DsWindow *window;
  DsTrainPage *train;
  DsInspectPage *inspect;
  DsScoreHistogram *histogram;
  GtkDropDown *presets;
  GListModel *names;
  gint64 run_id = 0, inspected = 0;
  gboolean band_moved = FALSE, queue_reloaded = FALSE;
  double low, high, target, x0, x1, per_pixel;
  int wx0, wy, wx1, wy1;
  guint n, conv_ae = G_MAXUINT;
  char drag_from[2][16], drag_to[2][16];

  trained = g_build_filename (tmp_dir, "demo", NULL);
  g_assert_true (ds_project_write_demo (trained, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  dir = g_file_new_for_path (trained);

  window = ds_window_new (app);
  train = ds_window_get_train_page (window);
  inspect = ds_window_get_inspect_page (window);
  g_signal_connect (train, "run-finished", G_CALLBACK (run_finished_cb), &run_id);
  g_signal_connect (inspect, "inspected", G_CALLBACK (inspected_cb), &inspected);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, dir);
  iterate_for (1.0);
  g_assert_nonnull (ds_window_get_project (window));

  /* conv-ae from the model list, as a person picks it */
  set_page (window, "train");
  presets = GTK_DROP_DOWN (find_widget (GTK_WIDGET (train), GTK_TYPE_DROP_DOWN));
  names = gtk_drop_down_get_model (presets);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "conv-ae"))
      conv_ae = i;
  g_assert_cmpuint (conv_ae, !=, G_MAXUINT);
  gtk_drop_down_set_selected (presets, conv_ae);
  set_spin (GTK_WIDGET (train), "_Epochs", 6);
  set_spin (GTK_WIDGET (train), "_Batch size", 16);
  iterate_for (0.3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (train), "train.start", NULL));
  while (run_id == 0 && ds_train_page_is_training (train))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (run_id, >, 0);
  iterate_for (0.5);
  screenshot (GTK_WIDGET (window), "train-page-autoencoder.png");

  /* recorded: scores of every image, the two AUROCs, the band */
  project = open_read_only (trained);
  info = ds_project_get_run (project, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DS_RUN_FINISHED);
  g_assert_cmpstr (info->config.preset, ==, "conv-ae");
  g_assert_cmpstr (info->config.normal_class, ==, "ok");
  g_assert_cmpstr (info->origin, ==, "window");
  g_test_message ("run %" G_GINT64_FORMAT ": image AUROC %.4f, pixel AUROC %.4f, band %.5g .. %.5g",
                  run_id, info->anomaly.image_auroc, info->anomaly.pixel_auroc,
                  info->anomaly.threshold_low, info->anomaly.threshold_high);
  g_assert_true (info->anomaly.image_auroc >= 0.0 && info->anomaly.image_auroc <= 1.0);
  g_assert_true (info->anomaly.pixel_auroc >= 0.0 && info->anomaly.pixel_auroc <= 1.0);
  g_assert_true (ds_project_get_anomaly_scores (project, run_id, &ids, &scores, &n, &error));
  g_assert_cmpint (n, ==, ds_project_count_images (project, DS_IMAGE_FILTER_NOT_SYNTHETIC, 0,
                                                   NULL));
  ae_run = run_id;

  /* the Inspect page: image, reconstruction and heatmap of the most anomalous image */
  set_page (window, "inspect");
  while (inspected == 0 || ds_inspect_page_get_run_id (inspect) != run_id)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (0.5);
  g_assert_cmpuint (ds_inspect_page_get_n_images (inspect), ==, n);
  g_assert_cmpint (inspected, ==, ds_inspect_page_get_image_id (inspect));
  {
    GtkWidget *views[3];
    guint colours[3];

    for (guint v = 0; v < 3; v++)
      {
        views[v] = GTK_WIDGET (ds_inspect_page_get_view (inspect, v));
        colours[v] = count_colours (ds_heatmap_view_get_surface (DS_HEATMAP_VIEW (views[v])),
                                    info->input_w, info->input_h);
      }
    g_test_message ("distinct colours: image %u, reconstruction %u, heatmap %u", colours[0],
                    colours[1], colours[2]);
    /* a textured part, a smoother reconstruction, and heat that is not all one colour */
    g_assert_cmpuint (colours[0], >, 16);
    g_assert_cmpuint (colours[1], >, 4);
    g_assert_cmpuint (colours[2], >, 16);
    /* side by side, drawn at the same size, a whole number of screen pixels an image pixel */
    g_test_message ("views %d × %d, drawn at %.0f screen pixels an image pixel",
                    gtk_widget_get_width (views[2]), gtk_widget_get_height (views[2]),
                    ds_heatmap_view_get_scale (DS_HEATMAP_VIEW (views[2])));
    g_assert_cmpfloat (ds_heatmap_view_get_scale (DS_HEATMAP_VIEW (views[2])), >=, 2.0);
    for (guint v = 0; v < 2; v++)
      g_assert_cmpfloat (ds_heatmap_view_get_scale (DS_HEATMAP_VIEW (views[v])), ==,
                         ds_heatmap_view_get_scale (DS_HEATMAP_VIEW (views[2])));
    g_assert_cmpint (abs (gtk_widget_get_width (views[0]) - gtk_widget_get_width (views[2])), <=,
                     1);
  }
  screenshot (GTK_WIDGET (window), "inspect-page.png");

  /* per-image scale: the heat reaches full scale on this image */
  gtk_switch_set_active (ds_inspect_page_get_scale_switch (inspect), TRUE);
  g_assert_true (isnan (ds_heatmap_view_get_heat_max (ds_inspect_page_get_view (
                   inspect, DS_INSPECT_VIEW_HEATMAP))));
  gtk_switch_set_active (ds_inspect_page_get_scale_switch (inspect), FALSE);

  /* the pass threshold dragged with the pointer: a third of the way to the fail threshold, or
   * when the two coincide (nothing to review), down to 60 % of its score */
  histogram = ds_inspect_page_get_histogram (inspect);
  g_signal_connect_swapped (inspect, "band-changed", G_CALLBACK (raise_flag), &band_moved);
  g_signal_connect_swapped (ds_window_get_review_page (window), "loaded",
                            G_CALLBACK (raise_flag), &queue_reloaded);
  low = ds_score_histogram_get_low (histogram);
  high = ds_score_histogram_get_high (histogram);
  target = high - low > 0.05 * high ? low + (high - low) / 3.0 : 0.6 * low;
  x0 = ds_score_histogram_value_to_x (histogram, low);
  x1 = ds_score_histogram_value_to_x (histogram, target);
  per_pixel = fabs ((target - low) / (x1 - x0));
  window_point (GTK_WIDGET (histogram), x0, 60, &wx0, &wy);
  window_point (GTK_WIDGET (histogram), x1, 60, &wx1, &wy1);
  g_snprintf (drag_from[0], sizeof drag_from[0], "%d", wx0);
  g_snprintf (drag_from[1], sizeof drag_from[1], "%d", wy);
  g_snprintf (drag_to[0], sizeof drag_to[0], "%d", wx1);
  g_snprintf (drag_to[1], sizeof drag_to[1], "%d", wy);
  {
    g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (
                                              gtk_native_get_surface (GTK_NATIVE (window))));
    const char *args[] = {
      "mousemove", "--window", xid, drag_from[0], drag_from[1], "sleep", "0.2",
      "mousedown", "1", "sleep", "0.2",
      "mousemove", "--window", xid, drag_to[0], drag_to[1], "sleep", "0.2",
      "mouseup", "1", NULL
    };

    g_test_message ("dragging from x %d to x %d (score %.5g to %.5g)", wx0, wx1, low, target);
    xdotool (args);
  }
  g_assert_true (iterate_until (&band_moved, 10));
  g_test_message ("band after the drag: %.5g .. %.5g", ds_score_histogram_get_low (histogram),
                  ds_score_histogram_get_high (histogram));
  /* where the pointer let go, give or take a pixel; the other line stays */
  g_assert_cmpfloat (fabs (ds_score_histogram_get_low (histogram) - target), <=, 2 * per_pixel);
  g_assert_cmpfloat (ds_score_histogram_get_low (histogram), !=, low);
  g_assert_cmpfloat (ds_score_histogram_get_high (histogram), ==, high);
  /* saved in the run's record, and the Review page reads its queue again */
  moved = ds_project_get_run (project, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (moved->anomaly.threshold_low, ==, ds_score_histogram_get_low (histogram));
  g_assert_cmpfloat (moved->anomaly.threshold_high, ==, high);
  g_assert_true (iterate_until (&queue_reloaded, 30));
  iterate_for (0.3);
  screenshot (GTK_WIDGET (window), "inspect-page-band-moved.png");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

static gint64
stored_class (const char *folder,
              gint64      image_id)
{
  g_autoptr(DsProject) project = open_read_only (folder);
  g_autoptr(DsImageInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = ds_project_get_image (project, image_id, &error);
  g_assert_no_error (error);

  return info->class_id;
}

static gint64
stored_review (const char *folder,
               gint64      image_id)
{
  g_autoptr(DsProject) project = open_read_only (folder);
  g_autoptr(GHashTable) reviews = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 *class_id;

  reviews = ds_project_get_reviews (project, &error);
  g_assert_no_error (error);
  class_id = g_hash_table_lookup (reviews, &image_id);

  return class_id != NULL ? *class_id : 0;
}

static gint64
class_at (const char *folder,
          guint       position)
{
  g_autoptr(DsProject) project = open_read_only (folder);
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(GError) error = NULL;

  classes = ds_project_list_classes (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (position, <, classes->len);

  return ((DsClassInfo *) g_ptr_array_index (classes, position))->id;
}

/* Whether the keyboard focus is on the Review page's queue, where its keys act, and the window
 * is the active one, within a few seconds. */
static gboolean
wait_for_queue_focus (DsWindow     *window,
                      DsReviewPage *review)
{
  GtkWidget *queue = ds_review_page_get_queue_view (review);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GtkWidget *focus = NULL;

  while (g_get_monotonic_time () < end)
    {
      focus = gtk_root_get_focus (GTK_ROOT (window));
      if (focus != NULL && gtk_widget_is_ancestor (focus, queue)
          && gtk_window_is_active (GTK_WINDOW (window)))
        return TRUE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_test_message ("focus on a %s (%s, in a %s), window %sactive",
                  focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing",
                  GTK_IS_ACTIONABLE (focus) &&
                  gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)) != NULL
                  ? gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)) : "no action",
                  focus != NULL && gtk_widget_get_parent (focus) != NULL
                  ? G_OBJECT_TYPE_NAME (gtk_widget_get_parent (focus)) : "-",
                  gtk_window_is_active (GTK_WINDOW (window)) ? "" : "not ");

  return FALSE;
}

/* The Review page: keys label the selected image in the project at once and move on. */
static void
test_review (void)
{
  g_autoptr(GFile) dir = NULL;
  DsWindow *window;
  DsReviewPage *review;
  gboolean loaded = FALSE, labelled = FALSE, shown = FALSE;
  gint64 first, second, third, given, shown_id, class_before;
  gint64 ok_id = class_at (trained, 0), scratch_id = class_at (trained, 1);
  gint64 spot_id = class_at (trained, 2);
  guint remaining, reviewed;

  g_assert_nonnull (trained);
  g_assert_cmpint (ae_run, >, 0);
  dir = g_file_new_for_path (trained);
  window = ds_window_new (app);
  review = ds_window_get_review_page (window);
  g_signal_connect_swapped (review, "loaded", G_CALLBACK (raise_flag), &loaded);
  g_signal_connect_swapped (review, "shown", G_CALLBACK (raise_flag), &shown);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, dir);
  g_assert_true (iterate_until (&loaded, 60));
  set_page (window, "review");
  g_assert_true (iterate_until (&shown, 30));
  iterate_for (0.5);

  remaining = ds_review_page_get_n_remaining (review);
  reviewed = ds_review_page_get_n_reviewed (review);
  g_test_message ("queue: %u remaining, %u reviewed", remaining, reviewed);
  g_assert_cmpuint (remaining, >=, 2);
  screenshot (GTK_WIDGET (window), "review-page.png");

  /* O: accepted as ok, in the project at once; the next image is selected. The page's keys
   * act wherever the focus is while the page is shown. */
  first = ds_review_page_get_image_id (review);
  g_assert_cmpint (first, >, 0);
  g_signal_connect_swapped (review, "labels-changed", G_CALLBACK (raise_flag), &labelled);
  press_keys ("o");
  g_assert_true (iterate_until (&labelled, 10));
  g_assert_cmpint (stored_class (trained, first), ==, ok_id);
  g_assert_cmpint (stored_review (trained, first), ==, ok_id);
  g_assert_cmpuint (ds_review_page_get_n_remaining (review), ==, remaining - 1);
  g_assert_cmpuint (ds_review_page_get_n_reviewed (review), ==, reviewed + 1);
  second = ds_review_page_get_image_id (review);
  g_assert_cmpint (second, >, 0);
  g_assert_cmpint (second, !=, first);

  /* Return on the queue, where a click (or the page being shown) puts the focus */
  gtk_widget_grab_focus (ds_review_page_get_queue_view (review));
  g_assert_true (wait_for_queue_focus (window, review));
  labelled = FALSE;
  press_keys ("Return");
  g_assert_true (iterate_until (&labelled, 10));
  g_assert_cmpint (stored_class (trained, second), ==, ok_id);
  g_assert_cmpint (stored_review (trained, second), ==, ok_id);
  g_assert_cmpuint (ds_review_page_get_n_remaining (review), ==, remaining - 2);
  third = ds_review_page_get_image_id (review);
  g_assert_cmpint (third, !=, second);

  /* 2 (or 3 when it has the second class already): a class of its own, an undo step */
  given = stored_class (trained, third) != scratch_id ? scratch_id : spot_id;
  labelled = FALSE;
  press_keys (given == scratch_id ? "2" : "3");
  g_assert_true (iterate_until (&labelled, 10));
  g_assert_cmpint (stored_class (trained, third), ==, given);
  g_assert_cmpint (stored_review (trained, third), ==, given);
  g_assert_cmpuint (ds_review_page_get_n_remaining (review), ==, remaining - 3);
  g_assert_cmpuint (ds_review_page_get_n_reviewed (review), ==, reviewed + 3);
  g_assert_cmpint (ds_review_page_get_image_id (review), !=, third);
  iterate_for (0.5);
  screenshot (GTK_WIDGET (window), "review-page-after-keys.png");

  /* Ctrl+Z takes the label back, and the image is in the queue again */
  loaded = FALSE;
  press_keys ("ctrl+z");
  g_assert_true (iterate_until (&loaded, 30));
  g_assert_cmpint (stored_class (trained, third), !=, given);
  g_assert_cmpuint (ds_review_page_get_n_remaining (review), ==, remaining - 2);
  g_assert_cmpuint (ds_review_page_get_n_reviewed (review), ==, reviewed + 2);

  /* on another page the digits are not the Review page's */
  set_page (window, "inspect");
  iterate_for (0.5);
  shown_id = ds_review_page_get_image_id (review);
  class_before = stored_class (trained, shown_id);
  press_keys ("4");
  iterate_for (0.5);
  g_assert_cmpint (stored_class (trained, shown_id), ==, class_before);
  g_assert_cmpuint (ds_review_page_get_n_remaining (review), ==, remaining - 2);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  tmp_dir = g_dir_make_tmp ("ds-test-inspect-XXXXXX", &error);
  g_assert_no_error (error);
  app = ui_test_init_app (&argc, &argv, tmp_dir);

  g_test_add_func ("/ui/inspect-page/autoencoder-run", test_inspect);
  g_test_add_func ("/ui/review-page/keys", test_review);
  ret = g_test_run ();

  g_object_unref (app);
  ds_store_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (trained);
  return ret;
}
