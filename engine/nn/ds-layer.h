/* ds-layer.h: one layer = one small vtable
 *
 * A layer is configured from a line of an architecture spec ("conv2d filters=32 kernel=3"),
 * told its input shape, handed views into the model's contiguous parameter, gradient and state
 * buffers, and then runs forward and backward on batches.
 *
 * Conventions:
 * - backward() adds to the parameter gradients (so gradients of several losses can be summed)
 *   and overwrites @dinp, the gradient with respect to the input. @dinp may be NULL when nobody
 *   needs it (the first layer of a classifier); GANs and saliency maps pass a tensor.
 * - backward() is called with the same @inp and @out as the forward() before it.
 * - Shapes per sample have n == 1; the batch size comes with the tensors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-rng.h"
#include "ds-tensor.h"

G_BEGIN_DECLS

typedef struct _DsLayer      DsLayer;
typedef struct _DsLayerClass DsLayerClass;
typedef struct _DsLayerArgs  DsLayerArgs;

typedef enum
{
  DS_INIT_HE,      /* normal, std = sqrt(2 / fan_in): layers followed by ReLU */
  DS_INIT_GLOROT,  /* uniform, limit = sqrt(6 / (fan_in + fan_out)): the Keras default */
} DsInit;

struct _DsLayerClass
{
  const char *name;           /* the spec keyword */
  gsize       instance_size;

  /* Reads the layer's options; unknown keys are reported by the caller. */
  gboolean  (*configure) (DsLayer            *self,
                          DsLayerArgs        *args,
                          GError            **error);
  /* Checks @in (n == 1), sets self->out_shape, self->n_params and self->n_state. */
  gboolean  (*infer)     (DsLayer            *self,
                          GError            **error);
  /* Draws initial parameters and resets state; NULL for layers without either. */
  void      (*init)      (DsLayer            *self,
                          DsRng              *rng);
  void      (*forward)   (DsLayer            *self,
                          const DsTensor     *inp,    /* (B, in) */
                          DsTensor           *out,    /* (B, out), reshaped by the layer */
                          gboolean            training,
                          DsRng              *rng);
  void      (*backward)  (DsLayer            *self,
                          const DsTensor     *inp,    /* (B, in) */
                          const DsTensor     *out,    /* (B, out) */
                          const DsTensor     *dout,   /* (B, out) */
                          DsTensor           *dinp);  /* (B, in), reshaped by the layer; nullable */
  /* Appends the options that configure() reads back, e.g. " filters=32 kernel=3". */
  void      (*describe)  (DsLayer            *self,
                          GString            *spec);
  /* Frees the layer's scratch buffers, not the layer. */
  void      (*finalize)  (DsLayer            *self);
};

struct _DsLayer
{
  const DsLayerClass *klass;
  DsShape  in_shape;    /* (1, C, H, W) */
  DsShape  out_shape;   /* (1, C, H, W) */
  gsize    n_params;
  gsize    n_state;     /* buffers saved with the model but not trained: batchnorm statistics */
  float   *params;      /* (n_params), view into the model's buffer */
  float   *grads;       /* (n_params), same layout as params */
  float   *state;       /* (n_state) */
};

/* Parses one spec line such as "conv2d filters=32 kernel=3 stride=1 padding=0".
 * Returns: (transfer full): the configured layer, or NULL with @error naming the line. */
DsLayer   *ds_layer_new_from_spec  (const char    *line,
                                    GError       **error);
void       ds_layer_free           (DsLayer       *layer);
gboolean   ds_layer_infer          (DsLayer       *layer,
                                    const DsShape *in,
                                    GError       **error);
/* Appends the spec line of @layer, without a newline. */
void       ds_layer_describe       (DsLayer       *layer,
                                    GString       *spec);
const DsLayerClass * const *ds_layer_classes (void);

/* Option parsing for configure(): each getter marks the key as used. */
gboolean   ds_layer_args_get_uint  (DsLayerArgs   *args,
                                    const char    *key,
                                    guint          fallback,
                                    guint         *value,
                                    GError       **error);
gboolean   ds_layer_args_get_float (DsLayerArgs   *args,
                                    const char    *key,
                                    float          fallback,
                                    float         *value,
                                    GError       **error);
gboolean   ds_layer_args_get_init  (DsLayerArgs   *args,
                                    DsInit         fallback,
                                    DsInit        *value,
                                    GError       **error);
const char *ds_init_to_string      (DsInit         init);
/* "activation=relu" or "activation=none" (the default): a ReLU fused into conv2d and dense
 * saves two passes over their output, as Keras' Conv2D(activation="relu") does. */
gboolean   ds_layer_args_get_relu  (DsLayerArgs   *args,
                                    gboolean      *relu,
                                    GError       **error);
/* Appends " key=value" in the C locale, whatever the process's locale is. */
void       ds_layer_append_float   (GString       *spec,
                                    const char    *key,
                                    float          value);

/* Sets layer->n_params to weights (the product of @dims, n of them) plus @bias, failing with
 * DS_ENGINE_ERROR_SHAPE when that overflows or exceeds 2^30 parameters. */
gboolean   ds_layer_set_n_params   (DsLayer       *layer,
                                    const guint   *dims,
                                    guint          n,
                                    guint          bias,
                                    GError       **error);

/* Fills @w with @init for a weight of the given fans. */
void       ds_init_weights         (float         *w,
                                    gsize          n,
                                    guint          fan_in,
                                    guint          fan_out,
                                    DsInit         init,
                                    DsRng         *rng);

/* The layer classes, one file each. */
extern const DsLayerClass ds_dense_class;
extern const DsLayerClass ds_conv2d_class;
extern const DsLayerClass ds_conv_transpose2d_class;
extern const DsLayerClass ds_upsample_class;
extern const DsLayerClass ds_maxpool2d_class;
extern const DsLayerClass ds_avgpool2d_class;
extern const DsLayerClass ds_batchnorm_class;
extern const DsLayerClass ds_dropout_class;
extern const DsLayerClass ds_flatten_class;
extern const DsLayerClass ds_reshape_class;
extern const DsLayerClass ds_relu_class;
extern const DsLayerClass ds_leaky_relu_class;
extern const DsLayerClass ds_sigmoid_class;
extern const DsLayerClass ds_tanh_class;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsLayer, ds_layer_free)

G_END_DECLS
