/* ds-confusion-view.c: the confusion view's matrix, pointer and keyboard; its layout and
 * drawing are in ds-confusion-view-draw.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-confusion-view-private.h"

enum {
  PROP_0,
  PROP_N_CLASSES,
  N_PROPS
};

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsConfusionView, ds_confusion_view, GTK_TYPE_WIDGET)

#define MIN_SIZE 200

/* Cells and text */

double
ds_confusion_view_get_fraction (DsConfusionView *self,
                                guint            row,
                                guint            col)
{
  guint64 total;

  if (row >= self->n_classes || col >= self->n_classes)
    return 0.0;

  total = self->row_totals[row];

  return total > 0 ? (double) self->counts[row * self->n_classes + col] / total : 0.0;
}

char *
ds_confusion_format_percent (guint64 count,
                             guint64 total)
{
  double percent = total > 0 ? 100.0 * count / total : 0.0;

  /* rounding must not claim "100 %" or "0 %" when it is not so */
  if (total > 0 && count == total)
    return g_strdup ("100 %");
  if (percent >= 99.5)
    return g_strdup ("> 99 %");
  if (count > 0 && percent < 0.5)
    return g_strdup ("< 1 %");

  return g_strdup_printf ("%.0f %%", percent);
}

char *
ds_confusion_view_dup_cell_text (DsConfusionView *self,
                                 guint            row,
                                 guint            col)
{
  const char *truth, *predicted;
  g_autofree char *percent = NULL;
  guint64 count;

  g_return_val_if_fail (DS_IS_CONFUSION_VIEW (self), NULL);
  g_return_val_if_fail (row < self->n_classes && col < self->n_classes, NULL);

  truth = self->class_names[row];
  predicted = self->class_names[col];
  count = self->counts[row * self->n_classes + col];

  if (self->row_totals[row] == 0)
    return g_strdup_printf ("True %s, predicted %s: no validation images of %s.",
                            truth, predicted, truth);

  percent = ds_confusion_format_percent (count, self->row_totals[row]);
  if (count == 0)
    return g_strdup_printf ("True %s, predicted %s: no images (0 %% of %s).",
                            truth, predicted, truth);

  return g_strdup_printf ("True %s, predicted %s: %" G_GUINT64_FORMAT " %s (%s of %s). "
                          "Click to show %s.",
                          truth, predicted, count, count == 1 ? "image" : "images", percent,
                          truth, count == 1 ? "it" : "them");
}

static void
update_accessible (DsConfusionView *self)
{
  g_autofree char *description = NULL;

  if (self->n_classes > 0)
    description = ds_confusion_view_dup_cell_text (self, self->focus_row, self->focus_col);

  /* GTK 4.8 cannot expose cells as accessible children: the focused cell is described */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "No validation results yet",
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_RELATION_ROW_COUNT, (int) self->n_classes,
                                  GTK_ACCESSIBLE_RELATION_COL_COUNT, (int) self->n_classes,
                                  -1);
}

gboolean
ds_confusion_view_cell_at (DsConfusionView *self,
                           double           x,
                           double           y,
                           guint           *row,
                           guint           *col)
{
  DsConfusionGeometry geometry;

  g_return_val_if_fail (DS_IS_CONFUSION_VIEW (self), FALSE);

  ds_confusion_view_compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                      gtk_widget_get_height (GTK_WIDGET (self)), &geometry);

  return ds_confusion_geometry_cell_at (&geometry, x, y, row, col);
}

gboolean
ds_confusion_view_get_cell_rect (DsConfusionView *self,
                                 guint            row,
                                 guint            col,
                                 graphene_rect_t *rect)
{
  DsConfusionGeometry geometry;

  g_return_val_if_fail (DS_IS_CONFUSION_VIEW (self), FALSE);

  if (row >= self->n_classes || col >= self->n_classes)
    return FALSE;

  ds_confusion_view_compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                      gtk_widget_get_height (GTK_WIDGET (self)), &geometry);
  ds_confusion_geometry_cell_rect (&geometry, row, col, rect);

  return TRUE;
}

static void
activate_cell (DsConfusionView *self,
               guint            row,
               guint            col)
{
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, row, col);
}

static void
set_focus_cell (DsConfusionView *self,
                guint            row,
                guint            col)
{
  if (self->focus_row == row && self->focus_col == col)
    return;

  self->focus_row = row;
  self->focus_col = col;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_hover_cell (DsConfusionView *self,
                int              row,
                int              col)
{
  if (self->hover_row == row && self->hover_col == col)
    return;

  self->hover_row = row;
  self->hover_col = col;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), row >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
ds_confusion_view_focus_cell_visible (DsConfusionView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  return self->n_classes > 0
         && (gtk_widget_has_visible_focus (widget)
             || (gtk_widget_has_focus (widget) && self->keyboard_used));
}

/* Pointer */

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DsConfusionView          *self)
{
  guint row, col;

  if (ds_confusion_view_cell_at (self, x, y, &row, &col))
    set_hover_cell (self, (int) row, (int) col);
  else
    set_hover_cell (self, -1, -1);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          DsConfusionView          *self)
{
  set_hover_cell (self, -1, -1);
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DsConfusionView *self)
{
  guint row, col;

  self->press_row = self->press_col = -1;
  self->keyboard_used = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!ds_confusion_view_cell_at (self, x, y, &row, &col))
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  set_focus_cell (self, row, col);
  self->press_row = (int) row;
  self->press_col = (int) col;
}

