/* cli-classify.c: train, eval and predict for classifiers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"

typedef struct
{
  gboolean tty;
  gint64   last_draw;  /* monotonic µs of the last progress bar */
} TrainDisplay;

static gboolean
train_progress_cb (const DsProgress *p,
                   gpointer          user_data)
{
  TrainDisplay *display = user_data;

  if (p->kind == DS_PROGRESS_STEP && display->tty)
    {
      gint64 now = g_get_monotonic_time ();
      char eta[32];
      guint filled;

      /* a redraw every 100 ms is smooth enough and costs nothing */
      if (now - display->last_draw < 100000 && p->step != p->n_steps)
        return TRUE;
      display->last_draw = now;
      ds_format_duration (p->eta_seconds, eta, sizeof eta);
      filled = (guint) (24 * p->step / MAX (p->n_steps, 1));
      printf ("\r\033[Kepoch %u/%u [%.*s%*s] %3u%%  loss %.4f  %6.0f img/s  ETA %s",
              p->epoch, p->n_epochs, filled, "########################", 24 - filled, "",
              (guint) (100 * p->step / MAX (p->n_steps, 1)), p->loss, p->items_per_second, eta);
      fflush (stdout);
    }
  else if (p->kind == DS_PROGRESS_EPOCH)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "epoch %u/%u  loss %.4f", p->epoch, p->n_epochs, p->loss);
      if (isfinite (p->val_loss))
        g_string_append_printf (line, "  val_loss %.4f", p->val_loss);
      /* an autoencoder's validation has a loss and no accuracy */
      if (isfinite (p->val_accuracy))
        g_string_append_printf (line, "  val_acc %.4f", p->val_accuracy);
      g_string_append_printf (line, "  time %.2f s  %.0f img/s", p->epoch_seconds,
                              p->items_per_second);
      printf ("%s%s\n", display->tty ? "\r\033[K" : "", line->str);
      fflush (stdout);
    }

  return TRUE;
}

/* Opens @split of @path, reporting skipped files; a missing "test" split gives NULL and no
 * error when @optional. */
