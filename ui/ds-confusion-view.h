/* ds-confusion-view.h: the validation confusion matrix of a classifier, as a clickable grid
 *
 * Row i is the true class i, column j the predicted class j; the cell shows how many validation
 * images of class i the model called j. Its colour is the row-normalised value, the fraction of
 * class i predicted as j (the recall of class i on the diagonal): correct predictions in the
 * accent colour, mistakes in red and orange, so that they stand out even when they are few.
 * Pointing at a cell tells its numbers; clicking it, or Enter and space on the cell chosen with
 * the arrow keys, emits ::cell-activated, with which a page can show the images of that cell.
 *
 * It stays readable from 2 classes to about 20: the cells, then the fonts get smaller, long
 * names are ellipsized, and names that would overlap are left out (the tooltip still has them).
 * Without a matrix it says that there are no validation results yet.
 *
 * Signals:
 *   cell-activated (guint true_index, guint predicted_index): the user chose a cell.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_TYPE_CONFUSION_VIEW (ds_confusion_view_get_type ())

G_DECLARE_FINAL_TYPE (DsConfusionView, ds_confusion_view, DS, CONFUSION_VIEW, GtkWidget)

GtkWidget *ds_confusion_view_new           (void);

/* Shows a new matrix; the view copies what it needs, so the arrays may be freed afterwards.
 * @counts: (array) (nullable): n_classes × n_classes counts, row = true class,
 *   column = predicted, as DsConfusion.counts has them.
 * @class_names: (array) (nullable): n_classes names in class order; missing ones (NULL array
 *   or NULL entries) are shown as "Class 1", "Class 2"...
 * n_classes 0 or @counts NULL clears the view. The cell chosen with the keyboard stays where
 * it was if the new matrix still has it. */
void       ds_confusion_view_set_matrix    (DsConfusionView     *self,
                                            guint                n_classes,
                                            const guint64       *counts,
                                            const char * const  *class_names);
/* Back to the empty state ("No validation results yet"). */
void       ds_confusion_view_clear         (DsConfusionView     *self);

/* The n-classes property: 0 while the view is empty. */
guint      ds_confusion_view_get_n_classes (DsConfusionView     *self);
/* Returns: the count of true class @true_index predicted as @predicted_index, 0 outside. */
guint64    ds_confusion_view_get_count     (DsConfusionView     *self,
                                            guint                true_index,
                                            guint                predicted_index);

G_END_DECLS
