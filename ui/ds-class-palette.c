/* ds-class-palette.c
 *
 * The dialogs are GTK 4.8 ones (GtkColorChooserDialog, GtkMessageDialog): GtkColorDialog and
 * GtkAlertDialog need 4.10. The deprecation guards only matter when built against 4.10 or later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-class-palette.h"

#define SWATCH_SIZE  16
#define N_KEY_HINTS  9   /* keys 1 to 9 label with the first nine classes */
#define TEMPLATE     "/org/defectscope/Defectscope/ui/ds-class-palette.ui"

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

G_DEFINE_FINAL_TYPE (DsClassPaletteRow, ds_class_palette_row, GTK_TYPE_LIST_BOX_ROW)

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

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsClassPalette, ds_class_palette, GTK_TYPE_WIDGET)

/* GNOME HIG palette, ordered so that neighbours differ in hue and lightness */
static const guint32 default_colors[] = {
  0x3584e4,  /* Blue 3 */
  0xe01b24,  /* Red 3 */
  0x2ec27e,  /* Green 4 */
  0xff7800,  /* Orange 3 */
  0x9141ac,  /* Purple 3 */
  0xf5c211,  /* Yellow 4 */
  0x986a44,  /* Brown 3 */
  0x99c1f1,  /* Blue 1 */
  0x26a269,  /* Green 5 */
  0xdc8add,  /* Purple 1 */
  0xc64600,  /* Orange 5 */
  0x1a5fb4,  /* Blue 5 */
};

guint32
ds_class_palette_default_color (guint index)
{
  return default_colors[index % G_N_ELEMENTS (default_colors)];
}

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

/* Rows */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  DsClassPaletteRow *row = user_data;
  double size = MIN (width, height) - 1;
  double x = (width - size) / 2.0;
  double y = (height - size) / 2.0;
  double radius = 4;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + size - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + size - radius, y + size - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + size - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_set_line_width (cr, 1);

  if (row->class_id == 0)
    {
      /* no class, no colour: a dashed outline */
      const double dashes[] = { 2, 2 };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.9);
      cairo_stroke (cr);
      return;
    }

  cairo_set_source_rgb (cr,
                        ((row->color >> 16) & 0xff) / 255.0,
                        ((row->color >> 8) & 0xff) / 255.0,
                        (row->color & 0xff) / 255.0);
  cairo_fill_preserve (cr);
  /* a thin darker edge keeps light colours visible on a light background */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_stroke (cr);
}

static GtkLabel *
add_label (GtkBox     *box,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);

  return GTK_LABEL (label);
}

static void
ds_class_palette_row_finalize (GObject *object)
{
  DsClassPaletteRow *row = DS_CLASS_PALETTE_ROW (object);

  g_free (row->name);

  G_OBJECT_CLASS (ds_class_palette_row_parent_class)->finalize (object);
}

static void
ds_class_palette_row_class_init (DsClassPaletteRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ds_class_palette_row_finalize;
}

