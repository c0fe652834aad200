/* ds-loss-chart.c: the loss chart's API, properties and widget; a curve's data is in
 * ds-loss-chart-series.c, the layout, drawing and files in ds-loss-chart-{layout,draw,io}.c
 *
 * Each change only throws the drawn chart away and queues a frame; the next snapshot draws it
 * again into a texture that later frames (the pointer readout moving) reuse as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-loss-chart-private.h"

#define MAX_SMOOTHING 0.999

enum {
  PROP_0,
  PROP_LOG_SCALE,
  PROP_X_UNIT,
  PROP_SMOOTHING,
  PROP_STEPS_PER_EPOCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (DsChartAxis, ds_chart_axis,
                    G_DEFINE_ENUM_VALUE (DS_CHART_AXIS_LOSS, "loss"),
                    G_DEFINE_ENUM_VALUE (DS_CHART_AXIS_ACCURACY, "accuracy"))

G_DEFINE_ENUM_TYPE (DsChartXUnit, ds_chart_x_unit,
                    G_DEFINE_ENUM_VALUE (DS_CHART_X_STEP, "step"),
                    G_DEFINE_ENUM_VALUE (DS_CHART_X_EPOCH, "epoch"))

G_DEFINE_FINAL_TYPE (DsLossChart, ds_loss_chart, GTK_TYPE_WIDGET)

/* Mid-light, saturated colours (GNOME's palette) that stand out on white and on dark grey. */
static const GdkRGBA palette[] = {
  { 0.208, 0.518, 0.894, 1.0 },  /* blue */
  { 0.902, 0.380, 0.000, 1.0 },  /* orange */
  { 0.149, 0.635, 0.412, 1.0 },  /* green */
  { 0.569, 0.255, 0.675, 1.0 },  /* purple */
  { 0.753, 0.110, 0.157, 1.0 },  /* red */
  { 0.118, 0.600, 0.600, 1.0 },  /* teal */
  { 0.784, 0.533, 0.000, 1.0 },  /* ochre */
  { 0.596, 0.416, 0.267, 1.0 },  /* brown */
};

/* Curves */

const DsChartSeries *
ds_loss_chart_get_series (DsLossChart *self,
                          guint        series)
{
  g_return_val_if_fail (series < self->series->len, NULL);

  return g_ptr_array_index (self->series, series);
}

gboolean
ds_loss_chart_series_visible (DsLossChart         *self,
                              const DsChartSeries *series)
{
  return series->unit == self->x_unit || self->steps_per_epoch > 0;
}

double
ds_loss_chart_series_x (DsLossChart         *self,
                        const DsChartSeries *series,
                        double               x)
{
  if (series->unit == self->x_unit || self->steps_per_epoch == 0)
    return x;
  if (series->unit == DS_CHART_X_EPOCH)
    return x * (double) self->steps_per_epoch;

  return x / (double) self->steps_per_epoch;
}

double
ds_loss_chart_series_y (DsLossChart         *self,
                        const DsChartSeries *series,
                        guint                index)
{
  if (series->smoothed != NULL && self->smoothing > 0)
    return g_array_index (series->smoothed, double, index);

  return g_array_index (series->points, DsChartPoint, index).y;
}

void
ds_loss_chart_invalidate (DsLossChart *self)
{
  g_clear_object (&self->cache);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ds_loss_chart_set_pointer (DsLossChart *self,
                           double       x,
                           double       y)
{
  gboolean inside = !isnan (x) && !isnan (y);

  if (inside == self->pointer_inside && (!inside || (x == self->pointer_x && y == self->pointer_y)))
    return;

  self->pointer_inside = inside;
  self->pointer_x = x;
  self->pointer_y = y;
  /* only the readout changes: the cached chart stays */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Public API */

GtkWidget *
ds_loss_chart_new (void)
{
  return g_object_new (DS_TYPE_LOSS_CHART, NULL);
}

void
ds_loss_chart_clear (DsLossChart *self)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));

  g_ptr_array_set_size (self->series, DS_LOSS_CHART_VAL_ACCURACY + 1);
  for (guint i = 0; i < self->series->len; i++)
    ds_chart_series_clear (g_ptr_array_index (self->series, i));
  ds_loss_chart_invalidate (self);
}

guint64
ds_loss_chart_get_steps_per_epoch (DsLossChart *self)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), 0);

  return self->steps_per_epoch;
}

void
ds_loss_chart_set_steps_per_epoch (DsLossChart *self,
                                   guint64      steps_per_epoch)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));

  if (self->steps_per_epoch == steps_per_epoch)
    return;

  self->steps_per_epoch = steps_per_epoch;
  ds_loss_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEPS_PER_EPOCH]);
}

