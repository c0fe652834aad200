/* test-anomaly.c: AUROC, ROC points, thresholds, residuals, scores, heatmaps, and a tiny
 * autoencoder that tells an odd pattern from the bars it was trained on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"

#include "train-fixture.h"

/* Positives 0.9, 0.6, 0.4 against negatives 0.7, 0.4, 0.2, 0.1. Of the 12 pairs the positive
 * ranks higher in 4 (0.9) + 3 (0.6) + 2 (0.4), and 0.4 ties with 0.4: 9.5 / 12. */
static const float hand_scores[] = { 0.7f, 0.9f, 0.4f, 0.2f, 0.6f, 0.1f, 0.4f };
static const guint8 hand_positive[] = { 0, 1, 0, 0, 1, 0, 1 };

static void
test_auroc_hand (void)
{
  static const float tied[] = { 0.5f, 0.5f, 0.5f, 0.5f };
  static const guint8 tied_positive[] = { 1, 0, 1, 0 };
  static const float separated[] = { 0.1f, 0.2f, 0.8f, 0.9f };
  static const guint8 separated_positive[] = { 0, 0, 1, 1 };
  static const guint8 reversed_positive[] = { 1, 1, 0, 0 };
  static const guint8 none[] = { 0, 0, 0, 0 };
  const float with_nan[] = { 0.1f, NAN, 0.3f, 0.4f };

  g_assert_cmpfloat_with_epsilon (ds_auroc (hand_scores, hand_positive, 7), 9.5 / 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ds_auroc (tied, tied_positive, 4), 0.5, 1e-12);
  g_assert_cmpfloat (ds_auroc (separated, separated_positive, 4), ==, 1.0);
  g_assert_cmpfloat (ds_auroc (separated, reversed_positive, 4), ==, 0.0);
  g_assert_true (isnan (ds_auroc (separated, none, 4)));
  g_assert_true (isnan (ds_auroc (with_nan, separated_positive, 4)));
}

static void
test_roc_points (void)
{
  /* by decreasing threshold: 0.9 (TP), 0.7 (FP), 0.6 (TP), 0.4 (TP + FP), 0.2, 0.1 (FP) */
  static const DsRocPoint want[] = {
    { INFINITY, 0.0, 0.0 },
    { 0.9, 0.0, 1.0 / 3 },
    { 0.7, 0.25, 1.0 / 3 },
    { 0.6, 0.25, 2.0 / 3 },
    { 0.4, 0.5, 1.0 },
    { 0.2, 0.75, 1.0 },
    { 0.1, 1.0, 1.0 },
  };
  g_autoptr(GArray) roc = ds_roc_curve (hand_scores, hand_positive, 7, 0);
  g_autoptr(GArray) thin = NULL;
  g_autoptr(GArray) empty = NULL;
  double area = 0.0;

  g_assert_cmpuint (roc->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < roc->len; i++)
    {
      const DsRocPoint *p = &g_array_index (roc, DsRocPoint, i);

      if (i == 0)
        g_assert_true (isinf (p->threshold));
      else
        g_assert_cmpfloat_with_epsilon (p->threshold, want[i].threshold, 1e-6);
      g_assert_cmpfloat_with_epsilon (p->fpr, want[i].fpr, 1e-12);
      g_assert_cmpfloat_with_epsilon (p->tpr, want[i].tpr, 1e-12);
      if (i > 0)
        area += (p->fpr - want[i - 1].fpr) * (p->tpr + want[i - 1].tpr) / 2.0;
    }
  /* the trapezoids under the points are the AUROC, ties included */
  g_assert_cmpfloat_with_epsilon (area, 9.5 / 12.0, 1e-12);

  /* thinned: both ends kept, fewer points */
  thin = ds_roc_curve (hand_scores, hand_positive, 7, 2);
  g_assert_cmpuint (thin->len, <, roc->len);
  g_assert_cmpfloat (g_array_index (thin, DsRocPoint, 0).tpr, ==, 0.0);
  g_assert_cmpfloat (g_array_index (thin, DsRocPoint, thin->len - 1).fpr, ==, 1.0);
  g_assert_cmpfloat (g_array_index (thin, DsRocPoint, thin->len - 1).tpr, ==, 1.0);

  empty = ds_roc_curve (hand_scores, (const guint8 *) "\0\0\0\0\0\0\0", 7, 0);
  g_assert_cmpuint (empty->len, ==, 0);
}

