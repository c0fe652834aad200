/* ds-loss-chart-layout.c: where the loss chart's parts go: axis ranges, ticks, margins, legend
 *
 * The layout depends on the data and on the font (labels are measured), never on a cairo_t, so
 * the widget, the files and the test compute the same one for the same size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-loss-chart-private.h"

/* Styles */

void
ds_chart_style_init_for_widget (DsChartStyle *style,
                                GtkWidget    *widget)
{
  GtkStyleContext *context;

  /* gtk_widget_get_color() is GTK 4.10 */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &style->foreground);
  if (!gtk_style_context_lookup_color (context, "window_bg_color", &style->paper)
      && !gtk_style_context_lookup_color (context, "theme_bg_color", &style->paper))
    style->paper = (GdkRGBA) { 0, 0, 0, 0 };
  G_GNUC_END_IGNORE_DEPRECATIONS

  style->background = (GdkRGBA) { 0, 0, 0, 0 };
  style->context = g_object_ref (gtk_widget_get_pango_context (widget));
}

void
ds_chart_style_init_for_export (DsChartStyle *style)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 10");
  cairo_font_options_t *options = cairo_font_options_create ();

  style->foreground = (GdkRGBA) { 0.13, 0.13, 0.13, 1.0 };
  style->background = (GdkRGBA) { 1.0, 1.0, 1.0, 1.0 };
  style->paper = style->background;
  style->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_context_set_font_description (style->context, font);
  /* the same glyph positions at any size, for files */
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (style->context, options);
  cairo_font_options_destroy (options);
}

void
ds_chart_style_clear (DsChartStyle *style)
{
  g_clear_object (&style->context);
}

/* Text */

PangoLayout *
ds_chart_make_text (const DsChartStyle *style,
                    const char         *text)
{
  PangoLayout *layout = pango_layout_new (style->context);

  pango_layout_set_text (layout, text, -1);

  return layout;
}

double
ds_chart_text_width (const DsChartStyle *style,
                     const char         *text)
{
  g_autoptr(PangoLayout) layout = ds_chart_make_text (style, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);

  return width;
}

/* Numbers */

void
ds_chart_format_fixed (char   *buf,
                       gsize   len,
                       double  value,
                       double  step)
{
  int decimals = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);

  /* + 0.0 turns -0 into 0 */
  g_snprintf (buf, len, "%.*f", decimals, value + 0.0);
}

void
ds_chart_format_x_tick (char                *buf,
                        gsize                len,
                        const DsChartLayout *layout,
                        double               value)
{
  /* 25k reads faster than 25000 under a crowded axis */
  if (layout->x_unit == DS_CHART_X_STEP && layout->x_max >= 10000 && layout->x_ticks.step >= 1000
      && value != 0)
    {
      ds_chart_format_fixed (buf, len - 1, value / 1000, layout->x_ticks.step / 1000);
      g_strlcat (buf, "k", len);
    }
  else
    {
      ds_chart_format_fixed (buf, len, value, layout->x_ticks.step);
    }
}

void
ds_chart_format_loss_tick (char                *buf,
                           gsize                len,
                           const DsChartLayout *layout,
                           double               value)
{
  if (layout->log_scale)
    g_snprintf (buf, len, "%g", pow (10, value));
  else
    ds_chart_format_fixed (buf, len, value, layout->loss_ticks.step);
}

/* Ticks */

/* The smallest of 1, 2, 5 times a power of ten that is at least @raw. */
static double
nice_step (double raw)
{
  double decade = pow (10, floor (log10 (raw)));

  if (raw <= decade * 1.0000001)
    return decade;
  if (raw <= decade * 2)
    return decade * 2;
  if (raw <= decade * 5)
    return decade * 5;

  return decade * 10;
}

static void
add_tick (DsChartTicks *ticks,
          double        value,
          gboolean      labelled)
{
  if (ticks->n < DS_CHART_MAX_TICKS)
    {
      ticks->value[ticks->n] = value;
      ticks->labelled[ticks->n] = labelled;
      ticks->n++;
    }
}

static void
linear_ticks (DsChartTicks *ticks,
              double        lo,
              double        hi,
              double        target,
              double        min_step)
{
  double step = MAX (nice_step ((hi - lo) / MAX (target, 1.0)), min_step);
  double first = ceil (lo / step - 1e-9);

  ticks->n = 0;
  ticks->step = step;
  for (double k = first; (k - 1e-9) * step <= hi; k++)
    add_tick (ticks, k * step, TRUE);
}

/* Ticks at decades, with unlabelled ticks at 2 to 9 times them, in log10 units. Where there is
 * room, 2 and 5 times them are labelled too, so that a range of few decades has something to
 * read. */
