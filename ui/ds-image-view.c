/* ds-image-view.c: the image view's state, drawing and properties; zooming and panning with
 * the pointer and keys is in ds-image-view-input.c
 *
 * GTK 4.8 has no nearest-neighbour texture node (gtk_snapshot_append_scaled_texture is 4.10), so
 * the image is drawn with Cairo from a copy downloaded once per texture; only the visible part of
 * the image is drawn, whatever the zoom.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-image-view-private.h"

#define MAX_ZOOM       64.0   /* unless fitting needs more */
#define MASK_ALPHA     0.4

enum {
  PROP_0,
  PROP_TEXTURE,
  PROP_MASK,
  PROP_SHOW_MASK,
  PROP_ZOOM,
  PROP_FIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DsImageView, ds_image_view, GTK_TYPE_WIDGET)

static const GdkRGBA background = { 0.24, 0.24, 0.24, 1.0 };  /* neutral: no colour cast */
static const GdkRGBA placeholder_color = { 1.0, 1.0, 1.0, 0.6 };
static const GdkRGBA focus_color = { 0.21, 0.52, 0.89, 0.8 };

static int
image_width (DsImageView *self)
{
  return self->texture != NULL ? gdk_texture_get_width (self->texture) : 0;
}

static int
image_height (DsImageView *self)
{
  return self->texture != NULL ? gdk_texture_get_height (self->texture) : 0;
}

static double
fit_zoom (DsImageView *self)
{
  if (self->texture == NULL || self->width <= 0 || self->height <= 0)
    return 1.0;

  return MIN ((double) self->width / image_width (self),
              (double) self->height / image_height (self));
}

static double
min_zoom (DsImageView *self)
{
  return MIN (fit_zoom (self), 1.0);
}

static double
max_zoom (DsImageView *self)
{
  return MAX (fit_zoom (self), MAX_ZOOM);
}

gboolean
ds_image_view_can_pan (DsImageView *self)
{
  return self->texture != NULL
         && (image_width (self) * self->zoom > self->width + 0.5
             || image_height (self) * self->zoom > self->height + 0.5);
}

/* Centres the image along an axis where it is smaller than the widget, and elsewhere keeps the
 * widget covered. */
static double
clamp_axis (double position,
            double extent,
            double available)
{
  if (extent <= available)
    return (available - extent) / 2.0;

  return CLAMP (position, available - extent, 0.0);
}

void
ds_image_view_clamp_position (DsImageView *self)
{
  self->x = clamp_axis (self->x, image_width (self) * self->zoom, self->width);
  self->y = clamp_axis (self->y, image_height (self) * self->zoom, self->height);
}

void
ds_image_view_update_cursor (DsImageView *self)
{
  const char *name = NULL;

  if (self->dragging)
    name = "grabbing";
  else if (ds_image_view_can_pan (self))
    name = "grab";
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static void
update_actions (DsImageView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_image = self->texture != NULL;

  gtk_widget_action_set_enabled (widget, "image-view.zoom-in",
                                 has_image && self->zoom < max_zoom (self));
  gtk_widget_action_set_enabled (widget, "image-view.zoom-out",
                                 has_image && self->zoom > min_zoom (self));
  gtk_widget_action_set_enabled (widget, "image-view.zoom-fit", has_image && !self->fit);
  gtk_widget_action_set_enabled (widget, "image-view.zoom-original", has_image);
}

/* Everything that follows a change of zoom, fit or position. */
static void
view_changed (DsImageView *self,
              double       old_zoom,
              gboolean     old_fit)
{
  ds_image_view_clamp_position (self);
  if (self->zoom != old_zoom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  if (self->fit != old_fit)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  update_actions (self);
  ds_image_view_update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ds_image_view_zoom_at (DsImageView *self,
                       double       zoom,
                       double       anchor_x,
                       double       anchor_y)
{
  double old_zoom = self->zoom;
  gboolean old_fit = self->fit;
  double fit = fit_zoom (self);
  double image_x, image_y;

  if (self->texture == NULL)
    return;

  zoom = CLAMP (zoom, min_zoom (self), max_zoom (self));
  self->fit = FALSE;
  if (zoom == fit || (old_zoom > fit && zoom < fit) || (old_zoom < fit && zoom > fit))
    {
      zoom = fit;
      self->fit = TRUE;
    }

  image_x = (anchor_x - self->x) / old_zoom;
  image_y = (anchor_y - self->y) / old_zoom;
  self->zoom = zoom;
  self->x = anchor_x - image_x * zoom;
  self->y = anchor_y - image_y * zoom;

  view_changed (self, old_zoom, old_fit);
}

/* Cairo surfaces */

static cairo_surface_t *
download_texture (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  /* gdk_texture_download() writes premultiplied native-endian ARGB, which is CAIRO_FORMAT_ARGB32 */
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);

  return surface;
}

static cairo_surface_t *
make_mask_surface (GdkTexture *mask)
{
  cairo_surface_t *surface = download_texture (mask);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guchar *data = cairo_image_surface_get_data (surface);

  cairo_surface_flush (surface);
  for (int row = 0; row < height; row++)
    {
      guint32 *pixel = (guint32 *) (gpointer) (data + (gsize) row * stride);

      for (int col = 0; col < width; col++)
        {
          /* brightness, already weighted by the mask's own alpha (premultiplied) */
          guint32 value = MAX (MAX ((pixel[col] >> 16) & 0xff, (pixel[col] >> 8) & 0xff),
                               pixel[col] & 0xff);

          pixel[col] = (value << 24) | (value << 16);  /* premultiplied pure red */
        }
    }
  cairo_surface_mark_dirty (surface);

  return surface;
}

/* Drawing */

static void
draw_image (DsImageView *self,
            cairo_t     *cr)
{
  cairo_filter_t filter = self->zoom > 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD;
  int width = image_width (self);
  int height = image_height (self);

  if (self->surface == NULL)
    self->surface = download_texture (self->texture);

  cairo_translate (cr, self->x, self->y);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), filter);
  /* PAD keeps the edges sharp instead of fading into the background */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);

  if (self->show_mask && self->mask != NULL)
    {
      if (self->mask_surface == NULL)
        self->mask_surface = make_mask_surface (self->mask);

      cairo_scale (cr,
                   (double) width / cairo_image_surface_get_width (self->mask_surface),
                   (double) height / cairo_image_surface_get_height (self->mask_surface));
      cairo_set_source_surface (cr, self->mask_surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), filter);
      cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
      cairo_paint_with_alpha (cr, MASK_ALPHA);
    }
}

