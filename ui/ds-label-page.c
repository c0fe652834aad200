/* ds-label-page.c
 *
 * The grid is GListStore (every image) → GtkFilterListModel (the "Show" filter) →
 * GtkMultiSelection → GtkGridView. Labels are written to the store first and only then to the
 * items, so what the grid shows is always what is on disk. The project's images come and go
 * in ds-label-page-project.c, the grid's cells in ds-label-page-grid.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-class-palette.h"
#include "ds-error-dialog.h"
#include "ds-image-item.h"
#include "ds-image-view.h"
#include "ds-label-page.h"
#include "ds-label-page-private.h"
#include "ds-thumbnailer.h"

#include "ds-error.h"


enum {
  LOADED,
  LABELS_CHANGED,
  RELOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsLabelPage, ds_label_page, GTK_TYPE_WIDGET)

void
ds_label_page_update_counts (DsLabelPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf ("%u images · %u unlabelled", total, self->n_unlabelled);
  else
    text = g_strdup_printf ("%u of %u images · %u unlabelled", shown, total, self->n_unlabelled);
  gtk_label_set_text (self->count_label, text);

  if (total == 0)
    gtk_label_set_text (self->empty_label,
                        "This project has no images yet.\nImport PNG files or folders with Ctrl+I, "
                        "or drop them here.");
  else
    gtk_label_set_text (self->empty_label, "No image matches this filter.");
  gtk_stack_set_visible_child_name (self->grid_stack, shown > 0 ? "grid" : "empty");
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  DsLabelPage *self = user_data;
  gint64 class_id = ds_image_item_get_class_id (item);

  switch (self->filter_mode)
    {
    case FILTER_ALL:
      return TRUE;
    case FILTER_UNLABELLED:
      return class_id == 0;
    case FILTER_MISPREDICTED:
      return ds_image_item_is_mispredicted (item);
    case FILTER_CONFUSION:
      return ds_image_item_get_val_label_id (item) == self->filter_class_id
             && ds_image_item_get_predicted_class_id (item) == self->filter_predicted_id;
    default:
      return class_id == self->filter_class_id;
    }
}

/* One CSS rule a class gives the grid's badges their class colour. */
static void
update_class_css (DsLabelPage *self)
{
  g_autoptr(GString) css = g_string_new (NULL);

  for (guint i = 0; i < self->classes->len; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (self->classes, i);

      guint r = (info->color >> 16) & 0xff, g = (info->color >> 8) & 0xff, b = info->color & 0xff;
      /* dark text on light colours, white on dark ones (Rec. 601 luma) */
      gboolean light = 299 * r + 587 * g + 114 * b > 150000;

      /* scoped to this page: class ids repeat between projects open in other windows */
      g_string_append_printf (css, ".%s .class-badge.class-%" G_GINT64_FORMAT
                              " { background-color: #%06x; color: %s; }\n", self->css_scope, info->id,
                              info->color & 0xffffff, light ? "#1e1e1e" : "#ffffff");
    }
  gtk_css_provider_load_from_data (self->css, css->str, (gssize) css->len);
}

const DsClassInfo *
ds_label_page_find_class (DsLabelPage *self,
            gint64       class_id)
{
  for (guint i = 0; i < self->classes->len; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (self->classes, i);

      if (info->id == class_id)
        return info;
    }

  return NULL;
}

void
ds_label_page_update_filter_names (DsLabelPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  guint selected = FILTER_ALL;

  g_strv_builder_add (builder, "All images");
  g_strv_builder_add (builder, "Unlabelled");
  g_strv_builder_add (builder, "Prediction ≠ label");
  for (guint i = 0; i < self->classes->len; i++)
    {
      const DsClassInfo *info = g_ptr_array_index (self->classes, i);

      g_strv_builder_add (builder, info->name);
      if (self->filter_mode == FILTER_FIRST_CLASS && info->id == self->filter_class_id)
        selected = FILTER_FIRST_CLASS + i;
    }
  if (self->filter_mode == FILTER_UNLABELLED || self->filter_mode == FILTER_MISPREDICTED)
    selected = self->filter_mode;
  if (self->filter_mode == FILTER_CONFUSION)
    {
      const DsClassInfo *truth = ds_label_page_find_class (self, self->filter_class_id);
      const DsClassInfo *predicted = ds_label_page_find_class (self, self->filter_predicted_id);
      g_autofree char *name = g_strdup_printf ("Validation: %s predicted as %s",
                                               truth != NULL ? truth->name : "?",
                                               predicted != NULL ? predicted->name : "?");

      g_strv_builder_add (builder, name);
      selected = FILTER_FIRST_CLASS + self->classes->len;
    }
  names = g_strv_builder_end (builder);

  self->updating_filter = TRUE;
  gtk_string_list_splice (self->filter_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->filter_names)),
                          (const char * const *) names);
  gtk_drop_down_set_selected (self->filter_dropdown, selected);
  self->updating_filter = FALSE;
}

