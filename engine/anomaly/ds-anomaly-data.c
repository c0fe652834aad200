/* ds-anomaly-data.c: the layouts of ds-anomaly-data.h read into one DsAnomalySet
 *
 * Every layout becomes a list of entries (image, class, mask), read by one loader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error.h"
#include "anomaly/ds-anomaly-data.h"
#include "data/ds-png.h"
#include "store/ds-project.h"

typedef struct
{
  char   *path;
  gint32  label;
  char   *mask;    /* nullable; may not exist */
} Entry;

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->path);
  g_free (e->mask);
}

static GArray *
entries_new (void)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (Entry));

  g_array_set_clear_func (entries, entry_clear);

  return entries;
}

void
ds_anomaly_set_free (DsAnomalySet *set)
{
  if (set == NULL)
    return;
  ds_dataset_free (set->data);
  g_free (set->masks);
  g_free (set->has_mask);
  g_free (set);
}

gboolean
ds_anomaly_set_is_anomalous (const DsAnomalySet *set,
                             guint               i)
{
  return set->data->labels[i] >= 0 && set->data->labels[i] != set->normal;
}

gboolean
ds_anomaly_is_held_out (const char *name)
{
  guint32 hash = 2166136261u;

  /* FNV-1a: fixed here, unlike g_str_hash(), so that the split never changes */
  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    hash = (hash ^ *p) * 16777619u;

  return hash % 1000 < (guint32) (DS_ANOMALY_HOLDOUT * 1000);
}

static gint32
find_normal (char       **class_names,
             const char  *normal_class,
             const char  *where,
             GError     **error)
{
  static const char * const usual[] = { "good", "ok", "normal" };
  g_autofree char *known = NULL;

  for (guint i = 0; class_names[i] != NULL; i++)
    if (normal_class != NULL && g_str_equal (class_names[i], normal_class))
      return (gint32) i;
  for (guint u = 0; normal_class == NULL && u < G_N_ELEMENTS (usual); u++)
    for (guint i = 0; class_names[i] != NULL; i++)
      if (g_ascii_strcasecmp (class_names[i], usual[u]) == 0)
        return (gint32) i;

  known = g_strjoinv (", ", class_names);
  if (normal_class != NULL)
    g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                 "%s: there is no class “%s” (classes: %s)", where, normal_class, known);
  else
    g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                 "%s: which class is normal? None is called good, ok or normal (classes: %s)",
                 where, known);
  return -1;
}

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

/* Where the mask of @root/…/@klass/@name would be: ground_truth/ (MVTec) or masks/ (demo). */
static char *
find_mask (const char *root,
           const char *klass,
           const char *name)
{
  static const char * const folders[] = { "ground_truth", "masks" };
  g_autofree char *stem = g_strndup (name, strlen (name) - 4);
  g_autofree char *file = g_strconcat (stem, "_mask.png", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *p = g_build_filename (root, folders[i], klass, file, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&p);
    }

  return NULL;
}

/* Adds the PNGs of @folder as @label; with @holdout, normal images go by the hash rule. */
static gboolean
add_folder (GArray      *entries,
            const char  *root,
            const char  *folder,
            const char  *klass,
            gint32       label,
            int          holdout,
            GError     **error)
{
  g_autoptr(GPtrArray) names = list_sorted (folder, FALSE, error);

  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      Entry e;

      /* holdout > 0: keep the held-out ones (test); < 0: keep the others (train) */
      if (holdout != 0 && ds_anomaly_is_held_out (name) != (holdout > 0))
        continue;
      e.path = g_build_filename (folder, name, NULL);
      e.label = label;
      e.mask = find_mask (root, klass, name);
      g_array_append_val (entries, e);
    }

  return TRUE;
}

static gboolean
is_gray (const guint8 *rgb,
         gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (rgb[i] != rgb[n + i] || rgb[i] != rgb[2 * n + i])
      return FALSE;

  return TRUE;
}

