/* ds-dataset.c: opening a split, IDX sets, train/validation splits and batches
 *
 * PNG folder trees are read in ds-folder.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <gio/gio.h>

#include "data/ds-dataset.h"
#include "data/ds-idx.h"
#include "ds-error.h"

void
ds_dataset_free (DsDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->pixels);
  g_free (ds->labels);
  g_strfreev (ds->class_names);
  g_strfreev (ds->paths);
  g_free (ds->labels_from);
  g_free (ds);
}

DsDataset *
ds_dataset_load_idx (const char  *images_path,
                     const char  *labels_path,
                     GError     **error)
{
  g_autoptr(DsDataset) ds = NULL;
  g_autofree guint8 *images = NULL;
  g_autofree guint8 *labels = NULL;
  guint32 idims[3];
  guint32 ldims[1];
  guint max_label = 0;

  g_return_val_if_fail (images_path != NULL, NULL);
  g_return_val_if_fail (labels_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  images = ds_idx_read_ubyte (images_path, 3, idims, NULL, error);
  if (images == NULL)
    return NULL;
  labels = ds_idx_read_ubyte (labels_path, 1, ldims, NULL, error);
  if (labels == NULL)
    return NULL;

  if (ldims[0] != idims[0])
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: labels file has %u labels for %u images in %s",
                   labels_path, ldims[0], idims[0], images_path);
      return NULL;
    }

  ds = g_new0 (DsDataset, 1);
  ds->n = idims[0];
  ds->c = 1;
  ds->h = idims[1];
  ds->w = idims[2];
  ds->pixels = g_steal_pointer (&images);
  ds->labels_from = g_strdup (labels_path);
  ds->labels = g_new (gint32, ds->n);
  for (guint i = 0; i < ds->n; i++)
    {
      ds->labels[i] = labels[i];
      max_label = MAX (max_label, labels[i]);
    }
  if (max_label >= DS_DATASET_MAX_CLASSES)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: has label %u, which makes %u classes; at most %u are supported",
                   labels_path, max_label, max_label + 1, DS_DATASET_MAX_CLASSES);
      return NULL;
    }
  ds->n_classes = max_label + 1;
  ds->class_names = g_new0 (char *, ds->n_classes + 1);
  for (guint k = 0; k < ds->n_classes; k++)
    ds->class_names[k] = g_strdup_printf ("%u", k);

  return g_steal_pointer (&ds);
}

/* First of @names that exists in @dir, or NULL. */
static char *
find_first (const char         *dir,
            const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);

      if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&p);
    }

  return NULL;
}

/* Looks for the IDX pair of @split. Returns FALSE with @error set only when half a pair is
 * there; TRUE with both paths NULL when there is nothing. */
static gboolean
find_idx_pair (const char  *path,
               const char  *split,
               char       **images_path,
               char       **labels_path,
               GError     **error)
{
  static const char * const test_prefixes[] = { "t10k", "test", NULL };
  const char * const split_prefix[] = { split, NULL };
  const char * const *prefixes = g_str_equal (split, "test") ? test_prefixes : split_prefix;

  *images_path = NULL;
  *labels_path = NULL;

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      g_autofree char *img = g_strdup_printf ("%s-images-idx3-ubyte", prefixes[i]);
      g_autofree char *img_gz = g_strconcat (img, ".gz", NULL);
      g_autofree char *lbl = g_strdup_printf ("%s-labels-idx1-ubyte", prefixes[i]);
      g_autofree char *lbl_gz = g_strconcat (lbl, ".gz", NULL);
      const char * const img_names[] = { img, img_gz, NULL };
      const char * const lbl_names[] = { lbl, lbl_gz, NULL };
      g_autofree char *found_img = find_first (path, img_names);
      g_autofree char *found_lbl = find_first (path, lbl_names);

      if (found_img == NULL && found_lbl == NULL)
        continue;
      if (found_img == NULL || found_lbl == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s: found %s but not %s[.gz] beside it", path,
                       found_img != NULL ? found_img : found_lbl,
                       found_img != NULL ? lbl : img);
          return FALSE;
        }
      *images_path = g_steal_pointer (&found_img);
      *labels_path = g_steal_pointer (&found_lbl);
      return TRUE;
    }

  return TRUE;
}

/* TRUE when @path has a visible sub-folder, the sign of a class-per-folder tree. */
static gboolean
has_subfolders (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = NULL;

      if (name[0] == '.')
        continue;
      p = g_build_filename (path, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        return TRUE;
    }

  return FALSE;
}

