/* ds-dropout.c: inverted dropout; the identity in evaluation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer   parent;
  float     rate;
  float    *mask;       /* (B, ...) 0 or 1 / (1 - rate) */
  gsize     mask_cap;
  gboolean  training;   /* mode of the last forward */
} DsDropout;

static gboolean
dropout_configure (DsLayer      *layer,
                   DsLayerArgs  *args,
                   GError      **error)
{
  DsDropout *self = (DsDropout *) layer;

  if (!ds_layer_args_get_float (args, "rate", 0.5f, &self->rate, error))
    return FALSE;
  if (self->rate < 0.0f || self->rate >= 1.0f)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "dropout: rate must be in [0, 1)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
dropout_infer (DsLayer  *layer,
               GError  **error)
{
  layer->out_shape = layer->in_shape;

  return TRUE;
}

static void
dropout_forward (DsLayer        *layer,
                 const DsTensor *inp,
                 DsTensor       *out,
                 gboolean        training,
                 DsRng          *rng)
{
  DsDropout *self = (DsDropout *) layer;
  gsize n = ds_tensor_size (inp);
  float keep = 1.0f / (1.0f - self->rate);

  ds_tensor_reshape (out, inp->shape);
  self->training = training && self->rate > 0.0f && rng != NULL;
  if (!self->training)
    {
      memcpy (out->data, inp->data, n * sizeof (float));
      return;
    }
  ds_floats_reserve (&self->mask, &self->mask_cap, n);
  for (gsize i = 0; i < n; i++)
    {
      self->mask[i] = ds_rng_uniform (rng) >= self->rate ? keep : 0.0f;
      out->data[i] = inp->data[i] * self->mask[i];
    }
}

static void
dropout_backward (DsLayer        *layer,
                  const DsTensor *inp,
                  const DsTensor *out,
                  const DsTensor *dout,
                  DsTensor       *dinp)
{
  DsDropout *self = (DsDropout *) layer;
  gsize n = ds_tensor_size (inp);

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  if (!self->training)
    {
      memcpy (dinp->data, dout->data, n * sizeof (float));
      return;
    }
  for (gsize i = 0; i < n; i++)
    dinp->data[i] = dout->data[i] * self->mask[i];
}

static void
dropout_describe (DsLayer *layer,
                  GString *spec)
{
  DsDropout *self = (DsDropout *) layer;

  ds_layer_append_float (spec, "rate", self->rate);
}

static void
dropout_finalize (DsLayer *layer)
{
  DsDropout *self = (DsDropout *) layer;

  ds_floats_free (self->mask);
}

const DsLayerClass ds_dropout_class = {
  .name = "dropout",
  .instance_size = sizeof (DsDropout),
  .configure = dropout_configure,
  .infer = dropout_infer,
  .forward = dropout_forward,
  .backward = dropout_backward,
  .describe = dropout_describe,
  .finalize = dropout_finalize,
};