static gboolean
note_skipped (GPtrArray   *skipped,
              GError     **local,
              GError     **error)
{
  if (skipped == NULL)
    {
      g_propagate_error (error, g_steal_pointer (local));
      return FALSE;
    }
  /* ds_png_load() messages already start with the path */
  g_ptr_array_add (skipped, g_strdup ((*local)->message));
  g_clear_error (local);

  return TRUE;
}

/* Reads @entries into a set; takes @class_names. */
static DsAnomalySet *
load_entries (const char  *where,
              GArray      *entries,
              GStrv        class_names,
              gint32       normal,
              guint        c,
              guint        h,
              guint        w,
              GPtrArray   *skipped,
              GError     **error)
{
  g_autoptr(DsAnomalySet) set = g_new0 (DsAnomalySet, 1);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  DsDataset *ds;
  gsize sample = 0, plane = 0;
  gboolean any_mask = FALSE;
  guint n = 0;

  set->normal = normal;
  set->data = ds = g_new0 (DsDataset, 1);
  ds->n_classes = g_strv_length (class_names);
  ds->class_names = class_names;
  if (entries->len == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: no images of the %s class%s", where, class_names[normal],
                   ds->n_classes > 1 ? " or the others" : "");
      return NULL;
    }
  ds->labels = g_new (gint32, entries->len);
  set->has_mask = g_new0 (guint8, entries->len);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_autoptr(GError) local = NULL;
      g_autofree guint8 *img = NULL;
      guint hi = h, wi = w;

      img = ds_png_load (e->path, c != 0 ? c : 3, h, w, &hi, &wi, &local);
      if (img == NULL)
        {
          if (!note_skipped (skipped, &local, error))
            return NULL;
          continue;
        }
      if (sample == 0)
        {
          /* the first image fixes the shape; without a channel count, gray when it is */
          if (c == 0)
            c = is_gray (img, (gsize) hi * wi) ? 1 : 3;
          h = hi;
          w = wi;
          plane = (gsize) h * w;
          sample = c * plane;
          if (entries->len > G_MAXSIZE / sample / 2 ||
              (ds->pixels = g_try_malloc (sample * entries->len)) == NULL ||
              (set->masks = g_try_malloc0 (plane * entries->len)) == NULL)
            {
              g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                           "%s: not enough memory for %u images of %u×%u×%u", where,
                           entries->len, c, h, w);
              return NULL;
            }
        }
      /* the first image, read as colour, is gray when found so: any of its planes will do */
      memcpy (ds->pixels + n * sample, img, sample);
      ds->labels[n] = e->label;
      g_ptr_array_add (paths, g_strdup (e->path));

      if (e->label == normal)
        set->has_mask[n] = TRUE;
      else if (e->mask != NULL && e->label >= 0)
        {
          g_autofree guint8 *mask = ds_png_load (e->mask, 1, h, w, NULL, NULL, &local);

          if (mask == NULL)
            {
              if (!note_skipped (skipped, &local, error))
                return NULL;
            }
          else
            {
              /* resizing averages the edges: half covered counts as defect */
              for (gsize p = 0; p < plane; p++)
                set->masks[n * plane + p] = mask[p] >= 128 ? 255 : 0;
              set->has_mask[n] = TRUE;
              any_mask = TRUE;
            }
        }
      n++;
    }
  if (n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: none of the %u images could be read", where, entries->len);
      return NULL;
    }

  ds->n = n;
  ds->c = c;
  ds->h = h;
  ds->w = w;
  g_ptr_array_add (paths, NULL);
  ds->paths = (GStrv) g_ptr_array_steal (paths, NULL);
  if (!any_mask)
    {
      g_clear_pointer (&set->masks, g_free);
      g_clear_pointer (&set->has_mask, g_free);
    }

  return g_steal_pointer (&set);
}

