/* test-loss-chart.c: the training chart's pixels, files and cache
 *
 * The chart is exported as PNG and the pixels are checked where its layout says the axes and
 * values are (ds_loss_chart_get_export_layout(), so no pixel position is written here). The
 * images are kept in $G_TEST_BUILDDIR/screenshots/loss-chart-*.png for a person to look at.
 * The last tests put the widget in a window under Xvfb and check that its drawing is cached.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "ds-loss-chart-private.h"
#include "ui-test-utils.h"

#define WIDTH  800
#define HEIGHT 480

static char *tmp_dir;

static DsLossChart *
chart_new (void)
{
  return g_object_ref_sink (DS_LOSS_CHART (ds_loss_chart_new ()));
}

/* Exports @chart as screenshots/@name and reads the pixels back, with the layout it used. */
static cairo_surface_t *
export_png (DsLossChart   *chart,
            const char    *name,
            DsChartLayout *layout)
{
  g_autofree char *path = screenshot_path (name);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;

  g_assert_true (ds_loss_chart_export_png (chart, path, WIDTH, HEIGHT, &error));
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);

  surface = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, HEIGHT);
  ds_loss_chart_get_export_layout (chart, WIDTH, HEIGHT, layout);

  return surface;
}

static void
pixel_rgb (cairo_surface_t *surface,
           int              x,
           int              y,
           double           rgb[3])
{
  const guchar *row = cairo_image_surface_get_data (surface)
                      + (gsize) y * cairo_image_surface_get_stride (surface);
  guint32 pixel;

  g_assert_true (x >= 0 && x < cairo_image_surface_get_width (surface));
  g_assert_true (y >= 0 && y < cairo_image_surface_get_height (surface));
  memcpy (&pixel, row + 4 * x, sizeof pixel);
  rgb[0] = ((pixel >> 16) & 0xff) / 255.0;
  rgb[1] = ((pixel >> 8) & 0xff) / 255.0;
  rgb[2] = (pixel & 0xff) / 255.0;
}

static gboolean
is_dark (cairo_surface_t *surface,
         int              x,
         int              y)
{
  double rgb[3];

  pixel_rgb (surface, x, y, rgb);

  /* grey-black, as axes and text are; not a curve's saturated colour */
  return MAX (MAX (rgb[0], rgb[1]), rgb[2]) < 0.5;
}

/* How far the pixel is from @color seen at @alpha on white, as the largest channel difference. */
static double
distance (cairo_surface_t *surface,
          int              x,
          int              y,
          const GdkRGBA   *color,
          double           alpha)
{
  double rgb[3];
  double want[3] = { color->red, color->green, color->blue };
  double d = 0;

  pixel_rgb (surface, x, y, rgb);
  for (int c = 0; c < 3; c++)
    d = MAX (d, fabs (rgb[c] - (alpha * want[c] + 1 - alpha)));

  return d;
}

/* The rows of column @x, inside the plot, where @color is drawn solid; their mean in *@mean. */
static guint
rows_of_color (cairo_surface_t     *surface,
               const DsChartLayout *layout,
               int                  x,
               const GdkRGBA       *color,
               double               alpha,
               double               tolerance,
               double              *mean,
               int                 *first,
               int                 *last)
{
  guint n = 0;
  double sum = 0;

  *first = G_MAXINT;
  *last = G_MININT;
  for (int y = layout->top; y < layout->top + layout->plot_height; y++)
    if (distance (surface, x, y, color, alpha) < tolerance)
      {
        n++;
        sum += y + 0.5;  /* the pixel's centre */
        *first = MIN (*first, y);
        *last = MAX (*last, y);
      }
  *mean = n > 0 ? sum / n : NAN;

  return n;
}

static const GdkRGBA *
series_color (DsLossChart *chart,
              guint        series)
{
  return &ds_loss_chart_get_series (chart, series)->color;
}

/* A run as training produces one: a falling, noisy loss per step, validation per epoch that
 * starts to overfit after a while. */
