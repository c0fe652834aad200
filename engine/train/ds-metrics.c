/* ds-metrics.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-metrics.h"

DsConfusion *
ds_confusion_new (guint n_classes)
{
  DsConfusion *cm = g_new0 (DsConfusion, 1);

  cm->n_classes = n_classes;
  cm->counts = g_new0 (guint64, (gsize) n_classes * n_classes);

  return cm;
}

void
ds_confusion_free (DsConfusion *cm)
{
  if (cm == NULL)
    return;
  g_free (cm->counts);
  g_free (cm);
}

void
ds_confusion_reset (DsConfusion *cm)
{
  memset (cm->counts, 0, sizeof (guint64) * cm->n_classes * cm->n_classes);
}

void
ds_confusion_add (DsConfusion *cm,
                  gint32       truth,
                  gint32       predicted)
{
  if (truth < 0 || (guint) truth >= cm->n_classes || predicted < 0 || (guint) predicted >= cm->n_classes)
    return;
  cm->counts[(gsize) truth * cm->n_classes + (guint) predicted]++;
}

guint64
ds_confusion_get (const DsConfusion *cm,
                  guint              truth,
                  guint              predicted)
{
  g_return_val_if_fail (truth < cm->n_classes && predicted < cm->n_classes, 0);

  return cm->counts[(gsize) truth * cm->n_classes + predicted];
}

guint64
ds_confusion_total (const DsConfusion *cm)
{
  guint64 total = 0;

  for (gsize i = 0; i < (gsize) cm->n_classes * cm->n_classes; i++)
    total += cm->counts[i];

  return total;
}

double
ds_confusion_accuracy (const DsConfusion *cm)
{
  guint64 total = ds_confusion_total (cm);
  guint64 correct = 0;

  for (guint i = 0; i < cm->n_classes; i++)
    correct += ds_confusion_get (cm, i, i);

  return total > 0 ? (double) correct / (double) total : 0.0;
}

void
ds_confusion_class (const DsConfusion *cm,
                    guint              klass,
                    DsClassMetrics    *out)
{
  guint64 tp = ds_confusion_get (cm, klass, klass);
  guint64 row = 0, col = 0;

  for (guint j = 0; j < cm->n_classes; j++)
    {
      row += ds_confusion_get (cm, klass, j);
      col += ds_confusion_get (cm, j, klass);
    }

  out->support = row;
  out->precision = col > 0 ? (double) tp / (double) col : 0.0;
  out->recall = row > 0 ? (double) tp / (double) row : 0.0;
  out->f1 = out->precision + out->recall > 0.0
          ? 2.0 * out->precision * out->recall / (out->precision + out->recall)
          : 0.0;
}

double
ds_confusion_macro_f1 (const DsConfusion *cm)
{
  double sum = 0.0;
  guint n = 0;

  for (guint k = 0; k < cm->n_classes; k++)
    {
      DsClassMetrics m;

      ds_confusion_class (cm, k, &m);
      if (m.support == 0)
        continue;
      sum += m.f1;
      n++;
    }

  return n > 0 ? sum / n : 0.0;
}

guint
ds_argmax (const float *values,
           guint        n)
{
  guint best = 0;

  for (guint i = 1; i < n; i++)
    if (values[i] > values[best])
      best = i;

  return best;
}