static void
ds_class_palette_row_init (DsClassPaletteRow *row)
{
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8));

  row->swatch = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row->swatch), SWATCH_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row->swatch), SWATCH_SIZE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), draw_swatch, row, NULL);
  gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
  gtk_box_append (box, row->swatch);

  row->key_label = add_label (box, "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (row->key_label), "numeric");
  gtk_label_set_width_chars (row->key_label, 1);

  row->name_label = add_label (box, NULL);
  gtk_label_set_xalign (row->name_label, 0);
  gtk_label_set_ellipsize (row->name_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (row->name_label), TRUE);

  row->count_label = add_label (box, "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (row->count_label), "numeric");
  gtk_label_set_xalign (row->count_label, 1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (box));
}

/* @position: the class's place in the list, which gives its key; -1 for Unlabelled (key 0) */
static void
ds_class_palette_row_update (DsClassPaletteRow *row,
                             const char        *name,
                             guint32            color,
                             guint              n_images,
                             int                position)
{
  g_autofree char *key = NULL;
  g_autofree char *count = g_strdup_printf ("%u", n_images);
  g_autofree char *tooltip = NULL;
  g_autofree char *accessible = NULL;

  if (position < 0)
    key = g_strdup ("0");
  else if (position < N_KEY_HINTS)
    key = g_strdup_printf ("%d", position + 1);

  if (g_strcmp0 (row->name, name) != 0)
    {
      g_free (row->name);
      row->name = g_strdup (name);
      gtk_label_set_text (row->name_label, name);
    }
  if (row->color != color)
    {
      row->color = color;
      gtk_widget_queue_draw (row->swatch);
    }
  row->n_images = n_images;
  gtk_label_set_text (row->count_label, count);
  gtk_label_set_text (row->key_label, key != NULL ? key : "");

  if (row->class_id == 0)
    tooltip = g_strdup ("Make the selected images unlabelled (0)");
  else if (key != NULL)
    tooltip = g_strdup_printf ("Label the selected images “%s” (%s)", name, key);
  else
    tooltip = g_strdup_printf ("Label the selected images “%s”", name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), tooltip);

  accessible = g_strdup_printf ("%s, %u %s%s%s", name, n_images,
                                n_images == 1 ? "image" : "images",
                                key != NULL ? ", key " : "", key != NULL ? key : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static GtkWidget *
ds_class_palette_row_new (gint64 class_id)
{
  DsClassPaletteRow *row = g_object_new (DS_TYPE_CLASS_PALETTE_ROW, NULL);

  row->class_id = class_id;

  return GTK_WIDGET (row);
}

/* Looking rows up */

static DsClassPaletteRow *
find_row (DsClassPalette *self,
          gint64          class_id)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    if (DS_CLASS_PALETTE_ROW (row)->class_id == class_id)
      return DS_CLASS_PALETTE_ROW (row);

  return NULL;
}

static DsClassPaletteRow *
get_selected_row (DsClassPalette *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);

  return row != NULL ? DS_CLASS_PALETTE_ROW (row) : NULL;
}

/* The selected row when it is a class (not Unlabelled). */
static DsClassPaletteRow *
get_selected_class_row (DsClassPalette *self)
{
  DsClassPaletteRow *row = get_selected_row (self);

  return row != NULL && row->class_id > 0 ? row : NULL;
}

/* The row holding the keyboard focus, if it is one of ours. */
static DsClassPaletteRow *
get_focus_row (DsClassPalette *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row;

  if (focus == NULL)
    return NULL;
  row = gtk_widget_get_ancestor (focus, DS_TYPE_CLASS_PALETTE_ROW);
  if (row == NULL || gtk_widget_get_parent (row) != GTK_WIDGET (self->list_box))
    return NULL;

  return DS_CLASS_PALETTE_ROW (row);
}

static void
update_actions (DsClassPalette *self)
{
  gboolean has_class;

  /* the list emptying in dispose changes the selection */
  if (self->list_box == NULL)
    return;

  has_class = get_selected_class_row (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "palette.rename", has_class);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "palette.recolor", has_class);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "palette.delete", has_class);
}

/* Dialogs */

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
    g_signal_emit (palette, signals[ADD_CLASS], 0, name);
  else
    g_signal_emit (palette, signals[RENAME_CLASS], 0, class_id, name);
}

/* Asks for the name of a new class (@row NULL) or a new name for @row's class. */
static void
show_name_dialog (DsClassPalette    *self,
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
    g_signal_emit (self, signals[RECOLOR_CLASS], 0, class_id, (guint) color);
}

static void
show_color_dialog (DsClassPalette    *self,
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
    g_signal_emit (self, signals[DELETE_CLASS], 0, class_id);
}

