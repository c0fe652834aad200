/* test-train-page.c: training from the window, for real, under Xvfb
 *
 * The job on its own: progress arrives in order, pause holds the run between two steps, and a
 * cancel returns within one step. Then the window: a run of seed-cnn on the demo project from
 * the Train page, recorded like a command-line run, whose weights are bit for bit those of
 * `defectscope-cli train --project` with the same seed; a confusion-matrix cell filters the
 * Label page to its images; "Prediction ≠ label" shows the disagreements.
 * Screenshots go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-confusion-view.h"
#include "ds-image-item.h"
#include "ds-label-page.h"
#include "ds-stall-monitor.h"
#include "ds-train-job.h"
#include "ds-train-page.h"
#include "ds-window.h"

#include "ds-engine.h"
#include "store/ds-project-demo.h"
#include "store/ds-project-runs.h"
#include "store/ds-store-files.h"
#include "ui-test-utils.h"

static DsApplication *app;
static char *tmp_dir;

/* A fresh copy of the demo project. */
static char *
make_demo (const char *name)
{
  g_autoptr(GError) error = NULL;
  char *folder = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (ds_project_write_demo (folder, 1, NULL, NULL, &error));
  g_assert_no_error (error);

  return folder;
}

static void
job_config (DsRunConfig *config,
            guint        epochs,
            guint64      seed)
{
  ds_run_config_init (config, ds_preset_lookup ("seed-cnn"));
  config->epochs = epochs;
  config->batch_size = 16;
  config->seed = seed;
}

/* What a job told the main loop. */
typedef struct
{
  DsTrainJob *job;
  guint64     last_step;        /* global step of the last "steps" signal */
  guint64     steps_per_epoch;
  guint       n_steps;
  guint       last_epoch;
  gboolean    out_of_order;
  gboolean    started;
  gboolean    finished;
  GError     *error;
  guint64     cancel_after;     /* cancel once this many steps have arrived (0: never) */
  guint64     worker_step_at_cancel;
} Watch;

static void
watch_started_cb (DsTrainJob *job,
                  gint64      run_id,
                  guint64     steps_per_epoch,
                  guint       n_train,
                  guint       n_val,
                  guint       n_test,
                  Watch      *w)
{
  w->started = TRUE;
  w->steps_per_epoch = steps_per_epoch;
  g_assert_cmpint (run_id, >, 0);
  g_assert_cmpuint (n_train, >, 0);
}

static void
watch_steps_cb (DsTrainJob      *job,
                const DsRunStep *steps,
                guint            n,
                Watch           *w)
{
  for (guint i = 0; i < n; i++)
    {
      if (steps[i].step != w->last_step + 1)
        w->out_of_order = TRUE;
      w->last_step = steps[i].step;
    }
  w->n_steps += n;
  if (w->cancel_after > 0 && w->n_steps >= w->cancel_after && w->worker_step_at_cancel == 0)
    {
      DsProgress p;

      ds_train_job_cancel (job);
      ds_train_job_get_progress (job, &p);
      w->worker_step_at_cancel = p.global_step;
    }
}

static void
watch_epoch_cb (DsTrainJob       *job,
                const DsRunEpoch *epoch,
                Watch            *w)
{
  /* an epoch comes after its own steps and before the next one's */
  if (epoch->epoch != w->last_epoch + 1 || w->last_step != epoch->epoch * w->steps_per_epoch)
    w->out_of_order = TRUE;
  w->last_epoch = epoch->epoch;
}

static void
watch_finished_cb (DsTrainJob   *job,
                   const GError *error,
                   Watch        *w)
{
  w->finished = TRUE;
  w->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
watch_job (Watch      *w,
           DsTrainJob *job)
{
  w->job = job;
  g_signal_connect (job, "started", G_CALLBACK (watch_started_cb), w);
  g_signal_connect (job, "steps", G_CALLBACK (watch_steps_cb), w);
  g_signal_connect (job, "epoch", G_CALLBACK (watch_epoch_cb), w);
  g_signal_connect (job, "finished", G_CALLBACK (watch_finished_cb), w);
}

static void
test_job_order_and_pause (void)
{
  g_autofree char *folder = make_demo ("order");
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsTrainJob) job = NULL;
  Watch w = { 0 };
  DsProgress p;
  guint64 held;

  job_config (&config, 3, 2);
  job = ds_train_job_new (folder, &config);
  watch_job (&w, job);
  ds_train_job_start (job);
  g_assert_true (iterate_until (&w.started, 60));

  /* paused, the run stays between two steps */
  while (w.n_steps < 3)
    g_main_context_iteration (NULL, TRUE);
  ds_train_job_set_paused (job, TRUE);
  iterate_for (0.3);
  ds_train_job_get_progress (job, &p);
  held = p.global_step;
  iterate_for (1.0);
  ds_train_job_get_progress (job, &p);
  g_assert_cmpuint (p.global_step, ==, held);
  g_assert_cmpint (ds_train_job_get_phase (job), ==, DS_TRAIN_JOB_PAUSED);
  ds_train_job_set_paused (job, FALSE);

  g_assert_true (iterate_until (&w.finished, 120));
  g_assert_no_error (w.error);
  g_assert_false (w.out_of_order);
  g_assert_cmpuint (w.last_epoch, ==, 3);
  g_assert_cmpuint (w.n_steps, ==, 3 * w.steps_per_epoch);
  g_assert_false (ds_train_job_is_running (job));
  g_assert_cmpfloat (ds_train_job_get_throughput (job), >, 0);
}

