/* ds-folder.c: data sets read from folders of PNG images
 *
 * Names are sorted so that the same tree gives the same sample order, class indices and
 * therefore the same training run on every machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "data/ds-dataset.h"
#include "data/ds-png.h"
#include "ds-error.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_png_name (const char *name)
{
  gsize len = strlen (name);

  return len > 4 && g_ascii_strcasecmp (name + len - 4, ".png") == 0;
}

/* The visible sub-folders (@want_dirs) or PNG files of @dir, sorted by name. */
static GPtrArray *
list_sorted (const char  *dir,
             gboolean     want_dirs,
             GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &local);
  const char *name;

  if (d == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s", local->message);
      return NULL;
    }

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = NULL;

      if (name[0] == '.' || (!want_dirs && !is_png_name (name)))
        continue;
      p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, want_dirs ? G_FILE_TEST_IS_DIR : G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  return g_steal_pointer (&names);
}

/* From IHDR's colour type: gray or gray+alpha. A file too short to tell is not gray; its
 * decoding fails anyway. */
static gboolean
png_file_is_gray (const char *path)
{
  guint8 head[26];
  gboolean gray = FALSE;
  FILE *fp = g_fopen (path, "rb");

  if (fp == NULL)
    return FALSE;
  if (fread (head, 1, sizeof head, fp) == sizeof head && memcmp (head + 12, "IHDR", 4) == 0)
    gray = head[25] == 0 || head[25] == 4;
  fclose (fp);

  return gray;
}

static gboolean
find_name (char       **names,
           const char  *name,
           guint       *index)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], name))
        {
          *index = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* ds_png_load() messages start with the path, which the skipped list adds itself. */
static const char *
strip_path (const char *message,
            const char *path)
{
  gsize len = strlen (path);

  if (strncmp (message, path, len) == 0 && message[len] == ':' && message[len + 1] == ' ')
    return message + len + 2;
  return message;
}

/* Decodes @paths (labelled by @labels) into one data set; the shape comes from the first
 * readable image where @c, @h or @w is 0. */
static DsDataset *
load_files (const char  *where,
            GPtrArray   *paths,
            GArray      *labels,
            guint        c,
            guint        h,
            guint        w,
            GPtrArray   *skipped,
            GError     **error)
{
  g_autoptr(DsDataset) ds = g_new0 (DsDataset, 1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint8 *pixels = NULL;
  gsize sample = 0;
  guint n = 0;

  ds->labels = g_new (gint32, MAX (paths->len, 1));

  for (guint i = 0; i < paths->len; i++)
    {
      const char *p = g_ptr_array_index (paths, i);
      g_autoptr(GError) local = NULL;
      g_autofree guint8 *img = NULL;
      guint ci = c, hi = h, wi = w;

      if (ci == 0)
        ci = png_file_is_gray (p) ? 1 : 3;
      img = ds_png_load (p, ci, h, w, &hi, &wi, &local);
      if (img == NULL)
        {
          if (skipped == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          g_ptr_array_add (skipped, g_strdup_printf ("%s: %s", p, strip_path (local->message, p)));
          continue;
        }

      if (pixels == NULL)
        {
          gsize total;

          /* Every later image is converted to this first one's shape. */
          c = ci;
          h = hi;
          w = wi;
          sample = (gsize) c * h * w;
          if (!g_size_checked_mul (&total, sample, paths->len)
              || (pixels = g_try_malloc (total)) == NULL)
            {
              g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                           "%s: not enough memory for %u images of %u×%u×%u bytes",
                           where, paths->len, c, h, w);
              return NULL;
            }
        }

      memcpy (pixels + n * sample, img, sample);
      ds->labels[n] = g_array_index (labels, gint32, i);
      g_ptr_array_add (kept, g_strdup (p));
      n++;
    }

  if (n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: none of the %u PNG images could be read", where, paths->len);
      return NULL;
    }

  ds->n = n;
  ds->c = c;
  ds->h = h;
  ds->w = w;
  if (n < paths->len)
    pixels = g_realloc (pixels, n * sample);
  ds->pixels = g_steal_pointer (&pixels);
  g_ptr_array_add (kept, NULL);
  ds->paths = (GStrv) g_ptr_array_steal (kept, NULL);

  return g_steal_pointer (&ds);
}

static gboolean
add_pngs (const char  *folder,
          gint32       label,
          GPtrArray   *paths,
          GArray      *labels,
          GError     **error)
{
  g_autoptr(GPtrArray) names = list_sorted (folder, FALSE, error);

  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      g_ptr_array_add (paths, g_build_filename (folder, g_ptr_array_index (names, i), NULL));
      g_array_append_val (labels, label);
    }

  return TRUE;
}

DsDataset *
ds_dataset_load_folder (const char          *root,
                        guint                c,
                        guint                h,
                        guint                w,
                        const char * const  *class_names,
                        GPtrArray           *skipped,
                        GError             **error)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_auto(GStrv) names = NULL;
  DsDataset *ds;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (c == 0 || c == 1 || c == 3, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  folders = list_sorted (root, TRUE, error);
  if (folders == NULL)
    return NULL;

  if (class_names != NULL)
    names = g_strdupv ((char **) class_names);
  else
    {
      g_ptr_array_add (folders, NULL);
      names = g_strdupv ((char **) folders->pdata);
      g_ptr_array_remove_index (folders, folders->len - 1);
    }
  if (g_strv_length (names) > DS_DATASET_MAX_CLASSES)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: has %u class folders; at most %u classes are supported",
                   root, g_strv_length (names), DS_DATASET_MAX_CLASSES);
      return NULL;
    }

  for (guint i = 0; i < folders->len; i++)
    {
      const char *name = g_ptr_array_index (folders, i);
      g_autofree char *folder = g_build_filename (root, name, NULL);
      guint label;

      /* A test split is labelled with the training split's class indices. */
      if (!find_name (names, name, &label))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                       "%s: class folder \"%s\" is not one of the %u training classes",
                       root, name, g_strv_length (names));
          return NULL;
        }
      if (!add_pngs (folder, (gint32) label, paths, labels, error))
        return NULL;
    }

  if (paths->len == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "no PNG images found under %s (looked for %s/<class>/*.png)", root, root);
      return NULL;
    }

  ds = load_files (root, paths, labels, c, h, w, skipped, error);
  if (ds == NULL)
    return NULL;
  ds->n_classes = g_strv_length (names);
  ds->class_names = g_steal_pointer (&names);
  ds->labels_from = g_strdup (root);

  return ds;
}

DsDataset *
ds_dataset_load_pngs (const char  *folder,
                      guint        c,
                      guint        h,
                      guint        w,
                      GPtrArray   *skipped,
                      GError     **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (gint32));
  DsDataset *ds;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (c == 0 || c == 1 || c == 3, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!add_pngs (folder, -1, paths, labels, error))
    return NULL;
  if (paths->len == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "no PNG images found in %s", folder);
      return NULL;
    }

  ds = load_files (folder, paths, labels, c, h, w, skipped, error);
  if (ds == NULL)
    return NULL;
  ds->n_classes = 0;
  ds->class_names = g_new0 (char *, 1);

  return ds;
}