/* The histogram's AUROC is within its stated bound of the exact one, on spread-out values and
 * on values with many exact ties (as residuals of flat regions have). */
static void
test_auroc_histogram (void)
{
  const gsize n = 200000;
  g_autofree float *values = g_new (float, n);
  g_autofree guint8 *positive = g_new (guint8, n);
  DsRng rng;

  ds_rng_seed (&rng, 11);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(DsAurocHistogram) hist = ds_auroc_histogram_new ();
      double exact, approx, bound;

      for (gsize i = 0; i < n; i++)
        {
          positive[i] = ds_rng_uniform (&rng) < 0.1f;
          /* positives larger on average, over several decades */
          values[i] = expf (ds_rng_normal (&rng) * 2.0f + (positive[i] ? 1.0f : 0.0f)) * 1e-3f;
          if (round == 1)
            values[i] = roundf (values[i] * 1e3f) / 1e3f;
        }
      /* added in pieces, as maps arrive */
      ds_auroc_histogram_add (hist, values, positive, n / 2);
      ds_auroc_histogram_add (hist, values + n / 2, positive + n / 2, n - n / 2);
      exact = ds_auroc (values, positive, n);
      approx = ds_auroc_histogram_compute (hist, &bound);
      g_test_message ("exact %.8f, histogram %.8f, bound %.2e", exact, approx, bound);
      g_assert_cmpuint (ds_auroc_histogram_count (hist, TRUE) +
                        ds_auroc_histogram_count (hist, FALSE), ==, n);
      g_assert_cmpfloat (exact, >, 0.6);
      g_assert_cmpfloat (fabs (approx - exact), <=, bound + 1e-12);
      if (round == 0)
        g_assert_cmpfloat (bound, <, 1e-3);
    }

  {
    g_autoptr(DsAurocHistogram) hist = ds_auroc_histogram_new ();

    g_assert_true (isnan (ds_auroc_histogram_compute (hist, NULL)));
  }
}

static void
test_threshold_frr (void)
{
  float good[100];
  static const float tied[] = { 3.0f, 1.0f, 3.0f, 2.0f, 3.0f, 3.0f };
  DsRng rng;
  guint32 order[100];

  ds_rng_seed (&rng, 5);
  for (guint i = 0; i < 100; i++)
    order[i] = i;
  ds_rng_shuffle (&rng, order, 100);
  for (guint i = 0; i < 100; i++)
    good[i] = (float) (order[i] + 1);

  /* 1..100 at 5 %: 95 passes, the 5 above it fail */
  g_assert_cmpfloat (ds_threshold_at_frr (good, 100, 0.05), ==, 95.0f);
  g_assert_cmpfloat (ds_threshold_at_frr (good, 100, 0.0), ==, 100.0f);
  g_assert_cmpfloat (ds_threshold_at_frr (good, 100, 0.999), ==, 1.0f);
  for (guint k = 0; k <= 20; k++)
    {
      double frr = k / 100.0;
      float t = ds_threshold_at_frr (good, 100, frr);
      guint fails = 0;

      for (guint i = 0; i < 100; i++)
        fails += good[i] > t;
      g_assert_cmpuint (fails, ==, k);
    }
  /* ties never push the false rejects over the target */
  g_assert_cmpfloat (ds_threshold_at_frr (tied, 6, 0.5), ==, 3.0f);
  g_assert_cmpfloat (ds_threshold_at_frr (tied, 6, 0.2), ==, 3.0f);
}

