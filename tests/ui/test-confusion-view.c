/* test-confusion-view.c: the confusion-matrix widget, drawn and clicked for real under Xvfb
 *
 * The drawing tests render with ds_confusion_view_draw(), the function the snapshot uses, into
 * image surfaces and read pixels at cells found through the view's geometry, never at fixed
 * positions. The click and key tests send real X events with xdotool, so GtkGestureClick and
 * the key bindings run as for a person. Renders go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>

#include "ds-confusion-view-private.h"
#include "ui-test-utils.h"

static const char * const three_names[] = { "crack", "scratch", "dent" };
static const guint64 three_counts[] = {
  45,  3,  2,   /* crack: 90 % recall */
   6, 30, 14,   /* scratch: 60 %, often taken for a dent */
   0, 10, 10,   /* dent: 50 %, never taken for a crack */
};

static const char * const twenty_names[] = {
  "scratch", "crack", "dent", "burr", "porosity", "inclusion", "delamination", "corrosion",
  "discoloration", "missing component", "solder bridge", "tombstoning", "misalignment",
  "contamination", "blowhole", "cold lap", "warpage", "flash", "short shot",
  "good (no defect at all)",
};

static const GdkRGBA light_window = { 0.98, 0.98, 0.98, 1.0 };
static const GdkRGBA dark_window = { 0.14, 0.14, 0.14, 1.0 };

typedef struct
{
  guint count;
  guint row, col;
} Activation;

/* Main loop */

static void
activated_cb (DsConfusionView *view,
              guint            row,
              guint            col,
              Activation      *activation)
{
  activation->count++;
  activation->row = row;
  activation->col = col;
}

static gboolean
wait_for_activation (Activation *activation,
                     guint       count)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (activation->count < count && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  return activation->count >= count;
}

/* A borderless window holding @view, mapped and allocated. */
static GtkWidget *
show_in_window (GtkWidget *view,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();
  gboolean mapped = FALSE;

  /* no title bar, so that window and surface coordinates are the same */
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < 500 && !mapped; i++)
    {
      iterate_for (0.01);
      mapped = gtk_widget_get_mapped (view) && gtk_widget_get_width (view) > 0;
    }
  g_assert_true (mapped);
  iterate_for (0.3);  /* the first frame */

  return window;
}

/* Pixels */

/* Draws @view at @width × @height over @background, as the window would show it. */
static cairo_surface_t *
render (DsConfusionView *view,
        int              width,
        int              height,
        const GdkRGBA   *background,
        const char      *png_name)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  gdk_cairo_set_source_rgba (cr, background);
  cairo_paint (cr);
  ds_confusion_view_draw (view, cr, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (png_name != NULL)
    {
      g_autofree char *path = screenshot_path (png_name);

      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("screenshot: %s", path);
    }

  return surface;
}

/* The colour at (@x, @y), 0 to 1; the surface is opaque, so premultiplying changes nothing. */
static GdkRGBA
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 value;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  value = *(const guint32 *) (gconstpointer) (data + (gsize) y * stride + (gsize) x * 4);

  return (GdkRGBA) { ((value >> 16) & 0xff) / 255.0, ((value >> 8) & 0xff) / 255.0,
                     (value & 0xff) / 255.0, 1.0 };
}

/* The fill of a cell, read near its top-left corner: the count is in the middle. */
static GdkRGBA
cell_fill (cairo_surface_t           *surface,
           const DsConfusionGeometry *geometry,
           guint                      row,
           guint                      col)
{
  graphene_rect_t r;

  ds_confusion_geometry_cell_rect (geometry, row, col, &r);
  if (r.size.width < 8)  /* no text in such cells */
    return pixel (surface, (int) (r.origin.x + r.size.width / 2),
                  (int) (r.origin.y + r.size.height / 2));
  if (r.size.width < 20)
    return pixel (surface, (int) r.origin.x + 3, (int) r.origin.y + 3);

  return pixel (surface, (int) (r.origin.x + r.size.width * 0.15),
                (int) (r.origin.y + r.size.height * 0.15));
}

