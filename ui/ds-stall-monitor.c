/* ds-stall-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-stall-monitor.h"

#define PERIOD_MS 5

struct _DsStallMonitor
{
  guint  source_id;
  gint64 last;     /* monotonic µs of the last tick */
  gint64 max_gap;  /* µs beyond the period */
};

static gboolean
tick_cb (gpointer data)
{
  DsStallMonitor *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->last != 0)
    self->max_gap = MAX (self->max_gap, now - self->last - PERIOD_MS * 1000);
  self->last = now;

  return G_SOURCE_CONTINUE;
}

DsStallMonitor *
ds_stall_monitor_new (void)
{
  DsStallMonitor *self = g_new0 (DsStallMonitor, 1);

  self->source_id = g_timeout_add_full (G_PRIORITY_HIGH, PERIOD_MS, tick_cb, self, NULL);

  return self;
}

void
ds_stall_monitor_free (DsStallMonitor *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->source_id, g_source_remove);
  g_free (self);
}

double
ds_stall_monitor_get_max_ms (DsStallMonitor *self)
{
  return self->max_gap / 1000.0;
}

void
ds_stall_monitor_reset (DsStallMonitor *self)
{
  self->max_gap = 0;
  self->last = 0;
}
