/* ds-review-page.h: a queue of flagged parts, decided one key at a time
 *
 * The queue holds the images the latest autoencoder run scored above its review band's low
 * threshold (unlabelled ones, and those labelled with the normal class: an image labelled
 * defective is decided already), and the labelled images the latest classifier run predicts
 * otherwise, highest score first, leaving out those a person has reviewed already (and that
 * still carry the label they were given). Return or O accepts the part as normal (the run's
 * normal class); 1 to 9 give it the class at that place in the class list; these keys act
 * while the page is shown, wherever the focus is. Each decision is a label written at once
 * (one undo step, as on the Label page) and a review recorded in the project; the next image is
 * selected.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-heatmap-view.h"
#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_REVIEW_PAGE (ds_review_page_get_type ())

G_DECLARE_FINAL_TYPE (DsReviewPage, ds_review_page, DS, REVIEW_PAGE, GtkWidget)

/* Shows the queue of @project (the window's; NULL to clear). */
void      ds_review_page_set_project     (DsReviewPage  *self,
                                          DsProject     *project);
/* Reads the queue again (the band moved, labels changed, a run finished), staying on the image
 * selected when it is still queued. */
void      ds_review_page_reload          (DsReviewPage  *self);
/* Decides on the image selected: the class at @position of the class list (0-based), or the
 * normal class with -1, as the keys do. */
gboolean  ds_review_page_decide          (DsReviewPage  *self,
                                          int            position,
                                          GError       **error);
guint     ds_review_page_get_n_remaining (DsReviewPage  *self);
guint     ds_review_page_get_n_reviewed  (DsReviewPage  *self);
/* The image selected, 0 when none. */
gint64    ds_review_page_get_image_id    (DsReviewPage  *self);
/* For tests. */
DsHeatmapView *ds_review_page_get_heat_view (DsReviewPage *self);
GtkWidget *ds_review_page_get_queue_view (DsReviewPage  *self);

/* Signals:
 *   loaded          the queue is read
 *   shown           (gint64 image_id) the views show that image
 *   labels-changed  a decision was written to the project */

G_END_DECLS
