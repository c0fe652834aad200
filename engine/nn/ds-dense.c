/* ds-dense.c: fully connected layer, y = x · W^T + b, on the flattened sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "nn/ds-gemm.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer   parent;
  guint     units;
  DsInit    init;
  gboolean  relu;       /* fused ReLU on the output */
  float    *dmasked;    /* (B, units) gradient through the fused ReLU */
  gsize     dmasked_cap;
} DsDense;

static gboolean
dense_configure (DsLayer      *layer,
                 DsLayerArgs  *args,
                 GError      **error)
{
  DsDense *self = (DsDense *) layer;

  if (!ds_layer_args_get_uint (args, "units", 0, &self->units, error) ||
      !ds_layer_args_get_init (args, DS_INIT_HE, &self->init, error) ||
      !ds_layer_args_get_relu (args, &self->relu, error))
    return FALSE;
  if (self->units == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "dense: units must be at least 1");
      return FALSE;
    }

  return TRUE;
}

static gboolean
dense_infer (DsLayer  *layer,
             GError  **error)
{
  DsDense *self = (DsDense *) layer;
  gsize in = ds_shape_sample_size (&layer->in_shape);

  layer->out_shape = DS_SHAPE (1, self->units, 1, 1);

  if (in > G_MAXUINT)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "dense: %" G_GSIZE_FORMAT " inputs is too many", in);
      return FALSE;
    }

  return ds_layer_set_n_params (layer, (guint[]) { (guint) in, self->units }, 2, self->units, error);
}

static void
dense_init (DsLayer *layer,
            DsRng   *rng)
{
  DsDense *self = (DsDense *) layer;
  gsize in = ds_shape_sample_size (&layer->in_shape);

  ds_init_weights (layer->params, in * self->units, (guint) in, self->units, self->init, rng);
  memset (layer->params + in * self->units, 0, self->units * sizeof (float));
}

static void
dense_forward (DsLayer        *layer,
               const DsTensor *inp,
               DsTensor       *out,
               gboolean        training,
               DsRng          *rng)
{
  DsDense *self = (DsDense *) layer;
  guint batch = inp->shape.n;
  guint in = (guint) ds_shape_sample_size (&layer->in_shape);
  const float *bias = layer->params + (gsize) in * self->units;

  ds_tensor_reshape (out, DS_SHAPE (batch, self->units, 1, 1));
  for (guint b = 0; b < batch; b++)
    memcpy (out->data + (gsize) b * self->units, bias, self->units * sizeof (float));
  /* Y (B, U) += X (B, in) · W^T */
  ds_gemm (FALSE, TRUE, batch, self->units, in,
           1.0f, inp->data, in, layer->params, in, 1.0f, out->data, self->units);
  if (self->relu)
    for (gsize i = 0; i < ds_tensor_size (out); i++)
      out->data[i] = MAX (out->data[i], 0.0f);
}

static void
dense_backward (DsLayer        *layer,
                const DsTensor *inp,
                const DsTensor *out,
                const DsTensor *dout,
                DsTensor       *dinp)
{
  DsDense *self = (DsDense *) layer;
  guint batch = inp->shape.n;
  guint in = (guint) ds_shape_sample_size (&layer->in_shape);
  float *dbias = layer->grads + (gsize) in * self->units;
  const float *dy = dout->data;

  if (self->relu)
    {
      gsize n = ds_tensor_size (dout);

      ds_floats_reserve (&self->dmasked, &self->dmasked_cap, n);
      for (gsize i = 0; i < n; i++)
        self->dmasked[i] = out->data[i] > 0.0f ? dout->data[i] : 0.0f;
      dy = self->dmasked;
    }

  /* dW (U, in) += dY^T · X */
  ds_gemm (TRUE, FALSE, self->units, in, batch,
           1.0f, dy, self->units, inp->data, in, 1.0f, layer->grads, in);
  for (guint b = 0; b < batch; b++)
    for (guint u = 0; u < self->units; u++)
      dbias[u] += dy[(gsize) b * self->units + u];

  if (dinp != NULL)
    {
      ds_tensor_reshape (dinp, inp->shape);
      /* dX (B, in) = dY · W */
      ds_gemm (FALSE, FALSE, batch, in, self->units,
               1.0f, dy, self->units, layer->params, in, 0.0f, dinp->data, in);
    }
}

static void
dense_describe (DsLayer *layer,
                GString *spec)
{
  DsDense *self = (DsDense *) layer;

  g_string_append_printf (spec, " units=%u init=%s activation=%s", self->units,
                          ds_init_to_string (self->init), self->relu ? "relu" : "none");
}

static void
dense_finalize (DsLayer *layer)
{
  DsDense *self = (DsDense *) layer;

  ds_floats_free (self->dmasked);
}

const DsLayerClass ds_dense_class = {
  .name = "dense",
  .instance_size = sizeof (DsDense),
  .configure = dense_configure,
  .infer = dense_infer,
  .init = dense_init,
  .forward = dense_forward,
  .backward = dense_backward,
  .describe = dense_describe,
  .finalize = dense_finalize,
};
