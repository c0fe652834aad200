/* test-sample-gallery.c: the grid and gallery of generated samples, under Xvfb
 *
 * The gallery keeps every epoch's set, follows the newest, steps back and stays there, and keeps
 * its selection while stepping; the grid enlarges small images by whole factors and is
 * selected with real clicks (Ctrl, Shift) and keys sent through the X server with xdotool.
 * Screenshots go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>

#include "ds-sample-gallery.h"
#include "ui-test-utils.h"

/* A set of @n 4×4 images of one gray level. */
static DsSampleSet *
flat_set (guint epoch,
          guint n)
{
  g_autoptr(DsTensor) t = ds_tensor_new (DS_SHAPE (n, 1, 4, 4));

  for (gsize i = 0; i < ds_tensor_size (t); i++)
    t->data[i] = (float) (i / 16) / n;
  return ds_sample_set_new_from_tensor (epoch, t);
}

static void
test_gallery_steps_back (void)
{
  GtkWidget *window = gtk_window_new ();
  DsSampleGallery *gallery = DS_SAMPLE_GALLERY (ds_sample_gallery_new ());
  DsSampleGrid *grid = ds_sample_gallery_get_grid (gallery);
  graphene_rect_t a, b;

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 400);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (gallery));
  gtk_window_present (GTK_WINDOW (window));
  for (guint e = 1; e <= 3; e++)
    {
      g_autoptr(DsSampleSet) set = flat_set (e, 9);

      ds_sample_gallery_add (gallery, set);
    }
  iterate_for (0.2);
  /* it follows the newest */
  g_assert_cmpuint (ds_sample_gallery_get_n_sets (gallery), ==, 3);
  g_assert_cmpuint (ds_sample_gallery_get_position (gallery), ==, 3);
  g_assert_cmpstr (ds_sample_gallery_get_title (gallery), ==, "Epoch 3 of 3");

  /* 4×4 images in a 400 px window: enlarged by a whole factor, 3 by 3 */
  g_assert_true (ds_sample_grid_get_cell_area (grid, 0, &a));
  g_assert_true (ds_sample_grid_get_cell_area (grid, 3, &b));
  g_assert_cmpfloat (ds_sample_grid_get_scale (grid), >=, 2.0);
  g_assert_cmpfloat (ds_sample_grid_get_scale (grid), ==, floor (ds_sample_grid_get_scale (grid)));
  g_assert_cmpfloat (a.origin.x, ==, b.origin.x);
  g_assert_cmpfloat (b.origin.y, >, a.origin.y);

  ds_sample_grid_set_selected (grid, 2, TRUE);
  ds_sample_grid_set_selected (grid, 5, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (gallery), "gallery.previous", NULL));
  g_assert_cmpuint (ds_sample_gallery_get_position (gallery), ==, 2);
  g_assert_cmpstr (ds_sample_gallery_get_title (gallery), ==, "Epoch 2 of 3");
  g_assert_cmpuint (ds_sample_gallery_get_shown (gallery)->epoch, ==, 2);
  /* the same cells stay selected: the same latents */
  g_assert_cmpuint (ds_sample_grid_get_n_selected (grid), ==, 2);
  g_assert_true (ds_sample_grid_is_selected (grid, 5));

  /* stepped back, a new epoch does not move it */
  {
    g_autoptr(DsSampleSet) set = flat_set (4, 9);

    ds_sample_gallery_add (gallery, set);
  }
  g_assert_cmpuint (ds_sample_gallery_get_position (gallery), ==, 2);
  g_assert_cmpstr (ds_sample_gallery_get_title (gallery), ==, "Epoch 2 of 4");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (gallery), "gallery.previous", NULL));
  g_assert_cmpuint (ds_sample_gallery_get_position (gallery), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (gallery), "gallery.latest", NULL));
  g_assert_cmpuint (ds_sample_gallery_get_position (gallery), ==, 4);
  ds_sample_grid_select_all (grid);
  g_assert_cmpuint (ds_sample_grid_get_n_selected (grid), ==, 9);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.1);
}