static gboolean
check_idx_request (DsDataset           *ds,
                   const char          *images_path,
                   const char          *labels_path,
                   guint                c,
                   guint                h,
                   guint                w,
                   const char * const  *class_names,
                   GError             **error)
{
  if ((c != 0 && c != ds->c) || (h != 0 && h != ds->h) || (w != 0 && w != ds->w))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
                   "%s: images are %u×%u×%u (channels×height×width), %u×%u×%u was asked for; "
                   "IDX images are not converted", images_path, ds->c, ds->h, ds->w,
                   c != 0 ? c : ds->c, h != 0 ? h : ds->h, w != 0 ? w : ds->w);
      return FALSE;
    }

  /* A test split keeps the training split's classes, so that label k means the same. */
  if (class_names != NULL)
    {
      guint n = g_strv_length ((char **) class_names);

      if (ds->n_classes > n)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                       "%s: has label %u but the training split has %u classes",
                       labels_path, ds->n_classes - 1, n);
          return FALSE;
        }
      g_strfreev (ds->class_names);
      ds->class_names = g_strdupv ((char **) class_names);
      ds->n_classes = n;
    }

  return TRUE;
}

DsDataset *
ds_dataset_open (const char          *path,
                 const char          *split,
                 guint                c,
                 guint                h,
                 guint                w,
                 const char * const  *class_names,
                 GPtrArray           *skipped,
                 GError             **error)
{
  g_autofree char *images_path = NULL;
  g_autofree char *labels_path = NULL;
  g_autofree char *split_dir = NULL;
  g_autofree char *train_dir = NULL;
  g_autofree char *test_dir = NULL;
  gboolean is_test;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (split != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  is_test = g_str_equal (split, "test");
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR,
                   g_file_test (path, G_FILE_TEST_EXISTS) ? G_IO_ERROR_NOT_DIRECTORY
                                                          : G_IO_ERROR_NOT_FOUND,
                   "%s: not a folder", path);
      return NULL;
    }

  if (!find_idx_pair (path, split, &images_path, &labels_path, error))
    return NULL;
  if (images_path != NULL)
    {
      g_autoptr(DsDataset) ds = ds_dataset_load_idx (images_path, labels_path, error);

      if (ds == NULL
          || !check_idx_request (ds, images_path, labels_path, c, h, w, class_names, error))
        return NULL;
      return g_steal_pointer (&ds);
    }

  split_dir = g_build_filename (path, split, NULL);
  if (g_file_test (split_dir, G_FILE_TEST_IS_DIR))
    return ds_dataset_load_folder (split_dir, c, h, w, class_names, skipped, error);

  train_dir = g_build_filename (path, "train", NULL);
  test_dir = g_build_filename (path, "test", NULL);
  if (g_file_test (train_dir, G_FILE_TEST_IS_DIR) || g_file_test (test_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: has no \"%s\" folder", path, split);
      return NULL;
    }

  /* Only "train" and "test" have IDX names; any other split can only be a folder. */
  if (!g_str_equal (split, "train") && !is_test)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s: has no \"%s\" folder", path, split);
      return NULL;
    }

  if (is_test)
    {
      g_autofree char *train_images = NULL;
      g_autofree char *train_labels = NULL;

      /* Training data without a test split: the caller can hold out a validation split. */
      if (has_subfolders (path)
          || (find_idx_pair (path, "train", &train_images, &train_labels, NULL)
              && train_images != NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s: has no test split (no t10k-images-idx3-ubyte[.gz], "
                       "test-images-idx3-ubyte[.gz] or test folder)", path);
          return NULL;
        }
    }
  else if (has_subfolders (path))
    {
      /* A bare class-per-folder tree is all training data. */
      return ds_dataset_load_folder (path, c, h, w, class_names, skipped, error);
    }

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
               "%s: no data set found: looked for %s and %s (IDX, optionally .gz), "
               "for train/<class>/*.png and test/<class>/*.png, and for <class>/*.png folders",
               path, is_test ? "t10k-images-idx3-ubyte or test-images-idx3-ubyte"
                             : "train-images-idx3-ubyte",
               is_test ? "t10k-labels-idx1-ubyte or test-labels-idx1-ubyte"
                       : "train-labels-idx1-ubyte");
  return NULL;
}

gboolean
ds_dataset_check_classes (const DsDataset  *ds,
                          char            **warning,
                          GError          **error)
{
  g_autofree guint *count = NULL;
  g_autoptr(GString) empty = NULL;
  guint n_held = 0;
  guint n_empty = 0;
  guint held = 0;
  const char *source;

  g_return_val_if_fail (ds != NULL, FALSE);
  g_return_val_if_fail (warning != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *warning = NULL;
  source = ds->labels_from != NULL ? ds->labels_from : "the data set";
  count = g_new0 (guint, MAX (ds->n_classes, 1));
  for (guint i = 0; i < ds->n; i++)
    if (ds->labels[i] >= 0 && (guint) ds->labels[i] < ds->n_classes)
      count[ds->labels[i]]++;

  empty = g_string_new (NULL);
  for (guint k = 0; k < ds->n_classes; k++)
    {
      if (count[k] > 0)
        {
          n_held++;
          held = k;
          continue;
        }
      /* the first five are enough to recognise what went wrong */
      if (n_empty < 5)
        g_string_append_printf (empty, "%s“%s”", n_empty > 0 ? ", " : "", ds->class_names[k]);
      else if (n_empty == 5)
        g_string_append (empty, ", …");
      n_empty++;
    }

  if (n_held == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: none of its %u images has a class", source, ds->n);
      return FALSE;
    }
  if (n_held == 1)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: all %u images are of class “%s”; a classifier needs images of at "
                   "least two classes", source, ds->n, ds->class_names[held]);
      return FALSE;
    }
  if (n_empty > 0)
    *warning = g_strdup_printf ("%s: %u of its %u classes have no image: %s", source, n_empty,
                                ds->n_classes, empty->str);

  return TRUE;
}

