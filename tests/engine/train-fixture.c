/* train-fixture.c: the small data set and models the training tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "train-fixture.h"

const char tiny_spec[] =
  "conv2d filters=4 kernel=3 activation=relu\n"
  "maxpool2d size=2\n"
  "flatten\n"
  "dense units=4 init=glorot\n";

/* with dropout, so that the workers' own generators matter too */
const char dropout_spec[] =
  "conv2d filters=4 kernel=3 activation=relu\n"
  "maxpool2d size=2\n"
  "flatten\n"
  "dropout rate=0.2\n"
  "dense units=4 init=glorot\n";

/* Every @unlabelled_every-th sample gets label -1 (0: none). */
DsDataset *
bars_dataset (guint   n,
              guint64 seed,
              guint   unlabelled_every)
{
  DsDataset *ds = g_new0 (DsDataset, 1);
  DsRng rng;

  ds_rng_seed (&rng, seed);
  ds->n = n;
  ds->c = 1;
  ds->h = SIDE;
  ds->w = SIDE;
  ds->n_classes = N_CLASSES;
  ds->pixels = g_malloc ((gsize) n * SIDE * SIDE);
  ds->labels = g_new (gint32, n);
  ds->class_names = g_new0 (char *, N_CLASSES + 1);
  for (guint k = 0; k < N_CLASSES; k++)
    ds->class_names[k] = g_strdup_printf ("bar-%u", k);

  for (guint i = 0; i < n; i++)
    {
      guint8 *p = ds->pixels + (gsize) i * SIDE * SIDE;
      guint label = i % N_CLASSES;

      for (guint y = 0; y < SIDE; y++)
        for (guint x = 0; x < SIDE; x++)
          p[y * SIDE + x] = y / 2 == label ? (guint8) (190 + ds_rng_below (&rng, 66))
                                           : (guint8) ds_rng_below (&rng, 70);
      ds->labels[i] = unlabelled_every > 0 && i % unlabelled_every == unlabelled_every - 1
                      ? -1 : (gint32) label;
    }

  return ds;
}

DsModel *
tiny_model (const char *spec,
            DsContext  *ctx)
{
  g_autoptr(GError) error = NULL;
  DsModel *model = ds_model_new (spec, DS_SHAPE (1, 1, SIDE, SIDE), &error);

  g_assert_no_error (error);
  ds_model_init_params (model, ds_context_get_rng (ctx));

  return model;
}
