/* ds-gan-job.h: a GAN training run on a thread of its own, reported to the main loop
 *
 * The job trains a GAN (engine/gan/) on the labelled real images of one class of a project,
 * those outside the test split (so that no test image leaks into what later trains a
 * classifier), at the size the project's images are read at for training: the samples fit the
 * project as they are. After every epoch it writes the checkpoint of both networks to
 * <project>/gans/<n>/gan.dsm (and gan.disc.dsm) and the fixed latents' samples as a grid,
 * epoch-NNN.png, atomically, and hands the samples out; the job keeps them for every epoch so
 * that a gallery can step back through them.
 *
 * As with DsTrainJob (ds-job-thread.h), the thread only stores what happened under a mutex, and
 * a dispatch four times a second hands it to the signals below, in order. Pause holds the run
 * between two steps; cancel stops it at the end of the step under way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ds-sample-set.h"

#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_GAN_JOB_FOLDER     "gans"
#define DS_GAN_JOB_CHECKPOINT "gan.dsm"
/* The fixed samples of epoch N are also kept as <folder>/epoch-NNN.png: a grid of this many
 * columns with this gap (ds_image_grid()), which ds_image_grid_split() reads back. */
#define DS_GAN_JOB_GRID_COLUMNS 12
#define DS_GAN_JOB_GRID_GAP     2

/* Samples scored after every epoch (and real images, at most as many as there are). */
#define DS_GAN_JOB_SCORE_SAMPLES 256

typedef struct
{
  char    *class_name;   /* NULL: the class with the fewest labelled real images */
  char    *preset;       /* "dcgan" or "mlp-gan" */
  guint    epochs;
  guint    batch_size;
  guint64  seed;         /* initial weights, batches and latents */
  guint    n_threads;
  guint    n_fixed;      /* samples from fixed latents every epoch */
  guint64  fixed_seed;   /* their ds_gan_latents() seed */
} DsGanJobConfig;

/* dcgan with its epochs, batch 16 (a rare class has few images), seed 1, 2 threads, 36 fixed
 * samples of latent seed 1 (three rows of twelve 64-pixel images fit the panel unscaled). */
void     ds_gan_job_config_init  (DsGanJobConfig       *config);
void     ds_gan_job_config_copy  (DsGanJobConfig       *dest,
                                  const DsGanJobConfig *src);
void     ds_gan_job_config_clear (DsGanJobConfig       *config);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DsGanJobConfig, ds_gan_job_config_clear)

typedef struct
{
  guint64 step;          /* global, 1-based */
  double  d_loss;
  double  g_loss;
} DsGanJobStep;

typedef struct
{
  guint        epoch;
  guint        n_epochs;
  double       d_loss;     /* means over the epoch's steps */
  double       g_loss;
  double       d_real;     /* mean D(x) */
  double       d_fake;     /* mean D(G(z)) */
  double       seconds;
  guint        trouble;    /* DsGanTrouble flags seen during the epoch */
  /* the epoch's score with the project's classifier (NAN when there is none): the Fréchet
   * distance of its features of samples and real images, and the share of samples it puts in
   * the GAN's class */
  double       fid;
  double       class_share;
  double       real_spread; /* the classifier's feature variance over real images (NAN) */
  DsSampleSet *samples;    /* the fixed latents' images, or NULL without them */
} DsGanJobEpoch;

typedef enum
{
  DS_GAN_JOB_LOADING,
  DS_GAN_JOB_TRAINING,
  DS_GAN_JOB_PAUSED,
  DS_GAN_JOB_DONE,
} DsGanJobPhase;

#define DS_TYPE_GAN_JOB (ds_gan_job_get_type ())

G_DECLARE_FINAL_TYPE (DsGanJob, ds_gan_job, DS, GAN_JOB, GObject)

/* A run of @config (copied) on the project in @project_folder. */
DsGanJob      *ds_gan_job_new          (const char           *project_folder,
                                        const DsGanJobConfig *config);
/* Starts the thread. Signals follow on the thread-default main context of the caller. */
void           ds_gan_job_start        (DsGanJob             *self);
/* Thread-safe. */
void           ds_gan_job_set_paused   (DsGanJob             *self,
                                        gboolean              paused);
gboolean       ds_gan_job_get_paused   (DsGanJob             *self);
/* Stops the run at the end of the step under way; "finished" follows with
 * DS_ENGINE_ERROR_CANCELLED. The last epoch's checkpoint stays. */
void           ds_gan_job_cancel       (DsGanJob             *self);
/* Cancels and waits for the thread: for a window that closes. No signal follows. */
void           ds_gan_job_cancel_and_wait (DsGanJob          *self);
gboolean       ds_gan_job_is_running   (DsGanJob             *self);
DsGanJobPhase  ds_gan_job_get_phase    (DsGanJob             *self);

/* Known from "started" on (NULL or 0 before). */
const char    *ds_gan_job_get_class_name (DsGanJob           *self);
/* Known from "started" on: whether epochs are scored, with which run's classifier, or why not. */
const char    *ds_gan_job_get_score_note (DsGanJob           *self);
/* Returns: (transfer none): <project>/gans/<n>/, absolute. */
const char    *ds_gan_job_get_folder   (DsGanJob             *self);
/* Returns: (transfer none): the generator's checkpoint, written after every epoch. */
const char    *ds_gan_job_get_checkpoint (DsGanJob           *self);
guint          ds_gan_job_get_latent   (DsGanJob             *self);
const DsGanJobConfig *ds_gan_job_get_config (DsGanJob        *self);
/* The fixed samples of the epochs reported so far ("epoch" signals), oldest first.
 * Returns: (transfer none) (nullable): the set of @epoch (1-based). */
guint          ds_gan_job_get_n_sample_sets (DsGanJob        *self);
DsSampleSet   *ds_gan_job_get_samples  (DsGanJob             *self,
                                        guint                 epoch);
/* The worker's last step (global), for tests. */
guint64        ds_gan_job_get_worker_step (DsGanJob          *self);

/* Signals, all on the main thread:
 *   started  (guint n_images, guint64 steps_per_epoch, guint n_epochs)
 *   steps    (gpointer const DsGanJobStep *, guint n)   the steps since the last emission, in
 *            order
 *   trouble  (guint64 step, guint64 since, guint DsGanTrouble, const char *message)  training
 *            trouble (collapse, divergence) seen at @step, lasting since @since
 *   epoch    (gpointer const DsGanJobEpoch *)           after its steps; its checkpoint is
 *            written and its samples kept
 *   finished (gpointer const GError *)                  NULL when every epoch ran
 * and notify::phase. */

G_END_DECLS
