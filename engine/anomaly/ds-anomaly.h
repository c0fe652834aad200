/* ds-anomaly.h: anomaly detection with autoencoders: residual maps, image scores, heatmaps
 *
 * An autoencoder trained on normal images only (DS_OBJECTIVE_RECONSTRUCT) reconstructs them
 * well and anything else less well. The per-pixel residual between an image and its
 * reconstruction says where an image differs from what the model knows; an image score
 * summarises the residual map in one number, and thresholds on that number decide (see
 * ds-roc.h). What a model needs to score later (the scoring, the thresholds, the heatmap
 * scale, the normal class) travels in its file's metadata: DsAnomalyParams.
 *
 * Residuals:
 * - squared:  (x - x̂)², averaged over channels; what the autoencoder was trained on.
 * - smoothed: (G_σ * (x - x̂))², the signed difference low-passed before squaring. Every
 *   reconstruction blurs fine detail, normal images included; that error is high-frequency
 *   and mostly cancels in the filter, while a missing or extra structure does not. On
 *   Fashion-MNIST this lifts the one-class AUROC by about 0.025 over squared (bench/).
 * - ssim:     1 - SSIM(x, x̂) with a Gaussian window of σ, in [0, 2]: local structure,
 *   contrast and brightness compared separately, insensitive to small overall shifts.
 *
 * Image scores: the mean of the map, its maximum, or the mean of its top k % of pixels (a
 * small defect moves the mean little but fills the top pixels).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-context.h"
#include "nn/ds-model.h"
#include "train/ds-train.h"

G_BEGIN_DECLS

typedef enum
{
  DS_RESIDUAL_SQUARED,
  DS_RESIDUAL_SMOOTHED,
  DS_RESIDUAL_SSIM,
} DsResidualKind;

typedef enum
{
  DS_SCORE_MEAN,
  DS_SCORE_MAX,
  DS_SCORE_TOP_K,
} DsScoreKind;

typedef struct
{
  DsResidualKind residual;
  float          sigma;    /* Gaussian σ in pixels: the smoothed low-pass, the SSIM window */
  DsScoreKind    score;
  float          top_k;    /* DS_SCORE_TOP_K: fraction of the pixels, in (0, 1] */
} DsAnomalyScoring;

/* What `anomaly train` uses unless told otherwise: smoothed σ = 1, mean of the top 10 %. */
#define DS_ANOMALY_SCORING_DEFAULT \
  ((DsAnomalyScoring) { DS_RESIDUAL_SMOOTHED, 1.0f, DS_SCORE_TOP_K, 0.1f })

/* The scoring a model of @h × @w images starts with, chosen from the image size. Small
 * images (under 64 × 64: Fashion-MNIST's objects) keep DS_ANOMALY_SCORING_DEFAULT. On part
 * images of 64 × 64 and more a defect covers a small share of the surface, and the top 10 %
 * of the pixels mostly average texture noise: the image score is the smoothed map's maximum.
 * Measured on the demo project (conv-ae, flips, 108 epochs): image AUROC 0.927 with the
 * maximum against 0.806 with the top 10 % and 0.734 with the mean, pixel AUROC 0.951 for all
 * three; on Fashion-MNIST classes 0, 6, 8 the maximum loses 0.02–0.05. */
DsAnomalyScoring ds_anomaly_scoring_for_size (guint h,
                                              guint w);

/* Epochs for an autoencoder on @n_train images when none are asked for: enough to see
 * DS_ANOMALY_IMAGES_SEEN images, at least @preset_epochs, at most DS_ANOMALY_MAX_AUTO_EPOCHS.
 * The demo's 192 normal training images get 157 epochs (about a minute on two cores; image
 * AUROC 0.904 against 0.840 after 79 epochs, 15,000 images), 6000 Fashion-MNIST ones 5. */
#define DS_ANOMALY_IMAGES_SEEN      30000
#define DS_ANOMALY_MAX_AUTO_EPOCHS  500
guint       ds_anomaly_auto_epochs     (guint           preset_epochs,
                                        guint           n_train);

/* Largest σ accepted: the window is 6σ + 1 pixels wide. */
#define DS_ANOMALY_MAX_SIGMA 16.0f

/* "squared", "smoothed", "ssim"; "mean", "max", "top-k". Static strings. */
const char *ds_residual_kind_to_string (DsResidualKind  kind);
gboolean    ds_residual_kind_from_string (const char    *name,
                                          DsResidualKind *kind);
const char *ds_score_kind_to_string    (DsScoreKind     kind);
gboolean    ds_score_kind_from_string  (const char     *name,
                                        DsScoreKind    *kind);
/* FALSE with DS_ENGINE_ERROR_INVALID_ARGUMENT when σ or k is out of range. */
gboolean    ds_anomaly_scoring_check   (const DsAnomalyScoring *scoring,
                                        GError        **error);
/* A short description such as "smoothed σ=1, top-10%"; g_free(). */
char       *ds_anomaly_scoring_describe (const DsAnomalyScoring *scoring);

/* Blurs the @h × @w @plane in place with a Gaussian of @sigma, truncated at 3σ; near the
 * border the weights inside the image are renormalised, so a constant plane stays constant.
 * @scratch holds h × w floats. */
void        ds_gaussian_blur           (float          *plane,
                                        guint           h,
                                        guint           w,
                                        float           sigma,
                                        float          *scratch);

