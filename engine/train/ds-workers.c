/* ds-workers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "ds-error.h"
#include "train/ds-workers.h"

/* Training runs with denormal floats flushed to zero (FTZ) and read as zero (DAZ): Adam's
 * second moments and the gradients of saturated units drift into the denormal range, where
 * every operation on them costs a hundred cycles; at float's 1e-38 they are zero for any
 * purpose of training. The mode is per thread: the workers set it for good, the calling thread
 * only around its own slice. */
#if defined(__SSE2__)
#define MXCSR_FTZ_DAZ 0x8040u

static inline unsigned int
flush_denormals_begin (void)
{
  unsigned int old = _mm_getcsr ();

  _mm_setcsr (old | MXCSR_FTZ_DAZ);

  return old;
}

static inline void
flush_denormals_end (unsigned int old)
{
  _mm_setcsr (old);
}
#else
static inline unsigned int flush_denormals_begin (void) { return 0; }
static inline void flush_denormals_end (unsigned int old) { (void) old; }
#endif

/* One shard of the largest batch: its replica, generator and samples in the current batch. */
typedef struct
{
  DsModel   *replica;
  DsRng      rng;
  guint      start;
  guint      count;   /* 0 when the batch does not reach this shard */
} DsShard;

/* One thread: the shards it runs in a batch job, or its range in a range job. */
typedef struct
{
  DsWorkers *pool;
  guint      index;
  guint      first;   /* shards [first, last), or the range [first, last) */
  guint      last;
  GThread   *thread;
} DsThread;

struct _DsWorkers
{
  DsModel      *model;
  guint         max_batch;   /* n_shards × DS_SHARD_SIZE */
  guint         n_shards;
  DsShard      *shards;
  guint         n_used;      /* shards with samples in the last batch */
  guint         n_threads;
  DsThread     *threads;
  GMutex        lock;
  GCond         start_cond;
  GCond         done_cond;
  guint64       generation;  /* bumped for every job */
  guint         pending;     /* threads still running the job */
  gboolean      quit;
  gboolean      range_job;   /* the job is over parameter ranges, not shards */
  DsWorkerFunc  func;
  gpointer      func_data;
};

static void
thread_run (DsThread *t)
{
  DsWorkers *pool = t->pool;
  unsigned int mode = flush_denormals_begin ();

  if (pool->range_job)
    {
      if (t->last > t->first)
        pool->func (pool->model, t->index, t->first, t->last - t->first, NULL, pool->func_data);
    }
  else
    {
      for (guint s = t->first; s < t->last; s++)
        {
          DsShard *shard = &pool->shards[s];

          pool->func (shard->replica, s, shard->start, shard->count, &shard->rng,
                      pool->func_data);
        }
    }
  flush_denormals_end (mode);
}

static gpointer
thread_main (gpointer data)
{
  DsThread *t = data;
  DsWorkers *pool = t->pool;
  guint64 seen = 0;

  for (;;)
    {
      g_mutex_lock (&pool->lock);
      while (!pool->quit && pool->generation == seen)
        g_cond_wait (&pool->start_cond, &pool->lock);
      if (pool->quit)
        {
          g_mutex_unlock (&pool->lock);
          return NULL;
        }
      seen = pool->generation;
      g_mutex_unlock (&pool->lock);

      thread_run (t);

      g_mutex_lock (&pool->lock);
      if (--pool->pending == 0)
        g_cond_signal (&pool->done_cond);
      g_mutex_unlock (&pool->lock);
    }
}