void
ds_loss_chart_add_train_loss (DsLossChart *self,
                              guint64      global_step,
                              double       loss)
{
  ds_loss_chart_append (self, DS_LOSS_CHART_TRAIN_LOSS, (double) global_step, loss);
}

void
ds_loss_chart_add_epoch (DsLossChart *self,
                         guint        epoch,
                         double       val_loss,
                         double       val_accuracy)
{
  /* NaN means "not measured" here, not "diverged" */
  if (!isnan (val_loss))
    ds_loss_chart_append (self, DS_LOSS_CHART_VAL_LOSS, epoch, val_loss);
  if (!isnan (val_accuracy))
    ds_loss_chart_append (self, DS_LOSS_CHART_VAL_ACCURACY, epoch, val_accuracy);
}

static guint
add_series (DsLossChart  *self,
            const char   *name,
            DsChartAxis   axis,
            DsChartXUnit  unit,
            DsChartMark   mark)
{
  DsChartSeries *s = ds_chart_series_new (name, axis, unit,
                                 &palette[self->series->len % G_N_ELEMENTS (palette)]);

  s->mark = mark;
  g_ptr_array_add (self->series, s);

  return self->series->len - 1;
}

guint
ds_loss_chart_add_series (DsLossChart  *self,
                          const char   *name,
                          DsChartAxis   axis,
                          DsChartXUnit  unit)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  /* an empty series draws nothing: no need to redraw */
  return add_series (self, name, axis, unit, DS_CHART_MARK_NONE);
}

void
ds_loss_chart_append (DsLossChart *self,
                      guint        series,
                      double       x,
                      double       y)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));
  g_return_if_fail (series < self->series->len);
  g_return_if_fail (isfinite (x));

  ds_chart_series_append (g_ptr_array_index (self->series, series), self->smoothing, x, y);
  ds_loss_chart_invalidate (self);
}

guint
ds_loss_chart_get_n_series (DsLossChart *self)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), 0);

  return self->series->len;
}

const char *
ds_loss_chart_get_series_name (DsLossChart *self,
                               guint        series)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);

  return ds_loss_chart_get_series (self, series)->name;
}

DsChartAxis
ds_loss_chart_get_series_axis (DsLossChart *self,
                               guint        series)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), DS_CHART_AXIS_LOSS);
  g_return_val_if_fail (series < self->series->len, DS_CHART_AXIS_LOSS);

  return ds_loss_chart_get_series (self, series)->axis;
}

DsChartXUnit
ds_loss_chart_get_series_unit (DsLossChart *self,
                               guint        series)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), DS_CHART_X_STEP);
  g_return_val_if_fail (series < self->series->len, DS_CHART_X_STEP);

  return ds_loss_chart_get_series (self, series)->unit;
}

guint
ds_loss_chart_get_n_points (DsLossChart *self,
                            guint        series)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);

  return ds_loss_chart_get_series (self, series)->points->len;
}

void
ds_loss_chart_get_point (DsLossChart *self,
                         guint        series,
                         guint        index,
                         double      *x,
                         double      *y)
{
  const DsChartSeries *s;
  const DsChartPoint *point;

  g_return_if_fail (DS_IS_LOSS_CHART (self));
  g_return_if_fail (series < self->series->len);
  s = ds_loss_chart_get_series (self, series);
  g_return_if_fail (index < s->points->len);

  point = &g_array_index (s->points, DsChartPoint, index);
  if (x != NULL)
    *x = point->x;
  if (y != NULL)
    *y = point->y;
}

void
ds_loss_chart_add_overlay (DsLossChart  *self,
                           const char   *label,
                           guint         series,
                           const double *x,
                           const double *y,
                           gsize         n_points)
{
  const DsChartSeries *source;
  DsChartSeries *overlay;
  guint dash;

  g_return_if_fail (DS_IS_LOSS_CHART (self));
  g_return_if_fail (label != NULL);
  g_return_if_fail (series < self->series->len);
  g_return_if_fail (n_points == 0 || (x != NULL && y != NULL));

  for (dash = 0; dash < self->overlay_labels->len; dash++)
    if (g_str_equal (g_ptr_array_index (self->overlay_labels, dash), label))
      break;
  if (dash == self->overlay_labels->len)
    g_ptr_array_add (self->overlay_labels, g_strdup (label));

  source = ds_loss_chart_get_series (self, series);
  overlay = ds_chart_series_new (source->name, source->axis, source->unit, &source->color);
  overlay->overlay_label = g_strdup (label);
  overlay->dash = dash;
  for (gsize i = 0; i < n_points; i++)
    if (isfinite (x[i]))
      ds_chart_series_append (overlay, self->smoothing, x[i], y[i]);
  g_ptr_array_add (self->overlays, overlay);

  ds_loss_chart_invalidate (self);
}

