/* ui-test-utils.h: what every GUI test needs: a main loop run for a while, screenshots, and
 * widgets found the way a person finds them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-application.h"

G_BEGIN_DECLS

/* gtk_test_init() with the user's data (recent projects, settings) in @data_home, and the
 * application registered on the session bus as the window needs it.
 * Returns: (transfer full): the application. */
DsApplication *ui_test_init_app (int         *argc,
                                 char      ***argv,
                                 const char  *data_home);
/* Runs the main loop until *@done or @seconds have passed. Returns: *@done. */
gboolean   iterate_until   (gboolean   *done,
                            double      seconds);
void       iterate_for     (double      seconds);
/* Returns: (transfer full): $G_TEST_BUILDDIR/screenshots/@name, its folder made. */
char      *screenshot_path (const char *name);
/* Renders @window as it is on screen to screenshots/@name (PNG). */
void       screenshot      (GtkWidget  *window,
                            const char *name);
/* Returns: (transfer none) (nullable): the first widget of @type under @root, depth first. */
GtkWidget *find_widget     (GtkWidget  *root,
                            GType       type);
/* The spin button whose mnemonic label under @root reads @label ("_Epochs"). */
GtkSpinButton *find_spin   (GtkWidget  *root,
                            const char *label);
/* The check button labelled @label under @root ("_Compare with earlier runs"). */
GtkCheckButton *find_check (GtkWidget  *root,
                            const char *label);
/* Sets it. */
void       set_spin        (GtkWidget  *root,
                            const char *label,
                            double      value);

/* Selects the first item of @dropdown (a GtkStringList) whose text is @word or begins with
 * @word and a space ("seed-cnn" picks "seed-cnn · classifier"), as a person picks it. */
void       choose_item     (GtkDropDown *dropdown,
                            const char  *word);
/* Returns: (transfer none): the text of @dropdown's selected item. */
const char *selected_text  (GtkDropDown *dropdown);

G_END_DECLS
