/* ds-review-page-private.h: what ds-review-page.c (the queue and the image shown) and
 * ds-review-page-decide.c (decisions, their keys and buttons) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-anomaly-model.h"
#include "ds-heatmap-view.h"
#include "ds-review-page.h"
#include "ds-run-scores.h"
#include "ds-scored-item.h"

G_BEGIN_DECLS

struct _DsReviewPage
{
  GtkWidget           parent_instance;

  /* template */
  GtkPaned           *paned;
  GtkLabel           *counts_label;
  GtkLabel           *source_label;
  GtkListView        *queue_list;
  GtkStack           *main_stack;
  GtkLabel           *empty_label;
  GtkLabel           *image_title;
  DsHeatmapView      *image_view;
  DsHeatmapView      *heat_view;
  GtkLabel           *verdict_label;
  GtkLabel           *score_label;
  GtkLabel           *reason_label;
  GtkFlowBox         *decision_box;
  GtkLabel           *keys_label;

  DsProject          *project;            /* the window's; not owned */
  DsRunScores        *scores;
  GListStore         *queue;              /* DsScoredItem still to decide, highest score first */
  GtkSingleSelection *selection;
  GPtrArray          *bound_rows;         /* GtkListItem showing an image now */
  guint               focus_position;     /* the row the keyboard focus should go to */
  gboolean            focus_pending;      /* ... once that row is bound */
  guint               focus_idle_id;
  gboolean            watching_stack;     /* update_keys() follows the page shown */
  guint               n_reviewed;
  DsAnomalyModel     *model;              /* NULL without an autoencoder run */
  GCancellable       *load_cancellable;
  GCancellable       *show_cancellable;
  gint64              shown_id;
  gint64              keep_image;
};

/* ds-review-page.c */
const char   *ds_review_page_class_name     (DsReviewPage   *self,
                                             gint64          class_id);
DsScoredItem *ds_review_page_selected_item  (DsReviewPage   *self);
void          ds_review_page_update_counts  (DsReviewPage   *self);
/* Scrolls to the row at @position and puts the keyboard focus on it once it is bound. */
void          ds_review_page_focus_queue    (DsReviewPage   *self,
                                             guint           position);

/* ds-review-page-decide.c */
void          ds_review_page_class_init_actions (GtkWidgetClass *widget_class);
/* The keys of the decisions, for the page's window while the page is shown. */
void          ds_review_page_add_keys       (DsReviewPage   *self);
/* Enables the keys while the page is its stack's visible child. */
void          ds_review_page_update_keys    (DsReviewPage   *self);
/* The buttons of the decisions and the line that explains the keys, for the classes read. */
void          ds_review_page_show_decisions (DsReviewPage   *self);
/* ds_review_page_decide(), with a dialog when it fails. */
void          ds_review_page_decide_and_report (DsReviewPage *self,
                                                int           position);

G_END_DECLS
