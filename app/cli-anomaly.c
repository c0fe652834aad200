/* cli-anomaly.c: anomaly train and score; the dispatch of the anomaly commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-anomaly.h"

static const char anomaly_usage[] =
  "Usage: defectscope-cli anomaly COMMAND [OPTION…]\n\n"
  "Commands:\n"
  "  train   train an autoencoder on normal images: --data PATH or --project DIR, --out MODEL\n"
  "  eval    measure it: image AUROC, pixel AUROC where masks exist, thresholds\n"
  "  score   score a folder of PNGs into a CSV file, with heatmaps\n\n"
  "“defectscope-cli anomaly COMMAND --help” describes a command's options.\n";

int
cli_anomaly (int    argc,
             char **argv)
{
  static const struct
  {
    const char *name;
    int       (*run) (int argc, char **argv);
  } commands[] = {
    { "train", cli_anomaly_train },
    { "eval", cli_anomaly_eval },
    { "score", cli_anomaly_score },
  };

  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      fputs (anomaly_usage, stdout);
      return CLI_OK;
    }
  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  if (argc >= 2)
    fprintf (stderr, "defectscope-cli anomaly: unknown command “%s”\n\n", argv[1]);
  fputs (anomaly_usage, stderr);

  return CLI_USAGE;
}

DsAnomalySet *
cli_anomaly_open (const char    *data_path,
                  const char    *project_path,
                  const char    *normal_class,
                  DsAnomalyPart  part,
                  guint          c,
                  guint          h,
                  guint          w,
                  GError       **error)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  DsAnomalySet *set;

  if (project_path != NULL)
    set = ds_anomaly_set_open_project (project_path, normal_class, part, c, h, w, skipped, error);
  else
    set = ds_anomaly_set_open (data_path, normal_class, part, c, h, w, skipped, error);
  cli_report_skipped (skipped);

  return set;
}

DsModel *
cli_anomaly_load (const char       *path,
                  DsAnomalyParams  *params,
                  DsOptimizer     **opt,
                  GError          **error)
{
  g_autoptr(DsModel) model = ds_model_load (path, opt, error);

  if (model == NULL)
    return NULL;
  if (!ds_anomaly_params_from_model (params, model, path, error))
    {
      if (opt != NULL)
        g_clear_pointer (opt, ds_optimizer_free);
      return NULL;
    }

  return g_steal_pointer (&model);
}

void
cli_print_json_string (const char *s)
{
  putchar ('"');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        printf ("\\%c", *p);
      else if ((guchar) *p < 0x20)
        printf ("\\u%04x", (guchar) *p);
      else
        putchar (*p);
    }
  putchar ('"');
}

void
cli_print_json_number (double value)
{
  if (isfinite (value))
    printf ("%.6g", value);
  else
    printf ("null");
}

typedef struct
{
  gboolean tty;
  gint64   last_draw;
  double   train_seconds;   /* sum of the epochs' training time */
} TrainDisplay;

/* One line an epoch, in the format of `train` (bench scripts read it); a step counter on a
 * terminal. */
static gboolean
train_progress_cb (const DsProgress *p,
                   gpointer          user_data)
{
  TrainDisplay *display = user_data;

  if (p->kind == DS_PROGRESS_STEP && display->tty)
    {
      gint64 now = g_get_monotonic_time ();

      if (now - display->last_draw < 100000 && p->step != p->n_steps)
        return TRUE;
      display->last_draw = now;
      printf ("\r\033[Kepoch %u/%u  step %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
              "  loss %.5f  %6.0f img/s", p->epoch, p->n_epochs, p->step, p->n_steps, p->loss,
              p->items_per_second);
      fflush (stdout);
    }
  else if (p->kind == DS_PROGRESS_EPOCH)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      display->train_seconds += p->epoch_seconds;
      g_string_append_printf (line, "epoch %u/%u  loss %.5f", p->epoch, p->n_epochs, p->loss);
      if (isfinite (p->val_loss))
        g_string_append_printf (line, "  val_loss %.5f", p->val_loss);
      g_string_append_printf (line, "  time %.2f s  %.0f img/s", p->epoch_seconds,
                              p->items_per_second);
      printf ("%s%s\n", display->tty ? "\r\033[K" : "", line->str);
      fflush (stdout);
    }

  return TRUE;
}

