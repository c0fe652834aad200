/* ds-project-dataset.c: the labelled images of a project as a training set
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "data/ds-png.h"
#include "ds-error.h"
#include "store/ds-project-private.h"

typedef struct
{
  gint64  id;
  char   *path;       /* absolute */
  gint32  label;      /* index in the class list, -1 when unlabelled */
  DsSplit split;
  guint   width, height, channels;
} Sample;

static void
sample_clear (gpointer data)
{
  Sample *s = data;

  g_free (s->path);
}

/* The images, read in one go so that no read stays open while files are decoded. */
static GArray *
read_samples (DsProject   *project,
              DsLoadFlags  flags,
              GPtrArray   *classes,
              GError     **error)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (Sample));
  g_autoptr(DsCachedStmt) stmt = NULL;
  int rc;

  g_array_set_clear_func (samples, sample_clear);
  for (guint i = 0; i < classes->len; i++)
    {
      DsClassInfo *info = g_ptr_array_index (classes, i);

      g_hash_table_insert (index, &info->id, GUINT_TO_POINTER (i));
    }

  stmt = ds_project_stmt (project,
                          "SELECT path, class_id, width, height, channels, id, split FROM images "
                          "WHERE (class_id IS NOT NULL OR NOT ?1) "
                          "  AND (?2 OR source <> 'synthetic') "
                          "ORDER BY id",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (flags & DS_LOAD_UNLABELLED) == 0);
  sqlite3_bind_int (stmt, 2, (flags & DS_LOAD_SYNTHETIC) != 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 class_id = sqlite3_column_int64 (stmt, 1);
      gpointer value;
      Sample s;

      s.id = sqlite3_column_int64 (stmt, 5);
      s.split = ds_split_from_string ((const char *) sqlite3_column_text (stmt, 6));
      s.path = g_build_filename (project->folder, (const char *) sqlite3_column_text (stmt, 0),
                                 NULL);
      s.label = class_id != 0 && g_hash_table_lookup_extended (index, &class_id, NULL, &value)
                ? (gint32) GPOINTER_TO_UINT (value) : -1;
      s.width = (guint) sqlite3_column_int64 (stmt, 2);
      s.height = (guint) sqlite3_column_int64 (stmt, 3);
      s.channels = (guint) sqlite3_column_int64 (stmt, 4);
      g_array_append_val (samples, s);
    }
  if (rc != SQLITE_DONE)
    {
      ds_project_fail (project, rc, "cannot read the labelled images", error);
      return NULL;
    }

  return g_steal_pointer (&samples);
}

DsDataset *
ds_project_load_dataset (DsProject  *project,
                         guint       c,
                         guint       h,
                         guint       w,
                         gboolean    include_synthetic,
                         GError    **error)
{
  return ds_project_load_images (project, include_synthetic ? DS_LOAD_SYNTHETIC : 0, c, h, w,
                                 NULL, NULL, error);
}

DsDataset *
ds_project_load_images (DsProject    *project,
                        DsLoadFlags   flags,
                        guint         c,
                        guint         h,
                        guint         w,
                        gint64      **ids,
                        DsSplit     **splits,
                        GError      **error)
{
  g_autofree gint64 *image_ids = NULL;
  g_autofree DsSplit *image_splits = NULL;
  g_autoptr(GPtrArray) classes = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(DsDataset) ds = NULL;
  const Sample *first;
  gsize sample_bytes, total;

  g_return_val_if_fail (project != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((c != 0 && c != 1 && c != 3) || h > DS_PNG_MAX_SIDE || w > DS_PNG_MAX_SIDE)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "cannot load images as %u channels of %u×%u pixels", c, h, w);
      return NULL;
    }

  classes = ds_project_list_classes (project, error);
  if (classes == NULL)
    return NULL;
  samples = read_samples (project, flags, classes, error);
  if (samples == NULL)
    return NULL;
  if (samples->len == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   (flags & DS_LOAD_UNLABELLED) ? "%s: there are no images"
                                                : "%s: there are no labelled images to train on",
                   project->folder);
      return NULL;
    }

  first = &g_array_index (samples, Sample, 0);
  ds = g_new0 (DsDataset, 1);
  ds->n = samples->len;
  ds->c = c != 0 ? c : first->channels;
  ds->h = h != 0 ? h : first->height;
  ds->w = w != 0 ? w : first->width;
  sample_bytes = (gsize) ds->c * ds->h * ds->w;
  if (!g_size_checked_mul (&total, sample_bytes, ds->n)
      || (ds->pixels = g_try_malloc (total)) == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                   "%s: not enough memory for %u images of %u×%u×%u", project->folder,
                   ds->n, ds->c, ds->h, ds->w);
      return NULL;
    }
  ds->labels = g_new (gint32, ds->n);
  ds->paths = g_new0 (char *, ds->n + 1);
  ds->n_classes = classes->len;
  ds->class_names = g_new0 (char *, classes->len + 1);
  for (guint k = 0; k < classes->len; k++)
    ds->class_names[k] = g_strdup (((DsClassInfo *) g_ptr_array_index (classes, k))->name);

  image_ids = g_new (gint64, ds->n);
  image_splits = g_new (DsSplit, ds->n);

  for (guint i = 0; i < ds->n; i++)
    {
      Sample *s = &g_array_index (samples, Sample, i);
      g_autofree guint8 *px = ds_png_load (s->path, ds->c, ds->h, ds->w, NULL, NULL, error);

      if (px == NULL)
        return NULL;
      memcpy (ds->pixels + i * sample_bytes, px, sample_bytes);
      ds->labels[i] = s->label;
      ds->paths[i] = g_steal_pointer (&s->path);
      image_ids[i] = s->id;
      image_splits[i] = s->split;
    }

  if (ids != NULL)
    *ids = g_steal_pointer (&image_ids);
  if (splits != NULL)
    *splits = g_steal_pointer (&image_splits);

  return g_steal_pointer (&ds);
}
