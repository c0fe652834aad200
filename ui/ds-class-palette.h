/* ds-class-palette.h: the class list beside the label grid
 *
 * One row per class (colour, key hint, name, image count) after an "Unlabelled" row, and buttons
 * to add, rename, recolour and delete classes. The palette never touches the project: the owner
 * gives it the classes with ds_class_palette_set_classes() and acts on its signals.
 *
 * Signals:
 *   "class-activated" (gint64 class_id): a row was clicked or Enter pressed on it; 0 is the
 *                                        Unlabelled row.
 *   "add-class"       (const char *name): the user named a new class (name trimmed, valid).
 *   "rename-class"    (gint64 class_id, const char *new_name)
 *   "recolor-class"   (gint64 class_id, guint color): color is 0xRRGGBB.
 *   "delete-class"    (gint64 class_id): the user confirmed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "store/ds-project.h"

G_BEGIN_DECLS

#define DS_TYPE_CLASS_PALETTE (ds_class_palette_get_type ())

G_DECLARE_FINAL_TYPE (DsClassPalette, ds_class_palette, DS, CLASS_PALETTE, GtkWidget)

DsClassPalette *ds_class_palette_new           (void);
/* Shows @classes (element-type DsClassInfo, in list order; transfer none: copied) and the count
 * of unlabelled images. Rows of classes still present are updated in place, so selection, focus
 * and scroll position survive a refresh. */
void            ds_class_palette_set_classes   (DsClassPalette *self,
                                                GPtrArray      *classes,
                                                guint           n_unlabelled);
/* Returns: the id of the selected class, 0 for the Unlabelled row, -1 when none is selected. */
gint64          ds_class_palette_get_selected  (DsClassPalette *self);
/* Selects the row of @class_id (0: Unlabelled); -1 or an unknown id clears the selection. */
void            ds_class_palette_select        (DsClassPalette *self,
                                                gint64          class_id);

/* Returns: a distinct colour (0xRRGGBB, from the GNOME palette) for the class at @index; the
 * twelve colours repeat after the twelfth class. */
guint32         ds_class_palette_default_color (guint           index);

G_END_DECLS
