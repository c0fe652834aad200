/* ds-confusion-view-private.h: what the confusion view's files and its tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-confusion-view.h"

G_BEGIN_DECLS

struct _DsConfusionView
{
  GtkWidget  parent_instance;

  guint      n_classes;             /* 0: empty */
  guint64   *counts;                /* (n_classes, n_classes): row = true, column = predicted */
  guint64   *row_totals;            /* (n_classes): validation images of each true class */
  char     **class_names;           /* n_classes names, NULL-terminated */

  int        hover_row, hover_col;  /* the cell under the pointer, or -1 */
  int        press_row, press_col;  /* where the primary button went down, or -1 */
  guint      focus_row, focus_col;  /* the keyboard's cell, which Enter activates */
  gboolean   keyboard_used;         /* arrows since the last click: show the keyboard's cell */
};

/* Where everything goes at one size. Cell (row, col) spans
 * [grid_x + col * pitch, + pitch) × [grid_y + row * pitch, + pitch), gap included; it is
 * drawn inset by gap / 2 on each side. */
typedef struct
{
  int      width, height;      /* the size this is for */
  guint    n_classes;
  double   grid_x, grid_y;     /* top-left corner of cell (0, 0) */
  double   pitch;              /* from one cell to the next */
  double   gap;                /* between the drawn cells */
  double   title_size;         /* font sizes, in pixels */
  double   name_size;
  double   count_size;
  double   title_height;       /* one line of the axis titles */
  double   name_height;        /* one line of class names */
  double   row_names_width;    /* right-aligned against the grid, ellipsized to this */
  double   col_names_height;   /* above the grid; the names are vertical when rotated */
  guint    name_step;          /* every name_step-th name is drawn, so that none overlap */
  gboolean rotate_col_names;
} DsConfusionGeometry;

void     ds_confusion_view_compute_geometry (DsConfusionView           *self,
                                             int                        width,
                                             int                        height,
                                             DsConfusionGeometry       *geometry);
/* Returns: whether (@x, @y) is over a cell of @geometry, then stored in @row and @col. */
gboolean ds_confusion_geometry_cell_at      (const DsConfusionGeometry *geometry,
                                             double                     x,
                                             double                     y,
                                             guint                     *row,
                                             guint                     *col);
/* The drawn rectangle of a cell (inside its pitch, without the gap). */
void     ds_confusion_geometry_cell_rect    (const DsConfusionGeometry *geometry,
                                             guint                      row,
                                             guint                      col,
                                             graphene_rect_t           *rect);

/* The same, at the widget's current size. */
gboolean ds_confusion_view_cell_at          (DsConfusionView           *self,
                                             double                     x,
                                             double                     y,
                                             guint                     *row,
                                             guint                     *col);
/* Returns: FALSE if there is no such cell. */
gboolean ds_confusion_view_get_cell_rect    (DsConfusionView           *self,
                                             guint                      row,
                                             guint                      col,
                                             graphene_rect_t           *rect);

/* Draws the view as the widget's snapshot does, at any size (the tests' offscreen renders).
 * It paints no background: the window's shows through. */
void     ds_confusion_view_draw             (DsConfusionView           *self,
                                             cairo_t                   *cr,
                                             int                        width,
                                             int                        height);
/* What the view would like for its current matrix. */
void     ds_confusion_view_get_natural_size (DsConfusionView           *self,
                                             int                       *width,
                                             int                       *height);

/* Whether the keyboard's cell is outlined: the view has the focus, and either the window shows
 * focus or the arrow keys were used since the last click. */
gboolean ds_confusion_view_focus_cell_visible (DsConfusionView           *self);

/* The fraction of the true class @row predicted as @col (0 when the class has no images). */
double   ds_confusion_view_get_fraction     (DsConfusionView           *self,
                                             guint                      row,
                                             guint                      col);
/* "12 %", "< 1 %", "100 %": the share of @count in @total, for cells and tooltips. */
char    *ds_confusion_format_percent        (guint64                    count,
                                             guint64                    total);
/* Returns: (transfer full): the cell's tooltip, also its accessible description. */
char    *ds_confusion_view_dup_cell_text    (DsConfusionView           *self,
                                             guint                      row,
                                             guint                      col);

G_END_DECLS