static void
test_job_cancel (void)
{
  g_autofree char *folder = make_demo ("cancel");
  g_auto(DsRunConfig) config = { 0 };
  g_autoptr(DsTrainJob) job = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  Watch w = { .cancel_after = 4 };
  DsProgress p;

  job_config (&config, 20, 2);
  job = ds_train_job_new (folder, &config);
  watch_job (&w, job);
  ds_train_job_start (job);
  g_assert_true (iterate_until (&w.finished, 120));
  g_assert_error (w.error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&w.error);

  /* at most the step under way when the cancel came was finished */
  ds_train_job_get_progress (job, &p);
  g_test_message ("cancelled at worker step %" G_GUINT64_FORMAT ", stopped after step %"
                  G_GUINT64_FORMAT, w.worker_step_at_cancel, p.global_step);
  g_assert_cmpuint (p.global_step, <=, w.worker_step_at_cancel + 1);
  g_assert_false (w.out_of_order);

  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  info = ds_project_get_run (project, ds_train_job_get_run_id (job), &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DS_RUN_CANCELLED);
  g_assert_cmpstr (info->origin, ==, "window");
}

static void
run_finished_cb (DsTrainPage *page,
                 gint64       run_id,
                 gint64      *out)
{
  *out = run_id;
}

static DsModel *
load_last (const char *folder,
           gint64      run_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);
  g_autofree char *path = g_build_filename (folder, "runs", id, "last.dsm", NULL);
  DsModel *model = ds_model_load (path, NULL, &error);

  g_assert_no_error (error);
  return model;
}

/* Whether a label under @root, shown, has text beginning with @prefix. */
static gboolean
has_label_starting (GtkWidget  *root,
                    const char *prefix)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      if (GTK_IS_LABEL (w) && gtk_widget_is_visible (w)
          && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (w)), prefix))
        return TRUE;
      if (has_label_starting (w, prefix))
        return TRUE;
    }

  return FALSE;
}

