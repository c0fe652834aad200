/* ds-gan-job.c
 *
 * The thread never touches the job's signals or GTK: it writes into the "pending" fields under
 * the lock and makes sure one idle is scheduled. The idle takes everything at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>

#include <glib/gstdio.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "ds-gan-job.h"
#include "ds-job-thread.h"

#include "ds-engine.h"
#include "store/ds-project-runs.h"

typedef struct
{
  guint64  step;
  guint64  since;
  guint    flags;
  char    *message;
} Trouble;

static void
trouble_clear (Trouble *t)
{
  g_clear_pointer (&t->message, g_free);
}

static void
epoch_clear (DsGanJobEpoch *e)
{
  g_clear_pointer (&e->samples, ds_sample_set_unref);
}

struct _DsGanJob
{
  GObject         parent_instance;

  char           *project_folder;
  DsGanJobConfig  config;
  DsJobThread     jt;

  DsGan          *gan;             /* the worker thread's, while training */

  /* under jt.lock */
  DsContext      *ctx;             /* the engine's, while training */
  DsGanJobPhase   phase;
  guint64         worker_step;
  gboolean        have_started;
  guint           n_images;
  guint64         steps_per_epoch;
  char           *class_name;
  char           *folder;
  char           *checkpoint;
  guint           latent;
  char           *score_note;      /* whether and with what epochs are scored */
  gint            score_class;     /* the GAN's class among the classifier's outputs, or -1 */
  GArray         *steps;           /* DsGanJobStep */
  GArray         *troubles;        /* Trouble */
  GArray         *epochs;          /* DsGanJobEpoch */
  gboolean        have_finished;
  GError         *error;
  GError         *save_error;      /* a checkpoint that could not be written stops the run */

  /* main thread */
  DsGanJobPhase   emitted_phase;
  GPtrArray      *sample_sets;     /* DsSampleSet, index epoch - 1 */
};

enum {
  PROP_0,
  PROP_PHASE,
  N_PROPS
};

enum {
  STARTED,
  STEPS,
  TROUBLE,
  EPOCH,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsGanJob, ds_gan_job, G_TYPE_OBJECT)

void
ds_gan_job_config_init (DsGanJobConfig *config)
{
  const DsGanPreset *preset = ds_gan_preset_lookup ("dcgan");

  *config = (DsGanJobConfig) {
    .preset = g_strdup (preset->name),
    .epochs = preset->epochs,
    .batch_size = 16,
    .seed = 1,
    .n_threads = 2,
    .n_fixed = 36,
    .fixed_seed = 1,
  };
}

void
ds_gan_job_config_copy (DsGanJobConfig       *dest,
                        const DsGanJobConfig *src)
{
  *dest = *src;
  dest->class_name = g_strdup (src->class_name);
  dest->preset = g_strdup (src->preset);
}

void
ds_gan_job_config_clear (DsGanJobConfig *config)
{
  g_clear_pointer (&config->class_name, g_free);
  g_clear_pointer (&config->preset, g_free);
}

/* Under the lock: a start or an end goes out at once, the rest gathers. */
static void
schedule_locked (DsGanJob *self)
{
  ds_job_thread_schedule_locked (&self->jt, self->have_started || self->have_finished);
}

static void
set_phase_locked (DsGanJob      *self,
                  DsGanJobPhase  phase)
{
  if (self->phase != phase)
    {
      self->phase = phase;
      schedule_locked (self);
    }
}

/* The worker thread */

