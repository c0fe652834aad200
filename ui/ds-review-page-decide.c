/* ds-review-page-decide.c: the Review page's decisions: a label and a review written at once,
 * the keys that take them and the buttons that show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error-dialog.h"
#include "ds-review-page-private.h"

#include "ds-engine.h"
#include "store/ds-project-runs.h"

gboolean
ds_review_page_decide (DsReviewPage  *self,
                       int            position,
                       GError       **error)
{
  DsScoredItem *item;
  gint64 id, class_id, run_id;
  guint at;

  g_return_val_if_fail (DS_IS_REVIEW_PAGE (self), FALSE);

  item = ds_review_page_selected_item (self);
  if (item == NULL || self->project == NULL || self->scores == NULL)
    return TRUE;
  if (position < 0)
    class_id = self->scores->normal_class_id;
  else if ((guint) position < self->scores->classes->len)
    class_id = ((DsClassInfo *) g_ptr_array_index (self->scores->classes, position))->id;
  else
    return TRUE;  /* no class at that key */
  if (class_id == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "which class is normal? None is called good, ok or normal");
      return FALSE;
    }

  id = ds_scored_item_get_id (item);
  run_id = self->scores->info != NULL ? self->scores->info->id : 0;
  /* the label first, as the Label page does: it is the decision; the review only says so */
  if (!ds_project_set_labels (self->project, &id, 1, class_id, error))
    return FALSE;
  ds_scored_item_set_class_id (item, class_id);
  g_signal_emit_by_name (self, "labels-changed");
  if (!ds_project_mark_reviewed (self->project, &id, 1, class_id, run_id, error))
    return FALSE;
  ds_scored_item_set_reviewed_class_id (item, class_id);

  at = gtk_single_selection_get_selected (self->selection);
  g_list_store_remove (self->queue, at);
  self->n_reviewed++;
  ds_review_page_update_counts (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->queue)) > 0)
    {
      at = MIN (at, g_list_model_get_n_items (G_LIST_MODEL (self->queue)) - 1);
      gtk_single_selection_set_selected (self->selection, at);
      ds_review_page_focus_queue (self, at);
    }

  return TRUE;
}

void
ds_review_page_decide_and_report (DsReviewPage *self,
                                  int           position)
{
  g_autoptr(GError) error = NULL;

  if (!ds_review_page_decide (self, position, &error))
    ds_show_error (GTK_WIDGET (self), "The decision could not be saved", error);
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ds_review_page_decide_and_report (DS_REVIEW_PAGE (widget), -1);
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ds_review_page_decide_and_report (DS_REVIEW_PAGE (widget), g_variant_get_int32 (parameter));
}

void
ds_review_page_show_decisions (DsReviewPage *self)
{
  g_autoptr(GString) keys = g_string_new (NULL);
  GtkWidget *child;
  const char *normal = ds_review_page_class_name (self, self->scores->normal_class_id);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->decision_box))) != NULL)
    gtk_flow_box_remove (self->decision_box, child);

  if (self->scores->normal_class_id != 0)
    {
      g_autofree char *text = g_strdup_printf ("Accept as %s (Return)", normal);
      GtkWidget *button = gtk_button_new_with_label (text);

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "review.accept");
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_flow_box_append (self->decision_box, button);
    }
  for (guint i = 0; i < self->scores->classes->len && i < 9; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (self->scores->classes, i);
      g_autofree char *text = g_strdup_printf ("%u  %s", i + 1, info->name);
      GtkWidget *button = gtk_button_new_with_label (text);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "i", (gint32) i);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "review.assign");
      gtk_flow_box_append (self->decision_box, button);
    }
  /* the buttons are the stops for Tab, not the flow box's cells around them */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->decision_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);

  g_string_append_printf (keys, "Return or O accepts the part as “%s”; 1 to %u give it that "
                          "class. Each decision is saved at once as the image's label; Ctrl+Z "
                          "takes it back.", normal, MIN (self->scores->classes->len, 9));
  gtk_label_set_text (self->keys_label, keys->str);
}

void
ds_review_page_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "review.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "review.assign", "i", assign_action);
}

/* The keys are the page's only while it is the page shown: a stack's outgoing page stays
 * mapped during its transition, and its window-wide keys would act on it. */
void
ds_review_page_update_keys (DsReviewPage *self)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_STACK);
  GtkWidget *shown = stack != NULL ? gtk_stack_get_visible_child (GTK_STACK (stack)) : NULL;
  gboolean active = gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                    (stack == NULL || (shown != NULL && (shown == GTK_WIDGET (self) ||
                                                         gtk_widget_is_ancestor (GTK_WIDGET (self),
                                                                                 shown))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.accept", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.assign", active);
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  keyval,
              GdkModifierType        modifiers,
              const char            *action,
              int                    position)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyval, modifiers),
                                            gtk_named_action_new (action));

  if (position >= 0)
    gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (position));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

/* The keys act wherever the focus is on the page's window while the page is shown (a managed
 * controller runs only for a mapped widget), after the focused widget: a button still takes
 * its own Return. */
void
ds_review_page_add_keys (DsReviewPage *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *keys = GTK_SHORTCUT_CONTROLLER (controller);

  gtk_shortcut_controller_set_scope (keys, GTK_SHORTCUT_SCOPE_MANAGED);
  add_shortcut (keys, GDK_KEY_Return, 0, "review.accept", -1);
  add_shortcut (keys, GDK_KEY_KP_Enter, 0, "review.accept", -1);
  add_shortcut (keys, GDK_KEY_o, 0, "review.accept", -1);
  add_shortcut (keys, GDK_KEY_O, GDK_SHIFT_MASK, "review.accept", -1);
  for (int i = 0; i < 9; i++)
    {
      add_shortcut (keys, GDK_KEY_1 + i, 0, "review.assign", i);
      add_shortcut (keys, GDK_KEY_KP_1 + i, 0, "review.assign", i);
    }
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

