/* ds-dataset.h: labelled images in memory, and batches drawn from them
 *
 * Pixels stay 8-bit ((n, c, h, w) bytes): Fashion-MNIST's 60,000 training images take 47 MB
 * instead of 188 MB as floats, and ds_dataset_fill_batch() scales them to [0, 1] per batch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ds-rng.h"
#include "nn/ds-tensor.h"

G_BEGIN_DECLS

/* The most classes a data set may have. An IDX label byte could name 256, but a label file
 * that needs label 255 is far more often damaged, or not a label file at all, than a set
 * of 256 defect classes; the loaders refuse more than this. */
#define DS_DATASET_MAX_CLASSES 255

typedef struct
{
  guint    n;             /* samples */
  guint    c, h, w;       /* per-sample shape */
  guint8  *pixels;        /* (n, c, h, w) */
  gint32  *labels;        /* (n); -1 for an unlabelled sample */
  guint    n_classes;
  GStrv    class_names;   /* n_classes names, NULL-terminated; "0".."9" for IDX sets */
  GStrv    paths;         /* (n) source files, NULL-terminated; NULL when read from IDX */
  char    *labels_from;   /* where the labels come from: the IDX label file or the root folder */
} DsDataset;

typedef struct
{
  guint    max_shift;     /* random translation of up to this many pixels, zero-filled */
  gboolean hflip;         /* random horizontal flip */
  gboolean vflip;         /* random vertical flip */
} DsAugment;

void       ds_dataset_free        (DsDataset       *ds);

/* Opens one split of a data set for training or evaluation. @path is either
 * - a folder of IDX files: "train-images-idx3-ubyte[.gz]" + "train-labels-idx1-ubyte[.gz]"
 *   for @split "train", "t10k-…" (or "test-…") for "test"; or
 * - a class-per-folder tree of PNGs: @path/@split/<class>/<*.png>, or, when @path has no
 *   "train" and "test" folders, @path/<class>/<*.png> as the "train" split (then "test" fails
 *   with G_IO_ERROR_NOT_FOUND so the caller can fall back to a validation split).
 * PNGs are converted to @c channels and @h x @w pixels; 0 for any of them takes the first
 * image's. IDX images are not converted: a non-zero @c, @h or @w that differs from the file
 * fails with DS_ENGINE_ERROR_UNSUPPORTED. Class names are the folder names, sorted; a "test"
 * split takes its class list from @class_names when given, so indices match the training split
 * (a class folder missing from that list is an error).
 * Unreadable PNGs are skipped and described in @skipped ("path: reason") when it is non-NULL;
 * with @skipped NULL they fail the load.
 * Returns: (transfer full): the data set, or NULL with @error naming the file and the problem. */
DsDataset *ds_dataset_open        (const char      *path,
                                   const char      *split,
                                   guint            c,
                                   guint            h,
                                   guint            w,
                                   const char * const *class_names,
                                   GPtrArray       *skipped,
                                   GError         **error);

/* Reads an IDX image file and its label file (plain or gzip); the label count must match.
 * Classes are "0" up to the largest label, at most DS_DATASET_MAX_CLASSES of them.
 * Returns: (transfer full): the data set, or NULL with @error. */
DsDataset *ds_dataset_load_idx    (const char      *images_path,
                                   const char      *labels_path,
                                   GError         **error);

/* Reads a class-per-folder tree: @root/<class>/<*.png>. See ds_dataset_open(). */
DsDataset *ds_dataset_load_folder (const char      *root,
                                   guint            c,
                                   guint            h,
                                   guint            w,
                                   const char * const *class_names,
                                   GPtrArray       *skipped,
                                   GError         **error);

/* Reads the PNGs directly in @folder (sorted by name, not recursive), all unlabelled: labels
 * are -1, n_classes is 0 and class_names is empty. Shapes and @skipped as for ds_dataset_open().
 * Returns: (transfer full): the data set, or NULL with @error. */
DsDataset *ds_dataset_load_pngs   (const char      *folder,
                                   guint            c,
                                   guint            h,
                                   guint            w,
                                   GPtrArray       *skipped,
                                   GError         **error);

/* Checks that @ds can train a classifier: at least two of its classes hold an image, else
 * FALSE with @error naming where its labels come from. Classes that hold no image are
 * allowed (a test split may lack some), but *@warning then receives a sentence that names
 * the labels' file, the count and the first of them (g_free()); it is NULL otherwise. */
gboolean   ds_dataset_check_classes (const DsDataset *ds,
                                     char           **warning,
                                     GError         **error);

/* Shuffles 0..n-1 with @rng and cuts off the last @val_fraction (rounded) as validation
 * indices. Both arrays are newly allocated (g_free()), even when empty; @n_val may be 0.
 * A NULL @rng keeps the order. */
void       ds_dataset_split       (const DsDataset *ds,
                                   double           val_fraction,
                                   DsRng           *rng,
                                   guint32        **train_idx,
                                   guint           *n_train,
                                   guint32        **val_idx,
                                   guint           *n_val);

/* Copies the samples @idx[0..count) into @x as floats in [0, 1], reshaping it to
 * (count, c, h, w), and their labels into @labels (count entries) when non-NULL.
 * @augment and @rng may be NULL (no augmentation). Each sample draws, in this order, its
 * x then y shift (when max_shift > 0), hflip, vflip, so a seed fixes every batch. */
void       ds_dataset_fill_batch  (const DsDataset *ds,
                                   const guint32   *idx,
                                   guint            count,
                                   const DsAugment *augment,
                                   DsRng           *rng,
                                   DsTensor        *x,
                                   gint32          *labels);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsDataset, ds_dataset_free)

G_END_DECLS