static int
compare_floats (const void *a,
                const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The largest residual of each image, for the heatmap scale. */
typedef struct
{
  float *maxima;   /* (n) */
  gsize  hw;
} MaxJob;

static void
record_max_cb (guint        index,
               const float *map,
               gpointer     user_data)
{
  MaxJob *job = user_data;
  float top = 0.0f;

  for (gsize i = 0; i < job->hw; i++)
    top = MAX (top, map[i]);
  job->maxima[index] = top;
}

/* Scores the normal images of @set (a calibration set) and sets the thresholds and the heatmap
 * scale: full heat at the 99th percentile of the images' largest residuals, so that a normal
 * image hardly ever saturates and a defect stands out. */
static gboolean
calibrate (DsModel          *model,
           DsContext        *ctx,
           const DsSubset   *set,
           DsAnomalyParams  *params,
           GError          **error)
{
  g_autofree float *scores = g_new (float, MAX (set->n, 1));
  g_autofree float *maxima = g_new (float, MAX (set->n, 1));
  MaxJob job = { maxima, (gsize) model->input.h * model->input.w };

  if (!ds_anomaly_score_set (model, ctx, set, &params->scoring, 1, 256, scores, record_max_cb,
                             &job, error))
    return FALSE;
  ds_anomaly_params_calibrate (params, scores, set->n, NULL, NULL, 0);
  qsort (maxima, set->n, sizeof (float), compare_floats);
  params->heat_max = maxima[(gsize) floor (0.99 * (set->n - 1))];

  return TRUE;
}

int
cli_anomaly_train (int    argc,
                   char **argv)
{
  g_autofree char *preset_name = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *normal_class = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *residual_name = NULL;
  g_autofree char *score_name = NULL;
  g_autofree char *spec_path = NULL;
  g_autofree char *spec = NULL;
  gboolean flip = FALSE;
  int epochs = 0, batch = 64, threads = 2, channels = 0;
  double lr = 1e-3, val_split = 0.1, sigma = -1, top_k = -1, frr = -1, review_frr = -1;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path,
      "IDX folder, MVTec AD category or class-per-folder PNG tree", "PATH" },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, "A project's folder", "DIR" },
    { "normal-class", 0, 0, G_OPTION_ARG_STRING, &normal_class,
      "The class of normal images (default: good, ok or normal)", "N" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &preset_name,
      "conv-ae (default) or dense-ae", "NAME" },
    { "spec", 0, 0, G_OPTION_ARG_FILENAME, &spec_path,
      "An architecture spec file instead of a preset (output shape = input shape)", "FILE" },
    { "flip", 0, 0, G_OPTION_ARG_NONE, &flip,
      "Augment with random horizontal and vertical flips (textures, parts without an up)", NULL },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs,
      "Epochs (default: the preset's, 3 for conv-ae, 10 for dense-ae, or enough to see 30000 "
      "images)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Batch size (default 64)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Learning rate of Adam (default 0.001)", "RATE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default 1)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { "val-split", 0, 0, G_OPTION_ARG_DOUBLE, &val_split,
      "Normal images held out to set the thresholds (default 0.1)", "F" },
    { "channels", 0, 0, G_OPTION_ARG_INT, &channels,
      "Channels for PNG data: 1 or 3 (default: the first image's)", "C" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
      "Image size for PNG data, HxW (default: the first image's)", "HxW" },
    { "residual", 0, 0, G_OPTION_ARG_STRING, &residual_name,
      "Residual map: smoothed (default), squared or ssim", "KIND" },
    { "sigma", 0, 0, G_OPTION_ARG_DOUBLE, &sigma,
      "Gaussian σ of the smoothed and ssim residuals, pixels (default 1)", "S" },
    { "score", 0, 0, G_OPTION_ARG_STRING, &score_name,
      "Image score: top-k, mean or max (default: max for images of 64×64 and more, else top-k)", "KIND" },
    { "top-k", 0, 0, G_OPTION_ARG_DOUBLE, &top_k,
      "Fraction of the pixels the top-k score averages (default 0.1)", "F" },
    { "frr", 0, 0, G_OPTION_ARG_DOUBLE, &frr,
      "False-reject rate the fail threshold is set for (default 0.01)", "F" },
    { "review-frr", 0, 0, G_OPTION_ARG_DOUBLE, &review_frr,
      "Normal images allowed above the pass threshold, to review or fail (default 0.05)", "F" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, "Where to write the model", "MODEL" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsAnomalySet) set = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsOptimizer) opt = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autofree guint32 *train_idx = NULL;
  g_autofree guint32 *val_idx = NULL;
  g_autofree char *scoring_text = NULL;
  g_auto(DsAnomalyParams) params = { 0 };
  const DsPreset *preset;
  DsTrainConfig config = { .objective = DS_OBJECTIVE_RECONSTRUCT };
  DsSubset train_set, val_set;
  TrainDisplay display = { .tty = isatty (STDOUT_FILENO) };
  guint n_train, n_val, h = 0, w = 0;
  CliStatus status;

  status = cli_parse ("anomaly train", "Train an autoencoder on normal images for anomaly "
                      "detection.", entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  ds_anomaly_params_init (&params);
  if ((data_path == NULL) == (project_path == NULL) || out_path == NULL)
    return cli_usage_error ("anomaly train", "--data or --project (one of them) and --out are "
                            "required");
  if (spec_path != NULL && preset_name != NULL)
    return cli_usage_error ("anomaly train", "give --model or --spec, not both");
  if ((preset = ds_preset_lookup_kind (preset_name != NULL ? preset_name : "conv-ae",
                                       DS_PRESET_AUTOENCODER)) == NULL)
    return cli_usage_error ("anomaly train", "unknown model “%s” (conv-ae or dense-ae)",
                            preset_name);
  if (epochs < 0 || batch < 1 || threads < 0 || !(lr > 0))
    return cli_usage_error ("anomaly train", "epochs, batch, threads and lr must be positive");
  if (!(val_split >= 0.0 && val_split < 1.0))
    return cli_usage_error ("anomaly train", "--val-split must be at least 0 and below 1");
  if (channels != 0 && channels != 1 && channels != 3)
    return cli_usage_error ("anomaly train", "--channels must be 1 or 3");
  if (size_text != NULL && !cli_parse_size (size_text, &h, &w))
    return cli_usage_error ("anomaly train", "--size “%s” is not HxW", size_text);
  if (residual_name != NULL &&
      !ds_residual_kind_from_string (residual_name, &params.scoring.residual))
    return cli_usage_error ("anomaly train", "unknown residual “%s” (smoothed, squared or ssim)",
                            residual_name);
  if (score_name != NULL && !ds_score_kind_from_string (score_name, &params.scoring.score))
    return cli_usage_error ("anomaly train", "unknown score “%s” (top-k, mean or max)",
                            score_name);
  if (sigma != -1)
    params.scoring.sigma = (float) sigma;
  if (top_k != -1)
    params.scoring.top_k = (float) top_k;
  if (!ds_anomaly_scoring_check (&params.scoring, &error))
    return cli_usage_error ("anomaly train", "%s", error->message);
  if (frr != -1)
    params.target_frr = frr;
  if (review_frr != -1)
    params.review_frr = review_frr;
  if (!(params.target_frr >= 0 && params.target_frr < 1) ||
      !(params.review_frr >= 0 && params.review_frr < 1))
    return cli_usage_error ("anomaly train", "--frr and --review-frr must be at least 0 and "
                            "below 1");

  if (spec_path != NULL && !g_file_get_contents (spec_path, &spec, NULL, &error))
    return cli_fail (error);

  ctx = ds_context_new ((guint64) seed, (guint) threads);
  set = cli_anomaly_open (data_path, project_path, normal_class, DS_ANOMALY_PART_TRAIN,
                          (guint) channels, h, w, &error);
  if (set == NULL)
    return cli_fail (error);
  /* without --score, the one for the image size, as a project's runs take it */
  if (score_name == NULL)
    params.scoring.score = ds_anomaly_scoring_for_size (set->data->h, set->data->w).score;

  if (spec != NULL)
    {
      model = ds_model_new (spec, DS_SHAPE (1, set->data->c, set->data->h, set->data->w), &error);
      if (model == NULL)
        {
          fprintf (stderr, "defectscope-cli: %s: %s\n", spec_path, error->message);
          return CLI_FAILURE;
        }
    }
  else
    model = ds_preset_new_model (preset->name, DS_SHAPE (1, set->data->c, set->data->h,
                                                         set->data->w), 0, &error);
  if (model == NULL)
    return cli_fail (error);
  ds_model_init_params (model, ds_context_get_rng (ctx));
  opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, (float) lr, 0.0f);

  ds_dataset_split (set->data, val_split, ds_context_get_rng (ctx), &train_idx, &n_train,
                    &val_idx, &n_val);
  train_set = (DsSubset) { set->data, train_idx, n_train };
  val_set = (DsSubset) { set->data, val_idx, n_val };
  config.epochs = epochs > 0 ? (guint) epochs : ds_anomaly_auto_epochs (preset->epochs, n_train);
  config.batch_size = (guint) batch;
  config.augment = preset->augment;
  if (flip)
    config.augment.hflip = config.augment.vflip = TRUE;

  scoring_text = ds_anomaly_scoring_describe (&params.scoring);
  printf ("%s: %u training and %u validation images of class %s, %u×%u×%u, %" G_GSIZE_FORMAT
          " parameters, %u epochs; score: %s\n", spec != NULL ? spec_path : preset->name, n_train,
          n_val, set->data->class_names[set->normal], set->data->c, set->data->h, set->data->w,
          model->n_params, config.epochs, scoring_text);
  fflush (stdout);

  ds_context_set_progress (ctx, train_progress_cb, &display);
  if (!ds_train_model (model, opt, ctx, &train_set, n_val > 0 ? &val_set : NULL, &config, NULL,
                       NULL, &error))
    {
      if (display.tty)
        printf ("\n");
      return cli_fail (error);
    }
  ds_context_set_progress (ctx, NULL, NULL);
  printf ("training time %.2f s\n", display.train_seconds);

  /* thresholds from images the model has not seen, unless there are none */
  if (n_val == 0)
    fprintf (stderr, "defectscope-cli: no validation images: thresholds are set on the "
                     "training images and will be too low\n");
  if (!calibrate (model, ctx, n_val > 0 ? &val_set : &train_set, &params, &error))
    return cli_fail (error);
  params.normal_class = g_strdup (set->data->class_names[set->normal]);
  ds_anomaly_params_to_model (&params, model);
  if (!ds_model_save (model, opt, out_path, &error))
    return cli_fail (error);
  printf ("thresholds: pass <= %.6g < review <= %.6g < fail (decision %.6g at %.1f%% false "
          "rejects); heatmap scale %.6g\n", params.threshold_low, params.threshold_high,
          params.threshold, 100.0 * params.target_frr, params.heat_max);
  printf ("model written to %s\n", out_path);

  return CLI_OK;
}