/* The SSIM map of two @h × @w planes with values in [0, 1], with a Gaussian window of @sigma
 * (the usual constants for that range: C1 = 0.01², C2 = 0.03²) into @out (h × w). */
void        ds_ssim_map                (const float    *a,
                                        const float    *b,
                                        guint           h,
                                        guint           w,
                                        float           sigma,
                                        float          *out);
/* The mean of ds_ssim_map(): 1 for identical planes. */
double      ds_ssim                    (const float    *a,
                                        const float    *b,
                                        guint           h,
                                        guint           w,
                                        float           sigma);

/* Floats of scratch ds_anomaly_residual() needs for @h × @w images. */
gsize       ds_anomaly_scratch_size    (guint           h,
                                        guint           w);
/* The residual map (h, w) of image @x (c, h, w) against its reconstruction @xhat (c, h, w),
 * averaged over the channels, into @map. @scratch holds ds_anomaly_scratch_size() floats. */
void        ds_anomaly_residual        (const DsAnomalyScoring *scoring,
                                        const float    *x,
                                        const float    *xhat,
                                        guint           c,
                                        guint           h,
                                        guint           w,
                                        float          *map,
                                        float          *scratch);
/* The image score of @map (@n values): mean, max or top-k mean. @scratch holds @n floats
 * (used by top-k only; @map is left alone). */
float       ds_anomaly_score_map       (const DsAnomalyScoring *scoring,
                                        const float    *map,
                                        gsize           n,
                                        float          *scratch);

/* Called for each image in order with the residual map (h, w) of the first scoring; the map is
 * only valid during the call. */
typedef void (*DsAnomalyMapFunc) (guint        index,
                                  const float *map,
                                  gpointer     user_data);

/* Runs @model (an autoencoder: output shape = input shape) over @set in evaluation mode, in
 * batches of @batch_size split over the context's threads, and scores every image with each of
 * the @n_scorings @scorings from the same reconstruction: scores[s * set->n + i]. @map_func
 * (nullable) sees the residual maps of scorings[0]. Reports DS_PROGRESS_EVALUATE after each
 * batch and can be cancelled (DS_ENGINE_ERROR_CANCELLED).
 * Fails with DS_ENGINE_ERROR_SHAPE when the model does not reconstruct its input's shape. */
gboolean    ds_anomaly_score_set       (DsModel        *model,
                                        DsContext      *ctx,
                                        const DsSubset *set,
                                        const DsAnomalyScoring *scorings,
                                        guint           n_scorings,
                                        guint           batch_size,
                                        float          *scores,
                                        DsAnomalyMapFunc map_func,
                                        gpointer        user_data,
                                        GError        **error);

/* Heatmaps: a residual map as 8-bit gray, 0 for a residual of 0 and 255 for @heat_max and
 * above (a @heat_max <= 0 or NaN maps to the map's own maximum). */
void        ds_anomaly_heatmap_to_gray (const float    *map,
                                        gsize           n,
                                        float           heat_max,
                                        guint8         *out);
/* Writes the heatmap of the (h, w) @map as a gray PNG, atomically. */
gboolean    ds_anomaly_heatmap_save    (const char     *path,
                                        const float    *map,
                                        guint           h,
                                        guint           w,
                                        float           heat_max,
                                        GError        **error);

/* What an anomaly model carries in its metadata ("anomaly.*" keys). */
typedef struct
{
  DsAnomalyScoring scoring;
  float   threshold;       /* the yes/no decision: anomalous when the score is > threshold */
  float   threshold_low;   /* review band: <= low passes, > high fails, between goes to a person */
  float   threshold_high;
  float   heat_max;        /* residual shown at full heat */
  double  target_frr;      /* the false-reject rate the thresholds were chosen for */
  double  review_frr;      /* the share of normal images allowed above the low threshold */
  char   *normal_class;    /* nullable */
  char   *threshold_rule;  /* "frr" or "f1"; nullable */
} DsAnomalyParams;

/* Defaults: DS_ANOMALY_SCORING_DEFAULT, thresholds NaN (not calibrated), FRR 1 %, review 5 %. */
void        ds_anomaly_params_init     (DsAnomalyParams *params);
void        ds_anomaly_params_clear    (DsAnomalyParams *params);
/* Reads the parameters from @model's metadata. A model without "anomaly.*" keys, or with a
 * value that does not parse, fails with DS_ENGINE_ERROR_FORMAT naming @path (the file the
 * model came from, for the message). */
gboolean    ds_anomaly_params_from_model (DsAnomalyParams *params,
                                          const DsModel   *model,
                                          const char      *path,
                                          GError         **error);
/* Writes @params into @model's metadata (save the model afterwards). */
void        ds_anomaly_params_to_model (const DsAnomalyParams *params,
                                        DsModel         *model);
/* Chooses the thresholds. With labelled scores holding anomalies (@scores, @positive, @n;
 * nullable) the decision threshold is the one with the best F1 on them, otherwise the one that
 * fails params->target_frr of the @n_good @good scores. The review band then spans from the
 * threshold at params->review_frr up to the one at params->target_frr, widened to include the
 * decision threshold. @n_good must be at least 1. */
void        ds_anomaly_params_calibrate (DsAnomalyParams *params,
                                         const float     *good,
                                         gsize            n_good,
                                         const float     *scores,
                                         const guint8    *positive,
                                         gsize            n);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DsAnomalyParams, ds_anomaly_params_clear)

G_END_DECLS
