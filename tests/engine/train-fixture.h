/* train-fixture.h: the small data set and models the training tests share
 *
 * 8×8 gray images of four classes, a bright two-pixel-high bar at rows 0-1, 2-3, 4-5 or 6-7
 * over a dark noisy background, which a tiny CNN separates within a few epochs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-engine.h"

#define N_CLASSES 4
#define SIDE      8

extern const char tiny_spec[];
/* with dropout, so that the workers' own generators matter too */
extern const char dropout_spec[];

/* @n samples from @seed; every @unlabelled_every-th gets label -1 (0: none). */
DsDataset *bars_dataset (guint       n,
                         guint64     seed,
                         guint       unlabelled_every);
/* A model of @spec for SIDE×SIDE gray images, initialised from the context's generator. */
DsModel   *tiny_model   (const char *spec,
                         DsContext  *ctx);
