/* ds-optim.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "nn/ds-optim.h"
#include "nn/ds-tensor.h"

static const char * const kind_names[] = { "sgd", "adam", "adamw" };

const char *
ds_optim_kind_to_string (DsOptimKind kind)
{
  return kind_names[kind];
}

gboolean
ds_optim_kind_from_string (const char  *name,
                           DsOptimKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_ascii_strcasecmp (name, kind_names[i]) == 0)
      {
        *kind = (DsOptimKind) i;
        return TRUE;
      }

  return FALSE;
}

DsOptimizer *
ds_optimizer_new (DsOptimKind kind,
                  gsize       n_params,
                  float       lr,
                  float       weight_decay)
{
  DsOptimizer *opt = g_new0 (DsOptimizer, 1);

  opt->kind = kind;
  opt->lr = lr;
  opt->momentum = 0.9f;
  opt->beta1 = 0.9f;
  opt->beta2 = 0.999f;
  opt->eps = 1e-8f;
  opt->weight_decay = weight_decay;
  opt->n = n_params;
  opt->m = ds_floats_new0 (n_params);
  if (kind != DS_OPTIM_SGD)
    opt->v = ds_floats_new0 (n_params);

  return opt;
}

void
ds_optimizer_free (DsOptimizer *opt)
{
  if (opt == NULL)
    return;
  ds_floats_free (opt->m);
  ds_floats_free (opt->v);
  g_free (opt);
}

gsize
ds_optimizer_state_size (const DsOptimizer *opt)
{
  return opt->v != NULL ? 2 * opt->n : opt->n;
}

void
ds_optimizer_begin_step (DsOptimizer *opt)
{
  opt->t++;
}

void
ds_optimizer_update (const DsOptimizer *opt,
                     float             *params,
                     const float       *grads,
                     gsize              start,
                     gsize              end)
{
  float lr = opt->lr;
  float wd = opt->weight_decay;
  float *restrict m = opt->m;
  float *restrict v = opt->v;

  if (opt->kind == DS_OPTIM_SGD)
    {
      for (gsize i = start; i < end; i++)
        {
          float g = grads[i] + wd * params[i];

          m[i] = opt->momentum * m[i] + g;
          params[i] -= lr * m[i];
        }
      return;
    }

  {
    float b1 = opt->beta1, b2 = opt->beta2;
    /* bias corrections folded into the step size */
    float c1 = 1.0f - (float) pow (b1, (double) opt->t);
    float c2 = 1.0f - (float) pow (b2, (double) opt->t);
    float step = lr / c1;
    float inv_sqrt_c2 = 1.0f / sqrtf (c2);
    gboolean decoupled = opt->kind == DS_OPTIM_ADAMW;

    for (gsize i = start; i < end; i++)
      {
        float g = decoupled ? grads[i] : grads[i] + wd * params[i];

        if (decoupled)
          params[i] -= lr * wd * params[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        params[i] -= step * m[i] / (sqrtf (v[i]) * inv_sqrt_c2 + opt->eps);
      }
  }
}

void
ds_optimizer_step (DsOptimizer *opt,
                   float       *params,
                   const float *grads)
{
  ds_optimizer_begin_step (opt);
  ds_optimizer_update (opt, params, grads, 0, opt->n);
}
