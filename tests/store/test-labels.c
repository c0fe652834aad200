/* test-labels.c: labelling, undo and redo, and their persistence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store-test-utils.h"

#define N_IMAGES 6

typedef struct
{
  char      *tmp;
  char      *folder;
  DsProject *project;
  gint64     ids[N_IMAGES];
  gint64     good, bad;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = NULL;

  f->tmp = test_make_tmp ("ds-test-labels-XXXXXX");
  f->folder = g_build_filename (f->tmp, "project", NULL);
  f->project = ds_project_create (f->folder, &error);
  g_assert_no_error (error);
  images = g_build_filename (f->folder, "images", NULL);
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u.png", i);
      g_autofree char *path = test_write_png (images, name, 1, 3, 3, i);

      f->ids[i] = ds_project_add_image (f->project, path, 3, 3, 1, DS_SPLIT_NONE,
                                        DS_IMAGE_SOURCE_IMPORT, NULL, &error);
      g_assert_no_error (error);
    }
  f->good = ds_project_add_class (f->project, "good", 0x00ff00, &error);
  f->bad = ds_project_add_class (f->project, "bad", 0xff0000, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->project, ds_project_close);
  test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->folder);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&f->project, ds_project_close);
  f->project = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
}

static gint64
class_of (Fixture *f,
          guint    i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsImageInfo) info = ds_project_get_image (f->project, f->ids[i], &error);

  g_assert_no_error (error);
  g_assert_true ((info->class_id == 0) == (info->labelled_at == 0));
  return info->class_id;
}

static gint64
labelled_at (Fixture *f,
             guint    i)
{
  g_autoptr(DsImageInfo) info = ds_project_get_image (f->project, f->ids[i], NULL);

  return info->labelled_at;
}

/* The classes of every image, as a string: "g.b..." (g good, b bad, . unlabelled, ? other). */
static char *
state (Fixture *f)
{
  char *s = g_malloc0 (N_IMAGES + 1);

  for (guint i = 0; i < N_IMAGES; i++)
    {
      gint64 c = class_of (f, i);

      s[i] = c == 0 ? '.' : c == f->good ? 'g' : c == f->bad ? 'b' : '?';
    }
  return s;
}

#define assert_state(f, expected) \
  G_STMT_START { \
    g_autofree char *_s = state (f); \
    g_assert_cmpstr (_s, ==, expected); \
  } G_STMT_END

static void
set_ok (Fixture    *f,
        guint       first,
        guint       n,
        gint64      class_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ds_project_set_labels (f->project, f->ids + first, n, class_id, &error));
  g_assert_no_error (error);
}

static void
undo_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ds_project_undo (f->project, &error));
  g_assert_no_error (error);
}

static void
redo_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ds_project_redo (f->project, &error));
  g_assert_no_error (error);
}

