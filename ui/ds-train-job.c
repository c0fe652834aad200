/* ds-train-job.c
 *
 * The thread never touches the job's signals or GTK: it writes into the "pending" fields under
 * the lock and makes sure one idle is scheduled. The idle takes everything at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "ds-job-thread.h"
#include "ds-train-job.h"

struct _DsTrainJob
{
  GObject          parent_instance;

  char            *folder;
  DsRunConfig      config;
  gint64           resume_id;       /* 0 for a new run */
  DsJobThread      jt;

  /* under jt.lock */
  DsTrainJobPhase  phase;
  DsProgress       progress;
  guint            last_epoch;
  gint64           busy_us;         /* time in steps, pauses excluded */
  guint64          items;
  gint64           step_started;    /* monotonic µs when the current step began */
  gboolean         have_started;    /* "started" to emit */
  gint64           run_id;
  guint64          steps_per_epoch;
  guint            n_train, n_val, n_test;
  GArray          *steps;           /* DsRunStep */
  GArray          *epochs;          /* DsRunEpoch, confusion owned */
  gboolean         have_finished;   /* "finished" to emit */
  GError          *error;

  /* main thread */
  DsTrainJobPhase  emitted_phase;
};

enum {
  PROP_0,
  PROP_PHASE,
  N_PROPS
};

enum {
  STARTED,
  STEPS,
  EPOCH,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsTrainJob, ds_train_job, G_TYPE_OBJECT)

/* Under the lock: a start or an end goes out at once, the rest gathers. */
static void
schedule_locked (DsTrainJob *self)
{
  ds_job_thread_schedule_locked (&self->jt, self->have_started || self->have_finished);
}

static void
set_phase_locked (DsTrainJob      *self,
                  DsTrainJobPhase  phase)
{
  if (self->phase != phase)
    {
      self->phase = phase;
      schedule_locked (self);
    }
}

/* The worker thread */

static gboolean
progress_cb (const DsProgress *p,
             gpointer          user_data)
{
  DsTrainJob *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean go_on;

  g_mutex_lock (&self->jt.lock);
  switch (p->kind)
    {
    case DS_PROGRESS_STEP:
      {
        DsRunStep step = { p->global_step, p->loss };
        guint batch = self->config.batch_size;
        guint64 start = (p->step - 1) * batch;

        self->progress = *p;
        self->busy_us += now - self->step_started;
        if (start < self->n_train)
          self->items += MIN (batch, self->n_train - start);
        g_array_append_val (self->steps, step);
        set_phase_locked (self, self->jt.paused ? DS_TRAIN_JOB_PAUSED : DS_TRAIN_JOB_TRAINING);
      }
      break;

    case DS_PROGRESS_EPOCH:
      {
        DsRunEpoch epoch = {
          .epoch = p->epoch,
          .train_loss = p->loss,
          .val_loss = p->val_loss,
          .val_accuracy = p->val_accuracy,
          .seconds = p->epoch_seconds,
          .items_per_second = p->items_per_second,
        };

        if (p->val_confusion != NULL)
          {
            epoch.n_classes = p->val_confusion->n_classes;
            epoch.confusion = g_memdup2 (p->val_confusion->counts,
                                         sizeof (guint64) * epoch.n_classes * epoch.n_classes);
          }
        g_array_append_val (self->epochs, epoch);
        self->last_epoch = p->epoch;
      }
      break;

    case DS_PROGRESS_EVALUATE:
      /* after the last epoch, evaluation is the prediction of every image */
      if (self->last_epoch == self->config.epochs && self->config.epochs > 0)
        set_phase_locked (self, DS_TRAIN_JOB_PREDICTING);
      break;

    default:
      break;
    }
  schedule_locked (self);

  go_on = ds_job_thread_wait_locked (&self->jt);
  self->step_started = g_get_monotonic_time ();
  g_mutex_unlock (&self->jt.lock);

  return go_on;
}

static gpointer
train_worker (gpointer user_data)
{
  DsTrainJob *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsRun) run = NULL;

