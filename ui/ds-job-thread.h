/* ds-job-thread.h: the thread of a background job, and the way of its reports to the main loop
 *
 * DsTrainJob and DsGanJob each run their work on a thread of their own, embedding one of these.
 * The thread stores what happened under @lock and calls ds_job_thread_schedule_locked(): one
 * dispatch at a time is pending on the main context of the caller of ds_job_thread_start(),
 * gathering reports for DS_JOB_DISPATCH_INTERVAL_MS, or going out at once for a start or an
 * end. Between two steps the thread calls ds_job_thread_wait_locked(), which holds it while
 * paused; a cancel ends the wait.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How long reports gather before the main loop hears of them. Every redraw of the window costs
 * a core the training threads would use: at one a frame, the window trained at 0.56 of the
 * command line's speed on 2 cores; four a second are enough for curves and a progress bar. */
#define DS_JOB_DISPATCH_INTERVAL_MS 250

typedef struct
{
  GMutex        lock;
  GCond         cond;
  /* under the lock */
  gboolean      paused;
  gboolean      cancelled;
  gboolean      detached;     /* nobody listens any more: schedule nothing */
  guint         dispatch_id;
  /* main thread */
  GThread      *thread;
  GMainContext *context;
  gboolean      running;
  /* from init */
  GObject      *owner;        /* the job; a pending dispatch holds a reference */
  GSourceFunc   dispatch;     /* called on the main context with the owner; must call
                               * ds_job_thread_dispatched() under the lock */
  const char   *name;         /* static: the thread's and the source's */
} DsJobThread;

void     ds_job_thread_init       (DsJobThread *jt,
                                   GObject     *owner,
                                   const char  *name,
                                   GSourceFunc  dispatch);
void     ds_job_thread_clear      (DsJobThread *jt);
/* Runs @func (@owner) on a new thread; dispatches go to the caller's thread-default context. */
void     ds_job_thread_start      (DsJobThread *jt,
                                   GThreadFunc  func);
/* Under the lock: a dispatch in DS_JOB_DISPATCH_INTERVAL_MS, or @at_once, unless one is
 * pending. */
void     ds_job_thread_schedule_locked (DsJobThread *jt,
                                        gboolean     at_once);
/* Under the lock, from the dispatch: it is no longer pending. */
void     ds_job_thread_dispatched_locked (DsJobThread *jt);
/* Under the lock, on the job's thread: waits while paused. Returns: FALSE once cancelled. */
gboolean ds_job_thread_wait_locked (DsJobThread *jt);
void     ds_job_thread_set_paused_locked (DsJobThread *jt,
                                          gboolean     paused);
/* Takes the lock. */
gboolean ds_job_thread_get_paused (DsJobThread *jt);
void     ds_job_thread_cancel_locked (DsJobThread *jt);
/* Main thread: the job's function returned (its last dispatch): joins the thread. */
void     ds_job_thread_finished   (DsJobThread *jt);
/* Main thread, not under the lock: cancels, waits for the thread and drops a pending dispatch;
 * nothing is dispatched after. */
void     ds_job_thread_cancel_and_wait (DsJobThread *jt);

G_END_DECLS
