/* ds-workers.h: data parallelism over the batch
 *
 * Each of n threads holds a replica of the model that shares its parameters but has its own
 * gradients, activations and scratch buffers, and runs the whole forward and backward pass on
 * its slice of the batch with single-threaded BLAS. This keeps both cores busy through the
 * element-wise layers too, which multi-threaded GEMMs alone leave to one core.
 *
 * Replica 0 is the model itself, running on the calling thread; the others' gradients are
 * summed into it after each step. Batchnorm statistics are per slice (as with any data-parallel
 * training) and their running averages are merged after each step. A run is reproducible for a
 * given seed and thread count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-rng.h"
#include "nn/ds-model.h"
#include "nn/ds-optim.h"

G_BEGIN_DECLS

typedef struct _DsWorkers DsWorkers;

/* Runs on every worker for its slice [start, start + count) of the batch. */
typedef void (*DsWorkerFunc) (DsModel  *replica,
                              guint     index,
                              guint     start,
                              guint     count,
                              DsRng    *rng,
                              gpointer  user_data);

/* Returns: (transfer full): @n_threads workers for @model, which must outlive them. */
DsWorkers *ds_workers_new        (DsModel     *model,
                                  guint        n_threads,
                                  GError     **error);
void       ds_workers_free       (DsWorkers   *workers);
guint      ds_workers_get_n      (DsWorkers   *workers);
/* Returns: (transfer none): the model replica of worker @index (0 is the model itself), so that a
 * job on one pool can run its slice through the same-index replica of another (a GAN's
 * generator step runs the discriminator). */
DsModel   *ds_workers_get_replica (DsWorkers  *workers,
                                   guint       index);
/* Splits @batch into one slice a worker (fewer when the batch is smaller) and runs @func on
 * each, returning when all are done. Each worker's generator is seeded from @rng first
 * (nullable: evaluation leaves the caller's generator alone). Workers left without samples
 * have their gradients zeroed. */
void       ds_workers_run        (DsWorkers   *workers,
                                  guint        batch,
                                  DsRng       *rng,
                                  DsWorkerFunc func,
                                  gpointer     user_data);
/* Splits 0..@n into one range a worker and runs @func on each (start, count); no generator,
 * gradients and state are left alone: for work over the parameters. */
void       ds_workers_run_range  (DsWorkers   *workers,
                                  gsize        n,
                                  DsWorkerFunc func,
                                  gpointer     user_data);
/* Adds the replicas' gradients in [start, end) into the model's. */
void       ds_workers_reduce_grads (DsWorkers *workers,
                                    gsize      start,
                                    gsize      end);
/* Averages the replicas' batchnorm state of the last ds_workers_run() into the model's. */
void       ds_workers_merge_state (DsWorkers  *workers);
/* Both of the above, over every parameter. */
void       ds_workers_reduce     (DsWorkers   *workers);

/* The two halves of a training step's update, each over ranges of the parameters, one range a
 * worker thread.
 * ds_workers_sum_grads(): adds the replicas' gradients into the model's; FALSE when any of the
 * sums is not finite (the weights are untouched).
 * ds_workers_update(): copies the weights to @saved (n_params floats), takes one step of @opt
 * (ds_optimizer_begin_step() included) and, when a weight comes out non-finite, puts the saved
 * weights back and returns FALSE. The optimiser's moments keep the step either way. */
gboolean   ds_workers_sum_grads  (DsWorkers   *workers);
gboolean   ds_workers_update     (DsWorkers   *workers,
                                  DsOptimizer *opt,
                                  float       *saved);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsWorkers, ds_workers_free)

G_END_DECLS
