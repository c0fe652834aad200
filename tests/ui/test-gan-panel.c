/* test-gan-panel.c: GAN training from the window, for real, under Xvfb
 *
 * The job on its own on the demo project's rarest class: steps and epochs arrive in order, a
 * checkpoint of both networks and the fixed samples are kept every epoch, pause holds the run
 * and cancel stops it within a step. Then in the window: the GAN preset on the Train page, its
 * samples on the Inspect page, synthetic images added and removed (see test_window_run()).
 * Screenshots go to $G_TEST_BUILDDIR/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "ds-application.h"
#include "ds-gan-job.h"
#include "ds-gan-panel.h"
#include "ds-window.h"

#include "ds-engine.h"
#include "store/ds-project-demo.h"
#include "store/ds-project-runs.h"
#include "store/ds-store-files.h"
#include "ui-test-utils.h"

static char *tmp_dir;
static DsApplication *app;

/* A fresh copy of the demo project. */
static char *
make_demo (const char *name)
{
  g_autoptr(GError) error = NULL;
  char *folder = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (ds_project_write_demo (folder, DS_DEMO_PROJECT_SEED, NULL, NULL, &error));
  g_assert_no_error (error);

  return folder;
}

static void
job_config (DsGanJobConfig *config,
            guint           epochs)
{
  ds_gan_job_config_init (config);
  config->epochs = epochs;
  config->batch_size = 16;
  config->n_fixed = 16;
}

/* What a job told the main loop. */
typedef struct
{
  guint64  steps_per_epoch;
  guint    n_images;
  guint64  last_step;
  guint    n_steps;
  guint    last_epoch;
  guint    n_samples;      /* epochs that came with samples */
  gboolean out_of_order;
  gboolean started;
  gboolean finished;
  GError  *error;
} Watch;

static void
started_cb (DsGanJob *job,
            guint     n_images,
            guint64   steps_per_epoch,
            guint     n_epochs,
            Watch    *w)
{
  w->started = TRUE;
  w->n_images = n_images;
  w->steps_per_epoch = steps_per_epoch;
}

static void
steps_cb (DsGanJob           *job,
          const DsGanJobStep *steps,
          guint               n,
          Watch              *w)
{
  for (guint i = 0; i < n; i++)
    {
      if (steps[i].step != w->last_step + 1 || !isfinite (steps[i].d_loss)
          || !isfinite (steps[i].g_loss))
        w->out_of_order = TRUE;
      w->last_step = steps[i].step;
    }
  w->n_steps += n;
}

static void
epoch_cb (DsGanJob            *job,
          const DsGanJobEpoch *epoch,
          Watch               *w)
{
  /* an epoch comes after its own steps, with its samples already kept */
  if (epoch->epoch != w->last_epoch + 1 || w->last_step != epoch->epoch * w->steps_per_epoch
      || ds_gan_job_get_samples (job, epoch->epoch) != epoch->samples)
    w->out_of_order = TRUE;
  w->last_epoch = epoch->epoch;
  w->n_samples += epoch->samples != NULL;
}

