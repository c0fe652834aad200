/* ds-gan-project.h: the images of a project a GAN learns from
 *
 * A GAN of a project learns the labelled real images of one class outside the test split (so
 * that no test image leaks into what later trains a classifier), read at the size a classifier
 * run reads them: its samples fit the project as they are. The window's GAN job and the
 * benchmarks read them here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "nn/ds-model.h"
#include "store/ds-project.h"
#include "train/ds-train.h"

G_BEGIN_DECLS

typedef struct
{
  DsDataset *data;         /* every labelled real image of the project */
  guint32   *idx;          /* the class's, outside the test split */
  guint      n;
  gint       class_index;  /* in data */
  char      *class_name;
} DsGanClassImages;

/* The class with the fewest labelled real (not synthetic) images, among those that have at
 * least 2: the rarest defect. Returns: (transfer full): its name, or NULL with @error. */
char      *ds_gan_dup_rarest_class   (DsProject        *project,
                                      GError          **error);
/* Reads the images of @class_name (NULL: the rarest) into @images. Fails when the class is not
 * in the project or has fewer than 2 such images. */
gboolean   ds_gan_class_images_load  (DsGanClassImages *images,
                                      DsProject        *project,
                                      const char       *class_name,
                                      GError          **error);
void       ds_gan_class_images_clear (DsGanClassImages *images);

/* The project's own classifier, to score a GAN of class @class_name with (ds-gan-score.h): the
 * best weights of its newest finished classifier run that takes images of @image's shape, knows
 * the class, and ends in a dense layer.
 * Returns: (transfer full) (nullable): the model, its run in @run_id; NULL without an error
 * when the project has none, NULL with @error when one could not be read. */
DsModel   *ds_gan_project_classifier (DsProject      *project,
                                      DsShape         image,
                                      const char     *class_name,
                                      gint64         *run_id,
                                      GError        **error);

static inline DsSubset
ds_gan_class_images_subset (const DsGanClassImages *images)
{
  return (DsSubset) { images->data, images->idx, images->n };
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DsGanClassImages, ds_gan_class_images_clear)

G_END_DECLS
