/* ds-gan-score.c: classifier features, Gaussians fitted to them, and the Fréchet distance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error.h"
#include "gan/ds-gan-private.h"
#include "nn/ds-loss.h"
#include "train/ds-metrics.h"

DsGaussian *
ds_gaussian_new (guint d)
{
  DsGaussian *g = g_new0 (DsGaussian, 1);

  g->d = d;
  g->mean = g_new0 (double, d);
  g->cov = g_new0 (double, (gsize) d * d);
  g->shift = g_new0 (double, d);
  g->sum = g_new0 (double, d);
  g->sum_sq = g_new0 (double, (gsize) d * d);

  return g;
}

void
ds_gaussian_free (DsGaussian *g)
{
  if (g == NULL)
    return;
  g_free (g->mean);
  g_free (g->cov);
  g_free (g->shift);
  g_free (g->sum);
  g_free (g->sum_sq);
  g_free (g);
}

void
ds_gaussian_add (DsGaussian  *g,
                 const float *x,
                 guint        n)
{
  guint d = g->d;
  g_autofree double *v = g_new (double, d);

  for (guint s = 0; s < n; s++)
    {
      const float *row = x + (gsize) s * d;

      /* sums around the first vector keep the covariance accurate for features far from 0 */
      if (g->n == 0)
        for (guint i = 0; i < d; i++)
          g->shift[i] = row[i];
      for (guint i = 0; i < d; i++)
        {
          v[i] = row[i] - g->shift[i];
          g->sum[i] += v[i];
        }
      for (guint i = 0; i < d; i++)
        for (guint j = i; j < d; j++)
          g->sum_sq[(gsize) i * d + j] += v[i] * v[j];
      g->n++;
    }
}

void
ds_gaussian_finish (DsGaussian *g)
{
  guint d = g->d;
  double n = (double) g->n;

  g_return_if_fail (g->n >= 2);

  for (guint i = 0; i < d; i++)
    g->mean[i] = g->shift[i] + g->sum[i] / n;
  for (guint i = 0; i < d; i++)
    for (guint j = i; j < d; j++)
      {
        double c = (g->sum_sq[(gsize) i * d + j] - g->sum[i] * g->sum[j] / n) / (n - 1.0);

        g->cov[(gsize) i * d + j] = g->cov[(gsize) j * d + i] = c;
      }
}

void
ds_symmetric_eigen (double *a,
                    guint   n,
                    double *values,
                    double *vectors)
{
  double *v = vectors;

  if (v != NULL)
    for (guint i = 0; i < n; i++)
      for (guint j = 0; j < n; j++)
        v[(gsize) i * n + j] = i == j ? 1.0 : 0.0;

  for (guint sweep = 0; sweep < 100; sweep++)
    {
      double off = 0.0, diag = 0.0;

      for (guint p = 0; p < n; p++)
        {
          diag += a[(gsize) p * n + p] * a[(gsize) p * n + p];
          for (guint q = p + 1; q < n; q++)
            off += a[(gsize) p * n + q] * a[(gsize) p * n + q];
        }
      /* converged to double precision */
      if (off <= 1e-30 * diag || off == 0.0)
        break;

      for (guint p = 0; p < n; p++)
        for (guint q = p + 1; q < n; q++)
          {
            double apq = a[(gsize) p * n + q];
            double theta, t, c, s;

            if (apq == 0.0)
              continue;
            /* the rotation in the (p, q) plane that zeroes a[p][q]: cot 2φ = theta */
            theta = (a[(gsize) q * n + q] - a[(gsize) p * n + p]) / (2.0 * apq);
            t = (theta >= 0.0 ? 1.0 : -1.0) / (fabs (theta) + sqrt (theta * theta + 1.0));
            c = 1.0 / sqrt (t * t + 1.0);
            s = t * c;
            for (guint k = 0; k < n; k++)
              {
                double akp = a[(gsize) k * n + p], akq = a[(gsize) k * n + q];

                a[(gsize) k * n + p] = c * akp - s * akq;
                a[(gsize) k * n + q] = s * akp + c * akq;
              }
            for (guint k = 0; k < n; k++)
              {
                double apk = a[(gsize) p * n + k], aqk = a[(gsize) q * n + k];

                a[(gsize) p * n + k] = c * apk - s * aqk;
                a[(gsize) q * n + k] = s * apk + c * aqk;
              }
            if (v != NULL)
              for (guint k = 0; k < n; k++)
                {
                  double vkp = v[(gsize) k * n + p], vkq = v[(gsize) k * n + q];

                  v[(gsize) k * n + p] = c * vkp - s * vkq;
                  v[(gsize) k * n + q] = s * vkp + c * vkq;
                }
          }
    }

  for (guint i = 0; i < n; i++)
    values[i] = a[(gsize) i * n + i];

  /* ascending, eigenvectors along (selection sort: n is small) */
  for (guint i = 0; i < n; i++)
    {
      guint best = i;

      for (guint j = i + 1; j < n; j++)
        if (values[j] < values[best])
          best = j;
      if (best == i)
        continue;
      {
        double tmp = values[i];

        values[i] = values[best];
        values[best] = tmp;
      }
      if (v != NULL)
        for (guint k = 0; k < n; k++)
          {
            double tmp = v[(gsize) k * n + i];

            v[(gsize) k * n + i] = v[(gsize) k * n + best];
            v[(gsize) k * n + best] = tmp;
          }
    }
}

