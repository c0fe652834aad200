/* ds-heatmap-view.c
 *
 * The picture is composed once at its own size into a Cairo image surface whenever the image,
 * the map, the scale or the opacity change, and drawn scaled with a nearest-neighbour filter:
 * GTK 4.8 has no texture node with that filter (gtk_snapshot_append_scaled_texture is 4.10).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-heatmap-view.h"

struct _DsHeatmapView
{
  GtkWidget        parent_instance;

  float           *image;       /* (ic, ih, iw) or NULL */
  guint            ic, ih, iw;
  float           *heat;        /* (hh, hw) or NULL */
  guint            hh, hw;
  double           heat_max;
  double           opacity;
  char            *placeholder;
  cairo_surface_t *surface;     /* composed; NULL when stale or empty */
};

enum {
  PROP_0,
  PROP_OPACITY,
  PROP_HEAT_MAX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DsHeatmapView, ds_heatmap_view, GTK_TYPE_WIDGET)

/* jet, ending in a darker red so that the top of the scale reads as "hot" */
void
ds_heat_color (double  t,
               guint8  rgb[3])
{
  static const struct { double t; double r, g, b; } stops[] = {
    { 0.0,   0.0,   0.0, 143.0 },
    { 0.125, 0.0,   0.0, 255.0 },
    { 0.375, 0.0, 255.0, 255.0 },
    { 0.625, 255.0, 255.0, 0.0 },
    { 0.875, 255.0, 0.0,   0.0 },
    { 1.0,   143.0, 0.0,   0.0 },
  };
  guint i = 1;

  t = isnan (t) ? 0.0 : CLAMP (t, 0.0, 1.0);
  while (i < G_N_ELEMENTS (stops) - 1 && t > stops[i].t)
    i++;
  {
    double f = (t - stops[i - 1].t) / (stops[i].t - stops[i - 1].t);

    rgb[0] = (guint8) (stops[i - 1].r + f * (stops[i].r - stops[i - 1].r) + 0.5);
    rgb[1] = (guint8) (stops[i - 1].g + f * (stops[i].g - stops[i - 1].g) + 0.5);
    rgb[2] = (guint8) (stops[i - 1].b + f * (stops[i].b - stops[i - 1].b) + 0.5);
  }
}

