/* ds-anomaly-model.h: an autoencoder run's model, loaded once, inspecting images off the main
 * thread
 *
 * The Inspect and Review pages show, for one image at a time, its reconstruction and residual
 * map. Loading the model and running it happen in GTask workers; each inspection runs on a
 * replica of the model (its own buffers, the shared weights), so several can run at once and a
 * page may drop a model while one is under way: every task holds a reference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ds-engine.h"

G_BEGIN_DECLS

typedef struct _DsAnomalyModel DsAnomalyModel;

/* One image as the model sees it. */
typedef struct
{
  guint   c, h, w;      /* the model's input */
  float  *input;        /* (c, h, w) in [0, 1], the image converted to the model's input */
  float  *recon;        /* (c, h, w) its reconstruction */
  float  *map;          /* (h, w) the residual map of the model's scoring */
  float   score;        /* the image score of that map */
  float   map_max;      /* the largest residual */
} DsInspection;

void                   ds_inspection_free        (DsInspection     *inspection);

/* Loads the model file @path (written by an autoencoder run) and its DsAnomalyParams. */
void                   ds_anomaly_model_load_async (const char          *path,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Returns: (transfer full): the model, or NULL with @error naming the file. */
DsAnomalyModel        *ds_anomaly_model_load_finish (GAsyncResult       *result,
                                                     GError            **error);
DsAnomalyModel        *ds_anomaly_model_ref        (DsAnomalyModel      *self);
void                   ds_anomaly_model_unref      (DsAnomalyModel      *self);
/* Returns: (transfer none): the scoring, thresholds and heatmap scale the file carries. */
const DsAnomalyParams *ds_anomaly_model_get_params (DsAnomalyModel      *self);
const char            *ds_anomaly_model_get_path   (DsAnomalyModel      *self);

/* Reads the PNG @image_path at the model's input size and runs it through the model. */
void                   ds_anomaly_model_inspect_async  (DsAnomalyModel      *self,
                                                        const char          *image_path,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Returns: (transfer full): the inspection, or NULL with @error. */
DsInspection          *ds_anomaly_model_inspect_finish (GAsyncResult        *result,
                                                        GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsAnomalyModel, ds_anomaly_model_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsInspection, ds_inspection_free)

G_END_DECLS
