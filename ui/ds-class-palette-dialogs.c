/* ds-class-palette-dialogs.c: the class palette's dialogs: name (add, rename), colour, delete
 *
 * The dialogs are GTK 4.8 ones (GtkColorChooserDialog, GtkMessageDialog): GtkColorDialog and
 * GtkAlertDialog need 4.10. The deprecation guards only matter when built against 4.10 or later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-class-palette-private.h"

static void
rgba_from_color (GdkRGBA *rgba,
                 guint32  color)
{
  rgba->red = ((color >> 16) & 0xff) / 255.0f;
  rgba->green = ((color >> 8) & 0xff) / 255.0f;
  rgba->blue = (color & 0xff) / 255.0f;
  rgba->alpha = 1.0f;
}

static guint32
color_from_rgba (const GdkRGBA *rgba)
{
  guint32 r = (guint32) lround (CLAMP (rgba->red, 0.0f, 1.0f) * 255);
  guint32 g = (guint32) lround (CLAMP (rgba->green, 0.0f, 1.0f) * 255);
  guint32 b = (guint32) lround (CLAMP (rgba->blue, 0.0f, 1.0f) * 255);

  return (r << 16) | (g << 8) | b;
}

static GtkWindow *
get_toplevel (DsClassPalette *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* One dialog at a time: they are modal, but actions can still come from code. */
static gboolean
raise_dialog (DsClassPalette *self)
{
  if (self->dialog == NULL)
    return FALSE;

  gtk_window_present (self->dialog);
  return TRUE;
}

static void
track_dialog (DsClassPalette *self,
              GtkWindow      *dialog)
{
  self->dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
}

static void
set_dialog_class_id (GtkWidget *dialog,
                     gint64     class_id)
{
  g_object_set_data_full (G_OBJECT (dialog), "ds-class-id",
                          g_memdup2 (&class_id, sizeof class_id), g_free);
}

static gint64
get_dialog_class_id (GtkWidget *dialog)
{
  return *(gint64 *) g_object_get_data (G_OBJECT (dialog), "ds-class-id");
}

typedef struct
{
  DsClassPalette *palette;
  gint64          class_id;  /* 0: a new class */
  char           *original;  /* the current name when renaming */
  GtkWindow      *window;
  GtkEditable    *entry;
  GtkWidget      *ok_button;
  GtkLabel       *problem_label;
} NameDialog;

static void
name_dialog_free (gpointer data)
{
  NameDialog *dialog = data;

  g_free (dialog->original);
  g_free (dialog);
}

/* The same rules as ds_project_add_class(), so the store does not refuse a name we accepted.
 * Returns: (transfer full) (nullable): the trimmed name, or NULL with *@problem (nullable)
 * saying why. */
static char *
check_name (NameDialog  *dialog,
            const char  *text,
            char       **problem)
{
  g_autofree char *name = g_strstrip (g_strdup (text));
  GtkListBoxRow *row;

  *problem = NULL;
  if (name[0] == '\0')
    return NULL;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\')
        {
          *problem = g_strdup ("A class name cannot contain “/” or “\\”.");
          return NULL;
        }
      if (g_unichar_iscntrl (c))
        {
          *problem = g_strdup ("A class name cannot contain control characters.");
          return NULL;
        }
    }
  if (name[0] == '.')
    {
      *problem = g_strdup ("A class name cannot start with “.”.");
      return NULL;
    }

  for (int i = 0; (row = gtk_list_box_get_row_at_index (dialog->palette->list_box, i)); i++)
    {
      DsClassPaletteRow *class_row = DS_CLASS_PALETTE_ROW (row);

      if (class_row->class_id > 0 && class_row->class_id != dialog->class_id
          && g_ascii_strcasecmp (class_row->name, name) == 0)
        {
          *problem = g_strdup_printf ("There is already a class called “%s”.", class_row->name);
          return NULL;
        }
    }

  return g_steal_pointer (&name);
}

static void
name_dialog_changed_cb (GtkEditable *entry,
                        NameDialog  *dialog)
{
  g_autofree char *problem = NULL;
  g_autofree char *name = check_name (dialog, gtk_editable_get_text (entry), &problem);

  gtk_widget_set_sensitive (dialog->ok_button,
                            name != NULL && g_strcmp0 (name, dialog->original) != 0);
  gtk_label_set_text (dialog->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (dialog->problem_label), problem != NULL);
}

static void
name_dialog_ok_cb (GtkButton  *button,
                   NameDialog *dialog)
{
  g_autofree char *problem = NULL;
  g_autofree char *name = check_name (dialog, gtk_editable_get_text (dialog->entry), &problem);
  g_autoptr(DsClassPalette) palette = NULL;
  gint64 class_id = dialog->class_id;

  if (name == NULL || g_strcmp0 (name, dialog->original) == 0)
    return;

  /* close first: the handler may show an error dialog of its own */
  palette = g_object_ref (dialog->palette);
  gtk_window_destroy (dialog->window);  /* frees @dialog */

  if (class_id == 0)
    g_signal_emit (palette, ds_class_palette_signals[ADD_CLASS], 0, name);
  else
    g_signal_emit (palette, ds_class_palette_signals[RENAME_CLASS], 0, class_id, name);
}