double
ds_frechet_distance (const DsGaussian *a,
                     const DsGaussian *b)
{
  guint d = a->d;
  gsize dd = (gsize) d * d;
  g_autofree double *work = g_new (double, dd);
  g_autofree double *vec = g_new (double, dd);
  g_autofree double *root = g_new0 (double, dd);
  g_autofree double *tmp = g_new0 (double, dd);
  g_autofree double *values = g_new (double, d);
  double dist = 0.0, trace_sqrt = 0.0;

  g_return_val_if_fail (a->d == b->d, NAN);

  for (guint i = 0; i < d; i++)
    {
      double diff = a->mean[i] - b->mean[i];

      dist += diff * diff + a->cov[(gsize) i * d + i] + b->cov[(gsize) i * d + i];
    }

  /* root = Σa^½ = V diag (√λ) Vᵀ */
  memcpy (work, a->cov, dd * sizeof (double));
  ds_symmetric_eigen (work, d, values, vec);
  for (guint k = 0; k < d; k++)
    {
      double r = sqrt (MAX (values[k], 0.0));

      for (guint i = 0; i < d; i++)
        for (guint j = 0; j < d; j++)
          root[(gsize) i * d + j] += vec[(gsize) i * d + k] * r * vec[(gsize) j * d + k];
    }

  /* work = Σa^½ Σb Σa^½, symmetric positive semi-definite */
  for (guint i = 0; i < d; i++)
    for (guint j = 0; j < d; j++)
      {
        double s = 0.0;

        for (guint k = 0; k < d; k++)
          s += root[(gsize) i * d + k] * b->cov[(gsize) k * d + j];
        tmp[(gsize) i * d + j] = s;
      }
  for (guint i = 0; i < d; i++)
    for (guint j = 0; j < d; j++)
      {
        double s = 0.0;

        for (guint k = 0; k < d; k++)
          s += tmp[(gsize) i * d + k] * root[(gsize) k * d + j];
        work[(gsize) i * d + j] = s;
      }
  /* rounding leaves it slightly asymmetric; Jacobi reads both halves */
  for (guint i = 0; i < d; i++)
    for (guint j = i + 1; j < d; j++)
      {
        double m = 0.5 * (work[(gsize) i * d + j] + work[(gsize) j * d + i]);

        work[(gsize) i * d + j] = work[(gsize) j * d + i] = m;
      }
  ds_symmetric_eigen (work, d, values, NULL);
  for (guint k = 0; k < d; k++)
    trace_sqrt += sqrt (MAX (values[k], 0.0));

  /* rounding may leave a tiny negative distance between equal distributions */
  return MAX (dist - 2.0 * trace_sqrt, 0.0);
}