static void
test_threshold_f1 (void)
{
  /* negatives 0.1 0.2 0.3 0.5, positives 0.4 0.6 0.7: above 0.3 gives TP 3, FP 1: F1 6/7 */
  static const float scores[] = { 0.5f, 0.1f, 0.7f, 0.3f, 0.4f, 0.2f, 0.6f };
  static const guint8 positive[] = { 0, 0, 1, 0, 1, 0, 1 };
  static const guint8 none[] = { 0, 0, 0, 0, 0, 0, 0 };
  double f1;

  g_assert_cmpfloat (ds_threshold_best_f1 (scores, positive, 7, &f1), ==, 0.3f);
  g_assert_cmpfloat_with_epsilon (f1, 6.0 / 7.0, 1e-12);
  g_assert_true (isinf (ds_threshold_best_f1 (scores, none, 7, &f1)));
  g_assert_cmpfloat (f1, ==, 0.0);
}

static void
test_verdict (void)
{
  g_assert_cmpint (ds_verdict (0.5f, 1.0f, 2.0f), ==, DS_VERDICT_PASS);
  g_assert_cmpint (ds_verdict (1.0f, 1.0f, 2.0f), ==, DS_VERDICT_PASS);
  g_assert_cmpint (ds_verdict (1.5f, 1.0f, 2.0f), ==, DS_VERDICT_REVIEW);
  g_assert_cmpint (ds_verdict (2.0f, 1.0f, 2.0f), ==, DS_VERDICT_REVIEW);
  g_assert_cmpint (ds_verdict (2.5f, 1.0f, 2.0f), ==, DS_VERDICT_FAIL);
  g_assert_cmpint (ds_verdict (NAN, 1.0f, 2.0f), ==, DS_VERDICT_REVIEW);
  /* an empty band: one threshold */
  g_assert_cmpint (ds_verdict (1.0f, 1.0f, 1.0f), ==, DS_VERDICT_PASS);
  g_assert_cmpint (ds_verdict (1.01f, 1.0f, 1.0f), ==, DS_VERDICT_FAIL);
  g_assert_cmpstr (ds_verdict_to_string (DS_VERDICT_REVIEW), ==, "review");
}

static void
test_calibrate (void)
{
  float good[100];
  static const float scores[] = { 0.5f, 0.1f, 0.7f, 0.3f, 0.4f, 0.2f, 0.6f };
  static const guint8 positive[] = { 0, 0, 1, 0, 1, 0, 1 };
  g_auto(DsAnomalyParams) params = { 0 };

  for (guint i = 0; i < 100; i++)
    good[i] = (float) (i + 1);
  ds_anomaly_params_init (&params);
  params.target_frr = 0.02;
  params.review_frr = 0.10;

  /* good images only: fail above the 2 % threshold, review from the 10 % one */
  ds_anomaly_params_calibrate (&params, good, 100, NULL, NULL, 0);
  g_assert_cmpstr (params.threshold_rule, ==, "frr");
  g_assert_cmpfloat (params.threshold, ==, 98.0f);
  g_assert_cmpfloat (params.threshold_high, ==, 98.0f);
  g_assert_cmpfloat (params.threshold_low, ==, 90.0f);

  /* labelled anomalies: the decision is the best F1, inside the band */
  ds_anomaly_params_calibrate (&params, good, 100, scores, positive, 7);
  g_assert_cmpstr (params.threshold_rule, ==, "f1");
  g_assert_cmpfloat (params.threshold, ==, 0.3f);
  g_assert_cmpfloat (params.threshold_low, <=, params.threshold);
  g_assert_cmpfloat (params.threshold_high, >=, params.threshold);
}