static gboolean
progress_cb (const DsGanProgress *p,
             gpointer             user_data)
{
  DsGanJob *self = user_data;
  g_autoptr(GError) save_error = NULL;
  g_autoptr(DsSampleSet) samples = NULL;
  gboolean go_on;

  /* outside the lock: the slow parts */
  if (p->base.kind == DS_PROGRESS_EPOCH)
    {
      if (!ds_gan_save (self->gan, self->checkpoint, &save_error))
        g_prefix_error (&save_error, "epoch %u: ", p->base.epoch);
      if (p->samples != NULL)
        {
          g_autofree char *name = g_strdup_printf ("epoch-%03u.png", p->base.epoch);
          g_autofree char *path = g_build_filename (self->folder, name, NULL);
          g_autofree guint8 *grid = NULL;
          guint gh, gw;

          samples = ds_sample_set_new_from_tensor (p->base.epoch, p->samples);
          grid = ds_image_grid (p->samples, DS_GAN_JOB_GRID_COLUMNS, DS_GAN_JOB_GRID_GAP, &gh, &gw);
          if (save_error == NULL
              && !ds_png_save (path, grid, p->samples->shape.c, gh, gw, &save_error))
            g_prefix_error (&save_error, "epoch %u: ", p->base.epoch);
        }
    }

  g_mutex_lock (&self->jt.lock);
  if (p->base.kind == DS_PROGRESS_STEP)
    {
      DsGanJobStep step = { p->base.global_step, p->d_loss, p->g_loss };

      g_array_append_val (self->steps, step);
      self->worker_step = p->base.global_step;
      if (p->trouble != DS_GAN_TROUBLE_NONE)
        {
          Trouble t = { p->base.global_step, p->trouble_since, p->trouble,
                        g_strdup (p->trouble_message) };

          g_array_append_val (self->troubles, t);
        }
      set_phase_locked (self, self->jt.paused ? DS_GAN_JOB_PAUSED : DS_GAN_JOB_TRAINING);
    }
  else if (p->base.kind == DS_PROGRESS_EPOCH)
    {
      DsGanJobEpoch e = {
        .epoch = p->base.epoch,
        .n_epochs = p->base.n_epochs,
        .d_loss = p->d_loss,
        .g_loss = p->g_loss,
        .d_real = p->d_real,
        .d_fake = p->d_fake,
        .seconds = p->base.epoch_seconds,
        .trouble = p->epoch_trouble,
        .samples = g_steal_pointer (&samples),
        .fid = p->score != NULL ? p->score->fid : NAN,
        .real_spread = p->score != NULL ? p->score->real_spread : NAN,
        .class_share = p->score != NULL && self->score_class >= 0
                       ? p->score->class_fraction[self->score_class] : NAN,
      };

      g_array_append_val (self->epochs, e);
      if (save_error != NULL)
        self->save_error = g_steal_pointer (&save_error);
    }
  schedule_locked (self);

  go_on = self->save_error == NULL && ds_job_thread_wait_locked (&self->jt);
  g_mutex_unlock (&self->jt.lock);

  return go_on;
}

/* <project>/gans/<n>, the first n free. */
static char *
make_run_folder (const char  *project_folder,
                 GError     **error)
{
  g_autofree char *parent = g_build_filename (project_folder, DS_GAN_JOB_FOLDER, NULL);

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: cannot create the folder: %s",
                   parent, g_strerror (errsv));
      return NULL;
    }
  for (guint n = 1; n < 100000; n++)
    {
      g_autofree char *name = g_strdup_printf ("%u", n);
      g_autofree char *path = g_build_filename (parent, name, NULL);

      if (g_mkdir (path, 0755) == 0)
        return g_steal_pointer (&path);
      if (errno != EEXIST)
        {
          int errsv = errno;

          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                       "%s: cannot create the folder: %s", path, g_strerror (errsv));
          return NULL;
        }
    }
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: no free folder name", parent);
  return NULL;
}

/* The validation accuracy of run @run_id at its best epoch, or NAN: how far its scores can be
 * trusted. */
static double
best_val_accuracy (DsProject *project,
                   gint64     run_id)
{
  g_autoptr(DsRunInfo) info = ds_project_get_run (project, run_id, NULL);
  g_autoptr(GArray) epochs = ds_project_list_run_epochs (project, run_id, NULL);

  if (info == NULL || epochs == NULL || info->best_epoch == 0 || info->best_epoch > epochs->len)
    return NAN;

  return g_array_index (epochs, DsRunEpoch, info->best_epoch - 1).val_accuracy;
}

