/* ds-window-private.h: what ds-window.c and ds-window-actions.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-inspect-page.h"
#include "ds-label-page.h"
#include "ds-review-page.h"
#include "ds-stall-monitor.h"
#include "ds-train-page.h"
#include "ds-window.h"

#include "store/ds-project.h"

G_BEGIN_DECLS

struct _DsWindow
{
  GtkApplicationWindow  parent_instance;

  /* template */
  GtkStack             *stack;
  DsLabelPage          *label_page;
  DsTrainPage          *train_page;
  DsInspectPage        *inspect_page;
  DsReviewPage         *review_page;
  GtkLabel             *project_label;
  GtkRevealer          *progress_revealer;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
  GtkButton            *progress_cancel;
  GMenu                *recent_section;

  gboolean              reviewing;        /* the Review page's label is being shown */
  GSettings            *settings;
  DsProject            *project;          /* main thread only */
  DsStallMonitor       *stalls;

  /* the running job (import, demo, export): one at a time */
  GTask                *job;
  GCancellable         *job_cancellable;
  char                 *job_title;
  GMutex                job_lock;         /* guards the four fields below */
  guint                 job_done;
  guint                 job_total;
  char                 *job_current;
  guint                 job_idle_id;      /* at most one pending progress idle */
};

void      ds_window_class_init_actions (GtkWidgetClass  *widget_class);
void      ds_window_init_actions       (DsWindow        *self);
void      ds_window_update_undo        (DsWindow        *self);
gboolean  ds_window_open_folder        (DsWindow        *self,
                                        const char      *folder,
                                        GError         **error);
/* A DsImportProgress for jobs: thread-safe, cancelled with the job. */
gboolean  ds_window_job_progress       (guint            done,
                                        guint            total,
                                        const char      *current_path,
                                        gpointer         user_data);
void      ds_window_start_job          (DsWindow        *self,
                                        const char      *title,
                                        GTask           *task,
                                        GTaskThreadFunc  worker);
gboolean  ds_window_finish_job         (DsWindow        *self);
void      ds_window_cancel_job         (DsWindow        *self);
/* Imports files or a folder (a data set layout is detected) into the open project. */
void      ds_window_import_paths       (DsWindow           *self,
                                        const char * const *paths);

G_END_DECLS