static void
show_delete_dialog (DsClassPalette    *self,
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

/* Context menu */

static void
popup_menu_at (DsClassPalette  *self,
               graphene_rect_t *rect)
{
  GdkRectangle pointing_to = {
    .x = (int) rect->origin.x,
    .y = (int) rect->origin.y,
    .width = MAX (1, (int) rect->size.width),
    .height = MAX (1, (int) rect->size.height),
  };

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_popover), &pointing_to);
  gtk_popover_popup (GTK_POPOVER (self->context_popover));
}

/* On release rather than press: a menu shown under a held button gets a stray release. */
static void
context_click_cb (DsClassPalette  *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_y (self->list_box, (int) y);
  graphene_rect_t list_bounds;

  if (row == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  /* select without activating: activating would label the selected images */
  gtk_list_box_select_row (self->list_box, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));

  if (!gtk_widget_compute_bounds (GTK_WIDGET (self->list_box), GTK_WIDGET (self), &list_bounds))
    return;
  popup_menu_at (self, &GRAPHENE_RECT_INIT (list_bounds.origin.x + x,
                                            list_bounds.origin.y + y, 1, 1));
}

/* Callbacks and actions */

static void
row_activated_cb (DsClassPalette *self,
                  GtkListBoxRow  *row,
                  GtkListBox     *list_box)
{
  g_signal_emit (self, signals[CLASS_ACTIVATED], 0, DS_CLASS_PALETTE_ROW (row)->class_id);
}

static void
selected_rows_changed_cb (DsClassPalette *self,
                          GtkListBox     *list_box)
{
  update_actions (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  show_name_dialog (DS_CLASS_PALETTE (widget), NULL);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_selected_class_row (self);

  if (row != NULL)
    show_name_dialog (self, row);
}

static void
recolor_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_selected_class_row (self);

  if (row != NULL)
    show_color_dialog (self, row);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_selected_class_row (self);

  if (row != NULL)
    show_delete_dialog (self, row);
}

/* Shift+F10 or the Menu key: the context menu of the focused (else the selected) row. */
static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_focus_row (self);
  graphene_rect_t bounds;

  if (row != NULL)
    gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (row));
  else
    row = get_selected_row (self);
  if (row == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (row), widget, &bounds))
    return;

  popup_menu_at (self, &bounds);
}

/* Public API */

DsClassPalette *
ds_class_palette_new (void)
{
  return g_object_new (DS_TYPE_CLASS_PALETTE, NULL);
}

void
ds_class_palette_set_classes (DsClassPalette *self,
                              GPtrArray      *classes,
                              guint           n_unlabelled)
{
  DsClassPaletteRow *selected;
  DsClassPaletteRow *focused;
  gint64 selected_id;
  gint64 focused_id;
  GtkListBoxRow *row;
  guint n_classes;

  g_return_if_fail (DS_IS_CLASS_PALETTE (self));

  n_classes = classes != NULL ? classes->len : 0;
  selected = get_selected_row (self);
  selected_id = selected != NULL ? selected->class_id : -1;
  focused = get_focus_row (self);
  focused_id = focused != NULL ? focused->class_id : -1;

  ds_class_palette_row_update (DS_CLASS_PALETTE_ROW (self->unlabelled_row),
                               "Unlabelled", 0, n_unlabelled, -1);

  /* drop the rows of classes that are gone */
  for (int i = 1; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL;)
    {
      gint64 class_id = DS_CLASS_PALETTE_ROW (row)->class_id;
      gboolean present = FALSE;

      for (guint j = 0; j < n_classes && !present; j++)
        present = ((DsClassInfo *) g_ptr_array_index (classes, j))->id == class_id;
      if (present)
        i++;
      else
        gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
    }

  /* then put every class at its place, reusing its row */
  for (guint i = 0; i < n_classes; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (classes, i);
      DsClassPaletteRow *class_row = find_row (self, info->id);

      if (info->id <= 0)
        {
          g_warning ("Class “%s” has invalid id %" G_GINT64_FORMAT, info->name, info->id);
          continue;
        }

      if (class_row == NULL)
        {
          class_row = DS_CLASS_PALETTE_ROW (ds_class_palette_row_new (info->id));
          gtk_list_box_insert (self->list_box, GTK_WIDGET (class_row), (int) i + 1);
        }
      else if (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (class_row)) != (int) i + 1)
        {
          g_object_ref (class_row);
          gtk_list_box_remove (self->list_box, GTK_WIDGET (class_row));
          gtk_list_box_insert (self->list_box, GTK_WIDGET (class_row), (int) i + 1);
          g_object_unref (class_row);
        }
      ds_class_palette_row_update (class_row, info->name, info->color, info->n_images, (int) i);
    }

  /* moving a row drops its selection and focus: give them back */
  if (selected_id >= 0 && (selected = find_row (self, selected_id)) != NULL
      && get_selected_row (self) != selected)
    gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (selected));
  if (focused_id >= 0 && get_focus_row (self) == NULL
      && (focused = find_row (self, focused_id)) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (focused));

  update_actions (self);
}