/* The heatmaps of `anomaly score`, written as the maps arrive. */
typedef struct
{
  const DsDataset       *data;
  const char            *dir;
  const DsAnomalyParams *params;
  GError                *error;   /* the first failure */
} HeatmapWriter;

static void
write_heatmap_cb (guint        index,
                  const float *map,
                  gpointer     user_data)
{
  HeatmapWriter *hw = user_data;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (hw->error != NULL)
    return;
  base = g_path_get_basename (hw->data->paths[index]);
  /* "part.png" → "part_heatmap.png" */
  name = g_strdup_printf ("%.*s_heatmap.png", (int) (strlen (base) - 4), base);
  path = g_build_filename (hw->dir, name, NULL);
  ds_anomaly_heatmap_save (path, map, hw->data->h, hw->data->w, hw->params->heat_max,
                           &hw->error);
}

/* RFC 4180: quote a field when it holds a separator, a quote or a line break. */
static void
append_csv_field (GString    *out,
                  const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

int
cli_anomaly_score (int    argc,
                   char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *heatmap_dir = NULL;
  int threads = 2;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
      "Model file written by anomaly train", "MODEL" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path, "Folder of PNG images", "FOLDER" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
      "Where to write path,score,verdict rows", "OUT.csv" },
    { "heatmaps", 0, 0, G_OPTION_ARG_FILENAME, &heatmap_dir,
      "Also write each image's residual map as DIR/<name>_heatmap.png", "DIR" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsDataset) data = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) csv = g_string_new ("path,score,verdict\n");
  g_autofree float *scores = NULL;
  g_auto(DsAnomalyParams) params = { 0 };
  guint counts[3] = { 0 };
  HeatmapWriter writer = { 0 };
  DsSubset set;
  CliStatus status;

  status = cli_parse ("anomaly score", "Score the PNGs of a folder with an anomaly model: a CSV "
                      "of scores and pass/review/fail verdicts, and heatmaps.",
                      entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (model_path == NULL || data_path == NULL || csv_path == NULL)
    return cli_usage_error ("anomaly score", "--model, --data and --csv are required");
  if (threads < 0)
    return cli_usage_error ("anomaly score", "--threads must be 0 or more");

  if ((model = cli_anomaly_load (model_path, &params, NULL, &error)) == NULL)
    return cli_fail (error);
  ctx = ds_context_new (1, (guint) threads);
  data = ds_dataset_load_pngs (data_path, model->input.c, model->input.h, model->input.w,
                               skipped, &error);
  cli_report_skipped (skipped);
  if (data == NULL)
    return cli_fail (error);
  if (heatmap_dir != NULL && g_mkdir_with_parents (heatmap_dir, 0755) != 0)
    {
      int saved = errno;

      fprintf (stderr, "defectscope-cli: %s: cannot create the folder: %s\n", heatmap_dir,
               g_strerror (saved));
      return CLI_FAILURE;
    }

  scores = g_new (float, data->n);
  set = (DsSubset) { data, NULL, data->n };
  writer = (HeatmapWriter) { data, heatmap_dir, &params, NULL };
  if (!ds_anomaly_score_set (model, ctx, &set, &params.scoring, 1, 256, scores,
                             heatmap_dir != NULL ? write_heatmap_cb : NULL, &writer, &error))
    return cli_fail (error);
  if (writer.error != NULL)
    {
      g_propagate_error (&error, writer.error);
      return cli_fail (error);
    }

  for (guint i = 0; i < data->n; i++)
    {
      DsVerdict verdict = ds_verdict (scores[i], params.threshold_low, params.threshold_high);

      counts[verdict]++;
      append_csv_field (csv, data->paths[i]);
      g_string_append_printf (csv, ",%.6g,%s\n", scores[i], ds_verdict_to_string (verdict));
    }
  if (!ds_file_write_atomic (csv_path, csv->str, csv->len, &error))
    return cli_fail (error);
  fprintf (stderr, "%u images scored into %s: %u pass, %u review, %u fail%s%s\n", data->n,
           csv_path, counts[DS_VERDICT_PASS], counts[DS_VERDICT_REVIEW],
           counts[DS_VERDICT_FAIL], heatmap_dir != NULL ? "; heatmaps in " : "",
           heatmap_dir != NULL ? heatmap_dir : "");

  return CLI_OK;
}
