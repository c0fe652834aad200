/* ds-stall-monitor.h: the longest time the main loop went without running
 *
 * A high-priority timer fires every few milliseconds; any gap beyond its period is time the
 * main loop spent blocked in something else. Used by the benchmarks and the GUI tests, and
 * logged on exit when DEFECTSCOPE_STALL_LOG is set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DsStallMonitor DsStallMonitor;

DsStallMonitor *ds_stall_monitor_new        (void);
void            ds_stall_monitor_free       (DsStallMonitor *self);
/* Longest stall since creation or the last reset, in milliseconds. */
double          ds_stall_monitor_get_max_ms (DsStallMonitor *self);
void            ds_stall_monitor_reset      (DsStallMonitor *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsStallMonitor, ds_stall_monitor_free)

G_END_DECLS