/* Mean, max and top-k of a hand-made residual map, in shuffled order. */
static void
test_score_kinds (void)
{
  float map[10], scratch[10];
  DsAnomalyScoring s = DS_ANOMALY_SCORING_DEFAULT;
  DsRng rng;
  guint32 order[10];

  ds_rng_seed (&rng, 3);
  for (guint i = 0; i < 10; i++)
    order[i] = i;
  ds_rng_shuffle (&rng, order, 10);
  for (guint i = 0; i < 10; i++)
    map[i] = (float) (order[i] + 1);

  s.score = DS_SCORE_MEAN;
  g_assert_cmpfloat_with_epsilon (ds_anomaly_score_map (&s, map, 10, scratch), 5.5, 1e-6);
  s.score = DS_SCORE_MAX;
  g_assert_cmpfloat (ds_anomaly_score_map (&s, map, 10, scratch), ==, 10.0f);
  s.score = DS_SCORE_TOP_K;
  s.top_k = 0.2f;
  g_assert_cmpfloat_with_epsilon (ds_anomaly_score_map (&s, map, 10, scratch), 9.5, 1e-6);
  s.top_k = 0.3f;
  g_assert_cmpfloat_with_epsilon (ds_anomaly_score_map (&s, map, 10, scratch), 9.0, 1e-6);
  s.top_k = 0.01f;   /* at least one pixel */
  g_assert_cmpfloat (ds_anomaly_score_map (&s, map, 10, scratch), ==, 10.0f);
  s.top_k = 1.0f;
  g_assert_cmpfloat_with_epsilon (ds_anomaly_score_map (&s, map, 10, scratch), 5.5, 1e-6);
  /* the map itself is left alone */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpfloat (map[i], ==, (float) (order[i] + 1));

  /* top-k on ties and on a larger map, against a sort */
  {
    float big[1000], copy[1000], top[1000];
    double want = 0.0;

    for (guint i = 0; i < 1000; i++)
      big[i] = (float) ds_rng_below (&rng, 50);
    memcpy (copy, big, sizeof big);
    for (guint i = 0; i < 1000; i++)
      for (guint j = i + 1; j < 1000; j++)
        if (copy[j] > copy[i])
          {
            float t = copy[i];

            copy[i] = copy[j];
            copy[j] = t;
          }
    for (guint i = 0; i < 100; i++)
      want += copy[i];
    s.top_k = 0.1f;
    g_assert_cmpfloat_with_epsilon (ds_anomaly_score_map (&s, big, 1000, top), want / 100, 1e-4);
  }
}

/* Identical images: SSIM 1 and every residual 0; a difference shows in each. */
static void
test_residuals (void)
{
  const guint c = 2, h = 9, w = 11;
  gsize n = (gsize) h * w;
  g_autofree float *x = g_new (float, c * n);
  g_autofree float *y = g_new (float, c * n);
  g_autofree float *map = g_new (float, n);
  g_autofree float *scratch = g_new (float, ds_anomaly_scratch_size (h, w));
  static const DsResidualKind kinds[] = {
    DS_RESIDUAL_SQUARED, DS_RESIDUAL_SMOOTHED, DS_RESIDUAL_SSIM,
  };
  DsRng rng;

  ds_rng_seed (&rng, 9);
  for (gsize i = 0; i < c * n; i++)
    x[i] = ds_rng_uniform (&rng);
  g_assert_cmpfloat_with_epsilon (ds_ssim (x, x, h, w, 1.5f), 1.0, 1e-6);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      DsAnomalyScoring s = { kinds[k], 1.0f, DS_SCORE_MEAN, 0.1f };
      double sum = 0.0;

      ds_anomaly_residual (&s, x, x, c, h, w, map, scratch);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat (fabsf (map[i]), <, 1e-6f);

      /* one bright square in channel 1 */
      memcpy (y, x, c * n * sizeof (float));
      for (guint r = 3; r < 6; r++)
        for (guint q = 4; q < 7; q++)
          y[n + r * w + q] = 1.0f - x[n + r * w + q] * 0.2f;
      ds_anomaly_residual (&s, x, y, c, h, w, map, scratch);
      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat (map[i], >=, 0.0f);
          sum += map[i];
        }
      g_assert_cmpfloat (sum, >, 0.01);
      /* the square's centre is where the map is largest (near it for smoothed and ssim) */
      g_assert_cmpfloat (map[4 * w + 5], >, map[0]);
      g_assert_cmpfloat (map[4 * w + 5], >, map[n - 1]);
    }
  g_assert_cmpfloat (ds_ssim (x + n, y + n, h, w, 1.5f), <, 0.99);

  /* squared averages the channels: a difference of 0.5 in one of two is 0.125 */
  {
    DsAnomalyScoring s = { DS_RESIDUAL_SQUARED, 1.0f, DS_SCORE_MEAN, 0.1f };

    memcpy (y, x, c * n * sizeof (float));
    y[n + 7] = x[n + 7] + 0.5f;
    ds_anomaly_residual (&s, x, y, c, h, w, map, scratch);
    g_assert_cmpfloat_with_epsilon (map[7], 0.125, 1e-6);
    g_assert_cmpfloat (map[8], ==, 0.0f);
  }
  /* smoothed: a constant difference stays constant up to the border */
  {
    DsAnomalyScoring s = { DS_RESIDUAL_SMOOTHED, 2.0f, DS_SCORE_MEAN, 0.1f };

    for (gsize i = 0; i < c * n; i++)
      y[i] = x[i] - 0.25f;
    ds_anomaly_residual (&s, x, y, c, h, w, map, scratch);
    for (gsize i = 0; i < n; i++)
      g_assert_cmpfloat_with_epsilon (map[i], 0.0625, 1e-5);
  }
}

