/* ds-conv-transpose2d.c: transposed convolution, the decoder's and generator's upsampler
 *
 * It is the backward pass of a convolution run forwards: each input pixel scatters a weighted
 * kernel into the output. Output size: (H - 1) * stride - 2 * padding + kernel + output_padding.
 * Weights are (C_in, C_out, K, K) as in PyTorch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "nn/ds-gemm.h"
#include "nn/ds-im2col.h"
#include "nn/ds-layer.h"

typedef struct
{
  DsLayer          parent;
  guint            filters;
  guint            kernel;
  guint            stride;
  guint            padding;
  guint            output_padding;
  DsInit           init;
  DsPatchGeometry  g;            /* geometry of the *output* image seen as a convolution input */
  float           *col;          /* (C_out*K*K, chunk*H*W) */
  gsize            col_cap;
  float           *tmp;          /* (C_in, chunk*H*W) */
  gsize            tmp_cap;
} DsConvTranspose2d;

static gboolean
convt_configure (DsLayer      *layer,
                 DsLayerArgs  *args,
                 GError      **error)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;

  if (!ds_layer_args_get_uint (args, "filters", 0, &self->filters, error) ||
      !ds_layer_args_get_uint (args, "kernel", 4, &self->kernel, error) ||
      !ds_layer_args_get_uint (args, "stride", 2, &self->stride, error) ||
      !ds_layer_args_get_uint (args, "padding", 1, &self->padding, error) ||
      !ds_layer_args_get_uint (args, "output_padding", 0, &self->output_padding, error) ||
      !ds_layer_args_get_init (args, DS_INIT_HE, &self->init, error))
    return FALSE;
  if (self->filters == 0 || self->kernel == 0 || self->stride == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "conv_transpose2d: filters, kernel and stride must be at least 1");
      return FALSE;
    }
  if (self->output_padding >= self->stride)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "conv_transpose2d: output_padding must be smaller than stride");
      return FALSE;
    }

  return TRUE;
}

static gboolean
convt_infer (DsLayer  *layer,
             GError  **error)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;
  const DsShape *in = &layer->in_shape;
  gint64 oh = (gint64) (in->h - 1) * self->stride - 2 * (gint64) self->padding
              + self->kernel + self->output_padding;
  gint64 ow = (gint64) (in->w - 1) * self->stride - 2 * (gint64) self->padding
              + self->kernel + self->output_padding;

  if (oh <= 0 || ow <= 0 || oh > 65536 || ow > 65536)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "conv_transpose2d: input %u×%u gives an output of %" G_GINT64_FORMAT "×%"
                   G_GINT64_FORMAT, in->h, in->w, oh, ow);
      return FALSE;
    }
  /* seen from the output, the input grid is exactly a convolution's output grid */
  self->g = (DsPatchGeometry) {
    .c = self->filters, .h = (guint) oh, .w = (guint) ow,
    .kh = self->kernel, .kw = self->kernel,
    .stride = self->stride, .pad = self->padding,
    .oh = in->h, .ow = in->w,
  };
  layer->out_shape = DS_SHAPE (1, self->filters, (guint) oh, (guint) ow);

  return ds_layer_set_n_params (layer, (guint[]) { in->c, self->filters, self->kernel, self->kernel },
                                4, self->filters, error);
}

static void
convt_init (DsLayer *layer,
            DsRng   *rng)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;
  guint kk = self->kernel * self->kernel;
  gsize n_weights = layer->n_params - self->filters;

  /* each output pixel sums about C_in * K * K / stride^2 terms */
  ds_init_weights (layer->params, n_weights,
                   MAX (1, layer->in_shape.c * kk / (self->stride * self->stride)),
                   self->filters * kk, self->init, rng);
  memset (layer->params + n_weights, 0, self->filters * sizeof (float));
}

