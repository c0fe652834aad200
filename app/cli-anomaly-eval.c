/* cli-anomaly-eval.c: anomaly eval, image and pixel AUROC and how the thresholds do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-anomaly.h"

/* Other scorings measured from the same reconstructions, to show what the choice is worth. */
static const DsAnomalyScoring alternatives[] = {
  { DS_RESIDUAL_SQUARED, 1.0f, DS_SCORE_MEAN, 0.1f },
  { DS_RESIDUAL_SQUARED, 1.0f, DS_SCORE_MAX, 0.1f },
  { DS_RESIDUAL_SQUARED, 1.0f, DS_SCORE_TOP_K, 0.1f },
  { DS_RESIDUAL_SMOOTHED, 1.0f, DS_SCORE_MEAN, 0.1f },
  { DS_RESIDUAL_SMOOTHED, 1.0f, DS_SCORE_TOP_K, 0.1f },
  { DS_RESIDUAL_SSIM, 1.5f, DS_SCORE_MEAN, 0.1f },
  { DS_RESIDUAL_SSIM, 1.5f, DS_SCORE_TOP_K, 0.1f },
};

static int
compare_floats (const void *a,
                const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static gboolean
same_scoring (const DsAnomalyScoring *a,
              const DsAnomalyScoring *b)
{
  return a->residual == b->residual && a->score == b->score &&
         (a->residual == DS_RESIDUAL_SQUARED || a->sigma == b->sigma) &&
         (a->score != DS_SCORE_TOP_K || a->top_k == b->top_k);
}

/* Pixel AUROC over the images with masks, and each image's largest residual (for the heatmap
 * scale), as the maps arrive. */
typedef struct
{
  const DsAnomalySet *set;
  DsAurocHistogram   *hist;
  guint               n_images;
  float              *maxima;   /* (n) */
} PixelJob;

static void
pixel_cb (guint        index,
          const float *map,
          gpointer     user_data)
{
  PixelJob *job = user_data;
  gsize hw = (gsize) job->set->data->h * job->set->data->w;
  float top = 0.0f;

  for (gsize i = 0; i < hw; i++)
    top = MAX (top, map[i]);
  job->maxima[index] = top;
  if (job->set->has_mask == NULL || !job->set->has_mask[index])
    return;
  ds_auroc_histogram_add (job->hist, map, job->set->masks + index * hw, hw);
  job->n_images++;
}

typedef struct
{
  guint    n_normal, n_anomalous;
  double   image_auroc;
  double   pixel_auroc, pixel_error;
  guint    pixel_images;
  guint64  pixels;
  double   seconds;
  /* at the model's thresholds */
  double   frr, escape, precision, recall, f1;
  guint    band[2][3];          /* [anomalous][verdict] */
  double   best_f1;
  float    best_f1_threshold;
} Report;

static void
measure_thresholds (const DsAnomalyParams *params,
                    const float           *scores,
                    const guint8          *positive,
                    guint                  n,
                    Report                *r)
{
  guint tp = 0, fp = 0, fn = 0, tn = 0;

  for (guint i = 0; i < n; i++)
    {
      gboolean flagged = scores[i] > params->threshold;

      tp += positive[i] && flagged;
      fp += !positive[i] && flagged;
      fn += positive[i] && !flagged;
      tn += !positive[i] && !flagged;
      r->band[positive[i] != 0][ds_verdict (scores[i], params->threshold_low,
                                            params->threshold_high)]++;
    }
  r->frr = fp + tn > 0 ? (double) fp / (fp + tn) : NAN;
  r->escape = tp + fn > 0 ? (double) fn / (tp + fn) : NAN;
  r->precision = tp + fp > 0 ? (double) tp / (tp + fp) : NAN;
  r->recall = tp + fn > 0 ? (double) tp / (tp + fn) : NAN;
  r->f1 = tp > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
  r->best_f1_threshold = ds_threshold_best_f1 (scores, positive, n, &r->best_f1);
}

static void
print_scoring_json (const DsAnomalyScoring *s)
{
  printf ("{\"residual\": \"%s\", \"sigma\": ", ds_residual_kind_to_string (s->residual));
  cli_print_json_number (s->residual != DS_RESIDUAL_SQUARED ? s->sigma : NAN);
  printf (", \"score\": \"%s\", \"top_k\": ", ds_score_kind_to_string (s->score));
  cli_print_json_number (s->score == DS_SCORE_TOP_K ? s->top_k : NAN);
  printf ("}");
}

static void
print_json (const DsModel          *model,
            const DsAnomalyParams  *params,
            const DsAnomalySet     *set,
            const Report           *r,
            const DsAnomalyScoring *scorings,
            const double           *aurocs,
            guint                   n_scorings,
            const double           *class_aurocs,
            const guint            *class_counts,
            GArray                 *roc)
{
  const DsDataset *ds = set->data;
  static const char * const verdicts[] = { "pass", "review", "fail" };
  gboolean first = TRUE;

  printf ("{\n  \"model\": ");
  cli_print_json_string (model->preset != NULL ? model->preset : "custom");
  printf (",\n  \"scoring\": ");
  print_scoring_json (&params->scoring);
  printf (",\n  \"normal_class\": ");
  cli_print_json_string (ds->class_names[set->normal]);
  printf (",\n  \"n\": %u,\n  \"n_normal\": %u,\n  \"n_anomalous\": %u,\n  \"image_auroc\": ",
          r->n_normal + r->n_anomalous, r->n_normal, r->n_anomalous);
  cli_print_json_number (r->image_auroc);
  printf (",\n  \"pixel_auroc\": ");
  cli_print_json_number (r->pixel_auroc);
  printf (",\n  \"pixel_auroc_max_error\": ");
  cli_print_json_number (r->pixel_error);
  printf (",\n  \"pixel_images\": %u,\n  \"pixels\": %" G_GUINT64_FORMAT
          ",\n  \"scoring_seconds\": %.4f,\n", r->pixel_images, r->pixels, r->seconds);

  printf ("  \"thresholds\": {\"threshold\": ");
  cli_print_json_number (params->threshold);
  printf (", \"low\": ");
  cli_print_json_number (params->threshold_low);
  printf (", \"high\": ");
  cli_print_json_number (params->threshold_high);
  printf (", \"rule\": ");
  cli_print_json_string (params->threshold_rule != NULL ? params->threshold_rule : "");
  printf (", \"target_frr\": ");
  cli_print_json_number (params->target_frr);
  printf (", \"review_frr\": ");
  cli_print_json_number (params->review_frr);
  printf (",\n    \"frr\": ");
  cli_print_json_number (r->frr);
  printf (", \"escape_rate\": ");
  cli_print_json_number (r->escape);
  printf (", \"precision\": ");
  cli_print_json_number (r->precision);
  printf (", \"recall\": ");
  cli_print_json_number (r->recall);
  printf (", \"f1\": ");
  cli_print_json_number (r->f1);
  printf (",\n    \"best_f1\": ");
  cli_print_json_number (r->best_f1);
  printf (", \"best_f1_threshold\": ");
  cli_print_json_number (r->best_f1_threshold);
  for (guint a = 0; a < 2; a++)
    {
      printf (a == 0 ? ",\n    \"band\": {\"normal\": {" : ", \"anomalous\": {");
      for (guint v = 0; v < 3; v++)
        printf ("\"%s\": %u%s", verdicts[v], r->band[a][v], v < 2 ? ", " : "}");
    }
  printf ("}},\n  \"classes\": [");
  for (guint k = 0; k < ds->n_classes; k++)
    {
      if ((gint32) k == set->normal || class_counts[k] == 0)
        continue;
      printf ("%s\n    {\"name\": ", first ? "" : ",");
      cli_print_json_string (ds->class_names[k]);
      printf (", \"n\": %u, \"auroc\": ", class_counts[k]);
      cli_print_json_number (class_aurocs[k]);
      printf ("}");
      first = FALSE;
    }
  printf ("\n  ],\n  \"scorings\": [");
  for (guint s = 0; s < n_scorings; s++)
    {
      printf ("%s\n    {\"scoring\": ", s > 0 ? "," : "");
      print_scoring_json (&scorings[s]);
      printf (", \"image_auroc\": ");
      cli_print_json_number (aurocs[s]);
      printf ("}");
    }
  printf ("\n  ],\n  \"roc\": [");
  for (guint i = 0; i < roc->len; i++)
    {
      const DsRocPoint *p = &g_array_index (roc, DsRocPoint, i);

      printf ("%s[%.5f, %.5f]", i % 6 == 0 ? (i > 0 ? ",\n    " : "\n    ") : ", ", p->fpr,
              p->tpr);
    }
  printf ("\n  ]\n}\n");
}

static void
print_text (const DsAnomalyParams  *params,
            const DsAnomalySet     *set,
            const Report           *r,
            const DsAnomalyScoring *scorings,
            const double           *aurocs,
            guint                   n_scorings,
            const double           *class_aurocs,
            const guint            *class_counts)
{
  const DsDataset *ds = set->data;
  g_autofree char *scoring = ds_anomaly_scoring_describe (&params->scoring);

  printf ("%u images: %u normal (%s), %u anomalous  (%.2f s)\n", r->n_normal + r->n_anomalous,
          r->n_normal, ds->class_names[set->normal], r->n_anomalous, r->seconds);
  printf ("image AUROC %.4f  (%s)\n", r->image_auroc, scoring);
  if (r->pixel_images > 0 && isfinite (r->pixel_auroc))
    printf ("pixel AUROC %.4f  (%u images with masks, %" G_GUINT64_FORMAT " pixels, "
            "within ±%.1e)\n", r->pixel_auroc, r->pixel_images, r->pixels, r->pixel_error);
  else
    printf ("pixel AUROC: no masks\n");

  printf ("\nthreshold %.6g (%s): %.1f%% false rejects, %.1f%% escapes, precision %.4f, "
          "recall %.4f, F1 %.4f\n", params->threshold,
          params->threshold_rule != NULL ? params->threshold_rule : "?", 100.0 * r->frr,
          100.0 * r->escape, r->precision, r->recall, r->f1);
  printf ("best F1 here: %.4f at %.6g\n", r->best_f1, r->best_f1_threshold);
  printf ("review band %.6g to %.6g:   pass  review    fail\n", params->threshold_low,
          params->threshold_high);
  printf ("  normal     %25u %7u %7u\n", r->band[0][0], r->band[0][1], r->band[0][2]);
  printf ("  anomalous  %25u %7u %7u\n", r->band[1][0], r->band[1][1], r->band[1][2]);

  printf ("\n%-24s %6s %8s\n", "anomalous class", "n", "AUROC");
  for (guint k = 0; k < ds->n_classes; k++)
    if ((gint32) k != set->normal && class_counts[k] > 0)
      printf ("%-24s %6u %8.4f\n", ds->class_names[k], class_counts[k], class_aurocs[k]);

  printf ("\n%-32s %8s\n", "scoring", "AUROC");
  for (guint s = 0; s < n_scorings; s++)
    {
      g_autofree char *text = ds_anomaly_scoring_describe (&scorings[s]);

      /* padded by characters, not bytes: σ takes two */
      printf ("%s%*s %8.4f%s\n", text, (int) MAX (0, 32 - (glong) g_utf8_strlen (text, -1)), "",
              aurocs[s], s == 0 ? "  (the model's)" : "");
    }
}

/* The whole curve, one row a distinct score. */
static gboolean
write_roc_csv (const char    *path,
               const float   *scores,
               const guint8  *positive,
               guint          n,
               GError       **error)
{
  g_autoptr(GString) csv = g_string_new ("threshold,fpr,tpr\n");
  g_autoptr(GArray) roc = ds_roc_curve (scores, positive, n, 0);

  for (guint i = 0; i < roc->len; i++)
    {
      const DsRocPoint *p = &g_array_index (roc, DsRocPoint, i);

      g_string_append_printf (csv, "%.9g,%.6f,%.6f\n", p->threshold, p->fpr, p->tpr);
    }

  return ds_file_write_atomic (path, csv->str, csv->len, error);
}

int
cli_anomaly_eval (int    argc,
                  char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *normal_class = NULL;
  g_autofree char *roc_path = NULL;
  g_autofree char *residual_name = NULL;
  g_autofree char *score_name = NULL;
  gboolean json = FALSE, save_thresholds = FALSE;
  double sigma = -1, top_k = -1;
  int threads = 2;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
      "Model file written by anomaly train", "MODEL" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path,
      "IDX folder, MVTec AD category or class-per-folder PNG tree", "PATH" },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, "A project's folder", "DIR" },
    { "normal-class", 0, 0, G_OPTION_ARG_STRING, &normal_class,
      "The class of normal images (default: the model's)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the figures as JSON", NULL },
    { "roc", 0, 0, G_OPTION_ARG_FILENAME, &roc_path,
      "Write the ROC curve as threshold,fpr,tpr rows", "OUT.csv" },
    { "residual", 0, 0, G_OPTION_ARG_STRING, &residual_name,
      "Measure with another residual: smoothed, squared or ssim", "KIND" },
    { "sigma", 0, 0, G_OPTION_ARG_DOUBLE, &sigma, "… and σ, pixels", "S" },
    { "score", 0, 0, G_OPTION_ARG_STRING, &score_name,
      "… or another image score: top-k, mean or max", "KIND" },
    { "top-k", 0, 0, G_OPTION_ARG_DOUBLE, &top_k, "… and top-k fraction", "F" },
    { "save-thresholds", 0, 0, G_OPTION_ARG_NONE, &save_thresholds,
      "Choose the thresholds on this data (best F1 when it has anomalies) and save them, with "
      "the scoring, in the model", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsOptimizer) opt = NULL;
  g_autoptr(DsAnomalySet) set = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(DsAurocHistogram) hist = ds_auroc_histogram_new ();
  g_autoptr(GArray) roc = NULL;
  g_autofree DsAnomalyScoring *scorings = NULL;
  g_autofree float *scores = NULL;
  g_autofree double *aurocs = NULL;
  g_autofree guint8 *positive = NULL;
  g_autofree double *class_aurocs = NULL;
  g_autofree guint *class_counts = NULL;
  g_autofree float *good = NULL;
  g_autofree float *subset_scores = NULL;
  g_autofree guint8 *subset_positive = NULL;
  g_autofree float *maxima = NULL;
  g_autofree float *good_maxima = NULL;
  g_auto(DsAnomalyParams) params = { 0 };
  DsAnomalyScoring stored;
  gboolean rescored = FALSE;
  guint n_scorings = 0, n;
  Report r = { 0 };
  PixelJob pixels = { 0 };
  DsSubset subset;
  gint64 start;
  CliStatus status;

  status = cli_parse ("anomaly eval", "Measure an anomaly model: image AUROC, pixel AUROC where "
                      "masks exist, and how its thresholds do.", entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (model_path == NULL || (data_path == NULL) == (project_path == NULL))
    return cli_usage_error ("anomaly eval", "--model and --data or --project (one of them) are "
                            "required");
  if (threads < 0)
    return cli_usage_error ("anomaly eval", "--threads must be 0 or more");

  if ((model = cli_anomaly_load (model_path, &params, &opt, &error)) == NULL)
    return cli_fail (error);
  /* another scoring: the stored thresholds mean nothing for it, so they are chosen here */
  stored = params.scoring;
  if (residual_name != NULL &&
      !ds_residual_kind_from_string (residual_name, &params.scoring.residual))
    return cli_usage_error ("anomaly eval", "unknown residual “%s” (smoothed, squared or ssim)",
                            residual_name);
  if (score_name != NULL && !ds_score_kind_from_string (score_name, &params.scoring.score))
    return cli_usage_error ("anomaly eval", "unknown score “%s” (top-k, mean or max)",
                            score_name);
  if (sigma != -1)
    params.scoring.sigma = (float) sigma;
  if (top_k != -1)
    params.scoring.top_k = (float) top_k;
  if (!ds_anomaly_scoring_check (&params.scoring, &error))
    return cli_usage_error ("anomaly eval", "%s", error->message);
  rescored = !same_scoring (&stored, &params.scoring);
  ctx = ds_context_new (1, (guint) threads);
  set = cli_anomaly_open (data_path, project_path,
                          normal_class != NULL ? normal_class : params.normal_class,
                          DS_ANOMALY_PART_TEST, model->input.c, model->input.h, model->input.w,
                          &error);
  if (set == NULL)
    return cli_fail (error);
  n = set->data->n;

  /* the model's scoring first: its maps feed the pixel AUROC */
  scorings = g_new (DsAnomalyScoring, G_N_ELEMENTS (alternatives) + 1);
  scorings[n_scorings++] = params.scoring;
  for (guint i = 0; i < G_N_ELEMENTS (alternatives); i++)
    if (!same_scoring (&alternatives[i], &params.scoring))
      scorings[n_scorings++] = alternatives[i];
  scores = g_new (float, (gsize) n_scorings * n);
  subset = (DsSubset) { set->data, NULL, n };
  maxima = g_new (float, MAX (n, 1));
  pixels = (PixelJob) { set, hist, 0, maxima };
  start = g_get_monotonic_time ();
  if (!ds_anomaly_score_set (model, ctx, &subset, scorings, n_scorings, 256, scores, pixel_cb,
                             &pixels, &error))
    return cli_fail (error);
  r.seconds = (g_get_monotonic_time () - start) / 1e6;

  /* unlabelled images count neither way */
  positive = g_new (guint8, MAX (n, 1));
  good = g_new (float, MAX (n, 1));
  good_maxima = g_new (float, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      positive[i] = ds_anomaly_set_is_anomalous (set, i);
      if (set->data->labels[i] == set->normal)
        {
          good_maxima[r.n_normal] = maxima[i];
          good[r.n_normal++] = scores[i];
        }
      r.n_anomalous += positive[i];
    }
  aurocs = g_new (double, n_scorings);
  for (guint s = 0; s < n_scorings; s++)
    aurocs[s] = ds_auroc (scores + (gsize) s * n, positive, n);
  r.image_auroc = aurocs[0];
  r.pixel_auroc = ds_auroc_histogram_compute (hist, &r.pixel_error);
  r.pixel_images = pixels.n_images;
  r.pixels = ds_auroc_histogram_count (hist, TRUE) + ds_auroc_histogram_count (hist, FALSE);
  /* enough points for a chart */
  roc = ds_roc_curve (scores, positive, n, 100);

  /* each anomalous class against the normal images */
  class_aurocs = g_new0 (double, set->data->n_classes);
  class_counts = g_new0 (guint, set->data->n_classes);
  subset_scores = g_new (float, MAX (n, 1));
  subset_positive = g_new (guint8, MAX (n, 1));
  for (guint k = 0; k < set->data->n_classes; k++)
    {
      guint m = 0;

      if ((gint32) k == set->normal)
        continue;
      for (guint i = 0; i < n; i++)
        if (set->data->labels[i] == (gint32) k || set->data->labels[i] == set->normal)
          {
            subset_scores[m] = scores[i];
            subset_positive[m++] = set->data->labels[i] == (gint32) k;
            class_counts[k] += set->data->labels[i] == (gint32) k;
          }
      class_aurocs[k] = ds_auroc (subset_scores, subset_positive, m);
    }

  if (save_thresholds || rescored)
    {
      if (r.n_normal == 0)
        {
          fprintf (stderr, "defectscope-cli: %s: no normal images to set thresholds on\n",
                   data_path != NULL ? data_path : project_path);
          return CLI_FAILURE;
        }
      ds_anomaly_params_calibrate (&params, good, r.n_normal, scores, positive, n);
      qsort (good_maxima, r.n_normal, sizeof (float), compare_floats);
      params.heat_max = good_maxima[(gsize) floor (0.99 * (r.n_normal - 1))];
    }
  if (save_thresholds)
    {
      ds_anomaly_params_to_model (&params, model);
      if (!ds_model_save (model, opt, model_path, &error))
        return cli_fail (error);
    }
  else if (rescored)
    fprintf (stderr, "defectscope-cli: another scoring than the model's: the thresholds shown "
                     "are chosen on this data\n");
  measure_thresholds (&params, scores, positive, n, &r);

  if (roc_path != NULL && !write_roc_csv (roc_path, scores, positive, n, &error))
    return cli_fail (error);
  if (json)
    print_json (model, &params, set, &r, scorings, aurocs, n_scorings, class_aurocs,
                class_counts, roc);
  else
    print_text (&params, set, &r, scorings, aurocs, n_scorings, class_aurocs, class_counts);
  if (save_thresholds)
    fprintf (stderr, "thresholds saved in %s\n", model_path);

  return CLI_OK;
}
