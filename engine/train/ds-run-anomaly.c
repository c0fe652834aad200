/* ds-run-anomaly.c: the end of an autoencoder run: scores, thresholds, AUROC
 *
 * The images measured are those the model did not train on: the normal images held out for
 * validation or in the test split, and every labelled image of another class. The thresholds
 * come from the validation images only, so the test split stays a test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ds-error.h"
#include "anomaly/ds-anomaly.h"
#include "anomaly/ds-roc.h"
#include "data/ds-png.h"
#include "train/ds-run-private.h"

/* What the residual maps are needed for while they go by. */
typedef struct
{
  gsize              hw;
  float             *maxima;     /* (n) each image's largest residual */
  guint8           **masks;      /* (n) the defect mask of a measured image; NULL: none */
  DsAurocHistogram  *pixels;
} MapJob;

static void
map_cb (guint        index,
        const float *map,
        gpointer     user_data)
{
  MapJob *job = user_data;
  float top = 0.0f;

  for (gsize i = 0; i < job->hw; i++)
    top = MAX (top, map[i]);
  job->maxima[index] = top;
  if (job->masks[index] != NULL)
    ds_auroc_histogram_add (job->pixels, map, job->masks[index], job->hw);
}

static int
compare_floats (const void *a,
                const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The masks of the measured images: all zero for a normal image, the file's for an anomalous
 * one that has a mask; an anomalous image without one is left out of the pixel AUROC. */
static gboolean
load_masks (DsRun    *run,
            guint8  **masks,
            guint8   *zeros,
            GError  **error)
{
  const DsDataset *ds = run->data;
  gsize hw = (gsize) ds->h * ds->w;

  for (guint j = 0; j < run->n_val + run->n_test; j++)
    {
      guint i = j < run->n_val ? run->val_idx[j] : run->test_idx[j - run->n_val];
      g_autoptr(DsImageInfo) info = NULL;
      g_autofree guint8 *mask = NULL;

      if (ds->labels[i] == run->normal)
        {
          masks[i] = zeros;
          continue;
        }
      info = ds_project_get_image (run->project, run->image_ids[i], error);
      if (info == NULL)
        return FALSE;
      if (info->abs_mask_path == NULL)
        continue;
      mask = ds_png_load (info->abs_mask_path, 1, ds->h, ds->w, NULL, NULL, error);
      if (mask == NULL)
        return FALSE;
      /* resizing averages the edges: half covered counts as defect */
      for (gsize p = 0; p < hw; p++)
        mask[p] = mask[p] >= 128 ? 255 : 0;
      masks[i] = g_steal_pointer (&mask);
    }

  return TRUE;
}

gboolean
ds_run_finish_anomaly (DsRun         *run,
                       DsRunAnomaly  *figures,
                       GError       **error)
{
  g_autofree char *best_path = g_build_filename (run->folder, DS_RUN_CHECKPOINT_BEST, NULL);
  g_autoptr(DsModel) best = NULL;
  g_autoptr(DsOptimizer) best_opt = NULL;
  g_autoptr(DsAurocHistogram) pixels = ds_auroc_histogram_new ();
  g_auto(DsAnomalyParams) params = { 0 };
  const DsDataset *ds = run->data;
  DsSubset all = { ds, NULL, ds->n };
  gsize hw = (gsize) ds->h * ds->w;
  g_autofree float *scores = g_new (float, MAX (ds->n, 1));
  g_autofree float *maxima = g_new0 (float, MAX (ds->n, 1));
  g_autofree guint8 **masks = g_new0 (guint8 *, MAX (ds->n, 1));
  g_autofree guint8 *zeros = g_malloc0 (MAX (hw, 1));
  g_autofree float *good = NULL;
  g_autofree float *good_max = NULL;
  g_autofree float *measured = NULL;
  g_autofree guint8 *positive = NULL;
  guint n_good = 0, n_measured = 0, n_f1;
  const guint32 *good_idx = run->n_val > 0 ? run->val_idx : run->train_idx;
  guint n_good_idx = run->n_val > 0 ? run->n_val : run->n_train;
  MapJob job = { hw, maxima, masks, pixels };
  DsModel *model = run->model;
  DsOptimizer *opt = run->opt;
  gboolean ok = FALSE;

  *figures = (DsRunAnomaly) { NAN, NAN, NAN, NAN, NAN };
  ds_anomaly_params_init (&params);
  params.scoring = ds_anomaly_scoring_for_size (ds->h, ds->w);
  params.normal_class = g_strdup (ds->class_names[run->normal]);

  /* the best weights score; the thresholds go into their file */
  if (g_file_test (best_path, G_FILE_TEST_EXISTS))
    {
      if ((best = ds_model_load (best_path, &best_opt, error)) == NULL)
        return FALSE;
      model = best;
      opt = best_opt;
    }

  if (!load_masks (run, masks, zeros, error))
    goto out;
  if (!ds_anomaly_score_set (model, run->ctx, &all, &params.scoring, 1, 256, scores, map_cb, &job,
                             error))
    goto out;

  /* thresholds: the validation images (the training images only when there are none, which
   * sets them too low), with the labelled anomalous ones for the best F1 */
  good = g_new (float, MAX (n_good_idx, 1));
  good_max = g_new (float, MAX (n_good_idx, 1));
  for (guint j = 0; j < n_good_idx; j++)
    {
      good[n_good] = scores[good_idx[j]];
      good_max[n_good++] = maxima[good_idx[j]];
    }
  measured = g_new (float, MAX (n_good + run->n_test, 1));
  positive = g_new (guint8, MAX (n_good + run->n_test, 1));
  memcpy (measured, good, n_good * sizeof (float));
  memset (positive, 0, n_good);
  n_f1 = n_good;
  for (guint j = 0; j < run->n_test; j++)
    if (ds->labels[run->test_idx[j]] != run->normal)
      {
        measured[n_f1] = scores[run->test_idx[j]];
        positive[n_f1++] = 1;
      }
  ds_anomaly_params_calibrate (&params, good, n_good, measured, positive, n_f1);
  /* full heat at the 99th percentile of the normal images' largest residuals, as `anomaly
   * train` does: a normal image hardly ever saturates and a defect stands out */
  qsort (good_max, n_good, sizeof (float), compare_floats);
  params.heat_max = good_max[(gsize) floor (0.99 * (n_good - 1))];

  ds_anomaly_params_to_model (&params, model);
  if (!ds_model_save (model, opt, best_path, error))
    goto out;

  /* the figures: every image the model did not train on */
  n_measured = 0;
  for (guint j = 0; j < run->n_val + run->n_test; j++)
    {
      guint i = j < run->n_val ? run->val_idx[j] : run->test_idx[j - run->n_val];

      measured[n_measured] = scores[i];
      positive[n_measured++] = ds->labels[i] != run->normal;
    }
  figures->image_auroc = ds_auroc (measured, positive, n_measured);
  if (ds_auroc_histogram_count (pixels, TRUE) > 0 && ds_auroc_histogram_count (pixels, FALSE) > 0)
    figures->pixel_auroc = ds_auroc_histogram_compute (pixels, NULL);
  figures->threshold = params.threshold;
  figures->threshold_low = params.threshold_low;
  figures->threshold_high = params.threshold_high;

  ok = ds_project_set_anomaly_scores (run->project, run->info->id, run->image_ids, scores, ds->n,
                                      figures, error);

out:
  for (guint i = 0; i < ds->n; i++)
    if (masks[i] != zeros)
      g_free (masks[i]);

  return ok;
}
