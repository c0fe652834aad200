/* test-export.c: CSV and class-per-folder exports, and the training set of a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store-test-utils.h"

typedef struct
{
  char      *tmp;
  char      *folder;
  DsProject *project;
  gint64     ids[5];        /* 0, 1 "comma, class"; 2 "quote \"q\""; 3 unlabelled; 4 synthetic */
  gint64     plain, tricky;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = NULL;
  g_autofree guint8 *px = test_pattern (1, 6, 5, 40);

  f->tmp = test_make_tmp ("ds-test-export-XXXXXX");
  f->folder = g_build_filename (f->tmp, "project", NULL);
  f->project = ds_project_create (f->folder, &error);
  g_assert_no_error (error);
  images = g_build_filename (f->folder, "images", NULL);

  /* two files of the same name in different folders */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/same%s.png", i % 2 == 0 ? "x" : "y,\"z\"",
                                               i < 2 ? "" : "-other");
      g_autofree char *path = test_write_png (images, name, 1, 6, 5, 10 + i);

      f->ids[i] = ds_project_add_image (f->project, path, 5, 6, 1, DS_SPLIT_TRAIN,
                                        DS_IMAGE_SOURCE_IMPORT, NULL, &error);
      g_assert_no_error (error);
    }
  f->ids[4] = ds_project_add_image_pixels (f->project, px, 1, 6, 5, "gan", DS_SPLIT_NONE,
                                           DS_IMAGE_SOURCE_SYNTHETIC, &error);
  g_assert_no_error (error);

  /* the class list order is not the creation order */
  f->tricky = ds_project_add_class (f->project, "quote \"q\", and comma", 0, &error);
  f->plain = ds_project_add_class (f->project, "plain", 0, &error);
  g_assert_true (ds_project_move_class (f->project, f->plain, 0, &error));
  g_assert_true (ds_project_set_labels (f->project, f->ids, 2, f->plain, &error));
  g_assert_true (ds_project_set_labels (f->project, f->ids + 2, 1, f->tricky, &error));
  g_assert_true (ds_project_set_labels (f->project, f->ids + 4, 1, f->tricky, &error));
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