static void
invalidate (DsHeatmapView *self)
{
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The picture may have another shape: the height for a width changes. */
static void
invalidate_size (DsHeatmapView *self)
{
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static guint8
to_byte (float v)
{
  /* NaN fails both tests and shows as black */
  return v >= 1.0f ? 255 : v > 0.0f ? (guint8) (v * 255.0f + 0.5f) : 0;
}

static void
compose (DsHeatmapView *self)
{
  guint w = self->image != NULL ? self->iw : self->hw;
  guint h = self->image != NULL ? self->ih : self->hh;
  double alpha = self->image != NULL ? self->opacity : 1.0;
  double scale = self->heat_max;
  guint8 *row;
  int stride;

  if (self->image == NULL && self->heat == NULL)
    return;
  if (!(scale > 0.0) && self->heat != NULL)
    {
      scale = 0.0;
      for (gsize i = 0; i < (gsize) self->hh * self->hw; i++)
        scale = MAX (scale, self->heat[i]);
    }

  self->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  stride = cairo_image_surface_get_stride (self->surface);
  row = cairo_image_surface_get_data (self->surface);
  cairo_surface_flush (self->surface);
  for (guint y = 0; y < h; y++, row += stride)
    for (guint x = 0; x < w; x++)
      {
        double rgb[3] = { 0, 0, 0 };
        guint32 *px = (guint32 *) (void *) row + x;

        if (self->image != NULL)
          for (guint k = 0; k < 3; k++)
            {
              guint ch = self->ic == 3 ? k : 0;

              rgb[k] = to_byte (self->image[((gsize) ch * h + y) * w + x]);
            }
        if (self->heat != NULL)
          {
            /* a map of another size than the image is sampled at the nearest pixel */
            guint hy = (guint) ((gsize) y * self->hh / h), hx = (guint) ((gsize) x * self->hw / w);
            double r = self->heat[(gsize) hy * self->hw + hx];
            guint8 heat[3];

            ds_heat_color (scale > 0.0 ? r / scale : 0.0, heat);
            for (guint k = 0; k < 3; k++)
              rgb[k] = (1.0 - alpha) * rgb[k] + alpha * heat[k];
          }
        *px = 0xff000000u | (guint32) (rgb[0] + 0.5) << 16 | (guint32) (rgb[1] + 0.5) << 8
              | (guint32) (rgb[2] + 0.5);
      }
  cairo_surface_mark_dirty (self->surface);
}

cairo_surface_t *
ds_heatmap_view_get_surface (DsHeatmapView *self)
{
  g_return_val_if_fail (DS_IS_HEATMAP_VIEW (self), NULL);

  if (self->surface == NULL)
    compose (self);

  return self->surface;
}

/* Screen pixels per picture pixel: whole ones when enlarging, so that every image pixel is
 * the same number of screen pixels. */
static double
fit_scale (DsHeatmapView   *self,
           cairo_surface_t *surface)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double scale = MIN ((double) width / cairo_image_surface_get_width (surface),
                      (double) height / cairo_image_surface_get_height (surface));

  return scale >= 1.0 ? floor (scale) : scale;
}

double
ds_heatmap_view_get_scale (DsHeatmapView *self)
{
  cairo_surface_t *surface;

  g_return_val_if_fail (DS_IS_HEATMAP_VIEW (self), 0.0);

  surface = ds_heatmap_view_get_surface (self);
  return surface != NULL ? fit_scale (self, surface) : 0.0;
}

/* Drawing */

static void
ds_heatmap_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  DsHeatmapView *self = DS_HEATMAP_VIEW (widget);
  cairo_surface_t *surface = ds_heatmap_view_get_surface (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA color;

  /* gtk_widget_get_color() comes with 4.10 */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (surface == NULL)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->placeholder);
      int lw, lh;

      color.alpha *= 0.55f;
      pango_layout_set_width (layout, MAX (width - 16, 1) * PANGO_SCALE);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (8, (height - lh) / 2.0f));
      gtk_snapshot_append_layout (snapshot, layout, &color);
      gtk_snapshot_restore (snapshot);
      return;
    }

  {
    int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
    double s = fit_scale (self, surface);
    float dw = (float) (w * s), dh = (float) (h * s);
    /* at the top, under its caption */
    graphene_rect_t box = GRAPHENE_RECT_INIT (floorf ((width - dw) / 2), 1, dw, dh);
    cairo_t *cr;

    if (dw < 1 || dh < 1)
      return;
    cr = gtk_snapshot_append_cairo (snapshot, &box);
    cairo_translate (cr, box.origin.x, box.origin.y);
    cairo_scale (cr, s, s);
    cairo_set_source_surface (cr, surface, 0, 0);
    cairo_pattern_set_filter (cairo_get_source (cr), s >= 1.0 ? CAIRO_FILTER_NEAREST
                                                                : CAIRO_FILTER_GOOD);
    cairo_paint (cr);
    cairo_destroy (cr);
    {
      GskRoundedRect outline;
      float widths[4] = { 1, 1, 1, 1 };
      GdkRGBA colors[4];

      color.alpha *= 0.25f;
      for (guint i = 0; i < 4; i++)
        colors[i] = color;
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (box.origin.x - 1,
                                                                      box.origin.y - 1,
                                                                      dw + 2, dh + 2), 0);
      gtk_snapshot_append_border (snapshot, &outline, widths, colors);
    }
  }
}

/* As tall as the picture is at the width given (square without one): no empty band under it. */
static GtkSizeRequestMode
ds_heatmap_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ds_heatmap_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  DsHeatmapView *self = DS_HEATMAP_VIEW (widget);
  guint w = self->image != NULL ? self->iw : self->heat != NULL ? self->hw : 1;
  guint h = self->image != NULL ? self->ih : self->heat != NULL ? self->hh : 1;

  *minimum = 64;
  *natural = 256;
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size > 0)
    *natural = MAX ((int) ((double) for_size * h / w), *minimum);
}

/* Public */

