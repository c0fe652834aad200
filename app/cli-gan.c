/* cli-gan.c: gan train and gan sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-common.h"

#define GRID_GAP 2

typedef struct
{
  gboolean    tty;
  gint64      last_draw;    /* monotonic µs of the last progress bar */
  DsGan      *gan;
  const char *out_path;
  const char *samples_dir;  /* nullable */
  const char *checkpoint_dir; /* nullable */
  DsModel    *classifier;   /* nullable: for class names */
  GError     *error;        /* a checkpoint or sample grid that could not be written */
} GanDisplay;

/* Writes @images (n, C, H, W) in [0, 1] as one PNG grid of @columns. */
static gboolean
save_grid (const char      *path,
           const DsTensor  *images,
           guint            columns,
           GError         **error)
{
  g_autofree guint8 *pixels = NULL;
  guint h, w;

  pixels = ds_image_grid (images, columns, GRID_GAP, &h, &w);

  return ds_png_save (path, pixels, images->shape.c, h, w, error);
}

static guint
grid_columns (guint n)
{
  return MAX (1, (guint) ceil (sqrt ((double) n)));
}

static void
print_score (const GanDisplay *display,
             const DsGanProgress *p)
{
  const DsGanScore *s = p->score;
  g_autoptr(GString) line = g_string_new (NULL);
  GStrv names = display->classifier->class_names;
  guint top = ds_gan_score_top_class (s);

  g_string_append_printf (line, "score %u/%u  fid %.4f  top class %s (%.4f)", p->base.epoch,
                          p->base.n_epochs, s->fid, names != NULL ? names[top] : "?",
                          s->class_fraction[top]);
  if (display->gan->class_index >= 0)
    {
      /* the classifier's own index of the GAN's class: by name when both have names (a
       * folder's classes need not come in the classifier's order) */
      gint k = display->gan->class_index;

      if (names != NULL && display->gan->class_name != NULL)
        {
          k = -1;
          for (guint i = 0; names[i] != NULL; i++)
            if (g_ascii_strcasecmp (names[i], display->gan->class_name) == 0)
              k = (gint) i;
        }
      if (k >= 0 && (guint) k < s->n_classes)
        g_string_append_printf (line, "  in class %s: %.4f",
                                names != NULL ? names[k] : display->gan->class_name,
                                s->class_fraction[k]);
    }
  g_string_append (line, "  classes");
  for (guint i = 0; i < s->n_classes; i++)
    g_string_append_printf (line, " %.4f", s->class_fraction[i]);
  printf ("%s\n", line->str);
  if (s->real_spread < DS_GAN_SCORE_MIN_SPREAD)
    printf ("warning: the classifier's features do not vary over the real images (mean "
            "variance %.2g): these scores say nothing\n", s->real_spread);
}

