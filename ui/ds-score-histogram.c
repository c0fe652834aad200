/* ds-score-histogram.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-score-histogram.h"

#define N_BINS        40
#define MARGIN_LEFT   44.0
#define MARGIN_RIGHT  16.0
#define MARGIN_TOP    40.0
#define MARGIN_BOTTOM 24.0
#define GRAB_DISTANCE 10.0   /* pixels from a line where a press takes it */
/* keyboard steps, as a fraction of the axis */
#define KEY_STEP      0.01
#define KEY_STEP_FINE 0.001

typedef enum
{
  LINE_NONE,
  LINE_LOW,
  LINE_HIGH,
  LINE_EITHER,   /* both lines under the pointer: the first move decides */
} Line;

struct _DsScoreHistogram
{
  GtkWidget  parent_instance;

  guint      good[N_BINS];
  guint      bad[N_BINS];
  guint      n_good, n_bad;
  double     max_value;      /* the right end of the axis */
  double     low, high;
  double     marker;

  Line       dragged;
  double     drag_start_x;
};

enum {
  PROP_0,
  PROP_THRESHOLD_LOW,
  PROP_THRESHOLD_HIGH,
  N_PROPS
};

enum {
  BAND_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsScoreHistogram, ds_score_histogram, GTK_TYPE_WIDGET)

static const GdkRGBA good_color = { 0.18f, 0.76f, 0.49f, 0.65f };    /* #2ec27e */
static const GdkRGBA bad_color = { 0.88f, 0.11f, 0.14f, 0.55f };     /* #e01b24 */
static const GdkRGBA low_color = { 0.90f, 0.65f, 0.04f, 1.0f };      /* #e5a50a */
static const GdkRGBA high_color = { 0.75f, 0.11f, 0.16f, 1.0f };     /* #c01c28 */

/* Geometry */

static double
plot_width (DsScoreHistogram *self)
{
  return MAX (gtk_widget_get_width (GTK_WIDGET (self)) - MARGIN_LEFT - MARGIN_RIGHT, 1.0);
}

double
ds_score_histogram_value_to_x (DsScoreHistogram *self,
                               double            value)
{
  g_return_val_if_fail (DS_IS_SCORE_HISTOGRAM (self), 0.0);

  return MARGIN_LEFT + value / self->max_value * plot_width (self);
}

static double
x_to_value (DsScoreHistogram *self,
            double            x)
{
  return CLAMP ((x - MARGIN_LEFT) / plot_width (self), 0.0, 1.0) * self->max_value;
}

static void
update_accessible (DsScoreHistogram *self)
{
  g_autofree char *text = NULL;

  if (isnan (self->low))
    text = g_strdup_printf ("Scores of %u normal and %u defective images", self->n_good,
                            self->n_bad);
  else
    text = g_strdup_printf ("Scores of %u normal and %u defective images; pass at or below %.4g, "
                            "fail above %.4g", self->n_good, self->n_bad, self->low, self->high);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text, -1);
}

/* Moves a threshold (@line LINE_LOW or LINE_HIGH) to @value, keeping low <= high on the axis. */
static void
move_line (DsScoreHistogram *self,
           Line              line,
           double            value)
{
  value = CLAMP (value, 0.0, self->max_value);
  if (line == LINE_LOW)
    {
      value = MIN (value, self->high);
      if (value == self->low)
        return;
      self->low = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD_LOW]);
    }
  else
    {
      value = MAX (value, self->low);
      if (value == self->high)
        return;
      self->high = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD_HIGH]);
    }
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing */

static void
draw_text (GtkWidget   *widget,
           GtkSnapshot *snapshot,
           const char  *text,
           double       x,
           double       y,
           double       xalign,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int w, h;

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  x = CLAMP (x - xalign * w, 0.0, MAX (gtk_widget_get_width (widget) - w, 0));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* Each class as a share of its own images, so that 50 normal images and 500 defective ones
 * can be compared; @top is the largest share drawn. */
static void
draw_bars (DsScoreHistogram *self,
           GtkSnapshot      *snapshot,
           const guint      *counts,
           guint             total,
           double            top,
           const GdkRGBA    *color)
{
  double pw = plot_width (self);
  double ph = MAX (gtk_widget_get_height (GTK_WIDGET (self)) - MARGIN_TOP - MARGIN_BOTTOM, 1.0);
  double bw = pw / N_BINS;

  for (guint b = 0; b < N_BINS; b++)
    {
      double h = top > 0 && total > 0 ? ph * counts[b] / total / top : 0.0;

      if (counts[b] == 0)
        continue;
      gtk_snapshot_append_color (snapshot, color,
                                 &GRAPHENE_RECT_INIT ((float) (MARGIN_LEFT + b * bw + 0.5),
                                                      (float) (MARGIN_TOP + ph - h),
                                                      (float) MAX (bw - 1.0, 1.0), (float) h));
    }
}

static void
ds_score_histogram_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DsScoreHistogram *self = DS_SCORE_HISTOGRAM (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double ph = MAX (height - MARGIN_TOP - MARGIN_BOTTOM, 1.0), base = MARGIN_TOP + ph;
  double top = 0.0;
  GdkRGBA fg, faint;
  char buf[64];

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  faint = fg;
  faint.alpha *= 0.3f;

  for (guint b = 0; b < N_BINS; b++)
    {
      if (self->n_good > 0)
        top = MAX (top, (double) self->good[b] / self->n_good);
      if (self->n_bad > 0)
        top = MAX (top, (double) self->bad[b] / self->n_bad);
    }

  /* the band between the thresholds, where images go to a person */
  if (!isnan (self->low))
    {
      double x0 = ds_score_histogram_value_to_x (self, self->low);
      double x1 = ds_score_histogram_value_to_x (self, self->high);
      GdkRGBA band = low_color;

      band.alpha = 0.15f;
      gtk_snapshot_append_color (snapshot, &band,
                                 &GRAPHENE_RECT_INIT ((float) x0, MARGIN_TOP, (float) (x1 - x0),
                                                      (float) ph));
    }

  /* the normal images on top: usually the fewer, and the ones the pass threshold is about */
  draw_bars (self, snapshot, self->bad, self->n_bad, top, &bad_color);
  draw_bars (self, snapshot, self->good, self->n_good, top, &good_color);

  /* axes: counts on the left, scores below */
  gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (MARGIN_LEFT, (float) base,
                                                                    (float) plot_width (self), 1));
  g_snprintf (buf, sizeof buf, "%.0f %%", 100 * top);
  draw_text (widget, snapshot, buf, MARGIN_LEFT - 6, MARGIN_TOP - 6, 1.0, &fg);
  draw_text (widget, snapshot, "0", MARGIN_LEFT - 6, base - 14, 1.0, &fg);
  for (guint t = 0; t <= 4; t++)
    {
      double v = self->max_value * t / 4;
      double x = ds_score_histogram_value_to_x (self, v);

      gtk_snapshot_append_color (snapshot, &faint,
                                 &GRAPHENE_RECT_INIT ((float) x, (float) base, 1, 4));
      g_snprintf (buf, sizeof buf, "%.3g", v);
      draw_text (widget, snapshot, buf, x, base + 5, t == 0 ? 0.0 : t == 4 ? 1.0 : 0.5, &fg);
    }

  /* the legend: what the bars are, each class a share of its own images */
  {
    double x = width - MARGIN_RIGHT - 300;

    gtk_snapshot_append_color (snapshot, &good_color, &GRAPHENE_RECT_INIT ((float) x, 5, 10, 10));
    g_snprintf (buf, sizeof buf, "normal (%u images)", self->n_good);
    draw_text (widget, snapshot, buf, x + 14, 2, 0.0, &fg);
    gtk_snapshot_append_color (snapshot, &bad_color,
                               &GRAPHENE_RECT_INIT ((float) x + 150, 5, 10, 10));
    g_snprintf (buf, sizeof buf, "defective (%u images)", self->n_bad);
    draw_text (widget, snapshot, buf, x + 164, 2, 0.0, &fg);
  }

  /* the selected image, at the right end when its score is off the axis */
  if (!isnan (self->marker))
    {
      double x = ds_score_histogram_value_to_x (self, MIN (self->marker, self->max_value));

      gtk_snapshot_append_color (snapshot, &fg,
                                 &GRAPHENE_RECT_INIT ((float) x - 0.5f, MARGIN_TOP, 1, (float) ph));
      gtk_snapshot_append_color (snapshot, &fg,
                                 &GRAPHENE_RECT_INIT ((float) x - 3, (float) base - 6, 7, 6));
      g_snprintf (buf, sizeof buf, "%s%.3g", self->marker > self->max_value ? "→ " : "",
                  self->marker);
      draw_text (widget, snapshot, buf, x - 4, base - 30, 1.0, &fg);
    }

  /* the thresholds, with a handle each */
  if (!isnan (self->low))
    {
      double xl = ds_score_histogram_value_to_x (self, self->low);
      double xh = ds_score_histogram_value_to_x (self, self->high);

      gtk_snapshot_append_color (snapshot, &low_color,
                                 &GRAPHENE_RECT_INIT ((float) xl - 1, MARGIN_TOP - 6, 2,
                                                      (float) ph + 6));
      gtk_snapshot_append_color (snapshot, &low_color,
                                 &GRAPHENE_RECT_INIT ((float) xl - 4, MARGIN_TOP - 10, 8, 8));
      gtk_snapshot_append_color (snapshot, &high_color,
                                 &GRAPHENE_RECT_INIT ((float) xh - 1, MARGIN_TOP - 6, 2,
                                                      (float) ph + 6));
      gtk_snapshot_append_color (snapshot, &high_color,
                                 &GRAPHENE_RECT_INIT ((float) xh - 4, MARGIN_TOP - 10, 8, 8));
      /* above the plot, on the outer side of each line */
      g_snprintf (buf, sizeof buf, "pass ≤ %.3g", self->low);
      draw_text (widget, snapshot, buf, xl - 6, MARGIN_TOP - 24, 1.0, &low_color);
      g_snprintf (buf, sizeof buf, "fail > %.3g", self->high);
      draw_text (widget, snapshot, buf, xh + 6, MARGIN_TOP - 24, 0.0, &high_color);
    }

  if (gtk_widget_has_visible_focus (widget))
    {
      GskRoundedRect outline;
      float widths[4] = { 1, 1, 1, 1 };
      GdkRGBA colors[4] = { faint, faint, faint, faint };

      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (1, 1, (float) width - 2,
                                                                      (float) height - 2), 4);
      gtk_snapshot_append_border (snapshot, &outline, widths, colors);
    }
}