#ifdef __linux__
  /* Linux keeps a nice value per thread and the engine's workers inherit this one's: the window
   * then gets a core the moment it has something to draw, and training loses nothing while it
   * has none. (A failure only costs smoothness.) */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif

  if (self->resume_id > 0)
    run = ds_run_resume (self->folder, self->resume_id, &error);
  else
    run = ds_run_new (self->folder, &self->config, "window", &error);

  if (run != NULL)
    {
      const DsRunInfo *info = ds_run_get_info (run);

      g_mutex_lock (&self->jt.lock);
      /* a resumed run takes its settings from its record */
      ds_run_config_clear (&self->config);
      ds_run_config_copy (&self->config, &info->config);
      self->run_id = info->id;
      self->steps_per_epoch = ds_run_get_steps_per_epoch (run);
      ds_run_get_counts (run, &self->n_train, &self->n_val, &self->n_test);
      self->last_epoch = ds_run_get_state (run)->epochs_done;
      self->have_started = TRUE;
      self->step_started = g_get_monotonic_time ();
      set_phase_locked (self, self->jt.paused ? DS_TRAIN_JOB_PAUSED : DS_TRAIN_JOB_TRAINING);
      schedule_locked (self);
      g_mutex_unlock (&self->jt.lock);

      ds_run_train (run, progress_cb, self, &error);
    }

  g_mutex_lock (&self->jt.lock);
  self->have_finished = TRUE;
  self->error = g_steal_pointer (&error);
  self->phase = DS_TRAIN_JOB_DONE;
  schedule_locked (self);
  g_mutex_unlock (&self->jt.lock);

  return NULL;
}

/* The main thread */

static gboolean
dispatch_cb (gpointer user_data)
{
  DsTrainJob *self = user_data;
  g_autoptr(GArray) steps = NULL;
  g_autoptr(GArray) epochs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean started, finished;
  DsTrainJobPhase phase;
  gint64 run_id;
  guint64 steps_per_epoch;
  guint n_train, n_val, n_test;

  g_mutex_lock (&self->jt.lock);
  ds_job_thread_dispatched_locked (&self->jt);
  steps = g_steal_pointer (&self->steps);
  self->steps = g_array_new (FALSE, FALSE, sizeof (DsRunStep));
  epochs = g_steal_pointer (&self->epochs);
  self->epochs = g_array_new (FALSE, TRUE, sizeof (DsRunEpoch));
  g_array_set_clear_func (self->epochs, (GDestroyNotify) ds_run_epoch_clear);
  started = self->have_started;
  self->have_started = FALSE;
  finished = self->have_finished;
  self->have_finished = FALSE;
  error = g_steal_pointer (&self->error);
  phase = self->phase;
  run_id = self->run_id;
  steps_per_epoch = self->steps_per_epoch;
  n_train = self->n_train;
  n_val = self->n_val;
  n_test = self->n_test;
  g_mutex_unlock (&self->jt.lock);

  if (finished)
    ds_job_thread_finished (&self->jt);

  if (started)
    g_signal_emit (self, signals[STARTED], 0, run_id, steps_per_epoch, n_train, n_val, n_test);
  /* in the order they happened: an epoch after its own steps, before the next one's */
  for (guint i = 0, done = 0; i <= epochs->len; i++)
    {
      const DsRunStep *data = (const DsRunStep *) (void *) steps->data;
      guint end = done;

      while (end < steps->len
             && (i == epochs->len
                 || data[end].step <= g_array_index (epochs, DsRunEpoch, i).epoch * steps_per_epoch))
        end++;
      if (end > done)
        g_signal_emit (self, signals[STEPS], 0, data + done, end - done);
      done = end;
      if (i < epochs->len)
        g_signal_emit (self, signals[EPOCH], 0, &g_array_index (epochs, DsRunEpoch, i));
    }
  if (phase != self->emitted_phase)
    {
      self->emitted_phase = phase;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
    }
  if (finished)
    g_signal_emit (self, signals[FINISHED], 0, error);

  return G_SOURCE_REMOVE;
}

static DsTrainJob *
job_new (const char        *project_folder,
         const DsRunConfig *config,
         gint64             resume_id)
{
  DsTrainJob *self = g_object_new (DS_TYPE_TRAIN_JOB, NULL);

  self->folder = g_strdup (project_folder);
  if (config != NULL)
    ds_run_config_copy (&self->config, config);
  self->resume_id = resume_id;

  return self;
}

DsTrainJob *
ds_train_job_new (const char        *project_folder,
                  const DsRunConfig *config)
{
  g_return_val_if_fail (project_folder != NULL && config != NULL, NULL);

  return job_new (project_folder, config, 0);
}

DsTrainJob *
ds_train_job_new_resume (const char *project_folder,
                         gint64      run_id)
{
  g_return_val_if_fail (project_folder != NULL && run_id > 0, NULL);

  return job_new (project_folder, NULL, run_id);
}

