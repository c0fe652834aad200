/* ds-heat-legend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-heat-legend.h"
#include "ds-heatmap-view.h"

#define BAR_HEIGHT 12
#define N_TICKS 5

struct _DsHeatLegend
{
  GtkWidget  parent_instance;

  double     max;
};

G_DEFINE_FINAL_TYPE (DsHeatLegend, ds_heat_legend, GTK_TYPE_WIDGET)

static void
update_accessible (DsHeatLegend *self)
{
  g_autofree char *text = NULL;

  if (isnan (self->max))
    text = g_strdup ("Heat colour scale");
  else
    text = g_strdup_printf ("Heat colour scale: dark blue for no residual, dark red for %.3g "
                            "and above", self->max);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
ds_heat_legend_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  DsHeatLegend *self = DS_HEAT_LEGEND (widget);
  int width = gtk_widget_get_width (widget);
  float margin = 16.0f, bar_w = MAX (width - 2 * margin, 1.0f);
  cairo_surface_t *ramp = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 1);
  guint32 *px = (guint32 *) (void *) cairo_image_surface_get_data (ramp);
  GdkRGBA color;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cairo_surface_flush (ramp);
  for (guint i = 0; i < 256; i++)
    {
      guint8 rgb[3];

      ds_heat_color (i / 255.0, rgb);
      px[i] = 0xff000000u | (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
    }
  cairo_surface_mark_dirty (ramp);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (margin, 0, bar_w, BAR_HEIGHT));
  cairo_translate (cr, margin, 0);
  cairo_scale (cr, bar_w / 256.0, BAR_HEIGHT);
  cairo_set_source_surface (cr, ramp, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (ramp);

  for (guint t = 0; t < N_TICKS; t++)
    {
      double f = (double) t / (N_TICKS - 1);
      float x = margin + (float) (f * bar_w);
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (x - 0.5f, BAR_HEIGHT, 1, 4));
      if (isnan (self->max))
        continue;
      if (t == 0)
        text = g_strdup ("0");
      else if (t == N_TICKS - 1)
        text = g_strdup_printf ("≥ %.3g", self->max);
      else
        text = g_strdup_printf ("%.3g", f * self->max);
      layout = gtk_widget_create_pango_layout (widget, text);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (CLAMP (x - lw / 2.0f, 0.0f,
                                                           (float) (width - lw)), BAR_HEIGHT + 4));
      gtk_snapshot_append_layout (snapshot, layout, &color);
      gtk_snapshot_restore (snapshot);
    }
}

static void
ds_heat_legend_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 320;
    }
  else
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, "0");
      int lh;

      pango_layout_get_pixel_size (layout, NULL, &lh);
      *minimum = *natural = BAR_HEIGHT + 4 + lh;
    }
}

GtkWidget *
ds_heat_legend_new (void)
{
  return g_object_new (DS_TYPE_HEAT_LEGEND, NULL);
}

void
ds_heat_legend_set_max (DsHeatLegend *self,
                        double        max)
{
  g_return_if_fail (DS_IS_HEAT_LEGEND (self));

  self->max = max;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
ds_heat_legend_get_max (DsHeatLegend *self)
{
  return self->max;
}

static void
ds_heat_legend_class_init (DsHeatLegendClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = ds_heat_legend_snapshot;
  widget_class->measure = ds_heat_legend_measure;
  gtk_widget_class_set_css_name (widget_class, "heatlegend");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ds_heat_legend_init (DsHeatLegend *self)
{
  self->max = NAN;
  update_accessible (self);
}
