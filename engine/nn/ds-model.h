/* ds-model.h: a sequential model with all parameters in one contiguous buffer
 *
 * The architecture is a text spec, one layer a line (or separated by ';'):
 *
 *   conv2d filters=32 kernel=3
 *   relu
 *   maxpool2d size=2
 *   flatten
 *   dense units=10
 *
 * The spec is saved with the weights, so a model file rebuilds itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-rng.h"
#include "nn/ds-layer.h"
#include "nn/ds-optim.h"
#include "nn/ds-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  char           *spec;         /* normalised: one layer a line, every option written out */
  char           *preset;       /* name of the preset it was built from, or NULL */
  DsShape         input;        /* (1, C, H, W) */
  GPtrArray      *layers;       /* DsLayer */
  gsize           n_params;
  gsize           n_state;
  float          *params;       /* (n_params) every layer's parameters, in layer order */
  gboolean        shares_params; /* a replica: params belong to another model */
  float          *grads;        /* (n_params) same layout */
  float          *state;        /* (n_state) batchnorm statistics */
  GStrv           class_names;  /* names of the outputs of a classifier; nullable */
  GHashTable     *metadata;     /* string → string, saved with the model; nullable */
  DsTensor       *acts;         /* (n_layers) outputs of the last forward */
  DsTensor        dact[2];      /* gradients of activations, used in turn */
  const DsTensor *last_input;   /* input of the last forward, read by backward */
} DsModel;

/* Builds the layers of @spec for inputs of @input (n ignored) and checks every shape.
 * Parameters are zero until ds_model_init_params().
 * Returns: (transfer full): the model, or NULL with @error naming the layer line. */
DsModel        *ds_model_new           (const char      *spec,
                                        DsShape          input,
                                        GError         **error);
/* A model of the same architecture whose layers use @model's parameters (which must outlive
 * it) with gradients, state and buffers of its own: one per training thread.
 * Returns: (transfer full): the replica. */
DsModel        *ds_model_new_replica   (DsModel         *model,
                                        GError         **error);
void            ds_model_free          (DsModel         *model);
void            ds_model_init_params   (DsModel         *model,
                                        DsRng           *rng);
/* Takes a copy of @class_names (NULL-terminated; nullable). */
void            ds_model_set_class_names (DsModel       *model,
                                          const char * const *class_names);
void            ds_model_set_preset    (DsModel         *model,
                                        const char      *preset);
/* Text saved with the model: training state of a checkpoint ("train.*"), an anomaly model's
 * thresholds, and so on. A NULL @value removes @key. */
void            ds_model_set_metadata  (DsModel         *model,
                                        const char      *key,
                                        const char      *value);
/* Returns: (nullable) (transfer none): the value of @key. */
const char     *ds_model_get_metadata  (const DsModel   *model,
                                        const char      *key);
DsShape         ds_model_output_shape  (const DsModel   *model);
guint           ds_model_n_layers      (const DsModel   *model);
DsLayer        *ds_model_get_layer     (const DsModel   *model,
                                        guint            i);

/* Runs @x (B, C, H, W) through every layer. @x must stay alive and unchanged until the
 * matching ds_model_backward(). @rng is used by dropout in training; it may be NULL otherwise.
 * Returns: (transfer none): the output, owned by the model until the next forward. */
const DsTensor *ds_model_forward       (DsModel         *model,
                                        const DsTensor  *x,
                                        gboolean         training,
                                        DsRng           *rng);
void            ds_model_zero_grad     (DsModel         *model);
/* Adds the parameter gradients of d(loss)/d(output) = @dout to model->grads, and writes
 * d(loss)/d(input) into @dinput when it is non-NULL (a GAN's generator needs it). */
void            ds_model_backward      (DsModel         *model,
                                        const DsTensor  *dout,
                                        DsTensor        *dinput);

/* FALSE when any of the @n values is NaN or infinite. */
gboolean        ds_floats_all_finite   (const float     *values,
                                        gsize            n);

/* A table of the layers with their output shapes and parameter counts; g_free(). */
char           *ds_model_summary       (const DsModel   *model);

/* Model files: magic, version, spec, input shape, class names, parameters, state, the
 * optimiser's moments (nullable), then a CRC-32 of everything before it. Written to a temporary
 * file in the same folder, fsynced, renamed over @path, and the folder fsynced, so @path holds
 * either the old or the new model after a crash, never a mix. */
gboolean        ds_model_save          (const DsModel      *model,
                                        const DsOptimizer  *opt,
                                        const char         *path,
                                        GError            **error);
/* Loads a model, and its optimiser state into @opt when non-NULL (set to NULL if the file has
 * none). A damaged, truncated, foreign or newer file gives an error naming @path.
 * Returns: (transfer full): the model. */
DsModel        *ds_model_load          (const char         *path,
                                        DsOptimizer       **opt,
                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsModel, ds_model_free)

G_END_DECLS