static void
fill_run (DsLossChart *chart,
          guint        epochs,
          guint        steps_per_epoch,
          guint32      seed,
          double       slowness)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  ds_loss_chart_set_steps_per_epoch (chart, steps_per_epoch);
  for (guint e = 1; e <= epochs; e++)
    {
      for (guint s = 1; s <= steps_per_epoch; s++)
        {
          guint64 step = (guint64) (e - 1) * steps_per_epoch + s;
          double base = 0.06 + 2.2 * exp (-(double) step / (500.0 * slowness));

          ds_loss_chart_add_train_loss (chart, step,
                                        base * (1 + 0.6 * (g_rand_double (rand) - 0.5)));
        }
      ds_loss_chart_add_epoch (chart, e,
                               0.15 + 2.0 * exp (-(double) e / (3.0 * slowness))
                               + (e > 14 ? 0.004 * (e - 14) * (e - 14) : 0),
                               0.965 - 0.6 * exp (-(double) e / (3.5 * slowness)));
    }
}

/* The axes are on the pixels next to the plot area, 1 pixel wide. */
static void
test_axes (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  cairo_surface_t *surface;
  DsChartLayout layout;
  int bottom;

  fill_run (chart, 20, 100, 1, 1.0);
  surface = export_png (chart, "loss-chart-axes.png", &layout);
  g_assert_true (layout.has_data);
  g_assert_true (layout.has_accuracy);
  g_assert_cmpint (layout.left, >, 20);
  g_assert_cmpint (layout.plot_width, >, WIDTH / 2);
  g_assert_cmpint (layout.plot_height, >, HEIGHT / 2);

  bottom = layout.top + layout.plot_height;
  for (int y = layout.top; y <= bottom; y++)
    {
      g_assert_true (is_dark (surface, layout.left - 1, y));
      /* between the ticks and their labels there is nothing */
      g_assert_false (is_dark (surface, layout.left - 1 - 8, y));
    }
  for (int x = layout.left - 1; x < layout.left + layout.plot_width; x++)
    g_assert_true (is_dark (surface, x, bottom));
  /* the right (accuracy) axis */
  for (int y = layout.top; y <= bottom; y++)
    g_assert_true (is_dark (surface, layout.left + layout.plot_width, y));
  /* 1 pixel: inside the plot the column is not all dark */
  {
    guint dark = 0;

    for (int y = layout.top; y < bottom; y++)
      dark += is_dark (surface, layout.left + 1, y);
    g_assert_cmpuint (dark, <, layout.plot_height / 4);
  }

  cairo_surface_destroy (surface);
}

/* A constant 0.5 lies where the axes say, and nowhere else in its column. */
static void
test_constant (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  cairo_surface_t *surface;
  DsChartLayout layout;
  double mean;
  int first, last, x;
  guint n;

  ds_loss_chart_set_steps_per_epoch (chart, 100);
  for (guint step = 0; step <= 1000; step++)
    ds_loss_chart_add_train_loss (chart, step, 0.5);
  for (guint epoch = 1; epoch <= 10; epoch++)
    ds_loss_chart_add_epoch (chart, epoch, NAN, 0.5);
  surface = export_png (chart, "loss-chart-constant.png", &layout);

  /* the accuracy axis is 0 to 1; the loss axis starts at 0 */
  g_assert_cmpfloat (ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_ACCURACY, 0.5), ==,
                     layout.top + layout.plot_height / 2.0);
  g_assert_cmpfloat (ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_ACCURACY, 1.0), ==,
                     layout.top);
  g_assert_cmpfloat (layout.loss_min, ==, 0.0);
  g_assert_cmpfloat (ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_LOSS, 0.0), ==,
                     layout.top + layout.plot_height);

  /* between two epochs' dots, away from the markers on the left */
  x = (int) ds_chart_layout_x_to_px (&layout, 550);
  n = rows_of_color (surface, &layout, x, series_color (chart, DS_LOSS_CHART_VAL_ACCURACY), 1.0,
                     0.25, &mean, &first, &last);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpfloat (fabs (mean - (layout.top + layout.plot_height / 2.0)), <=, 1.0);
  g_assert_cmpint (last - first, <=, 2);

  n = rows_of_color (surface, &layout, x, series_color (chart, DS_LOSS_CHART_TRAIN_LOSS), 1.0,
                     0.25, &mean, &first, &last);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpfloat (fabs (mean - ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_LOSS, 0.5)), <=,
                     1.0);
  g_assert_cmpint (last - first, <=, 2);

  cairo_surface_destroy (surface);
}

