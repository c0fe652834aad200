/* ds-gan-samples.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ds-error-dialog.h"
#include "ds-gan-samples.h"

#include "ds-engine.h"

struct _DsGanSamples
{
  GtkWidget             parent_instance;

  /* template */
  GtkWidget            *box;          /* its child: bound so that dispose unparents it */
  GtkDropDown          *run_dropdown;
  GtkLabel             *status_label;
  GtkLabel             *synthetic_label;
  DsSampleGallery      *gallery;
  GtkLabel             *selection_label;
  GtkButton            *add_button;
  DsInterpolationStrip *strip;

  DsProject            *project;      /* the window's */
  DsGanJob             *job;          /* the run followed, or NULL */
  GCancellable         *load_cancellable; /* reading a saved run */
  GCancellable         *list_cancellable; /* reading the list of saved runs */
  GPtrArray            *runs;         /* RunEntry, the dropdown's, newest first */
  gboolean              updating_runs;
  gboolean              keep_shown;   /* the next listing selects the newest run, shown already */
  char                 *class_name;   /* what the gallery's GAN learnt */
  float                *latents;      /* (n_latents, latent): the gallery's */
  guint                 latent;
  guint                 n_latents;
};

enum {
  IMAGES_CHANGED,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsGanSamples, ds_gan_samples, GTK_TYPE_WIDGET)

static void list_runs (DsGanSamples *self,
                       gboolean      keep_shown);

GtkWidget *
ds_gan_samples_new (void)
{
  return g_object_new (DS_TYPE_GAN_SAMPLES, NULL);
}

static void
update_actions (DsGanSamples *self)
{
  DsSampleSet *shown = ds_sample_gallery_get_shown (self->gallery);
  guint n_selected = ds_sample_grid_get_n_selected (ds_sample_gallery_get_grid (self->gallery));
  gboolean writable = self->project != NULL && !ds_project_is_read_only (self->project);
  g_autofree char *label = NULL;
  g_autofree char *selection = NULL;
  g_autofree char *synthetic = NULL;
  gint64 n_synthetic = 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.select-all", shown != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.add-selected",
                                 shown != NULL && n_selected > 0 && writable
                                 && self->class_name != NULL);

  label = g_strdup_printf ("A_dd Selected to “%s”", self->class_name != NULL ? self->class_name
                                                                            : "the class");
  gtk_button_set_label (self->add_button, label);
  if (n_selected > 0)
    selection = g_strdup_printf ("%u of %u selected", n_selected, shown->n);
  gtk_label_set_text (self->selection_label, selection != NULL ? selection : "");

  if (self->project != NULL)
    n_synthetic = ds_project_count_images (self->project, DS_IMAGE_FILTER_SYNTHETIC, 0, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "samples.remove-synthetic",
                                 n_synthetic > 0 && writable);
  if (n_synthetic > 0)
    synthetic = g_strdup_printf ("%" G_GINT64_FORMAT " synthetic image%s in the project; a "
                                 "classifier trains on them only with “Synthetic images” on.",
                                 n_synthetic, n_synthetic == 1 ? "" : "s");
  gtk_label_set_text (self->synthetic_label,
                      synthetic != NULL ? synthetic : "No synthetic images in the project.");
}

/* The latents of the gallery's cells, for the strip's ends. */
static void
set_latents (DsGanSamples *self,
             guint         latent,
             guint         n,
             guint64       seed)
{
  g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));

  g_clear_pointer (&self->latents, g_free);
  self->latent = latent;
  self->n_latents = n;
  if (n == 0)
    return;
  ds_gan_latents (latent, n, seed, z);
  self->latents = g_memdup2 (z->data, ds_tensor_size (z) * sizeof (float));
}

/* The strip's ends: the first two selected samples, or the first two. */
static void
update_strip_ends (DsGanSamples *self)
{
  g_autofree guint *selected = NULL;
  g_autofree char *what = NULL;
  guint n = 0, a = 0, b = 1;

  if (self->latents == NULL || self->n_latents < 2)
    return;
  selected = ds_sample_grid_dup_selection (ds_sample_gallery_get_grid (self->gallery), &n);
  if (n >= 2)
    a = selected[0], b = selected[1];
  what = g_strdup_printf ("samples %u and %u%s", a + 1, b + 1,
                          n >= 2 ? "" : " (select two to choose)");
  ds_interpolation_strip_set_ends (self->strip, self->latents + (gsize) a * self->latent,
                                   self->latents + (gsize) b * self->latent, self->latent, what);
}

