/* ds-image-view.h: one image shown large, with zoom, pan and an optional defect mask
 *
 * The image is fitted to the widget until the user zooms (Ctrl+scroll, pinch, + and -; 0 fits
 * again, 1 shows 100 %). Past 100 % pixels are drawn as sharp squares, so single defective
 * pixels stay visible. Zooming keeps the point under the pointer in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_TYPE_IMAGE_VIEW (ds_image_view_get_type ())

G_DECLARE_FINAL_TYPE (DsImageView, ds_image_view, DS, IMAGE_VIEW, GtkWidget)

GtkWidget  *ds_image_view_new           (void);

/* Returns: (transfer none) (nullable): the image shown. */
GdkTexture *ds_image_view_get_texture   (DsImageView *self);
/* Shows @texture (nullable: the view then says no image is selected). An image of the same size
 * as the previous one keeps the zoom and position, so neighbouring images of a data set can be
 * compared at the same spot; an image of another size is fitted. */
void        ds_image_view_set_texture   (DsImageView *self,
                                         GdkTexture  *texture);

/* Returns: (transfer none) (nullable): the defect mask. */
GdkTexture *ds_image_view_get_mask      (DsImageView *self);
/* @mask (nullable) is stretched over the image and drawn red at 40 % where it is bright, when
 * show-mask is TRUE. */
void        ds_image_view_set_mask      (DsImageView *self,
                                         GdkTexture  *mask);
gboolean    ds_image_view_get_show_mask (DsImageView *self);
void        ds_image_view_set_show_mask (DsImageView *self,
                                         gboolean     show_mask);

/* Widget pixels per image pixel; it changes with the widget's size while fit is TRUE. */
double      ds_image_view_get_zoom      (DsImageView *self);
/* Zooms about the centre of the widget (clamped) and turns fit off. */
void        ds_image_view_set_zoom      (DsImageView *self,
                                         double       zoom);
gboolean    ds_image_view_get_fit       (DsImageView *self);
/* TRUE fits the whole image in the widget; FALSE keeps the current zoom. */
void        ds_image_view_set_fit       (DsImageView *self,
                                         gboolean     fit);

G_END_DECLS
