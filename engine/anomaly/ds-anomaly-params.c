/* ds-anomaly-params.c: an anomaly model's scoring and thresholds, kept in its metadata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-error.h"
#include "anomaly/ds-anomaly.h"
#include "anomaly/ds-roc.h"

void
ds_anomaly_params_init (DsAnomalyParams *params)
{
  *params = (DsAnomalyParams) {
    .scoring = DS_ANOMALY_SCORING_DEFAULT,
    .threshold = NAN,
    .threshold_low = NAN,
    .threshold_high = NAN,
    .heat_max = NAN,
    .target_frr = 0.01,
    .review_frr = 0.05,
  };
}

DsAnomalyScoring
ds_anomaly_scoring_for_size (guint h,
                             guint w)
{
  DsAnomalyScoring scoring = DS_ANOMALY_SCORING_DEFAULT;

  if ((gsize) h * w >= 64 * 64)
    scoring.score = DS_SCORE_MAX;

  return scoring;
}

guint
ds_anomaly_auto_epochs (guint preset_epochs,
                        guint n_train)
{
  guint n = MAX (n_train, 1);

  return MAX (preset_epochs, MIN ((DS_ANOMALY_IMAGES_SEEN + n - 1) / n,
                                  DS_ANOMALY_MAX_AUTO_EPOCHS));
}

void
ds_anomaly_params_clear (DsAnomalyParams *params)
{
  g_clear_pointer (&params->normal_class, g_free);
  g_clear_pointer (&params->threshold_rule, g_free);
}

static void
set_number (DsModel    *model,
            const char *key,
            double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* nine digits bring a float back exactly */
  ds_model_set_metadata (model, key, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

void
ds_anomaly_params_to_model (const DsAnomalyParams *params,
                            DsModel               *model)
{
  const DsAnomalyScoring *s = &params->scoring;

  ds_model_set_metadata (model, "anomaly.residual", ds_residual_kind_to_string (s->residual));
  set_number (model, "anomaly.sigma", s->sigma);
  ds_model_set_metadata (model, "anomaly.score", ds_score_kind_to_string (s->score));
  set_number (model, "anomaly.top_k", s->top_k);
  set_number (model, "anomaly.threshold", params->threshold);
  set_number (model, "anomaly.threshold_low", params->threshold_low);
  set_number (model, "anomaly.threshold_high", params->threshold_high);
  set_number (model, "anomaly.heat_max", params->heat_max);
  set_number (model, "anomaly.target_frr", params->target_frr);
  set_number (model, "anomaly.review_frr", params->review_frr);
  ds_model_set_metadata (model, "anomaly.normal_class", params->normal_class);
  ds_model_set_metadata (model, "anomaly.threshold_rule", params->threshold_rule);
}

/* Reads @key as a number into @value; a missing key leaves it alone. */
static gboolean
get_number (const DsModel  *model,
            const char     *path,
            const char     *key,
            double         *value,
            GError        **error)
{
  const char *text = ds_model_get_metadata (model, key);
  char *end = NULL;
  double v;

  if (text == NULL)
    return TRUE;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: %s is “%s”, not a number", path, key, text);
      return FALSE;
    }
  *value = v;

  return TRUE;
}

gboolean
ds_anomaly_params_from_model (DsAnomalyParams  *params,
                              const DsModel    *model,
                              const char       *path,
                              GError          **error)
{
  const char *residual = ds_model_get_metadata (model, "anomaly.residual");
  const char *score = ds_model_get_metadata (model, "anomaly.score");
  double sigma, top_k, threshold = NAN, low = NAN, high = NAN, heat = NAN;
  g_autoptr(GError) local_error = NULL;

  ds_anomaly_params_init (params);
  sigma = params->scoring.sigma;
  top_k = params->scoring.top_k;
  if (residual == NULL || score == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not an anomaly model (it has no anomaly scoring)", path);
      return FALSE;
    }
  if (!ds_residual_kind_from_string (residual, &params->scoring.residual) ||
      !ds_score_kind_from_string (score, &params->scoring.score))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: unknown anomaly scoring “%s”, “%s”", path, residual, score);
      return FALSE;
    }
  if (!get_number (model, path, "anomaly.sigma", &sigma, error) ||
      !get_number (model, path, "anomaly.top_k", &top_k, error) ||
      !get_number (model, path, "anomaly.threshold", &threshold, error) ||
      !get_number (model, path, "anomaly.threshold_low", &low, error) ||
      !get_number (model, path, "anomaly.threshold_high", &high, error) ||
      !get_number (model, path, "anomaly.heat_max", &heat, error) ||
      !get_number (model, path, "anomaly.target_frr", &params->target_frr, error) ||
      !get_number (model, path, "anomaly.review_frr", &params->review_frr, error))
    return FALSE;
  params->scoring.sigma = (float) sigma;
  params->scoring.top_k = (float) top_k;
  params->threshold = (float) threshold;
  params->threshold_low = (float) low;
  params->threshold_high = (float) high;
  params->heat_max = (float) heat;
  if (!ds_anomaly_scoring_check (&params->scoring, &local_error))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  if (!isnan (low) && !isnan (high) && !(low <= high))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: the review band %g to %g is upside down", path, low, high);
      return FALSE;
    }
  params->normal_class = g_strdup (ds_model_get_metadata (model, "anomaly.normal_class"));
  params->threshold_rule = g_strdup (ds_model_get_metadata (model, "anomaly.threshold_rule"));

  return TRUE;
}

void
ds_anomaly_params_calibrate (DsAnomalyParams *params,
                             const float     *good,
                             gsize            n_good,
                             const float     *scores,
                             const guint8    *positive,
                             gsize            n)
{
  gboolean labelled = FALSE;
  float at_frr, at_review;

  g_return_if_fail (n_good > 0);

  for (gsize i = 0; scores != NULL && i < n && !labelled; i++)
    labelled = positive[i] != 0;

  at_frr = ds_threshold_at_frr (good, n_good, params->target_frr);
  at_review = ds_threshold_at_frr (good, n_good, MAX (params->review_frr, params->target_frr));
  g_free (params->threshold_rule);
  if (labelled)
    {
      params->threshold = ds_threshold_best_f1 (scores, positive, n, NULL);
      params->threshold_rule = g_strdup ("f1");
    }
  else
    {
      params->threshold = at_frr;
      params->threshold_rule = g_strdup ("frr");
    }
  params->threshold_low = MIN (at_review, params->threshold);
  params->threshold_high = MAX (at_frr, params->threshold);
}