void
ds_train_job_start (DsTrainJob *self)
{
  g_return_if_fail (DS_IS_TRAIN_JOB (self));

  ds_job_thread_start (&self->jt, train_worker);
}

void
ds_train_job_set_paused (DsTrainJob *self,
                         gboolean    paused)
{
  g_return_if_fail (DS_IS_TRAIN_JOB (self));

  g_mutex_lock (&self->jt.lock);
  ds_job_thread_set_paused_locked (&self->jt, paused);
  if (self->phase == DS_TRAIN_JOB_TRAINING || self->phase == DS_TRAIN_JOB_PAUSED)
    set_phase_locked (self, paused ? DS_TRAIN_JOB_PAUSED : DS_TRAIN_JOB_TRAINING);
  g_mutex_unlock (&self->jt.lock);
}

gboolean
ds_train_job_get_paused (DsTrainJob *self)
{
  return ds_job_thread_get_paused (&self->jt);
}

void
ds_train_job_cancel (DsTrainJob *self)
{
  g_return_if_fail (DS_IS_TRAIN_JOB (self));

  g_mutex_lock (&self->jt.lock);
  ds_job_thread_cancel_locked (&self->jt);
  g_mutex_unlock (&self->jt.lock);
}

void
ds_train_job_cancel_and_wait (DsTrainJob *self)
{
  g_return_if_fail (DS_IS_TRAIN_JOB (self));

  ds_job_thread_cancel_and_wait (&self->jt);
}

gboolean
ds_train_job_is_running (DsTrainJob *self)
{
  return self->jt.running;
}

DsTrainJobPhase
ds_train_job_get_phase (DsTrainJob *self)
{
  return self->emitted_phase;
}

gint64
ds_train_job_get_run_id (DsTrainJob *self)
{
  gint64 id;

  g_mutex_lock (&self->jt.lock);
  id = self->run_id;
  g_mutex_unlock (&self->jt.lock);

  return id;
}

void
ds_train_job_get_progress (DsTrainJob *self,
                           DsProgress *progress)
{
  g_mutex_lock (&self->jt.lock);
  *progress = self->progress;
  g_mutex_unlock (&self->jt.lock);
}

double
ds_train_job_get_throughput (DsTrainJob *self)
{
  double rate;

  g_mutex_lock (&self->jt.lock);
  rate = self->busy_us > 0 ? self->items / (self->busy_us / 1e6) : 0.0;
  g_mutex_unlock (&self->jt.lock);

  return rate;
}

static void
ds_train_job_dispose (GObject *object)
{
  DsTrainJob *self = DS_TRAIN_JOB (object);

  if (self->jt.thread != NULL)
    ds_train_job_cancel_and_wait (self);

  G_OBJECT_CLASS (ds_train_job_parent_class)->dispose (object);
}

static void
ds_train_job_finalize (GObject *object)
{
  DsTrainJob *self = DS_TRAIN_JOB (object);

  g_free (self->folder);
  ds_run_config_clear (&self->config);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->epochs, g_array_unref);
  g_clear_error (&self->error);
  ds_job_thread_clear (&self->jt);

  G_OBJECT_CLASS (ds_train_job_parent_class)->finalize (object);
}

static void
ds_train_job_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DsTrainJob *self = DS_TRAIN_JOB (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_int (value, self->emitted_phase);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_train_job_class_init (DsTrainJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ds_train_job_dispose;
  object_class->finalize = ds_train_job_finalize;
  object_class->get_property = ds_train_job_get_property;

  properties[PROP_PHASE] =
    g_param_spec_int ("phase", NULL, NULL, DS_TRAIN_JOB_LOADING, DS_TRAIN_JOB_DONE,
                      DS_TRAIN_JOB_LOADING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT64, G_TYPE_UINT64,
                                   G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  signals[STEPS] = g_signal_new ("steps", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
  signals[EPOCH] = g_signal_new ("epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
ds_train_job_init (DsTrainJob *self)
{
  ds_job_thread_init (&self->jt, G_OBJECT (self), "ds-train", dispatch_cb);
  self->steps = g_array_new (FALSE, FALSE, sizeof (DsRunStep));
  self->epochs = g_array_new (FALSE, TRUE, sizeof (DsRunEpoch));
  g_array_set_clear_func (self->epochs, (GDestroyNotify) ds_run_epoch_clear);
}
