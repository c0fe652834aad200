/* ds-workers.h: data parallelism over the batch, in fixed shards
 *
 * A batch is cut into shards of DS_SHARD_SIZE samples (the last one may be smaller), the same
 * whatever the number of threads. Each shard has a replica of the model of its own, which
 * shares the model's parameters but has its own gradients, activations, scratch buffers and
 * random generator, and runs the whole forward and backward pass on its shard with
 * single-threaded BLAS. The threads only decide who computes which shard: thread t takes a
 * contiguous run of shards. The shards' gradients are then summed in shard order, and their
 * batchnorm statistics averaged in shard order.
 *
 * So every result (a step's gradients, the weights after a run, a sample's output) depends on
 * the data, the seed and the batch size, never on the thread count: each GEMM has the same
 * shape and each sum the same order on one thread as on sixteen. That holds on every BLAS
 * kernel, since no product's shape depends on the threads. (Another CPU or OpenBLAS kernel
 * rounds the same product differently: bit equality holds on one machine and build.)
 *
 * Replica 0 is the model itself. Batchnorm normalises over a shard (ghost batch
 * normalisation), whatever the batch size; its running averages are merged after each step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-rng.h"
#include "nn/ds-model.h"
#include "nn/ds-optim.h"

G_BEGIN_DECLS

/* Samples in one shard. Fixed by design: changing it changes every trained model. */
#define DS_SHARD_SIZE 16

typedef struct _DsWorkers DsWorkers;

/* Runs for shard @shard, the samples [start, start + count) of the batch, on that shard's
 * replica and generator. Callers keep per-shard results in arrays of
 * ds_workers_get_n_shards() entries indexed by @shard. */
typedef void (*DsWorkerFunc) (DsModel  *replica,
                              guint     shard,
                              guint     start,
                              guint     count,
                              DsRng    *rng,
                              gpointer  user_data);

/* Returns: (transfer full): a pool of @n_threads threads (the caller's included) for batches
 * of up to @max_batch samples of @model, which must outlive it. @max_batch is rounded up to a
 * whole number of shards. */
DsWorkers *ds_workers_new          (DsModel     *model,
                                    guint        n_threads,
                                    guint        max_batch,
                                    GError     **error);
void       ds_workers_free         (DsWorkers   *workers);
/* The replicas, one a shard of the largest batch. */
guint      ds_workers_get_n_shards (DsWorkers   *workers);
/* The largest batch ds_workers_run() takes: a whole number of shards. Inference in chunks of
 * this size gives every sample the same shard as any other whole number of shards would. */
guint      ds_workers_get_max_batch (DsWorkers  *workers);
/* Returns: (transfer none): the replica of @shard (0 is the model itself), so that a job on
 * one pool can run its shard through the same shard's replica of another pool of the same
 * size (a GAN's generator step runs the discriminator). */
DsModel   *ds_workers_get_replica  (DsWorkers   *workers,
                                    guint        shard);
/* Cuts @batch (at most the pool's max batch) into shards and runs @func on each, returning
 * when all are done. Every replica's generator is seeded from @rng first, in shard order
 * (nullable: evaluation leaves the caller's generator alone). Replicas left without samples
 * take no part in the sums and merges that follow. */
void       ds_workers_run          (DsWorkers   *workers,
                                    guint        batch,
                                    DsRng       *rng,
                                    DsWorkerFunc func,
                                    gpointer     user_data);
/* Splits 0..@n into one range a thread and runs @func on each (@shard is the thread's index,
 * no generator); gradients and state are left alone: for element-wise work over the
 * parameters, where the split changes no result. */
void       ds_workers_run_range    (DsWorkers   *workers,
                                    gsize        n,
                                    DsWorkerFunc func,
                                    gpointer     user_data);
/* Adds the other shards' gradients in [start, end) into the model's, in shard order. */
void       ds_workers_reduce_grads (DsWorkers   *workers,
                                    gsize        start,
                                    gsize        end);
/* Averages the shards' batchnorm state of the last ds_workers_run() into the model's. */
void       ds_workers_merge_state  (DsWorkers   *workers);
/* Both of the above, over every parameter. */
void       ds_workers_reduce       (DsWorkers   *workers);

/* The two halves of a training step's update, each over ranges of the parameters, one range a
 * thread.
 * ds_workers_sum_grads(): adds the shards' gradients into the model's; FALSE when any of the
 * sums is not finite (the weights are untouched).
 * ds_workers_update(): copies the weights to @saved (n_params floats), takes one step of @opt
 * (ds_optimizer_begin_step() included) and, when a weight comes out non-finite, puts the saved
 * weights back and returns FALSE. The optimiser's moments keep the step either way. */
gboolean   ds_workers_sum_grads    (DsWorkers   *workers);
gboolean   ds_workers_update       (DsWorkers   *workers,
                                    DsOptimizer *opt,
                                    float       *saved);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsWorkers, ds_workers_free)

G_END_DECLS