static void
finished_cb (DsGanJob     *job,
             const GError *error,
             Watch        *w)
{
  w->finished = TRUE;
  w->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
watch_job (Watch    *w,
           DsGanJob *job)
{
  g_signal_connect (job, "started", G_CALLBACK (started_cb), w);
  g_signal_connect (job, "steps", G_CALLBACK (steps_cb), w);
  g_signal_connect (job, "epoch", G_CALLBACK (epoch_cb), w);
  g_signal_connect (job, "finished", G_CALLBACK (finished_cb), w);
}

static void
test_job_order (void)
{
  g_autofree char *folder = make_demo ("job");
  g_auto(DsGanJobConfig) config = { 0 };
  g_autoptr(DsGanJob) job = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rarest = NULL;
  g_autofree char *disc = NULL;
  Watch w = { 0 };
  guint64 held;

  project = ds_project_open (folder, DS_PROJECT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  rarest = ds_gan_dup_rarest_class (project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rarest, ==, "crack");

  job_config (&config, 3);
  job = ds_gan_job_new (folder, &config);
  watch_job (&w, job);
  ds_gan_job_start (job);
  g_assert_true (iterate_until (&w.started, 60));
  g_assert_cmpstr (ds_gan_job_get_class_name (job), ==, "crack");
  /* the demo has no classifier run yet */
  g_assert_true (g_str_has_prefix (ds_gan_job_get_score_note (job),
                                   "Epochs are not scored: no finished classifier run"));
  g_test_message ("%u images of crack, %" G_GUINT64_FORMAT " steps an epoch", w.n_images,
                  w.steps_per_epoch);
  g_assert_cmpuint (w.n_images, >=, 2);

  /* paused, the run stays between two steps */
  while (w.n_steps < 2)
    g_main_context_iteration (NULL, TRUE);
  ds_gan_job_set_paused (job, TRUE);
  /* the step under way when the pause came still ends */
  held = ds_gan_job_get_worker_step (job) + 1;
  while (w.last_step < held)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ds_gan_job_get_worker_step (job), ==, held);
  iterate_for (1.0);
  g_assert_cmpuint (ds_gan_job_get_worker_step (job), ==, held);
  g_assert_cmpint (ds_gan_job_get_phase (job), ==, DS_GAN_JOB_PAUSED);
  ds_gan_job_set_paused (job, FALSE);

  g_assert_true (iterate_until (&w.finished, 180));
  g_assert_no_error (w.error);
  g_assert_false (w.out_of_order);
  g_assert_cmpuint (w.last_epoch, ==, 3);
  g_assert_cmpuint (w.n_steps, ==, 3 * w.steps_per_epoch);
  g_assert_cmpuint (w.n_samples, ==, 3);
  g_assert_cmpuint (ds_gan_job_get_n_sample_sets (job), ==, 3);
  for (guint e = 1; e <= 3; e++)
    {
      DsSampleSet *set = ds_gan_job_get_samples (job, e);

      g_assert_nonnull (set);
      g_assert_cmpuint (set->epoch, ==, e);
      g_assert_cmpuint (set->n, ==, 16);
      g_assert_cmpuint (set->h, ==, 64);
    }
  g_assert_false (ds_gan_job_is_running (job));

  /* both networks of the last epoch, under the project */
  g_assert_true (g_str_has_prefix (ds_gan_job_get_checkpoint (job), folder));
  disc = ds_gan_discriminator_path (ds_gan_job_get_checkpoint (job));
  g_assert_true (g_file_test (disc, G_FILE_TEST_IS_REGULAR));
  gan = ds_gan_load (ds_gan_job_get_checkpoint (job), TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gan->epochs_done, ==, 3);
  g_assert_cmpstr (gan->class_name, ==, "crack");
}

static void
test_job_cancel (void)
{
  g_autofree char *folder = make_demo ("cancel");
  g_auto(DsGanJobConfig) config = { 0 };
  g_autoptr(DsGanJob) job = NULL;
  Watch w = { 0 };
  guint64 at_cancel;

  job_config (&config, 50);
  job = ds_gan_job_new (folder, &config);
  watch_job (&w, job);
  ds_gan_job_start (job);
  while (w.n_steps < 3 && !w.finished)
    g_main_context_iteration (NULL, TRUE);
  ds_gan_job_cancel (job);
  at_cancel = ds_gan_job_get_worker_step (job);
  g_assert_true (iterate_until (&w.finished, 60));
  g_assert_error (w.error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&w.error);
  /* at most the step under way when the cancel came was finished */
  g_assert_cmpuint (ds_gan_job_get_worker_step (job), <=, at_cancel + 1);
  g_assert_false (w.out_of_order);
}

static void
test_slerp (void)
{
  float z0[3] = { 1, 0, 0 }, z1[3] = { 0, 2, 0 }, out[3];

  ds_slerp (z0, z1, 3, 0.0, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1.0, 1e-6);
  ds_slerp (z0, z1, 3, 1.0, out);
  g_assert_cmpfloat_with_epsilon (out[1], 2.0, 1e-6);
  /* half way round the quarter circle */
  ds_slerp (z0, z1, 3, 0.5, out);
  g_assert_cmpfloat_with_epsilon (out[0], sqrt (0.5), 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 2 * sqrt (0.5), 1e-6);
}

static void
run_finished_cb (DsGanPanel   *panel,
                 const GError *error,
                 gboolean     *done)
{
  g_assert_no_error (error);
  *done = TRUE;
}

/* Connected swapped, whatever the signal's arguments. */
static void
raise_flag (gboolean *flag)
{
  *flag = TRUE;
}

/* Counts a signal's emissions. */
static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
set_page (DsWindow   *window,
          const char *name)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (
                                 GTK_WIDGET (ds_window_get_train_page (window)), GTK_TYPE_STACK));

  gtk_stack_set_visible_child_name (stack, name);
}