static gboolean
has_idx (const char *path)
{
  static const char * const names[] = {
    "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz",
    "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz",
    "test-images-idx3-ubyte", "test-images-idx3-ubyte.gz",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (path, names[i], NULL);

      if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    }

  return FALSE;
}

static DsAnomalySet *
open_idx (const char     *path,
          const char     *normal_class,
          DsAnomalyPart   part,
          guint           c,
          guint           h,
          guint           w,
          GError        **error)
{
  g_autoptr(DsAnomalySet) set = g_new0 (DsAnomalySet, 1);
  DsDataset *ds;
  gsize sample;
  guint n = 0;

  ds = set->data = ds_dataset_open (path, part == DS_ANOMALY_PART_TRAIN ? "train" : "test",
                                    c, h, w, NULL, NULL, error);
  if (ds == NULL)
    return NULL;
  if (normal_class == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "%s: which class is normal? Name one of 0 to %u", path, ds->n_classes - 1);
      return NULL;
    }
  if ((set->normal = find_normal (ds->class_names, normal_class, path, error)) < 0)
    return NULL;
  if (part == DS_ANOMALY_PART_TEST)
    return g_steal_pointer (&set);

  /* the training part: the normal class alone, moved to the front in place */
  sample = ds_shape_sample_size (&DS_SHAPE (1, ds->c, ds->h, ds->w));
  for (guint i = 0; i < ds->n; i++)
    if (ds->labels[i] == set->normal)
      {
        memmove (ds->pixels + n * sample, ds->pixels + i * sample, sample);
        ds->labels[n++] = set->normal;
      }
  if (n == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: no training images of class %s", path, normal_class);
      return NULL;
    }
  ds->n = n;

  return g_steal_pointer (&set);
}

