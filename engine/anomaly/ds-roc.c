/* ds-roc.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly/ds-roc.h"

typedef struct
{
  float  score;
  guint8 positive;
} Scored;

static int
compare_ascending (const void *a,
                   const void *b)
{
  float x = ((const Scored *) a)->score, y = ((const Scored *) b)->score;

  return (x > y) - (x < y);
}

/* The samples sorted by ascending score, with P and N; NULL when a score is NaN. */
static Scored *
sort_scored (const float  *scores,
             const guint8 *positive,
             gsize         n,
             guint64      *n_pos,
             guint64      *n_neg)
{
  g_autofree Scored *s = g_new (Scored, MAX (n, 1));

  *n_pos = *n_neg = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (scores[i]))
        return NULL;
      s[i].score = scores[i];
      s[i].positive = positive[i] != 0;
      *n_pos += s[i].positive;
    }
  *n_neg = n - *n_pos;
  qsort (s, n, sizeof (Scored), compare_ascending);

  return g_steal_pointer (&s);
}

double
ds_auroc (const float  *scores,
          const guint8 *positive,
          gsize         n)
{
  g_autofree Scored *s = NULL;
  guint64 n_pos, n_neg, neg_below = 0;
  double u = 0.0;

  s = sort_scored (scores, positive, n, &n_pos, &n_neg);
  if (s == NULL || n_pos == 0 || n_neg == 0)
    return NAN;

  /* per group of equal scores: its positives beat every negative below and tie with its own */
  for (gsize i = 0; i < n;)
    {
      guint64 pos = 0, neg = 0;
      gsize j = i;

      for (; j < n && s[j].score == s[i].score; j++)
        {
          pos += s[j].positive;
          neg += !s[j].positive;
        }
      u += (double) pos * ((double) neg_below + 0.5 * (double) neg);
      neg_below += neg;
      i = j;
    }

  return u / ((double) n_pos * (double) n_neg);
}

GArray *
ds_roc_curve (const float  *scores,
              const guint8 *positive,
              gsize         n,
              guint         max_points)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (DsRocPoint));
  g_autofree Scored *s = NULL;
  guint64 n_pos, n_neg, tp = 0, fp = 0;
  DsRocPoint point = { INFINITY, 0.0, 0.0 };
  DsRocPoint last_kept;
  double step = max_points > 1 ? 1.0 / max_points : 0.0;

  s = sort_scored (scores, positive, n, &n_pos, &n_neg);
  if (s == NULL || n_pos == 0 || n_neg == 0)
    return points;

  g_array_append_val (points, point);
  last_kept = point;
  /* from the highest score down: each group of equal scores adds one point */
  for (gsize i = n; i > 0;)
    {
      gsize j = i;

      for (; j > 0 && s[j - 1].score == s[i - 1].score; j--)
        {
          tp += s[j - 1].positive;
          fp += !s[j - 1].positive;
        }
      point.threshold = s[i - 1].score;
      point.fpr = (double) fp / (double) n_neg;
      point.tpr = (double) tp / (double) n_pos;
      i = j;
      if (i > 0 && step > 0.0 && fabs (point.fpr - last_kept.fpr) < step &&
          fabs (point.tpr - last_kept.tpr) < step)
        continue;
      g_array_append_val (points, point);
      last_kept = point;
    }

  return points;
}

/* Non-negative floats sort like their bit patterns; the top 19 bits (exponent and 10 bits of
 * mantissa) give bins about 0.1 % wide at any magnitude. +inf is the last bin. */
#define HIST_SHIFT 13
#define HIST_BINS  ((0x7f800000u >> HIST_SHIFT) + 1)

struct _DsAurocHistogram
{
  guint64 *pos;   /* (HIST_BINS) */
  guint64 *neg;   /* (HIST_BINS) */
  guint64  n_pos, n_neg;
};

DsAurocHistogram *
ds_auroc_histogram_new (void)
{
  DsAurocHistogram *hist = g_new0 (DsAurocHistogram, 1);

  hist->pos = g_new0 (guint64, HIST_BINS);
  hist->neg = g_new0 (guint64, HIST_BINS);

  return hist;
}