DsWorkers *
ds_workers_new (DsModel  *model,
                guint     n_threads,
                guint     max_batch,
                GError  **error)
{
  g_autoptr(DsWorkers) pool = g_new0 (DsWorkers, 1);

  g_return_val_if_fail (max_batch <= G_MAXUINT - DS_SHARD_SIZE, NULL);

  pool->model = model;
  pool->n_shards = MAX (1, (max_batch + DS_SHARD_SIZE - 1) / DS_SHARD_SIZE);
  pool->max_batch = pool->n_shards * DS_SHARD_SIZE;
  pool->shards = g_new0 (DsShard, pool->n_shards);
  /* more threads than shards would have nothing to do */
  pool->n_threads = CLAMP (n_threads, 1, pool->n_shards);
  pool->threads = g_new0 (DsThread, pool->n_threads);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->start_cond);
  g_cond_init (&pool->done_cond);

  pool->shards[0].replica = model;
  for (guint s = 1; s < pool->n_shards; s++)
    {
      pool->shards[s].replica = ds_model_new_replica (model, error);
      if (pool->shards[s].replica == NULL)
        return NULL;
    }
  for (guint i = 0; i < pool->n_threads; i++)
    {
      DsThread *t = &pool->threads[i];

      t->pool = pool;
      t->index = i;
      /* thread 0 is the caller's */
      if (i == 0)
        continue;
      t->thread = g_thread_try_new ("ds-worker", thread_main, t, error);
      if (t->thread == NULL)
        return NULL;
    }

  return g_steal_pointer (&pool);
}

void
ds_workers_free (DsWorkers *pool)
{
  if (pool == NULL)
    return;

  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->start_cond);
  g_mutex_unlock (&pool->lock);

  for (guint i = 1; i < pool->n_threads; i++)
    if (pool->threads[i].thread != NULL)
      g_thread_join (pool->threads[i].thread);
  for (guint s = 1; s < pool->n_shards; s++)
    ds_model_free (pool->shards[s].replica);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->start_cond);
  g_cond_clear (&pool->done_cond);
  g_free (pool->threads);
  g_free (pool->shards);
  g_free (pool);
}

guint
ds_workers_get_n_shards (DsWorkers *pool)
{
  return pool->n_shards;
}

guint
ds_workers_get_max_batch (DsWorkers *pool)
{
  return pool->max_batch;
}

DsModel *
ds_workers_get_replica (DsWorkers *pool,
                        guint      shard)
{
  g_return_val_if_fail (shard < pool->n_shards, NULL);

  return pool->shards[shard].replica;
}

/* Runs the job on every thread's part and returns when all are done. */
static void
dispatch (DsWorkers    *pool,
          gboolean      range_job,
          DsWorkerFunc  func,
          gpointer      user_data)
{
  pool->range_job = range_job;
  pool->func = func;
  pool->func_data = user_data;
  if (pool->n_threads > 1)
    {
      g_mutex_lock (&pool->lock);
      pool->pending = pool->n_threads - 1;
      pool->generation++;
      g_cond_broadcast (&pool->start_cond);
      g_mutex_unlock (&pool->lock);
    }

  thread_run (&pool->threads[0]);

  if (pool->n_threads > 1)
    {
      g_mutex_lock (&pool->lock);
      while (pool->pending > 0)
        g_cond_wait (&pool->done_cond, &pool->lock);
      g_mutex_unlock (&pool->lock);
    }
}

/* Gives thread @i of @n its contiguous part [first, last) of 0..@total. */
static void
set_part (DsThread *t,
          guint64   total,
          guint     n)
{
  t->first = (guint) (total * t->index / n);
  t->last = (guint) (total * (t->index + 1) / n);
}

void
ds_workers_run (DsWorkers    *pool,
                guint         batch,
                DsRng        *rng,
                DsWorkerFunc  func,
                gpointer      user_data)
{
  g_return_if_fail (batch <= pool->max_batch);

  pool->n_used = (batch + DS_SHARD_SIZE - 1) / DS_SHARD_SIZE;
  for (guint s = 0; s < pool->n_shards; s++)
    {
      DsShard *shard = &pool->shards[s];

      shard->start = MIN (batch, s * DS_SHARD_SIZE);
      shard->count = MIN (batch, shard->start + DS_SHARD_SIZE) - shard->start;
      /* every replica draws, used or not, so the caller's generator advances alike */
      ds_rng_seed (&shard->rng, rng != NULL ? ds_rng_next (rng) : s);
      /* the replicas start every step from the model's batchnorm statistics; the shards
       * without samples take no part in the sums below */
      if (s > 0 && shard->count > 0 && pool->model->n_state > 0)
        memcpy (shard->replica->state, pool->model->state,
                pool->model->n_state * sizeof (float));
    }
  /* only the shards in use are handed out, so that every thread gets a share */
  for (guint i = 0; i < pool->n_threads; i++)
    set_part (&pool->threads[i], pool->n_used, pool->n_threads);

  dispatch (pool, FALSE, func, user_data);
}

