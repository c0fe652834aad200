/* ds-anomaly.c: residual maps, image scores, batch scoring and heatmaps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error.h"
#include "anomaly/ds-anomaly.h"
#include "data/ds-png.h"
#include "train/ds-workers.h"

/* The window of DS_ANOMALY_MAX_SIGMA: radius ceil (3σ). */
#define MAX_RADIUS 48

static const char * const residual_names[] = { "squared", "smoothed", "ssim" };
static const char * const score_names[] = { "mean", "max", "top-k" };

const char *
ds_residual_kind_to_string (DsResidualKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (residual_names), "squared");

  return residual_names[kind];
}

gboolean
ds_residual_kind_from_string (const char     *name,
                              DsResidualKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (residual_names); i++)
    if (g_ascii_strcasecmp (name, residual_names[i]) == 0)
      {
        *kind = (DsResidualKind) i;
        return TRUE;
      }

  return FALSE;
}

const char *
ds_score_kind_to_string (DsScoreKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (score_names), "mean");

  return score_names[kind];
}

gboolean
ds_score_kind_from_string (const char  *name,
                           DsScoreKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (score_names); i++)
    if (g_ascii_strcasecmp (name, score_names[i]) == 0)
      {
        *kind = (DsScoreKind) i;
        return TRUE;
      }
  /* "topk" is what people type */
  if (g_ascii_strcasecmp (name, "topk") == 0)
    {
      *kind = DS_SCORE_TOP_K;
      return TRUE;
    }

  return FALSE;
}

gboolean
ds_anomaly_scoring_check (const DsAnomalyScoring  *scoring,
                          GError                 **error)
{
  if (scoring->residual > DS_RESIDUAL_SSIM || scoring->score > DS_SCORE_TOP_K)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "unknown residual or score kind");
      return FALSE;
    }
  if (scoring->residual != DS_RESIDUAL_SQUARED &&
      !(scoring->sigma >= 0.25f && scoring->sigma <= DS_ANOMALY_MAX_SIGMA))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the %s residual needs a σ from 0.25 to %g pixels, not %g",
                   residual_names[scoring->residual], DS_ANOMALY_MAX_SIGMA, scoring->sigma);
      return FALSE;
    }
  if (scoring->score == DS_SCORE_TOP_K && !(scoring->top_k > 0.0f && scoring->top_k <= 1.0f))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the top-k fraction must be above 0 and at most 1, not %g", scoring->top_k);
      return FALSE;
    }

  return TRUE;
}

char *
ds_anomaly_scoring_describe (const DsAnomalyScoring *scoring)
{
  GString *text = g_string_new (ds_residual_kind_to_string (scoring->residual));

  if (scoring->residual != DS_RESIDUAL_SQUARED)
    g_string_append_printf (text, " σ=%g", scoring->sigma);
  if (scoring->score == DS_SCORE_TOP_K)
    g_string_append_printf (text, ", top-%g%%", 100.0 * scoring->top_k);
  else
    g_string_append_printf (text, ", %s", ds_score_kind_to_string (scoring->score));

  return g_string_free (text, FALSE);
}

/* Fills @kernel with 2r + 1 Gaussian weights; returns r. */
static guint
gaussian_kernel (float  sigma,
                 float *kernel)
{
  guint r = (guint) CLAMP (ceilf (3.0f * sigma), 1.0f, (float) MAX_RADIUS);

  for (guint i = 0; i <= 2 * r; i++)
    {
      float d = (float) i - (float) r;

      kernel[i] = expf (-d * d / (2.0f * sigma * sigma));
    }

  return r;
}

/* One pass along rows (@step 1, @len w) or columns (@step w, @len h) of @src into @dst. */
static void
blur_pass (const float *src,
           float       *dst,
           guint        lines,
           guint        len,
           gsize        line_step,
           gsize        step,
           const float *kernel,
           guint        r)
{
  for (guint l = 0; l < lines; l++)
    {
      const float *s = src + l * line_step;
      float *d = dst + l * line_step;

      for (guint i = 0; i < len; i++)
        {
          guint lo = i >= r ? i - r : 0;
          guint hi = MIN (i + r, len - 1);
          float sum = 0.0f, weight = 0.0f;

          /* only the taps inside the image, renormalised */
          for (guint j = lo; j <= hi; j++)
            {
              float k = kernel[j + r - i];

              sum += k * s[j * step];
              weight += k;
            }
          d[i * step] = sum / weight;
        }
    }
}

