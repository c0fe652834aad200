/* ds-error-dialog.h: telling the user what went wrong, and what it means for their work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A modal message dialog transient for @widget's window: @primary in bold, the error's message
 * (which names the file and the problem) below it. */
void ds_show_error (GtkWidget    *widget,
                    const char   *primary,
                    const GError *error);

G_END_DECLS
