/* ds-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-error.h"
#include "nn/ds-model.h"

DsModel *
ds_model_new (const char  *spec,
              DsShape      input,
              GError     **error)
{
  g_autoptr(DsModel) model = g_new0 (DsModel, 1);
  g_auto(GStrv) lines = g_strsplit_set (spec, "\n;", -1);
  g_autoptr(GString) normal = g_string_new (NULL);
  DsShape shape = input;
  gsize p = 0, s = 0;

  model->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_layer_free);
  model->input = DS_SHAPE (1, input.c, input.h, input.w);
  shape.n = 1;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      DsLayer *layer;

      if (*line == '\0' || *line == '#')
        continue;
      layer = ds_layer_new_from_spec (line, &local_error);
      if (layer == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "layer %u: ", model->layers->len + 1);
          return NULL;
        }
      g_ptr_array_add (model->layers, layer);
      if (!ds_layer_infer (layer, &shape, &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "layer %u: ", model->layers->len);
          return NULL;
        }
      shape = layer->out_shape;
      if (!g_size_checked_add (&model->n_params, model->n_params, layer->n_params) ||
          model->n_params > (1u << 30))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                       "layer %u: the model has too many parameters", model->layers->len);
          return NULL;
        }
      model->n_state += layer->n_state;
      if (normal->len > 0)
        g_string_append_c (normal, '\n');
      ds_layer_describe (layer, normal);
    }

  if (model->layers->len == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "the architecture has no layers");
      return NULL;
    }

  model->spec = g_string_free (g_steal_pointer (&normal), FALSE);
  model->params = ds_floats_try_new0 (model->n_params);
  model->grads = ds_floats_try_new0 (model->n_params);
  model->state = ds_floats_try_new0 (model->n_state);
  model->acts = g_new0 (DsTensor, model->layers->len);
  if (model->params == NULL || model->grads == NULL || model->state == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                   "not enough memory for %" G_GSIZE_FORMAT " parameters", model->n_params);
      return NULL;
    }

  for (guint i = 0; i < model->layers->len; i++)
    {
      DsLayer *layer = g_ptr_array_index (model->layers, i);

      layer->params = model->params + p;
      layer->grads = model->grads + p;
      layer->state = model->state + s;
      p += layer->n_params;
      s += layer->n_state;
    }

  return g_steal_pointer (&model);
}

DsModel *
ds_model_new_replica (DsModel  *model,
                      GError  **error)
{
  DsModel *replica = ds_model_new (model->spec, model->input, error);
  gsize p = 0;

  if (replica == NULL)
    return NULL;
  ds_floats_free (replica->params);
  replica->params = model->params;
  replica->shares_params = TRUE;
  memcpy (replica->state, model->state, model->n_state * sizeof (float));
  for (guint i = 0; i < replica->layers->len; i++)
    {
      DsLayer *layer = g_ptr_array_index (replica->layers, i);

      layer->params = replica->params + p;
      p += layer->n_params;
    }

  return replica;
}

void
ds_model_free (DsModel *model)
{
  if (model == NULL)
    return;
  if (model->acts != NULL)
    for (guint i = 0; i < model->layers->len; i++)
      ds_tensor_clear (&model->acts[i]);
  g_free (model->acts);
  ds_tensor_clear (&model->dact[0]);
  ds_tensor_clear (&model->dact[1]);
  g_clear_pointer (&model->layers, g_ptr_array_unref);
  if (!model->shares_params)
    ds_floats_free (model->params);
  ds_floats_free (model->grads);
  ds_floats_free (model->state);
  g_strfreev (model->class_names);
  g_clear_pointer (&model->metadata, g_hash_table_unref);
  g_free (model->preset);
  g_free (model->spec);
  g_free (model);
}

void
ds_model_init_params (DsModel *model,
                      DsRng   *rng)
{
  for (guint i = 0; i < model->layers->len; i++)
    {
      DsLayer *layer = g_ptr_array_index (model->layers, i);

      if (layer->klass->init != NULL)
        layer->klass->init (layer, rng);
    }
}

void
ds_model_set_class_names (DsModel            *model,
                          const char * const *class_names)
{
  g_strfreev (model->class_names);
  model->class_names = g_strdupv ((char **) class_names);
}

void
ds_model_set_preset (DsModel    *model,
                     const char *preset)
{
  g_free (model->preset);
  model->preset = g_strdup (preset);
}

void
ds_model_set_metadata (DsModel    *model,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (key != NULL);

  if (value == NULL)
    {
      if (model->metadata != NULL)
        g_hash_table_remove (model->metadata, key);
      return;
    }
  if (model->metadata == NULL)
    model->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (model->metadata, g_strdup (key), g_strdup (value));
}

const char *
ds_model_get_metadata (const DsModel *model,
                       const char    *key)
{
  return model->metadata != NULL ? g_hash_table_lookup (model->metadata, key) : NULL;
}

guint
ds_model_n_layers (const DsModel *model)
{
  return model->layers->len;
}

DsLayer *
ds_model_get_layer (const DsModel *model,
                    guint          i)
{
  return g_ptr_array_index (model->layers, i);
}

DsShape
ds_model_output_shape (const DsModel *model)
{
  return ds_model_get_layer (model, model->layers->len - 1)->out_shape;
}

const DsTensor *
ds_model_forward (DsModel        *model,
                  const DsTensor *x,
                  gboolean        training,
                  DsRng          *rng)
{
  const DsTensor *inp = x;

  g_return_val_if_fail (x->shape.c == model->input.c && x->shape.h == model->input.h &&
                        x->shape.w == model->input.w, NULL);

  model->last_input = x;
  for (guint i = 0; i < model->layers->len; i++)
    {
      DsLayer *layer = g_ptr_array_index (model->layers, i);

      layer->klass->forward (layer, inp, &model->acts[i], training, rng);
      inp = &model->acts[i];
    }

  return inp;
}

void
ds_model_zero_grad (DsModel *model)
{
  memset (model->grads, 0, model->n_params * sizeof (float));
}

void
ds_model_backward (DsModel        *model,
                   const DsTensor *dout,
                   DsTensor       *dinput)
{
  const DsTensor *d = dout;

  g_return_if_fail (model->last_input != NULL);

  for (guint i = model->layers->len; i-- > 0;)
    {
      DsLayer *layer = g_ptr_array_index (model->layers, i);
      const DsTensor *inp = i > 0 ? &model->acts[i - 1] : model->last_input;
      DsTensor *dinp = i > 0 ? &model->dact[i % 2] : dinput;

      layer->klass->backward (layer, inp, &model->acts[i], d, dinp);
      d = dinp;
    }
}

gboolean
ds_floats_all_finite (const float *values,
                      gsize        n)
{
  /* a sum is NaN if any term is NaN or the infinities disagree; one pass, vectorisable */
  float acc = 0.0f;

  for (gsize i = 0; i < n; i++)
    acc += values[i] * 0.0f;

  return acc == 0.0f;
}

char *
ds_model_summary (const DsModel *model)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%-4s %-18s %-18s %10s\n", "#", "layer", "output", "params");
  g_string_append_printf (out, "%-4s %-18s (%u, %u, %u)\n", "", "input",
                          model->input.c, model->input.h, model->input.w);
  for (guint i = 0; i < model->layers->len; i++)
    {
      DsLayer *layer = g_ptr_array_index (model->layers, i);
      g_autofree char *shape = g_strdup_printf ("(%u, %u, %u)", layer->out_shape.c,
                                                layer->out_shape.h, layer->out_shape.w);

      g_string_append_printf (out, "%-4u %-18s %-18s %10" G_GSIZE_FORMAT "\n",
                              i + 1, layer->klass->name, shape, layer->n_params);
    }
  g_string_append_printf (out, "total parameters: %" G_GSIZE_FORMAT "\n", model->n_params);

  return g_string_free (out, FALSE);
}