/* RFC 4180 reader: rows of fields; fails the test on a malformed file. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GStrvBuilder) row = g_strv_builder_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++;; p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p++;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
        }
      else
        {
          while (*p != ',' && *p != '\r' && *p != '\0')
            {
              g_assert_true (*p != '"' && *p != '\n');
              g_string_append_c (field, *p++);
            }
        }

      g_strv_builder_add (row, field->str);
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
          g_ptr_array_add (rows, g_strv_builder_end (row));
          g_clear_pointer (&row, g_strv_builder_unref);
          row = g_strv_builder_new ();
        }
    }

  return rows;
}

static gint64
parse_time (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  g_assert_true (g_str_has_suffix (iso, "Z"));
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

static void
test_csv (Fixture       *f,
          gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *csv = g_build_filename (f->tmp, "labels.csv", NULL);
  g_autofree char *text = NULL;
  const char * const header[] = { "path", "class", "source", "labeled_at", NULL };

  /* an old file is replaced whole */
  g_free (test_write_file (f->tmp, "labels.csv", "old contents that are longer than one line",
                           42));
  g_assert_true (ds_project_export_csv (f->project, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  g_test_message ("%s", text);

  rows = parse_csv (text);
  g_assert_cmpuint (rows->len, ==, 6);
  g_assert_cmpstrv (rows->pdata[0], header);
  for (guint i = 0; i < 5; i++)
    {
      char **row = rows->pdata[i + 1];
      g_autoptr(DsImageInfo) info = ds_project_get_image (f->project, f->ids[i], &error);
      const char *expect_class = info->class_id == f->plain ? "plain"
                                 : info->class_id == f->tricky ? "quote \"q\", and comma" : "";

      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (row), ==, 4);
      g_assert_cmpstr (row[0], ==, info->path);
      g_assert_cmpstr (row[1], ==, expect_class);
      g_assert_cmpstr (row[2], ==, ds_image_source_to_string (info->source));
      if (info->labelled_at == 0)
        g_assert_cmpstr (row[3], ==, "");
      else
        g_assert_cmpint (parse_time (row[3]), ==, info->labelled_at);
    }
  g_assert_cmpstr (((char **) rows->pdata[2])[0], ==, "images/y,\"z\"/same.png");
  g_assert_cmpstr (((char **) rows->pdata[5])[2], ==, "synthetic");

  /* writing into a missing folder fails with its name */
  {
    g_autofree char *bad = g_build_filename (f->tmp, "missing", "labels.csv", NULL);

    g_assert_false (ds_project_export_csv (f->project, bad, &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO);
    test_assert_message (error, bad, NULL);
  }
}

static gboolean
count_cb (guint       done,
          guint       total,
          const char *current_path,
          gpointer    user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return TRUE;
}

static gboolean
stop_cb (guint       done,
         guint       total,
         const char *current_path,
         gpointer    user_data)
{
  return done < 2;
}

static void
test_folders (Fixture       *f,
              gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->tmp, "out", "nested", NULL);
  g_autofree char *plain = g_build_filename (out, "plain", NULL);
  g_autofree char *tricky = g_build_filename (out, "quote \"q\", and comma", NULL);
  g_autofree char *first = g_build_filename (plain, "same.png", NULL);
  g_autofree char *second = g_build_filename (plain, "same-2.png", NULL);
  g_autofree char *stopped = g_build_filename (f->tmp, "stopped", NULL);
  g_autofree guint8 *px = NULL;
  g_autofree guint8 *expect = test_pattern (1, 6, 5, 11);
  guint calls = 0, n = 0;

  g_assert_true (ds_project_export_folders (f->project, out, count_cb, &calls, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (calls, ==, 5);
  g_assert_cmpuint (test_count_files (out), ==, 4);
  g_assert_cmpuint (test_count_files (plain), ==, 2);
  g_assert_cmpuint (test_count_files (tricky), ==, 2);
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  /* the second "same.png" (id 1, from y,"z"/) gets a new name */
  px = ds_png_load (second, 1, 0, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (px, 30, expect, 30);

  /* again into the same folder: nothing overwritten */
  g_assert_true (ds_project_export_folders (f->project, out, NULL, NULL, &n, &error));
  g_assert_cmpuint (test_count_files (out), ==, 8);

  g_assert_false (ds_project_export_folders (f->project, stopped, stop_cb, NULL, &n, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_assert_cmpuint (n, ==, 2);
}

static void
test_dataset (Fixture       *f,
              gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) ds = NULL;
  g_autofree guint8 *expect = test_pattern (1, 6, 5, 12);
  const char * const names[] = { "plain", "quote \"q\", and comma", NULL };

  ds = ds_project_load_dataset (f->project, 0, 0, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_cmpuint (ds->c, ==, 1);
  g_assert_cmpuint (ds->h, ==, 6);
  g_assert_cmpuint (ds->w, ==, 5);
  g_assert_cmpuint (ds->n_classes, ==, 2);
  g_assert_cmpstrv (ds->class_names, names);
  g_assert_cmpint (ds->labels[0], ==, 0);
  g_assert_cmpint (ds->labels[1], ==, 0);
  g_assert_cmpint (ds->labels[2], ==, 1);
  g_assert_cmpmem (ds->pixels + 2 * 30, 30, expect, 30);
  g_assert_true (g_str_has_suffix (ds->paths[2], "images/x/same-other.png"));
  g_assert_null (ds->paths[3]);
  g_clear_pointer (&ds, ds_dataset_free);

  /* with the synthetic image, converted and resized */
  ds = ds_project_load_dataset (f->project, 3, 12, 10, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 4);
  g_assert_cmpuint (ds->c, ==, 3);
  g_assert_cmpuint (ds->h, ==, 12);
  g_assert_cmpint (ds->labels[3], ==, 1);
  g_clear_pointer (&ds, ds_dataset_free);

  /* a missing file is an error naming it */
  {
    g_autoptr(DsImageInfo) info = ds_project_get_image (f->project, f->ids[2], NULL);

    g_assert_cmpint (g_unlink (info->abs_path), ==, 0);
    ds = ds_project_load_dataset (f->project, 0, 0, 0, FALSE, &error);
    g_assert_null (ds);
    test_assert_message (error, info->abs_path, NULL);
    g_clear_error (&error);
  }

  /* nothing labelled */
  g_assert_true (ds_project_set_labels (f->project, f->ids, 5, 0, &error));
  ds = ds_project_load_dataset (f->project, 0, 0, 0, TRUE, &error);
  g_assert_null (ds);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  test_assert_message (error, "no labelled images", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/export/csv", test_csv);
  ADD ("/store/export/folders", test_folders);
  ADD ("/store/export/dataset", test_dataset);
#undef ADD

  return g_test_run ();
}