gboolean
ds_label_page_reload_classes (DsLabelPage  *self,
                GError      **error)
{
  g_autoptr(GPtrArray) classes = NULL;
  gint64 n_unlabelled;

  if (self->project == NULL)
    return TRUE;
  classes = ds_project_list_classes (self->project, error);
  if (classes == NULL)
    return FALSE;
  n_unlabelled = ds_project_count_images (self->project, DS_IMAGE_FILTER_UNLABELLED, 0, error);
  if (n_unlabelled < 0)
    return FALSE;

  g_ptr_array_unref (self->classes);
  self->classes = g_steal_pointer (&classes);
  self->n_unlabelled = (guint) n_unlabelled;
  ds_class_palette_set_classes (self->palette, self->classes, self->n_unlabelled);
  update_class_css (self);
  ds_label_page_update_filter_names (self);
  ds_label_page_update_counts (self);

  return TRUE;
}

static void select_only (DsLabelPage *self,
                         guint        position);

static void
filter_changed_cb (DsLabelPage *self)
{
  g_autoptr(GtkBitset) selection = NULL;
  guint selected = gtk_drop_down_get_selected (self->filter_dropdown);

  if (self->updating_filter || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (selected >= FILTER_FIRST_CLASS && selected - FILTER_FIRST_CLASS < self->classes->len)
    {
      const DsClassInfo *info = g_ptr_array_index (self->classes, selected - FILTER_FIRST_CLASS);

      self->filter_mode = FILTER_FIRST_CLASS;
      self->filter_class_id = info->id;
    }
  else if (selected >= FILTER_FIRST_CLASS)
    return;   /* the confusion cell's own entry: already shown */
  else
    self->filter_mode = selected;
  /* leaving a confusion cell takes its entry out of the list */
  if (gtk_drop_down_get_selected (self->filter_dropdown) < FILTER_FIRST_CLASS + self->classes->len
      && g_list_model_get_n_items (G_LIST_MODEL (self->filter_names))
         > FILTER_FIRST_CLASS + self->classes->len)
    ds_label_page_update_filter_names (self);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  ds_label_page_update_counts (self);
  /* the selection left with the images the filter hides: the first one shown takes it, so
   * the large view and the keys have an image */
  selection = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_is_empty (selection))
    select_only (self, 0);
}

/* The large view follows the first selected image. */

static DsImageItem *
first_selected (DsLabelPage *self,
                guint       *position)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  if (gtk_bitset_is_empty (selected))
    return NULL;
  if (position != NULL)
    *position = gtk_bitset_get_minimum (selected);

  return g_list_model_get_item (G_LIST_MODEL (self->filtered), gtk_bitset_get_minimum (selected));
}

static void
view_texture_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = ds_texture_load_finish (result, &error);
  DsLabelPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_LABEL_PAGE (user_data);
  if (texture == NULL)
    gtk_label_set_text (self->info_label, error->message);
  ds_image_view_set_texture (self->view, texture);
}

static void
view_mask_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = ds_texture_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  ds_image_view_set_mask (DS_IMAGE_VIEW (DS_LABEL_PAGE (user_data)->view), texture);
}

