/* ds-loss-chart-series.c: one curve of the loss chart, kept ready to draw as points come
 *
 * Appending keeps the EMA and the minimum and maximum up to date in O(1), so neither the axes
 * nor the markers need a pass over the points; only going back in x (a resumed run) or a new
 * smoothing recomputes them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-loss-chart-private.h"

static void
series_reset (DsChartSeries *s)
{
  s->ema_sum = 0.0;
  s->ema_weight = 0.0;
  s->y_min = INFINITY;
  s->y_max = -INFINITY;
  s->y_min_positive = INFINITY;
  s->i_min = s->i_max = s->i_smoothed_min = 0;
  if (s->smoothed != NULL)
    g_array_set_size (s->smoothed, 0);
}

DsChartSeries *
ds_chart_series_new (const char    *name,
                     DsChartAxis    axis,
                     DsChartXUnit   unit,
                     const GdkRGBA *color)
{
  DsChartSeries *s = g_new0 (DsChartSeries, 1);

  s->name = g_strdup (name);
  s->axis = axis;
  s->unit = unit;
  s->color = *color;
  s->points = g_array_new (FALSE, FALSE, sizeof (DsChartPoint));
  if (unit == DS_CHART_X_STEP)
    s->smoothed = g_array_new (FALSE, FALSE, sizeof (double));
  s->bad_x = NAN;
  s->bad_y = NAN;
  series_reset (s);

  return s;
}

void
ds_chart_series_free (gpointer data)
{
  DsChartSeries *s = data;

  g_free (s->name);
  g_free (s->overlay_label);
  g_array_unref (s->points);
  if (s->smoothed != NULL)
    g_array_unref (s->smoothed);
  g_free (s);
}

/* Brings the EMA and the running minima and maxima up to point @i, the next one not counted. */
static void
series_account (DsChartSeries *s,
                double         smoothing,
                guint          i)
{
  double y = g_array_index (s->points, DsChartPoint, i).y;

  if (y < s->y_min)
    {
      s->y_min = y;
      s->i_min = i;
    }
  if (y > s->y_max)
    {
      s->y_max = y;
      s->i_max = i;
    }
  if (y > 0 && y < s->y_min_positive)
    s->y_min_positive = y;

  if (s->smoothed != NULL)
    {
      double smoothed;

      s->ema_sum = smoothing * s->ema_sum + (1.0 - smoothing) * y;
      s->ema_weight = smoothing * s->ema_weight + (1.0 - smoothing);
      smoothed = s->ema_sum / s->ema_weight;
      g_array_append_val (s->smoothed, smoothed);
      if (i == 0 || smoothed < g_array_index (s->smoothed, double, s->i_smoothed_min))
        s->i_smoothed_min = i;
    }
}

void
ds_chart_series_recompute (DsChartSeries *s,
                           double         smoothing)
{
  series_reset (s);
  for (guint i = 0; i < s->points->len; i++)
    series_account (s, smoothing, i);
}

guint
ds_chart_series_lower_bound (const DsChartSeries *series,
                             double               x)
{
  const DsChartPoint *points = (const DsChartPoint *) (gpointer) series->points->data;
  guint lo = 0, hi = series->points->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (points[mid].x < x)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

void
ds_chart_series_append (DsChartSeries *s,
                        double         smoothing,
                        double         x,
                        double         y)
{
  guint n = s->points->len;

  /* a run resumed from an earlier checkpoint goes on from there: the old future is dropped */
  if (n > 0 && x <= g_array_index (s->points, DsChartPoint, n - 1).x)
    {
      g_array_set_size (s->points, ds_chart_series_lower_bound (s, x));
      ds_chart_series_recompute (s, smoothing);
    }
  if (!isnan (s->bad_x) && x <= s->bad_x)
    s->bad_x = NAN;

  if (!isfinite (y))
    {
      if (isnan (s->bad_x))
        {
          s->bad_x = x;
          s->bad_y = y;
        }
      return;
    }

  g_array_append_val (s->points, ((DsChartPoint) { x, y }));
  series_account (s, smoothing, s->points->len - 1);
}

void
ds_chart_series_clear (DsChartSeries *s)
{
  g_array_set_size (s->points, 0);
  s->bad_x = NAN;
  s->bad_y = NAN;
  series_reset (s);
}

