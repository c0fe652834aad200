/* ds-loss-chart-draw.c: the loss chart's drawing and pointer readout
 *
 * Drawing is a function of the chart's state and a layout, so the widget's cache and the PNG and
 * SVG files come from the same code. Series of more points than the plot has pixel columns are
 * reduced to each column's first, lowest, highest and last value: the drawing costs O(points) to
 * trace and O(columns) to stroke, and looks the same as drawing every point.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-loss-chart-private.h"

#define LINE_WIDTH     1.75
#define RAW_ALPHA      0.28  /* the unsmoothed points behind a smoothed line */
#define OVERLAY_ALPHA  0.45

/* one dash pattern per earlier run: runs are told apart without more colours, and from the
 * faint raw points of the live run */
static const double dashes[][4] = {
  { 6, 3, 0, 0 },
  { 1.5, 2.5, 0, 0 },
  { 8, 3, 1.5, 3 },
  { 12, 4, 0, 0 },
};
static const int n_dashes[] = { 2, 2, 4, 2 };

/* Text */

static void
set_color (cairo_t       *cr,
           const GdkRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Draws @text with its top-left corner at (@x, @y); a halo of the paper colour keeps labels
 * legible where they cross a line. */
static void
show_text (cairo_t            *cr,
           const DsChartStyle *style,
           const char         *text,
           double              x,
           double              y,
           const GdkRGBA      *color,
           gboolean            halo)
{
  g_autoptr(PangoLayout) layout = ds_chart_make_text (style, text);

  cairo_save (cr);
  cairo_move_to (cr, round (x), round (y));
  if (halo && style->paper.alpha > 0)
    {
      pango_cairo_layout_path (cr, layout);
      set_color (cr, &style->paper, 0.85);
      cairo_set_line_width (cr, 3.0);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
      cairo_move_to (cr, round (x), round (y));
    }
  set_color (cr, color, 1.0);
  pango_cairo_show_layout (cr, layout);
  /* the path is not part of the saved state: without this the next arc starts with a line */
  cairo_new_path (cr);
  cairo_restore (cr);
}

/* Draws @text turned a quarter (counter-clockwise when @up), centred on (@cx, @cy). */
static void
show_text_rotated (cairo_t            *cr,
                   const DsChartStyle *style,
                   const char         *text,
                   double              cx,
                   double              cy,
                   gboolean            up)
{
  g_autoptr(PangoLayout) layout = ds_chart_make_text (style, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_save (cr);
  cairo_translate (cr, round (cx), round (cy));
  cairo_rotate (cr, up ? -G_PI / 2 : G_PI / 2);
  cairo_move_to (cr, -width / 2.0, -height / 2.0);
  set_color (cr, &style->foreground, 1.0);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
  cairo_restore (cr);
}

/* Curves */

/* Where point @i of @s is drawn; *@py is NAN where a log axis cannot show it. */
static void
point_position (DsLossChart         *self,
                const DsChartLayout *layout,
                const DsChartSeries *s,
                guint                i,
                double              *px,
                double              *py)
{
  double x = ds_loss_chart_series_x (self, s, g_array_index (s->points, DsChartPoint, i).x);

  *px = ds_chart_layout_x_to_px (layout, x);
  *py = ds_chart_layout_y_to_px (layout, s->axis, ds_loss_chart_series_y (self, s, i));
}

typedef struct
{
  cairo_t  *cr;
  gboolean  in_path;
  int       column;            /* G_MININT: none open */
  double    first, last, low, high;
} Tracer;

static void
tracer_to (Tracer *t,
           double  x,
           double  y)
{
  if (t->in_path)
    cairo_line_to (t->cr, x, y);
  else
    cairo_move_to (t->cr, x, y);
  t->in_path = TRUE;
}

static void
tracer_flush (Tracer *t)
{
  double x = t->column + 0.5;

  if (t->column == G_MININT)
    return;

  tracer_to (t, x, t->first);
  cairo_line_to (t->cr, x, t->low);
  cairo_line_to (t->cr, x, t->high);
  cairo_line_to (t->cr, x, t->last);
  t->column = G_MININT;
}

/* Adds @s to the path, through the smoothed values when @smoothed; one column at a time when
 * there are more points than columns. Values a log axis cannot show break the line. */
static void
trace_series (DsLossChart         *self,
              cairo_t             *cr,
              const DsChartLayout *layout,
              const DsChartSeries *s,
              gboolean             smoothed)
{
  const DsChartPoint *points = (const DsChartPoint *) (gpointer) s->points->data;
  const double *ys = smoothed ? (const double *) (gpointer) s->smoothed->data : NULL;
  gboolean dense = s->points->len > 2u * (guint) layout->plot_width;
  /* x maps to pixels as a * x + b: the unit conversion and the layout are both linear */
  double b = ds_chart_layout_x_to_px (layout, ds_loss_chart_series_x (self, s, 0));
  double a = ds_chart_layout_x_to_px (layout, ds_loss_chart_series_x (self, s, 1)) - b;
  Tracer t = { cr, FALSE, G_MININT, 0, 0, 0, 0 };

  for (guint i = 0; i < s->points->len; i++)
    {
      double px = a * points[i].x + b;
      double py = ds_chart_layout_y_to_px (layout, s->axis, ys != NULL ? ys[i] : points[i].y);
      int column;

      if (isnan (py))
        {
          tracer_flush (&t);
          t.in_path = FALSE;
          continue;
        }
      if (!dense)
        {
          tracer_to (&t, px, py);
          continue;
        }

      column = (int) floor (px);
      if (column != t.column)
        {
          tracer_flush (&t);
          t.column = column;
          t.first = t.low = t.high = py;
        }
      t.last = py;
      t.low = MIN (t.low, py);
      t.high = MAX (t.high, py);
    }
  tracer_flush (&t);
}

static void
draw_curve (DsLossChart         *self,
            cairo_t             *cr,
            const DsChartLayout *layout,
            const DsChartSeries *s)
{
  gboolean smoothing = s->smoothed != NULL && self->smoothing > 0;
  gboolean overlay = s->overlay_label != NULL;

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  if (overlay)
    {
      /* earlier runs: the smoothed line only, or it is a mess */
      guint d = s->dash % G_N_ELEMENTS (dashes);

      trace_series (self, cr, layout, s, smoothing);
      cairo_set_dash (cr, dashes[d], n_dashes[d], 0);
      cairo_set_line_width (cr, 1.25);
      set_color (cr, &s->color, OVERLAY_ALPHA);
      cairo_stroke (cr);
      cairo_restore (cr);
      return;
    }

  if (smoothing)
    {
      trace_series (self, cr, layout, s, FALSE);
      cairo_set_line_width (cr, 1.0);
      set_color (cr, &s->color, RAW_ALPHA);
      cairo_stroke (cr);
    }
  trace_series (self, cr, layout, s, smoothing);
  cairo_set_line_width (cr, LINE_WIDTH);
  set_color (cr, &s->color, 1.0);
  cairo_stroke (cr);

  /* few points (per epoch): show where they are */
  if (s->points->len * 8 <= (guint) layout->plot_width)
    for (guint i = 0; i < s->points->len; i++)
      {
        double px, py;

        point_position (self, layout, s, i, &px, &py);
        if (!isnan (py))
          {
            cairo_new_sub_path (cr);
            cairo_arc (cr, px, py, 2.5, 0, 2 * G_PI);
          }
      }
  cairo_fill (cr);

  cairo_restore (cr);
}

/* A dashed line where the series' values stopped being finite: training diverged there. */
static void
draw_divergence (DsLossChart         *self,
                 cairo_t             *cr,
                 const DsChartStyle  *style,
                 const DsChartLayout *layout,
                 const DsChartSeries *s)
{
  static const double dash[] = { 4, 3 };
  double px = round (ds_chart_layout_x_to_px (layout, ds_loss_chart_series_x (self, s, s->bad_x)));

  cairo_save (cr);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_set_line_width (cr, 1.0);
  set_color (cr, &s->color, 1.0);
  cairo_move_to (cr, px + 0.5, layout->top);
  cairo_line_to (cr, px + 0.5, layout->top + layout->plot_height);
  cairo_stroke (cr);
  cairo_restore (cr);

  show_text (cr, style, isnan (s->bad_y) ? "NaN" : "∞",
             MIN (px + DS_CHART_GAP, layout->left + layout->plot_width - 2 * DS_CHART_GAP),
             layout->top + DS_CHART_GAP, &s->color, TRUE);
}

/* Whether @r is inside the plot and clear of the labels already @taken. */
static gboolean
label_fits (const DsChartLayout     *layout,
            GArray                  *taken,
            const cairo_rectangle_t *r)
{
  if (r->y < layout->top || r->y + r->height > layout->top + layout->plot_height)
    return FALSE;

  for (guint t = 0; t < taken->len; t++)
    {
      const cairo_rectangle_t *o = &g_array_index (taken, cairo_rectangle_t, t);

      if (r->x < o->x + o->width && o->x < r->x + r->width
          && r->y < o->y + o->height && o->y < r->y + r->height)
        return FALSE;
    }

  return TRUE;
}

/* The best point of a standard series, with its value beside it. */
static void
draw_mark (DsLossChart         *self,
           cairo_t             *cr,
           const DsChartStyle  *style,
           const DsChartLayout *layout,
           const DsChartSeries *s,
           GArray              *taken)
{
  gboolean low = s->mark != DS_CHART_MARK_MAX;
  guint i = s->mark == DS_CHART_MARK_MIN_SMOOTHED && self->smoothing > 0 ? s->i_smoothed_min
            : low ? s->i_min : s->i_max;
  /* the drawn value: smoothed for the training loss, raw for the others (per epoch) */
  double y = ds_loss_chart_series_y (self, s, i);
  double lh = layout->line_height;
  g_autofree char *text = g_strdup_printf ("%s %.4g", low ? "min" : "max", y);
  double tw = ds_chart_text_width (style, text);
  double right = layout->left + layout->plot_width, bottom = layout->top + layout->plot_height;
  double px, py;
  cairo_rectangle_t place;
  guint c;

  point_position (self, layout, s, i, &px, &py);
  if (isnan (py))
    return;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, px, py, 4.0, 0, 2 * G_PI);
  set_color (cr, &s->color, 1.0);
  cairo_fill_preserve (cr);
  set_color (cr, &style->foreground, 1.0);
  cairo_set_line_width (cr, 1.25);
  cairo_stroke (cr);
  cairo_restore (cr);

  {
    /* below a minimum and above a maximum, where its own curve is not; else above or below,
     * right or left: the first place in the plot that no other label took */
    const double candidates[][2] = {
      { px - tw / 2, low ? py + 6 : py - 6 - lh },
      { px - tw / 2, low ? py - 6 - lh : py + 6 },
      { px + 8, py - lh / 2 },
      { px - 8 - tw, py - lh / 2 },
    };

    for (c = 0; c < G_N_ELEMENTS (candidates); c++)
      {
        place = (cairo_rectangle_t) { CLAMP (candidates[c][0], layout->left + 2, right - tw - 2),
                                      candidates[c][1], tw, lh };
        if (label_fits (layout, taken, &place))
          break;
      }
    if (c == G_N_ELEMENTS (candidates))
      place = (cairo_rectangle_t) { CLAMP (candidates[0][0], layout->left + 2, right - tw - 2),
                                    CLAMP (candidates[0][1], layout->top, bottom - lh), tw, lh };
  }
  g_array_append_val (taken, place);
  show_text (cr, style, text, place.x, place.y, &style->foreground, TRUE);
}

/* Axes */

static void
draw_axes (DsLossChart         *self,
           cairo_t             *cr,
           const DsChartStyle  *style,
           const DsChartLayout *layout)
{
  double left = layout->left, top = layout->top;
  double right = left + layout->plot_width, bottom = top + layout->plot_height;
  double lh = layout->line_height, last_end = -INFINITY;
  char buf[64];

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  set_color (cr, &style->foreground, 0.8);
  /* on the pixels around the plot, crisp at 1 px */
  cairo_move_to (cr, left - 0.5, top);
  cairo_line_to (cr, left - 0.5, bottom + 1);
  cairo_move_to (cr, left - 1, bottom + 0.5);
  cairo_line_to (cr, right + (layout->has_accuracy ? 1 : 0), bottom + 0.5);
  if (layout->has_accuracy)
    {
      cairo_move_to (cr, right + 0.5, bottom + 1);
      cairo_line_to (cr, right + 0.5, top);
    }
  cairo_stroke (cr);

  if (layout->has_data)
    {
      for (guint i = 0; i < layout->loss_ticks.n; i++)
        {
          double y = round (ds_chart_layout_y_to_px (layout, DS_CHART_AXIS_LOSS,
                                                     layout->log_scale
                                                     ? pow (10, layout->loss_ticks.value[i])
                                                     : layout->loss_ticks.value[i]));
          double length = layout->loss_ticks.labelled[i] ? DS_CHART_TICK : 3;

          cairo_move_to (cr, left - 1, y + 0.5);
          cairo_line_to (cr, left - 1 - length, y + 0.5);
          if (layout->loss_ticks.labelled[i])
            {
              ds_chart_format_loss_tick (buf, sizeof buf, layout, layout->loss_ticks.value[i]);
              double w = ds_chart_text_width (style, buf);

              show_text (cr, style, buf, left - 1 - DS_CHART_TICK - DS_CHART_GAP - w, y - lh / 2,
                         &style->foreground, FALSE);
            }
        }
      for (guint i = 0; layout->has_accuracy && i < layout->accuracy_ticks.n; i++)
        {
          double y = round (ds_chart_layout_y_to_px (layout, DS_CHART_AXIS_ACCURACY,
                                                     layout->accuracy_ticks.value[i]));

          cairo_move_to (cr, right + 1, y + 0.5);
          cairo_line_to (cr, right + 1 + DS_CHART_TICK, y + 0.5);
          ds_chart_format_fixed (buf, sizeof buf, layout->accuracy_ticks.value[i],
                                 layout->accuracy_ticks.step);
          show_text (cr, style, buf, right + 1 + DS_CHART_TICK + DS_CHART_GAP, y - lh / 2,
                     &style->foreground, FALSE);
        }
      for (guint i = 0; i < layout->x_ticks.n; i++)
        {
          double x = round (ds_chart_layout_x_to_px (layout, layout->x_ticks.value[i]));
          double w;

          cairo_move_to (cr, x + 0.5, bottom + 1);
          cairo_line_to (cr, x + 0.5, bottom + 1 + DS_CHART_TICK);
          ds_chart_format_x_tick (buf, sizeof buf, layout, layout->x_ticks.value[i]);
          w = ds_chart_text_width (style, buf);
          /* labels that would run into the previous one or off the edge are left out */
          if (x - w / 2 > last_end + DS_CHART_GAP && x + w / 2 <= layout->width)
            {
              show_text (cr, style, buf, x - w / 2, bottom + 1 + DS_CHART_TICK + DS_CHART_GAP,
                         &style->foreground, FALSE);
              last_end = x + w / 2;
            }
        }
      set_color (cr, &style->foreground, 0.8);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  {
    const char *x_title = layout->x_unit == DS_CHART_X_STEP ? "Step" : "Epoch";
    double w = ds_chart_text_width (style, x_title);

    show_text (cr, style, x_title, left + (layout->plot_width - w) / 2,
               layout->height - DS_CHART_PAD - lh, &style->foreground, FALSE);
    show_text_rotated (cr, style, layout->log_scale ? "Loss (log scale)" : "Loss",
                       DS_CHART_PAD + lh / 2, top + layout->plot_height / 2.0, TRUE);
    if (layout->has_accuracy)
      show_text_rotated (cr, style, "Accuracy", layout->width - DS_CHART_PAD - lh / 2,
                         top + layout->plot_height / 2.0, FALSE);
  }
}

static void
draw_grid (cairo_t             *cr,
           const DsChartStyle  *style,
           const DsChartLayout *layout)
{
  /* one set of horizontal lines: the loss axis' unless only accuracy is shown */
  gboolean loss = !layout->has_accuracy || layout->loss_ticks.n > 0;
  const DsChartTicks *y_ticks = loss ? &layout->loss_ticks : &layout->accuracy_ticks;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  for (guint i = 0; i < y_ticks->n; i++)
    {
      double v = y_ticks->value[i];
      double y;

      if (loss && layout->log_scale)
        v = pow (10, v);
      y = round (ds_chart_layout_y_to_px (layout, loss ? DS_CHART_AXIS_LOSS
                                          : DS_CHART_AXIS_ACCURACY, v));
      if (y >= layout->top + layout->plot_height)
        continue;
      cairo_move_to (cr, layout->left, y + 0.5);
      cairo_line_to (cr, layout->left + layout->plot_width, y + 0.5);
      set_color (cr, &style->foreground, y_ticks->labelled[i] ? 0.10 : 0.04);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < layout->x_ticks.n; i++)
    {
      double x = round (ds_chart_layout_x_to_px (layout, layout->x_ticks.value[i]));

      if (x < layout->left)
        continue;
      cairo_move_to (cr, x + 0.5, layout->top);
      cairo_line_to (cr, x + 0.5, layout->top + layout->plot_height);
    }
  set_color (cr, &style->foreground, 0.10);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_legend (DsLossChart         *self,
             cairo_t             *cr,
             const DsChartStyle  *style,
             const DsChartLayout *layout)
{
  for (guint i = 0; i < layout->n_legend; i++)
    {
      const DsChartLegendEntry *entry = &layout->legend[i];
      double y = entry->y + layout->line_height / 2.0;

      cairo_save (cr);
      cairo_move_to (cr, entry->x, y);
      cairo_line_to (cr, entry->x + DS_CHART_SWATCH, y);
      if (entry->series >= 0)
        {
          const DsChartSeries *s = g_ptr_array_index (self->series, entry->series);

          cairo_set_line_width (cr, 3.0);
          set_color (cr, &s->color, 1.0);
        }
      else
        {
          guint d = entry->dash % G_N_ELEMENTS (dashes);

          cairo_set_dash (cr, dashes[d], n_dashes[d], 0);
          cairo_set_line_width (cr, 1.5);
          set_color (cr, &style->foreground, 0.6);
        }
      cairo_stroke (cr);
      cairo_restore (cr);

      show_text (cr, style, ds_chart_legend_text (self, entry),
                 entry->x + DS_CHART_SWATCH + DS_CHART_GAP, entry->y, &style->foreground, FALSE);
    }
}

void
ds_loss_chart_draw (DsLossChart         *self,
                    cairo_t             *cr,
                    const DsChartStyle  *style,
                    const DsChartLayout *layout)
{
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_t));

  cairo_save (cr);

  if (style->background.alpha > 0)
    {
      set_color (cr, &style->background, 1.0);
      cairo_paint (cr);
    }

  if (!layout->has_data)
    {
      const char *text = "No training yet";

      draw_axes (self, cr, style, layout);
      double w = ds_chart_text_width (style, text);

      show_text (cr, style, text, layout->left + (layout->plot_width - w) / 2,
                 layout->top + (layout->plot_height - layout->line_height) / 2,
                 &style->foreground, FALSE);
      cairo_restore (cr);
      return;
    }

  draw_grid (cr, style, layout);

  /* a line at exactly 0 or 1 accuracy is still drawn whole */
  cairo_save (cr);
  cairo_rectangle (cr, layout->left - 1, layout->top - 3, layout->plot_width + 4,
                   layout->plot_height + 4);
  cairo_clip (cr);
  for (guint i = 0; i < self->overlays->len; i++)
    {
      const DsChartSeries *s = g_ptr_array_index (self->overlays, i);

      if (s->points->len > 0 && ds_loss_chart_series_visible (self, s))
        draw_curve (self, cr, layout, s);
    }
  for (guint i = 0; i < self->series->len; i++)
    {
      const DsChartSeries *s = g_ptr_array_index (self->series, i);

      if (s->points->len > 0 && ds_loss_chart_series_visible (self, s))
        draw_curve (self, cr, layout, s);
    }
  cairo_restore (cr);

  for (guint i = 0; i < self->series->len; i++)
    {
      const DsChartSeries *s = g_ptr_array_index (self->series, i);

      if (!ds_loss_chart_series_visible (self, s))
        continue;
      if (!isnan (s->bad_x))
        draw_divergence (self, cr, style, layout, s);
      if (s->mark != DS_CHART_MARK_NONE && s->points->len > 0)
        draw_mark (self, cr, style, layout, s, taken);
    }

  draw_axes (self, cr, style, layout);
  draw_legend (self, cr, style, layout);

  cairo_restore (cr);
}

/* Pointer readout */

static void
pick_in (DsLossChart         *self,
         const DsChartLayout *layout,
         const DsChartSeries *s,
         double               px,
         double               py,
         double              *best,
         DsChartPick         *pick)
{
  double x = layout->x_min + (px - layout->left) / layout->plot_width
             * (layout->x_max - layout->x_min);
  /* back to the series' unit; the conversion is a scale factor */
  guint i = ds_chart_series_lower_bound (s, x / ds_loss_chart_series_x (self, s, 1.0));

  /* the nearest in x on either side, and one more each way for sparse curves */
  for (guint j = i > 2 ? i - 2 : 0; j < MIN (i + 2, s->points->len); j++)
    {
      double cx, cy, d;

      point_position (self, layout, s, j, &cx, &cy);
      d = hypot (cx - px, cy - py);
      if (!isnan (cy) && d < *best)
        {
          *best = d;
          *pick = (DsChartPick) { s, j, cx, cy };
        }
    }
}

gboolean
ds_loss_chart_pick (DsLossChart         *self,
                    const DsChartLayout *layout,
                    double               px,
                    double               py,
                    DsChartPick         *pick)
{
  GPtrArray *lists[] = { self->series, self->overlays };
  double best = INFINITY;

  if (!layout->has_data
      || px < layout->left - DS_CHART_PAD || px > layout->left + layout->plot_width + DS_CHART_PAD
      || py < layout->top - DS_CHART_PAD || py > layout->top + layout->plot_height + DS_CHART_PAD)
    return FALSE;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const DsChartSeries *s = g_ptr_array_index (lists[l], i);

        if (s->points->len > 0 && ds_loss_chart_series_visible (self, s))
          pick_in (self, layout, s, px, py, &best, pick);
      }

  return isfinite (best);
}

