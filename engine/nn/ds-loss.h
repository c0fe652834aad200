/* ds-loss.h: losses, each returning the mean over the batch and writing its gradient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "nn/ds-tensor.h"

G_BEGIN_DECLS

/* Softmax over the K values of each sample, then cross-entropy with @labels (B); samples with
 * label -1 are left out of the mean. @dlogits (nullable) is reshaped like @logits and receives
 * d(mean loss)/d(logits). @probs (nullable) receives the softmax. */
double ds_loss_softmax_cross_entropy (const DsTensor *logits,   /* (B, K, 1, 1) */
                                      const gint32   *labels,   /* (B) */
                                      DsTensor       *dlogits,  /* (B, K, 1, 1) */
                                      DsTensor       *probs);   /* (B, K, 1, 1) */

/* Mean over all elements of (pred - target)^2. */
double ds_loss_mse                   (const DsTensor *pred,
                                      const DsTensor *target,
                                      DsTensor       *dpred);

/* Binary cross-entropy on logits, mean over all elements, computed without overflow:
 * max(x, 0) - x * t + log(1 + exp(-|x|)). @targets has one value in [0, 1] per element. */
double ds_loss_bce_with_logits       (const DsTensor *logits,
                                      const float    *targets,
                                      DsTensor       *dlogits);

/* Softmax of each sample's K values in place. */
void   ds_softmax                    (DsTensor       *logits);

G_END_DECLS