/* On the log scale 0.01, 0.1 and 1 are equally far apart. */
static void
test_log_scale (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  static const double values[] = { 1.0, 0.1, 0.01 };
  cairo_surface_t *surface;
  DsChartLayout layout;
  double rows[3];

  for (guint step = 0; step < 900; step++)
    ds_loss_chart_add_train_loss (chart, step, values[step / 300]);
  ds_loss_chart_set_log_scale (chart, TRUE);
  g_assert_true (ds_loss_chart_get_log_scale (chart));
  surface = export_png (chart, "loss-chart-log.png", &layout);
  g_assert_true (layout.log_scale);

  for (guint i = 0; i < 3; i++)
    {
      int x = (int) ds_chart_layout_x_to_px (&layout, 150 + 300 * i);
      int first, last;

      g_assert_cmpuint (rows_of_color (surface, &layout, x,
                                       series_color (chart, DS_LOSS_CHART_TRAIN_LOSS), 1.0, 0.25,
                                       &rows[i], &first, &last), >=, 1);
      g_assert_cmpint (last - first, <=, 2);
      g_assert_cmpfloat (fabs (rows[i] - ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_LOSS,
                                                                   values[i])), <=, 1.0);
    }
  g_test_message ("rows of 1, 0.1, 0.01: %.1f %.1f %.1f", rows[0], rows[1], rows[2]);
  g_assert_cmpfloat (rows[1] - rows[0], >, 40);
  g_assert_cmpfloat (fabs ((rows[1] - rows[0]) - (rows[2] - rows[1])), <=, 1.5);

  cairo_surface_destroy (surface);
}

static void
assert_same_charts (DsLossChart *a,
                    DsLossChart *b)
{
  g_assert_cmpuint (ds_loss_chart_get_steps_per_epoch (a), ==,
                    ds_loss_chart_get_steps_per_epoch (b));
  g_assert_cmpuint (ds_loss_chart_get_n_series (a), ==, ds_loss_chart_get_n_series (b));
  for (guint s = 0; s < ds_loss_chart_get_n_series (a); s++)
    {
      const DsChartSeries *sa = ds_loss_chart_get_series (a, s);
      const DsChartSeries *sb = ds_loss_chart_get_series (b, s);

      g_assert_cmpstr (sa->name, ==, sb->name);
      g_assert_cmpint (sa->axis, ==, sb->axis);
      g_assert_cmpint (sa->unit, ==, sb->unit);
      g_assert_cmpuint (sa->points->len, ==, sb->points->len);
      for (guint i = 0; i < sa->points->len; i++)
        {
          double xa, ya, xb, yb;

          ds_loss_chart_get_point (a, s, i, &xa, &ya);
          ds_loss_chart_get_point (b, s, i, &xb, &yb);
          /* exactly: the file's numbers read back as the same doubles */
          g_assert_cmpfloat (xa, ==, xb);
          g_assert_cmpfloat (ya, ==, yb);
        }
      g_assert_cmpint (isnan (sa->bad_x), ==, isnan (sb->bad_x));
      if (!isnan (sa->bad_x))
        {
          g_assert_cmpfloat (sa->bad_x, ==, sb->bad_x);
          g_assert_cmpint (isnan (sa->bad_y), ==, isnan (sb->bad_y));
        }
    }
}

