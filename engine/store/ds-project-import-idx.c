/* ds-project-import-idx.c: importing an IDX pair (MNIST, Fashion-MNIST) as PNG files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "data/ds-dataset.h"
#include "data/ds-png.h"
#include "ds-error.h"
#include "store/ds-project-import-private.h"

static const char * const image_suffixes[] = {
  "-images-idx3-ubyte", "-images-idx3-ubyte.gz", "-images.idx3-ubyte", "-images.idx3-ubyte.gz",
  NULL
};
static const char * const label_suffixes[] = {
  "-labels-idx1-ubyte", "-labels-idx1-ubyte.gz", "-labels.idx1-ubyte", "-labels.idx1-ubyte.gz",
  NULL
};

/* The part of @name before its image suffix ("train", "t10k"), or NULL. */
static char *
idx_prefix (const char *name)
{
  gsize len = strlen (name);

  for (guint i = 0; image_suffixes[i] != NULL; i++)
    {
      gsize n = strlen (image_suffixes[i]);

      if (len > n && strcmp (name + len - n, image_suffixes[i]) == 0)
        return g_strndup (name, len - n);
    }

  return NULL;
}

gboolean
ds_import_is_idx_images_name (const char *name)
{
  g_autofree char *prefix = idx_prefix (name);

  return prefix != NULL;
}