static void
update_info (DsLabelPage *self,
             DsImageItem *item)
{
  const DsClassInfo *info = ds_label_page_find_class (self, ds_image_item_get_class_id (item));
  const DsClassInfo *predicted =
    ds_label_page_find_class (self, ds_image_item_get_predicted_class_id (item));
  g_autofree char *name = g_path_get_basename (ds_image_item_get_path (item));
  g_autofree char *text = g_strdup_printf ("%s · %u×%u · %s", name,
                                           ds_image_item_get_width (item),
                                           ds_image_item_get_height (item),
                                           info != NULL ? info->name : "unlabelled");

  if (predicted != NULL)
    {
      g_autofree char *with = g_strdup_printf ("%s · predicted %s (%.1f %%)", text, predicted->name,
                                               100.0 * ds_image_item_get_confidence (item));

      g_free (text);
      text = g_steal_pointer (&with);
    }
  gtk_label_set_text (self->info_label, text);
}

static void
selection_changed_cb (DsLabelPage *self)
{
  g_autoptr(DsImageItem) item = first_selected (self, NULL);
  const char *mask;

  g_cancellable_cancel (self->view_cancellable);
  g_clear_object (&self->view_cancellable);
  self->view_id = item != NULL ? ds_image_item_get_id (item) : 0;
  if (item == NULL)
    {
      ds_image_view_set_texture (self->view, NULL);
      ds_image_view_set_mask (self->view, NULL);
      gtk_label_set_text (self->info_label, "");
      gtk_widget_set_sensitive (GTK_WIDGET (self->mask_toggle), FALSE);
      return;
    }

  update_info (self, item);
  self->view_cancellable = g_cancellable_new ();
  ds_texture_load_async (ds_image_item_get_path (item), self->view_cancellable,
                         view_texture_loaded_cb, self);
  mask = ds_image_item_get_mask_path (item);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mask_toggle), mask != NULL);
  ds_image_view_set_mask (self->view, NULL);
  if (mask != NULL)
    ds_texture_load_async (mask, self->view_cancellable, view_mask_loaded_cb, self);
}

/* Images came and went under the selection (a filter, a new listing) without it changing:
 * the large view follows when the first selected image is another one. */
static void
selected_items_changed_cb (DsLabelPage *self)
{
  g_autoptr(DsImageItem) item = first_selected (self, NULL);

  if ((item != NULL ? ds_image_item_get_id (item) : 0) != self->view_id)
    selection_changed_cb (self);
}

gint64
ds_label_page_get_selected_id (DsLabelPage *self)
{
  g_autoptr(DsImageItem) item = NULL;

  g_return_val_if_fail (DS_IS_LABEL_PAGE (self), 0);

  item = first_selected (self, NULL);
  return item != NULL ? ds_image_item_get_id (item) : 0;
}

/* Labeling */

static void
select_only (DsLabelPage *self,
             guint        position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  GtkWidget *focus;
  GtkRoot *root;

  if (n == 0)
    return;
  position = MIN (position, n - 1);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  /* GTK 4.8 has no gtk_grid_view_scroll_to(); the list base's action scrolls */
  gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", position);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL && (focus == GTK_WIDGET (self->grid) ||
                        gtk_widget_is_ancestor (focus, GTK_WIDGET (self->grid))))
    ds_label_page_focus_position (self, position);
}

void
ds_label_page_select (DsLabelPage *self,
                      guint        position)
{
  g_return_if_fail (DS_IS_LABEL_PAGE (self));

  select_only (self, position);
}

GtkScrolledWindow *
ds_label_page_get_grid_scroller (DsLabelPage *self)
{
  return self->grid_scroller;
}

