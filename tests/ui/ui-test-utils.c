/* ui-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "ui-test-utils.h"

DsApplication *
ui_test_init_app (int         *argc,
                  char      ***argv,
                  const char  *data_home)
{
  g_autoptr(GError) error = NULL;
  DsApplication *app;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (argc, argv, NULL);
  app = ds_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  return app;
}

gboolean
iterate_until (gboolean *done,
               double    seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!*done && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  return *done;
}

void
iterate_for (double seconds)
{
  gboolean never = FALSE;

  iterate_until (&never, seconds);
}

char *
screenshot_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);

  g_mkdir_with_parents (dir, 0755);

  return g_build_filename (dir, name, NULL);
}

void
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autofree char *path = screenshot_path (name);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);

  /* the paintable has nothing while the widget waits for its next frame */
  for (guint tries = 0; node == NULL && tries < 100; tries++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      gtk_widget_queue_draw (window);
      iterate_for (0.02);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The widget after @w in a depth-first walk of @root, without recursion; NULL at the end. */
static GtkWidget *
walk_next (GtkWidget *root,
           GtkWidget *w)
{
  if (gtk_widget_get_first_child (w) != NULL)
    return gtk_widget_get_first_child (w);
  while (w != NULL && w != root && gtk_widget_get_next_sibling (w) == NULL)
    w = gtk_widget_get_parent (w);

  return w == NULL || w == root ? NULL : gtk_widget_get_next_sibling (w);
}

GtkSpinButton *
find_spin (GtkWidget  *root,
           const char *label)
{
  for (GtkWidget *w = root; w != NULL; w = walk_next (root, w))
    if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), label) == 0)
      {
        GtkWidget *spin = gtk_label_get_mnemonic_widget (GTK_LABEL (w));

        g_assert_true (GTK_IS_SPIN_BUTTON (spin));
        return GTK_SPIN_BUTTON (spin);
      }
  g_error ("no spin button labelled “%s”", label);
}

GtkCheckButton *
find_check (GtkWidget  *root,
            const char *label)
{
  for (GtkWidget *w = root; w != NULL; w = walk_next (root, w))
    if (GTK_IS_CHECK_BUTTON (w)
        && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (w)), label) == 0)
      return GTK_CHECK_BUTTON (w);
  g_error ("no check button labelled “%s”", label);
}

void
set_spin (GtkWidget  *page,
          const char *label,
          double      value)
{
  gtk_spin_button_set_value (find_spin (page, label), value);
}

void
choose_item (GtkDropDown *dropdown,
             const char  *word)
{
  GListModel *items = gtk_drop_down_get_model (dropdown);
  g_autofree char *prefix = g_strconcat (word, " ", NULL);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      const char *text = gtk_string_list_get_string (GTK_STRING_LIST (items), i);

      if (g_str_equal (text, word) || g_str_has_prefix (text, prefix))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
  g_error ("no item “%s” in the dropdown", word);
}

const char *
selected_text (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  g_assert_nonnull (item);
  return gtk_string_object_get_string (item);
}