void
ds_gaussian_blur (float *plane,
                  guint  h,
                  guint  w,
                  float  sigma,
                  float *scratch)
{
  float kernel[2 * MAX_RADIUS + 1];
  guint r = gaussian_kernel (sigma, kernel);

  blur_pass (plane, scratch, h, w, w, 1, kernel, r);
  blur_pass (scratch, plane, w, h, 1, w, kernel, r);
}

/* SSIM of two planes; @scratch holds 6 h w floats. */
static void
ssim_map_scratch (const float *a,
                  const float *b,
                  guint        h,
                  guint        w,
                  float        sigma,
                  float       *out,
                  float       *scratch)
{
  const float c1 = 0.01f * 0.01f, c2 = 0.03f * 0.03f;
  gsize n = (gsize) h * w;
  float *ma = scratch, *mb = scratch + n, *aa = scratch + 2 * n, *bb = scratch + 3 * n;
  float *ab = scratch + 4 * n, *tmp = scratch + 5 * n;

  for (gsize i = 0; i < n; i++)
    {
      ma[i] = a[i];
      mb[i] = b[i];
      aa[i] = a[i] * a[i];
      bb[i] = b[i] * b[i];
      ab[i] = a[i] * b[i];
    }
  ds_gaussian_blur (ma, h, w, sigma, tmp);
  ds_gaussian_blur (mb, h, w, sigma, tmp);
  ds_gaussian_blur (aa, h, w, sigma, tmp);
  ds_gaussian_blur (bb, h, w, sigma, tmp);
  ds_gaussian_blur (ab, h, w, sigma, tmp);
  for (gsize i = 0; i < n; i++)
    {
      float va = aa[i] - ma[i] * ma[i], vb = bb[i] - mb[i] * mb[i], cov = ab[i] - ma[i] * mb[i];

      out[i] = (2.0f * ma[i] * mb[i] + c1) * (2.0f * cov + c2)
               / ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
    }
}

void
ds_ssim_map (const float *a,
             const float *b,
             guint        h,
             guint        w,
             float        sigma,
             float       *out)
{
  g_autofree float *scratch = g_new (float, 6 * (gsize) h * w);

  ssim_map_scratch (a, b, h, w, sigma, out, scratch);
}

double
ds_ssim (const float *a,
         const float *b,
         guint        h,
         guint        w,
         float        sigma)
{
  g_autofree float *map = g_new (float, (gsize) h * w);
  double sum = 0.0;

  ds_ssim_map (a, b, h, w, sigma, map);
  for (gsize i = 0; i < (gsize) h * w; i++)
    sum += map[i];

  return sum / ((double) h * w);
}

gsize
ds_anomaly_scratch_size (guint h,
                         guint w)
{
  return 7 * (gsize) h * w;
}