char *
ds_import_idx_labels_for (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  g_autofree char *prefix = idx_prefix (base);

  for (guint i = 0; prefix != NULL && label_suffixes[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat (prefix, label_suffixes[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  return NULL;
}

/* The image file of a complete pair called @prefix-… in @dir, or NULL. */
static char *
find_pair (const char *dir,
           const char *prefix)
{
  for (guint i = 0; image_suffixes[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat (prefix, image_suffixes[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *labels = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
          && (labels = ds_import_idx_labels_for (path)) != NULL)
        return g_steal_pointer (&path);
    }

  return NULL;
}

char *
ds_import_find_idx_images (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;
  char *found;

  if ((found = find_pair (dir, "train")) != NULL
      || (found = find_pair (dir, "t10k")) != NULL
      || (found = find_pair (dir, "test")) != NULL)
    return found;

  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (ds_import_is_idx_images_name (name))
        g_ptr_array_add (names, g_build_filename (dir, name, NULL));
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *labels = ds_import_idx_labels_for (g_ptr_array_index (names, i));

      /* any order would do; the first in readdir order keeps this simple */
      if (labels != NULL)
        return g_strdup (g_ptr_array_index (names, i));
    }

  return NULL;
}

static DsSplit
split_of (const char *images_path)
{
  g_autofree char *base = g_path_get_basename (images_path);
  g_autofree char *prefix = idx_prefix (base);

  if (g_strcmp0 (prefix, "train") == 0)
    return DS_SPLIT_TRAIN;
  if (g_strcmp0 (prefix, "t10k") == 0 || g_strcmp0 (prefix, "test") == 0)
    return DS_SPLIT_TEST;
  return DS_SPLIT_NONE;
}

/* Class names for labels 0 … @n_classes-1: @given, or "0", "1"… */
static GStrv
class_names_for (const char * const  *given,
                 guint                n_classes,
                 GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (given == NULL)
    {
      for (guint k = 0; k < n_classes; k++)
        {
          g_autofree char *name = g_strdup_printf ("%u", k);

          g_strv_builder_add (builder, name);
        }
      return g_strv_builder_end (builder);
    }

  if (g_strv_length ((char **) given) < n_classes)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%u class names were given for labels up to %u",
                   g_strv_length ((char **) given), n_classes - 1);
      return NULL;
    }
  for (guint k = 0; given[k] != NULL; k++)
    {
      if (!ds_class_name_is_valid (given[k], error))
        return NULL;
      g_strv_builder_add (builder, given[k]);
    }

  return g_strv_builder_end (builder);
}

static gboolean
check_size (const DsDataset  *ds,
            const char       *path,
            GError          **error)
{
  if (ds->h <= DS_PNG_MAX_SIDE && ds->w <= DS_PNG_MAX_SIDE)
    return TRUE;
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
               "%s: %u×%u images are too large (at most %u on each side)", path, ds->w, ds->h,
               DS_PNG_MAX_SIDE);
  return FALSE;
}

/* Queues every image of @ds as "<split>/<index>.png". FALSE when stopped or failing. */
static gboolean
add_set (DsImporter      *imp,
         const DsDataset *ds,
         const char      *images_path,
         DsSplit          split,
         GStrv            names,
         GError         **error)
{
  const char *folder = ds_split_to_string (split) != NULL ? ds_split_to_string (split) : "images";
  g_autofree char *abs = g_canonicalize_filename (images_path, NULL);
  gsize plane = (gsize) ds->h * ds->w;

  for (guint i = 0; i < ds->n; i++)
    {
      g_autofree char *original = g_strdup_printf ("%s#%u", abs, i);
      g_autofree char *rel = g_strdup_printf ("%s/%05u.png", folder, i);

      if (!ds_importer_tick (imp, original, error)
          || !ds_importer_add_pixels (imp, ds->pixels + i * plane, 1, ds->h, ds->w, rel, original,
                                      names[ds->labels[i]], split, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
ds_project_import_idx (DsProject           *project,
                       const char          *images_path,
                       const char          *labels_path,
                       const char * const  *class_names,
                       DsImportProgress     progress,
                       gpointer             user_data,
                       GPtrArray           *skipped,
                       guint               *n_imported,
                       GError             **error)
{
  g_autoptr(DsDataset) main_set = NULL;
  g_autoptr(DsDataset) test_set = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *test_images = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *source_name = NULL;
  g_autofree char *warning = NULL;
  g_auto(GStrv) names = NULL;
  DsSplit split;
  DsImporter imp;
  guint n_classes;
  gboolean ok;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (images_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_imported != NULL)
    *n_imported = 0;
  if (!ds_project_check_writable (project, error))
    return FALSE;

  labels = labels_path != NULL ? g_strdup (labels_path) : ds_import_idx_labels_for (images_path);
  if (labels == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: there is no label file beside it (…-labels-idx1-ubyte)", images_path);
      return FALSE;
    }
  main_set = ds_dataset_load_idx (images_path, labels, error);
  if (main_set == NULL || !check_size (main_set, images_path, error)
      || !ds_dataset_check_classes (main_set, &warning, error))
    return FALSE;
  if (warning != NULL && skipped != NULL)
    g_ptr_array_add (skipped, g_steal_pointer (&warning));
  split = split_of (images_path);
  n_classes = main_set->n_classes;

  dir = g_path_get_dirname (images_path);
  if (split == DS_SPLIT_TRAIN
      && ((test_images = find_pair (dir, "t10k")) != NULL
          || (test_images = find_pair (dir, "test")) != NULL))
    {
      g_autofree char *test_labels = ds_import_idx_labels_for (test_images);
      g_autoptr(GError) local = NULL;

      test_set = ds_dataset_load_idx (test_images, test_labels, &local);
      if (test_set != NULL && !check_size (test_set, test_images, &local))
        g_clear_pointer (&test_set, ds_dataset_free);
      if (test_set == NULL && skipped != NULL)
        g_ptr_array_add (skipped, g_strdup (local->message));
      if (test_set != NULL)
        n_classes = MAX (n_classes, test_set->n_classes);
    }

  names = class_names_for (class_names, n_classes, error);
  if (names == NULL)
    return FALSE;

  {
    g_autofree char *abs = g_canonicalize_filename (dir, NULL);

    source_name = g_path_get_basename (abs);
  }
  if (!ds_importer_start (&imp, project, source_name, progress, user_data, skipped, error))
    {
      ds_importer_clear (&imp);
      return FALSE;
    }
  for (guint k = 0; names[k] != NULL; k++)
    ds_importer_declare_class (&imp, names[k]);
  imp.total = main_set->n + (test_set != NULL ? test_set->n : 0);

  ok = add_set (&imp, main_set, images_path, split, names, error)
       && (test_set == NULL
           || add_set (&imp, test_set, test_images, DS_SPLIT_TEST, names, error));
  ok = ds_importer_finish (&imp, ok, n_imported, error);
  ds_importer_clear (&imp);

  return ok;
}