/* A click is a press and a release in one cell: sliding off a cell is how to change one's mind. */
static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             DsConfusionView *self)
{
  int press_row = self->press_row, press_col = self->press_col;
  guint row, col;

  self->press_row = self->press_col = -1;
  if (press_row < 0 || !ds_confusion_view_cell_at (self, x, y, &row, &col)
      || (int) row != press_row || (int) col != press_col)
    return;

  activate_cell (self, row, col);
}

static gboolean
ds_confusion_view_query_tooltip (GtkWidget  *widget,
                                 int         x,
                                 int         y,
                                 gboolean    keyboard_tooltip,
                                 GtkTooltip *tooltip)
{
  DsConfusionView *self = DS_CONFUSION_VIEW (widget);
  g_autofree char *text = NULL;
  graphene_rect_t r;
  guint row, col;

  if (self->n_classes == 0)
    return FALSE;

  if (keyboard_tooltip)
    {
      row = self->focus_row;
      col = self->focus_col;
    }
  else if (!ds_confusion_view_cell_at (self, x, y, &row, &col))
    {
      return FALSE;
    }

  text = ds_confusion_view_dup_cell_text (self, row, col);
  gtk_tooltip_set_text (tooltip, text);
  /* so that the tooltip is asked again in the next cell */
  ds_confusion_view_get_cell_rect (self, row, col, &r);
  gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) floor (r.origin.x),
                                                       (int) floor (r.origin.y),
                                                       (int) ceil (r.size.width),
                                                       (int) ceil (r.size.height) });

  return TRUE;
}

/* Keyboard */

/* The arrows stay in the grid: Tab leaves it. */
static gboolean
move_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  DsConfusionView *self = DS_CONFUSION_VIEW (widget);
  int drow, dcol;
  int last;

  if (self->n_classes == 0)
    return FALSE;

  /* GtkWindow hides focus rings again after keys that did not move the focus to another
   * widget, which ours never do: the view keeps its own note of keyboard use */
  self->keyboard_used = TRUE;
  gtk_widget_queue_draw (widget);

  g_variant_get (args, "(ii)", &drow, &dcol);
  last = (int) self->n_classes - 1;
  set_focus_cell (self,
                  (guint) CLAMP ((int) self->focus_row + drow, 0, last),
                  (guint) CLAMP ((int) self->focus_col + dcol, 0, last));

  return TRUE;
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DsConfusionView *self = DS_CONFUSION_VIEW (widget);

  if (self->n_classes > 0)
    activate_cell (self, self->focus_row, self->focus_col);
}

static void
add_move_binding (GtkWidgetClass  *widget_class,
                  guint            keyval,
                  guint            keypad_keyval,
                  GdkModifierType  modifiers,
                  int              drow,
                  int              dcol)
{
  gtk_widget_class_add_binding (widget_class, keyval, modifiers, move_shortcut_cb,
                                "(ii)", drow, dcol);
  gtk_widget_class_add_binding (widget_class, keypad_keyval, modifiers, move_shortcut_cb,
                                "(ii)", drow, dcol);
}

/* GtkWidget */

static void
ds_confusion_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ds_confusion_view_draw (DS_CONFUSION_VIEW (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
ds_confusion_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  int width, height;

  ds_confusion_view_get_natural_size (DS_CONFUSION_VIEW (widget), &width, &height);
  *minimum = MIN_SIZE;
  *natural = MAX (MIN_SIZE, orientation == GTK_ORIENTATION_HORIZONTAL ? width : height);
}

static void
ds_confusion_view_state_flags_changed (GtkWidget     *widget,
                                       GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (ds_confusion_view_parent_class)->state_flags_changed (widget, previous);
}

/* The colours come from the style, and the parent redraws only for what it draws itself */
static void
ds_confusion_view_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (ds_confusion_view_parent_class)->css_changed (widget, change);

  gtk_widget_queue_draw (widget);
}

/* GObject */

GtkWidget *
ds_confusion_view_new (void)
{
  return g_object_new (DS_TYPE_CONFUSION_VIEW, NULL);
}

static void
free_matrix (DsConfusionView *self)
{
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_totals, g_free);
  g_clear_pointer (&self->class_names, g_strfreev);
}

