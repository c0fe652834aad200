/* ds-inspect-page.h: one image through an autoencoder: its reconstruction, its residual
 * heatmap, its score against the review band, and the scores of every labelled image; and, in
 * a second view, a GAN's samples (ds-gan-samples.h)
 *
 * The page shows the latest finished autoencoder run of the project, or the one picked in its
 * run list, with that run's best.dsm. The images are listed by score, highest first; for the
 * one selected the model runs in a worker thread. Dragging a threshold on the histogram moves
 * the run's review band in the project (the run record; best.dsm keeps the calibrated band).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-gan-samples.h"
#include "ds-heatmap-view.h"
#include "ds-score-histogram.h"
#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_INSPECT_PAGE (ds_inspect_page_get_type ())

G_DECLARE_FINAL_TYPE (DsInspectPage, ds_inspect_page, DS, INSPECT_PAGE, GtkWidget)

typedef enum
{
  DS_INSPECT_VIEW_INPUT,
  DS_INSPECT_VIEW_RECONSTRUCTION,
  DS_INSPECT_VIEW_HEATMAP,
} DsInspectView;

/* Shows @project (the window's; NULL to clear): its latest autoencoder run. */
void              ds_inspect_page_set_project   (DsInspectPage *self,
                                                 DsProject     *project);
/* Reads the runs, scores and labels again, staying on the run and image shown when they are
 * still there (a run finished, labels changed). */
void              ds_inspect_page_reload        (DsInspectPage *self);
/* Shows run @run_id (0: the latest autoencoder run). */
void              ds_inspect_page_show_run      (DsInspectPage *self,
                                                 gint64         run_id);
/* Returns: (transfer none): the "Generated Samples" view of a GAN's samples. */
DsGanSamples     *ds_inspect_page_get_gan_samples (DsInspectPage *self);
/* Shows that view instead of the anomalies. */
void              ds_inspect_page_show_samples  (DsInspectPage *self);
/* The run shown, 0 when none. */
gint64            ds_inspect_page_get_run_id    (DsInspectPage *self);
/* Selects image @image_id in the list; FALSE when the run did not score it. */
gboolean          ds_inspect_page_select_image  (DsInspectPage *self,
                                                 gint64         image_id);
/* The image selected, 0 when none. */
gint64            ds_inspect_page_get_image_id  (DsInspectPage *self);
guint             ds_inspect_page_get_n_images  (DsInspectPage *self);

/* For tests. */
DsHeatmapView    *ds_inspect_page_get_view      (DsInspectPage *self,
                                                 DsInspectView  view);
DsScoreHistogram *ds_inspect_page_get_histogram (DsInspectPage *self);
GtkSwitch        *ds_inspect_page_get_scale_switch (DsInspectPage *self);

/* Signals:
 *   loaded        the run's images are listed (or the page says there is no run)
 *   inspected     (gint64 image_id) the views show that image
 *   band-changed  (gint64 run_id, double low, double high) the review band moved and is saved */

G_END_DECLS