guint
ds_loss_chart_get_n_overlay_runs (DsLossChart *self)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), 0);

  return self->overlay_labels->len;
}

void
ds_loss_chart_clear_overlays (DsLossChart *self)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));

  if (self->overlays->len == 0)
    return;

  g_ptr_array_set_size (self->overlays, 0);
  g_ptr_array_set_size (self->overlay_labels, 0);
  ds_loss_chart_invalidate (self);
}

gboolean
ds_loss_chart_get_log_scale (DsLossChart *self)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), FALSE);

  return self->log_scale;
}

void
ds_loss_chart_set_log_scale (DsLossChart *self,
                             gboolean     log_scale)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));

  log_scale = !!log_scale;
  if (self->log_scale == log_scale)
    return;

  self->log_scale = log_scale;
  ds_loss_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_SCALE]);
}

DsChartXUnit
ds_loss_chart_get_x_unit (DsLossChart *self)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), DS_CHART_X_STEP);

  return self->x_unit;
}

void
ds_loss_chart_set_x_unit (DsLossChart  *self,
                          DsChartXUnit  x_unit)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));
  g_return_if_fail (x_unit == DS_CHART_X_STEP || x_unit == DS_CHART_X_EPOCH);

  if (self->x_unit == x_unit)
    return;

  self->x_unit = x_unit;
  ds_loss_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X_UNIT]);
}

double
ds_loss_chart_get_smoothing (DsLossChart *self)
{
  g_return_val_if_fail (DS_IS_LOSS_CHART (self), 0.0);

  return self->smoothing;
}

void
ds_loss_chart_set_smoothing (DsLossChart *self,
                             double       smoothing)
{
  g_return_if_fail (DS_IS_LOSS_CHART (self));
  g_return_if_fail (!isnan (smoothing));

  smoothing = CLAMP (smoothing, 0.0, MAX_SMOOTHING);
  if (self->smoothing == smoothing)
    return;

  /* O(n), but a slider moves a few times per frame at most */
  self->smoothing = smoothing;
  for (guint i = 0; i < self->series->len; i++)
    ds_chart_series_recompute (g_ptr_array_index (self->series, i), smoothing);
  for (guint i = 0; i < self->overlays->len; i++)
    ds_chart_series_recompute (g_ptr_array_index (self->overlays, i), smoothing);

  ds_loss_chart_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

/* Widget */

static void
render_cache (DsLossChart        *self,
              const DsChartStyle *style,
              int                 width,
              int                 height,
              int                 scale)
{
  cairo_surface_t *surface;
  g_autoptr(GBytes) bytes = NULL;
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return;
    }

  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  ds_loss_chart_compute_layout (self, style, width, height, &self->layout);
  ds_loss_chart_draw (self, cr, style, &self->layout);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* the texture keeps the surface's pixels alive rather than copying them */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface)
                                      * (gsize) (height * scale),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  /* GDK_MEMORY_DEFAULT is CAIRO_FORMAT_ARGB32's layout */
  self->cache = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                        cairo_image_surface_get_stride (surface));
  self->cache_width = width;
  self->cache_height = height;
  self->cache_scale = scale;
  self->n_renders++;
}

static void
ds_loss_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  DsLossChart *self = DS_LOSS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  const PangoFontDescription *font;
  DsChartStyle style;
  DsChartPick pick;

  if (width <= 0 || height <= 0)
    return;

  self->n_frames++;
  ds_chart_style_init_for_widget (&style, widget);
  font = pango_context_get_font_description (style.context);

  /* a theme or font change shows up here, without a signal for each thing that can change */
  if (self->cache != NULL
      && (width != self->cache_width || height != self->cache_height || scale != self->cache_scale
          || !gdk_rgba_equal (&style.foreground, &self->cache_foreground)
          || self->cache_font == NULL || !pango_font_description_equal (font, self->cache_font)))
    g_clear_object (&self->cache);

  if (self->cache == NULL)
    {
      render_cache (self, &style, width, height, scale);
      self->cache_foreground = style.foreground;
      g_clear_pointer (&self->cache_font, pango_font_description_free);
      self->cache_font = pango_font_description_copy (font);
    }

  if (self->cache != NULL)
    gtk_snapshot_append_texture (snapshot, self->cache, &bounds);

  if (self->cache != NULL && self->pointer_inside
      && ds_loss_chart_pick (self, &self->layout, self->pointer_x, self->pointer_y, &pick))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);

      ds_loss_chart_draw_pick (self, cr, &style, &self->layout, &pick);
      cairo_destroy (cr);
    }

  ds_chart_style_clear (&style);
}

