/* ds-metrics.h: classification metrics from a confusion matrix
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

struct _DsConfusion
{
  guint    n_classes;
  guint64 *counts;   /* (n_classes, n_classes): row = true class, column = predicted */
};
typedef struct _DsConfusion DsConfusion;

typedef struct
{
  double  precision;  /* 0 when nothing was predicted as the class */
  double  recall;     /* 0 when the class has no samples */
  double  f1;         /* 0 when precision + recall is 0 */
  guint64 support;    /* samples whose true class this is */
} DsClassMetrics;

DsConfusion *ds_confusion_new       (guint              n_classes);
void         ds_confusion_free      (DsConfusion       *cm);
void         ds_confusion_reset     (DsConfusion       *cm);
/* Counts one prediction; labels outside [0, n_classes) (unlabelled: -1) are ignored. */
void         ds_confusion_add       (DsConfusion       *cm,
                                     gint32             truth,
                                     gint32             predicted);
guint64      ds_confusion_get       (const DsConfusion *cm,
                                     guint              truth,
                                     guint              predicted);
guint64      ds_confusion_total     (const DsConfusion *cm);
/* Fraction on the diagonal; 0 for an empty matrix. */
double       ds_confusion_accuracy  (const DsConfusion *cm);
void         ds_confusion_class     (const DsConfusion *cm,
                                     guint              klass,
                                     DsClassMetrics    *out);
/* Unweighted mean of the per-class F1 scores over classes with support. */
double       ds_confusion_macro_f1  (const DsConfusion *cm);

/* Index of the largest of @n values (the first on ties). */
guint        ds_argmax              (const float       *values,
                                     guint              n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsConfusion, ds_confusion_free)

G_END_DECLS