static void
test_scoring_check (void)
{
  DsAnomalyScoring s = DS_ANOMALY_SCORING_DEFAULT;
  DsResidualKind r;
  DsScoreKind k;
  g_autofree char *text = ds_anomaly_scoring_describe (&s);

  g_assert_true (ds_anomaly_scoring_check (&s, NULL));
  g_assert_cmpstr (text, ==, "smoothed σ=1, top-10%");
  s.top_k = 0.0f;
  g_assert_false (ds_anomaly_scoring_check (&s, NULL));
  s.top_k = 0.1f;
  s.sigma = 100.0f;
  g_assert_false (ds_anomaly_scoring_check (&s, NULL));
  s.residual = DS_RESIDUAL_SQUARED;   /* squared ignores σ */
  g_assert_true (ds_anomaly_scoring_check (&s, NULL));
  g_assert_true (ds_residual_kind_from_string ("SSIM", &r) && r == DS_RESIDUAL_SSIM);
  g_assert_true (ds_score_kind_from_string ("topk", &k) && k == DS_SCORE_TOP_K);
  g_assert_false (ds_score_kind_from_string ("median", &k));
}

/* A heatmap PNG has the map's size, 0 where the residual is 0 and 255 from heat_max up. */
static void
test_heatmap_png (void)
{
  const guint h = 5, w = 7;
  float map[5 * 7];
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-heatmap-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "heat.png", NULL);
  g_autofree guint8 *px = NULL;
  guint ph = 0, pw = 0;

  g_assert_no_error (error);
  /* exact in binary: i / 32, full heat from 20 / 32 */
  for (guint i = 0; i < h * w; i++)
    map[i] = (float) i / 32.0f;
  g_assert_true (ds_anomaly_heatmap_save (path, map, h, w, 20.0f / 32.0f, &error));
  g_assert_no_error (error);

  px = ds_png_load (path, 1, 0, 0, &ph, &pw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ph, ==, h);
  g_assert_cmpuint (pw, ==, w);
  g_assert_cmpuint (px[0], ==, 0);
  g_assert_cmpuint (px[10], ==, 128);   /* half of full heat: 127.5 rounds up */
  for (guint i = 1; i < h * w; i++)
    g_assert_cmpuint (px[i], >=, px[i - 1]);
  for (guint i = 20; i < h * w; i++)
    g_assert_cmpuint (px[i], ==, 255);

  /* without a scale, the map's own maximum is full heat */
  {
    guint8 gray[5 * 7];

    ds_anomaly_heatmap_to_gray (map, h * w, NAN, gray);
    g_assert_cmpuint (gray[h * w - 1], ==, 255);
    g_assert_cmpuint (gray[h * w - 2], <, 255);
  }

  g_unlink (path);
  g_rmdir (dir);
}

