/* ds-scored-item.h: one image as the Inspect and Review pages list it: its anomaly score, its
 * label, what a classifier predicted and whether a person reviewed it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DS_TYPE_SCORED_ITEM (ds_scored_item_get_type ())

G_DECLARE_FINAL_TYPE (DsScoredItem, ds_scored_item, DS, SCORED_ITEM, GObject)

/* @path absolute; @score NAN when the image has none. */
DsScoredItem *ds_scored_item_new          (gint64        id,
                                           const char   *path,
                                           gint64        class_id,
                                           float         score,
                                           gboolean      trained);
gint64        ds_scored_item_get_id       (DsScoredItem *self);
const char   *ds_scored_item_get_path     (DsScoredItem *self);
/* The file name without its folder. */
const char   *ds_scored_item_get_name     (DsScoredItem *self);
float         ds_scored_item_get_score    (DsScoredItem *self);
/* Whether the autoencoder trained on it (its score then says little). */
gboolean      ds_scored_item_get_trained  (DsScoredItem *self);
/* The image's label now; 0 when unlabelled. Notifies "class-id". */
gint64        ds_scored_item_get_class_id (DsScoredItem *self);
void          ds_scored_item_set_class_id (DsScoredItem *self,
                                           gint64        class_id);
/* What the latest classifier run predicted (0: nothing) and how sure it was. */
void          ds_scored_item_set_prediction (DsScoredItem *self,
                                             gint64        class_id,
                                             float         confidence);
gint64        ds_scored_item_get_predicted_class_id (DsScoredItem *self);
float         ds_scored_item_get_confidence (DsScoredItem *self);
/* Labelled, predicted, and the two differ. */
gboolean      ds_scored_item_disagrees    (DsScoredItem *self);
/* The class a person gave it on review (0: never reviewed). */
void          ds_scored_item_set_reviewed_class_id (DsScoredItem *self,
                                                    gint64        class_id);
/* Reviewed, and still labelled as the reviewer decided (an undone decision is no review). */
gboolean      ds_scored_item_is_reviewed  (DsScoredItem *self);

G_END_DECLS