void
ds_loss_chart_draw_pick (DsLossChart         *self,
                         cairo_t             *cr,
                         const DsChartStyle  *style,
                         const DsChartLayout *layout,
                         const DsChartPick   *pick)
{
  static const GdkRGBA box_color = { 0, 0, 0, 0.8 };  /* as tooltips, in light and dark themes */
  static const GdkRGBA text_color = { 1, 1, 1, 1 };
  const DsChartSeries *s = pick->series;
  double x = g_array_index (s->points, DsChartPoint, pick->index).x;
  double raw = g_array_index (s->points, DsChartPoint, pick->index).y;
  double y = ds_loss_chart_series_y (self, s, pick->index);
  guint64 n = self->steps_per_epoch;
  g_autoptr(GString) text = g_string_new (s->name);
  g_autoptr(PangoLayout) pango = NULL;
  int tw, th;
  double bx, by, bw, bh;

  if (s->overlay_label != NULL)
    g_string_append_printf (text, " (%s)", s->overlay_label);
  if (s->unit == DS_CHART_X_STEP)
    g_string_append_printf (text, "\nstep %.0f", x);
  else
    g_string_append_printf (text, "\nepoch %g", x);
  if (n > 0 && s->unit == DS_CHART_X_STEP)
    g_string_append_printf (text, " · epoch %.2f", x / (double) n);
  else if (n > 0)
    g_string_append_printf (text, " · step %.0f", x * (double) n);
  g_string_append_printf (text, "\n%.4g", y);
  if (y != raw)
    g_string_append_printf (text, " (raw %.4g)", raw);

  pango = ds_chart_make_text (style, text->str);
  pango_layout_get_pixel_size (pango, &tw, &th);
  bw = tw + 2 * DS_CHART_PAD;
  bh = th + DS_CHART_PAD;

  /* up and to the right of the point, unless that leaves the chart */
  bx = pick->px + 12;
  by = pick->py - 12 - bh;
  if (bx + bw > layout->width)
    bx = pick->px - 12 - bw;
  if (by < 0)
    by = pick->py + 12;
  bx = round (CLAMP (bx, 0, MAX (0, layout->width - bw)));
  by = round (CLAMP (by, 0, MAX (0, layout->height - bh)));

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, pick->px, pick->py, 4.5, 0, 2 * G_PI);
  set_color (cr, &s->color, 1.0);
  cairo_fill_preserve (cr);
  set_color (cr, &text_color, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);

  cairo_new_sub_path (cr);
  cairo_arc (cr, bx + bw - 4, by + 4, 4, -G_PI / 2, 0);
  cairo_arc (cr, bx + bw - 4, by + bh - 4, 4, 0, G_PI / 2);
  cairo_arc (cr, bx + 4, by + bh - 4, 4, G_PI / 2, G_PI);
  cairo_arc (cr, bx + 4, by + 4, 4, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  set_color (cr, &box_color, 1.0);
  cairo_fill (cr);
  /* the series' colour down the left edge ties the box to its curve */
  cairo_rectangle (cr, bx + 3, by + 4, 3, bh - 8);
  set_color (cr, &s->color, 1.0);
  cairo_fill (cr);

  cairo_move_to (cr, bx + DS_CHART_PAD + 2, by + DS_CHART_PAD / 2);
  set_color (cr, &text_color, 1.0);
  pango_cairo_show_layout (cr, pango);
  cairo_restore (cr);
}