/* Anomaly parameters survive a save and load in the model's metadata. */
static void
test_params_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (1, 1);
  g_autoptr(DsModel) model = tiny_model (tiny_spec, ctx);
  g_autoptr(DsModel) loaded = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-params-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "m.dsm", NULL);
  g_auto(DsAnomalyParams) params = { 0 };
  g_auto(DsAnomalyParams) back = { 0 };

  /* a classifier is not an anomaly model, and the message says which file */
  g_assert_false (ds_anomaly_params_from_model (&back, model, "some.dsm", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "some.dsm"));
  g_clear_error (&error);
  ds_anomaly_params_clear (&back);

  ds_anomaly_params_init (&params);
  params.scoring = (DsAnomalyScoring) { DS_RESIDUAL_SSIM, 1.25f, DS_SCORE_TOP_K, 0.05f };
  params.threshold = 0.123456789f;
  params.threshold_low = 0.1f;
  params.threshold_high = 0.2f;
  params.heat_max = 0.5f;
  params.normal_class = g_strdup ("ok");
  params.threshold_rule = g_strdup ("frr");
  ds_anomaly_params_to_model (&params, model);
  g_assert_true (ds_model_save (model, NULL, path, &error));
  g_assert_no_error (error);
  loaded = ds_model_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ds_anomaly_params_from_model (&back, loaded, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.scoring.residual, ==, DS_RESIDUAL_SSIM);
  g_assert_cmpfloat (back.scoring.sigma, ==, 1.25f);
  g_assert_cmpint (back.scoring.score, ==, DS_SCORE_TOP_K);
  g_assert_cmpfloat (back.scoring.top_k, ==, 0.05f);
  g_assert_cmpfloat (back.threshold, ==, params.threshold);
  g_assert_cmpfloat (back.threshold_low, ==, 0.1f);
  g_assert_cmpfloat (back.threshold_high, ==, 0.2f);
  g_assert_cmpfloat (back.heat_max, ==, 0.5f);
  g_assert_cmpstr (back.normal_class, ==, "ok");
  g_assert_cmpstr (back.threshold_rule, ==, "frr");

  /* a value that is not a number */
  ds_model_set_metadata (loaded, "anomaly.threshold", "high");
  ds_anomaly_params_clear (&back);
  g_assert_false (ds_anomaly_params_from_model (&back, loaded, path, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "anomaly.threshold"));

  g_unlink (path);
  g_rmdir (dir);
}

/* Bars of the training fixture are normal; a vertical bar or a checkerboard is not. */
static DsDataset *
odd_dataset (guint   n,
             guint64 seed)
{
  g_autoptr(DsDataset) ds = bars_dataset (n, seed, 0);
  DsRng rng;

  ds_rng_seed (&rng, seed + 100);
  for (guint i = 0; i < n; i++)
    {
      guint8 *p = ds->pixels + (gsize) i * SIDE * SIDE;
      guint col = ds_rng_below (&rng, SIDE - 1);

      for (guint y = 0; y < SIDE; y++)
        for (guint x = 0; x < SIDE; x++)
          {
            gboolean on = i % 2 == 0 ? x == col || x == col + 1 : (x / 2 + y / 2) % 2 == 0;

            p[y * SIDE + x] = on ? (guint8) (190 + ds_rng_below (&rng, 66))
                                 : (guint8) ds_rng_below (&rng, 70);
          }
    }

  return g_steal_pointer (&ds);
}

static const char tiny_ae_spec[] =
  "conv2d filters=8 kernel=3 stride=2 padding=1 activation=relu\n"
  "flatten\n"
  "dense units=8\n"
  "dense units=128 activation=relu\n"
  "reshape channels=8 height=4 width=4\n"
  "conv_transpose2d filters=1 kernel=4 stride=2 padding=1\n"
  "sigmoid\n";

typedef struct
{
  guint  calls;
  guint  next;       /* maps must come in order */
  float *first_map;  /* (SIDE * SIDE) a copy of image 0's */
} MapRecorder;

static void
record_map_cb (guint        index,
               const float *map,
               gpointer     user_data)
{
  MapRecorder *r = user_data;

  g_assert_cmpuint (index, ==, r->next);
  r->next++;
  r->calls++;
  if (index == 0)
    memcpy (r->first_map, map, SIDE * SIDE * sizeof (float));
}

