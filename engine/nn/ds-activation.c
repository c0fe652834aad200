/* ds-activation.c: element-wise non-linearities (ReLU, LeakyReLU, sigmoid, tanh)
 *
 * Their backward passes use the forward output where it is enough (sigmoid, tanh) so that
 * no extra buffer is kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-error.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer parent;
  float   slope;   /* LeakyReLU only: the gradient below zero */
} DsActivation;

static gboolean
activation_infer (DsLayer  *layer,
                  GError  **error)
{
  layer->out_shape = layer->in_shape;

  return TRUE;
}

static gboolean
leaky_relu_configure (DsLayer      *layer,
                      DsLayerArgs  *args,
                      GError      **error)
{
  DsActivation *self = (DsActivation *) layer;

  /* 0.2 as in DCGAN, where this layer is used most */
  return ds_layer_args_get_float (args, "slope", 0.2f, &self->slope, error);
}

static void
leaky_relu_describe (DsLayer *layer,
                     GString *spec)
{
  DsActivation *self = (DsActivation *) layer;

  ds_layer_append_float (spec, "slope", self->slope);
}

static void
relu_forward (DsLayer        *layer,
              const DsTensor *inp,
              DsTensor       *out,
              gboolean        training,
              DsRng          *rng)
{
  gsize n = ds_tensor_size (inp);

  ds_tensor_reshape (out, inp->shape);
  for (gsize i = 0; i < n; i++)
    out->data[i] = inp->data[i] > 0.0f ? inp->data[i] : 0.0f;
}

static void
relu_backward (DsLayer        *layer,
               const DsTensor *inp,
               const DsTensor *out,
               const DsTensor *dout,
               DsTensor       *dinp)
{
  gsize n = ds_tensor_size (inp);

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  for (gsize i = 0; i < n; i++)
    dinp->data[i] = inp->data[i] > 0.0f ? dout->data[i] : 0.0f;
}

static void
leaky_relu_forward (DsLayer        *layer,
                    const DsTensor *inp,
                    DsTensor       *out,
                    gboolean        training,
                    DsRng          *rng)
{
  DsActivation *self = (DsActivation *) layer;
  gsize n = ds_tensor_size (inp);

  ds_tensor_reshape (out, inp->shape);
  for (gsize i = 0; i < n; i++)
    out->data[i] = inp->data[i] > 0.0f ? inp->data[i] : self->slope * inp->data[i];
}

static void
leaky_relu_backward (DsLayer        *layer,
                     const DsTensor *inp,
                     const DsTensor *out,
                     const DsTensor *dout,
                     DsTensor       *dinp)
{
  DsActivation *self = (DsActivation *) layer;
  gsize n = ds_tensor_size (inp);

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  for (gsize i = 0; i < n; i++)
    dinp->data[i] = inp->data[i] > 0.0f ? dout->data[i] : self->slope * dout->data[i];
}

static void
sigmoid_forward (DsLayer        *layer,
                 const DsTensor *inp,
                 DsTensor       *out,
                 gboolean        training,
                 DsRng          *rng)
{
  gsize n = ds_tensor_size (inp);

  ds_tensor_reshape (out, inp->shape);
  for (gsize i = 0; i < n; i++)
    out->data[i] = 1.0f / (1.0f + expf (-inp->data[i]));
}

static void
sigmoid_backward (DsLayer        *layer,
                  const DsTensor *inp,
                  const DsTensor *out,
                  const DsTensor *dout,
                  DsTensor       *dinp)
{
  gsize n = ds_tensor_size (inp);

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  for (gsize i = 0; i < n; i++)
    dinp->data[i] = dout->data[i] * out->data[i] * (1.0f - out->data[i]);
}

static void
tanh_forward (DsLayer        *layer,
              const DsTensor *inp,
              DsTensor       *out,
              gboolean        training,
              DsRng          *rng)
{
  gsize n = ds_tensor_size (inp);

  ds_tensor_reshape (out, inp->shape);
  for (gsize i = 0; i < n; i++)
    out->data[i] = tanhf (inp->data[i]);
}

static void
tanh_backward (DsLayer        *layer,
               const DsTensor *inp,
               const DsTensor *out,
               const DsTensor *dout,
               DsTensor       *dinp)
{
  gsize n = ds_tensor_size (inp);

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  for (gsize i = 0; i < n; i++)
    dinp->data[i] = dout->data[i] * (1.0f - out->data[i] * out->data[i]);
}

const DsLayerClass ds_relu_class = {
  .name = "relu",
  .instance_size = sizeof (DsActivation),
  .infer = activation_infer,
  .forward = relu_forward,
  .backward = relu_backward,
};

const DsLayerClass ds_leaky_relu_class = {
  .name = "leaky_relu",
  .instance_size = sizeof (DsActivation),
  .configure = leaky_relu_configure,
  .infer = activation_infer,
  .forward = leaky_relu_forward,
  .backward = leaky_relu_backward,
  .describe = leaky_relu_describe,
};

const DsLayerClass ds_sigmoid_class = {
  .name = "sigmoid",
  .instance_size = sizeof (DsActivation),
  .infer = activation_infer,
  .forward = sigmoid_forward,
  .backward = sigmoid_backward,
};

const DsLayerClass ds_tanh_class = {
  .name = "tanh",
  .instance_size = sizeof (DsActivation),
  .infer = activation_infer,
  .forward = tanh_forward,
  .backward = tanh_backward,
};
