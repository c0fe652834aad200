/* ds-train-page-runs.c: recorded runs on the Train page — the list, and a run's curves,
 * per-class figures and confusion matrix read back from the project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-train-page-private.h"

/* Metrics of one epoch */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
grid_text (GtkGrid    *grid,
           int         column,
           int         row,
           const char *text,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0f : 1.0f);
  if (column == 0)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, heading ? "dim-label" : "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
grid_figure (GtkGrid    *grid,
             int         row,
             const char *name,
             double      value,
             const char *missing)
{
  char buf[32];

  grid_text (grid, 0, row, name, TRUE);
  if (isfinite (value))
    g_snprintf (buf, sizeof buf, "%.4g", value);
  grid_text (grid, 1, row, isfinite (value) ? buf : missing, FALSE);
}

/* Below this image AUROC an autoencoder run is called weak on the page. */
#define DS_TRAIN_PAGE_WEAK_AUROC 0.75

/* An autoencoder run's figures, once it has finished. */
static void
show_anomaly (DsTrainPage *self)
{
  g_autoptr(DsRunInfo) info = NULL;

  clear_grid (self->metrics_grid);
  ds_confusion_view_clear (self->confusion);
  if (self->project != NULL && self->shown_run != 0)
    info = ds_project_get_run (self->project, self->shown_run, NULL);
  if (info == NULL || isnan (info->anomaly.threshold_low))
    {
      gtk_label_set_text (self->metrics_title, "Anomaly detection: the figures come when the "
                                               "run has finished");
      return;
    }
  gtk_label_set_text (self->metrics_title, "Anomaly detection: normal images it did not train "
                                           "on against the labelled defective ones");
  grid_text (self->metrics_grid, 0, 0, "Normal class", TRUE);
  grid_text (self->metrics_grid, 1, 0, info->config.normal_class != NULL
                                       ? info->config.normal_class : "?", FALSE);
  grid_figure (self->metrics_grid, 1, "Image AUROC", info->anomaly.image_auroc,
               "— (no defective images)");
  grid_figure (self->metrics_grid, 2, "Pixel AUROC", info->anomaly.pixel_auroc, "— (no masks)");
  grid_figure (self->metrics_grid, 3, "Pass at or below", info->anomaly.threshold_low, "—");
  grid_figure (self->metrics_grid, 4, "Fail above", info->anomaly.threshold_high, "—");
  grid_figure (self->metrics_grid, 5, "Decision threshold", info->anomaly.threshold, "—");
  /* a detector near chance would fill Inspect and Review with noise: say so, and what helps */
  if (info->anomaly.image_auroc < DS_TRAIN_PAGE_WEAK_AUROC)
    {
      GtkWidget *advice = gtk_label_new ("This detector hardly tells normal parts from "
                                         "defective ones (0.5 is chance). Try: Epochs “auto” "
                                         "(0), both flips on, more labelled normal images, or "
                                         "the other autoencoder.");

      gtk_label_set_wrap (GTK_LABEL (advice), TRUE);
      gtk_label_set_xalign (GTK_LABEL (advice), 0.0f);
      gtk_widget_add_css_class (advice, "warning");
      gtk_grid_attach (self->metrics_grid, advice, 0, 6, 2, 1);
    }
}

void
ds_train_page_show_metrics (DsTrainPage      *self,
                            const DsRunEpoch *epoch)
{
  g_autoptr(DsConfusion) cm = NULL;
  g_autofree char *title = NULL;
  guint k = epoch != NULL && epoch->confusion != NULL ? epoch->n_classes : 0;

  if (self->shown_autoencoder)
    {
      show_anomaly (self);
      return;
    }
  clear_grid (self->metrics_grid);
  if (k == 0 || self->shown_classes == NULL || g_strv_length (self->shown_classes) != k)
    {
      gtk_label_set_text (self->metrics_title, "Per class");
      ds_confusion_view_clear (self->confusion);
      return;
    }

  cm = ds_confusion_new (k);
  memcpy (cm->counts, epoch->confusion, sizeof (guint64) * k * k);
  title = g_strdup_printf ("Per class, epoch %u — accuracy %.1f %%, macro F1 %.3f", epoch->epoch,
                           100 * ds_confusion_accuracy (cm), ds_confusion_macro_f1 (cm));
  gtk_label_set_text (self->metrics_title, title);
  grid_text (self->metrics_grid, 0, 0, "Class", TRUE);
  grid_text (self->metrics_grid, 1, 0, "Precision", TRUE);
  grid_text (self->metrics_grid, 2, 0, "Recall", TRUE);
  grid_text (self->metrics_grid, 3, 0, "F1", TRUE);
  grid_text (self->metrics_grid, 4, 0, "Images", TRUE);
  for (guint i = 0; i < k; i++)
    {
      DsClassMetrics m;
      char buf[4][32];

      ds_confusion_class (cm, i, &m);
      g_snprintf (buf[0], sizeof buf[0], "%.3f", m.precision);
      g_snprintf (buf[1], sizeof buf[1], "%.3f", m.recall);
      g_snprintf (buf[2], sizeof buf[2], "%.3f", m.f1);
      g_snprintf (buf[3], sizeof buf[3], "%" G_GUINT64_FORMAT, m.support);
      grid_text (self->metrics_grid, 0, (int) i + 1, self->shown_classes[i], FALSE);
      for (int c = 0; c < 4; c++)
        grid_text (self->metrics_grid, c + 1, (int) i + 1, buf[c], FALSE);
    }
  ds_confusion_view_set_matrix (self->confusion, k, epoch->confusion,
                                (const char * const *) self->shown_classes);
}