void
ds_anomaly_residual (const DsAnomalyScoring *scoring,
                     const float            *x,
                     const float            *xhat,
                     guint                   c,
                     guint                   h,
                     guint                   w,
                     float                  *map,
                     float                  *scratch)
{
  gsize n = (gsize) h * w;
  float inv_c = 1.0f / (float) c;

  memset (map, 0, n * sizeof (float));
  for (guint k = 0; k < c; k++)
    {
      const float *a = x + k * n, *b = xhat + k * n;

      switch (scoring->residual)
        {
        case DS_RESIDUAL_SQUARED:
          for (gsize i = 0; i < n; i++)
            map[i] += (a[i] - b[i]) * (a[i] - b[i]) * inv_c;
          break;

        case DS_RESIDUAL_SMOOTHED:
          for (gsize i = 0; i < n; i++)
            scratch[i] = a[i] - b[i];
          ds_gaussian_blur (scratch, h, w, scoring->sigma, scratch + n);
          for (gsize i = 0; i < n; i++)
            map[i] += scratch[i] * scratch[i] * inv_c;
          break;

        case DS_RESIDUAL_SSIM:
          ssim_map_scratch (a, b, h, w, scoring->sigma, scratch + 6 * n, scratch);
          /* SSIM <= 1 in exact arithmetic; rounding must not make a residual negative */
          for (gsize i = 0; i < n; i++)
            map[i] += MAX (1.0f - scratch[6 * n + i], 0.0f) * inv_c;
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

/* Rearranges @a so that a[nth] is the value a sort would put there, nothing larger before it
 * and nothing smaller after it (Hoare's selection). */
static void
select_nth (float *a,
            gsize  n,
            gsize  nth)
{
  gssize lo = 0, hi = (gssize) n - 1;

  while (lo < hi)
    {
      gssize mid = lo + (hi - lo) / 2, i = lo, j = hi;
      float x = a[lo], y = a[mid], z = a[hi];
      float pivot = MAX (MIN (x, y), MIN (MAX (x, y), z));

      while (i <= j)
        {
          while (a[i] < pivot)
            i++;
          while (a[j] > pivot)
            j--;
          if (i <= j)
            {
              float t = a[i];

              a[i++] = a[j];
              a[j--] = t;
            }
        }
      if ((gssize) nth <= j)
        hi = j;
      else if ((gssize) nth >= i)
        lo = i;
      else
        return;
    }
}

float
ds_anomaly_score_map (const DsAnomalyScoring *scoring,
                      const float            *map,
                      gsize                   n,
                      float                  *scratch)
{
  double sum = 0.0;
  float top = -INFINITY;
  gsize k;

  g_return_val_if_fail (n > 0, NAN);

  switch (scoring->score)
    {
    case DS_SCORE_MEAN:
      return ds_floats_sum (map, n) / (float) n;

    case DS_SCORE_MAX:
      for (gsize i = 0; i < n; i++)
        top = MAX (top, map[i]);
      return top;

    case DS_SCORE_TOP_K:
      k = (gsize) CLAMP (llround (scoring->top_k * (double) n), 1, (long long) n);
      memcpy (scratch, map, n * sizeof (float));
      if (k < n)
        select_nth (scratch, n, n - k);
      for (gsize i = n - k; i < n; i++)
        sum += scratch[i];
      return (float) (sum / (double) k);

    default:
      g_assert_not_reached ();
    }
}

/* One batch split over the workers. */
typedef struct
{
  const DsTensor         *x;           /* (B, C, H, W) the whole batch */
  const DsAnomalyScoring *scorings;
  guint                   n_scorings;
  guint                   batch;       /* B */
  float                  *scores;      /* (n_scorings, B) */
  float                  *maps;        /* (B, H, W) of scorings[0], or NULL */
  GPtrArray              *scratch;     /* (n_shards) float buffers, see score_slice */
  guint                  *same_map;    /* (n_scorings) first scoring with the same residual */
} ScoreJob;

static void
score_slice (DsModel  *replica,
             guint     shard,
             guint     start,
             guint     count,
             DsRng    *rng,
             gpointer  user_data)
{
  ScoreJob *job = user_data;
  const DsShape *s = &job->x->shape;
  gsize chw = ds_shape_sample_size (s), hw = (gsize) s->h * s->w;
  DsTensor view = { .shape = DS_SHAPE (count, s->c, s->h, s->w), .capacity = 0 };
  float *scratch = g_ptr_array_index (job->scratch, shard);
  /* scratch: the residual's, then one map per scoring, then the top-k copy */
  float *maps = scratch + ds_anomaly_scratch_size (s->h, s->w);
  float *top = maps + job->n_scorings * hw;
  const DsTensor *out;

  view.data = job->x->data + start * chw;
  out = ds_model_forward (replica, &view, FALSE, NULL);
  for (guint i = 0; i < count; i++)
    for (guint k = 0; k < job->n_scorings; k++)
      {
        float *map = k == 0 && job->maps != NULL ? job->maps + (start + i) * hw : maps + k * hw;
        guint same = job->same_map[k];

        if (same < k)
          {
            const float *done = same == 0 && job->maps != NULL ? job->maps + (start + i) * hw
                                                                : maps + same * hw;
            memcpy (map, done, hw * sizeof (float));
          }
        else
          ds_anomaly_residual (&job->scorings[k], view.data + i * chw, out->data + i * chw,
                               s->c, s->h, s->w, map, scratch);
        job->scores[k * job->batch + start + i] = ds_anomaly_score_map (&job->scorings[k], map,
                                                                        hw, top);
      }
}

gboolean
ds_anomaly_score_set (DsModel                *model,
                      DsContext              *ctx,
                      const DsSubset         *set,
                      const DsAnomalyScoring *scorings,
                      guint                   n_scorings,
                      guint                   batch_size,
                      float                  *scores,
                      DsAnomalyMapFunc        map_func,
                      gpointer                user_data,
                      GError                **error)
{
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsWorkers) workers = NULL;
  g_autoptr(GPtrArray) scratch = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint32 *idx = NULL;
  g_autofree float *batch_scores = NULL;
  g_autofree float *maps = NULL;
  g_autofree guint *same_map = NULL;
  DsShape in = model->input, out = ds_model_output_shape (model);
  gsize hw = (gsize) in.h * in.w;
  guint64 n_steps;
  ScoreJob job = { 0 };

  g_return_val_if_fail (n_scorings > 0 && batch_size > 0, FALSE);

  if (out.c != in.c || out.h != in.h || out.w != in.w)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "not an autoencoder: it turns %u×%u×%u images into %u×%u×%u",
                   in.c, in.h, in.w, out.c, out.h, out.w);
      return FALSE;
    }
  if (set->data->c != in.c || set->data->h != in.h || set->data->w != in.w)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "the model takes %u×%u×%u images, the data has %u×%u×%u",
                   in.c, in.h, in.w, set->data->c, set->data->h, set->data->w);
      return FALSE;
    }
  for (guint k = 0; k < n_scorings; k++)
    if (!ds_anomaly_scoring_check (&scorings[k], error))
      return FALSE;

  workers = ds_workers_new (model, ds_context_get_n_threads (ctx), batch_size, error);
  if (workers == NULL)
    return FALSE;
  /* whole shards: a score does not depend on the batch size asked for */
  batch_size = ds_workers_get_max_batch (workers);
  for (guint i = 0; i < ds_workers_get_n_shards (workers); i++)
    g_ptr_array_add (scratch, g_new (float, ds_anomaly_scratch_size (in.h, in.w)
                                            + (n_scorings + 1) * hw));
  /* scorings that differ only in how the map is summarised share the map */
  same_map = g_new (guint, n_scorings);
  for (guint k = 0; k < n_scorings; k++)
    {
      same_map[k] = k;
      for (guint j = 0; j < k && same_map[k] == k; j++)
        if (scorings[j].residual == scorings[k].residual &&
            (scorings[k].residual == DS_RESIDUAL_SQUARED || scorings[j].sigma == scorings[k].sigma))
          same_map[k] = j;
    }
  batch_scores = g_new (float, (gsize) n_scorings * batch_size);
  if (map_func != NULL)
    maps = g_new (float, batch_size * hw);
  idx = g_new (guint32, MAX (set->n, 1));
  for (guint i = 0; i < set->n; i++)
    idx[i] = set->idx != NULL ? set->idx[i] : i;

  job.x = x;
  job.scorings = scorings;
  job.n_scorings = n_scorings;
  job.scores = batch_scores;
  job.maps = maps;
  job.scratch = scratch;
  job.same_map = same_map;
  n_steps = (set->n + batch_size - 1) / batch_size;
  for (guint start = 0, step = 1; start < set->n; start += batch_size, step++)
    {
      guint count = MIN (batch_size, set->n - start);
      DsProgress progress = {
        .kind = DS_PROGRESS_EVALUATE,
        .step = step,
        .n_steps = n_steps,
        .eta_seconds = -1.0,
        .val_loss = NAN,
        .val_accuracy = NAN,
      };

      ds_dataset_fill_batch (set->data, idx + start, count, NULL, NULL, x, NULL);
      job.batch = count;
      ds_workers_run (workers, count, NULL, score_slice, &job);
      for (guint k = 0; k < n_scorings; k++)
        memcpy (scores + (gsize) k * set->n + start, batch_scores + (gsize) k * count,
                count * sizeof (float));
      if (map_func != NULL)
        for (guint i = 0; i < count; i++)
          map_func (start + i, maps + i * hw, user_data);

      if (!ds_context_report (ctx, &progress))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED, "cancelled");
          return FALSE;
        }
    }

  return TRUE;
}

void
ds_anomaly_heatmap_to_gray (const float *map,
                            gsize        n,
                            float        heat_max,
                            guint8      *out)
{
  float scale;

  if (!(heat_max > 0.0f))
    {
      heat_max = 0.0f;
      for (gsize i = 0; i < n; i++)
        heat_max = MAX (heat_max, map[i]);
    }
  scale = heat_max > 0.0f ? 255.0f / heat_max : 0.0f;
  for (gsize i = 0; i < n; i++)
    {
      float v = map[i] * scale;

      /* NaN fails both tests and shows as 0 */
      out[i] = v >= 255.0f ? 255 : v > 0.0f ? (guint8) (v + 0.5f) : 0;
    }
}

gboolean
ds_anomaly_heatmap_save (const char   *path,
                         const float  *map,
                         guint         h,
                         guint         w,
                         float         heat_max,
                         GError      **error)
{
  g_autofree guint8 *gray = g_malloc ((gsize) h * w);

  ds_anomaly_heatmap_to_gray (map, (gsize) h * w, heat_max, gray);

  return ds_png_save (path, gray, 1, h, w, error);
}