static void
test_set (Fixture       *f,
          gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();
  gint64 after, at;
  gint64 mixed[3];

  set_ok (f, 0, 3, f->good);
  after = g_get_real_time ();
  assert_state (f, "ggg...");
  at = labelled_at (f, 0);
  g_assert_cmpint (at, >=, before);
  g_assert_cmpint (at, <=, after);
  g_assert_cmpint (labelled_at (f, 2), ==, at);
  g_assert_cmpint (labelled_at (f, 3), ==, 0);
  g_assert_cmpint (ds_project_count_images (f->project, DS_IMAGE_FILTER_CLASS, f->good, NULL),
                   ==, 3);

  /* an image that keeps its class keeps its time */
  g_usleep (2000);
  set_ok (f, 2, 2, f->good);
  assert_state (f, "gggg..");
  g_assert_cmpint (labelled_at (f, 2), ==, at);
  g_assert_cmpint (labelled_at (f, 3), >, at);

  /* 0 clears */
  set_ok (f, 1, 1, 0);
  assert_state (f, "g.gg..");

  /* an unknown class, or one unknown image among known ones, changes nothing */
  g_assert_false (ds_project_set_labels (f->project, f->ids, 2, 4242, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  mixed[0] = f->ids[4];
  mixed[1] = 99999;
  mixed[2] = f->ids[5];
  g_assert_false (ds_project_set_labels (f->project, mixed, 3, f->bad, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  assert_state (f, "g.gg..");

  /* duplicates in the list are harmless */
  mixed[0] = f->ids[4];
  mixed[1] = f->ids[4];
  g_assert_true (ds_project_set_labels (f->project, mixed, 2, f->bad, &error));
  g_assert_no_error (error);
  assert_state (f, "g.ggb.");
  undo_ok (f);
  assert_state (f, "g.gg..");

  /* nothing at all */
  g_assert_true (ds_project_set_labels (f->project, NULL, 0, f->bad, &error));
  g_assert_no_error (error);
}

static void
test_undo (Fixture       *f,
           gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  gint64 at;

  g_assert_false (ds_project_can_undo (f->project));
  g_assert_false (ds_project_undo (f->project, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "nothing to undo", NULL);
  g_clear_error (&error);

  set_ok (f, 0, 2, f->good);     /* gg.... */
  at = labelled_at (f, 0);
  set_ok (f, 1, 3, f->bad);      /* gbbb.. */
  set_ok (f, 0, 1, 0);           /* .bbb.. */
  assert_state (f, ".bbb..");
  g_assert_true (ds_project_can_undo (f->project));
  g_assert_false (ds_project_can_redo (f->project));

  undo_ok (f);
  assert_state (f, "gbbb..");
  g_assert_cmpint (labelled_at (f, 0), ==, at);   /* the old time comes back too */
  undo_ok (f);
  assert_state (f, "gg....");
  g_assert_cmpint (labelled_at (f, 1), ==, at);
  undo_ok (f);
  assert_state (f, "......");
  g_assert_false (ds_project_can_undo (f->project));
  g_assert_true (ds_project_can_redo (f->project));
  g_assert_false (ds_project_undo (f->project, &error));
  g_clear_error (&error);

  redo_ok (f);
  assert_state (f, "gg....");
  g_assert_cmpint (labelled_at (f, 0), ==, at);
  redo_ok (f);
  assert_state (f, "gbbb..");
  g_assert_true (ds_project_can_redo (f->project));

  /* a new step drops what could have been redone */
  set_ok (f, 5, 1, f->good);
  assert_state (f, "gbbb.g");
  g_assert_false (ds_project_can_redo (f->project));
  g_assert_false (ds_project_redo (f->project, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "nothing to redo", NULL);
  g_clear_error (&error);
  undo_ok (f);
  undo_ok (f);
  undo_ok (f);
  assert_state (f, "......");
  redo_ok (f);
  redo_ok (f);
  redo_ok (f);
  assert_state (f, "gbbb.g");

  /* setting what is already there is not a step */
  set_ok (f, 1, 1, f->bad);
  undo_ok (f);
  assert_state (f, "gbbb..");
}

static void
test_persist (Fixture       *f,
              gconstpointer  unused)
{
  set_ok (f, 0, 3, f->good);
  set_ok (f, 2, 3, f->bad);
  set_ok (f, 4, 2, f->good);
  undo_ok (f);
  reopen (f);
  assert_state (f, "ggbbb.");
  g_assert_true (ds_project_can_undo (f->project));
  g_assert_true (ds_project_can_redo (f->project));
  redo_ok (f);
  assert_state (f, "ggbbgg");
  undo_ok (f);
  undo_ok (f);
  reopen (f);
  assert_state (f, "ggg...");
  undo_ok (f);
  assert_state (f, "......");
  g_assert_false (ds_project_can_undo (f->project));
  reopen (f);
  redo_ok (f);
  redo_ok (f);
  redo_ok (f);
  assert_state (f, "ggbbgg");
  g_assert_false (ds_project_can_redo (f->project));
}

static void
test_delete_class (Fixture       *f,
                   gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) classes = NULL;
  gint64 at, third, taken;
  DsClassInfo *info;

  third = ds_project_add_class (f->project, "third", 0x0000ff, &error);
  set_ok (f, 0, 2, f->good);
  set_ok (f, 2, 2, f->bad);
  at = labelled_at (f, 2);
  assert_state (f, "ggbb..");

  g_assert_true (ds_project_delete_class (f->project, f->bad, &error));
  g_assert_no_error (error);
  assert_state (f, "gg....");
  g_assert_true (ds_project_can_undo (f->project));
  reopen (f);

  undo_ok (f);
  assert_state (f, "ggbb..");
  g_assert_cmpint (labelled_at (f, 3), ==, at);
  classes = ds_project_list_classes (f->project, &error);
  g_assert_cmpuint (classes->len, ==, 3);
  info = classes->pdata[1];
  g_assert_cmpint (info->id, ==, f->bad);
  g_assert_cmpstr (info->name, ==, "bad");
  g_assert_cmphex (info->color, ==, 0xff0000);
  g_assert_cmpuint (info->n_images, ==, 2);
  g_assert_cmpint (((DsClassInfo *) classes->pdata[2])->id, ==, third);
  g_clear_pointer (&classes, g_ptr_array_unref);

  redo_ok (f);
  assert_state (f, "gg....");
  classes = ds_project_list_classes (f->project, &error);
  g_assert_cmpuint (classes->len, ==, 2);
  g_assert_cmpuint (((DsClassInfo *) classes->pdata[1])->position, ==, 1);
  g_clear_pointer (&classes, g_ptr_array_unref);

  /* the name was taken meanwhile: the class comes back under another */
  taken = ds_project_add_class (f->project, "BAD", 0, &error);
  g_assert_cmpint (taken, >, third);
  undo_ok (f);
  assert_state (f, "ggbb..");
  classes = ds_project_list_classes (f->project, &error);
  g_assert_cmpuint (classes->len, ==, 4);
  g_assert_cmpstr (((DsClassInfo *) classes->pdata[1])->name, ==, "bad (2)");
  g_clear_pointer (&classes, g_ptr_array_unref);

  /* and the labels before it undo as usual */
  undo_ok (f);
  assert_state (f, "gg....");
  undo_ok (f);
  assert_state (f, "......");
}

static void
test_limit (Fixture       *f,
            gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (guint i = 0; i < DS_PROJECT_UNDO_LIMIT + 5; i++)
    set_ok (f, i % N_IMAGES, 1, (i / N_IMAGES) % 2 == 0 ? f->good : f->bad);

  while (ds_project_can_undo (f->project))
    {
      undo_ok (f);
      n++;
    }
  g_assert_cmpuint (n, ==, DS_PROJECT_UNDO_LIMIT);
  g_assert_false (ds_project_undo (f->project, &error));
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/labels/set", test_set);
  ADD ("/store/labels/undo", test_undo);
  ADD ("/store/labels/persist", test_persist);
  ADD ("/store/labels/delete-class", test_delete_class);
  ADD ("/store/labels/limit", test_limit);
#undef ADD

  return g_test_run ();
}
