/* ds-project-runs.h: training runs recorded in a project
 *
 * Every run, from the window or from `defectscope-cli train --project`, is a row with its
 * settings and status, a row per epoch (losses, accuracy, validation confusion matrix), the
 * loss of every step, the images it used and in which role, and at the end the predicted class
 * of every image (a classifier) or its anomaly score (an autoencoder). Checkpoints live in the
 * project folder under runs/<id>/. People's decisions on flagged images are kept as reviews.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "store/ds-project.h"
#include "train/ds-run-config.h"

G_BEGIN_DECLS

#define DS_PROJECT_RUNS_DIR "runs"

typedef enum
{
  DS_RUN_RUNNING,        /* or interrupted: the process died without saying */
  DS_RUN_FINISHED,
  DS_RUN_STOPPED_EARLY,  /* patience ran out */
  DS_RUN_CANCELLED,
  DS_RUN_FAILED,
} DsRunStatus;

typedef enum
{
  DS_RUN_ROLE_TRAIN,
  DS_RUN_ROLE_VAL,
  DS_RUN_ROLE_TEST,
} DsRunRole;

/* What an autoencoder run measured and decided; every figure is NAN for a classifier run and
 * until the run has finished. */
typedef struct
{
  double       image_auroc;      /* normal images it did not train on vs labelled anomalous ones */
  double       pixel_auroc;      /* the same images' pixels, where masks exist */
  double       threshold;        /* the decision threshold: anomalous above it */
  double       threshold_low;    /* the review band: pass at or below low, fail above high */
  double       threshold_high;
} DsRunAnomaly;

typedef struct
{
  gint64       id;
  gint64       created_at;       /* unix microseconds */
  gint64       updated_at;
  char        *origin;           /* "window", "command line" */
  DsRunStatus  status;
  char        *message;          /* why it failed or stopped; nullable */
  DsRunConfig  config;
  guint        input_c, input_h, input_w;
  GStrv        class_names;      /* the outputs, in order */
  gint64      *class_ids;        /* (n outputs) the classes they were; 0 for a deleted one */
  guint        epochs_done;
  guint64      steps_per_epoch;
  double       wall_seconds;
  guint        best_epoch;       /* 0 when none */
  double       best_val_loss;    /* NAN when none */
  double       test_accuracy;    /* NAN without test images */
  char        *checkpoint_last;  /* relative to the project folder; nullable */
  char        *checkpoint_best;
  DsRunAnomaly anomaly;
} DsRunInfo;

typedef struct
{
  guint    epoch;
  double   train_loss;
  double   val_loss;             /* NAN without validation */
  double   val_accuracy;
  double   seconds;
  double   items_per_second;
  guint    n_classes;
  guint64 *confusion;            /* (n_classes, n_classes) row = true class; NULL without */
} DsRunEpoch;

typedef struct
{
  guint64 step;                  /* global, 1-based */
  double  loss;
} DsRunStep;

const char  *ds_run_status_to_string   (DsRunStatus status);
void         ds_run_info_free          (DsRunInfo  *info);
void         ds_run_epoch_clear        (DsRunEpoch *epoch);

/* Records a new run ("running") of @config on images of @input_c × @input_h × @input_w, with
 * @class_names (the project's classes in order, @class_ids theirs) and the @n images it uses:
 * @image_ids, @roles and @labels (output index). Returns the run's id, or 0 with @error. */
gint64       ds_project_add_run        (DsProject          *project,
                                        const DsRunConfig  *config,
                                        const char         *origin,
                                        guint               input_c,
                                        guint               input_h,
                                        guint               input_w,
                                        const char * const *class_names,
                                        const gint64       *class_ids,
                                        const gint64       *image_ids,
                                        const DsRunRole    *roles,
                                        const gint32       *labels,
                                        guint               n,
                                        GError            **error);
/* Records an epoch and the loss of its steps (@steps, nullable with @n_steps 0), and the run's
 * progress: @checkpoint_last and @checkpoint_best (nullable: unchanged), @wall_seconds,
 * @steps_per_epoch. One transaction. */
gboolean     ds_project_record_epoch   (DsProject          *project,
                                        gint64              run_id,
                                        const DsRunEpoch   *epoch,
                                        const DsRunStep    *steps,
                                        guint               n_steps,
                                        guint64             steps_per_epoch,
                                        const char         *checkpoint_last,
                                        const char         *checkpoint_best,
                                        double              wall_seconds,
                                        GError            **error);
