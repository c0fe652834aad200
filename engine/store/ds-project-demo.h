/* ds-project-demo.h: the built-in demo project
 *
 * A new user sees a working application at once: a project of synthetic surface-inspection
 * images (data/ds-demo.h: textured surfaces with scratches, spots and cracks, each defect with
 * its mask), half of them labelled. The window creates it on first start; the command line
 * writes the same one with `defectscope-cli demo`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_DEMO_PROJECT_SEED 2007

/* Returns: (transfer full): where the window keeps its demo project,
 * <user data dir>/defectscope/demo. */
char     *ds_project_demo_folder (void);

/* Creates a project in @folder (which must not hold one yet) with the demo images of @seed,
 * every other image of each class labelled. @progress (nullable) reports each image and can
 * cancel; a cancelled or failed demo removes @folder again, so the next start makes it anew.
 * Same seed, same project: images, masks and labels are identical on every machine. */
gboolean  ds_project_write_demo  (const char        *folder,
                                  guint64            seed,
                                  DsImportProgress   progress,
                                  gpointer           user_data,
                                  GError           **error);

G_END_DECLS
