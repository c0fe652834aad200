/* bench-gan-augment.c: GAN samples of the rarest class added to a project, for
 * bench/gan-augment.sh to measure a classifier with and without them
 *
 *   bench-gan-augment --project DIR [--class NAME] [--preset dcgan] [--epochs E] [--batch B]
 *                     [--count N] [--seed S] [--grid OUT.png] [--heldout DIR]
 *
 * Trains a GAN on the project's labelled real images of the class (not the test split), as the
 * window's GAN panel does, adds N samples from latents of --seed as synthetic images of that
 * class (ds_project_add_synthetic), and optionally writes a grid of them and a held-out copy of
 * the demo set drawn with another seed (every image, labelled by the generator) to measure on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>

#include "ds-engine.h"
#include "data/ds-demo.h"
#include "store/ds-project.h"

static gboolean
progress_cb (const DsGanProgress *p,
             gpointer             user_data)
{
  if (p->base.kind == DS_PROGRESS_STEP && p->trouble_message != NULL)
    printf ("  step %" G_GUINT64_FORMAT ": %s\n", p->base.global_step, p->trouble_message);
  if (p->base.kind == DS_PROGRESS_EPOCH && (p->base.epoch % 10 == 0 || p->base.epoch == 1))
    printf ("epoch %u/%u  d_loss %.4f  g_loss %.4f  D(x) %.3f  D(G(z)) %.3f  %.2f s\n",
            p->base.epoch, p->base.n_epochs, p->d_loss, p->g_loss, p->d_real, p->d_fake,
            p->base.epoch_seconds);
  fflush (stdout);
  return TRUE;
}

static int
fail (GError *error)
{
  fprintf (stderr, "bench-gan-augment: %s\n", error->message);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *project_path = NULL;
  g_autofree char *class_name = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *grid_path = NULL;
  g_autofree char *heldout = NULL;
  int epochs = 200, batch = 16, count = 60;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, "The project", "DIR" },
    { "class", 0, 0, G_OPTION_ARG_STRING, &class_name, "Class (default crack)", "NAME" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, "GAN preset (default dcgan)", "NAME" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "GAN epochs (default 200)", "E" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "GAN batch (default 16)", "B" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Samples added (default 60)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of training and samples (default 1)", "S" },
    { "grid", 0, 0, G_OPTION_ARG_FILENAME, &grid_path, "Write the samples as a grid", "PNG" },
    { "heldout", 0, 0, G_OPTION_ARG_FILENAME, &heldout,
      "Write a demo set of seed 99 as class folders", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- GAN samples for a project");
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_auto(DsGanClassImages) real = { 0 };
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autofree guint8 *pixels = NULL;
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  DsSubset train;
  gsize size;
  gint64 class_id;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return fail (error);
  if (project_path == NULL)
    {
      fprintf (stderr, "bench-gan-augment: --project is required\n");
      return 2;
    }
  if (class_name == NULL)
    class_name = g_strdup ("crack");

  if (heldout != NULL)
    {
      DsDemoConfig cfg;

      ds_demo_config_init (&cfg);
      cfg.seed = 99;
      cfg.write_masks = FALSE;
      if (!ds_demo_write (&cfg, heldout, NULL, NULL, &error))
        return fail (error);
      printf ("held-out set: %u images of seed 99 in %s\n", ds_demo_total (&cfg), heldout);
    }

  project = ds_project_open (project_path, DS_PROJECT_OPEN_DEFAULT, &error);
  if (project == NULL)
    return fail (error);
  class_id = ds_project_find_class (project, class_name, &error);
  if (class_id == 0)
    {
      fprintf (stderr, "bench-gan-augment: no class %s\n", class_name);
      return 1;
    }
  if (!ds_gan_class_images_load (&real, project, class_name, &error))
    return fail (error);
  train = ds_gan_class_images_subset (&real);

  ctx = ds_context_new ((guint64) seed, 2);
  gan = ds_gan_new_preset (preset != NULL ? preset : "dcgan",
                           DS_SHAPE (1, real.data->c, real.data->h, real.data->w), 0, &error);
  if (gan == NULL)
    return fail (error);
  gan->class_index = real.class_index;
  gan->class_name = g_strdup (real.class_name);
  ds_gan_init_params (gan, ds_context_get_rng (ctx));
  config.epochs = (guint) epochs;
  config.batch_size = (guint) batch;
  config.n_fixed = 0;
  printf ("%s on %u real images of %s (%u×%u×%u), %d epochs of batch %d\n",
          preset != NULL ? preset : "dcgan", real.n, real.class_name, real.data->c, real.data->h,
          real.data->w, epochs, batch);
  if (!ds_gan_train (gan, ctx, &train, &config, progress_cb, NULL, &error))
    return fail (error);

  /* samples from latents the fixed gallery never showed */
  ds_gan_latents (gan->latent, (guint) count, (guint64) seed + 1000, z);
  if (!ds_gan_generate (gan, ctx, z, images, &error))
    return fail (error);
  size = ds_shape_sample_size (&gan->image);
  pixels = g_new (guint8, size * count);
  for (gsize i = 0; i < size * count; i++)
    pixels[i] = (guint8) lrintf (CLAMP (images->data[i], 0.0f, 1.0f) * 255.0f);
  if (grid_path != NULL)
    {
      guint h, w;
      g_autofree guint8 *grid = ds_image_grid (images, 10, 2, &h, &w);

      if (!ds_png_save (grid_path, grid, gan->image.c, h, w, &error))
        return fail (error);
    }
  if (!ds_project_add_synthetic (project, pixels, (guint) count, gan->image.c, gan->image.h,
                                 gan->image.w, class_id, "gan", NULL, &error))
    return fail (error);
  printf ("%d synthetic images of %s added to %s\n", count, class_name, project_path);

  return 0;
}