guint
ds_classifier_feature_size (const DsModel *classifier)
{
  guint n = ds_model_n_layers (classifier);
  DsLayer *last = ds_model_get_layer (classifier, n - 1);

  if (n < 2 || !g_str_equal (last->klass->name, "dense"))
    return 0;

  return (guint) ds_shape_sample_size (&last->in_shape);
}

typedef struct
{
  const DsTensor *images;   /* (n, C, H, W) */
  guint           offset;
  guint           d;        /* features */
  guint           k;        /* classes */
  float          *features; /* (n, d), nullable */
  float          *probs;    /* (n, k), nullable */
} FeatureJob;

static void
features_slice (DsModel  *replica,
                guint     shard,
                guint     start,
                guint     count,
                DsRng    *rng,
                gpointer  user_data)
{
  FeatureJob *job = user_data;
  guint first = job->offset + start;
  DsTensor x = ds_gan_slice (job->images, first, count);
  const DsTensor *y = ds_model_forward (replica, &x, FALSE, NULL);
  /* the last layer's input: the features it classifies */
  const DsTensor *f = &replica->acts[ds_model_n_layers (replica) - 2];

  if (job->features != NULL)
    memcpy (job->features + (gsize) first * job->d, f->data,
            (gsize) count * job->d * sizeof (float));
  if (job->probs != NULL)
    {
      DsTensor p = { .shape = DS_SHAPE (count, job->k, 1, 1),
                     .data = job->probs + (gsize) first * job->k };

      p.capacity = ds_tensor_size (&p);
      memcpy (p.data, y->data, ds_tensor_size (&p) * sizeof (float));
      ds_softmax (&p);
    }
}

void
ds_classifier_features_on (DsWorkers      *c_workers,
                           const DsTensor *images,
                           float          *features,
                           float          *probs)
{
  DsModel *classifier = ds_workers_get_replica (c_workers, 0);
  DsShape out = ds_model_output_shape (classifier);
  FeatureJob job = {
    .images = images,
    .d = ds_classifier_feature_size (classifier),
    .k = (guint) ds_shape_sample_size (&out),
    .features = features,
    .probs = probs,
  };
  guint n = images->shape.n;
  guint chunk = ds_workers_get_max_batch (c_workers);

  for (job.offset = 0; job.offset < n; job.offset += chunk)
    ds_workers_run (c_workers, MIN (chunk, n - job.offset), NULL, features_slice, &job);
}

static gboolean
check_classifier (DsModel  *classifier,
                  DsShape   image,
                  GError  **error)
{
  if (ds_classifier_feature_size (classifier) == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
                   "the classifier's last layer is not dense: it has no features to compare");
      return FALSE;
    }
  if (classifier->input.c != image.c || classifier->input.h != image.h ||
      classifier->input.w != image.w)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "the classifier takes %u×%u×%u images, these are %u×%u×%u",
                   classifier->input.c, classifier->input.h, classifier->input.w,
                   image.c, image.h, image.w);
      return FALSE;
    }

  return TRUE;
}

DsGaussian *
ds_gaussian_of_images (DsModel         *classifier,
                       DsContext       *ctx,
                       const DsSubset  *real,
                       guint            n,
                       GError         **error)
{
  const DsDataset *data = real->data;
  g_autoptr(DsWorkers) workers = NULL;
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsGaussian) g = NULL;
  g_autofree float *features = NULL;
  g_autofree guint32 *idx = NULL;
  guint d;

  if (!check_classifier (classifier, DS_SHAPE (1, data->c, data->h, data->w), error))
    return NULL;
  n = MIN (n, real->n);
  if (n < 2)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "a Gaussian of features needs at least 2 images, not %u", n);
      return NULL;
    }
  workers = ds_workers_new (classifier, ds_context_get_n_threads (ctx), DS_GAN_EVAL_BATCH,
                            error);
  if (workers == NULL)
    return NULL;
  d = ds_classifier_feature_size (classifier);
  g = ds_gaussian_new (d);
  features = g_new (float, (gsize) DS_GAN_EVAL_BATCH * d);
  idx = g_new (guint32, DS_GAN_EVAL_BATCH);

  for (guint start = 0; start < n; start += DS_GAN_EVAL_BATCH)
    {
      guint count = MIN (DS_GAN_EVAL_BATCH, n - start);

      for (guint i = 0; i < count; i++)
        idx[i] = real->idx != NULL ? real->idx[start + i] : start + i;
      ds_dataset_fill_batch (data, idx, count, NULL, NULL, x, NULL);
      ds_classifier_features_on (workers, x, features, NULL);
      ds_gaussian_add (g, features, count);
    }
  ds_gaussian_finish (g);

  return g_steal_pointer (&g);
}