void
ds_train_page_set_shown_run (DsTrainPage     *self,
                             const DsRunInfo *info)
{
  g_clear_pointer (&self->shown_classes, g_strfreev);
  g_clear_pointer (&self->shown_class_ids, g_free);
  self->shown_run = info != NULL ? info->id : 0;
  self->shown_autoencoder = info != NULL && ds_run_config_is_autoencoder (&info->config);
  /* an autoencoder has a reconstruction loss and AUROCs, no classes to confuse */
  gtk_widget_set_visible (GTK_WIDGET (self->chart_caption), self->shown_autoencoder);
  gtk_widget_set_visible (self->confusion_box, !self->shown_autoencoder);
  if (info == NULL)
    return;
  self->shown_classes = g_strdupv (info->class_names);
  self->shown_class_ids = g_memdup2 (info->class_ids,
                                     sizeof (gint64) * g_strv_length (info->class_names));
  self->total_epochs = info->config.epochs;
  self->steps_per_epoch = info->steps_per_epoch;
}

/* Runs list */

static char *
describe_run (const DsRunInfo *info)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (info->created_at / G_USEC_PER_SEC);
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%e %b %H:%M") : g_strdup ("");
  GString *text = g_string_new (NULL);
  char duration[32];

  ds_format_duration (info->wall_seconds, duration, sizeof duration);
  g_string_append_printf (text, "<b>#%" G_GINT64_FORMAT "</b>  %s, %u/%u epochs, %s",
                          info->id, info->config.preset, info->epochs_done, info->config.epochs,
                          ds_run_status_to_string (info->status));
  if (isfinite (info->best_val_loss))
    g_string_append_printf (text, "\n<small>best val loss %.4f (epoch %u)", info->best_val_loss,
                            info->best_epoch);
  else
    g_string_append (text, "\n<small>");
  if (isfinite (info->test_accuracy))
    g_string_append_printf (text, ", test %.1f %%", 100 * info->test_accuracy);
  if (isfinite (info->anomaly.image_auroc))
    g_string_append_printf (text, ", AUROC %.3f", info->anomaly.image_auroc);
  if (isfinite (info->anomaly.pixel_auroc))
    g_string_append_printf (text, " (pixels %.3f)", info->anomaly.pixel_auroc);
  g_string_append_printf (text, " · %s · %s · %s</small>", duration, g_strstrip (date),
                          info->origin);

  return g_string_free (text, FALSE);
}

void
ds_train_page_reload_runs (DsTrainPage *self,
                           gint64       select_id)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->runs_list))) != NULL)
    gtk_list_box_remove (self->runs_list, child);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  if (self->project == NULL)
    return;

  self->runs = ds_project_list_runs (self->project, &error);
  if (self->runs == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  for (guint i = 0; i < self->runs->len; i++)
    {
      DsRunInfo *info = g_ptr_array_index (self->runs, i);
      g_autofree char *markup = describe_run (info);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_margin_end (label, 8);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      if (info->message != NULL)
        gtk_widget_set_tooltip_text (label, info->message);
      gtk_list_box_append (self->runs_list, label);
      if (info->id == select_id)
        gtk_list_box_select_row (self->runs_list, gtk_list_box_get_row_at_index (self->runs_list,
                                                                                 (int) i));
    }
}

/* Whether the chart is about an autoencoder: the run shown, else the model chosen. */
static gboolean
chart_is_autoencoder (DsTrainPage *self)
{
  guint i = gtk_drop_down_get_selected (self->preset_dropdown);
  const DsPreset *preset = i < self->presets->len ? g_ptr_array_index (self->presets, i) : NULL;

  if (self->shown_run != 0)
    return self->shown_autoencoder;
  return preset != NULL && preset->kind == DS_PRESET_AUTOENCODER;
}

/* Earlier runs of the same objective only: a reconstruction loss near 0.01 and a
 * cross-entropy near 0.5 on one axis mean nothing. */
