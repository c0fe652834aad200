/* ds-run-scores.h: what the Inspect and Review pages read about an autoencoder run, read off
 * the main thread
 *
 * The project is opened a second time, read-only, in a GTask worker (a DsProject is used by one
 * thread at a time): the run's record, its scores, the images with their labels now, the latest
 * classifier run's predictions and the reviews.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "store/ds-project-runs.h"

G_BEGIN_DECLS

typedef struct
{
  DsRunInfo *info;            /* the autoencoder run; NULL when the project has none */
  GPtrArray *runs;            /* DsRunInfo: every finished autoencoder run, newest first */
  GPtrArray *classes;         /* DsClassInfo, in palette order */
  gint64     normal_class_id; /* the run's normal class (or the first of good, ok, normal); 0 */
  gint64     classifier_run;  /* the latest run with class predictions, 0 when none */
  /* DsScoredItem: every image the run scored, in ascending id order; then the labelled images
   * the classifier run disagrees with that have no score */
  GPtrArray *items;
} DsRunScores;

void         ds_run_scores_free        (DsRunScores         *scores);
/* Reads run @run_id of the project in @folder (0: the latest autoencoder run with scores). */
void         ds_run_scores_load_async  (const char          *folder,
                                        gint64               run_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* Returns: (transfer full): what was read, or NULL with @error. */
DsRunScores *ds_run_scores_load_finish (GAsyncResult        *result,
                                        GError             **error);
/* Returns: (transfer none) (nullable): the class @class_id of @scores. */
const DsClassInfo *ds_run_scores_find_class (DsRunScores    *scores,
                                             gint64          class_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsRunScores, ds_run_scores_free)

G_END_DECLS