static void
test_window_run (void)
{
  g_autofree char *folder = make_demo ("window");
  g_autofree char *epochs_arg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsStallMonitor) stalls = NULL;
  double max_stall = 0.0;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(DsRunInfo) info = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(DsModel) gui = NULL;
  g_autoptr(DsModel) cli = NULL;
  g_autoptr(GHashTable) predictions = NULL;
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  DsWindow *window;
  DsTrainPage *page;
  DsLabelPage *label_page;
  DsConfusionView *confusion;
  GtkDropDown *filter, *presets;
  gboolean loaded, shot = FALSE;
  gint64 run_id = 0, cli_run;
  guint cell_true = 0, cell_pred = 0, mispredicted = 0;
  guint64 cell_count = 0;
  int status = 0;
  const char *cli_path = g_getenv ("DS_CLI");

  window = ds_window_new (app);
  label_page = ds_window_get_label_page (window);
  page = ds_window_get_train_page (window);
  g_signal_connect (page, "run-finished", G_CALLBACK (run_finished_cb), &run_id);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, dir);
  iterate_for (1.0);
  loaded = ds_window_get_project (window) != NULL;
  g_assert_true (loaded);

  /* to the Train page by its switcher button's mnemonic (Alt+T), which takes the focus */
  {
    GtkWidget *titlebar = gtk_window_get_titlebar (GTK_WINDOW (window));
    GtkWidget *button = gtk_widget_get_first_child (find_widget (titlebar,
                                                                 GTK_TYPE_STACK_SWITCHER));

    while (button != NULL &&
           !g_str_equal (gtk_label_get_text (GTK_LABEL (find_widget (button, GTK_TYPE_LABEL))),
                         "Train"))
      button = gtk_widget_get_next_sibling (button);
    g_assert_nonnull (button);
    gtk_widget_mnemonic_activate (button, FALSE);
  }
  /* a button's activation shows its press for a moment before it clicks */
  iterate_for (0.6);
  /* shown, the page has the keyboard (Ctrl+Return trains) */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (page)));
  /* a project without runs proposes surface-cnn, the preset for part images; seed-cnn, the
   * design document's, is one choice away */
  presets = GTK_DROP_DOWN (find_widget (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN));
  g_assert_true (g_str_has_prefix (selected_text (presets), "surface-cnn "));
  /* an autoencoder proposes epochs chosen from its data, and flips */
  choose_item (presets, "conv-ae");
  iterate_for (0.3);
  {
    GtkSpinButton *epochs = find_spin (GTK_WIDGET (page), "_Epochs");

    g_assert_cmpint (gtk_spin_button_get_value_as_int (epochs), ==, 0);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (epochs)), ==, "auto");
    screenshot (GTK_WIDGET (window), "train-page-conv-ae.png");
  }
  choose_item (presets, "seed-cnn");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (find_spin (GTK_WIDGET (page), "_Epochs")),
                   ==, 5);
  set_spin (GTK_WIDGET (page), "_Epochs", 6);
  set_spin (GTK_WIDGET (page), "See_d", 5);
  iterate_for (0.3);

  stalls = ds_stall_monitor_new ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "train.start", NULL));
  g_assert_true (ds_train_page_is_training (page));
  while (run_id == 0 && ds_train_page_is_training (page))
    {
      g_main_context_iteration (NULL, TRUE);
      if (!shot && ds_loss_chart_get_n_points (ds_train_page_get_chart (page),
                                               DS_LOSS_CHART_VAL_LOSS) >= 3)
        {
          /* rendering the screenshot is no stall of the window's */
          max_stall = ds_stall_monitor_get_max_ms (stalls);
          screenshot (GTK_WIDGET (window), "train-page-running.png");
          iterate_for (0.05);
          ds_stall_monitor_reset (stalls);
          shot = TRUE;
        }
    }
  /* measured, not asserted: timing belongs to bench/train-window.sh */
  g_test_message ("longest main-loop stall while training: %.1f ms",
                  MAX (max_stall, ds_stall_monitor_get_max_ms (stalls)));
  g_assert_cmpint (run_id, >, 0);
  iterate_for (0.5);
  screenshot (GTK_WIDGET (window), "train-page-done.png");

  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  info = ds_project_get_run (project, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, DS_RUN_FINISHED);
  g_assert_cmpstr (info->origin, ==, "window");
  g_assert_cmpuint (info->epochs_done, ==, 6);
  g_assert_cmpuint (info->config.seed, ==, 5);
  g_assert_cmpuint (ds_loss_chart_get_n_points (ds_train_page_get_chart (page),
                                                DS_LOSS_CHART_TRAIN_LOSS),
                    ==, 6 * info->steps_per_epoch);

  /* the command line, same settings: the same weights, bit for bit */
  g_assert_nonnull (cli_path);
  epochs_arg = g_strdup_printf ("--project=%s", folder);
  {
    const char *argv[] = { cli_path, "train", epochs_arg, "--model=seed-cnn", "--epochs=6",
                           "--seed=5", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  runs = ds_project_list_runs (project, &error);
  g_assert_no_error (error);
  cli_run = ((DsRunInfo *) g_ptr_array_index (runs, 0))->id;
  g_assert_cmpint (cli_run, >, run_id);
  g_assert_cmpstr (((DsRunInfo *) g_ptr_array_index (runs, 0))->origin, ==, "command line");
  gui = load_last (folder, run_id);
  cli = load_last (folder, cli_run);
  g_assert_cmpmem (gui->params, gui->n_params * sizeof (float), cli->params,
                   cli->n_params * sizeof (float));

  /* a confusion cell (the fullest off the diagonal, else the first) shows its images */
  confusion = DS_CONFUSION_VIEW (ds_train_page_get_confusion_view (page));
  g_assert_cmpuint (ds_confusion_view_get_n_classes (confusion), ==, 4);
  for (guint i = 0; i < 4; i++)
    for (guint j = 0; j < 4; j++)
      if (ds_confusion_view_get_count (confusion, i, j) > cell_count && (i != j || cell_count == 0))
        {
          cell_count = ds_confusion_view_get_count (confusion, i, j);
          cell_true = i;
          cell_pred = j;
        }
  g_assert_cmpuint (cell_count, >, 0);
  g_signal_emit_by_name (confusion, "cell-activated", cell_true, cell_pred);
  iterate_for (0.3);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
                     GTK_WIDGET (page), GTK_TYPE_STACK))), ==, "label");
  g_test_message ("confusion cell (%u, %u): %" G_GUINT64_FORMAT " images, grid shows %u",
                  cell_true, cell_pred, cell_count, ds_label_page_get_n_visible (label_page));
  g_assert_cmpuint (ds_label_page_get_n_visible (label_page), ==, cell_count);
  screenshot (GTK_WIDGET (window), "label-page-confusion-cell.png");

  /* "Prediction ≠ label": as many as the run's predictions disagree with labels */
  predictions = ds_project_get_predictions (project, run_id, &error);
  g_assert_no_error (error);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, predictions);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        DsPrediction *pred = value;

        mispredicted += pred->label_class_id != 0 && pred->class_id != pred->label_class_id;
      }
  }
  /* the Label page shows the window run's predictions */
  filter = GTK_DROP_DOWN (find_widget (GTK_WIDGET (label_page), GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (filter);
  gtk_drop_down_set_selected (filter, 2);
  iterate_for (0.3);
  g_test_message ("prediction ≠ label: %u images", mispredicted);
  g_assert_cmpuint (ds_label_page_get_n_visible (label_page), ==, mispredicted);
  screenshot (GTK_WIDGET (window), "label-page-mispredicted.png");

  /* opened again, the project proposes the preset of its newest run (the command line's) */
  choose_item (presets, "defect-cnn");
  ds_window_open_project (window, dir);
  iterate_for (1.0);
  g_assert_true (g_str_has_prefix (selected_text (presets), "seed-cnn "));

  /* Compare overlays runs of the chosen model's objective only: the two classifier runs, or
   * the autoencoder run the command line adds */
  {
    const char *argv[] = { cli_path, "train", epochs_arg, "--model=conv-ae", "--epochs=1",
                           NULL };
    DsLossChart *chart = ds_train_page_get_chart (page);
    GtkCheckButton *compare;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
    ds_window_open_project (window, dir);
    iterate_for (1.0);
    compare = find_check (GTK_WIDGET (page), "_Compare with earlier runs");
    GtkListBox *list = GTK_LIST_BOX (find_widget (GTK_WIDGET (page), GTK_TYPE_LIST_BOX));

    gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (page),
                                                                          GTK_TYPE_STACK)),
                                      "train");
    gtk_check_button_set_active (compare, TRUE);
    /* newest first: the autoencoder's run, the command line's, the window's */
    gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
    iterate_for (0.3);
    g_assert_cmpuint (ds_loss_chart_get_n_overlay_runs (chart), ==, 0);
    /* one epoch: the page says when the detector is near chance, and what to try */
    {
      g_autoptr(GPtrArray) all = ds_project_list_runs (project, &error);
      const DsRunInfo *ae = g_ptr_array_index (all, 0);

      g_assert_no_error (error);
      g_assert_cmpstr (ae->config.preset, ==, "conv-ae");
      g_test_message ("1-epoch conv-ae: image AUROC %.4f", ae->anomaly.image_auroc);
      g_assert_cmpint (has_label_starting (GTK_WIDGET (page), "This detector hardly"), ==,
                       ae->anomaly.image_auroc < 0.75);
      screenshot (GTK_WIDGET (window), "train-page-weak-autoencoder.png");
    }
    gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 1));
    iterate_for (0.3);
    g_assert_cmpuint (ds_loss_chart_get_n_overlay_runs (chart), ==, 1);
    screenshot (GTK_WIDGET (window), "train-page-compare.png");
    gtk_check_button_set_active (compare, FALSE);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

