/* ds-project-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-rng.h"
#include "data/ds-demo.h"
#include "store/ds-project-demo.h"
#include "store/ds-project-import-private.h"
#include "store/ds-store-files.h"

char *
ds_project_demo_folder (void)
{
  return g_build_filename (g_get_user_data_dir (), "defectscope", "demo", NULL);
}

gboolean
ds_project_write_demo (const char        *folder,
                       guint64            seed,
                       DsImportProgress   progress,
                       gpointer           user_data,
                       GError           **error)
{
  g_autoptr(DsProject) project = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *mask = NULL;
  g_autofree guint32 *order = NULL;
  DsImporter imp = { 0 };
  DsRng rng;
  DsDemoConfig cfg;
  gboolean ok = TRUE;
  guint total;

  ds_demo_config_init (&cfg);
  cfg.seed = seed;
  if (!ds_demo_config_check (&cfg, error))
    return FALSE;

  project = ds_project_create (folder, error);
  if (project == NULL)
    return FALSE;
  if (!ds_importer_start (&imp, project, "demo", progress, user_data, NULL, error))
    {
      ds_importer_clear (&imp);
      g_clear_pointer (&project, ds_project_close);
      ds_store_remove_tree (folder);
      return FALSE;
    }
  imp.source = DS_IMAGE_SOURCE_DEMO;
  for (guint k = 0; k < DS_DEMO_N_CLASSES; k++)
    ds_importer_declare_class (&imp, ds_demo_class_name (k));

  total = ds_demo_total (&cfg);
  imp.total = total;
  pixels = g_malloc ((gsize) cfg.size * cfg.size);
  mask = g_malloc ((gsize) cfg.size * cfg.size);
  /* in a shuffled order, so the grid mixes classes as a real line's images would */
  order = g_new (guint32, total);
  for (guint i = 0; i < total; i++)
    order[i] = i;
  ds_rng_seed (&rng, seed);
  ds_rng_shuffle (&rng, order, total);
  for (guint k = 0; ok && k < total; k++)
    {
      guint i = order[k];
      g_autofree char *rel = NULL;
      g_autofree char *mask_rel = NULL;
      const char *class_name = NULL;
      DsDemoClass klass;
      DsDemoInfo info;

      ds_demo_describe (&cfg, i, &info);
      /* names that do not give the class away: labeling the demo is the point */
      rel = g_strdup_printf ("surface_%04u.png", k);
      if (!(ok = ds_importer_tick (&imp, rel, error)))
        break;
      klass = ds_demo_render (&cfg, i, pixels, mask, &class_name);
      if (klass != DS_DEMO_OK)
        mask_rel = g_strdup_printf ("masks/surface_%04u_mask.png", k);
      /* every other image of a class is labelled: half the work is left to try the keys on */
      ok = ds_importer_add_pixels_masked (&imp, pixels, 1, cfg.size, cfg.size, rel, NULL,
                                          info.index_in_class % 2 == 0 ? class_name : NULL,
                                          DS_SPLIT_NONE, mask_rel != NULL ? mask : NULL, mask_rel,
                                          error);
    }

  ok = ds_importer_finish (&imp, ok, NULL, error);
  ds_importer_clear (&imp);
  g_clear_pointer (&project, ds_project_close);

  /* half a demo would be opened as if it were whole on the next start: none is better */
  if (!ok)
    ds_store_remove_tree (folder);

  return ok;
}