static void
selection_changed_cb (DsGanSamples *self)
{
  update_strip_ends (self);
  update_actions (self);
}

static void
clear (DsGanSamples *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_pointer (&self->class_name, g_free);
  g_clear_pointer (&self->latents, g_free);
  self->n_latents = 0;
  ds_sample_gallery_clear (self->gallery);
  ds_interpolation_strip_clear (self->strip);
}

/* The job */

static void
job_started_cb (DsGanSamples *self)
{
  const DsGanJobConfig *config = ds_gan_job_get_config (self->job);
  g_autofree char *status = NULL;

  g_free (self->class_name);
  self->class_name = g_strdup (ds_gan_job_get_class_name (self->job));
  set_latents (self, ds_gan_job_get_latent (self->job), config->n_fixed, config->fixed_seed);
  ds_interpolation_strip_set_generator (self->strip, ds_gan_job_get_checkpoint (self->job));
  update_strip_ends (self);
  status = g_strdup_printf ("%s learning “%s”: the samples of each epoch appear here as it "
                            "ends.", config->preset, self->class_name);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
}

static void
job_epoch_cb (DsGanSamples        *self,
              const DsGanJobEpoch *epoch)
{
  g_autofree char *status = NULL;

  if (epoch->samples != NULL)
    ds_sample_gallery_add (self->gallery, epoch->samples);
  /* the checkpoint of this epoch is on disk: the strip follows it */
  ds_interpolation_strip_set_generator (self->strip, ds_gan_job_get_checkpoint (self->job));
  status = g_strdup_printf ("%s of “%s”, epoch %u of %u.", ds_gan_job_get_config (self->job)->preset,
                            self->class_name, epoch->epoch, epoch->n_epochs);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
}

/* The run is in the project now: it heads the list, shown as it is. */
static void
job_finished_cb (DsGanSamples *self)
{
  list_runs (self, TRUE);
}

void
ds_gan_samples_set_job (DsGanSamples *self,
                        DsGanJob     *job)
{
  g_return_if_fail (DS_IS_GAN_SAMPLES (self));
  g_return_if_fail (DS_IS_GAN_JOB (job));

  clear (self);
  /* a listing under way would load another run over this one */
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_dropdown), FALSE);
  self->job = g_object_ref (job);
  g_signal_connect_swapped (job, "started", G_CALLBACK (job_started_cb), self);
  g_signal_connect_swapped (job, "epoch", G_CALLBACK (job_epoch_cb), self);
  g_signal_connect_swapped (job, "finished", G_CALLBACK (job_finished_cb), self);
  gtk_label_set_text (self->status_label, "A GAN is reading its images…");
  /* a run followed late: what it has made so far */
  if (ds_gan_job_get_class_name (job) != NULL)
    job_started_cb (self);
  for (guint e = 1; e <= ds_gan_job_get_n_sample_sets (job); e++)
    ds_sample_gallery_add (self->gallery, ds_gan_job_get_samples (job, e));
  update_actions (self);
}

/* A saved generator */

/* What a saved run is read into, off the main thread. */
typedef struct
{
  char      *path;        /* the generator */
  char      *class_name;
  guint      latent;
  guint      epochs_done;
  GPtrArray *sets;        /* DsSampleSet, epoch 1 on; or the last epoch's, made again */
  gboolean   kept;        /* the sets are the galleries the run kept */
} SavedRun;

static void
saved_run_free (SavedRun *run)
{
  g_free (run->path);
  g_free (run->class_name);
  g_clear_pointer (&run->sets, g_ptr_array_unref);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SavedRun, saved_run_free)

/* The galleries a run kept, <folder>/epoch-NNN.png, epoch 1 to @epochs, into @sets; stops at
 * the first missing or unreadable one. */
static void
load_galleries (const char *folder,
                DsShape     image,
                guint       n,
                guint       epochs,
                GPtrArray  *sets)
{
  g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));

  for (guint e = 1; e <= epochs; e++)
    {
      g_autofree char *name = g_strdup_printf ("epoch-%03u.png", e);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree guint8 *grid = NULL;
      guint gh, gw;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)
          || (grid = ds_png_load (path, image.c, 0, 0, &gh, &gw, NULL)) == NULL
          || !ds_image_grid_split (grid, gh, gw, n, DS_GAN_JOB_GRID_COLUMNS,
                                   DS_GAN_JOB_GRID_GAP, image, images))
        break;
      g_ptr_array_add (sets, ds_sample_set_new_from_tensor (e, images));
    }
}