/* In the window: dcgan picked on the Train page shows the GAN panel with D and G curves; the
 * samples of every epoch reach the Inspect page, where eight go into the project as synthetic
 * images of the class, which a classifier run with include_synthetic trains on and nothing
 * else, and "Remove Synthetic Images" takes away, rows and files. A classifier run of the
 * project scores every epoch. The project opened again shows the saved run's galleries. */
static void
test_window_run (void)
{
  g_autofree char *folder = make_demo ("window");
  g_autofree char *synthetic_dir = g_build_filename (folder, "images", "synthetic", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (folder);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) synthetic = NULL;
  g_autoptr(DsRun) run = NULL;
  g_auto(DsRunConfig) run_config = { 0 };
  g_autofree gint64 *ids = NULL;
  g_autofree DsRunRole *roles = NULL;
  g_autofree gint32 *labels = NULL;
  DsWindow *window = ds_window_new (app);
  DsTrainPage *train = ds_window_get_train_page (window);
  DsGanPanel *panel = ds_train_page_get_gan_panel (train);
  DsInspectPage *inspect = ds_window_get_inspect_page (window);
  DsGanSamples *samples = ds_inspect_page_get_gan_samples (inspect);
  DsSampleGallery *gallery = ds_gan_samples_get_gallery (samples);
  DsSampleGrid *grid = ds_sample_gallery_get_grid (gallery);
  DsInterpolationStrip *strip = ds_gan_samples_get_strip (samples);
  DsLossChart *chart = ds_gan_panel_get_chart (panel);
  DsProject *project;
  g_autofree char *scored_with = NULL;
  g_autoptr(DsSampleSet) first = NULL;
  gint64 classifier_run;
  gboolean done = FALSE, shot = FALSE, label_reloaded = FALSE, saved_loaded = FALSE;
  guint strips = 0, n_runs_images, images_changed = 0, n_removed = 0, n_train_synthetic = 0;
  guint64 steps_per_epoch;
  gint64 crack, kept_id = 0;

  /* a finished classifier run: the project's own classifier, which scores the GAN's epochs */
  ds_run_config_init (&run_config, ds_preset_lookup ("seed-cnn"));
  run_config.epochs = 1;
  run = ds_run_new (folder, &run_config, "test", &error);
  g_assert_no_error (error);
  classifier_run = ds_run_get_id (run);
  g_assert_true (ds_run_train (run, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&run, ds_run_free);
  ds_run_config_clear (&run_config);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  ds_window_open_project (window, file);
  iterate_for (1.0);
  project = ds_window_get_project (window);
  g_assert_nonnull (project);
  crack = ds_project_find_class (project, "crack", &error);
  g_assert_no_error (error);
  g_signal_connect (panel, "run-finished", G_CALLBACK (run_finished_cb), &done);
  g_signal_connect (samples, "images-changed", G_CALLBACK (count_cb), &images_changed);
  g_signal_connect (strip, "updated", G_CALLBACK (count_cb), &strips);
  g_signal_connect_swapped (samples, "loaded", G_CALLBACK (raise_flag), &saved_loaded);
  g_assert_cmpstr (ds_gan_samples_get_status (samples), ==,
                   "No GAN yet: choose a GAN model on the Train page and train it on a class.");

  /* the GAN preset swaps the page's form and chart for the GAN panel, whose own Model
   * dropdown follows */
  set_page (window, "train");
  g_assert_false (gtk_widget_is_drawable (GTK_WIDGET (panel)));
  choose_item (GTK_DROP_DOWN (find_widget (GTK_WIDGET (train), GTK_TYPE_DROP_DOWN)), "dcgan");
  iterate_for (0.3);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (panel)));
  g_assert_true (g_str_has_prefix (gtk_string_object_get_string (
                   gtk_drop_down_get_selected_item (ds_gan_panel_get_preset_dropdown (panel))),
                   "dcgan "));

  /* the rarest class by default; a short run */
  ds_gan_panel_set_settings (panel, NULL, "dcgan", 3, 16, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "gan.start", NULL));
  g_assert_true (ds_gan_panel_is_training (panel));
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      if (!shot && ds_loss_chart_get_n_points (chart, 3) > 0
          && ds_sample_gallery_get_n_sets (gallery) >= 1)
        {
          screenshot (GTK_WIDGET (window), "gan-train-page.png");
          shot = TRUE;
        }
    }
  g_assert_true (shot);
  g_assert_false (ds_gan_panel_is_training (panel));
  g_test_message ("status: %s", ds_gan_panel_get_status (panel));
  g_test_message ("trouble: %s", ds_gan_panel_get_trouble_text (panel));

  /* two curves of every step on the Train page, one gallery an epoch on the Inspect page */
  steps_per_epoch = ds_loss_chart_get_steps_per_epoch (chart);
  g_assert_cmpuint (steps_per_epoch, >, 0);
  g_assert_cmpuint (ds_loss_chart_get_n_series (chart), ==, 6);
  g_assert_cmpstr (ds_loss_chart_get_series_name (chart, 3), ==, "D loss");
  g_assert_cmpstr (ds_loss_chart_get_series_name (chart, 4), ==, "G loss");
  g_assert_cmpuint (ds_loss_chart_get_n_points (chart, 3), ==, 3 * steps_per_epoch);
  g_assert_cmpuint (ds_loss_chart_get_n_points (chart, 4), ==, 3 * steps_per_epoch);

  /* every epoch scored with the project's classifier: the share of samples it calls "crack"
   * on the chart, the last epoch's Fréchet distance in the panel */
  scored_with = g_strdup_printf ("Each epoch is scored with the classifier of run #%"
                                 G_GINT64_FORMAT " (validation accuracy ", classifier_run);
  {
    g_autofree char *quality = g_strdup (ds_gan_panel_get_quality_text (panel));

    g_test_message ("quality: %s", g_strdelimit (quality, "\n", ' '));
  }
  g_assert_true (g_str_has_prefix (ds_gan_panel_get_quality_text (panel), scored_with));
  g_assert_nonnull (strstr (ds_gan_panel_get_quality_text (panel), "Epoch 3: Fréchet distance "));
  g_assert_cmpstr (ds_loss_chart_get_series_name (chart, 5), ==, "called “crack”");
  g_assert_cmpuint (ds_loss_chart_get_n_points (chart, 5), ==, 3);
  g_assert_cmpuint (ds_sample_gallery_get_n_sets (gallery), ==, 3);
  g_assert_cmpstr (ds_sample_gallery_get_title (gallery), ==, "Epoch 3 of 3");

  /* eight samples of epoch 2, the strip between the first two */
  set_page (window, "inspect");
  ds_inspect_page_show_samples (inspect);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (gallery), "gallery.previous", NULL));
  g_assert_cmpstr (ds_sample_gallery_get_title (gallery), ==, "Epoch 2 of 3");
  for (guint i = 0; i < 8; i++)
    ds_sample_grid_set_selected (grid, i * 3, TRUE);
  {
    guint before = strips;

    while (strips == before || ds_interpolation_strip_is_busy (strip))
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (ds_interpolation_strip_get_samples (strip)->n, ==,
                    DS_INTERPOLATION_STEPS_DEFAULT);
  iterate_for (0.2);
  screenshot (GTK_WIDGET (window), "gan-inspect-samples.png");

  g_signal_connect_swapped (ds_window_get_label_page (window), "loaded",
                            G_CALLBACK (raise_flag), &label_reloaded);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (samples), "samples.add-selected", NULL));
  g_assert_cmpuint (images_changed, ==, 1);

  /* 8 synthetic images labelled crack, in the store and on disk */
  synthetic = ds_project_list_images (project, DS_IMAGE_FILTER_SYNTHETIC, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (synthetic->len, ==, 8);
  for (guint i = 0; i < synthetic->len; i++)
    {
      g_autoptr(DsImageInfo) info = ds_project_get_image (project,
                                                          g_array_index (synthetic, gint64, i),
                                                          &error);

      g_assert_no_error (error);
      g_assert_cmpint (info->class_id, ==, crack);
      g_assert_cmpint (info->source, ==, DS_IMAGE_SOURCE_SYNTHETIC);
      g_assert_cmpuint (info->width, ==, 64);
      g_assert_true (g_file_test (info->abs_path, G_FILE_TEST_IS_REGULAR));
    }
  g_assert_cmpuint (count_files (synthetic_dir), ==, 8);
  /* the Label page shows them, badge and all: the last of the class's images */
  iterate_until (&label_reloaded, 10.0);
  g_assert_true (label_reloaded);
  set_page (window, "label");
  {
    DsLabelPage *label_page = ds_window_get_label_page (window);
    GtkDropDown *show = GTK_DROP_DOWN (find_widget (GTK_WIDGET (label_page), GTK_TYPE_DROP_DOWN));
    GListModel *names = gtk_drop_down_get_model (show);
    GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (
                            ds_label_page_get_grid_scroller (label_page));

    for (guint i = 0; i < g_list_model_get_n_items (names); i++)
      if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "crack") == 0)
        gtk_drop_down_set_selected (show, i);
    iterate_for (0.5);
    g_assert_cmpuint (ds_label_page_get_n_visible (label_page), ==, 68);
    /* the selection went with the images the filter hides: the first crack takes it */
    g_assert_cmpint (ds_label_page_get_selected_id (label_page), >, 0);
    gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj));
    iterate_for (0.5);
    screenshot (GTK_WIDGET (window), "gan-label-page-synthetic.png");
    /* a real crack selected: the page keeps it when the synthetic images go */
    ds_label_page_select (label_page, 10);
    kept_id = ds_label_page_get_selected_id (label_page);
    g_assert_cmpint (kept_id, >, 0);
  }

  /* a classifier run with them: they only train */
  ds_run_config_init (&run_config, ds_preset_lookup ("seed-cnn"));
  run_config.include_synthetic = TRUE;
  run = ds_run_new (folder, &run_config, "test", &error);
  g_assert_no_error (error);
  g_assert_true (ds_project_get_run_images (project, ds_run_get_id (run), &ids, &roles, &labels,
                                            &n_runs_images, &error));
  g_assert_no_error (error);
  for (guint j = 0; j < n_runs_images; j++)
    for (guint i = 0; i < synthetic->len; i++)
      if (ids[j] == g_array_index (synthetic, gint64, i))
        {
          g_assert_cmpint (roles[j], ==, DS_RUN_ROLE_TRAIN);
          n_train_synthetic++;
        }
  g_assert_cmpuint (n_train_synthetic, ==, 8);
  g_clear_pointer (&run, ds_run_free);

  /* and one step takes them all away, rows and files */
  label_reloaded = FALSE;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (samples), "samples.remove-synthetic",
                                             NULL));
  g_assert_cmpuint (images_changed, ==, 2);
  /* the Label page lists its images again, keeping its filter and selection */
  iterate_until (&label_reloaded, 10.0);
  g_assert_true (label_reloaded);
  g_assert_cmpuint (ds_label_page_get_n_visible (ds_window_get_label_page (window)), ==, 60);
  g_assert_cmpint (ds_label_page_get_selected_id (ds_window_get_label_page (window)), ==, kept_id);
  g_assert_cmpint (ds_project_count_images (project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL), ==, 0);
  g_assert_cmpuint (count_files (synthetic_dir), ==, 0);
  g_assert_true (ds_gan_samples_remove_synthetic (samples, &n_removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_removed, ==, 0);

  /* opened again, the project shows the saved run's galleries of every epoch, the same
   * pixels as while it trained */
  ds_sample_gallery_set_position (gallery, 1);
  first = ds_sample_set_ref (ds_sample_gallery_get_shown (gallery));
  saved_loaded = FALSE;
  ds_window_open_project (window, file);
  g_assert_true (iterate_until (&saved_loaded, 10.0));
  g_assert_cmpuint (ds_sample_gallery_get_n_sets (gallery), ==, 3);
  g_assert_cmpuint (ds_sample_gallery_get_shown (gallery)->epoch, ==, 3);
  g_assert_true (g_str_has_prefix (ds_gan_samples_get_status (samples),
                                   "The saved run of “crack” ("));
  ds_sample_gallery_set_position (gallery, 1);
  g_assert_cmpuint (ds_sample_gallery_get_shown (gallery)->epoch, ==, 1);
  g_assert_true (g_bytes_equal (ds_sample_gallery_get_shown (gallery)->pixels, first->pixels));

  /* a second run that kept no galleries (an earlier version's): the newest, so shown first,
   * its generator's last epoch made again; the first one is a choice away */
  {
    g_autofree char *run1 = g_build_filename (folder, DS_GAN_JOB_FOLDER, "1",
                                              DS_GAN_JOB_CHECKPOINT, NULL);
    g_autofree char *dir2 = g_build_filename (folder, DS_GAN_JOB_FOLDER, "2", NULL);
    g_autofree char *run2 = g_build_filename (dir2, DS_GAN_JOB_CHECKPOINT, NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    GtkDropDown *runs = GTK_DROP_DOWN (find_widget (GTK_WIDGET (samples), GTK_TYPE_DROP_DOWN));

    g_assert_true (g_file_get_contents (run1, &contents, &length, NULL));
    g_assert_cmpint (g_mkdir (dir2, 0755), ==, 0);
    g_assert_true (g_file_set_contents (run2, contents, (gssize) length, NULL));
    saved_loaded = FALSE;
    ds_window_open_project (window, file);
    g_assert_true (iterate_until (&saved_loaded, 10.0));
    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (runs)), ==, 2);
    g_assert_cmpstr (selected_text (runs), ==, "Run 2 · crack · 3 epochs");
    g_assert_cmpuint (ds_sample_gallery_get_n_sets (gallery), ==, 1);
    g_assert_cmpuint (ds_sample_gallery_get_shown (gallery)->epoch, ==, 3);
    g_assert_true (g_str_has_prefix (ds_gan_samples_get_status (samples),
                                     "The saved generator of “crack” after epoch 3"));

    saved_loaded = FALSE;
    choose_item (runs, "Run 1");
    g_assert_true (iterate_until (&saved_loaded, 10.0));
    g_assert_cmpuint (ds_sample_gallery_get_n_sets (gallery), ==, 3);
    ds_sample_gallery_set_position (gallery, 1);
    g_assert_true (g_bytes_equal (ds_sample_gallery_get_shown (gallery)->pixels, first->pixels));
    set_page (window, "inspect");
    ds_inspect_page_show_samples (inspect);
    iterate_for (0.3);
    screenshot (GTK_WIDGET (window), "gan-inspect-runs.png");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.2);
}