static DsDataset *
open_split (const char          *path,
            const char          *split,
            guint                c,
            guint                h,
            guint                w,
            const char * const  *class_names,
            gboolean             optional,
            GError             **error)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  DsDataset *ds;

  ds = ds_dataset_open (path, split, c, h, w, class_names, skipped, &local_error);
  cli_report_skipped (skipped);
  if (ds == NULL && optional && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return NULL;
  if (ds == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return ds;
}

/* `train --project`: a run recorded in the project, as the window starts them. */
static int
train_project (const char        *project_path,
               const DsRunConfig *config,
               gint64             resume_id,
               const char        *out_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsRun) run = NULL;
  TrainDisplay display = { .tty = isatty (STDOUT_FILENO) };
  const DsRunInfo *info;
  const DsRunInfo *done;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) final = NULL;
  guint n_train, n_val, n_test;

  if (resume_id > 0)
    run = ds_run_resume (project_path, resume_id, &error);
  else
    run = ds_run_new (project_path, config, "command line", &error);
  if (run == NULL)
    return cli_fail (error);

  info = ds_run_get_info (run);
  ds_run_get_counts (run, &n_train, &n_val, &n_test);
  printf ("run %" G_GINT64_FORMAT " (%s%s): %u training, %u validation and %u test images of "
          "%u×%u×%u, %u classes, %" G_GSIZE_FORMAT " parameters\n",
          info->id, info->config.preset, resume_id > 0 ? ", resumed" : "", n_train, n_val, n_test,
          info->input_c, info->input_h, info->input_w, g_strv_length (info->class_names),
          ds_run_get_model (run)->n_params);
  if (resume_id > 0)
    printf ("resuming after epoch %u of %u\n", ds_run_get_state (run)->epochs_done,
            info->config.epochs);
  fflush (stdout);

  if (!ds_run_train (run, train_progress_cb, &display, &error))
    {
      if (display.tty)
        printf ("\n");
      g_prefix_error (&error, "run %" G_GINT64_FORMAT ": ", info->id);
      return cli_fail (error);
    }

  project = ds_project_open (project_path, DS_PROJECT_OPEN_READ_ONLY, &error);
  if (project != NULL)
    final = ds_project_get_run (project, info->id, &error);
  if (final == NULL)
    return cli_fail (error);
  done = final;
  printf ("run %" G_GINT64_FORMAT " %s after %u epochs in %.1f s; best epoch %u",
          done->id, ds_run_status_to_string (done->status), done->epochs_done, done->wall_seconds,
          done->best_epoch);
  if (isfinite (done->best_val_loss))
    printf (" (val_loss %.4f)", done->best_val_loss);
  printf ("\ncheckpoints: %s/%s, %s/%s\n", project_path, done->checkpoint_best,
          project_path, done->checkpoint_last);
  if (isfinite (done->test_accuracy))
    printf ("test accuracy %.4f  (%u images)\n", done->test_accuracy, n_test);
  if (isfinite (done->anomaly.image_auroc) || isfinite (done->anomaly.threshold))
    printf ("image AUROC %.4f, pixel AUROC %.4f (normal class %s); pass <= %.6g < review <= "
            "%.6g < fail\n", done->anomaly.image_auroc, done->anomaly.pixel_auroc,
            done->config.normal_class, done->anomaly.threshold_low, done->anomaly.threshold_high);

  if (out_path != NULL)
    {
      g_autofree char *best = g_build_filename (project_path, done->checkpoint_best, NULL);
      g_autoptr(DsModel) model = ds_model_load (best, NULL, &error);

      /* the best weights, without the optimiser: a model to deploy */
      if (model == NULL || !ds_model_save (model, NULL, out_path, &error))
        return cli_fail (error);
      printf ("model written to %s\n", out_path);
    }

  return CLI_OK;
}