static void
test_tiny_autoencoder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) normal = bars_dataset (256, 21, 0);
  g_autoptr(DsDataset) test = bars_dataset (64, 22, 0);
  g_autoptr(DsDataset) odd = odd_dataset (64, 23);
  g_autoptr(DsContext) ctx = ds_context_new (7, 2);
  g_autoptr(DsContext) ctx1 = ds_context_new (7, 1);
  g_autoptr(DsModel) model = tiny_model (tiny_ae_spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.01f, 0.0f);
  DsTrainConfig config = { .objective = DS_OBJECTIVE_RECONSTRUCT, .epochs = 30, .batch_size = 16 };
  DsSubset train_set = { normal, NULL, normal->n };
  DsAnomalyScoring scorings[] = {
    DS_ANOMALY_SCORING_DEFAULT,
    { DS_RESIDUAL_SQUARED, 1.0f, DS_SCORE_MEAN, 0.1f },
    { DS_RESIDUAL_SSIM, 1.0f, DS_SCORE_MEAN, 0.1f },
    { DS_RESIDUAL_SMOOTHED, 1.0f, DS_SCORE_MAX, 0.1f },
  };
  const guint n_scorings = G_N_ELEMENTS (scorings);
  g_autoptr(DsDataset) mixed = g_new0 (DsDataset, 1);
  g_autofree float *scores = NULL;
  g_autofree float *single = NULL;
  g_autofree guint8 *positive = NULL;
  g_autofree float *first_map = g_new (float, SIDE * SIDE);
  MapRecorder recorder = { 0, 0, first_map };
  DsSubset set;
  guint n;

  g_assert_true (ds_train_model (model, opt, ctx, &train_set, NULL, &config, NULL, NULL, &error));
  g_assert_no_error (error);

  /* held-out bars (normal) followed by the odd patterns */
  n = test->n + odd->n;
  mixed->n = n;
  mixed->c = 1;
  mixed->h = mixed->w = SIDE;
  mixed->pixels = g_malloc ((gsize) n * SIDE * SIDE);
  memcpy (mixed->pixels, test->pixels, (gsize) test->n * SIDE * SIDE);
  memcpy (mixed->pixels + (gsize) test->n * SIDE * SIDE, odd->pixels,
          (gsize) odd->n * SIDE * SIDE);
  positive = g_new (guint8, n);
  for (guint i = 0; i < n; i++)
    positive[i] = i >= test->n;

  set = (DsSubset) { mixed, NULL, n };
  scores = g_new (float, n_scorings * n);
  /* batches of 24 leave a short last batch */
  g_assert_true (ds_anomaly_score_set (model, ctx, &set, scorings, n_scorings, 24, scores,
                                       record_map_cb, &recorder, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (recorder.calls, ==, n);
  for (guint k = 0; k < n_scorings; k++)
    {
      double auroc = ds_auroc (scores + k * n, positive, n);

      g_test_message ("scoring %u: AUROC %.4f", k, auroc);
      g_assert_cmpfloat (auroc, >, 0.9);
    }

  /* the same scores one scoring at a time, on one thread, and the map matches the score */
  single = g_new (float, n);
  for (guint k = 0; k < n_scorings; k++)
    {
      g_assert_true (ds_anomaly_score_set (model, ctx1, &set, &scorings[k], 1, 7, single, NULL,
                                           NULL, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (single[i], scores[k * n + i],
                                        1e-5 * (1.0 + fabsf (single[i])));
    }
  {
    float top[SIDE * SIDE];

    g_assert_cmpfloat_with_epsilon (ds_anomaly_score_map (&scorings[0], first_map, SIDE * SIDE,
                                                          top), scores[0], 1e-6);
  }

  /* a classifier does not reconstruct */
  {
    g_autoptr(DsModel) classifier = tiny_model (tiny_spec, ctx);

    g_assert_false (ds_anomaly_score_set (classifier, ctx, &set, scorings, 1, 16, scores, NULL,
                                          NULL, &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
  }
}

static gboolean
cancel_cb (const DsProgress *progress,
           gpointer          user_data)
{
  return progress->step < 2;
}

static void
test_score_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (64, 1, 0);
  g_autoptr(DsContext) ctx = ds_context_new (1, 2);
  g_autoptr(DsModel) model = tiny_model (tiny_ae_spec, ctx);
  DsAnomalyScoring scoring = DS_ANOMALY_SCORING_DEFAULT;
  DsSubset set = { data, NULL, data->n };
  float scores[64];

  ds_context_set_progress (ctx, cancel_cb, NULL);
  g_assert_false (ds_anomaly_score_set (model, ctx, &set, &scoring, 1, 16, scores, NULL, NULL,
                                        &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
}

static void
test_presets (void)
{
  static const DsShape inputs[] = {
    { 1, 1, 28, 28 }, { 1, 1, 64, 64 }, { 1, 3, 32, 32 }, { 1, 1, 28, 56 },
  };
  const DsPreset * const *classifiers = ds_presets ();

  for (guint p = 0; p < 2; p++)
    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        const char *name = p == 0 ? "conv-ae" : "dense-ae";
        g_autoptr(GError) error = NULL;
        g_autoptr(DsModel) model = ds_preset_new_model (name, inputs[i], 0, &error);
        DsShape out;

        g_assert_no_error (error);
        out = ds_model_output_shape (model);
        g_assert_true (ds_shape_equal (&out, &inputs[i]));
        g_assert_cmpstr (model->preset, ==, name);
      }

  /* sides that do not halve twice */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DsModel) model = ds_preset_new_model ("conv-ae", DS_SHAPE (1, 1, 30, 30), 0,
                                                    &error);

    g_assert_null (model);
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
    g_assert_nonnull (strstr (error->message, "conv-ae"));
  }

  /* a classifier's trainer never sees an autoencoder */
  for (guint i = 0; classifiers[i] != NULL; i++)
    g_assert_cmpint (classifiers[i]->kind, ==, DS_PRESET_CLASSIFIER);
  g_assert_null (ds_preset_lookup ("conv-ae"));
  g_assert_nonnull (ds_preset_lookup_kind ("dense-ae", DS_PRESET_AUTOENCODER));
  g_assert_null (ds_preset_lookup_kind ("seed-cnn", DS_PRESET_AUTOENCODER));
  g_assert_nonnull (ds_preset_lookup_kind ("seed-cnn", DS_PRESET_CLASSIFIER));
}

/* Part images of 64 × 64 and more are scored by the maximum, smaller ones by the top 10 %. */
static void
test_scoring_for_size (void)
{
  DsAnomalyScoring small = ds_anomaly_scoring_for_size (28, 28);
  DsAnomalyScoring part = ds_anomaly_scoring_for_size (64, 64);
  DsAnomalyScoring wide = ds_anomaly_scoring_for_size (32, 200);

  g_assert_cmpint (small.score, ==, DS_SCORE_TOP_K);
  g_assert_cmpfloat (small.top_k, ==, 0.1f);
  g_assert_cmpint (part.score, ==, DS_SCORE_MAX);
  g_assert_cmpint (part.residual, ==, DS_RESIDUAL_SMOOTHED);
  g_assert_cmpfloat (part.sigma, ==, 1.0f);
  g_assert_cmpint (wide.score, ==, DS_SCORE_MAX);
  g_assert_cmpint (ds_anomaly_scoring_for_size (63, 64).score, ==, DS_SCORE_TOP_K);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/anomaly/auroc/hand", test_auroc_hand);
  g_test_add_func ("/engine/anomaly/auroc/roc-points", test_roc_points);
  g_test_add_func ("/engine/anomaly/auroc/histogram", test_auroc_histogram);
  g_test_add_func ("/engine/anomaly/threshold/frr", test_threshold_frr);
  g_test_add_func ("/engine/anomaly/threshold/best-f1", test_threshold_f1);
  g_test_add_func ("/engine/anomaly/threshold/verdict", test_verdict);
  g_test_add_func ("/engine/anomaly/threshold/calibrate", test_calibrate);
  g_test_add_func ("/engine/anomaly/score/kinds", test_score_kinds);
  g_test_add_func ("/engine/anomaly/score/residuals", test_residuals);
  g_test_add_func ("/engine/anomaly/score/check", test_scoring_check);
  g_test_add_func ("/engine/anomaly/heatmap/png", test_heatmap_png);
  g_test_add_func ("/engine/anomaly/params/roundtrip", test_params_roundtrip);
  g_test_add_func ("/engine/anomaly/model/tiny-autoencoder", test_tiny_autoencoder);
  g_test_add_func ("/engine/anomaly/model/cancel", test_score_cancel);
  g_test_add_func ("/engine/anomaly/model/presets", test_presets);
  g_test_add_func ("/engine/anomaly/scoring-for-size", test_scoring_for_size);

  return g_test_run ();
}
