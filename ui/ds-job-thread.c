/* ds-job-thread.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-job-thread.h"

void
ds_job_thread_init (DsJobThread *jt,
                    GObject     *owner,
                    const char  *name,
                    GSourceFunc  dispatch)
{
  *jt = (DsJobThread) { .owner = owner, .name = name, .dispatch = dispatch };
  g_mutex_init (&jt->lock);
  g_cond_init (&jt->cond);
}

void
ds_job_thread_clear (DsJobThread *jt)
{
  g_clear_pointer (&jt->context, g_main_context_unref);
  g_mutex_clear (&jt->lock);
  g_cond_clear (&jt->cond);
}

void
ds_job_thread_start (DsJobThread *jt,
                     GThreadFunc  func)
{
  g_return_if_fail (jt->thread == NULL && !jt->running);

  jt->context = g_main_context_ref_thread_default ();
  jt->running = TRUE;
  jt->thread = g_thread_new (jt->name, func, jt->owner);
}

void
ds_job_thread_schedule_locked (DsJobThread *jt,
                               gboolean     at_once)
{
  GSource *source;

  if (jt->dispatch_id != 0 || jt->detached)
    return;
  source = at_once ? g_idle_source_new () : g_timeout_source_new (DS_JOB_DISPATCH_INTERVAL_MS);
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, jt->dispatch, g_object_ref (jt->owner), g_object_unref);
  g_source_set_static_name (source, jt->name);
  jt->dispatch_id = g_source_attach (source, jt->context);
  g_source_unref (source);
}

void
ds_job_thread_dispatched_locked (DsJobThread *jt)
{
  jt->dispatch_id = 0;
}

gboolean
ds_job_thread_wait_locked (DsJobThread *jt)
{
  while (jt->paused && !jt->cancelled)
    g_cond_wait (&jt->cond, &jt->lock);

  return !jt->cancelled;
}

void
ds_job_thread_set_paused_locked (DsJobThread *jt,
                                 gboolean     paused)
{
  jt->paused = paused;
  g_cond_broadcast (&jt->cond);
}

gboolean
ds_job_thread_get_paused (DsJobThread *jt)
{
  gboolean paused;

  g_mutex_lock (&jt->lock);
  paused = jt->paused;
  g_mutex_unlock (&jt->lock);

  return paused;
}

void
ds_job_thread_cancel_locked (DsJobThread *jt)
{
  jt->cancelled = TRUE;
  g_cond_broadcast (&jt->cond);
}

void
ds_job_thread_finished (DsJobThread *jt)
{
  /* the thread has nothing left to do but return */
  if (jt->thread != NULL)
    g_thread_join (g_steal_pointer (&jt->thread));
  jt->running = FALSE;
}

void
ds_job_thread_cancel_and_wait (DsJobThread *jt)
{
  g_mutex_lock (&jt->lock);
  ds_job_thread_cancel_locked (jt);
  jt->detached = TRUE;
  g_mutex_unlock (&jt->lock);

  ds_job_thread_finished (jt);

  g_mutex_lock (&jt->lock);
  if (jt->dispatch_id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (jt->context, jt->dispatch_id);

      jt->dispatch_id = 0;
      if (source != NULL)
        g_source_destroy (source);
    }
  g_mutex_unlock (&jt->lock);
}