int
cli_train (int    argc,
           char **argv)
{
  g_autofree char *preset_name = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *optimizer_name = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *schedule_name = NULL;
  g_autofree char *normal_class = NULL;
  int epochs = 0, batch = 64, threads = 2, patience = 0, channels = 0;
  double lr = 1e-3, weight_decay = 0.0, val_split = -1;
  gint64 seed = 1, resume_id = 0;
  gboolean no_augment = FALSE, include_synthetic = FALSE;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &preset_name,
      "Model preset: seed-cnn or defect-cnn; with --project also conv-ae or dense-ae", "NAME" },
    { "normal-class", 0, 0, G_OPTION_ARG_STRING, &normal_class,
      "With --project and an autoencoder: the normal class (default: good, ok or normal)", "N" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path,
      "IDX folder or class-per-folder PNG tree", "PATH" },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path,
      "Train on a project's labelled images and record the run in it", "DIR" },
    { "resume", 0, 0, G_OPTION_ARG_INT64, &resume_id,
      "With --project: resume a stopped run from its last checkpoint", "RUN" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs,
      "Epochs (default: the preset's, 5 for seed-cnn)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Batch size (default 64)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Learning rate (default 0.001)", "RATE" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &optimizer_name,
      "adam (default), adamw or sgd", "NAME" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &weight_decay, "Weight decay (default 0)", "W" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default 1)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { "val-split", 0, 0, G_OPTION_ARG_DOUBLE, &val_split,
      "Fraction held out for validation (default 0.1; 0.2 for autoencoders)", "F" },
    { "lr-schedule", 0, 0, G_OPTION_ARG_STRING, &schedule_name,
      "constant or cosine (default: the preset's)", "NAME" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience,
      "Stop after N epochs without a better validation loss", "N" },
    { "no-augment", 0, 0, G_OPTION_ARG_NONE, &no_augment,
      "Train without the preset's augmentation", NULL },
    { "include-synthetic", 0, 0, G_OPTION_ARG_NONE, &include_synthetic,
      "With --project: train on its synthetic images too (never validating or testing)", NULL },
    { "channels", 0, 0, G_OPTION_ARG_INT, &channels,
      "Channels for PNG data: 1 or 3 (default: the first image's)", "C" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
      "Image size for PNG data, HxW (default: the first image's)", "HxW" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path,
      "Where to write the model (with --project: optional, the best weights)", "MODEL" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = NULL;
  g_autoptr(DsDataset) test = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsOptimizer) opt = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (DsEpochResult));
  g_autofree guint32 *train_idx = NULL;
  g_autofree guint32 *val_idx = NULL;
  g_autofree char *warning = NULL;
  const DsPreset *preset;
  DsOptimKind kind = DS_OPTIM_ADAM;
  DsTrainConfig config = { 0 };
  DsSubset train_set, val_set;
  TrainDisplay display = { .tty = isatty (STDOUT_FILENO) };
  guint n_train, n_val, h = 0, w = 0;
  CliStatus status;

  status = cli_parse ("train", "Train a classifier on an IDX folder, a class-per-folder PNG tree, "
                      "or a project's labelled images.", entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (project_path != NULL && data_path != NULL)
    return cli_usage_error ("train", "give --data or --project, not both");
  if (include_synthetic && project_path == NULL)
    return cli_usage_error ("train", "--include-synthetic needs --project");
  if (resume_id != 0 && (project_path == NULL || resume_id < 0))
    return cli_usage_error ("train", "--resume takes a run number and needs --project");
  if (resume_id > 0)
    return train_project (project_path, NULL, resume_id, out_path);
  if (project_path != NULL && preset_name == NULL)
    return cli_usage_error ("train", "--model is required");
  if (project_path == NULL && (preset_name == NULL || data_path == NULL || out_path == NULL))
    return cli_usage_error ("train", "--model, --data (or --project) and --out are required");
  if ((preset = ds_run_config_find_preset (preset_name)) == NULL)
    return cli_usage_error ("train", "unknown model “%s” (seed-cnn or defect-cnn)", preset_name);
  if (preset->kind == DS_PRESET_AUTOENCODER && project_path == NULL)
    return cli_usage_error ("train", "%s trains on a --project here; for --data use "
                            "“defectscope-cli anomaly train”", preset_name);
  if (epochs < 0 || batch < 1 || threads < 0 || patience < 0 || !(lr > 0) || weight_decay < 0)
    return cli_usage_error ("train", "epochs, batch, threads, patience, lr and weight decay must be positive");
  if (!(val_split >= 0.0 && val_split < 1.0) && val_split != -1)
    return cli_usage_error ("train", "--val-split must be at least 0 and below 1");
  if (optimizer_name != NULL && !ds_optim_kind_from_string (optimizer_name, &kind))
    return cli_usage_error ("train", "unknown optimizer “%s” (adam, adamw or sgd)", optimizer_name);
  config.lr_schedule = preset->cosine_lr ? DS_LR_COSINE : DS_LR_CONSTANT;
  if (schedule_name != NULL && !ds_lr_schedule_from_string (schedule_name, &config.lr_schedule))
    return cli_usage_error ("train", "unknown schedule “%s” (constant or cosine)", schedule_name);
  if (channels != 0 && channels != 1 && channels != 3)
    return cli_usage_error ("train", "--channels must be 1 or 3");
  if (size_text != NULL && !cli_parse_size (size_text, &h, &w))
    return cli_usage_error ("train", "--size “%s” is not HxW", size_text);

  if (project_path != NULL)
    {
      g_auto(DsRunConfig) run_config = { 0 };

      if (channels != 0 || size_text != NULL)
        return cli_usage_error ("train", "--channels and --size are for --data; a project's "
                                "images are read at the size of its first image");
      ds_run_config_init (&run_config, preset);
      if (epochs > 0)
        run_config.epochs = (guint) epochs;
      run_config.batch_size = (guint) batch;
      run_config.optimizer = kind;
      run_config.lr = lr;
      run_config.weight_decay = weight_decay;
      if (val_split != -1)
        run_config.val_split = val_split;
      run_config.lr_schedule = config.lr_schedule;
      run_config.patience = (guint) patience;
      if (no_augment)
        run_config.augment = (DsAugment) { 0 };
      run_config.seed = (guint64) seed;
      run_config.n_threads = (guint) threads;
      run_config.include_synthetic = include_synthetic;
      run_config.normal_class = g_strdup (normal_class);
      if (!ds_run_config_validate (&run_config, &error))
        return cli_usage_error ("train", "%s", error->message);

      return train_project (project_path, &run_config, 0, out_path);
    }

  ctx = ds_context_new ((guint64) seed, (guint) threads);
  data = open_split (data_path, "train", (guint) channels, h, w, NULL, FALSE, &error);
  if (data == NULL || !ds_dataset_check_classes (data, &warning, &error))
    return cli_fail (error);
  if (warning != NULL)
    fprintf (stderr, "defectscope-cli: warning: %s\n", warning);
  test = open_split (data_path, "test", data->c, data->h, data->w,
                     (const char * const *) data->class_names, TRUE, &error);
  if (test == NULL && error != NULL)
    return cli_fail (error);

  model = ds_preset_new_model (preset->name, DS_SHAPE (1, data->c, data->h, data->w),
                               data->n_classes, &error);
  if (model == NULL)
    return cli_fail (error);
  ds_model_set_class_names (model, (const char * const *) data->class_names);
  ds_model_init_params (model, ds_context_get_rng (ctx));
  opt = ds_optimizer_new (kind, model->n_params, (float) lr, (float) weight_decay);

  if (val_split == -1)
    val_split = 0.1;
  ds_dataset_split (data, val_split, ds_context_get_rng (ctx), &train_idx, &n_train, &val_idx, &n_val);
  train_set = (DsSubset) { data, train_idx, n_train };
  val_set = (DsSubset) { data, val_idx, n_val };
  config.epochs = epochs > 0 ? (guint) epochs : preset->epochs;
  config.batch_size = (guint) batch;
  config.patience = (guint) patience;
  config.augment = no_augment ? (DsAugment) { 0 } : preset->augment;

  printf ("%s: %u training and %u validation images of %u×%u×%u, %u classes, %" G_GSIZE_FORMAT
          " parameters\n", preset->name, n_train, n_val,
          data->c, data->h, data->w, data->n_classes, model->n_params);
  if (test != NULL)
    printf ("test split: %u images\n", test->n);
  fflush (stdout);

  ds_context_set_progress (ctx, train_progress_cb, &display);
  if (!ds_train_model (model, opt, ctx, &train_set, n_val > 0 ? &val_set : NULL, &config, NULL,
                       history, &error))
    {
      if (display.tty)
        printf ("\n");
      return cli_fail (error);
    }

  if (!ds_model_save (model, opt, out_path, &error))
    return cli_fail (error);
  printf ("model written to %s\n", out_path);

  if (test != NULL)
    {
      g_autoptr(DsConfusion) cm = ds_confusion_new (data->n_classes);
      DsSubset test_set = { test, NULL, test->n };
      double loss;

      ds_context_set_progress (ctx, NULL, NULL);
      if (!ds_evaluate_classifier (model, ctx, &test_set, 256, cm, &loss, NULL, &error))
        return cli_fail (error);
      printf ("test accuracy %.4f  loss %.4f  (%u images)\n",
              ds_confusion_accuracy (cm), loss, test->n);
    }

  return CLI_OK;
}