void
ds_auroc_histogram_free (DsAurocHistogram *hist)
{
  if (hist == NULL)
    return;
  g_free (hist->pos);
  g_free (hist->neg);
  g_free (hist);
}

static guint32
histogram_bin (float value)
{
  guint32 bits;

  /* also catches NaN and -0 */
  if (!(value > 0.0f))
    return 0;
  memcpy (&bits, &value, sizeof bits);

  return bits >> HIST_SHIFT;
}

void
ds_auroc_histogram_add (DsAurocHistogram *hist,
                        const float      *values,
                        const guint8     *positive,
                        gsize             n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 bin = histogram_bin (values[i]);

      if (positive[i])
        {
          hist->pos[bin]++;
          hist->n_pos++;
        }
      else
        {
          hist->neg[bin]++;
          hist->n_neg++;
        }
    }
}

guint64
ds_auroc_histogram_count (const DsAurocHistogram *hist,
                          gboolean                positive)
{
  return positive ? hist->n_pos : hist->n_neg;
}

double
ds_auroc_histogram_compute (const DsAurocHistogram *hist,
                            double                 *max_error)
{
  guint64 n_pos = ds_auroc_histogram_count (hist, TRUE);
  guint64 n_neg = ds_auroc_histogram_count (hist, FALSE);
  double u = 0.0, shared = 0.0, pairs;
  guint64 neg_below = 0;

  if (max_error != NULL)
    *max_error = NAN;
  if (n_pos == 0 || n_neg == 0)
    return NAN;

  for (guint32 b = 0; b < HIST_BINS; b++)
    {
      double pos = (double) hist->pos[b], neg = (double) hist->neg[b];

      u += pos * ((double) neg_below + 0.5 * neg);
      shared += pos * neg;
      neg_below += hist->neg[b];
    }
  pairs = (double) n_pos * (double) n_neg;
  if (max_error != NULL)
    *max_error = 0.5 * shared / pairs;

  return u / pairs;
}

static int
compare_floats (const void *a,
                const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

float
ds_threshold_at_frr (const float *good,
                     gsize        n,
                     double       target_frr)
{
  g_autofree float *sorted = NULL;
  gsize allowed;

  g_return_val_if_fail (n > 0, INFINITY);
  g_return_val_if_fail (target_frr >= 0.0 && target_frr < 1.0, INFINITY);

  sorted = g_memdup2 (good, n * sizeof (float));
  qsort (sorted, n, sizeof (float), compare_floats);
  /* the tolerance keeps 0.05 * 100 at 5, not 4.999… */
  allowed = (gsize) floor (target_frr * (double) n + 1e-9);
  allowed = MIN (allowed, n - 1);

  return sorted[n - 1 - allowed];
}

float
ds_threshold_best_f1 (const float  *scores,
                      const guint8 *positive,
                      gsize         n,
                      double       *f1)
{
  g_autofree Scored *s = NULL;
  guint64 n_pos, n_neg, tp = 0, fp = 0;
  double best = -1.0;
  float best_threshold = INFINITY;

  s = sort_scored (scores, positive, n, &n_pos, &n_neg);
  if (s == NULL || n_pos == 0)
    {
      if (f1 != NULL)
        *f1 = 0.0;
      return INFINITY;
    }

  /* threshold t = a score: what lies above it is called anomalous */
  for (gsize i = n; i > 0;)
    {
      float t = s[i - 1].score;
      double value = 2.0 * tp / (double) (2 * tp + fp + (n_pos - tp));
      gsize j = i;

      if (value > best)
        {
          best = value;
          best_threshold = t;
        }
      for (; j > 0 && s[j - 1].score == t; j--)
        {
          tp += s[j - 1].positive;
          fp += !s[j - 1].positive;
        }
      i = j;
    }
  if (f1 != NULL)
    *f1 = best;

  return best_threshold;
}

DsVerdict
ds_verdict (float score,
            float low,
            float high)
{
  if (score <= low)
    return DS_VERDICT_PASS;
  if (score > high)
    return DS_VERDICT_FAIL;

  return DS_VERDICT_REVIEW;
}

const char *
ds_verdict_to_string (DsVerdict verdict)
{
  static const char * const names[] = { "pass", "review", "fail" };

  g_return_val_if_fail (verdict <= DS_VERDICT_FAIL, "review");

  return names[verdict];
}
