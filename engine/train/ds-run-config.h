/* ds-run-config.h: the settings of a training run, as the window and the CLI take them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "data/ds-dataset.h"
#include "models/ds-presets.h"
#include "nn/ds-optim.h"
#include "train/ds-train.h"

G_BEGIN_DECLS

typedef struct
{
  char         *preset;        /* "seed-cnn", "defect-cnn" */
  guint         epochs;        /* 0, autoencoders only: chosen from the data when the run starts */
  guint         batch_size;
  DsOptimKind   optimizer;
  double        lr;
  double        weight_decay;
  double        val_split;     /* fraction of the non-test images held out, in [0, 1) */
  DsLrSchedule  lr_schedule;
  guint         patience;      /* 0: no early stopping */
  DsAugment     augment;
  guint64       seed;
  guint         n_threads;     /* 0: every core */
  gboolean      include_synthetic; /* synthetic images train too (never validate or test) */
  char         *normal_class;  /* autoencoders: the class of normal images; NULL: the first of
                                * "good", "ok", "normal" among the project's classes */
} DsRunConfig;

/* Fills @config with @preset's defaults: Adam at 0.001, batch 64, validation 0.1, seed 1,
 * 2 threads, and the preset's epochs, schedule and augmentation. An autoencoder holds out 0.2
 * of its normal images instead (its thresholds are set on them), flips, and has epochs 0:
 * ds_run_new() takes ds_anomaly_auto_epochs() of its training images. */
void     ds_run_config_init     (DsRunConfig       *config,
                                 const DsPreset    *preset);
void     ds_run_config_copy     (DsRunConfig       *dest,
                                 const DsRunConfig *src);
void     ds_run_config_clear    (DsRunConfig       *config);
/* The preset called @name, classifier or autoencoder; NULL when there is none. */
const DsPreset *ds_run_config_find_preset (const char *name);
/* Whether @config trains an autoencoder (anomaly detection) rather than a classifier. */
gboolean ds_run_config_is_autoencoder (const DsRunConfig *config);
/* Checks the values; the message says which one is wrong and why. */
gboolean ds_run_config_validate (const DsRunConfig *config,
                                 GError           **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DsRunConfig, ds_run_config_clear)

G_END_DECLS
