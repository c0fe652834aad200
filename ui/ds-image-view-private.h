/* ds-image-view-private.h: what the image view's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-image-view.h"

G_BEGIN_DECLS

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

/* Whether the image is larger than the widget in some direction, so dragging moves it. */
gboolean ds_image_view_can_pan           (DsImageView    *self);
/* Keeps the image covering the widget, or centred along an axis where it is smaller. */
void     ds_image_view_clamp_position    (DsImageView    *self);
void     ds_image_view_update_cursor     (DsImageView    *self);
/* Zooms keeping the image point under (@anchor_x, @anchor_y) in place. Crossing the fitting
 * zoom stops there and fits, so zooming out always comes back to the whole image. */
void     ds_image_view_zoom_at           (DsImageView    *self,
                                          double          zoom,
                                          double          anchor_x,
                                          double          anchor_y);

/* Input (ds-image-view-input.c): the pointer, scroll, drag and pinch controllers, from init */
void     ds_image_view_input_init        (DsImageView    *self);
/* the zoom and mask actions and the key bindings, from class_init */
void     ds_image_view_input_class_init  (GtkWidgetClass *widget_class);

G_END_DECLS