/* A run of an earlier session: the galleries it kept of every epoch, or else the fixed latents'
 * samples of its generator made again. A PNG an epoch adds up: this runs in a worker thread. */
static void
load_saved_worker (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  g_auto(DsGanJobConfig) defaults = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) gan = ds_gan_load (path, FALSE, &error);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(SavedRun) run = g_new0 (SavedRun, 1);

  if (gan == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* the window's runs all use the default fixed latents */
  ds_gan_job_config_init (&defaults);
  run->path = g_strdup (path);
  run->class_name = g_strdup (gan->class_name);
  run->latent = gan->latent;
  run->epochs_done = gan->epochs_done;
  run->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_sample_set_unref);
  load_galleries (folder, gan->image, defaults.n_fixed, gan->epochs_done, run->sets);
  run->kept = run->sets->len > 0;
  if (!run->kept)
    {
      g_autoptr(DsContext) ctx = ds_context_new (0, 1);
      g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
      g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));

      ds_gan_latents (gan->latent, defaults.n_fixed, defaults.fixed_seed, z);
      if (!ds_gan_generate (gan, ctx, z, images, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (run->sets, ds_sample_set_new_from_tensor (gan->epochs_done, images));
    }
  g_task_return_pointer (task, g_steal_pointer (&run), (GDestroyNotify) saved_run_free);
}

static void
saved_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SavedRun) run = g_task_propagate_pointer (G_TASK (result), &error);
  g_auto(DsGanJobConfig) defaults = { 0 };
  g_autofree char *folder = NULL;
  g_autofree char *status = NULL;
  DsGanSamples *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_GAN_SAMPLES (user_data);
  if (run == NULL)
    {
      status = g_strdup_printf ("The saved generator could not be read: %s", error->message);
      gtk_label_set_text (self->status_label, status);
      return;
    }
  ds_gan_job_config_init (&defaults);
  set_latents (self, run->latent, defaults.n_fixed, defaults.fixed_seed);
  for (guint i = 0; i < run->sets->len; i++)
    ds_sample_gallery_add (self->gallery, g_ptr_array_index (run->sets, i));
  self->class_name = g_strdup (run->class_name);
  ds_interpolation_strip_set_generator (self->strip, run->path);
  update_strip_ends (self);
  folder = g_path_get_dirname (run->path);
  if (run->kept)
    status = g_strdup_printf ("The saved run of “%s” (%s): the samples of its %u epochs.",
                              run->class_name != NULL ? run->class_name : "every class",
                              folder, run->sets->len);
  else
    status = g_strdup_printf ("The saved generator of “%s” after epoch %u (%s).",
                              run->class_name != NULL ? run->class_name : "every class",
                              run->epochs_done, run->path);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
  g_signal_emit (self, signals[LOADED], 0);
}

/* Reads the run whose generator is @path into the gallery, in a worker thread. */
static void
load_run (DsGanSamples *self,
          const char   *path)
{
  g_autoptr(GTask) task = NULL;

  clear (self);
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->load_cancellable, saved_loaded_cb, self);
  g_task_set_source_tag (task, load_run);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_saved_worker);
  gtk_label_set_text (self->status_label, "Reading the saved GAN run…");
  update_actions (self);
}

/* The project's runs */

/* A GAN run kept in the project, <project>/gans/<n>/. */
typedef struct
{
  guint    n;
  char    *path;         /* its generator */
  char    *class_name;   /* NULL: every class */
  guint    epochs;
  gboolean readable;
} RunEntry;

static void
run_entry_free (RunEntry *run)
{
  g_free (run->path);
  g_free (run->class_name);
  g_free (run);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const RunEntry *ra = *(RunEntry * const *) a, *rb = *(RunEntry * const *) b;

  return ra->n < rb->n ? 1 : ra->n > rb->n ? -1 : 0;
}

/* The runs whose generator is on disk, each read for its class and epochs (a few megabytes a
 * run, so off the main thread). */