gint64
ds_class_palette_get_selected (DsClassPalette *self)
{
  DsClassPaletteRow *row;

  g_return_val_if_fail (DS_IS_CLASS_PALETTE (self), -1);

  row = get_selected_row (self);

  return row != NULL ? row->class_id : -1;
}

void
ds_class_palette_select (DsClassPalette *self,
                         gint64          class_id)
{
  DsClassPaletteRow *row;

  g_return_if_fail (DS_IS_CLASS_PALETTE (self));

  row = class_id >= 0 ? find_row (self, class_id) : NULL;
  if (row != NULL)
    gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (row));
  else
    gtk_list_box_unselect_all (self->list_box);
}

/* GObject */

static void
ds_class_palette_dispose (GObject *object)
{
  DsClassPalette *self = DS_CLASS_PALETTE (object);
  GtkWidget *child;

  if (self->dialog != NULL)
    {
      GtkWindow *dialog = self->dialog;

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
      self->dialog = NULL;
      gtk_window_destroy (dialog);
    }
  g_clear_pointer (&self->context_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_CLASS_PALETTE);
  /* it only unparents bound children */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ds_class_palette_parent_class)->dispose (object);
}

static void
ds_class_palette_class_init (DsClassPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_class_palette_dispose;

  signals[CLASS_ACTIVATED] =
    g_signal_new ("class-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[ADD_CLASS] =
    g_signal_new ("add-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[RENAME_CLASS] =
    g_signal_new ("rename-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_INT64, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[RECOLOR_CLASS] =
    g_signal_new ("recolor-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_UINT);
  signals[DELETE_CLASS] =
    g_signal_new ("delete-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, TEMPLATE);
  gtk_widget_class_bind_template_child (widget_class, DsClassPalette, list_box);
  gtk_widget_class_bind_template_child (widget_class, DsClassPalette, context_menu);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_rows_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, context_click_cb);

  gtk_widget_class_install_action (widget_class, "palette.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "palette.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "palette.recolor", NULL, recolor_action);
  gtk_widget_class_install_action (widget_class, "palette.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "palette.menu", NULL, menu_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "palette.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "palette.rename", NULL);
  /* the menu shows the last binding of an action as its accelerator */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "palette.delete",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "palette.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "palette.menu",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "palette.menu", NULL);
}

static void
ds_class_palette_init (DsClassPalette *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->unlabelled_row = ds_class_palette_row_new (0);
  ds_class_palette_row_update (DS_CLASS_PALETTE_ROW (self->unlabelled_row),
                               "Unlabelled", 0, 0, -1);
  gtk_list_box_append (self->list_box, self->unlabelled_row);

  self->context_popover = gtk_popover_menu_new_from_model (self->context_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_popover), FALSE);
  gtk_widget_set_halign (self->context_popover, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_popover, GTK_WIDGET (self));

  update_actions (self);
}
