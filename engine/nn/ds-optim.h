/* ds-optim.h: optimisers as flat loops over the model's contiguous parameters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DS_OPTIM_SGD,    /* with momentum; weight decay added to the gradient (L2) */
  DS_OPTIM_ADAM,   /* weight decay added to the gradient, as PyTorch's Adam */
  DS_OPTIM_ADAMW,  /* decoupled weight decay (Loshchilov & Hutter) */
} DsOptimKind;

typedef struct
{
  DsOptimKind kind;
  float       lr;
  float       momentum;      /* SGD */
  float       beta1, beta2;  /* Adam, AdamW */
  float       eps;
  float       weight_decay;
  guint64     t;             /* steps taken */
  gsize       n;             /* parameters */
  float      *m;             /* (n) momentum or first moment */
  float      *v;             /* (n) second moment; NULL for SGD */
} DsOptimizer;

/* An optimiser with the usual defaults for @kind (momentum 0.9, betas 0.9/0.999, eps 1e-8). */
DsOptimizer *ds_optimizer_new         (DsOptimKind    kind,
                                       gsize          n_params,
                                       float          lr,
                                       float          weight_decay);
void         ds_optimizer_free        (DsOptimizer   *opt);
/* One update of @params (n) from @grads (n). */
void         ds_optimizer_step        (DsOptimizer   *opt,
                                       float         *params,
                                       const float   *grads);
/* The same in parts, so that threads can share one step: ds_optimizer_begin_step() once,
 * then ds_optimizer_update() on disjoint ranges [start, end) covering 0..n. */
void         ds_optimizer_begin_step  (DsOptimizer   *opt);
void         ds_optimizer_update      (const DsOptimizer *opt,
                                       float         *params,
                                       const float   *grads,
                                       gsize          start,
                                       gsize          end);
/* Floats of moment state: n for SGD, 2n for Adam(W). */
gsize        ds_optimizer_state_size  (const DsOptimizer *opt);
const char  *ds_optim_kind_to_string  (DsOptimKind    kind);
gboolean     ds_optim_kind_from_string (const char   *name,
                                        DsOptimKind  *kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsOptimizer, ds_optimizer_free)

G_END_DECLS
