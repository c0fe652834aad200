/* ds-class-palette-private.h: what the class palette's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ds-class-palette.h"

G_BEGIN_DECLS

/* DsClassPaletteRow: one row, with a copy of its class */

#define DS_TYPE_CLASS_PALETTE_ROW (ds_class_palette_row_get_type ())

G_DECLARE_FINAL_TYPE (DsClassPaletteRow, ds_class_palette_row, DS, CLASS_PALETTE_ROW,
                      GtkListBoxRow)

struct _DsClassPaletteRow
{
  GtkListBoxRow  parent_instance;

  gint64         class_id;  /* 0: the Unlabelled row */
  char          *name;
  guint32        color;     /* 0xRRGGBB */
  guint          n_images;

  GtkWidget     *swatch;
  GtkLabel      *key_label;
  GtkLabel      *name_label;
  GtkLabel      *count_label;
};

struct _DsClassPalette
{
  GtkWidget   parent_instance;

  /* template */
  GtkListBox *list_box;
  GMenuModel *context_menu;

  GtkWidget  *context_popover;
  GtkWidget  *unlabelled_row;
  GtkWindow  *dialog;          /* the open name, colour or delete dialog; weak */
};

enum {
  CLASS_ACTIVATED,
  ADD_CLASS,
  RENAME_CLASS,
  RECOLOR_CLASS,
  DELETE_CLASS,
  N_SIGNALS
};

/* set in class_init; the dialogs emit them too */
extern guint ds_class_palette_signals[N_SIGNALS];

/* The dialogs (ds-class-palette-dialogs.c): one at a time, each emitting its signal when the
 * user confirms. */

/* Asks for the name of a new class (@row NULL) or a new name for @row's class. */
void ds_class_palette_show_name_dialog   (DsClassPalette    *self,
                                          DsClassPaletteRow *row);
void ds_class_palette_show_color_dialog  (DsClassPalette    *self,
                                          DsClassPaletteRow *row);
void ds_class_palette_show_delete_dialog (DsClassPalette    *self,
                                          DsClassPaletteRow *row);

G_END_DECLS