/* Every point comes back exactly from the CSV, names with commas and quotes too. */
static void
test_csv_round_trip (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  g_autoptr(DsLossChart) again = chart_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "curves.csv", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "bad.csv", NULL);
  g_autofree char *contents = NULL;
  guint d_loss, g_loss;

  /* 3 does not divide 1 exactly: the step and epoch columns are not both exact */
  ds_loss_chart_set_steps_per_epoch (chart, 3);
  for (guint step = 1; step <= 900; step++)
    ds_loss_chart_add_train_loss (chart, step, g_rand_double_range (rand, 1e-7, 3.0));
  for (guint epoch = 1; epoch <= 300; epoch++)
    ds_loss_chart_add_epoch (chart, epoch, g_rand_double (rand),
                             epoch % 7 == 0 ? NAN : g_rand_double (rand));
  d_loss = ds_loss_chart_add_series (chart, "D loss, \"GAN\"", DS_CHART_AXIS_LOSS,
                                     DS_CHART_X_STEP);
  g_loss = ds_loss_chart_add_series (chart, "G loss\nsecond line", DS_CHART_AXIS_LOSS,
                                     DS_CHART_X_EPOCH);
  for (guint step = 1; step <= 50; step++)
    ds_loss_chart_append (chart, d_loss, step, 1.0 / (3.0 * step) + 1e-300);
  ds_loss_chart_append (chart, d_loss, 51, NAN);  /* diverged */
  ds_loss_chart_append (chart, g_loss, 0.5, 2.5);
  ds_loss_chart_append (chart, g_loss, 1.5, INFINITY);

  g_assert_true (ds_loss_chart_export_csv (chart, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "series,axis,unit,step,epoch,value\n"
                                             "training loss,loss,step,1,"));
  g_assert_nonnull (strstr (contents, "\n\"D loss, \"\"GAN\"\"\",loss,step,51,17,nan\n"));

  /* something in the chart before: loading replaces it */
  ds_loss_chart_add_series (again, "left over", DS_CHART_AXIS_LOSS, DS_CHART_X_STEP);
  ds_loss_chart_add_train_loss (again, 5000, 1.0);
  g_assert_true (ds_loss_chart_load_csv (again, path, &error));
  g_assert_no_error (error);
  assert_same_charts (chart, again);
  g_assert_cmpuint (ds_loss_chart_get_n_points (again, DS_LOSS_CHART_TRAIN_LOSS), ==, 900);
  g_assert_cmpuint (ds_loss_chart_get_n_points (again, DS_LOSS_CHART_VAL_ACCURACY), ==, 300 - 42);

  /* a damaged file names itself and its line, and leaves the chart alone */
  g_assert_true (g_file_set_contents (bad, "series,axis,unit,step,epoch,value\n"
                                           "training loss,loss,step,1,,0.5\n"
                                           "training loss,sideways,step,2,,0.4\n", -1, NULL));
  g_assert_false (ds_loss_chart_load_csv (again, bad, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, bad));
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_clear_error (&error);
  assert_same_charts (chart, again);

  g_assert_false (ds_loss_chart_load_csv (again, "/nonexistent/curves.csv", &error));
  g_assert_nonnull (strstr (error->message, "/nonexistent/curves.csv"));
}

static void
test_svg (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = screenshot_path ("loss-chart.svg");
  g_autofree char *contents = NULL;

  fill_run (chart, 20, 100, 2, 1.0);
  g_assert_true (ds_loss_chart_export_svg (chart, path, WIDTH, HEIGHT, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "<?xml") || g_str_has_prefix (contents, "<svg"));
  g_assert_nonnull (strstr (contents, "</svg>"));

  g_assert_false (ds_loss_chart_export_svg (chart, "/nonexistent/chart.svg", WIDTH, HEIGHT,
                                            &error));
  g_assert_nonnull (strstr (error->message, "/nonexistent/chart.svg"));
}