static void
log_ticks (DsChartTicks *ticks,
           double        lo,
           double        hi,
           double        target)
{
  int first = (int) floor (lo), last = (int) ceil (hi);
  int every = MAX (1, (int) ceil ((last - first) / MAX (target, 1.0)));
  gboolean few = 3 * (hi - lo) <= 1.5 * target;

  ticks->n = 0;
  ticks->step = 1;
  for (int decade = first; decade <= last; decade++)
    {
      for (int m = 1; m <= 9; m++)
        {
          double v = decade + log10 (m);
          gboolean labelled = m == 1 ? decade % every == 0 : few && (m == 2 || m == 5);

          if (v < lo - 1e-9 || v > hi + 1e-9)
            continue;
          /* minor ticks only where decades are far enough apart to show them */
          if (m == 1 || every == 1)
            add_tick (ticks, v, labelled);
        }
    }
}

/* Layout */

static guint
legend_entries (DsLossChart        *self,
                DsChartLegendEntry *entries)
{
  guint n = 0;

  for (guint i = 0; i < self->series->len && n < DS_CHART_MAX_LEGEND; i++)
    {
      const DsChartSeries *s = g_ptr_array_index (self->series, i);

      if ((s->points->len > 0 || !isnan (s->bad_x)) && ds_loss_chart_series_visible (self, s))
        entries[n++] = (DsChartLegendEntry) { .series = (int) i };
    }
  for (guint label = 0; label < self->overlay_labels->len && n < DS_CHART_MAX_LEGEND; label++)
    {
      for (guint i = 0; i < self->overlays->len; i++)
        {
          const DsChartSeries *s = g_ptr_array_index (self->overlays, i);

          if (s->dash == label && s->points->len > 0 && ds_loss_chart_series_visible (self, s))
            {
              entries[n++] = (DsChartLegendEntry) { .series = -1, .label = s->overlay_label,
                                                    .dash = label };
              break;
            }
        }
    }

  return n;
}

const char *
ds_chart_legend_text (DsLossChart              *self,
                      const DsChartLegendEntry *entry)
{
  if (entry->series < 0)
    return entry->label;

  return ((DsChartSeries *) g_ptr_array_index (self->series, entry->series))->name;
}

static void
data_ranges (DsLossChart   *self,
             DsChartLayout *layout)
{
  GPtrArray *lists[] = { self->series, self->overlays };
  double x_min = 0, x_max = -INFINITY, lo = INFINITY, hi = -INFINITY;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const DsChartSeries *s = g_ptr_array_index (lists[l], i);
        guint n = s->points->len;

        if (!ds_loss_chart_series_visible (self, s))
          continue;
        if (!isnan (s->bad_x))
          {
            layout->has_data = TRUE;
            x_max = MAX (x_max, ds_loss_chart_series_x (self, s, s->bad_x));
          }
        if (n == 0)
          continue;

        layout->has_data = TRUE;
        x_min = MIN (x_min, ds_loss_chart_series_x (self, s, g_array_index (s->points,
                                                                            DsChartPoint, 0).x));
        x_max = MAX (x_max, ds_loss_chart_series_x (self, s, g_array_index (s->points,
                                                                            DsChartPoint,
                                                                            n - 1).x));
        if (s->axis == DS_CHART_AXIS_ACCURACY)
          {
            layout->has_accuracy = TRUE;
          }
        else
          {
            lo = MIN (lo, layout->log_scale ? s->y_min_positive : s->y_min);
            hi = MAX (hi, s->y_max);
          }
      }

  /* a little room after the last point, for its marker */
  layout->x_min = x_min;
  layout->x_max = x_max > x_min ? x_max + (x_max - x_min) * 0.02 : x_min + 1;

  if (layout->log_scale)
    {
      gboolean any = isfinite (lo);

      lo = any ? log10 (lo) : -1;
      hi = any ? log10 (hi) : 0;
      if (hi - lo < 1)
        {
          double mid = (lo + hi) / 2;

          lo = mid - 0.5;
          hi = mid + 0.5;
        }
      else
        {
          double span = hi - lo;

          lo -= span * 0.04;
          hi += span * 0.04;
        }
    }
  else if (!isfinite (lo))
    {
      lo = 0;
      hi = 1;
    }
  else
    {
      /* losses are compared with 0, so it stays in view unless values go below it */
      double span;

      lo = MIN (lo, 0.0);
      span = hi - lo > 0 ? hi - lo : MAX (fabs (hi), 1.0);
      if (hi <= lo)
        hi = lo + span;  /* all values 0 */
      hi += span * 0.05;
      if (lo < 0)
        lo -= span * 0.05;
    }
  layout->loss_min = lo;
  layout->loss_max = hi;
}

