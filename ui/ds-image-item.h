/* ds-image-item.h: one image of the open project, as the label grid's list holds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_IMAGE_ITEM (ds_image_item_get_type ())

G_DECLARE_FINAL_TYPE (DsImageItem, ds_image_item, DS, IMAGE_ITEM, GObject)

/* Copies what the grid needs from @info. */
DsImageItem *ds_image_item_new          (const DsImageInfo *info);
gint64       ds_image_item_get_id       (DsImageItem       *self);
const char  *ds_image_item_get_path     (DsImageItem       *self);
const char  *ds_image_item_get_mask_path (DsImageItem      *self);
guint        ds_image_item_get_width    (DsImageItem       *self);
guint        ds_image_item_get_height   (DsImageItem       *self);
gboolean     ds_image_item_is_synthetic (DsImageItem       *self);
gint64       ds_image_item_get_class_id (DsImageItem       *self);
void         ds_image_item_set_class_id (DsImageItem       *self,
                                         gint64             class_id);

/* What a finished training run predicted: the class (0: no prediction), its softmax
 * probability, and the label the image had in that run's validation set (0 when it was not
 * in it), for the confusion matrix's cells. Notifies predicted-class-id. */
void         ds_image_item_set_prediction (DsImageItem     *self,
                                           gint64           predicted_class_id,
                                           float            confidence,
                                           gint64           val_label_id);
gint64       ds_image_item_get_predicted_class_id (DsImageItem *self);
float        ds_image_item_get_confidence (DsImageItem     *self);
gint64       ds_image_item_get_val_label_id (DsImageItem   *self);
/* Labelled, predicted, and the two differ. */
gboolean     ds_image_item_is_mispredicted (DsImageItem    *self);

G_END_DECLS