guint
ds_label_page_get_n_visible (DsLabelPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

guint
ds_label_page_next_unlabelled (DsLabelPage *self,
                 guint        after)
{
  GListModel *model = G_LIST_MODEL (self->filtered);
  guint n = g_list_model_get_n_items (model);

  for (guint k = 1; k <= n; k++)
    {
      guint i = (after + k) % n;
      g_autoptr(DsImageItem) item = g_list_model_get_item (model, i);

      if (ds_image_item_get_class_id (item) == 0)
        return i;
    }

  return after + 1;
}

static gboolean
assign_class_id (DsLabelPage  *self,
                 gint64        class_id,
                 GError      **error)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) reload_error = NULL;
  GtkBitsetIter iter;
  guint position, first = 0, last = 0;
  gboolean keeps_items;

  if (self->project == NULL)
    return TRUE;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_is_empty (selected))
    return TRUE;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok; ok = gtk_bitset_iter_next (&iter, &position))
    {
      DsImageItem *item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
      gint64 id = ds_image_item_get_id (item);

      g_array_append_val (ids, id);
      g_ptr_array_add (items, item);
      if (ids->len == 1)
        first = position;
      last = position;
    }

  /* on disk first: the grid never shows a label the store does not have */
  if (!ds_project_set_labels (self->project, (const gint64 *) ids->data, ids->len, class_id, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    ds_image_item_set_class_id (g_ptr_array_index (items, i), class_id);

  /* under a filter the labelled images may leave the grid: the next one slides into place */
  keeps_items = self->filter_mode == FILTER_ALL || self->filter_mode == FILTER_CONFUSION ||
                (self->filter_mode == FILTER_FIRST_CLASS && class_id == self->filter_class_id);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  g_signal_emit (self, signals[LABELS_CHANGED], 0);
  /* the labels are saved: a failure to read the counts back is a different message */
  if (!ds_label_page_reload_classes (self, &reload_error))
    ds_show_error (GTK_WIDGET (self), "The class counts could not be read", reload_error);

  if (keeps_items)
    select_only (self, ds_label_page_next_unlabelled (self, last));
  else if (self->filter_mode == FILTER_UNLABELLED && class_id == 0)
    select_only (self, last + 1);
  else
    select_only (self, first);

  return TRUE;
}

gboolean
ds_label_page_assign (DsLabelPage  *self,
                      int           position,
                      GError      **error)
{
  const DsClassInfo *info;

  g_return_val_if_fail (DS_IS_LABEL_PAGE (self), FALSE);

  if (position < 0)
    return assign_class_id (self, 0, error);
  if ((guint) position >= self->classes->len)
    return TRUE;  /* no class at that key yet */
  info = g_ptr_array_index (self->classes, position);

  return assign_class_id (self, info->id, error);
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  DsLabelPage *self = DS_LABEL_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!ds_label_page_assign (self, g_variant_get_int32 (param), &error))
    ds_show_error (widget, "The label could not be saved", error);
}

static void
toggle_mask_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  DsLabelPage *self = DS_LABEL_PAGE (widget);

  if (gtk_widget_get_sensitive (GTK_WIDGET (self->mask_toggle)))
    gtk_toggle_button_set_active (self->mask_toggle,
                                  !gtk_toggle_button_get_active (self->mask_toggle));
}

/* The palette */

static void
palette_class_activated_cb (DsLabelPage *self,
                            gint64       class_id)
{
  g_autoptr(GError) error = NULL;

  if (!assign_class_id (self, class_id, &error))
    ds_show_error (GTK_WIDGET (self), "The label could not be saved", error);
}

static void
report_store_result (DsLabelPage  *self,
                     gboolean      ok,
                     const char   *failure,
                     GError       *error)
{
  g_autoptr(GError) reload_error = NULL;

  if (!ok)
    ds_show_error (GTK_WIDGET (self), failure, error);
  if (!ds_label_page_reload_classes (self, &reload_error))
    ds_show_error (GTK_WIDGET (self), "The classes could not be read", reload_error);
}

static void
palette_add_class_cb (DsLabelPage *self,
                      const char  *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (self->project != NULL)
    id = ds_project_add_class (self->project, name,
                               ds_class_palette_default_color (self->classes->len), &error);
  report_store_result (self, id > 0, "The class could not be added", error);
}

static void
palette_rename_class_cb (DsLabelPage *self,
                         gint64       class_id,
                         const char  *name)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = self->project != NULL &&
                ds_project_rename_class (self->project, class_id, name, &error);

  report_store_result (self, ok, "The class could not be renamed", error);
  gtk_widget_queue_draw (GTK_WIDGET (self->grid));
}

static void
palette_recolor_class_cb (DsLabelPage *self,
                          gint64       class_id,
                          guint        color)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = self->project != NULL &&
                ds_project_recolor_class (self->project, class_id, color, &error);

  report_store_result (self, ok, "The colour could not be changed", error);
}

