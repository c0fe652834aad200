/* ds-context.h: what every long engine call is given instead of global state
 *
 * A DsContext carries the random generator, the thread count and the progress/cancel
 * callback. It belongs to one caller at a time; ds_context_cancel() alone may be called
 * from another thread.
 *
 * What the engine promises: the same data, seed and settings give the same bits, whatever
 * the thread count. Training and inference cut every batch into the same shards of
 * DS_SHARD_SIZE (16) samples on one thread or on sixteen, each shard runs with
 * single-threaded BLAS on its own replica, and the shards' results are summed in shard order
 * (train/ds-workers.h): the threads decide only who computes a shard, never the shape of a
 * product or the order of a sum. So a model trained on a 16-core server equals the one
 * trained on a laptop of the same CPU kind, and the window equals the command line. The bits
 * hold on one machine and build: another CPU, OpenBLAS kernel (OPENBLAS_CORETYPE) or compiler
 * rounds the same products differently, and its results agree only to rounding.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-rng.h"

G_BEGIN_DECLS

typedef enum
{
  DS_PROGRESS_STEP,        /* one optimiser step done */
  DS_PROGRESS_EPOCH,       /* one epoch done, validation metrics filled in */
  DS_PROGRESS_EVALUATE,    /* inference over a data set, @step of @n_steps batches */
} DsProgressKind;

typedef struct _DsConfusion DsConfusion;

typedef struct
{
  DsProgressKind kind;
  guint   epoch;           /* 1-based */
  guint   n_epochs;
  guint64 step;            /* 1-based within the epoch */
  guint64 n_steps;         /* steps in one epoch */
  guint64 global_step;     /* 1-based over the whole run */
  double  loss;            /* the step's loss, or the epoch's mean train loss */
  double  items_per_second;
  double  elapsed_seconds; /* since the run started */
  double  eta_seconds;     /* to the end of the run, < 0 when unknown */
  /* DS_PROGRESS_EPOCH only */
  double  epoch_seconds;   /* the epoch's training steps, validation excluded */
  double  val_loss;        /* NAN when there is no validation set */
  double  val_accuracy;
  const DsConfusion *val_confusion;  /* a classifier's on the validation set, or NULL */
} DsProgress;

/* Return FALSE to stop the run; the engine then fails with DS_ENGINE_ERROR_CANCELLED. */
typedef gboolean (*DsProgressFunc) (const DsProgress *progress,
                                    gpointer          user_data);

typedef struct _DsContext DsContext;

DsContext *ds_context_new            (guint64         seed,
                                      guint           n_threads);
void       ds_context_free           (DsContext      *ctx);
DsRng     *ds_context_get_rng        (DsContext      *ctx);
guint64    ds_context_get_seed       (DsContext      *ctx);
guint      ds_context_get_n_threads  (DsContext      *ctx);
void       ds_context_set_progress   (DsContext      *ctx,
                                      DsProgressFunc  func,
                                      gpointer        user_data);
/* Calls the progress callback; FALSE when it, or ds_context_cancel(), asked to stop. */
gboolean   ds_context_report         (DsContext      *ctx,
                                      const DsProgress *progress);
/* Thread-safe: the run stops at the next step boundary. */
void       ds_context_cancel         (DsContext      *ctx);
gboolean   ds_context_is_cancelled   (DsContext      *ctx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsContext, ds_context_free)

G_END_DECLS