static void
print_json_string (const char *s)
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

static void
print_eval_json (const DsModel     *model,
                 const DsConfusion *cm,
                 double             loss,
                 double             seconds)
{
  guint k = cm->n_classes;

  printf ("{\n  \"model\": ");
  print_json_string (model->preset != NULL ? model->preset : "custom");
  printf (",\n  \"n\": %" G_GUINT64_FORMAT ",\n  \"accuracy\": %.6f,\n  \"loss\": %.6f,\n"
          "  \"macro_f1\": %.6f,\n  \"inference_seconds\": %.4f,\n  \"classes\": [\n",
          ds_confusion_total (cm), ds_confusion_accuracy (cm), loss, ds_confusion_macro_f1 (cm),
          seconds);
  for (guint i = 0; i < k; i++)
    {
      DsClassMetrics m;

      ds_confusion_class (cm, i, &m);
      printf ("    {\"name\": ");
      print_json_string (model->class_names[i]);
      printf (", \"precision\": %.6f, \"recall\": %.6f, \"f1\": %.6f, \"support\": %"
              G_GUINT64_FORMAT "}%s\n", m.precision, m.recall, m.f1, m.support, i + 1 < k ? "," : "");
    }
  printf ("  ],\n  \"confusion\": [\n");
  for (guint i = 0; i < k; i++)
    {
      printf ("    [");
      for (guint j = 0; j < k; j++)
        printf ("%" G_GUINT64_FORMAT "%s", ds_confusion_get (cm, i, j), j + 1 < k ? ", " : "");
      printf ("]%s\n", i + 1 < k ? "," : "");
    }
  printf ("  ]\n}\n");
}

