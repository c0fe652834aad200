/* ds-loss-chart-private.h: what the loss chart's files (and its test) share
 *
 * ds-loss-chart.c is the widget and its API, ds-loss-chart-series.c one curve's data,
 * ds-loss-chart-layout.c where things go, ds-loss-chart-draw.c the drawing and the pointer
 * readout, ds-loss-chart-io.c the CSV, PNG and SVG files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-loss-chart.h"

G_BEGIN_DECLS

#define DS_CHART_MAX_TICKS    64
#define DS_CHART_MAX_LEGEND   24

/* in pixels */
#define DS_CHART_PAD          8.0   /* around the whole chart */
#define DS_CHART_TICK         5.0   /* major tick length; minor ticks are 3 */
#define DS_CHART_GAP          4.0   /* between a tick and its label, or a label and a title */
#define DS_CHART_SWATCH      18.0   /* width of a legend entry's line */

typedef enum
{
  DS_CHART_MARK_NONE,
  DS_CHART_MARK_MIN_SMOOTHED,  /* the lowest point of the smoothed line */
  DS_CHART_MARK_MIN,
  DS_CHART_MARK_MAX,
} DsChartMark;

typedef struct
{
  double x, y;
} DsChartPoint;

/* One curve: a live series, or an overlay copied from an earlier run. */
typedef struct
{
  char         *name;
  char         *overlay_label;  /* overlays: the run it came from; NULL for live series */
  guint         dash;           /* overlays: which dash pattern (one per label) */
  DsChartAxis   axis;
  DsChartXUnit  unit;
  DsChartMark   mark;
  GdkRGBA       color;

  GArray       *points;         /* DsChartPoint, x ascending, y finite */
  GArray       *smoothed;       /* double per point, the EMA of y; step series only, else NULL */
  double        ema_sum;        /* the EMA's running sums, so that appending is O(1): */
  double        ema_weight;     /* smoothed = ema_sum / ema_weight (bias correction) */

  /* kept up to date as points come, for the axis ranges and the markers */
  double        y_min, y_max, y_min_positive;  /* of the raw points; +-INFINITY when none */
  guint         i_min, i_max, i_smoothed_min;

  double        bad_x;          /* where the first non-finite value came, or NAN */
  double        bad_y;          /* that value: NaN or +-infinity */
} DsChartSeries;

/* Text and axis colours and the font: the widget's own, or fixed ones for files. */
typedef struct
{
  GdkRGBA       foreground;
  GdkRGBA       background;     /* alpha 0: nothing is painted under the chart */
  GdkRGBA       paper;          /* what the chart is seen on, for halos behind labels; alpha 0:
                                 * unknown */
  PangoContext *context;        /* owned; its font description is the base font */
} DsChartStyle;

typedef struct
{
  double        value[DS_CHART_MAX_TICKS];
  gboolean      labelled[DS_CHART_MAX_TICKS];  /* FALSE: a minor tick, no grid line */
  guint         n;
  double        step;           /* linear axes: between ticks, for the number of decimals */
} DsChartTicks;

typedef struct
{
  gint          series;         /* a live series, or -1 for an overlay label */
  const char   *label;          /* overlays: the run's label (owned by the overlay) */
  guint         dash;
  double        x, y;           /* top-left corner of the swatch and text */
} DsChartLegendEntry;

/* Where everything goes for a drawing of width x height. The plot area is in whole pixels:
 * x_min is at its left edge and x_max at its right edge, an axis' lowest value at its bottom edge
 * and its highest at its top edge. The axes are drawn on the pixel column just left of it
 * (left - 1) and the pixel row just below it (top + plot_height). */
typedef struct
{
  int           width, height;
  int           left, top, plot_width, plot_height;
  DsChartXUnit  x_unit;
  double        x_min, x_max;
  gboolean      log_scale;
  double        loss_min, loss_max;  /* log10 of the values when log_scale */
  gboolean      has_data;            /* FALSE: the empty state */
  gboolean      has_accuracy;        /* the right axis is shown */
  DsChartTicks  x_ticks, loss_ticks, accuracy_ticks;
  DsChartLegendEntry legend[DS_CHART_MAX_LEGEND];
  guint         n_legend;
  double        line_height;         /* of the base font, in pixels */
} DsChartLayout;

/* The point nearest to the pointer. */
typedef struct
{
  const DsChartSeries *series;
  guint                index;
  double               px, py;  /* where it is drawn */
} DsChartPick;

struct _DsLossChart
{
  GtkWidget      parent_instance;

  GPtrArray     *series;        /* DsChartSeries, the live ones, the standard ones first */
  GPtrArray     *overlays;      /* DsChartSeries */
  GPtrArray     *overlay_labels; /* char *, one per dash pattern in use */
  guint64        steps_per_epoch;
  DsChartXUnit   x_unit;
  double         smoothing;
  gboolean       log_scale;

  /* the chart without the pointer readout, drawn once per change, not once per frame */
  GdkTexture    *cache;
  int            cache_width, cache_height, cache_scale;
  GdkRGBA        cache_foreground;
  PangoFontDescription *cache_font;
  DsChartLayout  layout;        /* of the cache */
  guint          n_renders;     /* how often the cache was drawn, for the test */
  guint          n_frames;      /* how often the widget was snapshot, for the test */

