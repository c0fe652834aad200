/* ds-train-job.h: a training run on a thread of its own, reported to the main loop
 *
 * The job runs the engine's DsRun (the code `defectscope-cli train --project` runs) on a
 * dedicated thread (ds-job-thread.h). The thread's progress callback only stores what happened
 * under a mutex; four times a second (at once for a start or an end) a dispatch on the main
 * thread hands everything that arrived since the last one to the signals below, in order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ds-engine.h"

G_BEGIN_DECLS

#define DS_TYPE_TRAIN_JOB (ds_train_job_get_type ())

G_DECLARE_FINAL_TYPE (DsTrainJob, ds_train_job, DS, TRAIN_JOB, GObject)

typedef enum
{
  DS_TRAIN_JOB_LOADING,      /* reading the images */
  DS_TRAIN_JOB_TRAINING,
  DS_TRAIN_JOB_PAUSED,
  DS_TRAIN_JOB_PREDICTING,   /* the last pass: predictions of every image */
  DS_TRAIN_JOB_DONE,
} DsTrainJobPhase;

/* A new run of @config (copied) on the project in @project_folder. */
DsTrainJob     *ds_train_job_new          (const char         *project_folder,
                                           const DsRunConfig  *config);
/* Resumes run @run_id of the project from its last checkpoint. */
DsTrainJob     *ds_train_job_new_resume   (const char         *project_folder,
                                           gint64              run_id);
/* Starts the thread. Signals follow on the thread-default main context of the caller. */
void            ds_train_job_start        (DsTrainJob         *self);
/* Thread-safe. A paused run waits between two steps. */
void            ds_train_job_set_paused   (DsTrainJob         *self,
                                           gboolean            paused);
gboolean        ds_train_job_get_paused   (DsTrainJob         *self);
/* Stops the run at the next step (its last checkpoint stays); "finished" follows. */
void            ds_train_job_cancel       (DsTrainJob         *self);
/* Cancels and waits for the thread: for a window or project that closes. No signal is
 * emitted afterwards. */
void            ds_train_job_cancel_and_wait (DsTrainJob      *self);
gboolean        ds_train_job_is_running   (DsTrainJob         *self);
DsTrainJobPhase ds_train_job_get_phase    (DsTrainJob         *self);
/* 0 until "started". */
gint64          ds_train_job_get_run_id   (DsTrainJob         *self);
/* The last step's report (kind DS_PROGRESS_STEP), zeroed before the first. */
void            ds_train_job_get_progress (DsTrainJob         *self,
                                           DsProgress         *progress);
/* Images per second over the steps so far, pauses excluded. */
double          ds_train_job_get_throughput (DsTrainJob       *self);

/* Signals, all on the main thread:
 *   started  (gint64 run_id, guint64 steps_per_epoch, guint n_train, guint n_val, guint n_test)
 *   steps    (gpointer DsRunStep *, guint n)  the steps since the last emission, in order
 *   epoch    (gpointer const DsRunEpoch *)    an epoch's figures and validation confusion
 *   finished (gpointer const GError *)        NULL on success; the run's record says the rest
 * and notify::phase. */

G_END_DECLS