static void
list_runs_worker (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autofree char *parent = g_build_filename (task_data, DS_GAN_JOB_FOLDER, NULL);
  g_autoptr(GDir) dir = g_dir_open (parent, 0, NULL);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_entry_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(DsGan) gan = NULL;
      RunEntry *run;
      guint64 n;

      if (!g_ascii_string_to_unsigned (name, 10, 1, G_MAXUINT, &n, NULL))
        continue;
      path = g_build_filename (parent, name, DS_GAN_JOB_CHECKPOINT, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (g_task_return_error_if_cancelled (task))
        return;
      run = g_new0 (RunEntry, 1);
      run->n = (guint) n;
      run->path = g_steal_pointer (&path);
      /* one that cannot be read is listed all the same: choosing it says why */
      if ((gan = ds_gan_load (run->path, FALSE, NULL)) != NULL)
        {
          run->class_name = g_strdup (gan->class_name);
          run->epochs = gan->epochs_done;
          run->readable = TRUE;
        }
      g_ptr_array_add (runs, run);
    }
  g_ptr_array_sort (runs, newest_first);
  g_task_return_pointer (task, g_steal_pointer (&runs), (GDestroyNotify) g_ptr_array_unref);
}

static void
runs_listed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  DsGanSamples *self;
  gboolean keep_shown;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_GAN_SAMPLES (user_data);
  keep_shown = self->keep_shown;
  self->keep_shown = FALSE;
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->runs = g_steal_pointer (&runs);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const RunEntry *run = g_ptr_array_index (self->runs, i);
      g_autofree char *text = NULL;

      if (run->readable)
        text = g_strdup_printf ("Run %u · %s · %u epoch%s", run->n,
                                run->class_name != NULL ? run->class_name : "every class",
                                run->epochs, run->epochs == 1 ? "" : "s");
      else
        text = g_strdup_printf ("Run %u · unreadable", run->n);
      gtk_string_list_append (names, text);
    }
  self->updating_runs = TRUE;
  gtk_drop_down_set_model (self->run_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->run_dropdown, 0);
  self->updating_runs = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_dropdown), self->runs->len > 1);
  /* the newest, unless the gallery shows it already (the run that just ended here) */
  if (self->runs->len > 0 && !keep_shown)
    load_run (self, ((RunEntry *) g_ptr_array_index (self->runs, 0))->path);
}

/* Lists the project's runs again; @keep_shown: the newest is the one the gallery shows. */
static void
list_runs (DsGanSamples *self,
           gboolean      keep_shown)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  if (self->project == NULL)
    return;
  self->keep_shown = keep_shown;
  self->list_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->list_cancellable, runs_listed_cb, self);
  g_task_set_source_tag (task, list_runs);
  g_task_set_task_data (task, g_strdup (ds_project_get_folder (self->project)), g_free);
  g_task_run_in_thread (task, list_runs_worker);
}

static void
run_chosen_cb (DsGanSamples *self)
{
  guint i = gtk_drop_down_get_selected (self->run_dropdown);

  if (self->updating_runs || self->runs == NULL || i >= self->runs->len)
    return;
  load_run (self, ((RunEntry *) g_ptr_array_index (self->runs, i))->path);
}

void
ds_gan_samples_set_project (DsGanSamples *self,
                            DsProject    *project)
{
  g_return_if_fail (DS_IS_GAN_SAMPLES (self));

  clear (self);
  self->project = project;
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  self->updating_runs = TRUE;
  gtk_drop_down_set_model (self->run_dropdown, NULL);
  self->updating_runs = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_dropdown), FALSE);
  gtk_label_set_text (self->status_label,
                      "No GAN yet: choose a GAN model on the Train page and train it on a class.");
  list_runs (self, FALSE);
  update_actions (self);
}

/* Synthetic images */