/* 100,000 points draw, and the line spans the plot. */
static void
test_many_points (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  cairo_surface_t *surface;
  DsChartLayout layout;
  guint columns = 0;

  ds_loss_chart_set_smoothing (chart, 0.95);
  for (guint step = 1; step <= 100000; step++)
    ds_loss_chart_add_train_loss (chart, step, (0.1 + 2.0 * exp (-(double) step / 8000.0))
                                               * g_rand_double_range (rand, 0.6, 1.4));
  g_assert_cmpuint (ds_loss_chart_get_n_points (chart, DS_LOSS_CHART_TRAIN_LOSS), ==, 100000);
  surface = export_png (chart, "loss-chart-100k.png", &layout);

  for (int x = layout.left + 2; x < layout.left + layout.plot_width - 2; x++)
    {
      double mean;
      int first, last;

      columns += rows_of_color (surface, &layout, x, series_color (chart, 0), 1.0, 0.25, &mean,
                                &first, &last) > 0;
    }
  g_assert_cmpuint (columns, >=, (guint) (layout.plot_width - 4) * 9 / 10);

  cairo_surface_destroy (surface);
}

/* With smoothing 0.9 the smoothed line runs between the raw extremes, which are drawn faintly. */
static void
test_smoothing (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  const DsChartSeries *s;
  cairo_surface_t *surface;
  DsChartLayout layout;
  double solid, faint;
  int solid_first, solid_last, faint_first, faint_last, x;

  g_object_set (chart, "smoothing", 0.9, NULL);
  for (guint step = 0; step < 2000; step++)
    ds_loss_chart_add_train_loss (chart, step, step % 2 ? 0.8 : 0.2);

  s = ds_loss_chart_get_series (chart, DS_LOSS_CHART_TRAIN_LOSS);
  for (guint i = 100; i < s->points->len; i++)
    {
      double smoothed = g_array_index (s->smoothed, double, i);

      g_assert_cmpfloat (smoothed, >, 0.45);
      g_assert_cmpfloat (smoothed, <, 0.55);
    }

  surface = export_png (chart, "loss-chart-smoothing.png", &layout);
  x = (int) ds_chart_layout_x_to_px (&layout, 1000);
  g_assert_cmpuint (rows_of_color (surface, &layout, x, &s->color, 1.0, 0.25, &solid,
                                   &solid_first, &solid_last), >=, 1);
  g_assert_cmpuint (rows_of_color (surface, &layout, x, &s->color, 0.28, 0.08, &faint,
                                   &faint_first, &faint_last), >=, 10);
  g_test_message ("faint rows %d to %d, solid %d to %d", faint_first, faint_last, solid_first,
                  solid_last);
  /* the raw band reaches 0.8 and 0.2 */
  g_assert_cmpfloat (fabs (faint_first - ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_LOSS,
                                                                   0.8)), <=, 2);
  g_assert_cmpfloat (fabs (faint_last - ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_LOSS,
                                                                  0.2)), <=, 2);
  g_assert_cmpint (solid_first, >, faint_first);
  g_assert_cmpint (solid_last, <, faint_last);
  g_assert_cmpfloat (fabs (solid - ds_chart_layout_y_to_px (&layout, DS_CHART_AXIS_LOSS, 0.5)),
                     <=, 0.05 * layout.plot_height);

  cairo_surface_destroy (surface);
}

/* No data: the frame and a sentence in the middle. */
static void
test_empty (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  cairo_surface_t *surface;
  DsChartLayout layout;
  guint dark = 0;
  int cy;

  surface = export_png (chart, "loss-chart-empty.png", &layout);
  g_assert_false (layout.has_data);
  for (int y = layout.top; y <= layout.top + layout.plot_height; y++)
    g_assert_true (is_dark (surface, layout.left - 1, y));
  cy = layout.top + layout.plot_height / 2;
  for (int y = cy - 10; y <= cy + 10; y++)
    for (int x = layout.left + layout.plot_width / 3; x < layout.left + 2 * layout.plot_width / 3;
         x++)
      dark += is_dark (surface, x, y);
  g_assert_cmpuint (dark, >, 30);

  cairo_surface_destroy (surface);
}