static double
widest_label (const DsChartStyle  *style,
              const DsChartLayout *layout,
              const DsChartTicks  *ticks,
              DsChartAxis          axis)
{
  double widest = 0;

  for (guint i = 0; i < ticks->n; i++)
    {
      char buf[64];

      if (!ticks->labelled[i])
        continue;
      if (axis == DS_CHART_AXIS_LOSS)
        ds_chart_format_loss_tick (buf, sizeof buf, layout, ticks->value[i]);
      else
        ds_chart_format_fixed (buf, sizeof buf, ticks->value[i], ticks->step);
      widest = MAX (widest, ds_chart_text_width (style, buf));
    }

  return widest;
}

void
ds_loss_chart_compute_layout (DsLossChart        *self,
                              const DsChartStyle *style,
                              int                 width,
                              int                 height,
                              DsChartLayout      *layout)
{
  g_autoptr(PangoLayout) probe = ds_chart_make_text (style, "0.9");
  double left, right, top, bottom, x, row;
  double y_target, x_target;
  int line_height;

  memset (layout, 0, sizeof *layout);
  layout->width = width;
  layout->height = height;
  layout->x_unit = self->x_unit;
  layout->log_scale = self->log_scale;
  pango_layout_get_pixel_size (probe, NULL, &line_height);
  layout->line_height = line_height;

  data_ranges (self, layout);

  /* about one labelled tick per 50 pixels up and per 90 across, for the size we will get */
  y_target = MAX (height - 5 * line_height - 2 * DS_CHART_PAD, 40) / 50.0;
  x_target = MAX (width - 8 * line_height, 80) / 90.0;
  if (layout->log_scale)
    log_ticks (&layout->loss_ticks, layout->loss_min, layout->loss_max, y_target);
  else
    linear_ticks (&layout->loss_ticks, layout->loss_min, layout->loss_max, y_target, 0);
  linear_ticks (&layout->accuracy_ticks, 0, 1, y_target, 0.1);
  linear_ticks (&layout->x_ticks, layout->x_min, layout->x_max, x_target,
                layout->x_unit == DS_CHART_X_STEP ? 1 : 0);

  left = DS_CHART_PAD + line_height + DS_CHART_GAP + DS_CHART_TICK + DS_CHART_GAP;
  if (layout->has_data)
    left += widest_label (style, layout, &layout->loss_ticks, DS_CHART_AXIS_LOSS);
  if (layout->has_accuracy)
    right = DS_CHART_TICK + DS_CHART_GAP
            + widest_label (style, layout, &layout->accuracy_ticks, DS_CHART_AXIS_ACCURACY)
            + DS_CHART_GAP + line_height + DS_CHART_PAD;
  else
    right = DS_CHART_PAD + 2 * line_height;  /* half of the last x label may stick out */
  bottom = DS_CHART_TICK + DS_CHART_GAP + line_height + DS_CHART_GAP + line_height + DS_CHART_PAD;

  /* the legend wraps in rows above the plot, where it hides nothing */
  layout->n_legend = legend_entries (self, layout->legend);
  x = left;
  row = 0;
  for (guint i = 0; i < layout->n_legend; i++)
    {
      DsChartLegendEntry *entry = &layout->legend[i];
      double w = DS_CHART_SWATCH + DS_CHART_GAP
                 + ds_chart_text_width (style, ds_chart_legend_text (self, entry));

      if (x > left && x + w > width - right)
        {
          x = left;
          row++;
        }
      entry->x = x;
      entry->y = DS_CHART_PAD + row * (line_height + DS_CHART_GAP);
      x += w + 3 * DS_CHART_GAP;
    }
  top = DS_CHART_PAD + line_height / 2.0;
  if (layout->n_legend > 0)
    top += (row + 1) * (line_height + DS_CHART_GAP);

  layout->left = (int) ceil (left);
  layout->top = (int) ceil (top);
  layout->plot_width = MAX (1, width - layout->left - (int) ceil (right));
  layout->plot_height = MAX (1, height - layout->top - (int) ceil (bottom));
}

void
ds_loss_chart_get_export_layout (DsLossChart   *self,
                                 int            width,
                                 int            height,
                                 DsChartLayout *layout)
{
  DsChartStyle style;

  ds_chart_style_init_for_export (&style);
  ds_loss_chart_compute_layout (self, &style, width, height, layout);
  ds_chart_style_clear (&style);
}

double
ds_chart_layout_x_to_px (const DsChartLayout *layout,
                         double               x)
{
  return layout->left + (x - layout->x_min) / (layout->x_max - layout->x_min) * layout->plot_width;
}

double
ds_chart_layout_y_to_px (const DsChartLayout *layout,
                         DsChartAxis          axis,
                         double               y)
{
  double lo = 0, hi = 1;

  if (axis == DS_CHART_AXIS_LOSS)
    {
      if (layout->log_scale)
        y = y > 0 ? log10 (y) : NAN;
      lo = layout->loss_min;
      hi = layout->loss_max;
    }

  return layout->top + (hi - y) / (hi - lo) * layout->plot_height;
}