/* Sends xdotool's @args (NULL-terminated) to the X server and waits for it. */
static void
xdotool (const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_strv_builder_add (builder, "xdotool");
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  iterate_for (0.3);
}

/* A real click, with @modifier held ("ctrl", "shift" or NULL), on sample @index. */
static void
click_sample (GtkWidget  *grid,
              GtkWidget  *window,
              const char *xid,
              guint       index,
              const char *modifier)
{
  graphene_rect_t r;
  graphene_point_t point;
  char x[16], y[16];
  double dx, dy;

  g_assert_true (ds_sample_grid_get_cell_area (DS_SAMPLE_GRID (grid), index, &r));
  g_assert_true (gtk_widget_compute_point (grid, window,
                                           &GRAPHENE_POINT_INIT (r.origin.x + r.size.width / 2,
                                                                 r.origin.y + r.size.height / 2),
                                           &point));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  g_snprintf (x, sizeof x, "%d", (int) (point.x + dx));
  g_snprintf (y, sizeof y, "%d", (int) (point.y + dy));
  if (modifier != NULL)
    xdotool ((const char *[]) { "mousemove", "--window", xid, x, y, "keydown", modifier,
                                "click", "1", "keyup", modifier, NULL });
  else
    xdotool ((const char *[]) { "mousemove", "--window", xid, x, y, "click", "1", NULL });
}

/* The selection as a string of indices, "2 3 4". */
static char *
selection_text (DsSampleGrid *grid)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree guint *indices = NULL;
  guint n;

  indices = ds_sample_grid_dup_selection (grid, &n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? " " : "", indices[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

#define assert_selection(grid, expected) \
  G_STMT_START { \
    g_autofree char *got_ = selection_text (grid); \
    g_assert_cmpstr (got_, ==, expected); \
  } G_STMT_END

/* Clicks and keys through the X server, as a person selects. */
static void
test_grid_click_and_keys (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *grid = ds_sample_grid_new ();
  DsSampleGrid *self = DS_SAMPLE_GRID (grid);
  g_autoptr(DsSampleSet) set = flat_set (1, 9);
  g_autofree char *xid = NULL;
  gboolean mapped = FALSE;

  /* no title bar, so that window and surface coordinates are the same */
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 300);
  gtk_window_set_child (GTK_WINDOW (window), grid);
  ds_sample_grid_set_samples (self, set);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 500 && !mapped; i++)
    {
      iterate_for (0.01);
      mapped = gtk_widget_get_mapped (grid) && gtk_widget_get_width (grid) > 0;
    }
  g_assert_true (mapped);
  iterate_for (0.3);
  g_assert_true (GDK_IS_X11_DISPLAY (gtk_widget_get_display (window)));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (
                           gtk_native_get_surface (GTK_NATIVE (window))));

  click_sample (grid, window, xid, 0, NULL);
  assert_selection (self, "0");
  click_sample (grid, window, xid, 4, "ctrl");
  assert_selection (self, "0 4");
  click_sample (grid, window, xid, 2, "shift");
  assert_selection (self, "2 3 4");
  click_sample (grid, window, xid, 3, "ctrl");
  assert_selection (self, "2 4");
  g_assert_true (gtk_widget_has_focus (grid));

  xdotool ((const char *[]) { "key", "ctrl+a", NULL });
  assert_selection (self, "0 1 2 3 4 5 6 7 8");
  xdotool ((const char *[]) { "key", "Escape", NULL });
  assert_selection (self, "");
  /* from sample 3: Right selects 4 alone, Shift+Down extends to 7 (3 columns) */
  xdotool ((const char *[]) { "key", "Right", NULL });
  assert_selection (self, "4");
  xdotool ((const char *[]) { "key", "shift+Down", NULL });
  assert_selection (self, "4 5 6 7");
  xdotool ((const char *[]) { "key", "space", NULL });
  assert_selection (self, "4 5 6");
  screenshot (window, "sample-grid-selection.png");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.1);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/sample-gallery/steps-back", test_gallery_steps_back);
  g_test_add_func ("/ui/sample-grid/click-and-keys", test_grid_click_and_keys);

  return g_test_run ();
}
