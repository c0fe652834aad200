/* ds-presets.h: named architectures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "nn/ds-model.h"
#include "data/ds-dataset.h"

G_BEGIN_DECLS

typedef enum
{
  DS_PRESET_CLASSIFIER,    /* one output per class */
  DS_PRESET_AUTOENCODER,   /* reconstructs its input: anomaly detection */
} DsPresetKind;

typedef struct
{
  const char *name;
  const char *description;
  /* Training-time defaults the preset was tuned with; a front end may override them. */
  guint       epochs;
  DsAugment   augment;
  gboolean    cosine_lr;   /* decay the learning rate to 0 over the run */
  DsPresetKind kind;
} DsPreset;

/* NULL-terminated list of the classifier presets, and the one called @name among them. */
const DsPreset * const *ds_presets          (void);
const DsPreset         *ds_preset_lookup    (const char *name);
/* The same for presets of @kind: autoencoders are listed apart so that a classifier's trainer
 * never offers one. */
const DsPreset * const *ds_presets_of_kind  (DsPresetKind kind);
const DsPreset         *ds_preset_lookup_kind (const char   *name,
                                               DsPresetKind  kind);

/* Builds the preset @name for @input (1, C, H, W) and @n_classes outputs, with zero weights.
 * An autoencoder ignores @n_classes: its output has the input's shape.
 * Returns: (transfer full): the model, or NULL with @error (unknown preset, input too small). */
DsModel                *ds_preset_new_model (const char *name,
                                             DsShape     input,
                                             guint       n_classes,
                                             GError    **error);

G_END_DECLS
