/* ds-label-page-grid.c: the cells of the label grid
 *
 * Each cell is a thumbnail decoded off the main thread (cancelled when the cell scrolls away
 * before its turn), a badge in its class's colour, a badge for synthetic images, and after a
 * training run the predicted class with its confidence (marked when it disagrees with the
 * label: the fast way to find labelling mistakes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-image-item.h"
#include "ds-label-page-private.h"

/* Item widgets: a picture with a class badge and a "synthetic" badge over it. */

static void
badge_update (GtkLabel    *badge,
              DsImageItem *item,
              DsLabelPage *self)
{
  const DsClassInfo *info = ds_label_page_find_class (self, ds_image_item_get_class_id (item));
  g_autofree char *css_class = NULL;
  const char *classes[3] = { "class-badge", NULL, NULL };

  if (info == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (badge), FALSE);
      return;
    }
  css_class = g_strdup_printf ("class-%" G_GINT64_FORMAT, info->id);
  classes[1] = css_class;
  gtk_widget_set_css_classes (GTK_WIDGET (badge), classes);
  gtk_label_set_text (badge, info->name);
  gtk_widget_set_visible (GTK_WIDGET (badge), TRUE);
}

static void
prediction_update (GtkLabel    *prediction,
                   DsImageItem *item,
                   DsLabelPage *self)
{
  const DsClassInfo *info = ds_label_page_find_class (self,
                                                      ds_image_item_get_predicted_class_id (item));
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  if (info == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (prediction), FALSE);
      return;
    }
  text = g_strdup_printf ("%s%s %.0f %%", ds_image_item_is_mispredicted (item) ? "≠ " : "",
                          info->name, 100.0 * ds_image_item_get_confidence (item));
  tooltip = g_strdup_printf ("The last finished run predicts “%s” with %.1f %% confidence%s",
                             info->name, 100.0 * ds_image_item_get_confidence (item),
                             ds_image_item_is_mispredicted (item)
                             ? ": not the label it has" : "");
  gtk_label_set_text (prediction, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (prediction), tooltip);
  if (ds_image_item_is_mispredicted (item))
    gtk_widget_add_css_class (GTK_WIDGET (prediction), "mismatch");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (prediction), "mismatch");
  gtk_widget_set_visible (GTK_WIDGET (prediction), TRUE);
}

static void
item_class_changed_cb (DsImageItem *item,
                       GParamSpec  *pspec,
                       GtkLabel    *badge)
{
  DsLabelPage *self = g_object_get_data (G_OBJECT (badge), "ds-page");

  badge_update (badge, item, self);
  prediction_update (g_object_get_data (G_OBJECT (badge), "ds-prediction"), item, self);
}

static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  DsLabelPage              *self)
{
  guint size = ds_thumbnailer_get_size (self->thumbnailer);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *synthetic = gtk_label_new ("synthetic");
  GtkWidget *prediction = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, (int) size, (int) size);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_add_css_class (overlay, "thumbnail");
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

  gtk_widget_set_halign (badge, GTK_ALIGN_START);
  gtk_widget_set_valign (badge, GTK_ALIGN_END);
  gtk_label_set_ellipsize (GTK_LABEL (badge), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (badge), 12);
  g_object_set_data (G_OBJECT (badge), "ds-page", self);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), badge);

  gtk_widget_set_halign (synthetic, GTK_ALIGN_END);
  gtk_widget_set_valign (synthetic, GTK_ALIGN_START);
  gtk_widget_add_css_class (synthetic, "synthetic-badge");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), synthetic);

  gtk_widget_set_halign (prediction, GTK_ALIGN_START);
  gtk_widget_set_valign (prediction, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (prediction), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (prediction), 12);
  gtk_widget_add_css_class (prediction, "prediction-badge");
  gtk_widget_set_visible (prediction, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), prediction);
  g_object_set_data (G_OBJECT (badge), "ds-prediction", prediction);

  g_object_set_data (G_OBJECT (list_item), "ds-picture", picture);
  g_object_set_data (G_OBJECT (list_item), "ds-badge", badge);
  g_object_set_data (G_OBJECT (list_item), "ds-synthetic", synthetic);
  gtk_list_item_set_child (list_item, overlay);
}

