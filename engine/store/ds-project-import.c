/* ds-project-import.c: the import layouts that read folders of PNG files
 *
 * Each walks its tree first (sorted names, so the same tree imports in the same order), to
 * know the total for progress, then hands the files to the importer one by one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ds-error.h"
#include "store/ds-project-import-private.h"

/* Deeper trees are not followed: a guard, not a limit anyone should meet */
#define MAX_DEPTH 32

typedef struct
{
  char    *src;
  char    *rel_sub;        /* below the import's folder */
  char    *class_name;     /* nullable */
  DsSplit  split;
  char    *mask_src;       /* nullable */
  char    *mask_rel_sub;
} Item;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->src);
  g_free (item->rel_sub);
  g_free (item->class_name);
  g_free (item->mask_src);
  g_free (item->mask_rel_sub);
  g_free (item);
}

static void
add_item (GPtrArray  *items,
          const char *src,
          const char *rel_sub,
          const char *class_name,
          DsSplit     split)
{
  Item *item = g_new0 (Item, 1);

  item->src = g_strdup (src);
  item->rel_sub = g_strdup (rel_sub);
  item->class_name = g_strdup (class_name);
  item->split = split;
  g_ptr_array_add (items, item);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The visible entries of @dir, sorted; NULL (skipped with a reason) when it cannot be read. */
static GPtrArray *
list_dir (DsImporter *imp,
          const char *dir)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &local);
  GPtrArray *names;
  const char *name;

  if (d == NULL)
    {
      ds_importer_skip (imp, local->message);
      return NULL;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  return names;
}

typedef enum
{
  ENTRY_OTHER,
  ENTRY_FILE,
  ENTRY_DIR,
} EntryKind;

/* Files may be links; folders may not (a link could loop back up the tree). */
static EntryKind
entry_kind (DsImporter *imp,
            const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return ENTRY_OTHER;
  if (S_ISDIR (st.st_mode))
    return ENTRY_DIR;
  if (S_ISLNK (st.st_mode) && g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *message = g_strconcat (path, ": a link to a folder, not followed",
                                                  NULL);

          ds_importer_skip (imp, message);
          return ENTRY_OTHER;
        }
    }
  return S_ISREG (st.st_mode) ? ENTRY_FILE : ENTRY_OTHER;
}

static char *
join_rel (const char *prefix,
          const char *name)
{
  return prefix != NULL ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);
}

/* Every file below @dir, as @rel_prefix/<relative path>. */
static void
collect_tree (DsImporter *imp,
              GPtrArray  *items,
              const char *dir,
              const char *rel_prefix,
              const char *class_name,
              DsSplit     split,
              guint       depth)
{
  g_autoptr(GPtrArray) names = list_dir (imp, dir);

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = join_rel (rel_prefix, name);

      switch (entry_kind (imp, path))
        {
        case ENTRY_FILE:
          add_item (items, path, rel, class_name, split);
          break;
        case ENTRY_DIR:
          if (depth < MAX_DEPTH)
            collect_tree (imp, items, path, rel, class_name, split, depth + 1);
          break;
        case ENTRY_OTHER:
        default:
          break;
        }
    }
}

/* "good" before the rest, which stay in name order */
static int
compare_good_first (gconstpointer a,
                    gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;
  int gx = strcmp (x, "good") != 0;
  int gy = strcmp (y, "good") != 0;

  return gx != gy ? gx - gy : strcmp (x, y);
}

/* Links a queued MVTec test image to ground_truth/<class>/<stem>_mask.png when there is one. */
static void
attach_mask (Item       *item,
             const char *masks_root,
             const char *class_folder)
{
  g_autofree char *base = g_path_get_basename (item->src);
  const char *dot = strrchr (base, '.');
  g_autofree char *stem = dot != NULL ? g_strndup (base, dot - base) : g_strdup (base);
  g_autofree char *mask_name = g_strconcat (stem, "_mask.png", NULL);
  g_autofree char *mask = g_build_filename (masks_root, class_folder, mask_name, NULL);

  if (!g_file_test (mask, G_FILE_TEST_IS_REGULAR))
    return;
  item->mask_src = g_steal_pointer (&mask);
  item->mask_rel_sub = g_strconcat ("ground_truth/", class_folder, "/", mask_name, NULL);
}