static void
print_eval_text (const DsModel     *model,
                 const DsConfusion *cm,
                 double             loss,
                 double             seconds)
{
  guint k = cm->n_classes;

  printf ("accuracy %.4f  loss %.4f  macro F1 %.4f  (%" G_GUINT64_FORMAT " images, %.2f s)\n\n",
          ds_confusion_accuracy (cm), loss, ds_confusion_macro_f1 (cm), ds_confusion_total (cm),
          seconds);
  printf ("%-20s %9s %9s %9s %9s\n", "class", "precision", "recall", "F1", "support");
  for (guint i = 0; i < k; i++)
    {
      DsClassMetrics m;

      ds_confusion_class (cm, i, &m);
      printf ("%-20s %9.4f %9.4f %9.4f %9" G_GUINT64_FORMAT "\n",
              model->class_names[i], m.precision, m.recall, m.f1, m.support);
    }
  printf ("\nconfusion matrix (rows: true class, columns: predicted)\n");
  for (guint i = 0; i < k; i++)
    {
      for (guint j = 0; j < k; j++)
        printf ("%7" G_GUINT64_FORMAT, ds_confusion_get (cm, i, j));
      printf ("   %s\n", model->class_names[i]);
    }
}

/* Loads a classifier and makes sure it carries class names for its outputs. */
static DsModel *
load_classifier (const char  *path,
                 GError     **error)
{
  g_autoptr(DsModel) model = ds_model_load (path, NULL, error);
  DsShape out;

  if (model == NULL)
    return NULL;
  out = ds_model_output_shape (model);
  if (model->class_names == NULL || g_strv_length (model->class_names) != out.c)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not a classifier (its outputs have no class names)", path);
      return NULL;
    }

  return g_steal_pointer (&model);
}

