/* ds-class-palette.c: the rows, the context menu and the actions; the dialogs are in
 * ds-class-palette-dialogs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-class-palette-private.h"

#define SWATCH_SIZE  16
#define N_KEY_HINTS  9   /* keys 1 to 9 label with the first nine classes */
#define TEMPLATE     "/org/defectscope/Defectscope/ui/ds-class-palette.ui"

G_DEFINE_FINAL_TYPE (DsClassPaletteRow, ds_class_palette_row, GTK_TYPE_LIST_BOX_ROW)

guint ds_class_palette_signals[N_SIGNALS];

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
  g_signal_emit (self, ds_class_palette_signals[CLASS_ACTIVATED], 0,
                 DS_CLASS_PALETTE_ROW (row)->class_id);
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
  ds_class_palette_show_name_dialog (DS_CLASS_PALETTE (widget), NULL);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_selected_class_row (self);

  if (row != NULL)
    ds_class_palette_show_name_dialog (self, row);
}

static void
recolor_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_selected_class_row (self);

  if (row != NULL)
    ds_class_palette_show_color_dialog (self, row);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DsClassPalette *self = DS_CLASS_PALETTE (widget);
  DsClassPaletteRow *row = get_selected_class_row (self);

  if (row != NULL)
    ds_class_palette_show_delete_dialog (self, row);
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

  ds_class_palette_signals[CLASS_ACTIVATED] =
    g_signal_new ("class-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  ds_class_palette_signals[ADD_CLASS] =
    g_signal_new ("add-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  ds_class_palette_signals[RENAME_CLASS] =
    g_signal_new ("rename-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_INT64, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  ds_class_palette_signals[RECOLOR_CLASS] =
    g_signal_new ("recolor-class", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_UINT);
  ds_class_palette_signals[DELETE_CLASS] =
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
