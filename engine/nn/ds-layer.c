/* ds-layer.c: spec parsing, option getters and weight initialisation shared by all layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ds-error.h"
#include "nn/ds-layer.h"

typedef struct
{
  char     *key;
  char     *value;
  gboolean  used;
} DsLayerArg;

struct _DsLayerArgs
{
  const char *layer;  /* for messages */
  GArray     *items;  /* DsLayerArg */
};

static const DsLayerClass * const layer_classes[] = {
  &ds_dense_class,
  &ds_conv2d_class,
  &ds_conv_transpose2d_class,
  &ds_upsample_class,
  &ds_maxpool2d_class,
  &ds_avgpool2d_class,
  &ds_batchnorm_class,
  &ds_dropout_class,
  &ds_flatten_class,
  &ds_reshape_class,
  &ds_relu_class,
  &ds_leaky_relu_class,
  &ds_sigmoid_class,
  &ds_tanh_class,
  NULL,
};

const DsLayerClass * const *
ds_layer_classes (void)
{
  return layer_classes;
}

static DsLayerArg *
args_lookup (DsLayerArgs *args,
             const char  *key)
{
  for (guint i = 0; i < args->items->len; i++)
    {
      DsLayerArg *arg = &g_array_index (args->items, DsLayerArg, i);

      if (g_str_equal (arg->key, key))
        {
          arg->used = TRUE;
          return arg;
        }
    }

  return NULL;
}

gboolean
ds_layer_args_get_uint (DsLayerArgs  *args,
                        const char   *key,
                        guint         fallback,
                        guint        *value,
                        GError      **error)
{
  DsLayerArg *arg = args_lookup (args, key);
  guint64 v;

  if (arg == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (arg->value, 10, 0, 1 << 20, &v, NULL))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: %s=%s is not a whole number up to 1048576", args->layer, key, arg->value);
      return FALSE;
    }
  *value = (guint) v;

  return TRUE;
}

gboolean
ds_layer_args_get_float (DsLayerArgs  *args,
                         const char   *key,
                         float         fallback,
                         float        *value,
                         GError      **error)
{
  DsLayerArg *arg = args_lookup (args, key);
  char *end = NULL;
  double v;

  if (arg == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  v = g_ascii_strtod (arg->value, &end);
  if (end == arg->value || *end != '\0' || !isfinite (v))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: %s=%s is not a number", args->layer, key, arg->value);
      return FALSE;
    }
  *value = (float) v;

  return TRUE;
}

const char *
ds_init_to_string (DsInit init)
{
  return init == DS_INIT_GLOROT ? "glorot" : "he";
}

gboolean
ds_layer_args_get_init (DsLayerArgs  *args,
                        DsInit        fallback,
                        DsInit       *value,
                        GError      **error)
{
  DsLayerArg *arg = args_lookup (args, "init");

  *value = fallback;
  if (arg == NULL)
    return TRUE;
  if (g_str_equal (arg->value, "he"))
    *value = DS_INIT_HE;
  else if (g_str_equal (arg->value, "glorot"))
    *value = DS_INIT_GLOROT;
  else
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: init=%s is not one of he, glorot", args->layer, arg->value);
      return FALSE;
    }

  return TRUE;
}

gboolean
ds_layer_args_get_relu (DsLayerArgs  *args,
                        gboolean     *relu,
                        GError      **error)
{
  DsLayerArg *arg = args_lookup (args, "activation");

  *relu = FALSE;
  if (arg == NULL || g_str_equal (arg->value, "none"))
    return TRUE;
  if (g_str_equal (arg->value, "relu"))
    {
      *relu = TRUE;
      return TRUE;
    }
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
               "%s: activation=%s is not one of none, relu", args->layer, arg->value);
  return FALSE;
}

void
ds_layer_append_float (GString    *spec,
                       const char *key,
                       float       value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (spec, " %s=%s", key, g_ascii_formatd (buf, sizeof buf, "%g", value));
}