/* The checkpoint of the epoch just reported: MODEL, and a copy in the checkpoint folder. */
static gboolean
save_epoch (GanDisplay          *display,
            const DsGanProgress *p,
            GError             **error)
{
  g_autofree char *name = g_strdup_printf ("epoch-%03u", p->base.epoch);

  /* the score goes with the checkpoint, for whoever picks one later */
  if (p->score != NULL)
    {
      g_autoptr(GString) shares = g_string_new (NULL);
      char fid[G_ASCII_DTOSTR_BUF_SIZE];

      for (guint i = 0; i < p->score->n_classes; i++)
        g_string_append_printf (shares, "%s%.4f", i > 0 ? " " : "", p->score->class_fraction[i]);
      ds_model_set_metadata (display->gan->generator, "gan.score.fid",
                             g_ascii_formatd (fid, sizeof fid, "%.4f", p->score->fid));
      ds_model_set_metadata (display->gan->generator, "gan.score.classes", shares->str);
    }
  if (!ds_gan_save (display->gan, display->out_path, error))
    return FALSE;
  if (display->checkpoint_dir != NULL)
    {
      g_autofree char *file = g_strconcat (name, ".dsm", NULL);
      g_autofree char *path = g_build_filename (display->checkpoint_dir, file, NULL);

      if (!ds_gan_save (display->gan, path, error))
        return FALSE;
    }
  if (display->samples_dir != NULL && p->samples != NULL)
    {
      g_autofree char *file = g_strconcat (name, ".png", NULL);
      g_autofree char *path = g_build_filename (display->samples_dir, file, NULL);

      if (!save_grid (path, p->samples, grid_columns (p->samples->shape.n), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gan_progress_cb (const DsGanProgress *p,
                 gpointer             user_data)
{
  GanDisplay *display = user_data;

  if (p->base.kind == DS_PROGRESS_STEP && p->trouble != DS_GAN_TROUBLE_NONE)
    {
      if (display->tty)
        printf ("\r\033[K");
      fflush (stdout);
      fprintf (stderr, "defectscope-cli: warning: epoch %u, step %" G_GUINT64_FORMAT
               " (step %" G_GUINT64_FORMAT " of the run): %s\n", p->base.epoch, p->base.step,
               p->base.global_step, p->trouble_message);
    }

  if (p->base.kind == DS_PROGRESS_STEP && display->tty)
    {
      gint64 now = g_get_monotonic_time ();
      guint filled;

      if (now - display->last_draw < 100000 && p->base.step != p->base.n_steps)
        return TRUE;
      display->last_draw = now;
      filled = (guint) (24 * p->base.step / MAX (p->base.n_steps, 1));
      printf ("\r\033[Kepoch %u/%u [%.*s%*s] %3u%%  d_loss %.4f  g_loss %.4f  %5.0f img/s  "
              "ETA %.0f s", p->base.epoch, p->base.n_epochs, filled, "########################",
              24 - filled, "", (guint) (100 * p->base.step / MAX (p->base.n_steps, 1)),
              p->d_loss, p->g_loss, p->base.items_per_second, MAX (p->base.eta_seconds, 0.0));
      fflush (stdout);
    }
  else if (p->base.kind == DS_PROGRESS_EPOCH)
    {
      printf ("%sepoch %u/%u  d_loss %.4f  g_loss %.4f  D(x) %.4f  D(G(z)) %.4f  time %.2f s  "
              "%.0f img/s\n", display->tty ? "\r\033[K" : "", p->base.epoch, p->base.n_epochs,
              p->d_loss, p->g_loss, p->d_real, p->d_fake, p->base.epoch_seconds,
              p->base.items_per_second);
      if (p->score != NULL)
        print_score (display, p);
      fflush (stdout);
      /* a checkpoint that cannot be written stops the run: the user would lose it all */
      if (!save_epoch (display, p, &display->error))
        return FALSE;
    }

  return TRUE;
}

/* The index of class @text of @data, by name or number. */
static gboolean
find_class (const DsDataset *data,
            const char      *text,
            gint            *index)
{
  guint64 n;

  for (guint i = 0; i < data->n_classes; i++)
    if (g_str_equal (data->class_names[i], text))
      {
        *index = (gint) i;
        return TRUE;
      }
  if (data->n_classes > 0 &&
      g_ascii_string_to_unsigned (text, 10, 0, data->n_classes - 1, &n, NULL))
    {
      *index = (gint) n;
      return TRUE;
    }

  return FALSE;
}

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

static int
gan_train (int    argc,
           char **argv)
{
  g_autofree char *data_path = NULL;
  g_autofree char *class_text = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *classifier_path = NULL;
  g_autofree char *samples_dir = NULL;
  g_autofree char *checkpoint_dir = NULL;
  g_autofree char *size_text = NULL;
  int epochs = 0, batch = 64, threads = 2, latent = 0, score_n = 5000, channels = 0;
  double label_smoothing = 0.0, lr = 2e-4;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path,
      "IDX folder or class-per-folder PNG tree (its training split)", "PATH" },
    { "class", 0, 0, G_OPTION_ARG_STRING, &class_text,
      "Train on one class only, by name or number (default: all)", "N" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &preset_name, "dcgan (default) or mlp-gan", "NAME" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Epochs (default: the preset's, 20 for dcgan)",
      "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Batch size (default 64)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Adam's learning rate for both (default 0.0002)",
      "RATE" },
    { "latent", 0, 0, G_OPTION_ARG_INT, &latent, "Size of z (default: the preset's, 100)", "N" },
    { "label-smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &label_smoothing,
      "Train the discriminator towards 1 - S for real images (default 0; 0.1 is usual)", "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default 1)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { "classifier", 0, 0, G_OPTION_ARG_FILENAME, &classifier_path,
      "Score every epoch with this classifier: Fréchet distance and class shares", "MODEL" },
    { "score-samples", 0, 0, G_OPTION_ARG_INT, &score_n,
      "Images of each side scored (default 5000)", "N" },
    { "samples", 0, 0, G_OPTION_ARG_FILENAME, &samples_dir,
      "Write a grid of 64 samples from fixed latents every epoch: DIR/epoch-NNN.png", "DIR" },
    { "checkpoints", 0, 0, G_OPTION_ARG_FILENAME, &checkpoint_dir,
      "Also keep every epoch's networks: DIR/epoch-NNN.dsm and .disc.dsm", "DIR" },
    { "channels", 0, 0, G_OPTION_ARG_INT, &channels,
      "Channels for PNG data: 1 or 3 (default: the first image's)", "C" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
      "Image size for PNG data, HxW (default: the first image's)", "HxW" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path,
      "Where to write the generator (the discriminator goes beside it)", "MODEL" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DsDataset) data = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsModel) classifier = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autofree guint32 *idx = NULL;
  g_autofree guint32 *score_idx = NULL;
  g_autofree char *d_path = NULL;
  const DsGanPreset *preset;
  DsGanConfig config = DS_GAN_CONFIG_INIT;
  DsSubset train, score_real;
  GanDisplay display = { .tty = isatty (STDOUT_FILENO) };
  gint class_index = -1;
  guint n = 0, h = 0, w = 0;
  DsRng score_rng;
  CliStatus status;

  status = cli_parse ("gan train", "Train a generative adversarial network on a data set's images.",
                      entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (data_path == NULL || out_path == NULL)
    return cli_usage_error ("gan train", "--data and --out are required");
  if ((preset = ds_gan_preset_lookup (preset_name != NULL ? preset_name : "dcgan")) == NULL)
    return cli_usage_error ("gan train", "unknown model “%s” (dcgan or mlp-gan)", preset_name);
  if (epochs < 0 || batch < 1 || threads < 0 || latent < 0 || score_n < 2 || !(lr > 0))
    return cli_usage_error ("gan train", "epochs, batch, threads, latent, score samples and lr "
                            "must be positive");
  if (!(label_smoothing >= 0.0 && label_smoothing < 1.0))
    return cli_usage_error ("gan train", "--label-smoothing must be at least 0 and below 1");
  if (channels != 0 && channels != 1 && channels != 3)
    return cli_usage_error ("gan train", "--channels must be 1 or 3");
  if (size_text != NULL && !cli_parse_size (size_text, &h, &w))
    return cli_usage_error ("gan train", "--size “%s” is not HxW", size_text);

  ctx = ds_context_new ((guint64) seed, (guint) threads);
  data = ds_dataset_open (data_path, "train", (guint) channels, h, w, NULL, skipped, &error);
  cli_report_skipped (skipped);
  if (data == NULL)
    return cli_fail (error);
  if (class_text != NULL && !find_class (data, class_text, &class_index))
    {
      fprintf (stderr, "defectscope-cli: %s has no class “%s”\n", data_path, class_text);
      return CLI_FAILURE;
    }
  idx = g_new (guint32, MAX (data->n, 1));
  for (guint i = 0; i < data->n; i++)
    if (class_index < 0 || data->labels[i] == class_index)
      idx[n++] = i;
  train = (DsSubset) { data, idx, n };

  if (classifier_path != NULL)
    {
      classifier = ds_model_load (classifier_path, NULL, &error);
      if (classifier == NULL)
        return cli_fail (error);
      if (ds_classifier_feature_size (classifier) == 0)
        {
          fprintf (stderr, "defectscope-cli: %s: not a classifier ending in a dense layer\n",
                   classifier_path);
          return CLI_FAILURE;
        }
      /* a fixed sample of the real images, the same whatever --seed, so runs compare */
      score_idx = g_memdup2 (idx, MAX (n, 1) * sizeof (guint32));
      ds_rng_seed (&score_rng, 0);
      ds_rng_shuffle (&score_rng, score_idx, n);
      score_real = (DsSubset) { data, score_idx, n };
      config.classifier = classifier;
      config.score_real = &score_real;
      config.score_n = (guint) score_n;
    }

  gan = ds_gan_new_preset (preset->name, DS_SHAPE (1, data->c, data->h, data->w), (guint) latent,
                           &error);
  if (gan == NULL)
    return cli_fail (error);
  gan->g_opt->lr = gan->d_opt->lr = (float) lr;
  gan->label_smoothing = (float) label_smoothing;
  gan->class_index = class_index;
  if (class_index >= 0)
    gan->class_name = g_strdup (data->class_names[class_index]);
  ds_gan_init_params (gan, ds_context_get_rng (ctx));

  if ((samples_dir != NULL && !make_folder (samples_dir, &error)) ||
      (checkpoint_dir != NULL && !make_folder (checkpoint_dir, &error)))
    return cli_fail (error);

  config.epochs = epochs > 0 ? (guint) epochs : preset->epochs;
  config.batch_size = (guint) batch;
  printf ("%s: %u images of %u×%u×%u (%s%s), latent %u, generator %" G_GSIZE_FORMAT
          " and discriminator %" G_GSIZE_FORMAT " parameters\n", preset->name, n, data->c, data->h,
          data->w, class_index >= 0 ? "class " : "all classes",
          class_index >= 0 ? data->class_names[class_index] : "", gan->latent,
          gan->generator->n_params, gan->discriminator->n_params);
  fflush (stdout);

  display.gan = gan;
  display.out_path = out_path;
  display.samples_dir = samples_dir;
  display.checkpoint_dir = checkpoint_dir;
  display.classifier = classifier;
  if (!ds_gan_train (gan, ctx, &train, &config, gan_progress_cb, &display, &error))
    {
      if (display.tty)
        printf ("\n");
      g_clear_error (&error);
      if (display.error != NULL)
        return cli_fail (display.error);
      return cli_fail (error);
    }

  d_path = ds_gan_discriminator_path (out_path);
  printf ("generator written to %s, discriminator to %s\n", out_path, d_path);

  return CLI_OK;
}

static int
gan_sample (int    argc,
            char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *grid_path = NULL;
  g_autofree char *out_dir = NULL;
  int count = 64, columns = 0, threads = 2;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Generator written by gan train",
      "MODEL" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Images to make (default 64)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Seed of the latents (default 1: the grid gan train writes)", "S" },
    { "grid", 0, 0, G_OPTION_ARG_FILENAME, &grid_path, "Write all images as one PNG grid",
      "OUT.png" },
    { "columns", 0, 0, G_OPTION_ARG_INT, &columns, "Images a row of the grid (default: square)",
      "N" },
    { "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write each image as DIR/sample-NNNN.png", "DIR" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  CliStatus status;

  status = cli_parse ("gan sample", "Make images with a generator trained by gan train.",
                      entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (model_path == NULL || (grid_path == NULL && out_dir == NULL))
    return cli_usage_error ("gan sample", "--model and --grid or --out-dir are required");
  if (count < 1 || count > 100000 || columns < 0 || threads < 0)
    return cli_usage_error ("gan sample", "--count must be from 1 to 100000, --columns and "
                            "--threads at least 0");

  gan = ds_gan_load (model_path, FALSE, &error);
  if (gan == NULL)
    return cli_fail (error);
  ctx = ds_context_new ((guint64) seed, (guint) threads);
  ds_gan_latents (gan->latent, (guint) count, (guint64) seed, z);
  if (!ds_gan_generate (gan, ctx, z, images, &error))
    return cli_fail (error);

  if (grid_path != NULL)
    {
      guint cols = columns > 0 ? (guint) columns : grid_columns ((guint) count);

      if (!save_grid (grid_path, images, cols, &error))
        return cli_fail (error);
      printf ("%d samples written to %s\n", count, grid_path);
    }
  if (out_dir != NULL)
    {
      guint c = gan->image.c, h = gan->image.h, w = gan->image.w;
      gsize size = (gsize) c * h * w;
      g_autofree guint8 *pixels = g_new (guint8, size);

      if (!make_folder (out_dir, &error))
        return cli_fail (error);
      for (guint i = 0; i < (guint) count; i++)
        {
          g_autofree char *name = g_strdup_printf ("sample-%04u.png", i + 1);
          g_autofree char *path = g_build_filename (out_dir, name, NULL);

          for (gsize j = 0; j < size; j++)
            pixels[j] = (guint8) lrintf (images->data[i * size + j] * 255.0f);
          if (!ds_png_save (path, pixels, c, h, w, &error))
            return cli_fail (error);
        }
      printf ("%d samples written to %s\n", count, out_dir);
    }

  return CLI_OK;
}

int
cli_gan (int    argc,
         char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "train"))
    return gan_train (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "sample"))
    return gan_sample (argc - 1, argv + 1);
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("Usage: defectscope-cli gan train --data PATH [--class N] [--model dcgan|mlp-gan] "
              "[--epochs E] --out MODEL\n"
              "       defectscope-cli gan sample --model MODEL [--count N] [--seed S] "
              "--grid OUT.png [--out-dir DIR]\n\n"
              "“defectscope-cli gan train --help” describes all options.\n");
      return CLI_OK;
    }

  return cli_usage_error ("gan", "the gan commands are “train” and “sample”");
}