static void
draw_placeholder (DsImageView *self,
                  GtkSnapshot *snapshot)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                  "No image selected");
  int text_width, text_height;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (floor ((self->width - text_width) / 2.0),
                                                floor ((self->height - text_height) / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, &placeholder_color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_focus (DsImageView *self,
            GtkSnapshot *snapshot)
{
  GskRoundedRect outline;
  const float widths[4] = { 2, 2, 2, 2 };
  const GdkRGBA colors[4] = { focus_color, focus_color, focus_color, focus_color };

  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (0, 0, self->width, self->height), 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

static void
ds_image_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  DsImageView *self = DS_IMAGE_VIEW (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, self->width, self->height);

  gtk_snapshot_append_color (snapshot, &background, &bounds);

  if (self->texture == NULL)
    {
      draw_placeholder (self, snapshot);
    }
  else
    {
      graphene_rect_t image = GRAPHENE_RECT_INIT (self->x, self->y,
                                                  image_width (self) * self->zoom,
                                                  image_height (self) * self->zoom);
      graphene_rect_t visible;
      cairo_t *cr;

      /* a Cairo node the size of the visible part only: zoomed in, the image is huge */
      if (graphene_rect_intersection (&image, &bounds, &visible))
        {
          graphene_rect_round_extents (&visible, &visible);
          cr = gtk_snapshot_append_cairo (snapshot, &visible);

          draw_image (self, cr);
          cairo_destroy (cr);
        }
    }

  if (gtk_widget_has_visible_focus (widget))
    draw_focus (self, snapshot);
}

static void
ds_image_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  /* the surrounding layout decides the size; the image adapts to it */
  *minimum = 64;
  *natural = 320;
}

static void
ds_image_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  DsImageView *self = DS_IMAGE_VIEW (widget);
  double old_zoom = self->zoom;

  /* keep what is in the middle in the middle */
  self->x += (width - self->width) / 2.0;
  self->y += (height - self->height) / 2.0;
  self->width = width;
  self->height = height;
  if (self->fit)
    self->zoom = fit_zoom (self);
  view_changed (self, old_zoom, self->fit);
}

static void
ds_image_view_state_flags_changed (GtkWidget     *widget,
                                   GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (ds_image_view_parent_class)->state_flags_changed (widget, previous);
}

/* GObject */

GtkWidget *
ds_image_view_new (void)
{
  return g_object_new (DS_TYPE_IMAGE_VIEW, NULL);
}

GdkTexture *
ds_image_view_get_texture (DsImageView *self)
{
  g_return_val_if_fail (DS_IS_IMAGE_VIEW (self), NULL);

  return self->texture;
}