/* What the Train page will show: a run, an earlier one behind it, in steps and in epochs. */
static void
test_run (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  g_autoptr(DsLossChart) earlier = chart_new ();
  g_autoptr(GArray) x = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) y = g_array_new (FALSE, FALSE, sizeof (double));
  cairo_surface_t *surface;
  DsChartLayout layout;

  fill_run (chart, 30, 250, 4, 1.0);
  fill_run (earlier, 30, 250, 5, 1.8);
  for (guint s = DS_LOSS_CHART_TRAIN_LOSS; s <= DS_LOSS_CHART_VAL_LOSS; s++)
    {
      g_array_set_size (x, ds_loss_chart_get_n_points (earlier, s));
      g_array_set_size (y, x->len);
      for (guint i = 0; i < x->len; i++)
        ds_loss_chart_get_point (earlier, s, i, &g_array_index (x, double, i),
                                 &g_array_index (y, double, i));
      ds_loss_chart_add_overlay (chart, "run 3", s, (double *) (gpointer) x->data,
                                 (double *) (gpointer) y->data, x->len);
    }
  ds_loss_chart_set_smoothing (chart, 0.9);

  surface = export_png (chart, "loss-chart-run.png", &layout);
  g_assert_cmpuint (layout.n_legend, ==, 4);
  g_assert_cmpfloat (layout.x_max, >=, 30 * 250);
  cairo_surface_destroy (surface);

  g_object_set (chart, "x-unit", DS_CHART_X_EPOCH, "log-scale", TRUE, NULL);
  surface = export_png (chart, "loss-chart-run-epochs.png", &layout);
  g_assert_cmpfloat (layout.x_max, >=, 30);
  g_assert_cmpfloat (layout.x_max, <, 32);
  cairo_surface_destroy (surface);

  /* without steps per epoch, only the series of the x unit are shown */
  ds_loss_chart_clear_overlays (chart);
  ds_loss_chart_set_steps_per_epoch (chart, 0);
  ds_loss_chart_get_export_layout (chart, WIDTH, HEIGHT, &layout);
  g_assert_cmpuint (layout.n_legend, ==, 2);

  ds_loss_chart_clear (chart);
  ds_loss_chart_get_export_layout (chart, WIDTH, HEIGHT, &layout);
  g_assert_false (layout.has_data);
}

/* A training run resumed from an earlier step drops the points after it. */
static void
test_resume (void)
{
  g_autoptr(DsLossChart) chart = chart_new ();
  double x, y;

  for (guint step = 1; step <= 100; step++)
    ds_loss_chart_add_train_loss (chart, step, 1.0 / step);
  ds_loss_chart_add_train_loss (chart, 101, NAN);
  ds_loss_chart_add_train_loss (chart, 60, 0.5);
  g_assert_cmpuint (ds_loss_chart_get_n_points (chart, 0), ==, 60);
  ds_loss_chart_get_point (chart, 0, 59, &x, &y);
  g_assert_cmpfloat (x, ==, 60);
  g_assert_cmpfloat (y, ==, 0.5);
  g_assert_true (isnan (ds_loss_chart_get_series (chart, 0)->bad_x));
  g_assert_cmpfloat (ds_loss_chart_get_series (chart, 0)->y_min, ==, 1.0 / 59);
}

static gboolean
rendered_more_than (DsLossChart *chart,
                    guint        renders)
{
  gboolean done = FALSE;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!done && g_get_monotonic_time () < end)
    {
      iterate_until (&done, 0.01);
      done = chart->n_renders > renders;
    }

  return done;
}

/* In a window: a burst of points costs one drawing, the pointer readout none, a theme change
 * one. */