GtkWidget *
ds_heatmap_view_new (void)
{
  return g_object_new (DS_TYPE_HEATMAP_VIEW, NULL);
}

void
ds_heatmap_view_set_image (DsHeatmapView *self,
                           const float   *pixels,
                           guint          c,
                           guint          h,
                           guint          w)
{
  g_return_if_fail (DS_IS_HEATMAP_VIEW (self));
  g_return_if_fail (pixels == NULL || ((c == 1 || c == 3) && h > 0 && w > 0));

  g_clear_pointer (&self->image, g_free);
  if (pixels != NULL)
    {
      self->image = g_memdup2 (pixels, (gsize) c * h * w * sizeof (float));
      self->ic = c;
      self->ih = h;
      self->iw = w;
    }
  invalidate_size (self);
}

void
ds_heatmap_view_set_heat (DsHeatmapView *self,
                          const float   *map,
                          guint          h,
                          guint          w)
{
  g_return_if_fail (DS_IS_HEATMAP_VIEW (self));
  g_return_if_fail (map == NULL || (h > 0 && w > 0));

  g_clear_pointer (&self->heat, g_free);
  if (map != NULL)
    {
      self->heat = g_memdup2 (map, (gsize) h * w * sizeof (float));
      self->hh = h;
      self->hw = w;
    }
  invalidate_size (self);
}

void
ds_heatmap_view_set_heat_max (DsHeatmapView *self,
                              double         heat_max)
{
  g_return_if_fail (DS_IS_HEATMAP_VIEW (self));

  if (self->heat_max == heat_max || (isnan (self->heat_max) && isnan (heat_max)))
    return;
  self->heat_max = heat_max;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAT_MAX]);
}

double
ds_heatmap_view_get_heat_max (DsHeatmapView *self)
{
  return self->heat_max;
}

void
ds_heatmap_view_set_opacity (DsHeatmapView *self,
                             double         opacity)
{
  g_return_if_fail (DS_IS_HEATMAP_VIEW (self));

  opacity = CLAMP (opacity, 0.0, 1.0);
  if (self->opacity == opacity)
    return;
  self->opacity = opacity;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPACITY]);
}

double
ds_heatmap_view_get_opacity (DsHeatmapView *self)
{
  return self->opacity;
}

void
ds_heatmap_view_set_placeholder (DsHeatmapView *self,
                                 const char    *text)
{
  g_return_if_fail (DS_IS_HEATMAP_VIEW (self));

  g_free (self->placeholder);
  self->placeholder = g_strdup (text != NULL ? text : "");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* GObject */

static void
ds_heatmap_view_finalize (GObject *object)
{
  DsHeatmapView *self = DS_HEATMAP_VIEW (object);

  g_free (self->image);
  g_free (self->heat);
  g_free (self->placeholder);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  G_OBJECT_CLASS (ds_heatmap_view_parent_class)->finalize (object);
}

static void
ds_heatmap_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DsHeatmapView *self = DS_HEATMAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_OPACITY:
      g_value_set_double (value, self->opacity);
      break;
    case PROP_HEAT_MAX:
      g_value_set_double (value, self->heat_max);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_heatmap_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DsHeatmapView *self = DS_HEATMAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_OPACITY:
      ds_heatmap_view_set_opacity (self, g_value_get_double (value));
      break;
    case PROP_HEAT_MAX:
      ds_heatmap_view_set_heat_max (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_heatmap_view_class_init (DsHeatmapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ds_heatmap_view_finalize;
  object_class->get_property = ds_heatmap_view_get_property;
  object_class->set_property = ds_heatmap_view_set_property;
  widget_class->snapshot = ds_heatmap_view_snapshot;
  widget_class->measure = ds_heatmap_view_measure;
  widget_class->get_request_mode = ds_heatmap_view_get_request_mode;

  properties[PROP_OPACITY] =
    g_param_spec_double ("opacity", NULL, NULL, 0.0, 1.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEAT_MAX] =
    g_param_spec_double ("heat-max", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "heatmapview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ds_heatmap_view_init (DsHeatmapView *self)
{
  self->opacity = 1.0;
  self->heat_max = NAN;
  self->placeholder = g_strdup ("");
}