void
ds_class_palette_show_name_dialog (DsClassPalette    *self,
                                   DsClassPaletteRow *row)
{
  NameDialog *dialog;
  GtkWidget *header;
  GtkWidget *cancel_button;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *entry;
  GtkWidget *problem_label;
  GtkEventController *shortcuts;

  if (raise_dialog (self))
    return;

  dialog = g_new0 (NameDialog, 1);
  header = gtk_header_bar_new ();
  cancel_button = gtk_button_new_with_mnemonic ("_Cancel");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = gtk_label_new_with_mnemonic ("_Name");
  entry = gtk_entry_new ();
  problem_label = gtk_label_new (NULL);
  shortcuts = gtk_shortcut_controller_new ();

  dialog->palette = self;
  dialog->class_id = row != NULL ? row->class_id : 0;
  dialog->original = row != NULL ? g_strdup (row->name) : NULL;
  dialog->window = GTK_WINDOW (gtk_window_new ());
  dialog->entry = GTK_EDITABLE (entry);
  dialog->ok_button = gtk_button_new_with_mnemonic (row != NULL ? "_Rename" : "_Add");
  dialog->problem_label = GTK_LABEL (problem_label);
  g_object_set_data_full (G_OBJECT (dialog->window), "ds-name-dialog", dialog, name_dialog_free);

  gtk_window_set_title (dialog->window, row != NULL ? "Rename Class" : "New Class");
  gtk_window_set_transient_for (dialog->window, get_toplevel (self));
  gtk_window_set_modal (dialog->window, TRUE);
  gtk_window_set_destroy_with_parent (dialog->window, TRUE);
  gtk_window_set_resizable (dialog->window, FALSE);
  gtk_window_set_default_size (dialog->window, 340, -1);

  gtk_header_bar_set_show_title_buttons (GTK_HEADER_BAR (header), FALSE);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), cancel_button);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), dialog->ok_button);
  gtk_widget_add_css_class (dialog->ok_button, "suggested-action");
  gtk_window_set_titlebar (dialog->window, header);

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_box_append (GTK_BOX (box), label);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_label_set_xalign (GTK_LABEL (problem_label), 0);
  gtk_label_set_wrap (GTK_LABEL (problem_label), TRUE);
  gtk_widget_add_css_class (problem_label, "error");
  gtk_widget_set_visible (problem_label, FALSE);
  gtk_box_append (GTK_BOX (box), problem_label);
  gtk_window_set_child (dialog->window, box);
  gtk_window_set_default_widget (dialog->window, dialog->ok_button);

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape,
                                                                                  0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (dialog->window), shortcuts);

  g_signal_connect_swapped (cancel_button, "clicked",
                            G_CALLBACK (gtk_window_destroy), dialog->window);
  g_signal_connect (dialog->ok_button, "clicked", G_CALLBACK (name_dialog_ok_cb), dialog);
  g_signal_connect (entry, "changed", G_CALLBACK (name_dialog_changed_cb), dialog);

  gtk_editable_set_text (dialog->entry, dialog->original != NULL ? dialog->original : "");
  name_dialog_changed_cb (dialog->entry, dialog);
  gtk_editable_select_region (dialog->entry, 0, -1);

  track_dialog (self, dialog->window);
  gtk_window_present (dialog->window);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
color_response_cb (GtkDialog      *dialog,
                   int             response,
                   DsClassPalette *self)
{
  gint64 class_id = get_dialog_class_id (GTK_WIDGET (dialog));
  guint32 old_color = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "ds-color"));
  guint32 color;
  GdkRGBA rgba;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (dialog), &rgba);
  color = color_from_rgba (&rgba);
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (response == GTK_RESPONSE_OK && color != old_color)
    g_signal_emit (self, ds_class_palette_signals[RECOLOR_CLASS], 0, class_id, (guint) color);
}

void
ds_class_palette_show_color_dialog (DsClassPalette    *self,
                                    DsClassPaletteRow *row)
{
  g_autofree char *title = NULL;
  GtkWidget *dialog;
  GdkRGBA rgba;

  if (raise_dialog (self))
    return;

  title = g_strdup_printf ("Colour of “%s”", row->name);
  dialog = gtk_color_chooser_dialog_new (title, get_toplevel (self));

  rgba_from_color (&rgba, row->color);
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (dialog), FALSE);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (dialog), &rgba);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  set_dialog_class_id (dialog, row->class_id);
  g_object_set_data (G_OBJECT (dialog), "ds-color", GUINT_TO_POINTER (row->color));
  g_signal_connect (dialog, "response", G_CALLBACK (color_response_cb), self);

  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_response_cb (GtkDialog      *dialog,
                    int             response,
                    DsClassPalette *self)
{
  gint64 class_id = get_dialog_class_id (GTK_WIDGET (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));

  if (response == GTK_RESPONSE_ACCEPT)
    g_signal_emit (self, ds_class_palette_signals[DELETE_CLASS], 0, class_id);
}

void
ds_class_palette_show_delete_dialog (DsClassPalette    *self,
                                     DsClassPaletteRow *row)
{
  g_autofree char *images = NULL;
  GtkWidget *dialog;
  GtkWidget *button;

  if (raise_dialog (self))
    return;

  if (row->n_images == 0)
    images = g_strdup ("It has no images.");
  else if (row->n_images == 1)
    images = g_strdup ("Its image becomes unlabelled.");
  else
    images = g_strdup_printf ("Its %u images become unlabelled.", row->n_images);

  dialog = gtk_message_dialog_new (get_toplevel (self),
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "Delete class “%s”?", row->name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "%s You can undo this with Ctrl+Z.", images);
  gtk_dialog_add_button (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), "_Delete", GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (button, "destructive-action");
  /* Enter must not delete by accident */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  set_dialog_class_id (dialog, row->class_id);
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), self);

  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

G_GNUC_END_IGNORE_DEPRECATIONS