/* Closing the window while a run trains stops it within a step and keeps its checkpoint. */
static void
test_close_while_training (void)
{
  g_autofree char *folder = make_demo ("close");
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  DsWindow *window = ds_window_new (app);
  DsTrainPage *page = ds_window_get_train_page (window);
  DsRunInfo *info;

  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, dir);
  iterate_for (0.5);
  set_spin (GTK_WIDGET (page), "_Epochs", 50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "train.start", NULL));
  while (ds_loss_chart_get_n_points (ds_train_page_get_chart (page), DS_LOSS_CHART_VAL_LOSS) < 1)
    g_main_context_iteration (NULL, TRUE);
  gtk_window_close (GTK_WINDOW (window));
  iterate_for (0.2);

  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  runs = ds_project_list_runs (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  info = g_ptr_array_index (runs, 0);
  g_assert_cmpint (info->status, ==, DS_RUN_CANCELLED);
  g_assert_cmpuint (info->epochs_done, >=, 1);
  g_assert_nonnull (info->checkpoint_last);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  tmp_dir = g_dir_make_tmp ("ds-test-train-XXXXXX", &error);
  g_assert_no_error (error);
  app = ui_test_init_app (&argc, &argv, tmp_dir);

  g_test_add_func ("/ui/train-job/order-and-pause", test_job_order_and_pause);
  g_test_add_func ("/ui/train-job/cancel", test_job_cancel);
  g_test_add_func ("/ui/train-page/window-run", test_window_run);
  g_test_add_func ("/ui/train-page/close-while-training", test_close_while_training);
  ret = g_test_run ();

  g_object_unref (app);
  ds_store_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