static double
lightness (const GdkRGBA *c)
{
  return 0.299 * c->red + 0.587 * c->green + 0.114 * c->blue;
}

static double
saturation (const GdkRGBA *c)
{
  return MAX (c->red, MAX (c->green, c->blue)) - MIN (c->red, MIN (c->green, c->blue));
}

static gboolean
near (const GdkRGBA *a,
      const GdkRGBA *b,
      double         tolerance)
{
  return fabs (a->red - b->red) <= tolerance && fabs (a->green - b->green) <= tolerance
         && fabs (a->blue - b->blue) <= tolerance;
}

/* The largest lightness difference from @fill inside the cell: its count's contrast. */
static double
text_contrast (cairo_surface_t           *surface,
               const DsConfusionGeometry *geometry,
               guint                      row,
               guint                      col,
               const GdkRGBA             *fill)
{
  graphene_rect_t r;
  double contrast = 0;

  ds_confusion_geometry_cell_rect (geometry, row, col, &r);
  for (int y = (int) r.origin.y + 4; y < (int) (r.origin.y + r.size.height) - 4; y++)
    for (int x = (int) r.origin.x + 4; x < (int) (r.origin.x + r.size.width) - 4; x++)
      {
        GdkRGBA c = pixel (surface, x, y);

        contrast = MAX (contrast, fabs (lightness (&c) - lightness (fill)));
      }

  return contrast;
}

/* The layout keeps everything on the surface and the names apart. */
static void
assert_geometry_fits (const DsConfusionGeometry *g)
{
  double grid = g->pitch * g->n_classes;

  g_assert_cmpfloat (g->pitch, >=, 1);
  g_assert_cmpfloat (g->grid_x - 6 - g->row_names_width - 6 - g->title_height, >=, 0);
  g_assert_cmpfloat (g->grid_y - 6 - g->col_names_height - 6 - g->title_height, >=, 0);
  g_assert_cmpfloat (g->grid_x + grid, <=, g->width);
  g_assert_cmpfloat (g->grid_y + grid, <=, g->height);
  g_assert_cmpfloat (g->name_step * g->pitch, >=, g->name_height);
  if (!g->rotate_col_names)
    g_assert_cmpfloat (g->pitch, >=, 9);
}

/* Tests */

