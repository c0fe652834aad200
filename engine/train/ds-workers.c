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

typedef struct
{
  DsWorkers *pool;
  guint      index;
  DsModel   *replica;
  DsRng      rng;
  guint      start;
  guint      count;
  GThread   *thread;
} DsWorker;

struct _DsWorkers
{
  DsModel      *model;
  guint         n;
  DsWorker     *workers;
  GMutex        lock;
  GCond         start_cond;
  GCond         done_cond;
  guint64       generation;  /* bumped for every job */
  guint         pending;     /* workers still running the job */
  gboolean      quit;
  DsWorkerFunc  func;
  gpointer      func_data;
};

static void
worker_run_slice (DsWorker *w)
{
  unsigned int mode;

  if (w->count == 0)
    return;
  mode = flush_denormals_begin ();
  w->pool->func (w->replica, w->index, w->start, w->count, &w->rng, w->pool->func_data);
  flush_denormals_end (mode);
}

static gpointer
worker_main (gpointer data)
{
  DsWorker *w = data;
  DsWorkers *pool = w->pool;
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

      worker_run_slice (w);

      g_mutex_lock (&pool->lock);
      if (--pool->pending == 0)
        g_cond_signal (&pool->done_cond);
      g_mutex_unlock (&pool->lock);
    }
}

DsWorkers *
ds_workers_new (DsModel  *model,
                guint     n_threads,
                GError  **error)
{
  g_autoptr(DsWorkers) pool = g_new0 (DsWorkers, 1);

  pool->model = model;
  pool->n = MAX (n_threads, 1);
  pool->workers = g_new0 (DsWorker, pool->n);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->start_cond);
  g_cond_init (&pool->done_cond);

  for (guint i = 0; i < pool->n; i++)
    {
      DsWorker *w = &pool->workers[i];

      w->pool = pool;
      w->index = i;
      if (i == 0)
        {
          w->replica = model;
          continue;
        }
      w->replica = ds_model_new_replica (model, error);
      if (w->replica == NULL)
        return NULL;
      w->thread = g_thread_try_new ("ds-worker", worker_main, w, error);
      if (w->thread == NULL)
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

  for (guint i = 1; i < pool->n; i++)
    {
      if (pool->workers[i].thread != NULL)
        g_thread_join (pool->workers[i].thread);
      ds_model_free (pool->workers[i].replica);
    }
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->start_cond);
  g_cond_clear (&pool->done_cond);
  g_free (pool->workers);
  g_free (pool);
}

guint
ds_workers_get_n (DsWorkers *pool)
{
  return pool->n;
}

DsModel *
ds_workers_get_replica (DsWorkers *pool,
                        guint      index)
{
  g_return_val_if_fail (index < pool->n, NULL);

  return pool->workers[index].replica;
}

/* Runs pool->func on every worker's slice and returns when all are done. */
static void
dispatch (DsWorkers    *pool,
          DsWorkerFunc  func,
          gpointer      user_data)
{
  pool->func = func;
  pool->func_data = user_data;
  if (pool->n > 1)
    {
      g_mutex_lock (&pool->lock);
      pool->pending = pool->n - 1;
      pool->generation++;
      g_cond_broadcast (&pool->start_cond);
      g_mutex_unlock (&pool->lock);
    }

  worker_run_slice (&pool->workers[0]);

  if (pool->n > 1)
    {
      g_mutex_lock (&pool->lock);
      while (pool->pending > 0)
        g_cond_wait (&pool->done_cond, &pool->lock);
      g_mutex_unlock (&pool->lock);
    }
}

static void
set_slice (DsWorker *w,
           guint64   n,
           guint     n_workers)
{
  w->start = (guint) (n * w->index / n_workers);
  w->count = (guint) (n * (w->index + 1) / n_workers) - w->start;
}

void
ds_workers_run (DsWorkers    *pool,
                guint         batch,
                DsRng        *rng,
                DsWorkerFunc  func,
                gpointer      user_data)
{
  for (guint i = 0; i < pool->n; i++)
    {
      DsWorker *w = &pool->workers[i];

      set_slice (w, batch, pool->n);
      /* without a generator (evaluation) the workers' draws need not differ */
      ds_rng_seed (&w->rng, rng != NULL ? ds_rng_next (rng) : i);
      /* a worker without samples this time must not add its last step's gradients */
      if (w->count == 0)
        ds_model_zero_grad (w->replica);
      /* the replicas start every step from the model's batchnorm statistics */
      if (i > 0 && pool->model->n_state > 0)
        memcpy (w->replica->state, pool->model->state, pool->model->n_state * sizeof (float));
    }

  dispatch (pool, func, user_data);
}

void
ds_workers_run_range (DsWorkers    *pool,
                      gsize         n,
                      DsWorkerFunc  func,
                      gpointer      user_data)
{
  g_return_if_fail (n <= G_MAXUINT);

  for (guint i = 0; i < pool->n; i++)
    set_slice (&pool->workers[i], n, pool->n);
  dispatch (pool, func, user_data);
}

void
ds_workers_reduce_grads (DsWorkers *pool,
                         gsize      start,
                         gsize      end)
{
  float *restrict g = pool->model->grads;

  for (guint i = 1; i < pool->n; i++)
    {
      const float *restrict r = pool->workers[i].replica->grads;

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

  /* running averages are linear in the batch statistics: the mean of the replicas' updates,
   * weighted by slice size, is the update of the whole batch's mean */
  for (guint i = 0; i < pool->n; i++)
    batch += pool->workers[i].count;
  for (gsize j = 0; j < model->n_state; j++)
    {
      double sum = 0.0;

      for (guint i = 0; i < pool->n; i++)
        sum += (double) pool->workers[i].replica->state[j] * pool->workers[i].count;
      model->state[j] = (float) (sum / MAX (batch, 1));
    }
}

void
ds_workers_reduce (DsWorkers *pool)
{
  /* workers that had no samples zeroed their gradients in ds_workers_run() */
  ds_workers_reduce_grads (pool, 0, pool->model->n_params);
  ds_workers_merge_state (pool);
}
