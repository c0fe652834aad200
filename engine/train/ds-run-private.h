/* ds-run-private.h: what ds-run.c and ds-run-anomaly.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "train/ds-run.h"

G_BEGIN_DECLS

struct _DsRun
{
  DsProject      *project;
  DsRunInfo      *info;
  DsDataset      *data;        /* every image of the project but synthetic ones */
  gint64         *image_ids;   /* (data->n) */
  guint32        *train_idx;   /* indices into data */
  guint32        *val_idx;
  guint32        *test_idx;
  guint           n_train, n_val, n_test;
  DsContext      *ctx;
  DsModel        *model;
  DsOptimizer    *opt;
  DsTrainState    state;
  guint64         steps_per_epoch;
  char           *folder;      /* runs/<id>/, absolute */
  gboolean        autoencoder; /* trains to reconstruct the normal class's images */
  gint32          normal;      /* autoencoders: the normal class's index in data */

  /* while training */
  DsProgressFunc  func;
  gpointer        user_data;
  GArray         *pending_steps;  /* DsRunStep of the epoch under way */
  GError         *stop_error;     /* why the run's own callback stopped it */
  gint64          started;        /* monotonic µs */
  double          wall_before;    /* seconds of earlier sessions of this run */
};

/* The end of an autoencoder run (ds-run-anomaly.c): scores every image with the best weights,
 * calibrates the thresholds on the validation images, writes them into best.dsm, and records
 * the scores and the figures in the project, which @figures receives too. */
gboolean ds_run_finish_anomaly    (DsRun              *run,
                                   DsRunAnomaly       *figures,
                                   GError            **error);

G_END_DECLS
