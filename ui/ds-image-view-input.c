/* ds-image-view-input.c: zooming and panning the image view with the pointer, touch and keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-image-view-private.h"

#define ZOOM_STEP      1.25   /* one key press or wheel notch */
#define SMOOTH_SCROLL  20.0   /* touchpad scroll pixels per zoom step */
#define WHEEL_PAN      48.0   /* widget pixels per wheel notch */
#define KEY_PAN        48.0

/* Moving the view */

/* Keys zoom about the pointer when it is over the view, else about the centre. */
static void
zoom_by_step (DsImageView *self,
              double       factor)
{
  if (self->pointer_inside)
    ds_image_view_zoom_at (self, self->zoom * factor, self->pointer_x, self->pointer_y);
  else
    ds_image_view_zoom_at (self, self->zoom * factor, self->width / 2.0, self->height / 2.0);
}

static void
pan_by (DsImageView *self,
        double       dx,
        double       dy)
{
  self->x += dx;
  self->y += dy;
  ds_image_view_clamp_position (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Pointer, scroll and touch */

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
      ds_image_view_zoom_at (self, self->zoom * pow (ZOOM_STEP, -steps),
                             self->pointer_x, self->pointer_y);
      return TRUE;
    }

  /* plain scrolling pans a zoomed image, and otherwise goes to the parent */
  if (!ds_image_view_can_pan (self))
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

  if (!ds_image_view_can_pan (self))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  self->drag_x = self->x;
  self->drag_y = self->y;
  self->dragging = TRUE;
  ds_image_view_update_cursor (self);
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
  ds_image_view_clamp_position (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             DsImageView    *self)
{
  self->dragging = FALSE;
  ds_image_view_update_cursor (self);
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
  ds_image_view_zoom_at (self, self->pinch_zoom * scale, x, y);
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
    ds_image_view_zoom_at (self, 1.0, self->pointer_x, self->pointer_y);
  else
    ds_image_view_zoom_at (self, 1.0, self->width / 2.0, self->height / 2.0);
}

/* Arrow keys pan a zoomed image; otherwise they are not handled and move the focus. */
static gboolean
pan_shortcut_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  DsImageView *self = DS_IMAGE_VIEW (widget);
  int dx, dy;

  if (!ds_image_view_can_pan (self))
    return FALSE;

  g_variant_get (args, "(ii)", &dx, &dy);
  pan_by (self, dx * KEY_PAN, dy * KEY_PAN);

  return TRUE;
}

static void
add_pan_binding (GtkWidgetClass *widget_class,
                 guint           keyval,
                 int             dx,
                 int             dy)
{
  gtk_widget_class_add_binding (widget_class, keyval, 0, pan_shortcut_cb, "(ii)", dx, dy);
}

/* Setup */

void
ds_image_view_input_class_init (GtkWidgetClass *widget_class)
{
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
}

void
ds_image_view_input_init (DsImageView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

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
}
