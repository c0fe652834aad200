/* ds-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-inspect-page.h"
#include "ds-label-page.h"
#include "ds-review-page.h"
#include "ds-train-page.h"

G_BEGIN_DECLS

#define DS_TYPE_WINDOW (ds_window_get_type ())

G_DECLARE_FINAL_TYPE (DsWindow, ds_window, DS, WINDOW, GtkApplicationWindow)

DsWindow *ds_window_new          (DsApplication *app);
/* Opens the project in @dir (a folder holding project.db); errors are shown in a dialog. */
void      ds_window_open_project (DsWindow      *self,
                                  GFile         *dir);
/* Opens the built-in demo project, generating it on first use. */
void      ds_window_open_demo    (DsWindow      *self);
/* For tests and the benchmarks. */
DsLabelPage *ds_window_get_label_page (DsWindow   *self);
DsProject   *ds_window_get_project    (DsWindow   *self);
DsTrainPage *ds_window_get_train_page (DsWindow   *self);
DsInspectPage *ds_window_get_inspect_page (DsWindow *self);
DsReviewPage  *ds_window_get_review_page  (DsWindow *self);

G_END_DECLS