static void
ds_score_histogram_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 180;
}

/* Pointer */

static Line
line_at (DsScoreHistogram *self,
         double            x)
{
  double dl, dh;

  if (isnan (self->low))
    return LINE_NONE;
  dl = fabs (x - ds_score_histogram_value_to_x (self, self->low));
  dh = fabs (x - ds_score_histogram_value_to_x (self, self->high));
  if (dl > GRAB_DISTANCE && dh > GRAB_DISTANCE)
    return LINE_NONE;
  if (fabs (dl - dh) < 1.0)
    return LINE_EITHER;

  return dl < dh ? LINE_LOW : LINE_HIGH;
}

static void
drag_begin_cb (GtkGestureDrag   *gesture,
               double            x,
               double            y,
               DsScoreHistogram *self)
{
  self->dragged = line_at (self, x);
  self->drag_start_x = x;
  if (self->dragged == LINE_NONE)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag   *gesture,
                double            dx,
                double            dy,
                DsScoreHistogram *self)
{
  if (self->dragged == LINE_NONE || dx == 0.0)
    return;
  if (self->dragged == LINE_EITHER)
    self->dragged = dx < 0 ? LINE_LOW : LINE_HIGH;
  move_line (self, self->dragged, x_to_value (self, self->drag_start_x + dx));
}

static void
drag_end_cb (GtkGestureDrag   *gesture,
             double            dx,
             double            dy,
             DsScoreHistogram *self)
{
  gboolean moved = self->dragged != LINE_NONE && dx != 0.0;

  self->dragged = LINE_NONE;
  if (moved)
    g_signal_emit (self, signals[BAND_CHANGED], 0, self->low, self->high);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DsScoreHistogram         *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   line_at (self, x) != LINE_NONE ? "ew-resize" : NULL);
}

/* Keyboard */

static gboolean
key_move_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  DsScoreHistogram *self = DS_SCORE_HISTOGRAM (widget);
  int direction, high, fine;
  double step;

  if (isnan (self->low))
    return FALSE;
  g_variant_get (args, "(iii)", &direction, &high, &fine);
  step = self->max_value * (fine ? KEY_STEP_FINE : KEY_STEP);
  if (high)
    move_line (self, LINE_HIGH, self->high + direction * step);
  else
    move_line (self, LINE_LOW, self->low + direction * step);
  g_signal_emit (self, signals[BAND_CHANGED], 0, self->low, self->high);

  return TRUE;
}

/* Public */

GtkWidget *
ds_score_histogram_new (void)
{
  return g_object_new (DS_TYPE_SCORE_HISTOGRAM, NULL);
}

