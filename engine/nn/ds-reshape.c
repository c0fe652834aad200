/* ds-reshape.c: layers that only move values: flatten, reshape and nearest-neighbour upsampling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer parent;
  guint   scale;               /* upsample only */
  guint   channels, height, width; /* reshape only: the output (C, H, W) */
} DsReshape;

static gboolean
flatten_infer (DsLayer  *layer,
               GError  **error)
{
  layer->out_shape = DS_SHAPE (1, (guint) ds_shape_sample_size (&layer->in_shape), 1, 1);

  return TRUE;
}

static void
flatten_forward (DsLayer        *layer,
                 const DsTensor *inp,
                 DsTensor       *out,
                 gboolean        training,
                 DsRng          *rng)
{
  ds_tensor_reshape (out, DS_SHAPE (inp->shape.n, layer->out_shape.c, 1, 1));
  memcpy (out->data, inp->data, ds_tensor_size (inp) * sizeof (float));
}

static void
flatten_backward (DsLayer        *layer,
                  const DsTensor *inp,
                  const DsTensor *out,
                  const DsTensor *dout,
                  DsTensor       *dinp)
{
  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  memcpy (dinp->data, dout->data, ds_tensor_size (inp) * sizeof (float));
}

/* reshape: the same values in another (C, H, W), e.g. a dense decoder's output as an image */
static gboolean
reshape_configure (DsLayer      *layer,
                   DsLayerArgs  *args,
                   GError      **error)
{
  DsReshape *self = (DsReshape *) layer;

  if (!ds_layer_args_get_uint (args, "channels", 0, &self->channels, error) ||
      !ds_layer_args_get_uint (args, "height", 1, &self->height, error) ||
      !ds_layer_args_get_uint (args, "width", 1, &self->width, error))
    return FALSE;
  if (self->channels == 0 || self->height == 0 || self->width == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "reshape: channels, height and width must be at least 1");
      return FALSE;
    }

  return TRUE;
}

static gboolean
reshape_infer (DsLayer  *layer,
               GError  **error)
{
  DsReshape *self = (DsReshape *) layer;
  DsShape out = DS_SHAPE (1, self->channels, self->height, self->width);

  if (ds_shape_sample_size (&out) != ds_shape_sample_size (&layer->in_shape))
    {
      g_autofree char *in_text = ds_shape_to_string (&layer->in_shape);

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "reshape: %u×%u×%u does not hold the %" G_GSIZE_FORMAT " values of %s",
                   self->channels, self->height, self->width,
                   ds_shape_sample_size (&layer->in_shape), in_text);
      return FALSE;
    }
  layer->out_shape = out;

  return TRUE;
}

static void
reshape_forward (DsLayer        *layer,
                 const DsTensor *inp,
                 DsTensor       *out,
                 gboolean        training,
                 DsRng          *rng)
{
  const DsShape *os = &layer->out_shape;

  ds_tensor_reshape (out, DS_SHAPE (inp->shape.n, os->c, os->h, os->w));
  memcpy (out->data, inp->data, ds_tensor_size (inp) * sizeof (float));
}

static void
reshape_describe (DsLayer *layer,
                  GString *spec)
{
  DsReshape *self = (DsReshape *) layer;

  g_string_append_printf (spec, " channels=%u height=%u width=%u",
                          self->channels, self->height, self->width);
}

static gboolean
upsample_configure (DsLayer      *layer,
                    DsLayerArgs  *args,
                    GError      **error)
{
  DsReshape *self = (DsReshape *) layer;

  if (!ds_layer_args_get_uint (args, "scale", 2, &self->scale, error))
    return FALSE;
  if (self->scale == 0 || self->scale > 64)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "upsample: scale must be from 1 to 64");
      return FALSE;
    }

  return TRUE;
}

static gboolean
upsample_infer (DsLayer  *layer,
                GError  **error)
{
  DsReshape *self = (DsReshape *) layer;
  const DsShape *in = &layer->in_shape;

  layer->out_shape = DS_SHAPE (1, in->c, in->h * self->scale, in->w * self->scale);

  return TRUE;
}

static void
upsample_forward (DsLayer        *layer,
                  const DsTensor *inp,
                  DsTensor       *out,
                  gboolean        training,
                  DsRng          *rng)
{
  DsReshape *self = (DsReshape *) layer;
  const DsShape *is = &layer->in_shape;
  const DsShape *os = &layer->out_shape;
  gsize planes = (gsize) inp->shape.n * is->c;

  ds_tensor_reshape (out, DS_SHAPE (inp->shape.n, os->c, os->h, os->w));
  for (gsize p = 0; p < planes; p++)
    {
      const float *src = inp->data + p * is->h * is->w;
      float *dst = out->data + p * os->h * os->w;

      for (guint y = 0; y < os->h; y++)
        for (guint x = 0; x < os->w; x++)
          dst[y * os->w + x] = src[(y / self->scale) * is->w + x / self->scale];
    }
}

static void
upsample_backward (DsLayer        *layer,
                   const DsTensor *inp,
                   const DsTensor *out,
                   const DsTensor *dout,
                   DsTensor       *dinp)
{
  DsReshape *self = (DsReshape *) layer;
  const DsShape *is = &layer->in_shape;
  const DsShape *os = &layer->out_shape;
  gsize planes = (gsize) inp->shape.n * is->c;

  if (dinp == NULL)
    return;
  ds_tensor_reshape (dinp, inp->shape);
  ds_tensor_zero (dinp);
  for (gsize p = 0; p < planes; p++)
    {
      float *dst = dinp->data + p * is->h * is->w;
      const float *src = dout->data + p * os->h * os->w;

      for (guint y = 0; y < os->h; y++)
        for (guint x = 0; x < os->w; x++)
          dst[(y / self->scale) * is->w + x / self->scale] += src[y * os->w + x];
    }
}

static void
upsample_describe (DsLayer *layer,
                   GString *spec)
{
  DsReshape *self = (DsReshape *) layer;

  g_string_append_printf (spec, " scale=%u", self->scale);
}

const DsLayerClass ds_flatten_class = {
  .name = "flatten",
  .instance_size = sizeof (DsReshape),
  .infer = flatten_infer,
  .forward = flatten_forward,
  .backward = flatten_backward,
};

/* Same values, same order: the gradient goes back as it came, like flatten's. */
const DsLayerClass ds_reshape_class = {
  .name = "reshape",
  .instance_size = sizeof (DsReshape),
  .configure = reshape_configure,
  .infer = reshape_infer,
  .forward = reshape_forward,
  .backward = flatten_backward,
  .describe = reshape_describe,
};

const DsLayerClass ds_upsample_class = {
  .name = "upsample",
  .instance_size = sizeof (DsReshape),
  .configure = upsample_configure,
  .infer = upsample_infer,
  .forward = upsample_forward,
  .backward = upsample_backward,
  .describe = upsample_describe,
};
