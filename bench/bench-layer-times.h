/* bench-layer-times.h: the time each layer of a model takes, forward and backward
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-engine.h"

/* Writes the gradient of the loss with respect to the model's output @out into @dout. */
typedef void (*BenchOutputGrad) (const DsTensor *out,
                                 DsTensor       *dout,
                                 DsRng          *rng,
                                 gpointer        user_data);

/* Runs @model's layers one by one on @x in training mode, then backward from the gradient
 * @grad writes, @warmup + @steps times; adds the milliseconds of each layer's last @steps
 * forward and backward passes into @fwd and @bwd (a double a layer). With @input_grad the first
 * layer also computes the gradient of its input, as a network behind another one does. */
void bench_time_layers (DsModel         *model,
                        const DsTensor  *x,
                        guint            warmup,
                        guint            steps,
                        gboolean         input_grad,
                        BenchOutputGrad  grad,
                        gpointer         user_data,
                        DsRng           *rng,
                        double          *fwd,
                        double          *bwd);