DsAnomalySet *
ds_anomaly_set_open (const char     *path,
                     const char     *normal_class,
                     DsAnomalyPart   part,
                     guint           c,
                     guint           h,
                     guint           w,
                     GPtrArray      *skipped,
                     GError        **error)
{
  g_autoptr(GArray) entries = entries_new ();
  g_autoptr(GPtrArray) classes = NULL;
  g_autofree char *train_dir = NULL;
  g_autofree char *test_dir = NULL;
  gboolean split_tree;
  gint32 normal;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (c == 0 || c == 1 || c == 3, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: not a folder", path);
      return NULL;
    }
  if (has_idx (path))
    return open_idx (path, normal_class, part, c, h, w, error);

  train_dir = g_build_filename (path, "train", NULL);
  test_dir = g_build_filename (path, "test", NULL);
  split_tree = g_file_test (train_dir, G_FILE_TEST_IS_DIR) ||
               g_file_test (test_dir, G_FILE_TEST_IS_DIR);
  if (split_tree)
    {
      const char *dir = part == DS_ANOMALY_PART_TRAIN ? train_dir : test_dir;
      g_autoptr(GPtrArray) train_classes = NULL;

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: has no “%s” folder",
                       path, part == DS_ANOMALY_PART_TRAIN ? "train" : "test");
          return NULL;
        }
      classes = list_sorted (dir, TRUE, error);
      /* the normal class may have no test folder; it is still the normal class */
      if (classes != NULL && part == DS_ANOMALY_PART_TEST &&
          g_file_test (train_dir, G_FILE_TEST_IS_DIR) &&
          (train_classes = list_sorted (train_dir, TRUE, NULL)) != NULL)
        for (guint i = 0; i < train_classes->len; i++)
          if (!g_ptr_array_find_with_equal_func (classes, g_ptr_array_index (train_classes, i),
                                                 g_str_equal, NULL))
            g_ptr_array_add (classes, g_strdup (g_ptr_array_index (train_classes, i)));
    }
  else
    {
      classes = list_sorted (path, TRUE, error);
      for (guint i = 0; classes != NULL && i < classes->len;)
        {
          const char *name = g_ptr_array_index (classes, i);

          if (g_str_equal (name, "masks") || g_str_equal (name, "ground_truth"))
            g_ptr_array_remove_index (classes, i);
          else
            i++;
        }
    }
  if (classes == NULL)
    return NULL;
  if (classes->len == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: no data set found: looked for IDX files, train/<class>/*.png and "
                   "test/<class>/*.png (MVTec AD), and <class>/*.png folders", path);
      return NULL;
    }
  g_ptr_array_add (classes, NULL);
  normal = find_normal ((char **) classes->pdata, normal_class, path, error);
  if (normal < 0)
    return NULL;

  for (guint k = 0; k + 1 < classes->len; k++)
    {
      const char *klass = g_ptr_array_index (classes, k);
      g_autofree char *folder = NULL;
      int holdout = 0;

      if (split_tree)
        {
          if (part == DS_ANOMALY_PART_TRAIN && (gint32) k != normal)
            continue;
          folder = g_build_filename (part == DS_ANOMALY_PART_TRAIN ? train_dir : test_dir,
                                     klass, NULL);
          if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
            continue;
        }
      else
        {
          if (part == DS_ANOMALY_PART_TRAIN && (gint32) k != normal)
            continue;
          if ((gint32) k == normal)
            holdout = part == DS_ANOMALY_PART_TRAIN ? -1 : 1;
          folder = g_build_filename (path, klass, NULL);
        }
      if (!add_folder (entries, path, folder, klass, (gint32) k, holdout, error))
        return NULL;
    }

  return load_entries (path, entries, (GStrv) g_ptr_array_steal (classes, NULL), normal,
                       c, h, w, skipped, error);
}

DsAnomalySet *
ds_anomaly_set_open_project (const char     *folder,
                             const char     *normal_class,
                             DsAnomalyPart   part,
                             guint           c,
                             guint           h,
                             guint           w,
                             GPtrArray      *skipped,
                             GError        **error)
{
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) entries = entries_new ();
  g_autoptr(GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  GStrv names;
  gint32 normal;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (c == 0 || c == 1 || c == 3, NULL);

  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, error);
  if (project == NULL)
    return NULL;
  classes = ds_project_list_classes (project, error);
  if (classes == NULL)
    return NULL;
  names = g_new0 (char *, classes->len + 1);
  for (guint k = 0; k < classes->len; k++)
    {
      DsClassInfo *info = g_ptr_array_index (classes, k);

      names[k] = g_strdup (info->name);
      g_hash_table_insert (index, &info->id, GINT_TO_POINTER (k));
    }
  if (classes->len == 0 || (normal = find_normal (names, normal_class, folder, error)) < 0)
    {
      if (classes->len == 0)
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                     "%s: the project has no classes", folder);
      g_strfreev (names);
      return NULL;
    }

  ids = ds_project_list_images (project, DS_IMAGE_FILTER_NOT_SYNTHETIC, 0, error);
  if (ids == NULL)
    {
      g_strfreev (names);
      return NULL;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(DsImageInfo) info = ds_project_get_image (project, g_array_index (ids, gint64, i),
                                                          error);
      g_autofree char *base = NULL;
      gboolean test;
      gint32 label;
      Entry e;

      if (info == NULL)
        {
          g_strfreev (names);
          return NULL;
        }
      if (info->class_id == 0)
        continue;
      label = GPOINTER_TO_INT (g_hash_table_lookup (index, &info->class_id));
      base = g_path_get_basename (info->path);
      if (label != normal)
        test = TRUE;
      else if (info->split != DS_SPLIT_NONE)
        test = info->split == DS_SPLIT_TEST;
      else
        test = ds_anomaly_is_held_out (base);
      if (test != (part == DS_ANOMALY_PART_TEST))
        continue;
      e.path = g_strdup (info->abs_path);
      e.label = label;
      e.mask = g_strdup (info->abs_mask_path);
      g_array_append_val (entries, e);
    }

  return load_entries (folder, entries, names, normal, c, h, w, skipped, error);
}