/* The class folders of @root/@split_name (or of @root), each file labelled with its folder's
 * name. Files beside the class folders are skipped. With @masks_root, images directly in a
 * class folder get their MVTec mask. */
static void
collect_classes (DsImporter *imp,
                 GPtrArray  *items,
                 const char *root,
                 const char *split_name,
                 DsSplit     split,
                 const char *masks_root,
                 gboolean    good_first)
{
  g_autofree char *dir = split_name != NULL ? g_build_filename (root, split_name, NULL)
                                            : g_strdup (root);
  g_autoptr(GPtrArray) names = list_dir (imp, dir);

  if (names == NULL)
    return;
  if (good_first)
    g_ptr_array_sort (names, compare_good_first);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = join_rel (split_name, name);
      g_autofree char *class_name = NULL;
      g_autoptr(GError) bad = NULL;
      guint first = items->len;

      switch (entry_kind (imp, path))
        {
        case ENTRY_FILE:
          {
            g_autofree char *message = g_strconcat (path, ": not inside a class folder", NULL);

            ds_importer_skip (imp, message);
          }
          break;
        case ENTRY_DIR:
          class_name = g_filename_display_name (name);
          if (!ds_class_name_is_valid (class_name, &bad))
            {
              g_autofree char *message = g_strconcat (path, ": ", bad->message, NULL);

              ds_importer_skip (imp, message);
              break;
            }
          ds_importer_declare_class (imp, class_name);
          collect_tree (imp, items, path, rel, class_name, split, 1);
          for (guint k = first; masks_root != NULL && k < items->len; k++)
            {
              Item *item = g_ptr_array_index (items, k);
              g_autofree char *parent = g_path_get_dirname (item->src);

              if (strcmp (parent, path) == 0)
                attach_mask (item, masks_root, name);
            }
          break;
        case ENTRY_OTHER:
        default:
          break;
        }
    }
}

/* Feeds the walked items to the importer and commits. */
static gboolean
run_items (DsImporter  *imp,
           GPtrArray   *items,
           guint       *n_imported,
           GError     **error)
{
  gboolean ok = TRUE;

  imp->total = items->len;
  for (guint i = 0; ok && i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);

      ok = ds_importer_tick (imp, item->src, error)
           && ds_importer_add_file (imp, item->src, item->rel_sub, item->class_name, item->split,
                                    item->mask_src, item->mask_rel_sub, error);
    }

  return ds_importer_finish (imp, ok, n_imported, error);
}

gboolean
ds_project_import_files (DsProject           *project,
                         const char * const  *paths,
                         DsImportProgress     progress,
                         gpointer             user_data,
                         GPtrArray           *skipped,
                         guint               *n_imported,
                         GError             **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  g_autofree char *source_name = NULL;
  DsImporter imp;
  guint n_paths;
  gboolean ok;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_imported != NULL)
    *n_imported = 0;
  n_paths = g_strv_length ((char **) paths);
  if (n_paths == 0)
    return TRUE;

  /* images/<folder imported>, or images/<folder the files were picked from> */
  if (n_paths == 1 && g_file_test (paths[0], G_FILE_TEST_IS_DIR))
    source_name = g_path_get_basename (paths[0]);
  else
    {
      g_autofree char *abs = g_canonicalize_filename (paths[0], NULL);
      g_autofree char *parent = g_path_get_dirname (abs);

      source_name = g_path_get_basename (parent);
    }

  if (!ds_importer_start (&imp, project, source_name, progress, user_data, skipped, error))
    {
      ds_importer_clear (&imp);
      return FALSE;
    }

  for (guint i = 0; i < n_paths; i++)
    {
      g_autofree char *base = g_path_get_basename (paths[i]);
      /* links are followed for what the caller named, not below it */
      EntryKind kind = g_file_test (paths[i], G_FILE_TEST_IS_DIR) ? ENTRY_DIR
                                                                 : entry_kind (&imp, paths[i]);

      switch (kind)
        {
        case ENTRY_FILE:
          add_item (items, paths[i], base, NULL, DS_SPLIT_NONE);
          break;
        case ENTRY_DIR:
          collect_tree (&imp, items, paths[i], n_paths == 1 ? NULL : base, NULL, DS_SPLIT_NONE, 1);
          break;
        case ENTRY_OTHER:
        default:
          {
            g_autofree char *message = g_strconcat (paths[i], ": no such file or folder", NULL);

            ds_importer_skip (&imp, message);
          }
          break;
        }
    }

  ok = run_items (&imp, items, n_imported, error);
  ds_importer_clear (&imp);

  return ok;
}