  double         pointer_x, pointer_y;
  gboolean       pointer_inside;
};

/* ds-loss-chart-series.c */
DsChartSeries *ds_chart_series_new         (const char          *name,
                                            DsChartAxis          axis,
                                            DsChartXUnit         unit,
                                            const GdkRGBA       *color);
void     ds_chart_series_free              (gpointer             series);
/* Appends (@x, @y) as ds_loss_chart_append() documents, the EMA with @smoothing. */
void     ds_chart_series_append            (DsChartSeries       *series,
                                            double               smoothing,
                                            double               x,
                                            double               y);
/* Computes the EMA and the minimum and maximum again, after a change of @smoothing. */
void     ds_chart_series_recompute         (DsChartSeries       *series,
                                            double               smoothing);
void     ds_chart_series_clear             (DsChartSeries       *series);
/* The first index whose x is at or after @x (n_points when none): a binary search. */
guint    ds_chart_series_lower_bound       (const DsChartSeries *series,
                                            double               x);

/* ds-loss-chart.c */
/* Throws away the drawn chart and asks for a frame; cheap, so call it on every change. */
void     ds_loss_chart_invalidate          (DsLossChart         *self);
/* Whether @series can be drawn on the x-unit: its own, or another with steps-per-epoch known. */
gboolean ds_loss_chart_series_visible      (DsLossChart         *self,
                                            const DsChartSeries *series);
/* @x of @series in the chart's x-unit. */
double   ds_loss_chart_series_x            (DsLossChart         *self,
                                            const DsChartSeries *series,
                                            double               x);
/* The y that is drawn: smoothed for step series while smoothing is on, else raw. */
double   ds_loss_chart_series_y            (DsLossChart         *self,
                                            const DsChartSeries *series,
                                            guint                index);
/* Moves the pointer readout to (@x, @y), or hides it with NAN; the motion controller's work. */
void     ds_loss_chart_set_pointer         (DsLossChart         *self,
                                            double               x,
                                            double               y);
const DsChartSeries *ds_loss_chart_get_series (DsLossChart      *self,
                                               guint             series);

/* ds-loss-chart-layout.c */
void     ds_chart_style_init_for_widget    (DsChartStyle        *style,
                                            GtkWidget           *widget);
/* Dark grey on white in 10 pt Sans, the same on every desktop. */
void     ds_chart_style_init_for_export    (DsChartStyle        *style);
void     ds_chart_style_clear              (DsChartStyle        *style);
/* Returns: (transfer full): @text in the style's font. */
PangoLayout *ds_chart_make_text            (const DsChartStyle  *style,
                                            const char          *text);
double   ds_chart_text_width               (const DsChartStyle  *style,
                                            const char          *text);
/* @value with as many decimals as @step needs. */
void     ds_chart_format_fixed             (char                *buf,
                                            gsize                len,
                                            double               value,
                                            double               step);
void     ds_chart_format_x_tick            (char                *buf,
                                            gsize                len,
                                            const DsChartLayout *layout,
                                            double               value);
/* @value: log10 of the value on a log scale */
void     ds_chart_format_loss_tick         (char                *buf,
                                            gsize                len,
                                            const DsChartLayout *layout,
                                            double               value);
/* Returns: (transfer none): the text of a legend entry. */
const char *ds_chart_legend_text           (DsLossChart              *self,
                                            const DsChartLegendEntry *entry);
void     ds_loss_chart_compute_layout      (DsLossChart         *self,
                                            const DsChartStyle  *style,
                                            int                  width,
                                            int                  height,
                                            DsChartLayout       *layout);
/* The layout ds_loss_chart_export_png() uses for a @width x @height image. */
void     ds_loss_chart_get_export_layout   (DsLossChart         *self,
                                            int                  width,
                                            int                  height,
                                            DsChartLayout       *layout);
/* Where @x (in the layout's x unit) and @y (on @axis) are drawn; NAN for y <= 0 on a log axis. */
double   ds_chart_layout_x_to_px           (const DsChartLayout *layout,
                                            double               x);
double   ds_chart_layout_y_to_px           (const DsChartLayout *layout,
                                            DsChartAxis          axis,
                                            double               y);

/* ds-loss-chart-draw.c */
/* Draws the whole chart but the pointer readout, a pure function of the chart and @layout. */
void     ds_loss_chart_draw                (DsLossChart         *self,
                                            cairo_t             *cr,
                                            const DsChartStyle  *style,
                                            const DsChartLayout *layout);
/* Finds the drawn point nearest to (@px, @py) over every visible curve: a binary search on x
 * per curve. FALSE when the pointer is off the plot or nothing is drawn. */
gboolean ds_loss_chart_pick                (DsLossChart         *self,
                                            const DsChartLayout *layout,
                                            double               px,
                                            double               py,
                                            DsChartPick         *pick);
/* The readout box for @pick, kept within the layout's bounds. */
void     ds_loss_chart_draw_pick           (DsLossChart         *self,
                                            cairo_t             *cr,
                                            const DsChartStyle  *style,
                                            const DsChartLayout *layout,
                                            const DsChartPick   *pick);

G_END_DECLS