void
ds_dataset_split (const DsDataset  *ds,
                  double            val_fraction,
                  DsRng            *rng,
                  guint32         **train_idx,
                  guint            *n_train,
                  guint32         **val_idx,
                  guint            *n_val)
{
  g_autofree guint32 *order = NULL;
  guint nv;

  g_return_if_fail (ds != NULL);
  g_return_if_fail (train_idx != NULL && n_train != NULL && val_idx != NULL && n_val != NULL);

  val_fraction = CLAMP (val_fraction, 0.0, 1.0);
  nv = MIN ((guint) (ds->n * val_fraction + 0.5), ds->n);

  order = g_new (guint32, MAX (ds->n, 1));
  for (guint i = 0; i < ds->n; i++)
    order[i] = i;
  if (rng != NULL)
    ds_rng_shuffle (rng, order, ds->n);

  *n_train = ds->n - nv;
  *n_val = nv;
  *train_idx = g_new (guint32, MAX (*n_train, 1));
  *val_idx = g_new (guint32, MAX (nv, 1));
  memcpy (*train_idx, order, (gsize) *n_train * sizeof (guint32));
  memcpy (*val_idx, order + *n_train, (gsize) nv * sizeof (guint32));
}

void
ds_dataset_fill_batch (const DsDataset *ds,
                       const guint32   *idx,
                       guint            count,
                       const DsAugment *augment,
                       DsRng           *rng,
                       DsTensor        *x,
                       gint32          *labels)
{
  guint c, h, w;
  gsize plane, sample;
  gboolean augmenting;
  float scale[256];

  g_return_if_fail (ds != NULL && x != NULL);
  g_return_if_fail (count == 0 || idx != NULL);

  c = ds->c;
  h = ds->h;
  w = ds->w;
  plane = (gsize) h * w;
  sample = c * plane;

  augmenting = augment != NULL && rng != NULL
               && (augment->max_shift > 0 || augment->hflip || augment->vflip);
  for (guint v = 0; v < 256; v++)
    scale[v] = v / 255.0f;

  ds_tensor_reshape (x, DS_SHAPE (count, c, h, w));

  for (guint k = 0; k < count; k++)
    {
      const guint8 *src;
      float *dst = x->data + k * sample;
      int dx = 0, dy = 0;
      gboolean hflip = FALSE, vflip = FALSE;

      g_return_if_fail (idx[k] < ds->n);
      src = ds->pixels + idx[k] * sample;
      if (labels != NULL)
        labels[k] = ds->labels[idx[k]];

      if (!augmenting)
        {
          for (gsize i = 0; i < sample; i++)
            dst[i] = scale[src[i]];
          continue;
        }

      /* Always the same draws in the same order, so a seed fixes every batch. */
      if (augment->max_shift > 0)
        {
          guint span = 2 * augment->max_shift + 1;

          dx = (int) ds_rng_below (rng, span) - (int) augment->max_shift;
          dy = (int) ds_rng_below (rng, span) - (int) augment->max_shift;
        }
      if (augment->hflip)
        hflip = ds_rng_below (rng, 2) == 1;
      if (augment->vflip)
        vflip = ds_rng_below (rng, 2) == 1;

      /* Output (y, x) shows the flipped image at (y - dy, x - dx), zero outside it. */
      for (guint ch = 0; ch < c; ch++)
        for (guint y = 0; y < h; y++)
          {
            float *out = dst + ch * plane + (gsize) y * w;
            gint64 sy = (gint64) y - dy;
            const guint8 *row;

            if (sy < 0 || sy >= h)
              {
                memset (out, 0, w * sizeof (float));
                continue;
              }
            if (vflip)
              sy = h - 1 - sy;
            row = src + ch * plane + (gsize) sy * w;

            for (guint xx = 0; xx < w; xx++)
              {
                gint64 sx = (gint64) xx - dx;

                if (sx < 0 || sx >= w)
                  out[xx] = 0.0f;
                else
                  out[xx] = scale[row[hflip ? w - 1 - sx : sx]];
              }
          }
    }
}