static gboolean
train (DsGanJob  *self,
       GError   **error)
{
  g_autoptr(DsProject) project = NULL;
  g_auto(DsGanClassImages) images = { 0 };
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autofree char *folder = NULL;
  const DsGanJobConfig *config = &self->config;
  DsGanConfig gan_config = DS_GAN_CONFIG_INIT;
  g_autoptr(DsModel) classifier = NULL;
  g_autoptr(GError) classifier_error = NULL;
  g_autofree char *score_note = NULL;
  gint64 classifier_run = 0;
  DsSubset subset;
  gboolean ok;

  project = ds_project_open (self->project_folder, DS_PROJECT_OPEN_READ_ONLY, error);
  if (project == NULL)
    return FALSE;
  if (!ds_gan_class_images_load (&images, project, config->class_name, error))
    return FALSE;
  subset = ds_gan_class_images_subset (&images);

  /* every epoch is scored with the project's own classifier, when it has one that fits */
  classifier = ds_gan_project_classifier (project,
                                          DS_SHAPE (1, images.data->c, images.data->h,
                                                    images.data->w),
                                          images.class_name, &classifier_run, &classifier_error);
  if (classifier != NULL)
    {
      gan_config.classifier = classifier;
      gan_config.score_real = &subset;
      gan_config.score_n = DS_GAN_JOB_SCORE_SAMPLES;
      self->score_class = -1;
      for (guint i = 0; classifier->class_names[i] != NULL; i++)
        if (g_ascii_strcasecmp (classifier->class_names[i], images.class_name) == 0)
          self->score_class = (gint) i;
      double accuracy = best_val_accuracy (project, classifier_run);

      if (isfinite (accuracy))
        score_note = g_strdup_printf ("Each epoch is scored with the classifier of run #%"
                                      G_GINT64_FORMAT " (validation accuracy %.0f %%)",
                                      classifier_run, 100 * accuracy);
      else
        score_note = g_strdup_printf ("Each epoch is scored with the classifier of run #%"
                                      G_GINT64_FORMAT, classifier_run);
    }
  else if (classifier_error != NULL)
    score_note = g_strdup_printf ("Epochs are not scored: %s", classifier_error->message);
  else
    score_note = g_strdup_printf ("Epochs are not scored: no finished classifier run of the "
                                  "project takes these images and knows “%s”",
                                  images.class_name);

  gan = ds_gan_new_preset (config->preset,
                           DS_SHAPE (1, images.data->c, images.data->h, images.data->w), 0, error);
  if (gan == NULL)
    return FALSE;
  gan->class_index = images.class_index;
  gan->class_name = g_strdup (images.class_name);
  ctx = ds_context_new (config->seed, config->n_threads);
  ds_gan_init_params (gan, ds_context_get_rng (ctx));
  folder = make_run_folder (self->project_folder, error);
  if (folder == NULL)
    return FALSE;

  gan_config.epochs = config->epochs;
  gan_config.batch_size = config->batch_size;
  gan_config.n_fixed = config->n_fixed;
  gan_config.fixed_seed = config->fixed_seed;

  g_mutex_lock (&self->jt.lock);
  self->class_name = g_strdup (gan->class_name);
  self->folder = g_strdup (folder);
  self->checkpoint = g_build_filename (folder, DS_GAN_JOB_CHECKPOINT, NULL);
  self->latent = gan->latent;
  self->score_note = g_steal_pointer (&score_note);
  self->n_images = images.n;
  self->steps_per_epoch = (images.n + config->batch_size - 1) / config->batch_size;
  self->have_started = TRUE;
  self->ctx = ctx;
  /* a cancel that came while the images were read */
  if (self->jt.cancelled)
    ds_context_cancel (ctx);
  set_phase_locked (self, self->jt.paused ? DS_GAN_JOB_PAUSED : DS_GAN_JOB_TRAINING);
  schedule_locked (self);
  g_mutex_unlock (&self->jt.lock);

  /* the progress callback saves it, on this thread */
  self->gan = gan;
  ok = ds_gan_train (gan, ctx, &subset, &gan_config, progress_cb, self, error);
  self->gan = NULL;

  g_mutex_lock (&self->jt.lock);
  self->ctx = NULL;
  if (self->save_error != NULL)
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&self->save_error));
      ok = FALSE;
    }
  g_mutex_unlock (&self->jt.lock);

  return ok;
}

static gpointer
gan_worker (gpointer user_data)
{
  DsGanJob *self = user_data;
  g_autoptr(GError) error = NULL;

#ifdef __linux__
  /* as the classifier's job: the window gets a core the moment it has something to draw */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif

  train (self, &error);

  g_mutex_lock (&self->jt.lock);
  self->have_finished = TRUE;
  self->error = g_steal_pointer (&error);
  self->phase = DS_GAN_JOB_DONE;
  schedule_locked (self);
  g_mutex_unlock (&self->jt.lock);

  return NULL;
}

/* The main thread */

