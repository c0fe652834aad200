/* ds-scored-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-scored-item.h"

struct _DsScoredItem
{
  GObject   parent_instance;

  gint64    id;
  char     *path;
  char     *name;
  gint64    class_id;
  float     score;
  gboolean  trained;
  gint64    predicted_class_id;
  float     confidence;
  gint64    reviewed_class_id;
};

enum {
  PROP_0,
  PROP_CLASS_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DsScoredItem, ds_scored_item, G_TYPE_OBJECT)

DsScoredItem *
ds_scored_item_new (gint64      id,
                    const char *path,
                    gint64      class_id,
                    float       score,
                    gboolean    trained)
{
  DsScoredItem *self = g_object_new (DS_TYPE_SCORED_ITEM, NULL);

  self->id = id;
  self->path = g_strdup (path);
  self->name = g_path_get_basename (path);
  self->class_id = class_id;
  self->score = score;
  self->trained = trained;

  return self;
}

gint64
ds_scored_item_get_id (DsScoredItem *self)
{
  return self->id;
}

const char *
ds_scored_item_get_path (DsScoredItem *self)
{
  return self->path;
}

const char *
ds_scored_item_get_name (DsScoredItem *self)
{
  return self->name;
}

float
ds_scored_item_get_score (DsScoredItem *self)
{
  return self->score;
}

gboolean
ds_scored_item_get_trained (DsScoredItem *self)
{
  return self->trained;
}

gint64
ds_scored_item_get_class_id (DsScoredItem *self)
{
  return self->class_id;
}

void
ds_scored_item_set_class_id (DsScoredItem *self,
                             gint64        class_id)
{
  if (self->class_id == class_id)
    return;
  self->class_id = class_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASS_ID]);
}

void
ds_scored_item_set_prediction (DsScoredItem *self,
                               gint64        class_id,
                               float         confidence)
{
  self->predicted_class_id = class_id;
  self->confidence = confidence;
}

gint64
ds_scored_item_get_predicted_class_id (DsScoredItem *self)
{
  return self->predicted_class_id;
}

float
ds_scored_item_get_confidence (DsScoredItem *self)
{
  return self->confidence;
}

gboolean
ds_scored_item_disagrees (DsScoredItem *self)
{
  return self->class_id != 0 && self->predicted_class_id != 0
         && self->predicted_class_id != self->class_id;
}

void
ds_scored_item_set_reviewed_class_id (DsScoredItem *self,
                                      gint64        class_id)
{
  self->reviewed_class_id = class_id;
}

gboolean
ds_scored_item_is_reviewed (DsScoredItem *self)
{
  return self->reviewed_class_id != 0 && self->reviewed_class_id == self->class_id;
}

static void
ds_scored_item_finalize (GObject *object)
{
  DsScoredItem *self = DS_SCORED_ITEM (object);

  g_free (self->path);
  g_free (self->name);

  G_OBJECT_CLASS (ds_scored_item_parent_class)->finalize (object);
}

static void
ds_scored_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DsScoredItem *self = DS_SCORED_ITEM (object);

  switch (prop_id)
    {
    case PROP_CLASS_ID:
      g_value_set_int64 (value, self->class_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_scored_item_class_init (DsScoredItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ds_scored_item_finalize;
  object_class->get_property = ds_scored_item_get_property;

  properties[PROP_CLASS_ID] =
    g_param_spec_int64 ("class-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ds_scored_item_init (DsScoredItem *self)
{
  self->score = NAN;
}