void
ds_image_view_set_texture (DsImageView *self,
                           GdkTexture  *texture)
{
  double old_zoom;
  gboolean old_fit;
  gboolean same_size;

  g_return_if_fail (DS_IS_IMAGE_VIEW (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (self->texture == texture)
    return;

  old_zoom = self->zoom;
  old_fit = self->fit;
  same_size = self->texture != NULL && texture != NULL
              && gdk_texture_get_width (texture) == image_width (self)
              && gdk_texture_get_height (texture) == image_height (self);

  g_set_object (&self->texture, texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);

  if (!same_size)
    {
      self->fit = TRUE;
      self->zoom = fit_zoom (self);
    }

  view_changed (self, old_zoom, old_fit);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

GdkTexture *
ds_image_view_get_mask (DsImageView *self)
{
  g_return_val_if_fail (DS_IS_IMAGE_VIEW (self), NULL);

  return self->mask;
}

void
ds_image_view_set_mask (DsImageView *self,
                        GdkTexture  *mask)
{
  g_return_if_fail (DS_IS_IMAGE_VIEW (self));
  g_return_if_fail (mask == NULL || GDK_IS_TEXTURE (mask));

  if (!g_set_object (&self->mask, mask))
    return;

  g_clear_pointer (&self->mask_surface, cairo_surface_destroy);
  if (self->show_mask)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MASK]);
}

gboolean
ds_image_view_get_show_mask (DsImageView *self)
{
  g_return_val_if_fail (DS_IS_IMAGE_VIEW (self), FALSE);

  return self->show_mask;
}

void
ds_image_view_set_show_mask (DsImageView *self,
                             gboolean     show_mask)
{
  g_return_if_fail (DS_IS_IMAGE_VIEW (self));

  show_mask = !!show_mask;
  if (self->show_mask == show_mask)
    return;

  self->show_mask = show_mask;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_MASK]);
}

double
ds_image_view_get_zoom (DsImageView *self)
{
  g_return_val_if_fail (DS_IS_IMAGE_VIEW (self), 1.0);

  return self->zoom;
}

void
ds_image_view_set_zoom (DsImageView *self,
                        double       zoom)
{
  g_return_if_fail (DS_IS_IMAGE_VIEW (self));
  g_return_if_fail (zoom > 0);

  ds_image_view_zoom_at (self, zoom, self->width / 2.0, self->height / 2.0);
}

gboolean
ds_image_view_get_fit (DsImageView *self)
{
  g_return_val_if_fail (DS_IS_IMAGE_VIEW (self), TRUE);

  return self->fit;
}

void
ds_image_view_set_fit (DsImageView *self,
                       gboolean     fit)
{
  double old_zoom;
  gboolean old_fit;

  g_return_if_fail (DS_IS_IMAGE_VIEW (self));

  old_zoom = self->zoom;
  old_fit = self->fit;
  fit = !!fit;
  if (self->fit == fit)
    return;

  self->fit = fit;
  if (fit)
    self->zoom = fit_zoom (self);
  view_changed (self, old_zoom, old_fit);
}

static void
ds_image_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DsImageView *self = DS_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;

    case PROP_MASK:
      g_value_set_object (value, self->mask);
      break;

    case PROP_SHOW_MASK:
      g_value_set_boolean (value, self->show_mask);
      break;

    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;

    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_image_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DsImageView *self = DS_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      ds_image_view_set_texture (self, g_value_get_object (value));
      break;

    case PROP_MASK:
      ds_image_view_set_mask (self, g_value_get_object (value));
      break;

    case PROP_SHOW_MASK:
      ds_image_view_set_show_mask (self, g_value_get_boolean (value));
      break;

    case PROP_ZOOM:
      ds_image_view_set_zoom (self, g_value_get_double (value));
      break;

    case PROP_FIT:
      ds_image_view_set_fit (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_image_view_dispose (GObject *object)
{
  DsImageView *self = DS_IMAGE_VIEW (object);

  g_clear_object (&self->texture);
  g_clear_object (&self->mask);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->mask_surface, cairo_surface_destroy);

  G_OBJECT_CLASS (ds_image_view_parent_class)->dispose (object);
}

static void
ds_image_view_class_init (DsImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_image_view_dispose;
  object_class->get_property = ds_image_view_get_property;
  object_class->set_property = ds_image_view_set_property;

  widget_class->snapshot = ds_image_view_snapshot;
  widget_class->measure = ds_image_view_measure;
  widget_class->size_allocate = ds_image_view_size_allocate;
  widget_class->state_flags_changed = ds_image_view_state_flags_changed;

  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MASK] =
    g_param_spec_object ("mask", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_MASK] =
    g_param_spec_boolean ("show-mask", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0 / 1024, 1024.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  ds_image_view_input_class_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "imageview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ds_image_view_init (DsImageView *self)
{
  self->zoom = 1.0;
  self->fit = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  ds_image_view_input_init (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Image",
                                  -1);
  update_actions (self);
}
