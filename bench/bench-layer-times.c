/* bench-layer-times.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-layer-times.h"

/* The model's own forward and backward passes, unrolled here to time each layer. */
void
bench_time_layers (DsModel         *model,
                   const DsTensor  *x,
                   guint            warmup,
                   guint            steps,
                   gboolean         input_grad,
                   BenchOutputGrad  grad,
                   gpointer         user_data,
                   DsRng           *rng,
                   double          *fwd,
                   double          *bwd)
{
  guint n = ds_model_n_layers (model);
  g_autoptr(DsTensor) dout = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) dinput = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));

  for (guint s = 0; s < warmup + steps; s++)
    {
      const DsTensor *inp = x;
      const DsTensor *d;

      for (guint i = 0; i < n; i++)
        {
          DsLayer *layer = ds_model_get_layer (model, i);
          gint64 t0 = g_get_monotonic_time ();

          layer->klass->forward (layer, inp, &model->acts[i], TRUE, rng);
          if (s >= warmup)
            fwd[i] += (g_get_monotonic_time () - t0) / 1e3;
          inp = &model->acts[i];
        }
      grad (inp, dout, rng, user_data);
      ds_model_zero_grad (model);
      d = dout;
      for (guint i = n; i-- > 0;)
        {
          DsLayer *layer = ds_model_get_layer (model, i);
          DsTensor *dinp = i > 0 ? &model->dact[i % 2] : input_grad ? dinput : NULL;
          gint64 t0 = g_get_monotonic_time ();

          layer->klass->backward (layer, i > 0 ? &model->acts[i - 1] : x, &model->acts[i], d,
                                  dinp);
          if (s >= warmup)
            bwd[i] += (g_get_monotonic_time () - t0) / 1e3;
          d = dinp;
        }
    }
}