static void
palette_delete_class_cb (DsLabelPage *self,
                         gint64       class_id)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = self->project != NULL &&
                ds_project_delete_class (self->project, class_id, &error);

  if (ok)
    {
      /* its images are unlabelled now */
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
        {
          g_autoptr(DsImageItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

          if (ds_image_item_get_class_id (item) == class_id)
            ds_image_item_set_class_id (item, 0);
        }
      if (self->filter_mode == FILTER_FIRST_CLASS && self->filter_class_id == class_id)
        self->filter_mode = FILTER_ALL;
      gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
      g_signal_emit (self, signals[LABELS_CHANGED], 0);
    }
  report_store_result (self, ok, "The class could not be deleted", error);
}

/* GObject */

static void
ds_label_page_dispose (GObject *object)
{
  DsLabelPage *self = DS_LABEL_PAGE (object);

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->view_cancellable);
  g_clear_handle_id (&self->focus_idle_id, g_source_remove);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->view_cancellable);
  g_clear_pointer (&self->reselect, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_LABEL_PAGE);
  if (self->css != NULL)
    gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                   GTK_STYLE_PROVIDER (self->css));
  g_clear_object (&self->css);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter_names);
  g_clear_object (&self->thumbnailer);
  g_clear_pointer (&self->classes, g_ptr_array_unref);
  g_clear_pointer (&self->bound_items, g_ptr_array_unref);
  g_clear_pointer (&self->css_scope, g_free);
  self->project = NULL;

  G_OBJECT_CLASS (ds_label_page_parent_class)->dispose (object);
}

static void
ds_label_page_class_init (DsLabelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_label_page_dispose;

  /* Emitted when the project's images are in the grid. */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted after labels were written, so the window can update undo and redo. */
  signals[LABELS_CHANGED] = g_signal_new ("labels-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted after ds_label_page_reload() read the labels again (an undo, a redo, an import),
   * so that other views of the labels can follow. */
  signals[RELOADED] = g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/defectscope/Defectscope/ui/ds-label-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, palette);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, grid_stack);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, grid_scroller);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, grid);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, view);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, info_label);
  gtk_widget_class_bind_template_child (widget_class, DsLabelPage, mask_toggle);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, palette_class_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, palette_add_class_cb);
  gtk_widget_class_bind_template_callback (widget_class, palette_rename_class_cb);
  gtk_widget_class_bind_template_callback (widget_class, palette_recolor_class_cb);
  gtk_widget_class_bind_template_callback (widget_class, palette_delete_class_cb);

  gtk_widget_class_install_action (widget_class, "label.assign", "i", assign_action);
  gtk_widget_class_install_action (widget_class, "label.toggle-mask", NULL, toggle_mask_action);
  for (int i = 0; i < 9; i++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, 0, "label.assign", "i", i);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1 + i, 0, "label.assign", "i", i);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "label.assign", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "label.assign", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "label.assign", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "label.toggle-mask", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "labelpage");

  g_type_ensure (DS_TYPE_CLASS_PALETTE);
  g_type_ensure (DS_TYPE_IMAGE_VIEW);
}

static void
ds_label_page_init (DsLabelPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  static guint n_pages;

  self->css_scope = g_strdup_printf ("label-page-%u", ++n_pages);
  gtk_widget_add_css_class (GTK_WIDGET (self), self->css_scope);
  self->classes = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_class_info_free);
  self->bound_items = g_ptr_array_new ();
  self->thumbnailer = ds_thumbnailer_new (96);
  self->css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (self->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->items = g_list_store_new (DS_TYPE_IMAGE_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->items), GTK_FILTER (self->filter));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (self->filtered));
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->selection, "items-changed",
                            G_CALLBACK (selected_items_changed_cb), self);

  factory = ds_label_page_grid_factory_new (self);
  gtk_grid_view_set_factory (self->grid, factory);
  g_object_unref (factory);
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (self->selection));

  self->filter_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->filter_dropdown, G_LIST_MODEL (self->filter_names));

  g_object_bind_property (self->mask_toggle, "active", self->view, "show-mask", G_BINDING_DEFAULT);
  ds_label_page_update_counts (self);
}