void
ds_gan_score_free (DsGanScore *score)
{
  if (score == NULL)
    return;
  g_free (score->class_fraction);
  g_free (score);
}

guint
ds_gan_score_top_class (const DsGanScore *score)
{
  guint best = 0;

  for (guint i = 1; i < score->n_classes; i++)
    if (score->class_fraction[i] > score->class_fraction[best])
      best = i;

  return best;
}

DsGanScore *
ds_gan_score_on (DsWorkers        *g_workers,
                 DsWorkers        *c_workers,
                 DsGan            *gan,
                 const DsGaussian *real,
                 guint             n,
                 guint64           seed)
{
  DsModel *classifier = ds_workers_get_replica (c_workers, 0);
  DsShape out = ds_model_output_shape (classifier);
  guint k = (guint) ds_shape_sample_size (&out);
  guint d = real->d;
  g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsGaussian) fake = ds_gaussian_new (d);
  g_autofree float *features = g_new (float, (gsize) DS_GAN_EVAL_BATCH * d);
  g_autofree float *probs = g_new (float, (gsize) DS_GAN_EVAL_BATCH * k);
  g_autofree guint64 *counts = g_new0 (guint64, k);
  DsGanScore *score = g_new0 (DsGanScore, 1);

  ds_gan_latents (gan->latent, n, seed, z);
  for (guint start = 0; start < n; start += DS_GAN_EVAL_BATCH)
    {
      guint count = MIN (DS_GAN_EVAL_BATCH, n - start);
      DsTensor zs = ds_gan_slice (z, start, count);

      ds_gan_generate_on (g_workers, gan, &zs, images);
      ds_classifier_features_on (c_workers, images, features, probs);
      ds_gaussian_add (fake, features, count);
      for (guint i = 0; i < count; i++)
        counts[ds_argmax (probs + (gsize) i * k, k)]++;
    }
  ds_gaussian_finish (fake);

  score->fid = ds_frechet_distance (real, fake);
  score->real_spread = 0.0;
  for (guint i = 0; i < d; i++)
    score->real_spread += real->cov[(gsize) i * d + i];
  score->real_spread /= MAX (d, 1);
  score->n = n;
  score->n_classes = k;
  score->class_fraction = g_new (double, k);
  for (guint i = 0; i < k; i++)
    score->class_fraction[i] = (double) counts[i] / n;

  return score;
}

DsGanScore *
ds_gan_score (DsGan             *gan,
              DsContext         *ctx,
              DsModel           *classifier,
              const DsGaussian  *real,
              guint              n,
              guint64            seed,
              GError           **error)
{
  g_autoptr(DsWorkers) g_workers = NULL;
  g_autoptr(DsWorkers) c_workers = NULL;

  if (!check_classifier (classifier, gan->image, error))
    return NULL;
  if (real->d != ds_classifier_feature_size (classifier) || n < 2)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "a score needs at least 2 samples and real features of this classifier");
      return NULL;
    }
  g_workers = ds_workers_new (gan->generator, ds_context_get_n_threads (ctx), DS_GAN_EVAL_BATCH,
                              error);
  if (g_workers == NULL)
    return NULL;
  c_workers = ds_workers_new (classifier, ds_context_get_n_threads (ctx), DS_GAN_EVAL_BATCH,
                              error);
  if (c_workers == NULL)
    return NULL;

  return ds_gan_score_on (g_workers, c_workers, gan, real, n, seed);
}
