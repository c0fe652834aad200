/* ds-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cblas.h>

#include "ds-context.h"

struct _DsContext
{
  DsRng           rng;
  guint64         seed;
  guint           n_threads;
  DsProgressFunc  progress;
  gpointer        progress_data;
  gint            cancelled;  /* atomic */
};

/**
 * ds_context_new:
 * @seed: seed of the random generator
 * @n_threads: threads for training and inference; 0 means all cores
 *
 * OpenBLAS keeps its thread count process-wide; the context sets it to one, as the engine runs
 * its own threads.
 *
 * Returns: (transfer full): a new context, free with ds_context_free()
 */
DsContext *
ds_context_new (guint64 seed,
                guint   n_threads)
{
  DsContext *ctx = g_new0 (DsContext, 1);

  if (n_threads == 0)
    n_threads = g_get_num_processors ();
  ctx->seed = seed;
  ctx->n_threads = n_threads;
  ds_rng_seed (&ctx->rng, seed);
  /* the engine splits batches over its own threads (train/ds-workers.h), each calling
   * single-threaded BLAS: OpenBLAS's own threads would only spin beside them */
  openblas_set_num_threads (1);

  return ctx;
}

void
ds_context_free (DsContext *ctx)
{
  g_free (ctx);
}

DsRng *
ds_context_get_rng (DsContext *ctx)
{
  return &ctx->rng;
}

guint64
ds_context_get_seed (DsContext *ctx)
{
  return ctx->seed;
}

guint
ds_context_get_n_threads (DsContext *ctx)
{
  return ctx->n_threads;
}

void
ds_context_set_progress (DsContext      *ctx,
                         DsProgressFunc  func,
                         gpointer        user_data)
{
  ctx->progress = func;
  ctx->progress_data = user_data;
}

gboolean
ds_context_report (DsContext        *ctx,
                   const DsProgress *progress)
{
  if (ctx->progress != NULL && !ctx->progress (progress, ctx->progress_data))
    ds_context_cancel (ctx);

  return !ds_context_is_cancelled (ctx);
}

void
ds_context_cancel (DsContext *ctx)
{
  g_atomic_int_set (&ctx->cancelled, 1);
}

gboolean
ds_context_is_cancelled (DsContext *ctx)
{
  return g_atomic_int_get (&ctx->cancelled) != 0;
}
