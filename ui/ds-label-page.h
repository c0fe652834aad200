/* ds-label-page.h: the thumbnail grid where images get their labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_LABEL_PAGE (ds_label_page_get_type ())

G_DECLARE_FINAL_TYPE (DsLabelPage, ds_label_page, DS, LABEL_PAGE, GtkWidget)

/* Shows @project (owned by the window, which outlives its use here; NULL to clear). The images
 * are read in a worker thread; "loaded" is emitted when the grid shows them. */
void      ds_label_page_set_project     (DsLabelPage  *self,
                                         DsProject    *project);
/* Lists the project's images again (images were added or removed elsewhere), keeping what the
 * page shows: its filter, the run whose predictions it shows, and the selected images that are
 * still there (else the first unlabelled one, as on opening). Emits "loaded" when done. */
void      ds_label_page_reload_images   (DsLabelPage  *self);
/* Re-reads labels and classes from the project (after an undo, redo or import), then emits
 * "reloaded". */
void      ds_label_page_reload          (DsLabelPage  *self);
/* Labels the selected images with the class at @position in the palette (0-based), or clears
 * their label with -1, then moves to the next unlabelled image. */
gboolean  ds_label_page_assign          (DsLabelPage  *self,
                                         int           position,
                                         GError      **error);
/* Selects the image at @position of the grid (as filtered). */
void      ds_label_page_select          (DsLabelPage  *self,
                                         guint         position);
guint     ds_label_page_get_n_visible   (DsLabelPage  *self);
/* The first selected image's id, the one the large view shows; 0 when none is selected. */
gint64    ds_label_page_get_selected_id (DsLabelPage  *self);
/* Shows what training run @run_id predicted for each image (0: nothing), which the
 * "Prediction ≠ label" filter uses. The latest run with predictions is shown when a project
 * opens. */
void      ds_label_page_show_predictions (DsLabelPage *self,
                                          gint64       run_id);
/* Filters the grid to the validation images of run @run_id labelled @true_class_id and
 * predicted as @predicted_class_id: a confusion-matrix cell. */
void      ds_label_page_show_confusion  (DsLabelPage  *self,
                                         gint64        run_id,
                                         gint64        true_class_id,
                                         gint64        predicted_class_id);

/* For tests and benchmarks: the grid's scrolled window, and how many of the cells on screen
 * show their thumbnail already (of @n_cells). */
GtkScrolledWindow *ds_label_page_get_grid_scroller (DsLabelPage *self);
guint     ds_label_page_count_thumbnails (DsLabelPage  *self,
                                          guint        *n_cells);

G_END_DECLS