/* Sets a run's status with @message (nullable), @wall_seconds and @test_accuracy (NAN). */
gboolean     ds_project_finish_run     (DsProject          *project,
                                        gint64              run_id,
                                        DsRunStatus         status,
                                        const char         *message,
                                        double              wall_seconds,
                                        double              test_accuracy,
                                        GError            **error);
/* Marks a stopped run as running again before it resumes. */
gboolean     ds_project_resume_run     (DsProject          *project,
                                        gint64              run_id,
                                        GError            **error);
/* Replaces a run's predictions: for each of @n images its output index and confidence. */
gboolean     ds_project_set_predictions (DsProject         *project,
                                         gint64             run_id,
                                         const gint64      *image_ids,
                                         const gint32      *indices,
                                         const float       *confidences,
                                         guint              n,
                                         GError           **error);

/* Returns: (transfer full) (element-type DsRunInfo): every run, newest first; NULL with @error. */
GPtrArray   *ds_project_list_runs      (DsProject          *project,
                                        GError            **error);
/* Returns: (transfer full): the run; NULL with @error (DS_ENGINE_ERROR_INVALID_ARGUMENT when
 * there is no such run). */
DsRunInfo   *ds_project_get_run        (DsProject          *project,
                                        gint64              run_id,
                                        GError            **error);
/* The newest run that has predictions, or 0 (also on error). */
gint64       ds_project_latest_predicted_run (DsProject    *project);
/* Returns: (transfer full) (element-type DsRunEpoch): the run's epochs in order. */
GArray      *ds_project_list_run_epochs (DsProject         *project,
                                         gint64             run_id,
                                         GError           **error);
/* Returns: (transfer full) (element-type DsRunStep): the run's step losses in order. */
GArray      *ds_project_list_run_steps (DsProject          *project,
                                        gint64              run_id,
                                        GError            **error);
/* The images a run used, in ascending id order; arrays g_free(). */
gboolean     ds_project_get_run_images (DsProject          *project,
                                        gint64              run_id,
                                        gint64            **image_ids,
                                        DsRunRole         **roles,
                                        gint32            **labels,
                                        guint              *n,
                                        GError            **error);

typedef struct
{
  gint64 class_id;               /* predicted class; 0 when it has been deleted */
  float  confidence;
  gint64 label_class_id;         /* the label the run trained or validated with, 0 if none */
  DsRunRole role;                /* meaningful when label_class_id != 0 */
} DsPrediction;

/* Returns: (transfer full): image id (gint64 *) → DsPrediction (g_free) for a run. */
GHashTable  *ds_project_get_predictions (DsProject         *project,
                                         gint64             run_id,
                                         GError           **error);

/* Autoencoder runs (ds-project-scores.c) */

/* Replaces an autoencoder run's scores: @scores[i] of image @image_ids[i] (NaN allowed), and
 * records its @figures. One transaction. */
gboolean     ds_project_set_anomaly_scores (DsProject          *project,
                                            gint64              run_id,
                                            const gint64       *image_ids,
                                            const float        *scores,
                                            guint               n,
                                            const DsRunAnomaly *figures,
                                            GError            **error);
/* A run's scores in ascending image id order (arrays g_free()); @n is 0 for a run without
 * any. */
gboolean     ds_project_get_anomaly_scores (DsProject          *project,
                                            gint64              run_id,
                                            gint64            **image_ids,
                                            float             **scores,
                                            guint              *n,
                                            GError            **error);
/* The newest run that has anomaly scores, or 0 (also on error). */
gint64       ds_project_latest_anomaly_run (DsProject          *project);
/* Moves a run's review band to @low .. @high (low <= high); its decision threshold stays. */
gboolean     ds_project_set_review_band    (DsProject          *project,
                                            gint64              run_id,
                                            double              low,
                                            double              high,
                                            GError            **error);
/* Records that a person reviewed the @n images @ids (flagged by run @run_id, 0 when none) and
 * labelled them @class_id. A later review of an image replaces the earlier one. */
gboolean     ds_project_mark_reviewed      (DsProject          *project,
                                            const gint64       *ids,
                                            gsize               n,
                                            gint64              class_id,
                                            gint64              run_id,
                                            GError            **error);
/* Returns: (transfer full): image id (gint64 *) → the class id it was reviewed as (gint64 *),
 * both g_free(). */
GHashTable  *ds_project_get_reviews        (DsProject          *project,
                                            GError            **error);

/* Absolute path of runs/<id>/ in the project (not created). */
char        *ds_project_run_folder     (DsProject          *project,
                                        gint64              run_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsRunInfo, ds_run_info_free)

G_END_DECLS
