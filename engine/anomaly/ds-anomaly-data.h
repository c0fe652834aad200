/* ds-anomaly-data.h: normal images to train on, and labelled images with masks to measure on
 *
 * Layouts, told apart by what the folder holds:
 * - IDX (MNIST, Fashion-MNIST): one class is normal. The training part is the training split's
 *   images of that class, the test part every test image (the one-class protocol).
 * - MVTec AD: train/good/<*.png>, test/<kind>/<*.png>, ground_truth/<kind>/<name>_mask.png; the
 *   normal class is "good". Any class-per-folder tree with train/ and test/ folders is read the
 *   same way: the normal class's training images, then every test image.
 * - A class-per-folder tree without them: <class>/<*.png>, masks in masks/<class>/<name>_mask.png
 *   (as ds_demo_write() writes them) or ground_truth/<class>/<name>_mask.png. The test part is
 *   every image of the other classes and DS_ANOMALY_HOLDOUT of the normal ones, picked by a hash
 *   of the file name, so training and evaluation agree without storing a list.
 * - A project: its labelled images (not synthetic ones) and their masks. Normal images keep a
 *   train or test split when they have one; the others are split by the same hash.
 * Without a normal class given, the first of "good", "ok", "normal" among the classes is taken.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "data/ds-dataset.h"

G_BEGIN_DECLS

/* The share of normal images held out for testing where the data has no test split. */
#define DS_ANOMALY_HOLDOUT 0.3

typedef enum
{
  DS_ANOMALY_PART_TRAIN,   /* normal images only */
  DS_ANOMALY_PART_TEST,    /* normal and anomalous images, labelled */
} DsAnomalyPart;

typedef struct
{
  DsDataset *data;       /* the images with their class labels and names; paths when from files */
  gint32     normal;     /* index of the normal class in data->class_names */
  guint8    *masks;      /* (n, h, w) non-zero on defect pixels; NULL when no image has a mask */
  guint8    *has_mask;   /* (n) masks holds this image's (a normal image's is all zero);
                          * NULL with masks */
} DsAnomalySet;

/* Opens @part of the data at @path (an IDX folder or a PNG tree, see above) with @normal_class
 * (nullable: "good", "ok" or "normal") as the normal class. Images are converted to @c channels
 * of @h × @w pixels (0: the first image's; IDX images are not converted) and masks to h × w.
 * Unreadable images and masks are described in @skipped ("path: reason") when it is non-NULL,
 * and fail the call otherwise.
 * Returns: (transfer full): the set, ds_anomaly_set_free(); NULL with @error naming the path and
 * the problem (an unknown normal class lists the classes there are). */
DsAnomalySet *ds_anomaly_set_open         (const char     *path,
                                           const char     *normal_class,
                                           DsAnomalyPart   part,
                                           guint           c,
                                           guint           h,
                                           guint           w,
                                           GPtrArray      *skipped,
                                           GError        **error);
/* The same for the project in @folder, opened read-only. */
DsAnomalySet *ds_anomaly_set_open_project (const char     *folder,
                                           const char     *normal_class,
                                           DsAnomalyPart   part,
                                           guint           c,
                                           guint           h,
                                           guint           w,
                                           GPtrArray      *skipped,
                                           GError        **error);
void          ds_anomaly_set_free         (DsAnomalySet   *set);

/* TRUE for a labelled image of a class other than the normal one. */
gboolean      ds_anomaly_set_is_anomalous (const DsAnomalySet *set,
                                           guint           i);
/* Whether the hash rule holds the normal image called @name (a file name) out for testing. */
gboolean      ds_anomaly_is_held_out      (const char     *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsAnomalySet, ds_anomaly_set_free)

G_END_DECLS