/* Correct predictions in the accent colour by recall, mistakes warm, zeros like the window. */
static void
test_colours (void)
{
  GtkWidget *view = ds_confusion_view_new ();
  GtkWidget *window = show_in_window (view, 480, 400);
  DsConfusionView *self = DS_CONFUSION_VIEW (view);
  DsConfusionGeometry g;
  cairo_surface_t *surface;
  GdkRGBA high, low, error, small_error, empty;

  ds_confusion_view_set_matrix (self, 3, three_counts, three_names);
  g_assert_cmpfloat_with_epsilon (ds_confusion_view_get_fraction (self, 0, 0), 0.9, 1e-9);
  g_assert_cmpuint (ds_confusion_view_get_count (self, 1, 2), ==, 14);
  surface = render (self, 480, 400, &light_window, "confusion-view-3-classes.png");
  ds_confusion_view_compute_geometry (self, 480, 400, &g);
  assert_geometry_fits (&g);
  g_assert_false (g.rotate_col_names);  /* short names fit across */

  high = cell_fill (surface, &g, 0, 0);         /* crack, 90 % */
  low = cell_fill (surface, &g, 2, 2);          /* dent, 50 % */
  error = cell_fill (surface, &g, 1, 2);        /* scratch taken for dent, 28 % */
  small_error = cell_fill (surface, &g, 0, 1);  /* crack taken for scratch, 6 % */
  empty = cell_fill (surface, &g, 2, 0);        /* dent never taken for crack */

  g_assert_cmpfloat (lightness (&high), <, lightness (&low) - 0.15);
  g_assert_cmpfloat (saturation (&high), >, saturation (&low));
  g_assert_cmpfloat (high.blue, >, high.red + 0.3);    /* the accent family */
  g_assert_cmpfloat (error.red, >, error.blue + 0.3);  /* the warm family */
  g_assert_cmpfloat (small_error.red, >, small_error.blue + 0.15);  /* and visible when small */
  g_assert_true (near (&empty, &light_window, 0.06));

  /* the counts are printed, with contrast on both pale and deep cells */
  g_assert_cmpfloat (text_contrast (surface, &g, 0, 0, &high), >, 0.4);
  g_assert_cmpfloat (text_contrast (surface, &g, 1, 2, &error), >, 0.4);
  g_assert_cmpfloat (text_contrast (surface, &g, 0, 1, &small_error), >, 0.4);
  cairo_surface_destroy (surface);

  /* the same matrix at two classes fewer and more: a 2-class one for the eyes */
  {
    const guint64 two[] = { 88, 12, 4, 96 };
    const char * const names[] = { "good", "defective" };

    ds_confusion_view_set_matrix (self, 2, two, names);
    cairo_surface_destroy (render (self, 320, 260, &light_window, "confusion-view-2-classes.png"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The same in a dark theme: the background guess and the text colours follow it. */
static void
test_dark (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *view = ds_confusion_view_new ();
  GtkWidget *window;
  DsConfusionView *self = DS_CONFUSION_VIEW (view);
  DsConfusionGeometry g;
  cairo_surface_t *surface;
  GdkRGBA high, error, empty;

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  window = show_in_window (view, 480, 400);
  ds_confusion_view_set_matrix (self, 3, three_counts, three_names);
  surface = render (self, 480, 400, &dark_window, "confusion-view-dark.png");
  ds_confusion_view_compute_geometry (self, 480, 400, &g);

  high = cell_fill (surface, &g, 0, 0);
  error = cell_fill (surface, &g, 1, 2);
  empty = cell_fill (surface, &g, 2, 0);
  g_assert_cmpfloat (high.blue, >, high.red + 0.3);
  g_assert_cmpfloat (error.red, >, error.blue + 0.2);
  g_assert_true (near (&empty, &dark_window, 0.06));
  g_assert_cmpfloat (text_contrast (surface, &g, 2, 0, &empty), >, 0.2);  /* a dim "0" */
  g_assert_cmpfloat (text_contrast (surface, &g, 0, 0, &high), >, 0.4);
  cairo_surface_destroy (surface);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  iterate_for (0.1);
}

/* Every cell's centre maps back to it, at several sizes and class counts; outside is nothing. */
static void
test_cell_at (void)
{
  DsConfusionView *self = g_object_ref_sink (DS_CONFUSION_VIEW (ds_confusion_view_new ()));
  const struct { guint n; int width, height; } cases[] = {
    { 3, 480, 400 }, { 3, 200, 200 }, { 2, 900, 300 }, { 20, 700, 700 }, { 20, 200, 200 },
  };
  g_autofree guint64 *counts = g_new0 (guint64, 20 * 20);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      DsConfusionGeometry g;
      guint n = cases[c].n, row, col;
      double grid;

      for (guint i = 0; i < n; i++)
        counts[i * n + i] = 10;
      ds_confusion_view_set_matrix (self, n, counts, n == 20 ? twenty_names : three_names);
      ds_confusion_view_compute_geometry (self, cases[c].width, cases[c].height, &g);
      assert_geometry_fits (&g);
      grid = g.pitch * n;

      for (guint r = 0; r < n; r++)
        for (guint k = 0; k < n; k++)
          {
            graphene_rect_t rect;

            ds_confusion_geometry_cell_rect (&g, r, k, &rect);
            g_assert_true (ds_confusion_geometry_cell_at (&g, rect.origin.x + rect.size.width / 2,
                                                          rect.origin.y + rect.size.height / 2,
                                                          &row, &col));
            g_assert_cmpuint (row, ==, r);
            g_assert_cmpuint (col, ==, k);
          }

      g_assert_false (ds_confusion_geometry_cell_at (&g, 0, 0, &row, &col));
      g_assert_false (ds_confusion_geometry_cell_at (&g, g.grid_x - 1, g.grid_y + 1, &row, &col));
      g_assert_false (ds_confusion_geometry_cell_at (&g, g.grid_x + 1, g.grid_y - 1, &row, &col));
      g_assert_false (ds_confusion_geometry_cell_at (&g, g.grid_x + grid, g.grid_y, &row, &col));
      g_assert_false (ds_confusion_geometry_cell_at (&g, g.grid_x, g.grid_y + grid, &row, &col));
      g_assert_false (ds_confusion_geometry_cell_at (&g, cases[c].width - 1, cases[c].height - 1,
                                                     &row, &col));
    }

  g_object_unref (self);
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
}

/* The centre of a cell in the X window's coordinates, as text for xdotool. */
static void
cell_on_screen (GtkWidget *view,
                GtkWidget *window,
                guint      row,
                guint      col,
                char       x[16],
                char       y[16])
{
  graphene_rect_t r;
  graphene_point_t point;
  double dx, dy;

  g_assert_true (ds_confusion_view_get_cell_rect (DS_CONFUSION_VIEW (view), row, col, &r));
  g_assert_true (gtk_widget_compute_point (view, window,
                                           &GRAPHENE_POINT_INIT (r.origin.x + r.size.width / 2,
                                                                 r.origin.y + r.size.height / 2),
                                           &point));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  g_snprintf (x, 16, "%d", (int) (point.x + dx));
  g_snprintf (y, 16, "%d", (int) (point.y + dy));
}

/* A real click through the X server: GtkGestureClick, press and release in one cell. Then a
 * press in one cell released in another (nothing), then arrow keys and Enter through the key
 * bindings, then the widget action those bindings call. */
static void
test_click_and_keys (void)
{
  GtkWidget *view = ds_confusion_view_new ();
  GtkWidget *window = show_in_window (view, 520, 440);
  DsConfusionView *self = DS_CONFUSION_VIEW (view);
  Activation activation = { 0, };
  g_autofree char *text = NULL;
  g_autofree char *xid = NULL;
  char x[16], y[16], x2[16], y2[16];
  guint row, col;

  g_assert_true (GDK_IS_X11_DISPLAY (gtk_widget_get_display (window)));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (
                           gtk_native_get_surface (GTK_NATIVE (window))));
  ds_confusion_view_set_matrix (self, 3, three_counts, three_names);
  g_signal_connect (view, "cell-activated", G_CALLBACK (activated_cb), &activation);
  iterate_for (0.2);

  /* the view's own size, as the pointer sees it */
  for (guint r = 0; r < 3; r++)
    for (guint k = 0; k < 3; k++)
      {
        graphene_rect_t rect;

        g_assert_true (ds_confusion_view_get_cell_rect (self, r, k, &rect));
        g_assert_true (ds_confusion_view_cell_at (self, rect.origin.x + rect.size.width / 2,
                                                  rect.origin.y + rect.size.height / 2,
                                                  &row, &col));
        g_assert_cmpuint (row, ==, r);
        g_assert_cmpuint (col, ==, k);
      }
  g_assert_false (ds_confusion_view_cell_at (self, 1, 1, &row, &col));
  g_assert_false (ds_confusion_view_get_cell_rect (self, 3, 0, NULL));

  /* a click on (dent, scratch) */
  cell_on_screen (view, window, 2, 1, x, y);
  xdotool ((const char *[]) { "mousemove", "--window", xid, x, y, "click", "1", NULL });
  g_assert_true (wait_for_activation (&activation, 1));
  g_assert_cmpuint (activation.row, ==, 2);
  g_assert_cmpuint (activation.col, ==, 1);
  g_assert_cmpint (self->hover_row, ==, 2);
  g_assert_cmpint (self->hover_col, ==, 1);
  g_assert_cmpuint (self->focus_row, ==, 2);
  g_assert_cmpuint (self->focus_col, ==, 1);
  g_assert_true (gtk_widget_has_focus (view));
  text = ds_confusion_view_dup_cell_text (self, 2, 1);
  g_assert_cmpstr (text, ==, "True dent, predicted scratch: 10 images (50 % of dent). "
                             "Click to show them.");
  screenshot (window, "confusion-view-window-hover.png");

  /* pressed on (crack, crack), released on (scratch, scratch): changed one's mind */
  cell_on_screen (view, window, 0, 0, x, y);
  cell_on_screen (view, window, 1, 1, x2, y2);
  xdotool ((const char *[]) { "mousemove", "--window", xid, x, y, "mousedown", "1",
                              "mousemove", "--window", xid, x2, y2, "mouseup", "1", NULL });
  iterate_for (0.5);
  g_assert_cmpuint (activation.count, ==, 1);
  g_assert_cmpuint (self->focus_row, ==, 0);
  g_assert_cmpuint (self->focus_col, ==, 0);

  /* keys go to the window under the pointer (Xvfb has no window manager) */
  xdotool ((const char *[]) { "key", "--delay", "50", "Down", "Right", "Right", "Right",
                              "Return", NULL });
  g_assert_true (wait_for_activation (&activation, 2));
  g_assert_cmpuint (activation.row, ==, 1);
  g_assert_cmpuint (activation.col, ==, 2);  /* the third Right stopped at the edge */
  g_assert_true (ds_confusion_view_focus_cell_visible (self));

  xdotool ((const char *[]) { "key", "--delay", "50", "Up", "space", NULL });
  g_assert_true (wait_for_activation (&activation, 3));
  g_assert_cmpuint (activation.row, ==, 0);
  g_assert_cmpuint (activation.col, ==, 2);

  /* what the bindings call, without the X server */
  g_assert_true (gtk_widget_activate_action (view, "confusion-view.activate", NULL));
  g_assert_cmpuint (activation.count, ==, 4);
  g_assert_cmpuint (activation.row, ==, 0);
  g_assert_cmpuint (activation.col, ==, 2);
  screenshot (window, "confusion-view-window-focus.png");

  /* nothing to activate in an empty view */
  ds_confusion_view_clear (self);
  gtk_widget_activate_action (view, "confusion-view.activate", NULL);
  g_assert_cmpuint (activation.count, ==, 4);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.1);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static gboolean
surfaces_equal (cairo_surface_t *a,
                cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  return height == cairo_image_surface_get_height (b)
         && stride == cairo_image_surface_get_stride (b)
         && memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                    (gsize) height * stride) == 0;
}

/* No matrix: a message, no cells, no colour; clearing comes back to exactly that. */
static void
test_empty (void)
{
  GtkWidget *view = ds_confusion_view_new ();
  GtkWidget *window = show_in_window (view, 320, 240);
  DsConfusionView *self = DS_CONFUSION_VIEW (view);
  cairo_surface_t *empty, *cleared;
  guint notified = 0, row, col, coloured = 0, text = 0;
  graphene_rect_t rect;

  g_signal_connect (view, "notify::n-classes", G_CALLBACK (notify_cb), &notified);
  empty = render (self, 320, 240, &light_window, "confusion-view-empty.png");
  for (int y = 0; y < 240; y++)
    for (int x = 0; x < 320; x++)
      {
        GdkRGBA c = pixel (empty, x, y);

        coloured += saturation (&c) > 0.2;
        text += !near (&c, &light_window, 0.1);
        g_assert_false (ds_confusion_view_cell_at (self, x, y, &row, &col));
      }
  g_assert_cmpuint (coloured, ==, 0);
  g_assert_cmpuint (text, >, 100);  /* the message is there */
  g_assert_false (ds_confusion_view_get_cell_rect (self, 0, 0, &rect));

  ds_confusion_view_set_matrix (self, 3, three_counts, three_names);
  g_assert_cmpuint (ds_confusion_view_get_n_classes (self), ==, 3);
  ds_confusion_view_set_matrix (self, 3, three_counts, three_names);  /* a next epoch */
  g_assert_cmpuint (notified, ==, 1);
  ds_confusion_view_clear (self);
  g_assert_cmpuint (ds_confusion_view_get_n_classes (self), ==, 0);
  g_assert_cmpuint (notified, ==, 2);
  cleared = render (self, 320, 240, &light_window, NULL);
  g_assert_true (surfaces_equal (empty, cleared));
  cairo_surface_destroy (cleared);

  /* counts NULL clears too, whatever n_classes says */
  ds_confusion_view_set_matrix (self, 3, three_counts, NULL);
  ds_confusion_view_set_matrix (self, 3, NULL, NULL);
  g_assert_cmpuint (ds_confusion_view_get_n_classes (self), ==, 0);

  cairo_surface_destroy (empty);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Twenty classes with long names, at the natural size and at the minimum. */
static void
test_twenty_classes (void)
{
  GtkWidget *view = ds_confusion_view_new ();
  GtkWidget *window = show_in_window (view, 400, 400);
  DsConfusionView *self = DS_CONFUSION_VIEW (view);
  g_autofree guint64 *counts = g_new0 (guint64, 20 * 20);
  int sizes[3][2], min, nat, nat3_w, nat3_h;
  const char *names[] = { "confusion-view-20-classes.png", "confusion-view-20-classes-min.png",
                          "confusion-view-20-classes-wide.png" };

  for (guint i = 0; i < 20; i++)
    {
      counts[i * 20 + i] = 40 + 3 * i;
      counts[i * 20 + (i + 1) % 20] = i % 4 == 0 ? 12 : 1;
      if (i % 5 == 0)
        counts[i * 20 + (i + 7) % 20] = 5 + i;
    }
  counts[19 * 20 + 19] = 2000;  /* a big class: its count must still fit */

  ds_confusion_view_set_matrix (self, 3, three_counts, three_names);
  ds_confusion_view_get_natural_size (self, &nat3_w, &nat3_h);
  ds_confusion_view_set_matrix (self, 20, counts, twenty_names);
  ds_confusion_view_get_natural_size (self, &sizes[0][0], &sizes[0][1]);
  g_assert_cmpint (sizes[0][0], >, nat3_w);
  g_assert_cmpint (sizes[0][1], >, nat3_h);
  gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, ==, 200);
  g_assert_cmpint (nat, ==, sizes[0][0]);
  sizes[1][0] = sizes[1][1] = 200;
  sizes[2][0] = 900;
  sizes[2][1] = 520;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      DsConfusionGeometry g;
      cairo_surface_t *surface = render (self, sizes[s][0], sizes[s][1], &light_window, names[s]);

      ds_confusion_view_compute_geometry (self, sizes[s][0], sizes[s][1], &g);
      assert_geometry_fits (&g);
      for (guint i = 0; i < 20; i++)
        {
          GdkRGBA diagonal = cell_fill (surface, &g, i, i);
          GdkRGBA error = cell_fill (surface, &g, i, (i + 1) % 20);

          g_assert_cmpfloat (diagonal.blue, >, diagonal.red + 0.2);
          g_assert_cmpfloat (error.red, >, error.blue + 0.1);
        }
      if (s != 1)
        {
          GdkRGBA big = cell_fill (surface, &g, 19, 19);

          /* 2000 is there, if need be as "2k" */
          g_assert_cmpfloat (text_contrast (surface, &g, 19, 19, &big), >, 0.4);
        }
      if (s == 0)
        g_assert_cmpfloat (g.pitch, >=, 28);  /* room for counts at natural size */
      cairo_surface_destroy (surface);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/confusion-view/colours", test_colours);
  g_test_add_func ("/ui/confusion-view/dark", test_dark);
  g_test_add_func ("/ui/confusion-view/cell-at", test_cell_at);
  g_test_add_func ("/ui/confusion-view/click-and-keys", test_click_and_keys);
  g_test_add_func ("/ui/confusion-view/empty", test_empty);
  g_test_add_func ("/ui/confusion-view/twenty-classes", test_twenty_classes);

  return g_test_run ();
}