static void
convt_forward (DsLayer        *layer,
               const DsTensor *inp,
               DsTensor       *out,
               gboolean        training,
               DsRng          *rng)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;
  guint batch = inp->shape.n;
  guint cin = layer->in_shape.c;
  guint k = self->filters * self->kernel * self->kernel;
  gsize hw = (gsize) layer->in_shape.h * layer->in_shape.w;
  gsize in_size = ds_shape_sample_size (&layer->in_shape);
  gsize out_size = ds_shape_sample_size (&layer->out_shape);
  gsize ohw = (gsize) self->g.h * self->g.w;
  guint chunk = ds_im2col_chunk (k * hw, batch);
  const float *weight = layer->params;
  const float *bias = layer->params + (gsize) cin * k;

  ds_tensor_reshape (out, DS_SHAPE (batch, self->filters, self->g.h, self->g.w));
  ds_tensor_zero (out);
  ds_floats_reserve (&self->col, &self->col_cap, k * chunk * hw);
  ds_floats_reserve (&self->tmp, &self->tmp_cap, cin * chunk * hw);

  for (guint b0 = 0; b0 < batch; b0 += chunk)
    {
      guint nb = MIN (chunk, batch - b0);
      gsize ncol = nb * hw;

      ds_batch_to_channels (inp->data + b0 * in_size, nb, cin, hw, self->tmp);
      /* cols (C_out*K*K, ncol) = W^T · X */
      ds_gemm (TRUE, FALSE, k, ncol, cin, 1.0f, weight, k, self->tmp, ncol, 0.0f, self->col, ncol);
      ds_col2im_add (&self->g, self->col, nb, out->data + b0 * out_size);
    }

  for (guint b = 0; b < batch; b++)
    for (guint f = 0; f < self->filters; f++)
      {
        float *plane = out->data + ((gsize) b * self->filters + f) * ohw;

        for (gsize i = 0; i < ohw; i++)
          plane[i] += bias[f];
      }
}

static void
convt_backward (DsLayer        *layer,
                const DsTensor *inp,
                const DsTensor *out,
                const DsTensor *dout,
                DsTensor       *dinp)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;
  guint batch = inp->shape.n;
  guint cin = layer->in_shape.c;
  guint k = self->filters * self->kernel * self->kernel;
  gsize hw = (gsize) layer->in_shape.h * layer->in_shape.w;
  gsize in_size = ds_shape_sample_size (&layer->in_shape);
  gsize out_size = ds_shape_sample_size (&layer->out_shape);
  gsize ohw = (gsize) self->g.h * self->g.w;
  guint chunk = ds_im2col_chunk (k * hw, batch);
  const float *weight = layer->params;
  float *dweight = layer->grads;
  float *dbias = layer->grads + (gsize) cin * k;

  if (dinp != NULL)
    ds_tensor_reshape (dinp, inp->shape);

  for (guint b = 0; b < batch; b++)
    for (guint f = 0; f < self->filters; f++)
      {
        dbias[f] += ds_floats_sum (dout->data + ((gsize) b * self->filters + f) * ohw, ohw);
      }

  for (guint b0 = 0; b0 < batch; b0 += chunk)
    {
      guint nb = MIN (chunk, batch - b0);
      gsize ncol = nb * hw;

      ds_im2col (&self->g, dout->data + b0 * out_size, nb, self->col);
      ds_batch_to_channels (inp->data + b0 * in_size, nb, cin, hw, self->tmp);
      /* dW (C_in, C_out*K*K) += X · dcols^T */
      ds_gemm (FALSE, TRUE, cin, k, ncol, 1.0f, self->tmp, ncol, self->col, ncol, 1.0f, dweight, k);
      if (dinp != NULL)
        {
          /* dX (C_in, ncol) = W · dcols */
          ds_gemm (FALSE, FALSE, cin, ncol, k, 1.0f, weight, k, self->col, ncol, 0.0f, self->tmp, ncol);
          ds_channels_to_batch (self->tmp, NULL, FALSE, nb, cin, hw, dinp->data + b0 * in_size);
        }
    }
}

static void
convt_describe (DsLayer *layer,
                GString *spec)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;

  g_string_append_printf (spec, " filters=%u kernel=%u stride=%u padding=%u output_padding=%u init=%s",
                          self->filters, self->kernel, self->stride, self->padding,
                          self->output_padding, ds_init_to_string (self->init));
}

static void
convt_finalize (DsLayer *layer)
{
  DsConvTranspose2d *self = (DsConvTranspose2d *) layer;

  ds_floats_free (self->col);
  ds_floats_free (self->tmp);
}

const DsLayerClass ds_conv_transpose2d_class = {
  .name = "conv_transpose2d",
  .instance_size = sizeof (DsConvTranspose2d),
  .configure = convt_configure,
  .infer = convt_infer,
  .init = convt_init,
  .forward = convt_forward,
  .backward = convt_backward,
  .describe = convt_describe,
  .finalize = convt_finalize,
};
