/* ds-run.h: a training run on a project, as the window and `defectscope-cli train --project`
 * both do it
 *
 * A run reads the project's images (synthetic ones only with include_synthetic, and then only
 * to train on), holds out the test split and a validation fraction of the other real images
 * (drawn with the run's seed: the same with or without synthetic ones), records itself in the
 * project with the part each image plays, and trains. After every epoch it writes runs/<id>/last.dsm,
 * and runs/<id>/best.dsm when the validation loss improved, atomically and only with finite
 * weights, and records the epoch's figures and step losses. At the end it predicts every image
 * of the project with the best weights. A stopped run resumes from its last checkpoint and ends
 * with the same weights as a run that was never stopped.
 *
 * An autoencoder preset (DS_PRESET_AUTOENCODER) learns to reconstruct the labelled images of the
 * normal class (DsRunConfig.normal_class) outside the test split, validating on the seeded
 * held-out share of them; every other labelled image plays the "test" part. At the end it
 * scores every image of the project with the best weights (engine/anomaly/), sets the
 * thresholds, review band and heatmap scale on the validation images (with the labelled
 * anomalous images for the best F1) and writes them into best.dsm's metadata
 * (DsAnomalyParams), and records the scores, the image AUROC and the pixel AUROC (where masks
 * exist) of the images it did not train on.
 *
 * A DsRun is used by one thread: create it on the thread that trains (it reads every image).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-context.h"
#include "nn/ds-model.h"
#include "store/ds-project-runs.h"
#include "train/ds-run-config.h"

G_BEGIN_DECLS

#define DS_RUN_CHECKPOINT_LAST "last.dsm"
#define DS_RUN_CHECKPOINT_BEST "best.dsm"

typedef struct _DsRun DsRun;

/* Prepares a new run of @config on the project in @project_folder, recorded as coming from
 * @origin ("window", "command line"), and writes its epoch-0 checkpoint.
 * Returns: (transfer full): the run, or NULL with @error naming the file and the problem. */
DsRun          *ds_run_new              (const char         *project_folder,
                                         const DsRunConfig  *config,
                                         const char         *origin,
                                         GError            **error);
/* Reopens run @run_id of the project where its last checkpoint left it, on the images and
 * labels it started with.
 * Returns: (transfer full): the run, or NULL with @error (a finished run, a missing or damaged
 * checkpoint, an image that has gone). */
DsRun          *ds_run_resume           (const char         *project_folder,
                                         gint64              run_id,
                                         GError            **error);
void            ds_run_free             (DsRun              *run);

gint64          ds_run_get_id           (DsRun              *run);
/* Returns: (transfer none): the run's record as it was when the run was opened. */
const DsRunInfo *ds_run_get_info        (DsRun              *run);
/* Returns: (transfer none): the model being trained. */
DsModel        *ds_run_get_model        (DsRun              *run);
const DsTrainState *ds_run_get_state    (DsRun              *run);
guint64         ds_run_get_steps_per_epoch (DsRun           *run);
void            ds_run_get_counts       (DsRun              *run,
                                         guint              *n_train,
                                         guint              *n_val,
                                         guint              *n_test);

/* Trains to the end of the run. @func (nullable) sees every progress event, after the run has
 * recorded it; returning FALSE stops the run within a step ("cancelled", the last checkpoint
 * kept). The run's record ends "finished", "stopped early", "cancelled" or "failed" with the
 * reason, which is also what @error says. */
gboolean        ds_run_train            (DsRun              *run,
                                         DsProgressFunc      func,
                                         gpointer            user_data,
                                         GError            **error);

/* The index of an autoencoder run's normal class among @class_names: @name (ASCII case
 * ignored), or without it the first of "good", "ok", "normal".
 * Returns: the index, or -1 with @error listing the classes. */
gint32          ds_run_find_normal_class (const char * const *class_names,
                                          const char         *name,
                                          GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsRun, ds_run_free)

G_END_DECLS