static gboolean
dispatch_cb (gpointer user_data)
{
  DsGanJob *self = user_data;
  g_autoptr(GArray) steps = NULL;
  g_autoptr(GArray) troubles = NULL;
  g_autoptr(GArray) epochs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean started, finished;
  DsGanJobPhase phase;
  guint n_images;
  guint64 steps_per_epoch;

  g_mutex_lock (&self->jt.lock);
  ds_job_thread_dispatched_locked (&self->jt);
  steps = g_steal_pointer (&self->steps);
  self->steps = g_array_new (FALSE, FALSE, sizeof (DsGanJobStep));
  troubles = g_steal_pointer (&self->troubles);
  self->troubles = g_array_new (FALSE, TRUE, sizeof (Trouble));
  g_array_set_clear_func (self->troubles, (GDestroyNotify) trouble_clear);
  epochs = g_steal_pointer (&self->epochs);
  self->epochs = g_array_new (FALSE, TRUE, sizeof (DsGanJobEpoch));
  g_array_set_clear_func (self->epochs, (GDestroyNotify) epoch_clear);
  started = self->have_started;
  self->have_started = FALSE;
  finished = self->have_finished;
  self->have_finished = FALSE;
  error = g_steal_pointer (&self->error);
  phase = self->phase;
  n_images = self->n_images;
  steps_per_epoch = self->steps_per_epoch;
  g_mutex_unlock (&self->jt.lock);

  if (finished)
    ds_job_thread_finished (&self->jt);

  if (started)
    g_signal_emit (self, signals[STARTED], 0, n_images, steps_per_epoch, self->config.epochs);
  /* in the order they happened: steps, the troubles seen in them, then the epoch they end,
   * before the next epoch's steps (a dispatch gathers a quarter of a second of them) */
  for (guint i = 0, done_steps = 0, done_troubles = 0; i <= epochs->len; i++)
    {
      const DsGanJobStep *data = (const DsGanJobStep *) (void *) steps->data;
      guint64 last = i < epochs->len
                     ? g_array_index (epochs, DsGanJobEpoch, i).epoch * steps_per_epoch
                     : G_MAXUINT64;
      guint end = done_steps;

      while (end < steps->len && data[end].step <= last)
        end++;
      if (end > done_steps)
        g_signal_emit (self, signals[STEPS], 0, data + done_steps, end - done_steps);
      done_steps = end;
      for (; done_troubles < troubles->len
             && g_array_index (troubles, Trouble, done_troubles).step <= last; done_troubles++)
        {
          Trouble *t = &g_array_index (troubles, Trouble, done_troubles);

          g_signal_emit (self, signals[TROUBLE], 0, t->step, t->since, t->flags, t->message);
        }
      if (i < epochs->len)
        {
          DsGanJobEpoch *e = &g_array_index (epochs, DsGanJobEpoch, i);

          if (e->samples != NULL)
            {
              if (self->sample_sets->len < e->epoch)
                g_ptr_array_set_size (self->sample_sets, e->epoch);
              g_clear_pointer (&g_ptr_array_index (self->sample_sets, e->epoch - 1),
                               ds_sample_set_unref);
              g_ptr_array_index (self->sample_sets, e->epoch - 1) = ds_sample_set_ref (e->samples);
            }
          g_signal_emit (self, signals[EPOCH], 0, e);
        }
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

DsGanJob *
ds_gan_job_new (const char           *project_folder,
                const DsGanJobConfig *config)
{
  DsGanJob *self;

  g_return_val_if_fail (project_folder != NULL && config != NULL, NULL);

  self = g_object_new (DS_TYPE_GAN_JOB, NULL);
  self->project_folder = g_strdup (project_folder);
  ds_gan_job_config_copy (&self->config, config);

  return self;
}

void
ds_gan_job_start (DsGanJob *self)
{
  g_return_if_fail (DS_IS_GAN_JOB (self));

  ds_job_thread_start (&self->jt, gan_worker);
}

void
ds_gan_job_set_paused (DsGanJob *self,
                       gboolean  paused)
{
  g_return_if_fail (DS_IS_GAN_JOB (self));

  g_mutex_lock (&self->jt.lock);
  ds_job_thread_set_paused_locked (&self->jt, paused);
  if (self->phase == DS_GAN_JOB_TRAINING || self->phase == DS_GAN_JOB_PAUSED)
    set_phase_locked (self, paused ? DS_GAN_JOB_PAUSED : DS_GAN_JOB_TRAINING);
  g_mutex_unlock (&self->jt.lock);
}

gboolean
ds_gan_job_get_paused (DsGanJob *self)
{
  return ds_job_thread_get_paused (&self->jt);
}

/* The engine's context too: a cancel also ends the reading of images or an epoch's score. */
static void
cancel_locked (DsGanJob *self)
{
  ds_job_thread_cancel_locked (&self->jt);
  if (self->ctx != NULL)
    ds_context_cancel (self->ctx);
}

void
ds_gan_job_cancel (DsGanJob *self)
{
  g_return_if_fail (DS_IS_GAN_JOB (self));

  g_mutex_lock (&self->jt.lock);
  cancel_locked (self);
  g_mutex_unlock (&self->jt.lock);
}

void
ds_gan_job_cancel_and_wait (DsGanJob *self)
{
  g_return_if_fail (DS_IS_GAN_JOB (self));

  g_mutex_lock (&self->jt.lock);
  cancel_locked (self);
  g_mutex_unlock (&self->jt.lock);
  ds_job_thread_cancel_and_wait (&self->jt);
}

gboolean
ds_gan_job_is_running (DsGanJob *self)
{
  return self->jt.running;
}

DsGanJobPhase
ds_gan_job_get_phase (DsGanJob *self)
{
  return self->emitted_phase;
}

/* The fields below are written once by the thread before "started" is scheduled, and read on
 * the main thread after it was emitted: the lock's release and acquire order them. */

const char *
ds_gan_job_get_class_name (DsGanJob *self)
{
  return self->class_name;
}

const char *
ds_gan_job_get_folder (DsGanJob *self)
{
  return self->folder;
}

const char *
ds_gan_job_get_checkpoint (DsGanJob *self)
{
  return self->checkpoint;
}

const char *
ds_gan_job_get_score_note (DsGanJob *self)
{
  return self->score_note;
}

guint
ds_gan_job_get_latent (DsGanJob *self)
{
  return self->latent;
}

const DsGanJobConfig *
ds_gan_job_get_config (DsGanJob *self)
{
  return &self->config;
}

guint
ds_gan_job_get_n_sample_sets (DsGanJob *self)
{
  return self->sample_sets->len;
}

DsSampleSet *
ds_gan_job_get_samples (DsGanJob *self,
                        guint     epoch)
{
  if (epoch == 0 || epoch > self->sample_sets->len)
    return NULL;

  return g_ptr_array_index (self->sample_sets, epoch - 1);
}

guint64
ds_gan_job_get_worker_step (DsGanJob *self)
{
  guint64 step;

  g_mutex_lock (&self->jt.lock);
  step = self->worker_step;
  g_mutex_unlock (&self->jt.lock);

  return step;
}

static void
ds_gan_job_dispose (GObject *object)
{
  DsGanJob *self = DS_GAN_JOB (object);

  if (self->jt.thread != NULL)
    ds_gan_job_cancel_and_wait (self);

  G_OBJECT_CLASS (ds_gan_job_parent_class)->dispose (object);
}

static void
ds_gan_job_finalize (GObject *object)
{
  DsGanJob *self = DS_GAN_JOB (object);

  g_free (self->project_folder);
  ds_gan_job_config_clear (&self->config);
  g_free (self->class_name);
  g_free (self->folder);
  g_free (self->checkpoint);
  g_free (self->score_note);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->troubles, g_array_unref);
  g_clear_pointer (&self->epochs, g_array_unref);
  g_clear_pointer (&self->sample_sets, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_clear_error (&self->save_error);
  ds_job_thread_clear (&self->jt);

  G_OBJECT_CLASS (ds_gan_job_parent_class)->finalize (object);
}

static void
ds_gan_job_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DsGanJob *self = DS_GAN_JOB (object);

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
ds_gan_job_class_init (DsGanJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ds_gan_job_dispose;
  object_class->finalize = ds_gan_job_finalize;
  object_class->get_property = ds_gan_job_get_property;

  properties[PROP_PHASE] =
    g_param_spec_int ("phase", NULL, NULL, DS_GAN_JOB_LOADING, DS_GAN_JOB_DONE,
                      DS_GAN_JOB_LOADING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT64,
                                   G_TYPE_UINT);
  signals[STEPS] = g_signal_new ("steps", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
  signals[TROUBLE] = g_signal_new ("trouble", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_UINT64, G_TYPE_UINT64,
                                   G_TYPE_UINT, G_TYPE_STRING);
  signals[EPOCH] = g_signal_new ("epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
ds_gan_job_init (DsGanJob *self)
{
  ds_job_thread_init (&self->jt, G_OBJECT (self), "ds-gan", dispatch_cb);
  self->steps = g_array_new (FALSE, FALSE, sizeof (DsGanJobStep));
  self->troubles = g_array_new (FALSE, TRUE, sizeof (Trouble));
  g_array_set_clear_func (self->troubles, (GDestroyNotify) trouble_clear);
  self->epochs = g_array_new (FALSE, TRUE, sizeof (DsGanJobEpoch));
  g_array_set_clear_func (self->epochs, (GDestroyNotify) epoch_clear);
  self->sample_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_sample_set_unref);
}
