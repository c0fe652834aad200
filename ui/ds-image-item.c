/* ds-image-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-image-item.h"

struct _DsImageItem
{
  GObject  parent_instance;
  gint64   id;
  char    *path;        /* absolute */
  char    *mask_path;   /* absolute, nullable */
  guint    width;
  guint    height;
  gboolean synthetic;
  gint64   class_id;    /* 0: unlabelled */
  /* the predictions of a finished training run */
  gint64   predicted_class_id;   /* 0: none */
  float    confidence;
  gint64   val_label_id;         /* its label in that run's validation set, or 0 */
};

enum {
  PROP_0,
  PROP_CLASS_ID,
  PROP_PREDICTED_CLASS_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DsImageItem, ds_image_item, G_TYPE_OBJECT)

DsImageItem *
ds_image_item_new (const DsImageInfo *info)
{
  DsImageItem *self = g_object_new (DS_TYPE_IMAGE_ITEM, NULL);

  self->id = info->id;
  self->path = g_strdup (info->abs_path);
  self->mask_path = g_strdup (info->abs_mask_path);
  self->width = info->width;
  self->height = info->height;
  self->synthetic = info->source == DS_IMAGE_SOURCE_SYNTHETIC;
  self->class_id = info->class_id;

  return self;
}

gint64
ds_image_item_get_id (DsImageItem *self)
{
  return self->id;
}

const char *
ds_image_item_get_path (DsImageItem *self)
{
  return self->path;
}

const char *
ds_image_item_get_mask_path (DsImageItem *self)
{
  return self->mask_path;
}

guint
ds_image_item_get_width (DsImageItem *self)
{
  return self->width;
}

guint
ds_image_item_get_height (DsImageItem *self)
{
  return self->height;
}

gboolean
ds_image_item_is_synthetic (DsImageItem *self)
{
  return self->synthetic;
}

gint64
ds_image_item_get_class_id (DsImageItem *self)
{
  return self->class_id;
}

void
ds_image_item_set_class_id (DsImageItem *self,
                            gint64       class_id)
{
  g_return_if_fail (DS_IS_IMAGE_ITEM (self));

  if (self->class_id == class_id)
    return;
  self->class_id = class_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASS_ID]);
}

gint64
ds_image_item_get_predicted_class_id (DsImageItem *self)
{
  return self->predicted_class_id;
}

float
ds_image_item_get_confidence (DsImageItem *self)
{
  return self->confidence;
}

gint64
ds_image_item_get_val_label_id (DsImageItem *self)
{
  return self->val_label_id;
}

gboolean
ds_image_item_is_mispredicted (DsImageItem *self)
{
  return self->predicted_class_id != 0 && self->class_id != 0
         && self->predicted_class_id != self->class_id;
}

void
ds_image_item_set_prediction (DsImageItem *self,
                              gint64       predicted_class_id,
                              float        confidence,
                              gint64       val_label_id)
{
  g_return_if_fail (DS_IS_IMAGE_ITEM (self));

  self->confidence = confidence;
  self->val_label_id = val_label_id;
  if (self->predicted_class_id == predicted_class_id)
    return;
  self->predicted_class_id = predicted_class_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREDICTED_CLASS_ID]);
}

static void
ds_image_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DsImageItem *self = DS_IMAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_CLASS_ID:
      g_value_set_int64 (value, self->class_id);
      break;

    case PROP_PREDICTED_CLASS_ID:
      g_value_set_int64 (value, self->predicted_class_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_image_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DsImageItem *self = DS_IMAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_CLASS_ID:
      ds_image_item_set_class_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_image_item_finalize (GObject *object)
{
  DsImageItem *self = DS_IMAGE_ITEM (object);

  g_free (self->path);
  g_free (self->mask_path);

  G_OBJECT_CLASS (ds_image_item_parent_class)->finalize (object);
}

static void
ds_image_item_class_init (DsImageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ds_image_item_finalize;
  object_class->get_property = ds_image_item_get_property;
  object_class->set_property = ds_image_item_set_property;

  properties[PROP_CLASS_ID] =
    g_param_spec_int64 ("class-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREDICTED_CLASS_ID] =
    g_param_spec_int64 ("predicted-class-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ds_image_item_init (DsImageItem *self)
{
}
