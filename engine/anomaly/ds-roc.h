/* ds-roc.h: ROC curves, AUROC and decision thresholds for anomaly scores
 *
 * Scores grow with how anomalous an image (or a pixel) looks; "positive" means anomalous.
 * Image-level figures are exact: scores are sorted and tied scores count as half a correct
 * ordering (the Mann-Whitney statistic, equal to the trapezoid under the ROC curve).
 * Pixel-level AUROC runs over millions of values, so it is accumulated in a histogram whose
 * bins are the leading bits of each float (DsAurocHistogram): the bins are about 0.1 % wide
 * relative to the value whatever its magnitude, memory is fixed, and the error bound of the
 * result is reported with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double threshold;   /* a score is called anomalous when it is >= threshold */
  double fpr;         /* normal images called anomalous, fraction of the normal ones */
  double tpr;         /* anomalous images called anomalous, fraction of the anomalous ones */
} DsRocPoint;

/* The exact area under the ROC curve of @n @scores, @positive[i] non-zero for an anomalous
 * sample. Ties between a positive and a negative count as one half.
 * Returns: the AUROC in [0, 1], or NAN when either class is empty (or a score is NaN). */
double     ds_auroc                (const float    *scores,
                                    const guint8   *positive,
                                    gsize           n);

/* The ROC curve: one point per distinct score, by decreasing threshold, from (0, 0) at
 * threshold +inf to (1, 1). When @max_points > 1 and the curve has more points, it is thinned
 * to at most about that many, keeping both ends and every point where the FPR or the TPR moved
 * by at least 1 / @max_points since the last one kept (enough for a chart).
 * Returns: (transfer full) (element-type DsRocPoint): the points, g_array_unref(); empty when
 * either class is empty. */
GArray    *ds_roc_curve            (const float    *scores,
                                    const guint8   *positive,
                                    gsize           n,
                                    guint           max_points);

/* Pixel AUROC over any number of values, in fixed memory (4 MiB). */
typedef struct _DsAurocHistogram DsAurocHistogram;

DsAurocHistogram *ds_auroc_histogram_new   (void);
void       ds_auroc_histogram_free         (DsAurocHistogram *hist);
/* Counts @n values; @positive[i] non-zero marks an anomalous one. Negative values and NaN are
 * counted as 0 (residuals are never below 0). */
void       ds_auroc_histogram_add          (DsAurocHistogram *hist,
                                            const float      *values,
                                            const guint8     *positive,
                                            gsize             n);
guint64    ds_auroc_histogram_count        (const DsAurocHistogram *hist,
                                            gboolean          positive);
/* The AUROC of everything added, with pairs that share a bin counted as one half, and in
 * @max_error (nullable) the bound of the difference from the exact figure (half the fraction
 * of positive-negative pairs sharing a bin).
 * Returns: the AUROC, or NAN when either class is empty. */
double     ds_auroc_histogram_compute      (const DsAurocHistogram *hist,
                                            double           *max_error);

/* Decision thresholds: an image fails when its score is > the threshold. */

/* The threshold that fails at most @target_frr of the @n @good scores (the false-reject rate
 * on normal images): the largest score still passing, so floor(target_frr * n) of them fail
 * (fewer on ties). @target_frr is in [0, 1); @n must be at least 1. */
float      ds_threshold_at_frr     (const float    *good,
                                    gsize           n,
                                    double          target_frr);

/* The threshold with the best F1 score for "anomalous" over labelled scores: one of the scores,
 * the highest among equally good ones. @f1 (nullable) receives that F1; 0 and +inf without
 * positives. */
float      ds_threshold_best_f1    (const float    *scores,
                                    const guint8   *positive,
                                    gsize           n,
                                    double         *f1);

typedef enum
{
  DS_VERDICT_PASS,     /* score <= low */
  DS_VERDICT_REVIEW,   /* low < score <= high: a person looks */
  DS_VERDICT_FAIL,     /* score > high */
} DsVerdict;

/* The verdict of @score for the review band [@low, @high] (low <= high). A NaN score goes to
 * review: nobody should pass or fail an image on a broken number. */
DsVerdict  ds_verdict              (float           score,
                                    float           low,
                                    float           high);
/* "pass", "review", "fail"; static strings. */
const char *ds_verdict_to_string   (DsVerdict       verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsAurocHistogram, ds_auroc_histogram_free)

G_END_DECLS
