/* test-project.c: creating and opening projects, classes, images, and every way opening fails
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/ds-project-private.h"
#include "store-test-utils.h"

typedef struct
{
  char *tmp;
  char *folder;      /* tmp/project, not created */
  char *db_path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmp = test_make_tmp ("ds-test-project-XXXXXX");
  f->folder = g_build_filename (f->tmp, "project", NULL);
  f->db_path = g_build_filename (f->folder, DS_PROJECT_DB_NAME, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_chmod (f->folder, 0755);
  test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->folder);
  g_free (f->db_path);
}

static DsProject *
create_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  DsProject *project = ds_project_create (f->folder, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static DsProject *
open_ok (Fixture            *f,
         DsProjectOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  DsProject *project = ds_project_open (f->folder, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

/* Runs SQL on the project database behind the store's back. */
static void
raw_exec (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* Adds an image file under images/ and registers it. */
static gint64
add_test_image (DsProject     *project,
                const char    *name,
                DsImageSource  source)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (ds_project_get_folder (project), "images", NULL);
  g_autofree char *path = test_write_png (dir, name, 1, 4, 5, 1);
  g_autofree char *rel = g_strconcat ("images/", name, NULL);
  gint64 id = ds_project_add_image (project, rel, 5, 4, 1, DS_SPLIT_NONE, source, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_create_open (Fixture       *f,
                  gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = create_ok (f);
  g_autoptr(DsProject) again = NULL;
  g_autofree char *images = g_build_filename (f->folder, "images", NULL);

  g_assert_true (g_file_test (f->db_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (images, G_FILE_TEST_IS_DIR));
  g_assert_cmpstr (ds_project_get_folder (project), ==, f->folder);
  g_assert_false (ds_project_is_read_only (project));
  g_assert_false (ds_project_can_undo (project));
  g_assert_false (ds_project_can_redo (project));
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, 0);
  g_clear_pointer (&project, ds_project_close);

  /* a second project in the same folder is refused */
  again = ds_project_create (f->folder, &error);
  g_assert_null (again);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  test_assert_message (error, f->folder, "already holds a project", NULL);
  g_clear_error (&error);

  project = open_ok (f, DS_PROJECT_OPEN_DEFAULT);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_ALL, 0, NULL), ==, 0);
}

static void
assert_class (DsClassInfo *info,
              gint64       id,
              const char  *name,
              guint32      color,
              guint        position,
              guint        n_images)
{
  g_assert_cmpint (info->id, ==, id);
  g_assert_cmpstr (info->name, ==, name);
  g_assert_cmphex (info->color, ==, color);
  g_assert_cmpuint (info->position, ==, position);
  g_assert_cmpuint (info->n_images, ==, n_images);
}

static void
test_classes (Fixture       *f,
              gconstpointer  unused)
{
  static const char * const bad_names[] = { "", "a/b", "a\\b", ".hidden", " lead", "trail ",
                                            "tab\there", "\xff\xfe", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = create_ok (f);
  g_autoptr(GPtrArray) classes = NULL;
  gint64 good, scratch, dent, image;

  good = ds_project_add_class (project, "good", 0x00ff00, &error);
  g_assert_no_error (error);
  scratch = ds_project_add_class (project, "scratch", 0xff0000, &error);
  g_assert_no_error (error);
  dent = ds_project_add_class (project, "dent, deep \"quoted\"", 0x0000ff, &error);
  g_assert_no_error (error);
  g_assert_cmpint (good, >, 0);
  g_assert_cmpint (scratch, >, good);

  /* names are unique ignoring ASCII case */
  g_assert_cmpint (ds_project_add_class (project, "Good", 0, &error), ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "already a class called", NULL);
  g_clear_error (&error);
  for (guint i = 0; bad_names[i] != NULL; i++)
    {
      g_assert_cmpint (ds_project_add_class (project, bad_names[i], 0, &error), ==, 0);
      g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_cmpint (ds_project_add_class (project, "colour", 0x1000000, &error), ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpint (ds_project_find_class (project, "SCRATCH", &error), ==, scratch);
  g_assert_cmpint (ds_project_find_class (project, "missing", &error), ==, 0);
  g_assert_no_error (error);

  /* rename, recolour, move */
  g_assert_true (ds_project_rename_class (project, scratch, "scratched", &error));
  g_assert_no_error (error);
  g_assert_false (ds_project_rename_class (project, scratch, "GOOD", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ds_project_rename_class (project, 9999, "nobody", &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "no class with id 9999", NULL);
  g_clear_error (&error);
  g_assert_true (ds_project_recolor_class (project, good, 0x123456, &error));
  g_assert_no_error (error);
  g_assert_false (ds_project_recolor_class (project, 9999, 0x123456, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  image = add_test_image (project, "a.png", DS_IMAGE_SOURCE_IMPORT);
  g_assert_true (ds_project_set_labels (project, &image, 1, dent, &error));
  g_assert_no_error (error);

  classes = ds_project_list_classes (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (classes->len, ==, 3);
  assert_class (classes->pdata[0], good, "good", 0x123456, 0, 0);
  assert_class (classes->pdata[1], scratch, "scratched", 0xff0000, 1, 0);
  assert_class (classes->pdata[2], dent, "dent, deep \"quoted\"", 0x0000ff, 2, 1);
  g_clear_pointer (&classes, g_ptr_array_unref);

  /* to the front, then past the end (clamped) */
  g_assert_true (ds_project_move_class (project, dent, 0, &error));
  g_assert_no_error (error);
  classes = ds_project_list_classes (project, &error);
  assert_class (classes->pdata[0], dent, "dent, deep \"quoted\"", 0x0000ff, 0, 1);
  assert_class (classes->pdata[1], good, "good", 0x123456, 1, 0);
  assert_class (classes->pdata[2], scratch, "scratched", 0xff0000, 2, 0);
  g_clear_pointer (&classes, g_ptr_array_unref);
  g_assert_true (ds_project_move_class (project, dent, 99, &error));
  classes = ds_project_list_classes (project, &error);
  assert_class (classes->pdata[0], good, "good", 0x123456, 0, 0);
  assert_class (classes->pdata[2], dent, "dent, deep \"quoted\"", 0x0000ff, 2, 1);
  g_clear_pointer (&classes, g_ptr_array_unref);

  /* deleting unlabels its images and closes the gap */
  g_assert_true (ds_project_delete_class (project, good, &error));
  g_assert_no_error (error);
  g_assert_false (ds_project_delete_class (project, good, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (ds_project_delete_class (project, dent, &error));
  classes = ds_project_list_classes (project, &error);
  g_assert_cmpuint (classes->len, ==, 1);
  assert_class (classes->pdata[0], scratch, "scratched", 0xff0000, 0, 0);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_UNLABELLED, 0, NULL), ==, 1);

  /* ids of deleted classes are not given out again */
  g_assert_cmpint (ds_project_add_class (project, "new", 0, &error), >, dent);
}

static void
test_images (Fixture       *f,
             gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = create_ok (f);
  g_autoptr(DsImageInfo) info = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *outside = test_write_png (f->tmp, "outside.png", 1, 2, 2, 0);
  g_autofree char *images = g_build_filename (f->folder, "images", NULL);
  g_autofree char *abs = test_write_png (images, "sub/b.png", 3, 6, 7, 2);
  g_autofree char *mask = test_write_png (images, "sub/b_mask.png", 1, 6, 7, 3);
  g_autofree guint8 *px = test_pattern (3, 8, 9, 5);
  g_autofree guint8 *back = NULL;
  gint64 a, b, s, cls;
  guint h, w;

  a = add_test_image (project, "a.png", DS_IMAGE_SOURCE_DEMO);
  /* absolute paths inside the project are stored relative */
  b = ds_project_add_image (project, abs, 7, 6, 3, DS_SPLIT_TEST, DS_IMAGE_SOURCE_IMPORT, mask,
                            &error);
  g_assert_no_error (error);
  s = ds_project_add_image_pixels (project, px, 3, 8, 9, "gan/sample 1", DS_SPLIT_TRAIN,
                                   DS_IMAGE_SOURCE_SYNTHETIC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (s, >, b);
  g_assert_cmpint (b, >, a);

  /* refused: outside the project, missing, bad shape */
  g_assert_cmpint (ds_project_add_image (project, outside, 2, 2, 1, DS_SPLIT_NONE,
                                         DS_IMAGE_SOURCE_IMPORT, NULL, &error), ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "not inside the project folder", NULL);
  g_clear_error (&error);
  g_assert_cmpint (ds_project_add_image (project, "images/../../outside.png", 2, 2, 1,
                                         DS_SPLIT_NONE, DS_IMAGE_SOURCE_IMPORT, NULL, &error),
                   ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (ds_project_add_image (project, "images/none.png", 2, 2, 1, DS_SPLIT_NONE,
                                         DS_IMAGE_SOURCE_IMPORT, NULL, &error), ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpint (ds_project_add_image (project, "images/a.png", 2, 2, 4, DS_SPLIT_NONE,
                                         DS_IMAGE_SOURCE_IMPORT, NULL, &error), ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  info = ds_project_get_image (project, b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->id, ==, b);
  g_assert_cmpstr (info->path, ==, "images/sub/b.png");
  g_assert_cmpstr (info->abs_path, ==, abs);
  g_assert_null (info->original_path);
  g_assert_cmpstr (info->mask_path, ==, "images/sub/b_mask.png");
  g_assert_cmpstr (info->abs_mask_path, ==, mask);
  g_assert_cmpint (info->class_id, ==, 0);
  g_assert_cmpint (info->labelled_at, ==, 0);
  g_assert_cmpint (info->split, ==, DS_SPLIT_TEST);
  g_assert_cmpint (info->source, ==, DS_IMAGE_SOURCE_IMPORT);
  g_assert_cmpuint (info->width, ==, 7);
  g_assert_cmpuint (info->height, ==, 6);
  g_assert_cmpuint (info->channels, ==, 3);
  g_clear_pointer (&info, ds_image_info_free);

  /* the pixels written by add_image_pixels read back the same */
  info = ds_project_get_image (project, s, &error);
  g_assert_cmpstr (info->path, ==, "images/synthetic/gan_sample_1.png");
  g_assert_cmpint (info->source, ==, DS_IMAGE_SOURCE_SYNTHETIC);
  g_assert_cmpint (info->split, ==, DS_SPLIT_TRAIN);
  back = ds_png_load (info->abs_path, 3, 0, 0, &h, &w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (h, ==, 8);
  g_assert_cmpuint (w, ==, 9);
  g_assert_cmpmem (back, 3 * 8 * 9, px, 3 * 8 * 9);
  g_clear_pointer (&info, ds_image_info_free);

  info = ds_project_get_image (project, 12345, &error);
  g_assert_null (info);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "no image with id 12345", NULL);
  g_clear_error (&error);

  /* filters */
  cls = ds_project_add_class (project, "ok", 0, &error);
  g_assert_true (ds_project_set_labels (project, &b, 1, cls, &error));
  ids = ds_project_list_images (project, DS_IMAGE_FILTER_ALL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, a);
  g_assert_cmpint (g_array_index (ids, gint64, 2), ==, s);
  g_clear_pointer (&ids, g_array_unref);
  ids = ds_project_list_images (project, DS_IMAGE_FILTER_UNLABELLED, 0, &error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_clear_pointer (&ids, g_array_unref);
  ids = ds_project_list_images (project, DS_IMAGE_FILTER_CLASS, cls, &error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, b);
  g_clear_pointer (&ids, g_array_unref);
  ids = ds_project_list_images (project, DS_IMAGE_FILTER_SYNTHETIC, 0, &error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, s);
  g_clear_pointer (&ids, g_array_unref);
  ids = ds_project_list_images (project, DS_IMAGE_FILTER_NOT_SYNTHETIC, 0, &error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_ALL, 0, &error), ==, 3);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_CLASS, cls, &error), ==, 1);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_UNLABELLED, 0, &error), ==,
                   2);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_SYNTHETIC, 0, &error), ==,
                   1);
  g_assert_no_error (error);
}

static void
test_migrate (Fixture       *f,
              gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_create_at_version (f->folder, 1, &error);
  g_autoptr(DsImageInfo) info = NULL;
  g_autofree char *images = g_build_filename (f->folder, "images", NULL);
  g_autofree char *png = test_write_png (images, "old.png", 1, 3, 3, 0);
  gint64 id = 1;

  g_assert_no_error (error);
  g_clear_pointer (&project, ds_project_close);
  /* what version 1 knew: no undo log */
  raw_exec (f->db_path,
            "INSERT INTO classes (name, color, position) VALUES ('old', 255, 0);"
            "INSERT INTO images (path, width, height, channels, source, class_id, labelled_at) "
            "VALUES ('images/old.png', 3, 3, 1, 'import', 1, 1000000);");

  project = open_ok (f, DS_PROJECT_OPEN_DEFAULT);
  info = ds_project_get_image (project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->class_id, ==, 1);
  g_assert_cmpint (info->labelled_at, ==, 1000000);
  g_assert_false (ds_project_can_undo (project));
  g_assert_true (ds_project_set_labels (project, &id, 1, 0, &error));
  g_assert_no_error (error);
  g_assert_true (ds_project_undo (project, &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, ds_image_info_free);
  info = ds_project_get_image (project, id, &error);
  g_assert_cmpint (info->class_id, ==, 1);
  g_assert_cmpint (info->labelled_at, ==, 1000000);
  g_clear_pointer (&project, ds_project_close);

  /* the upgrade is stored */
  project = open_ok (f, DS_PROJECT_OPEN_READ_ONLY);
  g_assert_true (ds_project_can_redo (project));
}

static void
test_open_missing (Fixture       *f,
                   gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (f->folder, 0, &error);

  g_assert_null (project);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  test_assert_message (error, f->folder, "no such project folder", NULL);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir (f->folder, 0755), ==, 0);
  project = ds_project_open (f->folder, 0, &error);
  g_assert_null (project);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  test_assert_message (error, f->folder, "not a Defectscope project", NULL);
}

/* Opening @f's database must fail with @code and a message naming it and @problem. */
static void
assert_open_fails (Fixture            *f,
                   DsProjectOpenFlags  flags,
                   int                 code,
                   const char         *problem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (f->folder, flags, &error);

  g_assert_null (project);
  g_assert_error (error, DS_ENGINE_ERROR, code);
  test_assert_message (error, f->db_path, problem, NULL);
}

static void
test_open_corrupt (Fixture       *f,
                   gconstpointer  unused)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 junk[8192];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guint8) g_rand_int (rand);
  g_assert_cmpint (g_mkdir (f->folder, 0755), ==, 0);
  g_free (test_write_file (f->folder, DS_PROJECT_DB_NAME, junk, sizeof junk));

  assert_open_fails (f, 0, DS_ENGINE_ERROR_FORMAT, "not an SQLite database");
  assert_open_fails (f, DS_PROJECT_OPEN_READ_ONLY, DS_ENGINE_ERROR_FORMAT,
                     "not an SQLite database");

  /* an empty file is an empty database to SQLite, but not a project */
  g_free (test_write_file (f->folder, DS_PROJECT_DB_NAME, "", 0));
  assert_open_fails (f, 0, DS_ENGINE_ERROR_FORMAT, "not a Defectscope project");
}

static void
test_open_damaged (Fixture       *f,
                   gconstpointer  unused)
{
  g_autoptr(DsProject) project = create_ok (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  /* enough rows for several pages */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *name = g_strdup_printf ("class number %u with a long name", i);

      ds_project_add_class (project, name, 0, &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&project, ds_project_close);

  g_file_get_contents (f->db_path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 5 * 4096);
  /* pages 3 and 4 overwritten; the header stays valid */
  memset (contents + 2 * 4096, 0xa5, 2 * 4096);
  g_file_set_contents (f->db_path, contents, len, &error);
  g_assert_no_error (error);

  assert_open_fails (f, 0, DS_ENGINE_ERROR_FORMAT, "damaged");
  assert_open_fails (f, DS_PROJECT_OPEN_READ_ONLY, DS_ENGINE_ERROR_FORMAT, "damaged");
}

static void
test_open_foreign (Fixture       *f,
                   gconstpointer  unused)
{
  g_assert_cmpint (g_mkdir (f->folder, 0755), ==, 0);
  raw_exec (f->db_path, "CREATE TABLE t (x); PRAGMA application_id = 1234;");

  assert_open_fails (f, 0, DS_ENGINE_ERROR_FORMAT, "another program");
}

static void
test_open_newer (Fixture       *f,
                 gconstpointer  unused)
{
  g_autoptr(DsProject) project = create_ok (f);

  g_clear_pointer (&project, ds_project_close);
  raw_exec (f->db_path, "PRAGMA user_version = 99");

  assert_open_fails (f, 0, DS_ENGINE_ERROR_VERSION, "newer Defectscope");
  assert_open_fails (f, DS_PROJECT_OPEN_READ_ONLY, DS_ENGINE_ERROR_VERSION, "schema version 99");
}

static void
test_open_locked (Fixture       *f,
                  gconstpointer  unused)
{
  g_autoptr(DsProject) project = create_ok (f);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  int ready[2], release[2];
  gint64 id;
  pid_t pid;
  char byte;
  int status;

  id = add_test_image (project, "a.png", DS_IMAGE_SOURCE_IMPORT);
  g_clear_pointer (&project, ds_project_close);

  /* a second connection in this process */
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  assert_open_fails (f, 0, DS_ENGINE_ERROR_IO, "locked");
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  /* a project already open cannot write while another holds the lock */
  project = open_ok (f, DS_PROJECT_OPEN_DEFAULT);
  ds_project_set_busy_timeout (project, 50);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (ds_project_set_labels (project, &id, 1, 0, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpint (ds_project_add_class (project, "x", 0, &error), ==, 0);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
  test_assert_message (error, f->db_path, "locked", NULL);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (ds_project_add_class (project, "x", 0, &error), >, 0);
  g_assert_no_error (error);
  g_clear_pointer (&project, ds_project_close);
  sqlite3_close (db);

  /* another process */
  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (release), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      sqlite3 *child_db = NULL;

      if (sqlite3_open (f->db_path, &child_db) != SQLITE_OK
          || sqlite3_exec (child_db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
        _exit (1);
      if (write (ready[1], "r", 1) != 1 || read (release[0], &byte, 1) != 1)
        _exit (2);
      _exit (0);
    }
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  assert_open_fails (f, 0, DS_ENGINE_ERROR_IO, "in use by another program");
  g_assert_cmpint (write (release[1], "x", 1), ==, 1);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  close (ready[0]);
  close (ready[1]);
  close (release[0]);
  close (release[1]);

  /* the child died holding nothing: fine again */
  project = open_ok (f, DS_PROJECT_OPEN_DEFAULT);
}

/* Read-only project checks that hold whoever runs them. Returns FALSE at the first failure so
 * that the unprivileged child below can report it through its exit status. */
static gboolean
check_read_only (Fixture *f,
                 gboolean permissions_enforced)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GArray) ids = NULL;
  gint64 id;

  if (permissions_enforced)
    {
      /* without the flag: a clear refusal, naming the project */
      project = ds_project_open (f->folder, 0, &error);
      if (project != NULL || !g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO)
          || strstr (error->message, "read-only") == NULL
          || strstr (error->message, f->folder) == NULL)
        return FALSE;
      g_test_message ("refused: %s", error->message);
      g_clear_error (&error);
    }

  project = ds_project_open (f->folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  if (project == NULL)
    {
      g_test_message ("read-only open failed: %s", error->message);
      return FALSE;
    }
  if (!ds_project_is_read_only (project))
    return FALSE;
  ids = ds_project_list_images (project, DS_IMAGE_FILTER_ALL, 0, &error);
  if (ids == NULL || ids->len != 1 || !ds_project_can_undo (project))
    return FALSE;
  id = g_array_index (ids, gint64, 0);

  /* every change refused, nothing written */
  if (ds_project_set_labels (project, &id, 1, 0, &error)
      || !g_error_matches (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO)
      || strstr (error->message, "read-only") == NULL)
    return FALSE;
  g_clear_error (&error);
  if (ds_project_undo (project, &error) || error == NULL)
    return FALSE;
  g_clear_error (&error);
  if (ds_project_add_class (project, "new", 0, &error) != 0 || error == NULL)
    return FALSE;
  g_clear_error (&error);
  if (ds_project_add_image_pixels (project, (const guint8 *) "abcd", 1, 2, 2, NULL,
                                   DS_SPLIT_NONE, DS_IMAGE_SOURCE_SYNTHETIC, &error) != 0
      || error == NULL)
    return FALSE;
  g_clear_error (&error);

  return ds_project_count_images (project, DS_IMAGE_FILTER_UNLABELLED, 0, NULL) == 0;
}

static void
test_open_read_only (Fixture       *f,
                     gconstpointer  unused)
{
  g_autoptr(DsProject) project = create_ok (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  gboolean enforced;
  gint64 id, cls;

  id = add_test_image (project, "a.png", DS_IMAGE_SOURCE_IMPORT);
  cls = ds_project_add_class (project, "good", 0, &error);
  g_assert_true (ds_project_set_labels (project, &id, 1, cls, &error));
  g_assert_no_error (error);
  g_clear_pointer (&project, ds_project_close);
  g_file_get_contents (f->db_path, &before, &before_len, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_chmod (f->db_path, 0400), ==, 0);
  g_assert_cmpint (g_chmod (f->folder, 0500), ==, 0);
  enforced = access (f->db_path, W_OK) != 0;
  g_test_message ("permissions %s enforced for this user", enforced ? "are" : "are not");

  /* as this user: with permissions enforced, opening refuses; either way the read-only flag
   * gives a project that reads and refuses every change */
  g_assert_true (check_read_only (f, enforced));

  /* as root, permissions are not enforced: check them as an unprivileged user too */
  if (!enforced && getuid () == 0)
    {
      g_autofree char *parent = g_path_get_dirname (f->folder);
      pid_t pid;
      int status;

      g_assert_cmpint (g_chmod (f->tmp, 0755), ==, 0);
      g_assert_cmpint (g_chmod (f->db_path, 0444), ==, 0);
      g_assert_cmpint (g_chmod (f->folder, 0555), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          if (setgid (65534) != 0 || setuid (65534) != 0 || access (f->db_path, W_OK) == 0)
            _exit (3);
          _exit (check_read_only (f, TRUE) ? 0 : 1);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  g_file_get_contents (f->db_path, &after, &after_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (before, before_len, after, after_len);
}

/* Two handles on one project: what one writes, the other reads at once. */
static void
test_two_handles (Fixture       *f,
                  gconstpointer  unused)
{
  g_autoptr(DsProject) one = create_ok (f);
  g_autoptr(DsProject) two = open_ok (f, DS_PROJECT_OPEN_DEFAULT);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsImageInfo) info = NULL;
  gint64 id, cls;

  id = add_test_image (one, "a.png", DS_IMAGE_SOURCE_IMPORT);
  cls = ds_project_add_class (two, "good", 0, &error);
  g_assert_no_error (error);
  g_assert_true (ds_project_set_labels (two, &id, 1, cls, &error));
  g_assert_no_error (error);
  info = ds_project_get_image (one, id, &error);
  g_assert_cmpint (info->class_id, ==, cls);
  g_assert_true (ds_project_can_undo (one));
  g_assert_true (ds_project_undo (one, &error));
  g_assert_no_error (error);
  g_assert_true (ds_project_can_redo (two));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/project/create-open", test_create_open);
  ADD ("/store/project/classes", test_classes);
  ADD ("/store/project/images", test_images);
  ADD ("/store/project/migrate", test_migrate);
  ADD ("/store/project/two-handles", test_two_handles);
  ADD ("/store/project/open/missing", test_open_missing);
  ADD ("/store/project/open/corrupt", test_open_corrupt);
  ADD ("/store/project/open/damaged", test_open_damaged);
  ADD ("/store/project/open/foreign", test_open_foreign);
  ADD ("/store/project/open/newer", test_open_newer);
  ADD ("/store/project/open/locked", test_open_locked);
  ADD ("/store/project/open/read-only", test_open_read_only);
#undef ADD

  return g_test_run ();
}
