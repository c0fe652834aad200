/* test-label-page.c: the Label page for real, in a window under Xvfb
 *
 * Starts the window on its demo project as a first start does, selects an unlabelled image,
 * presses "1" through the X server (xdotool), and checks that the label is in the database;
 * then undoes it with Ctrl+Z. Screenshots go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-inspect-page.h"
#include "ds-label-page.h"
#include "ds-train-page.h"
#include "ds-window.h"

#include "store/ds-project-demo.h"
#include "ui-test-utils.h"

static DsApplication *app;
static char *data_home;

static void
set_flag_cb (gpointer  instance,
             gboolean *flag)
{
  *flag = TRUE;
}

/* Sends @keys to the window under the pointer, as a person at the keyboard would. */
static void
press_keys (const char *keys)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "xdotool", "mousemove", "600", "400", "key", "--delay", "50", keys, NULL };
  int status = 0;

  /* xdotool waits for nothing of ours, so running it to its end keeps the test simple */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

static gint64
stored_class (const char *folder,
              gint64      image_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_autoptr(DsImageInfo) info = NULL;

  g_assert_no_error (error);
  info = ds_project_get_image (project, image_id, &error);
  g_assert_no_error (error);

  return info->class_id;
}

static void
test_press_1 (void)
{
  g_autofree char *folder = ds_project_demo_folder ();
  DsWindow *window;
  DsLabelPage *page;
  DsProject *project;
  g_autoptr(GArray) unlabelled = NULL;
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean loaded = FALSE, labelled = FALSE;
  gint64 image_id, first_class;

  g_assert_true (g_str_has_prefix (folder, data_home));

  window = ds_window_new (app);
  page = ds_window_get_label_page (window);
  g_signal_connect (page, "loaded", G_CALLBACK (set_flag_cb), &loaded);
  gtk_window_present (GTK_WINDOW (window));
  /* what a first start does: the demo project is generated, then opened */
  ds_window_open_demo (window);
  g_assert_true (iterate_until (&loaded, 120));
  iterate_for (1.0);  /* thumbnails */
  screenshot (GTK_WIDGET (window), "label-page.png");

  project = ds_window_get_project (window);
  g_assert_nonnull (project);
  unlabelled = ds_project_list_images (project, DS_IMAGE_FILTER_UNLABELLED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unlabelled->len, ==, 480);
  classes = ds_project_list_classes (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (classes->len, ==, 4);
  first_class = ((DsClassInfo *) g_ptr_array_index (classes, 0))->id;

  /* opening selects the first unlabelled image; make sure it is the one we check */
  image_id = g_array_index (unlabelled, gint64, 0);
  g_assert_cmpint (stored_class (folder, image_id), ==, 0);

  g_signal_connect (page, "labels-changed", G_CALLBACK (set_flag_cb), &labelled);
  press_keys ("1");
  g_assert_true (iterate_until (&labelled, 10));
  g_assert_cmpint (stored_class (folder, image_id), ==, first_class);
  iterate_for (0.5);
  screenshot (GTK_WIDGET (window), "label-page-after-1.png");

  /* and Ctrl+Z takes it back, in the database too */
  press_keys ("ctrl+z");
  iterate_for (1.0);
  g_assert_cmpint (stored_class (folder, image_id), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

/* A damaged project.db gets a dialog that names the file, and the window keeps working. */
static void
test_corrupt_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (data_home, "damaged", NULL);
  g_autofree char *db = g_build_filename (folder, "project.db", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */
  GtkWidget *dialog = NULL;
  DsWindow *window;

  g_mkdir_with_parents (folder, 0755);
  g_assert_true (g_file_set_contents (db, "SQLite format 3\nbut then garbage", -1, NULL));

  window = ds_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, dir);
  iterate_for (0.5);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (toplevel))
        dialog = toplevel;
    }
  g_assert_nonnull (dialog);
  {
    g_autofree char *secondary = NULL;

    g_object_get (dialog, "secondary-text", &secondary, NULL);
    g_test_message ("dialog: %s", secondary);
    g_assert_nonnull (strstr (secondary, db));
  }
  screenshot (dialog, "damaged-project-dialog.png");
  g_assert_null (ds_window_get_project (window));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

/* Adds the mnemonics of the widgets on screen under @w to @seen (keyval → label), failing on
 * a key that two of them answer to: GTK then only moves the focus between them. */
static void
collect_mnemonics (GtkWidget  *w,
                   GHashTable *seen,
                   const char *where)
{
  if (!gtk_widget_get_mapped (w))
    return;
  if (GTK_IS_LABEL (w) && gtk_label_get_mnemonic_keyval (GTK_LABEL (w)) != GDK_KEY_VoidSymbol
      && gtk_label_get_mnemonic_keyval (GTK_LABEL (w)) != 0)
    {
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (w)));
      const char *text = gtk_label_get_label (GTK_LABEL (w));
      const char *other = g_hash_table_lookup (seen, GUINT_TO_POINTER (key));

      if (other != NULL)
        g_error ("%s: Alt+%s is both “%s” and “%s”", where, gdk_keyval_name (key), other, text);
      g_hash_table_insert (seen, GUINT_TO_POINTER (key), (gpointer) text);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, seen, where);
}

static guint
check_mnemonics (DsWindow   *window,
                 const char *where)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  iterate_for (0.3);
  collect_mnemonics (GTK_WIDGET (window), seen, where);
  g_test_message ("%s: %u mnemonics", where, g_hash_table_size (seen));

  return g_hash_table_size (seen);
}

/* Every Alt+letter on every page, in each of its modes, reaches one widget. */
static void
test_mnemonics (void)
{
  DsWindow *window = ds_window_new (app);
  GtkStack *pages = NULL;
  DsTrainPage *train = ds_window_get_train_page (window);
  gboolean loaded = FALSE;

  g_signal_connect (ds_window_get_label_page (window), "loaded", G_CALLBACK (set_flag_cb),
                    &loaded);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_demo (window);
  g_assert_true (iterate_until (&loaded, 120));
  pages = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (train), GTK_TYPE_STACK));

  /* the page switcher's four, the header's Import, and the page's own */
  g_assert_cmpuint (check_mnemonics (window, "Label page"), >, 5);
  gtk_stack_set_visible_child_name (pages, "train");
  g_assert_cmpuint (check_mnemonics (window, "Train page"), >, 5);
  choose_item (GTK_DROP_DOWN (find_widget (GTK_WIDGET (train), GTK_TYPE_DROP_DOWN)), "dcgan");
  g_assert_cmpuint (check_mnemonics (window, "Train page, GAN"), >, 5);
  gtk_stack_set_visible_child_name (pages, "inspect");
  g_assert_cmpuint (check_mnemonics (window, "Inspect page"), >, 5);
  ds_inspect_page_show_samples (ds_window_get_inspect_page (window));
  g_assert_cmpuint (check_mnemonics (window, "Inspect page, generated samples"), >, 5);
  gtk_stack_set_visible_child_name (pages, "review");
  g_assert_cmpuint (check_mnemonics (window, "Review page"), >, 5);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* a fresh user: the demo project is generated under a data folder of the test's own */
  data_home = g_dir_make_tmp ("ds-test-ui-XXXXXX", &error);
  g_assert_no_error (error);
  app = ui_test_init_app (&argc, &argv, data_home);

  g_test_add_func ("/ui/label-page/press-1", test_press_1);
  g_test_add_func ("/ui/window/damaged-project", test_corrupt_project);
  g_test_add_func ("/ui/window/mnemonics", test_mnemonics);
  ret = g_test_run ();

  g_object_unref (app);
  return ret;
}
