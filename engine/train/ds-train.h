/* ds-train.h: the training loop both the window and the command-line tool run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-context.h"
#include "data/ds-dataset.h"
#include "nn/ds-model.h"
#include "nn/ds-optim.h"
#include "train/ds-metrics.h"

G_BEGIN_DECLS

typedef enum
{
  DS_LR_CONSTANT,
  DS_LR_COSINE,              /* from the optimiser's rate down to 0 over the run, per step */
} DsLrSchedule;

typedef enum
{
  DS_OBJECTIVE_CLASSIFY,     /* softmax cross-entropy against the labels */
  DS_OBJECTIVE_RECONSTRUCT,  /* mean squared error between the output and the input itself */
} DsObjective;

typedef struct
{
  DsObjective  objective;
  guint        epochs;
  guint        batch_size;
  DsAugment    augment;
  DsLrSchedule lr_schedule;
  guint        patience;     /* stop after this many epochs without a better validation loss; 0: never */
} DsTrainConfig;

/* Where a run stands between two epochs: saved with a checkpoint so that a run resumes where
 * it stopped. Together with the context's generator (also saved) it fixes the rest of the run,
 * so a resumed run ends with the same weights as one that was never interrupted. */
typedef struct
{
  guint   epochs_done;       /* training continues with epoch epochs_done + 1 */
  guint64 global_step;       /* optimiser steps taken; the learning-rate schedule follows it */
  double  best_val_loss;     /* INFINITY until a validation loss is known */
  guint   epochs_since_best; /* for early stopping */
  gboolean stopped_early;    /* patience ran out */
} DsTrainState;

#define DS_TRAIN_STATE_INIT ((DsTrainState) { 0, 0, INFINITY, 0, FALSE })

const char *ds_lr_schedule_to_string   (DsLrSchedule  schedule);
gboolean    ds_lr_schedule_from_string (const char   *name,
                                        DsLrSchedule *schedule);

typedef struct
{
  guint  epoch;              /* 1-based */
  double train_loss;         /* mean over the epoch's steps */
  double val_loss;           /* NAN without validation data */
  double val_accuracy;       /* NAN without validation data */
  double seconds;            /* training steps only, validation excluded */
  double items_per_second;
} DsEpochResult;

/* A view of some samples of a data set. */
typedef struct
{
  const DsDataset *data;
  const guint32   *idx;      /* (n) sample indices; NULL means 0..n-1 */
  guint            n;
} DsSubset;

/* Trains @model (already initialised or loaded) on @train for @config's objective with @opt,
 * shuffling with the context's generator every epoch and evaluating on @val (nullable) after
 * each. A reconstruction objective needs a model whose output has the input's shape; labels
 * are then ignored and the validation accuracy is NAN.
 * @state (nullable) says where to start (DS_TRAIN_STATE_INIT for a new run) and is kept up to
 * date: when the context's callback sees DS_PROGRESS_EPOCH, @state already counts that epoch,
 * which is the moment to write a checkpoint. Training stops after config->epochs in all, so a
 * resumed run does the epochs that were left.
 * Progress goes to the context's callback after every step and epoch; each epoch's result is
 * appended to @history (nullable, DsEpochResult).
 * Fails with DS_ENGINE_ERROR_CANCELLED when the callback asks to stop (between two steps),
 * DS_ENGINE_ERROR_NOT_FINITE naming the epoch and step where the loss or a gradient stopped
 * being finite (the weights are left as they were before that step; when it was the update
 * that went wrong, the optimiser's moments have taken that step: resume from a checkpoint). */
gboolean ds_train_model         (DsModel             *model,
                                 DsOptimizer         *opt,
                                 DsContext           *ctx,
                                 const DsSubset      *train,
                                 const DsSubset      *val,
                                 const DsTrainConfig *config,
                                 DsTrainState        *state,
                                 GArray              *history,
                                 GError             **error);

/* Runs @model over @set in evaluation mode, in batches of @batch_size. Adds every labelled
 * sample to @cm (nullable), stores the mean loss over labelled samples in @loss (nullable; NAN
 * when none is labelled), and the softmax of every sample in @probs (nullable, n × classes).
 * Reports DS_PROGRESS_EVALUATE and can be cancelled like training. */
gboolean ds_evaluate_classifier (DsModel             *model,
                                 DsContext           *ctx,
                                 const DsSubset      *set,
                                 guint                batch_size,
                                 DsConfusion         *cm,
                                 double              *loss,
                                 float               *probs,
                                 GError             **error);

/* The mean squared reconstruction error of @model over @set, in evaluation mode. */
gboolean ds_evaluate_reconstruction (DsModel         *model,
                                     DsContext       *ctx,
                                     const DsSubset  *set,
                                     guint            batch_size,
                                     double          *loss,
                                     GError         **error);

/* @seconds rounded to "m:ss", or "h:mm:ss" from an hour on (0:00 when negative or not
 * finite): elapsed and remaining times as the command line and the window show them. */
void ds_format_duration (double  seconds,
                         char   *buf,
                         gsize   len);

G_END_DECLS
