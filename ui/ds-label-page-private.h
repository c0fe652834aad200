/* ds-label-page-private.h: what the label page's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-class-palette.h"
#include "ds-image-view.h"
#include "ds-label-page.h"
#include "ds-thumbnailer.h"

G_BEGIN_DECLS

/* The "Show" filter's entries */
enum {
  FILTER_ALL,
  FILTER_UNLABELLED,
  FILTER_MISPREDICTED,  /* labelled, and the last finished run predicts another class */
  FILTER_FIRST_CLASS,   /* then one entry a class, in palette order */
  /* not an entry of its own: a confusion-matrix cell, appended to the list while it is shown */
  FILTER_CONFUSION = G_MAXUINT,
};

struct _DsLabelPage
{
  GtkWidget           parent_instance;

  /* template */
  GtkPaned           *outer_paned;
  DsClassPalette     *palette;
  GtkDropDown        *filter_dropdown;
  GtkLabel           *count_label;
  GtkStack           *grid_stack;
  GtkScrolledWindow  *grid_scroller;
  GtkGridView        *grid;
  GtkLabel           *empty_label;
  DsImageView        *view;
  GtkLabel           *info_label;
  GtkToggleButton    *mask_toggle;

  DsProject          *project;           /* the window's; not owned */
  GListStore         *items;             /* DsImageItem, every image of the project */
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkMultiSelection  *selection;
  GtkStringList      *filter_names;
  GPtrArray          *classes;           /* DsClassInfo, palette order */
  guint               n_unlabelled;
  DsThumbnailer      *thumbnailer;
  GtkCssProvider     *css;               /* badge colours of the classes */
  GCancellable       *load_cancellable;  /* reading the project's images */
  gint64              view_id;           /* the image in the large view, or 0 */
  GHashTable         *reselect;          /* image ids to select once they are listed again,
                                          * the view kept; NULL: a fresh view */
  GCancellable       *view_cancellable;  /* decoding the large image */
  guint               filter_mode;
  gint64              filter_class_id;
  gint64              filter_predicted_id;  /* FILTER_CONFUSION: the cell's predicted class */
  gint64              predictions_run;      /* the run whose predictions the items carry, or 0 */
  gboolean            updating_filter;
  char               *css_scope;         /* this page's own CSS class, for its badge colours */
  GPtrArray          *bound_items;       /* GtkListItem showing an image now */
  guint               focus_idle_id;
  guint               focus_position;    /* where the keyboard focus should go */
};

/* A thumbnail on its way to a grid cell that may show another image when it arrives. */
typedef struct
{
  GtkPicture    *picture;
  DsThumbnailer *thumbnailer;  /* released on the main thread, where it may be finalized */
  gint64         id;
} ThumbRequest;

/* Returns: (nullable): the palette's record of @class_id. */
const DsClassInfo  *ds_label_page_find_class       (DsLabelPage *self,
                                                    gint64       class_id);
/* The counts above the grid: shown, in all, unlabelled. */
void                ds_label_page_update_counts    (DsLabelPage *self);
/* Reads the class list and counts again; FALSE with @error when the store fails. */
gboolean            ds_label_page_reload_classes   (DsLabelPage  *self,
                                                    GError      **error);
/* The "Show" list: the fixed entries, a class each, and the confusion cell shown, if any. */
void                ds_label_page_update_filter_names (DsLabelPage *self);
/* The first unlabelled image shown after @after, wrapping around; @after + 1 when there is
 * none. */
guint               ds_label_page_next_unlabelled  (DsLabelPage *self,
                                                    guint        after);
/* The grid's cells: thumbnail, class badge, synthetic badge (ds-label-page-grid.c). */
GtkListItemFactory *ds_label_page_grid_factory_new (DsLabelPage *self);
/* Moves the keyboard focus to the cell at @position of the grid, once it is on screen, so
 * that arrow keys continue from the image being labeled. */
void                ds_label_page_focus_position   (DsLabelPage *self,
                                                    guint        position);

G_END_DECLS