int
cli_eval (int    argc,
          char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *split = NULL;
  gboolean json = FALSE;
  int threads = 2;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file written by train", "MODEL" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path,
      "IDX folder or class-per-folder PNG tree", "PATH" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split,
      "Split to measure: test (default) or train", "NAME" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the figures as JSON", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsDataset) data = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(DsConfusion) cm = NULL;
  DsSubset set;
  double loss, seconds;
  gint64 start;
  CliStatus status;

  status = cli_parse ("eval", "Measure a classifier: accuracy, per-class precision, recall and F1, confusion matrix.",
                      entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (model_path == NULL || data_path == NULL)
    return cli_usage_error ("eval", "--model and --data are required");
  if (split != NULL && !g_str_equal (split, "test") && !g_str_equal (split, "train"))
    return cli_usage_error ("eval", "--split must be test or train");
  if (threads < 0)
    return cli_usage_error ("eval", "--threads must be 0 or more");

  if ((model = load_classifier (model_path, &error)) == NULL)
    return cli_fail (error);
  ctx = ds_context_new (1, (guint) threads);

  /* a tree without a test split is measured whole */
  data = open_split (data_path, split != NULL ? split : "test", model->input.c, model->input.h,
                     model->input.w, (const char * const *) model->class_names, split == NULL,
                     &error);
  if (data == NULL && error == NULL)
    data = open_split (data_path, "train", model->input.c, model->input.h, model->input.w,
                       (const char * const *) model->class_names, FALSE, &error);
  if (data == NULL)
    return cli_fail (error);
  if (data->n_classes > g_strv_length (model->class_names))
    {
      fprintf (stderr, "defectscope-cli: %s has %u classes, the model knows %u\n",
               data_path, data->n_classes, g_strv_length (model->class_names));
      return CLI_FAILURE;
    }

  cm = ds_confusion_new (g_strv_length (model->class_names));
  set = (DsSubset) { data, NULL, data->n };
  start = g_get_monotonic_time ();
  if (!ds_evaluate_classifier (model, ctx, &set, 256, cm, &loss, NULL, &error))
    return cli_fail (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  if (json)
    print_eval_json (model, cm, loss, seconds);
  else
    print_eval_text (model, cm, loss, seconds);

  return CLI_OK;
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
cli_predict (int    argc,
             char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *csv_path = NULL;
  int threads = 2;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Model file written by train", "MODEL" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_path, "Folder of PNG images", "FOLDER" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Where to write the predictions", "OUT.csv" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2; 0: all cores)", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsDataset) data = NULL;
  g_autoptr(DsContext) ctx = NULL;
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autofree float *probs = NULL;
  DsSubset set;
  guint k;
  CliStatus status;

  status = cli_parse ("predict", "Classify the PNGs of a folder into a CSV file.",
                      entries, &argc, &argv);
  if (status != CLI_OK)
    return status;
  if (model_path == NULL || data_path == NULL || csv_path == NULL)
    return cli_usage_error ("predict", "--model, --data and --csv are required");
  if (threads < 0)
    return cli_usage_error ("predict", "--threads must be 0 or more");

  if ((model = load_classifier (model_path, &error)) == NULL)
    return cli_fail (error);
  ctx = ds_context_new (1, (guint) threads);
  data = ds_dataset_load_pngs (data_path, model->input.c, model->input.h, model->input.w,
                               skipped, &error);
  cli_report_skipped (skipped);
  if (data == NULL)
    return cli_fail (error);

  k = g_strv_length (model->class_names);
  probs = g_new (float, (gsize) data->n * k);
  set = (DsSubset) { data, NULL, data->n };
  if (!ds_evaluate_classifier (model, ctx, &set, 256, NULL, NULL, probs, &error))
    return cli_fail (error);

  g_string_append (csv, "path,predicted,confidence");
  for (guint j = 0; j < k; j++)
    {
      g_autofree char *col = g_strconcat ("p_", model->class_names[j], NULL);

      g_string_append_c (csv, ',');
      append_csv_field (csv, col);
    }
  g_string_append_c (csv, '\n');
  for (guint i = 0; i < data->n; i++)
    {
      const float *row = probs + (gsize) i * k;
      guint best = ds_argmax (row, k);

      append_csv_field (csv, data->paths[i]);
      g_string_append_c (csv, ',');
      append_csv_field (csv, model->class_names[best]);
      g_string_append_printf (csv, ",%.6f", row[best]);
      for (guint j = 0; j < k; j++)
        g_string_append_printf (csv, ",%.6f", row[j]);
      g_string_append_c (csv, '\n');
    }

  if (!ds_file_write_atomic (csv_path, csv->str, csv->len, &error))
    return cli_fail (error);
  fprintf (stderr, "%u images classified into %s\n", data->n, csv_path);

  return skipped->len > 0 && data->n == 0 ? CLI_FAILURE : CLI_OK;
}
