/* ds-loss.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "nn/ds-loss.h"

static void
softmax_row (const float *x,
             float       *p,
             guint        k)
{
  float max = x[0];
  double sum = 0.0;

  for (guint j = 1; j < k; j++)
    max = MAX (max, x[j]);
  for (guint j = 0; j < k; j++)
    {
      p[j] = expf (x[j] - max);
      sum += p[j];
    }
  for (guint j = 0; j < k; j++)
    p[j] = (float) (p[j] / sum);
}

void
ds_softmax (DsTensor *logits)
{
  guint k = (guint) ds_shape_sample_size (&logits->shape);

  for (guint b = 0; b < logits->shape.n; b++)
    softmax_row (logits->data + (gsize) b * k, logits->data + (gsize) b * k, k);
}

double
ds_loss_softmax_cross_entropy (const DsTensor *logits,
                               const gint32   *labels,
                               DsTensor       *dlogits,
                               DsTensor       *probs)
{
  guint batch = logits->shape.n;
  guint k = (guint) ds_shape_sample_size (&logits->shape);
  g_autofree float *p = g_new (float, k);
  double loss = 0.0;
  guint counted = 0;

  for (guint b = 0; b < batch; b++)
    counted += labels[b] >= 0 && (guint) labels[b] < k;

  if (dlogits != NULL)
    ds_tensor_reshape (dlogits, logits->shape);
  if (probs != NULL)
    ds_tensor_reshape (probs, logits->shape);

  for (guint b = 0; b < batch; b++)
    {
      const float *x = logits->data + (gsize) b * k;
      gboolean labelled = labels[b] >= 0 && (guint) labels[b] < k;

      softmax_row (x, p, k);
      if (probs != NULL)
        memcpy (probs->data + (gsize) b * k, p, k * sizeof (float));
      if (labelled)
        {
          /* log-softmax from the logits directly stays finite when p underflows */
          float max = x[0];
          double sum = 0.0;

          for (guint j = 1; j < k; j++)
            max = MAX (max, x[j]);
          for (guint j = 0; j < k; j++)
            sum += exp ((double) x[j] - max);
          loss -= (double) x[labels[b]] - max - log (sum);
        }
      if (dlogits != NULL)
        {
          float *d = dlogits->data + (gsize) b * k;

          for (guint j = 0; j < k; j++)
            d[j] = labelled ? (p[j] - (j == (guint) labels[b] ? 1.0f : 0.0f)) / counted : 0.0f;
        }
    }

  return counted > 0 ? loss / counted : 0.0;
}

double
ds_loss_mse (const DsTensor *pred,
             const DsTensor *target,
             DsTensor       *dpred)
{
  gsize n = ds_tensor_size (pred);
  double loss = 0.0;

  g_return_val_if_fail (ds_tensor_size (target) == n, NAN);

  if (dpred != NULL)
    ds_tensor_reshape (dpred, pred->shape);
  for (gsize i = 0; i < n; i++)
    {
      float diff = pred->data[i] - target->data[i];

      loss += (double) diff * diff;
      if (dpred != NULL)
        dpred->data[i] = 2.0f * diff / (float) n;
    }

  return n > 0 ? loss / n : 0.0;
}

double
ds_loss_bce_with_logits (const DsTensor *logits,
                         const float    *targets,
                         DsTensor       *dlogits)
{
  gsize n = ds_tensor_size (logits);
  double loss = 0.0;

  if (dlogits != NULL)
    ds_tensor_reshape (dlogits, logits->shape);
  for (gsize i = 0; i < n; i++)
    {
      float x = logits->data[i];
      float t = targets[i];

      loss += MAX (x, 0.0f) - x * t + log1pf (expf (-fabsf (x)));
      if (dlogits != NULL)
        dlogits->data[i] = (1.0f / (1.0f + expf (-x)) - t) / (float) n;
    }

  return n > 0 ? loss / n : 0.0;
}
