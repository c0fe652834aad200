/* ds-project-import-detect.c: telling which import layout a path is, from names alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "store/ds-project-import-private.h"
#include "store/ds-store-files.h"

/* How far below the root to look for PNG files before saying there are none */
#define SEARCH_DEPTH 4

static gboolean
is_png_name (const char *name)
{
  gsize len = strlen (name);

  return len > 4 && g_ascii_strcasecmp (name + len - 4, ".png") == 0;
}

typedef struct
{
  guint    n_png_files;     /* directly inside */
  guint    n_dirs;          /* visible sub-folders */
  gboolean dir_with_pngs;   /* a sub-folder holds PNG files directly */
} DirSummary;

static void
summarize (const char *dir,
           DirSummary *summary)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  memset (summary, 0, sizeof *summary);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;

      if (name[0] == '.')
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) sd = g_dir_open (path, 0, NULL);
          const char *sub_name;

          summary->n_dirs++;
          while (!summary->dir_with_pngs && sd != NULL
                 && (sub_name = g_dir_read_name (sd)) != NULL)
            summary->dir_with_pngs = sub_name[0] != '.' && is_png_name (sub_name);
        }
      else if (is_png_name (name))
        summary->n_png_files++;
    }
}

static gboolean
has_png_below (const char *dir,
               guint       depth)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;

      if (name[0] == '.')
        continue;
      if (is_png_name (name))
        return TRUE;
      path = g_build_filename (dir, name, NULL);
      if (depth > 0 && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)
          && g_file_test (path, G_FILE_TEST_IS_DIR) && has_png_below (path, depth - 1))
        return TRUE;
    }

  return FALSE;
}

static char *
child (const char *dir,
       const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static gboolean
is_dir (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_DIR);
}

DsImportLayout
ds_import_detect_layout (const char *path)
{
  g_autofree char *train = NULL;
  g_autofree char *test = NULL;
  g_autofree char *train_good = NULL;
  g_autofree char *ground_truth = NULL;
  g_autofree char *idx = NULL;
  DirSummary summary;

  g_return_val_if_fail (path != NULL, DS_IMPORT_LAYOUT_UNKNOWN);

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *base = g_path_get_basename (path);
      guint channels;

      if (ds_import_is_idx_images_name (base))
        return DS_IMPORT_LAYOUT_IDX;
      if (ds_store_png_probe (path, &channels, NULL))
        return DS_IMPORT_LAYOUT_FILES;
      return DS_IMPORT_LAYOUT_UNKNOWN;
    }
  if (!is_dir (path))
    return DS_IMPORT_LAYOUT_UNKNOWN;

  idx = ds_import_find_idx_images (path);
  if (idx != NULL)
    return DS_IMPORT_LAYOUT_IDX;

  train = child (path, "train");
  test = child (path, "test");
  train_good = child (train, "good");
  ground_truth = child (path, "ground_truth");
  if (is_dir (train_good) && is_dir (test))
    {
      summarize (train, &summary);
      if (is_dir (ground_truth) || summary.n_dirs == 1)
        return DS_IMPORT_LAYOUT_MVTEC;
    }

  if (is_dir (train) || is_dir (test))
    {
      DirSummary other;

      summarize (train, &summary);
      summarize (test, &other);
      if (summary.dir_with_pngs || other.dir_with_pngs)
        return DS_IMPORT_LAYOUT_CLASS_FOLDERS;
    }

  summarize (path, &summary);
  if (summary.n_png_files == 0 && summary.dir_with_pngs)
    return DS_IMPORT_LAYOUT_CLASS_FOLDERS;
  if (has_png_below (path, SEARCH_DEPTH))
    return DS_IMPORT_LAYOUT_FILES;

  return DS_IMPORT_LAYOUT_UNKNOWN;
}

const char *
ds_import_layout_to_string (DsImportLayout layout)
{
  switch (layout)
    {
    case DS_IMPORT_LAYOUT_FILES:
      return "files";
    case DS_IMPORT_LAYOUT_CLASS_FOLDERS:
      return "class-folders";
    case DS_IMPORT_LAYOUT_MVTEC:
      return "mvtec";
    case DS_IMPORT_LAYOUT_IDX:
      return "idx";
    case DS_IMPORT_LAYOUT_UNKNOWN:
    default:
      return "unknown";
    }
}
