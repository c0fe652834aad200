/* ds-image-view.c
 *
 * GTK 4.8 has no nearest-neighbour texture node (gtk_snapshot_append_scaled_texture is 4.10), so
 * the image is drawn with Cairo from a copy downloaded once per texture; only the visible part of
 * the image is drawn, whatever the zoom.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-image-view.h"

#define ZOOM_STEP      1.25   /* one key press or wheel notch */
#define MAX_ZOOM       64.0   /* unless fitting needs more */
#define SMOOTH_SCROLL  20.0   /* touchpad scroll pixels per zoom step */
#define WHEEL_PAN      48.0   /* widget pixels per wheel notch */
#define KEY_PAN        48.0
#define MASK_ALPHA     0.4

struct _DsImageView
{
  GtkWidget        parent_instance;

  GdkTexture      *texture;
  GdkTexture      *mask;
  cairo_surface_t *surface;       /* the texture downloaded, made on first draw */
  cairo_surface_t *mask_surface;  /* red, alpha = mask brightness; made on first draw */

  double           zoom;          /* widget pixels per image pixel */
  double           x, y;          /* widget coordinates of the image's top-left corner */
  int              width, height; /* the last allocation */

  double           pointer_x, pointer_y;
  double           drag_x, drag_y; /* the image corner when a drag began */
  double           pinch_zoom;     /* the zoom when a pinch began */

  guint            fit : 1;
  guint            show_mask : 1;
  guint            pointer_inside : 1;
  guint            dragging : 1;
};

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

/* Whether the image is larger than the widget in some direction, so dragging moves it. */
static gboolean
can_pan (DsImageView *self)
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

static void
clamp_position (DsImageView *self)
{
  self->x = clamp_axis (self->x, image_width (self) * self->zoom, self->width);
  self->y = clamp_axis (self->y, image_height (self) * self->zoom, self->height);
}

static void
update_cursor (DsImageView *self)
{
  const char *name = NULL;

  if (self->dragging)
    name = "grabbing";
  else if (can_pan (self))
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
  clamp_position (self);
  if (self->zoom != old_zoom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  if (self->fit != old_fit)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  update_actions (self);
  update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Zooms keeping the image point under (@anchor_x, @anchor_y) in place. Crossing the fitting
 * zoom stops there and fits, so zooming out always comes back to the whole image. */
static void
zoom_at (DsImageView *self,
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

/* Keys zoom about the pointer when it is over the view, else about the centre. */
static void
zoom_by_step (DsImageView *self,
              double       factor)
{
  if (self->pointer_inside)
    zoom_at (self, self->zoom * factor, self->pointer_x, self->pointer_y);
  else
    zoom_at (self, self->zoom * factor, self->width / 2.0, self->height / 2.0);
}

static void
pan_by (DsImageView *self,
        double       dx,
        double       dy)
{
  self->x += dx;
  self->y += dy;
  clamp_position (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

/* Input */

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DsImageView              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
leave_cb (GtkEventControllerMotion *controller,
          DsImageView              *self)
{
  self->pointer_inside = FALSE;
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           DsImageView              *self)
{
  GtkEventController *event_controller = GTK_EVENT_CONTROLLER (controller);
  GdkModifierType state = gtk_event_controller_get_current_event_state (event_controller);
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (self->texture == NULL)
    return FALSE;

  if (state & GDK_CONTROL_MASK)
    {
      double steps = wheel ? dy : dy / SMOOTH_SCROLL;

      if (steps == 0)
        return TRUE;
      zoom_at (self, self->zoom * pow (ZOOM_STEP, -steps), self->pointer_x, self->pointer_y);
      return TRUE;
    }

  /* plain scrolling pans a zoomed image, and otherwise goes to the parent */
  if (!can_pan (self))
    return FALSE;
  if (wheel)
    pan_by (self, -dx * WHEEL_PAN, -dy * WHEEL_PAN);
  else
    pan_by (self, -dx, -dy);

  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          start_x,
               double          start_y,
               DsImageView    *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (!can_pan (self))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  self->drag_x = self->x;
  self->drag_y = self->y;
  self->dragging = TRUE;
  update_cursor (self);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                DsImageView    *self)
{
  if (!self->dragging)
    return;

  self->x = self->drag_x + offset_x;
  self->y = self->drag_y + offset_y;
  clamp_position (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             DsImageView    *self)
{
  self->dragging = FALSE;
  update_cursor (self);
}

static void
pinch_begin_cb (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                DsImageView      *self)
{
  self->pinch_zoom = self->zoom;
}

static void
pinch_scale_changed_cb (GtkGestureZoom *gesture,
                        double          scale,
                        DsImageView    *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = self->width / 2.0;
      y = self->height / 2.0;
    }
  zoom_at (self, self->pinch_zoom * scale, x, y);
}

/* Actions and key bindings */

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  zoom_by_step (DS_IMAGE_VIEW (widget), ZOOM_STEP);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  zoom_by_step (DS_IMAGE_VIEW (widget), 1.0 / ZOOM_STEP);
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ds_image_view_set_fit (DS_IMAGE_VIEW (widget), TRUE);
}

static void
zoom_original_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DsImageView *self = DS_IMAGE_VIEW (widget);

  if (self->pointer_inside)
    zoom_at (self, 1.0, self->pointer_x, self->pointer_y);
  else
    zoom_at (self, 1.0, self->width / 2.0, self->height / 2.0);
}

/* Arrow keys pan a zoomed image; otherwise they are not handled and move the focus. */
static gboolean
pan_shortcut_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  DsImageView *self = DS_IMAGE_VIEW (widget);
  int dx, dy;

  if (!can_pan (self))
    return FALSE;

  g_variant_get (args, "(ii)", &dx, &dy);
  pan_by (self, dx * KEY_PAN, dy * KEY_PAN);

  return TRUE;
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

  zoom_at (self, zoom, self->width / 2.0, self->height / 2.0);
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
add_pan_binding (GtkWidgetClass *widget_class,
                 guint           keyval,
                 int             dx,
                 int             dy)
{
  gtk_widget_class_add_binding (widget_class, keyval, 0, pan_shortcut_cb, "(ii)", dx, dy);
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

  gtk_widget_class_install_action (widget_class, "image-view.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "image-view.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "image-view.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "image-view.zoom-original", NULL,
                                   zoom_original_action);
  gtk_widget_class_install_property_action (widget_class, "image-view.show-mask", "show-mask");

  /* + is Shift+= on many layouts, so = zooms in too */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "image-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "image-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "image-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "image-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "image-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "image-view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0,
                                       "image-view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "image-view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "image-view.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "image-view.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "image-view.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "image-view.zoom-original",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, 0, "image-view.zoom-original",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "image-view.show-mask", NULL);

  add_pan_binding (widget_class, GDK_KEY_Left, 1, 0);
  add_pan_binding (widget_class, GDK_KEY_Right, -1, 0);
  add_pan_binding (widget_class, GDK_KEY_Up, 0, 1);
  add_pan_binding (widget_class, GDK_KEY_Down, 0, -1);

  gtk_widget_class_set_css_name (widget_class, "imageview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ds_image_view_init (DsImageView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->zoom = 1.0;
  self->fit = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (pinch_scale_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Image",
                                  -1);
  update_actions (self);
}