static void
ds_loss_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  /* room for the axes and a readable plot; the page gives it more */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 560;
    }
  else
    {
      *minimum = 160;
      *natural = 320;
    }
}

static void
ds_loss_chart_system_setting_changed (GtkWidget        *widget,
                                      GtkSystemSetting  setting)
{
  /* font rendering options (hinting, DPI) are not part of the font description we compare */
  ds_loss_chart_invalidate (DS_LOSS_CHART (widget));

  GTK_WIDGET_CLASS (ds_loss_chart_parent_class)->system_setting_changed (widget, setting);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DsLossChart              *self)
{
  ds_loss_chart_set_pointer (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          DsLossChart              *self)
{
  ds_loss_chart_set_pointer (self, NAN, NAN);
}

/* GObject */

static void
ds_loss_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DsLossChart *self = DS_LOSS_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      g_value_set_boolean (value, self->log_scale);
      break;

    case PROP_X_UNIT:
      g_value_set_enum (value, self->x_unit);
      break;

    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;

    case PROP_STEPS_PER_EPOCH:
      g_value_set_uint64 (value, self->steps_per_epoch);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_loss_chart_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DsLossChart *self = DS_LOSS_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      ds_loss_chart_set_log_scale (self, g_value_get_boolean (value));
      break;

    case PROP_X_UNIT:
      ds_loss_chart_set_x_unit (self, g_value_get_enum (value));
      break;

    case PROP_SMOOTHING:
      ds_loss_chart_set_smoothing (self, g_value_get_double (value));
      break;

    case PROP_STEPS_PER_EPOCH:
      ds_loss_chart_set_steps_per_epoch (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_loss_chart_dispose (GObject *object)
{
  DsLossChart *self = DS_LOSS_CHART (object);

  g_clear_object (&self->cache);
  g_clear_pointer (&self->cache_font, pango_font_description_free);

  G_OBJECT_CLASS (ds_loss_chart_parent_class)->dispose (object);
}

static void
ds_loss_chart_finalize (GObject *object)
{
  DsLossChart *self = DS_LOSS_CHART (object);

  g_ptr_array_unref (self->series);
  g_ptr_array_unref (self->overlays);
  g_ptr_array_unref (self->overlay_labels);

  G_OBJECT_CLASS (ds_loss_chart_parent_class)->finalize (object);
}

static void
ds_loss_chart_class_init (DsLossChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_loss_chart_dispose;
  object_class->finalize = ds_loss_chart_finalize;
  object_class->get_property = ds_loss_chart_get_property;
  object_class->set_property = ds_loss_chart_set_property;

  widget_class->snapshot = ds_loss_chart_snapshot;
  widget_class->measure = ds_loss_chart_measure;
  widget_class->system_setting_changed = ds_loss_chart_system_setting_changed;

  properties[PROP_LOG_SCALE] =
    g_param_spec_boolean ("log-scale", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_UNIT] =
    g_param_spec_enum ("x-unit", NULL, NULL, DS_TYPE_CHART_X_UNIT, DS_CHART_X_STEP,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0.0, MAX_SMOOTHING, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEPS_PER_EPOCH] =
    g_param_spec_uint64 ("steps-per-epoch", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "losschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ds_loss_chart_init (DsLossChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->series = g_ptr_array_new_with_free_func (ds_chart_series_free);
  self->overlays = g_ptr_array_new_with_free_func (ds_chart_series_free);
  self->overlay_labels = g_ptr_array_new_with_free_func (g_free);
  self->pointer_x = self->pointer_y = NAN;

  add_series (self, "training loss", DS_CHART_AXIS_LOSS, DS_CHART_X_STEP,
              DS_CHART_MARK_MIN_SMOOTHED);
  add_series (self, "validation loss", DS_CHART_AXIS_LOSS, DS_CHART_X_EPOCH, DS_CHART_MARK_MIN);
  add_series (self, "validation accuracy", DS_CHART_AXIS_ACCURACY, DS_CHART_X_EPOCH,
              DS_CHART_MARK_MAX);

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Training chart",
                                  -1);
}