static void
update_axis (DsScoreHistogram *self,
             const float      *good,
             guint             n_good,
             const float      *bad,
             guint             n_bad)
{
  double top = 0.0;

  for (guint i = 0; i < n_good; i++)
    top = isnan (good[i]) ? top : MAX (top, good[i]);
  for (guint i = 0; i < n_bad; i++)
    top = isnan (bad[i]) ? top : MAX (top, bad[i]);
  if (!isnan (self->high))
    top = MAX (top, self->high);
  self->max_value = top > 0.0 ? top * 1.08 : 1.0;
}

static void
fill_bins (DsScoreHistogram *self,
           guint            *bins,
           const float      *scores,
           guint             n)
{
  memset (bins, 0, N_BINS * sizeof (guint));
  for (guint i = 0; i < n; i++)
    if (!isnan (scores[i]))
      {
        double f = scores[i] / self->max_value;

        bins[(guint) CLAMP (f * N_BINS, 0.0, N_BINS - 1.0)]++;
      }
}

void
ds_score_histogram_set_scores (DsScoreHistogram *self,
                               const float      *good,
                               guint             n_good,
                               const float      *bad,
                               guint             n_bad)
{
  g_return_if_fail (DS_IS_SCORE_HISTOGRAM (self));

  update_axis (self, good, n_good, bad, n_bad);
  fill_bins (self, self->good, good, n_good);
  fill_bins (self, self->bad, bad, n_bad);
  self->n_good = n_good;
  self->n_bad = n_bad;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ds_score_histogram_set_band (DsScoreHistogram *self,
                             double            low,
                             double            high)
{
  g_return_if_fail (DS_IS_SCORE_HISTOGRAM (self));

  if (isnan (low) || isnan (high))
    low = high = NAN;
  else if (high < low)
    high = low;
  self->low = low;
  self->high = high;
  /* a threshold beyond every score widens the axis, once */
  if (!isnan (high) && high * 1.02 > self->max_value)
    self->max_value = high * 1.08;
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD_LOW]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD_HIGH]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
ds_score_histogram_get_low (DsScoreHistogram *self)
{
  return self->low;
}

double
ds_score_histogram_get_high (DsScoreHistogram *self)
{
  return self->high;
}

void
ds_score_histogram_set_marker (DsScoreHistogram *self,
                               double            score)
{
  g_return_if_fail (DS_IS_SCORE_HISTOGRAM (self));

  self->marker = score;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* GObject */

static void
ds_score_histogram_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DsScoreHistogram *self = DS_SCORE_HISTOGRAM (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD_LOW:
      g_value_set_double (value, self->low);
      break;
    case PROP_THRESHOLD_HIGH:
      g_value_set_double (value, self->high);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_key (GtkWidgetClass  *widget_class,
         guint            keyval,
         GdkModifierType  modifiers,
         int              direction,
         int              high,
         int              fine)
{
  gtk_widget_class_add_binding (widget_class, keyval, modifiers, key_move_cb, "(iii)",
                                direction, high, fine);
}

static void
ds_score_histogram_class_init (DsScoreHistogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ds_score_histogram_get_property;
  widget_class->snapshot = ds_score_histogram_snapshot;
  widget_class->measure = ds_score_histogram_measure;

  properties[PROP_THRESHOLD_LOW] =
    g_param_spec_double ("threshold-low", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THRESHOLD_HIGH] =
    g_param_spec_double ("threshold-high", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BAND_CHANGED] = g_signal_new ("band-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  for (guint fine = 0; fine <= 1; fine++)
    {
      GdkModifierType ctrl = fine ? GDK_CONTROL_MASK : 0;

      add_key (widget_class, GDK_KEY_Left, ctrl, -1, FALSE, fine);
      add_key (widget_class, GDK_KEY_Right, ctrl, 1, FALSE, fine);
      add_key (widget_class, GDK_KEY_Left, ctrl | GDK_SHIFT_MASK, -1, TRUE, fine);
      add_key (widget_class, GDK_KEY_Right, ctrl | GDK_SHIFT_MASK, 1, TRUE, fine);
    }

  gtk_widget_class_set_css_name (widget_class, "scorehistogram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ds_score_histogram_init (DsScoreHistogram *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->low = self->high = self->marker = NAN;
  self->max_value = 1.0;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               "Drag the two lines to move the review band. Keys: Left and Right "
                               "move the pass threshold, Shift with them the fail threshold, "
                               "Ctrl for fine steps.");

  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  update_accessible (self);
}
