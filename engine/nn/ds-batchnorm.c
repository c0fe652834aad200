/* ds-batchnorm.c: batch normalisation over (B, H, W) for each channel
 *
 * Works after convolutions (B, C, H, W) and dense layers (B, C, 1, 1). Parameters are gamma and
 * beta (C each); the running mean and variance (C each) are state, saved with the model and used
 * in evaluation. The running variance is the unbiased one, as in PyTorch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer   parent;
  float     momentum;
  float     eps;
  float    *xhat;        /* (B, C, H, W) normalised input of the last training forward */
  gsize     xhat_cap;
  float    *inv_std;     /* (C) of the last forward */
  gboolean  training;    /* mode of the last forward */
} DsBatchNorm;

static gboolean
batchnorm_configure (DsLayer      *layer,
                     DsLayerArgs  *args,
                     GError      **error)
{
  DsBatchNorm *self = (DsBatchNorm *) layer;

  if (!ds_layer_args_get_float (args, "momentum", 0.1f, &self->momentum, error) ||
      !ds_layer_args_get_float (args, "eps", 1e-5f, &self->eps, error))
    return FALSE;
  if (self->momentum <= 0.0f || self->momentum > 1.0f || self->eps <= 0.0f)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "batchnorm: momentum must be in (0, 1] and eps positive");
      return FALSE;
    }

  return TRUE;
}

static gboolean
batchnorm_infer (DsLayer  *layer,
                 GError  **error)
{
  DsBatchNorm *self = (DsBatchNorm *) layer;

  layer->out_shape = layer->in_shape;
  layer->n_params = 2 * (gsize) layer->in_shape.c;
  layer->n_state = 2 * (gsize) layer->in_shape.c;
  g_free (self->inv_std);
  self->inv_std = g_new0 (float, layer->in_shape.c);

  return TRUE;
}

static void
batchnorm_init (DsLayer *layer,
                DsRng   *rng)
{
  guint c = layer->in_shape.c;

  for (guint k = 0; k < c; k++)
    {
      layer->params[k] = 1.0f;        /* gamma */
      layer->params[c + k] = 0.0f;    /* beta */
      layer->state[k] = 0.0f;         /* running mean */
      layer->state[c + k] = 1.0f;     /* running variance */
    }
}

static void
batchnorm_forward (DsLayer        *layer,
                   const DsTensor *inp,
                   DsTensor       *out,
                   gboolean        training,
                   DsRng          *rng)
{
  DsBatchNorm *self = (DsBatchNorm *) layer;
  guint batch = inp->shape.n;
  guint c = layer->in_shape.c;
  gsize hw = (gsize) layer->in_shape.h * layer->in_shape.w;
  const float *gamma = layer->params;
  const float *beta = layer->params + c;
  float *run_mean = layer->state;
  float *run_var = layer->state + c;
  gsize count = batch * hw;

  ds_tensor_reshape (out, inp->shape);
  self->training = training;
  if (training)
    ds_floats_reserve (&self->xhat, &self->xhat_cap, ds_tensor_size (inp));

  for (guint k = 0; k < c; k++)
    {
      float mean, var, inv_std;

      if (training)
        {
          double sum = 0.0, sq = 0.0;

          for (guint b = 0; b < batch; b++)
            {
              const float *x = inp->data + ((gsize) b * c + k) * hw;

              for (gsize i = 0; i < hw; i++)
                sum += x[i];
            }
          mean = (float) (sum / count);
          for (guint b = 0; b < batch; b++)
            {
              const float *x = inp->data + ((gsize) b * c + k) * hw;

              for (gsize i = 0; i < hw; i++)
                sq += (double) (x[i] - mean) * (x[i] - mean);
            }
          var = (float) (sq / count);
          run_mean[k] = (1.0f - self->momentum) * run_mean[k] + self->momentum * mean;
          run_var[k] = (1.0f - self->momentum) * run_var[k]
                       + self->momentum * (count > 1 ? var * count / (count - 1) : var);
        }
      else
        {
          mean = run_mean[k];
          var = run_var[k];
        }

      inv_std = 1.0f / sqrtf (var + self->eps);
      self->inv_std[k] = inv_std;
      for (guint b = 0; b < batch; b++)
        {
          gsize off = ((gsize) b * c + k) * hw;
          const float *x = inp->data + off;
          float *y = out->data + off;

          for (gsize i = 0; i < hw; i++)
            {
              float xh = (x[i] - mean) * inv_std;

              if (training)
                self->xhat[off + i] = xh;
              y[i] = gamma[k] * xh + beta[k];
            }
        }
    }
}

static void
batchnorm_backward (DsLayer        *layer,
                    const DsTensor *inp,
                    const DsTensor *out,
                    const DsTensor *dout,
                    DsTensor       *dinp)
{
  DsBatchNorm *self = (DsBatchNorm *) layer;
  guint batch = inp->shape.n;
  guint c = layer->in_shape.c;
  gsize hw = (gsize) layer->in_shape.h * layer->in_shape.w;
  gsize count = batch * hw;
  const float *gamma = layer->params;
  const float *run_mean = layer->state;
  float *dgamma = layer->grads;
  float *dbeta = layer->grads + c;

  if (dinp != NULL)
    ds_tensor_reshape (dinp, inp->shape);

  for (guint k = 0; k < c; k++)
    {
      double sum_dy = 0.0, sum_dy_xhat = 0.0;

      for (guint b = 0; b < batch; b++)
        {
          gsize off = ((gsize) b * c + k) * hw;
          const float *dy = dout->data + off;

          for (gsize i = 0; i < hw; i++)
            {
              float xh = self->training ? self->xhat[off + i]
                                        : (inp->data[off + i] - run_mean[k]) * self->inv_std[k];

              sum_dy += dy[i];
              sum_dy_xhat += (double) dy[i] * xh;
            }
        }
      dgamma[k] += (float) sum_dy_xhat;
      dbeta[k] += (float) sum_dy;

      if (dinp == NULL)
        continue;

      for (guint b = 0; b < batch; b++)
        {
          gsize off = ((gsize) b * c + k) * hw;
          const float *dy = dout->data + off;
          float *dx = dinp->data + off;
          float scale = gamma[k] * self->inv_std[k];

          if (!self->training)
            {
              /* the statistics are constants in evaluation mode */
              for (gsize i = 0; i < hw; i++)
                dx[i] = dy[i] * scale;
              continue;
            }
          for (gsize i = 0; i < hw; i++)
            dx[i] = scale * (dy[i] - (float) (sum_dy / count)
                             - self->xhat[off + i] * (float) (sum_dy_xhat / count));
        }
    }
}

static void
batchnorm_describe (DsLayer *layer,
                    GString *spec)
{
  DsBatchNorm *self = (DsBatchNorm *) layer;

  ds_layer_append_float (spec, "momentum", self->momentum);
  ds_layer_append_float (spec, "eps", self->eps);
}

static void
batchnorm_finalize (DsLayer *layer)
{
  DsBatchNorm *self = (DsBatchNorm *) layer;

  ds_floats_free (self->xhat);
  g_free (self->inv_std);
}

const DsLayerClass ds_batchnorm_class = {
  .name = "batchnorm",
  .instance_size = sizeof (DsBatchNorm),
  .configure = batchnorm_configure,
  .infer = batchnorm_infer,
  .init = batchnorm_init,
  .forward = batchnorm_forward,
  .backward = batchnorm_backward,
  .describe = batchnorm_describe,
  .finalize = batchnorm_finalize,
};