static void
thumbnail_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ThumbRequest *req = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 *shown;

  texture = ds_thumbnailer_load_finish (req->thumbnailer, result, NULL);
  shown = g_object_get_data (G_OBJECT (req->picture), "ds-image-id");
  if (texture != NULL && shown != NULL && *shown == req->id)
    gtk_picture_set_paintable (req->picture, GDK_PAINTABLE (texture));
  g_object_unref (req->picture);
  g_object_unref (req->thumbnailer);
  g_free (req);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 DsLabelPage              *self)
{
  DsImageItem *item = gtk_list_item_get_item (list_item);
  GtkPicture *picture = g_object_get_data (G_OBJECT (list_item), "ds-picture");
  GtkLabel *badge = g_object_get_data (G_OBJECT (list_item), "ds-badge");
  GtkWidget *synthetic = g_object_get_data (G_OBJECT (list_item), "ds-synthetic");
  gint64 id = ds_image_item_get_id (item);
  GdkTexture *cached = ds_thumbnailer_lookup (self->thumbnailer, id);

  g_object_set_data_full (G_OBJECT (picture), "ds-image-id", g_memdup2 (&id, sizeof id), g_free);
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (cached));
  gtk_widget_set_tooltip_text (GTK_WIDGET (picture), ds_image_item_get_path (item));
  if (cached == NULL)
    {
      GCancellable *cancellable = g_cancellable_new ();
      ThumbRequest *req = g_new0 (ThumbRequest, 1);

      req->picture = g_object_ref (picture);
      req->thumbnailer = g_object_ref (self->thumbnailer);
      req->id = id;
      g_object_set_data_full (G_OBJECT (list_item), "ds-cancellable", cancellable, g_object_unref);
      ds_thumbnailer_load_async (self->thumbnailer, id, ds_image_item_get_path (item),
                                 ds_image_item_get_width (item), ds_image_item_get_height (item),
                                 cancellable, thumbnail_loaded_cb, req);
    }

  badge_update (badge, item, self);
  prediction_update (g_object_get_data (G_OBJECT (badge), "ds-prediction"), item, self);
  g_signal_connect_object (item, "notify::class-id", G_CALLBACK (item_class_changed_cb), badge, 0);
  g_signal_connect_object (item, "notify::predicted-class-id", G_CALLBACK (item_class_changed_cb),
                           badge, 0);
  g_ptr_array_add (self->bound_items, list_item);
  gtk_widget_set_visible (synthetic, ds_image_item_is_synthetic (item));
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   DsLabelPage              *self)
{
  DsImageItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *badge = g_object_get_data (G_OBJECT (list_item), "ds-badge");
  GCancellable *cancellable = g_object_get_data (G_OBJECT (list_item), "ds-cancellable");

  /* scrolled away: its thumbnail is not worth decoding any more */
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
  g_object_set_data (G_OBJECT (list_item), "ds-cancellable", NULL);
  g_signal_handlers_disconnect_by_func (item, item_class_changed_cb, badge);
  g_ptr_array_remove_fast (self->bound_items, list_item);
}

/* GTK 4.8 has no API to focus a grid position; a cell's list item widget can grab focus,
 * and the grid then moves its own cursor there. */
static gboolean
focus_cell (DsLabelPage *self)
{
  for (guint i = 0; i < self->bound_items->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (self->bound_items, i);

      if (gtk_list_item_get_position (list_item) == self->focus_position)
        {
          GtkWidget *cell = gtk_widget_get_parent (gtk_list_item_get_child (list_item));

          if (cell != NULL)
            gtk_widget_grab_focus (cell);
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
focus_idle_cb (gpointer user_data)
{
  DsLabelPage *self = user_data;

  self->focus_idle_id = 0;
  focus_cell (self);

  return G_SOURCE_REMOVE;
}

void
ds_label_page_focus_position (DsLabelPage *self,
                              guint        position)
{
  self->focus_position = position;
  /* a cell scrolled into view is bound at the next layout */
  if (!focus_cell (self) && self->focus_idle_id == 0)
    self->focus_idle_id = g_idle_add_full (GTK_PRIORITY_RESIZE + 10, focus_idle_cb, self, NULL);
}

GtkListItemFactory *
ds_label_page_grid_factory_new (DsLabelPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);

  return factory;
}

guint
ds_label_page_count_thumbnails (DsLabelPage *self,
                                guint       *n_cells)
{
  guint shown = 0;

  for (guint i = 0; i < self->bound_items->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (self->bound_items, i);
      GtkPicture *picture = g_object_get_data (G_OBJECT (list_item), "ds-picture");

      shown += gtk_picture_get_paintable (picture) != NULL;
    }
  if (n_cells != NULL)
    *n_cells = self->bound_items->len;

  return shown;
}