void
ds_train_page_add_overlays (DsTrainPage *self)
{
  guint added = 0;
  gboolean autoencoder;

  ds_loss_chart_clear_overlays (self->chart);
  if (!gtk_check_button_get_active (self->overlay_check) || self->runs == NULL)
    return;
  autoencoder = chart_is_autoencoder (self);

  for (guint i = 0; i < self->runs->len && added < N_OVERLAYS; i++)
    {
      DsRunInfo *info = g_ptr_array_index (self->runs, i);
      g_autoptr(GArray) steps = NULL;
      g_autoptr(GArray) epochs = NULL;
      g_autofree char *label = NULL;
      g_autofree double *x = NULL;
      g_autofree double *y = NULL;
      guint n = 0;

      if (info->id == self->shown_run
          || ds_run_config_is_autoencoder (&info->config) != autoencoder)
        continue;
      steps = ds_project_list_run_steps (self->project, info->id, NULL);
      epochs = ds_project_list_run_epochs (self->project, info->id, NULL);
      if (steps == NULL || epochs == NULL || (steps->len == 0 && epochs->len == 0))
        continue;
      label = g_strdup_printf ("#%" G_GINT64_FORMAT, info->id);
      x = g_new (double, MAX (steps->len, epochs->len) + 1);
      y = g_new (double, MAX (steps->len, epochs->len) + 1);
      for (guint j = 0; j < steps->len; j++)
        {
          x[j] = (double) g_array_index (steps, DsRunStep, j).step;
          y[j] = g_array_index (steps, DsRunStep, j).loss;
        }
      ds_loss_chart_add_overlay (self->chart, label, DS_LOSS_CHART_TRAIN_LOSS, x, y, steps->len);
      for (guint j = 0; j < epochs->len; j++)
        {
          const DsRunEpoch *e = &g_array_index (epochs, DsRunEpoch, j);

          if (isfinite (e->val_loss))
            {
              x[n] = e->epoch;
              y[n++] = e->val_loss;
            }
        }
      ds_loss_chart_add_overlay (self->chart, label, DS_LOSS_CHART_VAL_LOSS, x, y, n);
      added++;
    }
}

/* Puts a recorded run on the chart, the metrics and the confusion matrix. */
void
ds_train_page_show_run (DsTrainPage     *self,
                        const DsRunInfo *info)
{
  g_autoptr(GArray) steps = NULL;
  g_autoptr(GArray) epochs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  ds_train_page_set_shown_run (self, info);
  ds_loss_chart_clear (self->chart);
  ds_loss_chart_set_steps_per_epoch (self->chart, info->steps_per_epoch);
  steps = ds_project_list_run_steps (self->project, info->id, &error);
  if (steps != NULL)
    epochs = ds_project_list_run_epochs (self->project, info->id, &error);
  if (steps == NULL || epochs == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  for (guint i = 0; i < steps->len; i++)
    ds_loss_chart_add_train_loss (self->chart, g_array_index (steps, DsRunStep, i).step,
                                  g_array_index (steps, DsRunStep, i).loss);
  for (guint i = 0; i < epochs->len; i++)
    {
      const DsRunEpoch *e = &g_array_index (epochs, DsRunEpoch, i);

      ds_loss_chart_add_epoch (self->chart, e->epoch, e->val_loss, e->val_accuracy);
    }
  /* a finished run predicts with its best weights: show that epoch's matrix, so that its cells
   * hold the images a click shows */
  {
    guint shown = epochs->len;

    if ((info->status == DS_RUN_FINISHED || info->status == DS_RUN_STOPPED_EARLY)
        && info->best_epoch > 0 && info->best_epoch <= epochs->len)
      shown = info->best_epoch;
    ds_train_page_show_metrics (self,
                                shown > 0 ? &g_array_index (epochs, DsRunEpoch, shown - 1) : NULL);
  }
  ds_train_page_add_overlays (self);

  status = g_strdup_printf ("Run #%" G_GINT64_FORMAT ": %s%s%s", info->id,
                            ds_run_status_to_string (info->status),
                            info->message != NULL ? " — " : "",
                            info->message != NULL ? info->message : "");
  gtk_label_set_text (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 info->config.epochs > 0
                                 ? (double) info->epochs_done / info->config.epochs : 0.0);
  gtk_label_set_text (self->throughput_label, "");
}

void
ds_train_page_run_selected_cb (DsTrainPage   *self,
                               GtkListBoxRow *row)
{
  if (self->chart == NULL)
    return;
  if (row != NULL && self->runs != NULL && self->job == NULL)
    ds_train_page_show_run (self, g_ptr_array_index (self->runs, gtk_list_box_row_get_index (row)));
  ds_train_page_update_actions (self);
}

void
ds_train_page_overlay_toggled_cb (DsTrainPage *self)
{
  if (self->project != NULL)
    ds_train_page_add_overlays (self);
}