static gboolean
is_dir_in (const char *root,
           const char *name)
{
  g_autofree char *path = g_build_filename (root, name, NULL);

  return g_file_test (path, G_FILE_TEST_IS_DIR);
}

/* Shared by layouts 2 and 3: train/ and test/ when present, else class folders at the root. */
static gboolean
import_class_tree (DsProject         *project,
                   const char        *root,
                   gboolean           mvtec,
                   DsImportProgress   progress,
                   gpointer           user_data,
                   GPtrArray         *skipped,
                   guint             *n_imported,
                   GError           **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  g_autofree char *source_name = g_path_get_basename (root);
  g_autofree char *masks = g_build_filename (root, "ground_truth", NULL);
  gboolean has_train = is_dir_in (root, "train");
  gboolean has_test = is_dir_in (root, "test");
  DsImporter imp;
  gboolean ok;

  if (n_imported != NULL)
    *n_imported = 0;
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: no such folder", root);
      return FALSE;
    }
  if (mvtec && !has_train && !has_test)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not an MVTec AD category: there is no train or test folder", root);
      return FALSE;
    }

  if (!ds_importer_start (&imp, project, source_name, progress, user_data, skipped, error))
    {
      ds_importer_clear (&imp);
      return FALSE;
    }

  if (has_train || has_test)
    {
      if (has_train)
        collect_classes (&imp, items, root, "train", DS_SPLIT_TRAIN, NULL, mvtec);
      if (has_test)
        collect_classes (&imp, items, root, "test", DS_SPLIT_TEST, mvtec ? masks : NULL, mvtec);
    }
  else
    collect_classes (&imp, items, root, NULL, DS_SPLIT_NONE, NULL, FALSE);

  ok = run_items (&imp, items, n_imported, error);
  ds_importer_clear (&imp);

  return ok;
}

gboolean
ds_project_import_class_folders (DsProject         *project,
                                 const char        *root,
                                 DsImportProgress   progress,
                                 gpointer           user_data,
                                 GPtrArray         *skipped,
                                 guint             *n_imported,
                                 GError           **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return import_class_tree (project, root, FALSE, progress, user_data, skipped, n_imported,
                            error);
}

gboolean
ds_project_import_mvtec (DsProject         *project,
                         const char        *root,
                         DsImportProgress   progress,
                         gpointer           user_data,
                         GPtrArray         *skipped,
                         guint             *n_imported,
                         GError           **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return import_class_tree (project, root, TRUE, progress, user_data, skipped, n_imported,
                            error);
}

gboolean
ds_project_import (DsProject         *project,
                   const char        *path,
                   DsImportLayout     layout,
                   DsImportProgress   progress,
                   gpointer           user_data,
                   GPtrArray         *skipped,
                   guint             *n_imported,
                   GError           **error)
{
  g_autofree char *images = NULL;

  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_imported != NULL)
    *n_imported = 0;
  if (layout == DS_IMPORT_LAYOUT_UNKNOWN)
    layout = ds_import_detect_layout (path);

  switch (layout)
    {
    case DS_IMPORT_LAYOUT_FILES:
      {
        const char *paths[] = { path, NULL };

        return ds_project_import_files (project, paths, progress, user_data, skipped, n_imported,
                                        error);
      }
    case DS_IMPORT_LAYOUT_CLASS_FOLDERS:
      return ds_project_import_class_folders (project, path, progress, user_data, skipped,
                                              n_imported, error);
    case DS_IMPORT_LAYOUT_MVTEC:
      return ds_project_import_mvtec (project, path, progress, user_data, skipped, n_imported,
                                      error);
    case DS_IMPORT_LAYOUT_IDX:
      images = g_file_test (path, G_FILE_TEST_IS_DIR) ? ds_import_find_idx_images (path)
                                                      : g_strdup (path);
      if (images == NULL)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                       "%s: there is no IDX image file with its label file", path);
          return FALSE;
        }
      return ds_project_import_idx (project, images, NULL, NULL, progress, user_data, skipped,
                                    n_imported, error);
    case DS_IMPORT_LAYOUT_UNKNOWN:
    default:
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
                   "%s: nothing to import: no PNG files, class folders, MVTec AD category or "
                   "IDX files", path);
      return FALSE;
    }
}
