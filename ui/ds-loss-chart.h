/* ds-loss-chart.h: the live training chart: losses, accuracy and earlier runs over steps or epochs
 *
 * A chart holds numbered series of (x, y) points. Three exist from the start, for an ordinary
 * classifier run (DS_LOSS_CHART_TRAIN_LOSS and the two validation series); others, such as the
 * "D loss" and "G loss" of a GAN, are added with ds_loss_chart_add_series(). Each series has an
 * x unit (steps or epochs; step series are smoothed, see the smoothing property) and a y axis:
 * losses on the left axis (linear or logarithmic), accuracies on the right one, 0 to 1.
 *
 * Epoch e of a run ends at step e * steps-per-epoch, so with steps-per-epoch set both kinds of
 * series share one x axis, in steps or in epochs (x-unit). Without it (0) only the series of the
 * x-unit are shown.
 *
 * The best value of the three standard series is marked: the lowest smoothed training loss, the
 * lowest validation loss and the highest validation accuracy. Pointing at the chart shows the
 * nearest point.
 *
 * Adding points is cheap: the chart is drawn again once per frame however many came in between.
 * Like any widget it is used from the main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  DS_CHART_AXIS_LOSS,      /* left, from the data's range, linear or log (log-scale) */
  DS_CHART_AXIS_ACCURACY,  /* right, always 0 to 1 */
} DsChartAxis;

typedef enum
{
  DS_CHART_X_STEP,   /* global optimiser steps */
  DS_CHART_X_EPOCH,  /* passes over the training set; 1 is the end of the first */
} DsChartXUnit;

#define DS_TYPE_CHART_AXIS   (ds_chart_axis_get_type ())
#define DS_TYPE_CHART_X_UNIT (ds_chart_x_unit_get_type ())
GType ds_chart_axis_get_type   (void) G_GNUC_CONST;
GType ds_chart_x_unit_get_type (void) G_GNUC_CONST;

/* The series every chart has, whatever was added after them. */
#define DS_LOSS_CHART_TRAIN_LOSS     0u  /* "training loss", loss axis, per step */
#define DS_LOSS_CHART_VAL_LOSS       1u  /* "validation loss", loss axis, per epoch */
#define DS_LOSS_CHART_VAL_ACCURACY   2u  /* "validation accuracy", accuracy axis, per epoch */

#define DS_TYPE_LOSS_CHART (ds_loss_chart_get_type ())

G_DECLARE_FINAL_TYPE (DsLossChart, ds_loss_chart, DS, LOSS_CHART, GtkWidget)

GtkWidget    *ds_loss_chart_new                 (void);

/* Empties the chart for a new run: removes every point and the series added with
 * ds_loss_chart_add_series(); the three standard series stay, empty. Overlays stay too. */
void          ds_loss_chart_clear               (DsLossChart  *self);

guint64       ds_loss_chart_get_steps_per_epoch (DsLossChart  *self);
/* @steps_per_epoch: 0 when unknown; see the top of this file. */
void          ds_loss_chart_set_steps_per_epoch (DsLossChart  *self,
                                                 guint64       steps_per_epoch);

/* Appends one training-loss point. Steps should increase: a step at or before the last one
 * drops the points from that step on (training resumed from an earlier checkpoint). */
void          ds_loss_chart_add_train_loss      (DsLossChart  *self,
                                                 guint64       global_step,
                                                 double        loss);
/* Appends the validation results of @epoch (1 for the first); NAN leaves a series out. */
void          ds_loss_chart_add_epoch           (DsLossChart  *self,
                                                 guint         epoch,
                                                 double        val_loss,
                                                 double        val_accuracy);

/* Adds an empty series drawn in the next colour of the palette.
 * Returns: its number, for ds_loss_chart_append(). */
guint         ds_loss_chart_add_series          (DsLossChart  *self,
                                                 const char   *name,
                                                 DsChartAxis   axis,
                                                 DsChartXUnit  unit);
/* Appends (@x, @y) to @series, @x in the series' unit. As for ds_loss_chart_add_train_loss(),
 * an @x at or before the last one drops the points from @x on. A NaN or infinite @y is not
 * drawn: the first one is marked on the chart, as the point where training diverged. */