void
ds_confusion_view_set_matrix (DsConfusionView    *self,
                              guint               n_classes,
                              const guint64      *counts,
                              const char * const *class_names)
{
  guint old_n_classes;

  g_return_if_fail (DS_IS_CONFUSION_VIEW (self));

  if (counts == NULL)
    n_classes = 0;

  old_n_classes = self->n_classes;
  free_matrix (self);
  self->n_classes = n_classes;

  if (n_classes > 0)
    {
      self->counts = g_new (guint64, (gsize) n_classes * n_classes);
      memcpy (self->counts, counts, (gsize) n_classes * n_classes * sizeof (guint64));
      self->row_totals = g_new0 (guint64, n_classes);
      self->class_names = g_new0 (char *, n_classes + 1);
      for (guint row = 0; row < n_classes; row++)
        {
          for (guint col = 0; col < n_classes; col++)
            self->row_totals[row] += counts[row * n_classes + col];

          if (class_names != NULL && class_names[row] != NULL)
            self->class_names[row] = g_strdup (class_names[row]);
          else
            self->class_names[row] = g_strdup_printf ("Class %u", row + 1);
        }
    }

  /* the same cells are still there when only the numbers changed, as after each epoch */
  if (n_classes != old_n_classes)
    {
      self->hover_row = self->hover_col = -1;
      self->press_row = self->press_col = -1;
      self->focus_row = MIN (self->focus_row, MAX (n_classes, 1) - 1);
      self->focus_col = MIN (self->focus_col, MAX (n_classes, 1) - 1);
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "confusion-view.activate", n_classes > 0);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (n_classes != old_n_classes)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLASSES]);
}

void
ds_confusion_view_clear (DsConfusionView *self)
{
  ds_confusion_view_set_matrix (self, 0, NULL, NULL);
}

guint
ds_confusion_view_get_n_classes (DsConfusionView *self)
{
  g_return_val_if_fail (DS_IS_CONFUSION_VIEW (self), 0);

  return self->n_classes;
}

guint64
ds_confusion_view_get_count (DsConfusionView *self,
                             guint            true_index,
                             guint            predicted_index)
{
  g_return_val_if_fail (DS_IS_CONFUSION_VIEW (self), 0);

  if (true_index >= self->n_classes || predicted_index >= self->n_classes)
    return 0;

  return self->counts[true_index * self->n_classes + predicted_index];
}

static void
ds_confusion_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DsConfusionView *self = DS_CONFUSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_N_CLASSES:
      g_value_set_uint (value, self->n_classes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_confusion_view_finalize (GObject *object)
{
  free_matrix (DS_CONFUSION_VIEW (object));

  G_OBJECT_CLASS (ds_confusion_view_parent_class)->finalize (object);
}

static void
ds_confusion_view_class_init (DsConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ds_confusion_view_finalize;
  object_class->get_property = ds_confusion_view_get_property;

  widget_class->snapshot = ds_confusion_view_snapshot;
  widget_class->measure = ds_confusion_view_measure;
  widget_class->state_flags_changed = ds_confusion_view_state_flags_changed;
  widget_class->css_changed = ds_confusion_view_css_changed;
  widget_class->query_tooltip = ds_confusion_view_query_tooltip;

  properties[PROP_N_CLASSES] =
    g_param_spec_uint ("n-classes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DsConfusionView::cell-activated:
   * @true_index: the row: the class the images are
   * @predicted_index: the column: the class the model called them
   *
   * The user clicked a cell, or pressed Enter or space on the keyboard's cell.
   */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "confusion-view.activate", NULL,
                                   activate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0,
                                       "confusion-view.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0,
                                       "confusion-view.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0,
                                       "confusion-view.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0,
                                       "confusion-view.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Space, 0,
                                       "confusion-view.activate", NULL);

  add_move_binding (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1, 0);
  add_move_binding (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1, 0);
  add_move_binding (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, 0, 0, -1);
  add_move_binding (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 0, 0, 1);
  /* to the ends of the row, and with Ctrl to the corners */
  add_move_binding (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, 0, 0, -G_MAXINT / 2);
  add_move_binding (widget_class, GDK_KEY_End, GDK_KEY_KP_End, 0, 0, G_MAXINT / 2);
  add_move_binding (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, GDK_CONTROL_MASK,
                    -G_MAXINT / 2, -G_MAXINT / 2);
  add_move_binding (widget_class, GDK_KEY_End, GDK_KEY_KP_End, GDK_CONTROL_MASK,
                    G_MAXINT / 2, G_MAXINT / 2);

  gtk_widget_class_set_css_name (widget_class, "confusionview");
  /* GTK 4.8 has GRID; TABLE is marked unused there */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
ds_confusion_view_init (DsConfusionView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  self->hover_row = self->hover_col = -1;
  self->press_row = self->press_col = -1;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect (gesture, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Validation confusion matrix",
                                  -1);
  gtk_widget_action_set_enabled (widget, "confusion-view.activate", FALSE);
  update_accessible (self);
}