gboolean
ds_layer_set_n_params (DsLayer      *layer,
                       const guint  *dims,
                       guint         n,
                       guint         bias,
                       GError      **error)
{
  gsize total = 1;

  for (guint i = 0; i < n; i++)
    if (!g_size_checked_mul (&total, total, dims[i]))
      total = G_MAXSIZE;
  if (total > (1u << 30) || !g_size_checked_add (&total, total, bias) || total > (1u << 30))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "%s: more than 2^30 parameters", layer->klass->name);
      return FALSE;
    }
  layer->n_params = total;

  return TRUE;
}

void
ds_init_weights (float  *w,
                 gsize   n,
                 guint   fan_in,
                 guint   fan_out,
                 DsInit  init,
                 DsRng  *rng)
{
  if (init == DS_INIT_GLOROT)
    {
      float limit = sqrtf (6.0f / (float) (fan_in + fan_out));

      for (gsize i = 0; i < n; i++)
        w[i] = (2.0f * ds_rng_uniform (rng) - 1.0f) * limit;
    }
  else
    {
      float std = sqrtf (2.0f / (float) fan_in);

      for (gsize i = 0; i < n; i++)
        w[i] = ds_rng_normal (rng) * std;
    }
}

static void
arg_clear (gpointer data)
{
  DsLayerArg *arg = data;

  g_free (arg->key);
  g_free (arg->value);
}

DsLayer *
ds_layer_new_from_spec (const char  *line,
                        GError     **error)
{
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (DsLayerArg));
  const DsLayerClass *klass = NULL;
  DsLayerArgs args;
  DsLayer *layer;
  guint n = 0;

  g_array_set_clear_func (items, arg_clear);
  tokens = g_strsplit_set (line, " \t", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      tokens[n++] = tokens[i];
    else
      g_free (tokens[i]);
  tokens[n] = NULL;

  if (n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT, "empty layer line");
      return NULL;
    }

  for (guint i = 0; layer_classes[i] != NULL; i++)
    if (g_str_equal (layer_classes[i]->name, tokens[0]))
      klass = layer_classes[i];
  if (klass == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "unknown layer “%s”", tokens[0]);
      return NULL;
    }

  for (guint i = 1; i < n; i++)
    {
      const char *eq = strchr (tokens[i], '=');
      DsLayerArg arg = { 0 };

      if (eq == NULL || eq == tokens[i] || eq[1] == '\0')
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                       "%s: option “%s” is not key=value", klass->name, tokens[i]);
          return NULL;
        }
      arg.key = g_strndup (tokens[i], eq - tokens[i]);
      arg.value = g_strdup (eq + 1);
      g_array_append_val (items, arg);
    }

  layer = g_malloc0 (klass->instance_size);
  layer->klass = klass;
  args.layer = klass->name;
  args.items = items;
  if (klass->configure != NULL && !klass->configure (layer, &args, error))
    {
      ds_layer_free (layer);
      return NULL;
    }
  for (guint i = 0; i < items->len; i++)
    {
      DsLayerArg *arg = &g_array_index (items, DsLayerArg, i);

      if (!arg->used)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                       "%s: unknown option “%s”", klass->name, arg->key);
          ds_layer_free (layer);
          return NULL;
        }
    }

  return layer;
}

void
ds_layer_free (DsLayer *layer)
{
  if (layer == NULL)
    return;
  if (layer->klass->finalize != NULL)
    layer->klass->finalize (layer);
  g_free (layer);
}

gboolean
ds_layer_infer (DsLayer        *layer,
                const DsShape  *in,
                GError        **error)
{
  layer->in_shape = *in;
  layer->in_shape.n = 1;
  layer->n_params = 0;
  layer->n_state = 0;
  if (in->c == 0 || in->h == 0 || in->w == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "%s: empty input (%u, %u, %u)", layer->klass->name, in->c, in->h, in->w);
      return FALSE;
    }
  if (!layer->klass->infer (layer, error))
    return FALSE;
  layer->out_shape.n = 1;
  if (ds_shape_sample_size (&layer->out_shape) == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "%s: input (%u, %u, %u) leaves nothing to output",
                   layer->klass->name, in->c, in->h, in->w);
      return FALSE;
    }

  return TRUE;
}

void
ds_layer_describe (DsLayer *layer,
                   GString *spec)
{
  g_string_append (spec, layer->klass->name);
  if (layer->klass->describe != NULL)
    layer->klass->describe (layer, spec);
}