guint
ds_gan_samples_add_selected (DsGanSamples  *self,
                             GError       **error)
{
  DsSampleSet *set = ds_sample_gallery_get_shown (self->gallery);
  g_autofree guint *indices = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;
  gsize size;
  gint64 class_id;
  guint n = 0;

  g_return_val_if_fail (DS_IS_GAN_SAMPLES (self), 0);

  if (self->project == NULL || set == NULL || self->class_name == NULL)
    return 0;
  indices = ds_sample_grid_dup_selection (ds_sample_gallery_get_grid (self->gallery), &n);
  if (n == 0)
    return 0;
  class_id = ds_project_find_class (self->project, self->class_name, error);
  if (class_id == 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                     "the class “%s” is no longer in the project", self->class_name);
      return 0;
    }
  /* as shown: the samples are at the size the project's images train at */
  size = (gsize) set->c * set->h * set->w;
  pixels = g_new (guint8, size * n);
  for (guint i = 0; i < n; i++)
    memcpy (pixels + i * size, ds_sample_set_get_image (set, indices[i]), size);
  name = g_strdup_printf ("gan-%s-epoch%u", self->class_name, set->epoch);
  if (!ds_project_add_synthetic (self->project, pixels, n, set->c, set->h, set->w, class_id,
                                 name, NULL, error))
    return 0;

  status = g_strdup_printf ("Added %u synthetic image%s of “%s” (epoch %u).", n,
                            n == 1 ? "" : "s", self->class_name, set->epoch);
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
  g_signal_emit (self, signals[IMAGES_CHANGED], 0);

  return n;
}

gboolean
ds_gan_samples_remove_synthetic (DsGanSamples  *self,
                                 guint         *n_removed,
                                 GError       **error)
{
  g_autofree char *status = NULL;
  guint n = 0;

  g_return_val_if_fail (DS_IS_GAN_SAMPLES (self), FALSE);
  g_return_val_if_fail (self->project != NULL, FALSE);

  if (!ds_project_remove_synthetic (self->project, 0, &n, error))
    return FALSE;
  status = g_strdup_printf ("Removed %u synthetic image%s.", n, n == 1 ? "" : "s");
  gtk_label_set_text (self->status_label, status);
  update_actions (self);
  g_signal_emit (self, signals[IMAGES_CHANGED], 0);
  if (n_removed != NULL)
    *n_removed = n;

  return TRUE;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  g_autoptr(GError) error = NULL;

  if (ds_gan_samples_add_selected (DS_GAN_SAMPLES (widget), &error) == 0 && error != NULL)
    ds_show_error (widget, "The samples could not be added", error);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_autoptr(GError) error = NULL;

  if (!ds_gan_samples_remove_synthetic (DS_GAN_SAMPLES (widget), NULL, &error))
    ds_show_error (widget, "The synthetic images could not be removed", error);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DsGanSamples *self = DS_GAN_SAMPLES (widget);

  ds_sample_grid_select_all (ds_sample_gallery_get_grid (self->gallery));
}

DsSampleGallery *
ds_gan_samples_get_gallery (DsGanSamples *self)
{
  return self->gallery;
}

DsInterpolationStrip *
ds_gan_samples_get_strip (DsGanSamples *self)
{
  return self->strip;
}

const char *
ds_gan_samples_get_status (DsGanSamples *self)
{
  return gtk_label_get_text (self->status_label);
}

static void
ds_gan_samples_dispose (GObject *object)
{
  DsGanSamples *self = DS_GAN_SAMPLES (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_GAN_SAMPLES);

  G_OBJECT_CLASS (ds_gan_samples_parent_class)->dispose (object);
}

static void
ds_gan_samples_finalize (GObject *object)
{
  DsGanSamples *self = DS_GAN_SAMPLES (object);

  g_free (self->class_name);
  g_free (self->latents);

  G_OBJECT_CLASS (ds_gan_samples_parent_class)->finalize (object);
}

static void
ds_gan_samples_class_init (DsGanSamplesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_gan_samples_dispose;
  object_class->finalize = ds_gan_samples_finalize;

  signals[IMAGES_CHANGED] = g_signal_new ("images-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (DS_TYPE_SAMPLE_GALLERY);
  g_type_ensure (DS_TYPE_INTERPOLATION_STRIP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/defectscope/Defectscope/ui/ds-gan-samples.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gansamples");

  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, box);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, run_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, status_label);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, synthetic_label);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, gallery);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, selection_label);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, add_button);
  gtk_widget_class_bind_template_child (widget_class, DsGanSamples, strip);

  gtk_widget_class_install_action (widget_class, "samples.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "samples.add-selected", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "samples.remove-synthetic", NULL,
                                   remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "samples.select-all", NULL);
}

static void
ds_gan_samples_init (DsGanSamples *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (ds_sample_gallery_get_grid (self->gallery), "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->gallery, "notify::position", G_CALLBACK (update_actions),
                            self);
  g_signal_connect_swapped (self->run_dropdown, "notify::selected", G_CALLBACK (run_chosen_cb),
                            self);
  update_actions (self);
}