/* Closing the window mid-run stops the job within a step, and nothing follows. */
static void
test_close_while_training (void)
{
  g_autofree char *folder = make_demo ("close");
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (folder, DS_PROJECT_OPEN_DEFAULT, &error);
  GtkWidget *window = gtk_window_new ();
  DsGanPanel *panel = DS_GAN_PANEL (ds_gan_panel_new ());

  g_assert_no_error (error);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  gtk_window_present (GTK_WINDOW (window));
  ds_gan_panel_set_project (panel, project);
  ds_gan_panel_set_settings (panel, NULL, "dcgan", 50, 16, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "gan.start", NULL));
  while (ds_loss_chart_get_n_points (ds_gan_panel_get_chart (panel), 3) < 2)
    g_main_context_iteration (NULL, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (0.3);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  tmp_dir = g_dir_make_tmp ("ds-test-gan-panel-XXXXXX", &error);
  g_assert_no_error (error);
  app = ui_test_init_app (&argc, &argv, tmp_dir);

  g_test_add_func ("/ui/gan-job/order-and-pause", test_job_order);
  g_test_add_func ("/ui/gan-job/cancel", test_job_cancel);
  g_test_add_func ("/ui/interpolation-strip/slerp", test_slerp);
  g_test_add_func ("/ui/gan/window-run-add-remove", test_window_run);
  g_test_add_func ("/ui/gan-panel/close-while-training", test_close_while_training);
  ret = g_test_run ();

  g_object_unref (app);
  ds_store_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