void
ds_workers_run_range (DsWorkers    *pool,
                      gsize         n,
                      DsWorkerFunc  func,
                      gpointer      user_data)
{
  g_return_if_fail (n <= G_MAXUINT);

  for (guint i = 0; i < pool->n_threads; i++)
    set_part (&pool->threads[i], n, pool->n_threads);
  dispatch (pool, TRUE, func, user_data);
}

void
ds_workers_reduce_grads (DsWorkers *pool,
                         gsize      start,
                         gsize      end)
{
  float *restrict g = pool->model->grads;

  /* shard order, whoever computed them: the sum is the same on any number of threads */
  for (guint s = 1; s < pool->n_used; s++)
    {
      const float *restrict r = pool->shards[s].replica->grads;

      for (gsize j = start; j < end; j++)
        g[j] += r[j];
    }
}

/* The update of the model's parameters, over ranges of them. */
typedef struct
{
  DsWorkers   *pool;
  DsOptimizer *opt;
  float       *saved;
  gint         ok;      /* atomic: FALSE once any range is not finite */
} UpdateJob;

static void
sum_range (DsModel  *replica,
           guint     index,
           guint     start,
           guint     count,
           DsRng    *rng,
           gpointer  user_data)
{
  UpdateJob *u = user_data;

  ds_workers_reduce_grads (u->pool, start, (gsize) start + count);
  if (!ds_floats_all_finite (u->pool->model->grads + start, count))
    g_atomic_int_set (&u->ok, FALSE);
}

static void
update_range (DsModel  *replica,
              guint     index,
              guint     start,
              guint     count,
              DsRng    *rng,
              gpointer  user_data)
{
  UpdateJob *u = user_data;
  DsModel *model = u->pool->model;

  memcpy (u->saved + start, model->params + start, count * sizeof (float));
  ds_optimizer_update (u->opt, model->params, model->grads, start, (gsize) start + count);
  if (!ds_floats_all_finite (model->params + start, count))
    g_atomic_int_set (&u->ok, FALSE);
}

gboolean
ds_workers_sum_grads (DsWorkers *pool)
{
  UpdateJob u = { .pool = pool, .ok = TRUE };

  ds_workers_run_range (pool, pool->model->n_params, sum_range, &u);

  return u.ok;
}

gboolean
ds_workers_update (DsWorkers   *pool,
                   DsOptimizer *opt,
                   float       *saved)
{
  DsModel *model = pool->model;
  UpdateJob u = { .pool = pool, .opt = opt, .saved = saved, .ok = TRUE };

  ds_optimizer_begin_step (opt);
  ds_workers_run_range (pool, model->n_params, update_range, &u);
  if (!u.ok)
    memcpy (model->params, saved, model->n_params * sizeof (float));

  return u.ok;
}

void
ds_workers_merge_state (DsWorkers *pool)
{
  DsModel *model = pool->model;
  guint batch = 0;

  if (model->n_state == 0)
    return;

  /* running averages are linear in the batch statistics: the mean of the shards' updates,
   * weighted by shard size, is the update of the whole batch's mean */
  for (guint s = 0; s < pool->n_used; s++)
    batch += pool->shards[s].count;
  for (gsize j = 0; j < model->n_state; j++)
    {
      double sum = 0.0;

      for (guint s = 0; s < pool->n_used; s++)
        sum += (double) pool->shards[s].replica->state[j] * pool->shards[s].count;
      model->state[j] = (float) (sum / MAX (batch, 1));
    }
}

void
ds_workers_reduce (DsWorkers *pool)
{
  /* only the shards in use are summed: the others hold no gradients of this batch */
  ds_workers_reduce_grads (pool, 0, pool->model->n_params);
  ds_workers_merge_state (pool);
}