void          ds_loss_chart_append              (DsLossChart  *self,
                                                 guint         series,
                                                 double        x,
                                                 double        y);

guint         ds_loss_chart_get_n_series        (DsLossChart  *self);
/* Returns: (transfer none): the name given to ds_loss_chart_add_series(). */
const char   *ds_loss_chart_get_series_name     (DsLossChart  *self,
                                                 guint         series);
DsChartAxis   ds_loss_chart_get_series_axis     (DsLossChart  *self,
                                                 guint         series);
DsChartXUnit  ds_loss_chart_get_series_unit     (DsLossChart  *self,
                                                 guint         series);
/* The finite points of @series, in x order. */
guint         ds_loss_chart_get_n_points        (DsLossChart  *self,
                                                 guint         series);
void          ds_loss_chart_get_point           (DsLossChart  *self,
                                                 guint         series,
                                                 guint         index,
                                                 double       *x,
                                                 double       *y);

/* Shows an earlier run's curve behind @series: @n_points points (@x ascending, in the unit of
 * @series; the arrays are copied), in the colour of @series but faded, with a dash pattern of
 * its own per @label. Step curves are smoothed like the live ones. The legend shows @label. */
void          ds_loss_chart_add_overlay         (DsLossChart  *self,
                                                 const char   *label,
                                                 guint         series,
                                                 const double *x,
                                                 const double *y,
                                                 gsize         n_points);
void          ds_loss_chart_clear_overlays      (DsLossChart  *self);
/* The runs overlaid: their distinct labels. */
guint         ds_loss_chart_get_n_overlay_runs  (DsLossChart  *self);

gboolean      ds_loss_chart_get_log_scale       (DsLossChart  *self);
/* TRUE draws the loss axis logarithmically (decades); values <= 0 are then left out. */
void          ds_loss_chart_set_log_scale       (DsLossChart  *self,
                                                 gboolean      log_scale);
DsChartXUnit  ds_loss_chart_get_x_unit          (DsLossChart  *self);
void          ds_loss_chart_set_x_unit          (DsLossChart  *self,
                                                 DsChartXUnit  x_unit);
double        ds_loss_chart_get_smoothing       (DsLossChart  *self);
/* @smoothing: 0 to 0.999, the weight of the past in an exponential moving average of each step
 * series (bias-corrected, so the first points are not pulled towards 0). Above 0 the raw points
 * are drawn faintly behind the smoothed line. */
void          ds_loss_chart_set_smoothing       (DsLossChart  *self,
                                                 double        smoothing);

/* Writes the live series (not the overlays) as CSV, atomically. The header line is
 *   series,axis,unit,step,epoch,value
 * then one line per point, series by series in x order: the series' name (quoted as RFC 4180
 * when it needs to be), "loss" or "accuracy", "step" or "epoch", the point's x in steps and in
 * epochs (one of them empty while steps-per-epoch is 0) and its value. Numbers use a '.' and
 * are exact: reading them back as doubles gives the same doubles. A series' first NaN or
 * infinite value is written as nan, inf or -inf. Errors name @path. */
gboolean      ds_loss_chart_export_csv          (DsLossChart  *self,
                                                 const char   *path,
                                                 GError      **error);
/* Replaces the chart's contents with a file written by ds_loss_chart_export_csv(), and sets
 * steps-per-epoch from it when it tells. Series are matched by name, axis and unit, or added. On
 * error the chart is left as it was. Errors name @path and the line. */
gboolean      ds_loss_chart_load_csv            (DsLossChart  *self,
                                                 const char   *path,
                                                 GError      **error);
/* Draws the chart as on screen but without the pointer readout, dark on white, into a
 * @width x @height PNG, atomically. Errors name @path. */
gboolean      ds_loss_chart_export_png          (DsLossChart  *self,
                                                 const char   *path,
                                                 int           width,
                                                 int           height,
                                                 GError      **error);
/* The same as an SVG drawing of @width x @height points. */
gboolean      ds_loss_chart_export_svg          (DsLossChart  *self,
                                                 const char   *path,
                                                 double        width,
                                                 double        height,
                                                 GError      **error);

G_END_DECLS