static void
test_widget (void)
{
  GtkWidget *window = gtk_window_new ();
  DsLossChart *chart = DS_LOSS_CHART (ds_loss_chart_new ());
  g_autoptr(GtkAdjustment) adjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 0.999, 0.01,
                                                                              0.1, 0));
  const DsChartSeries *val_loss;
  DsChartPick pick;
  guint renders, frames;
  double px, py;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 520);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (chart));
  gtk_window_present (GTK_WINDOW (window));
  fill_run (chart, 12, 250, 6, 1.0);
  /* as the page will: a slider bound to the smoothing */
  g_object_bind_property (adjustment, "value", chart, "smoothing", G_BINDING_DEFAULT);
  gtk_adjustment_set_value (adjustment, 0.8);
  g_assert_cmpfloat (ds_loss_chart_get_smoothing (chart), ==, 0.8);

  g_assert_true (rendered_more_than (chart, 0));
  iterate_for (0.3);
  screenshot (window, "loss-chart-window.png");

  renders = chart->n_renders;
  for (guint step = 12 * 250 + 1; step <= 13 * 250; step++)
    ds_loss_chart_add_train_loss (chart, step, 0.2);
  ds_loss_chart_add_epoch (chart, 13, 0.3, 0.9);
  g_assert_true (rendered_more_than (chart, renders));
  iterate_for (0.3);
  g_assert_cmpuint (chart->n_renders, ==, renders + 1);

  /* point at the fourth validation loss */
  val_loss = ds_loss_chart_get_series (chart, DS_LOSS_CHART_VAL_LOSS);
  px = ds_chart_layout_x_to_px (&chart->layout, 4 * 250);
  py = ds_chart_layout_y_to_px (&chart->layout, DS_CHART_AXIS_LOSS,
                                g_array_index (val_loss->points, DsChartPoint, 3).y);
  g_assert_true (ds_loss_chart_pick (chart, &chart->layout, px + 2, py - 3, &pick));
  g_assert_true (pick.series == val_loss);
  g_assert_cmpuint (pick.index, ==, 3);

  renders = chart->n_renders;
  frames = chart->n_frames;
  ds_loss_chart_set_pointer (chart, px + 2, py - 3);
  iterate_for (0.3);
  g_assert_cmpuint (chart->n_frames, >, frames);
  g_assert_cmpuint (chart->n_renders, ==, renders);
  screenshot (window, "loss-chart-hover.png");

  /* a dark theme changes the text colour: the chart is drawn again in it */
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  g_assert_true (rendered_more_than (chart, renders));
  screenshot (window, "loss-chart-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
  g_assert_true (rendered_more_than (chart, renders + 1));
  renders = chart->n_renders;

  ds_loss_chart_set_pointer (chart, NAN, NAN);
  g_assert_false (chart->pointer_inside);
  iterate_for (0.1);
  g_assert_cmpuint (chart->n_renders, ==, renders);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.1);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  tmp_dir = g_dir_make_tmp ("ds-test-loss-chart-XXXXXX", &error);
  g_assert_no_error (error);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/loss-chart/axes", test_axes);
  g_test_add_func ("/ui/loss-chart/constant", test_constant);
  g_test_add_func ("/ui/loss-chart/log-scale", test_log_scale);
  g_test_add_func ("/ui/loss-chart/csv-round-trip", test_csv_round_trip);
  g_test_add_func ("/ui/loss-chart/svg", test_svg);
  g_test_add_func ("/ui/loss-chart/many-points", test_many_points);
  g_test_add_func ("/ui/loss-chart/smoothing", test_smoothing);
  g_test_add_func ("/ui/loss-chart/empty", test_empty);
  g_test_add_func ("/ui/loss-chart/run", test_run);
  g_test_add_func ("/ui/loss-chart/resume", test_resume);
  g_test_add_func ("/ui/loss-chart/widget", test_widget);
  ret = g_test_run ();

  for (const char *const *name = (const char *const[]) { "curves.csv", "bad.csv", NULL };
       *name != NULL; name++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, *name, NULL);

      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);

  return ret;
}
