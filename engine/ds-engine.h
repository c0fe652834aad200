/* ds-engine.h: everything a front end or a line-station integrator needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-context.h"
#include "ds-error.h"
#include "ds-file.h"
#include "ds-rng.h"
#include "anomaly/ds-anomaly.h"
#include "anomaly/ds-anomaly-data.h"
#include "anomaly/ds-roc.h"
#include "data/ds-dataset.h"
#include "data/ds-idx.h"
#include "data/ds-png.h"
#include "gan/ds-gan.h"
#include "gan/ds-gan-project.h"
#include "gan/ds-gan-score.h"
#include "models/ds-gan-presets.h"
#include "models/ds-presets.h"
#include "nn/ds-gemm.h"
#include "nn/ds-layer.h"
#include "nn/ds-loss.h"
#include "nn/ds-model.h"
#include "nn/ds-optim.h"
#include "nn/ds-tensor.h"
#include "train/ds-metrics.h"
#include "train/ds-run.h"
#include "train/ds-run-config.h"
#include "train/ds-train.h"
