/* ds-inspect-page.c
 *
 * Everything shown comes from the project's records (ds-run-scores.c, read in a worker) and the
 * run's best.dsm (ds-anomaly-model.c); the only thing the page writes is the review band, on
 * the main thread's project handle like a label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-anomaly-model.h"
#include "ds-error-dialog.h"
#include "ds-heat-legend.h"
#include "ds-heatmap-view.h"
#include "ds-inspect-page.h"
#include "ds-run-scores.h"
#include "ds-score-histogram.h"
#include "ds-scored-item.h"

#include "ds-engine.h"
#include "store/ds-project-runs.h"

struct _DsInspectPage
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *view_box;   /* the template's child: bound so that dispose unparents it */
  GtkPaned           *paned;
  GtkStack           *view_stack;
  DsGanSamples       *gan_samples;
  GtkDropDown        *run_dropdown;
  GtkLabel           *run_summary;
  GtkListView        *image_list;
  GtkStack           *main_stack;
  GtkLabel           *empty_label;
  GtkLabel           *image_title;
  DsHeatmapView      *input_view;
  DsHeatmapView      *recon_view;
  DsHeatmapView      *heat_view;
  DsHeatLegend       *legend;
  GtkSwitch          *scale_switch;
  GtkAdjustment      *opacity_adjustment;
  GtkLabel           *verdict_label;
  GtkLabel           *score_label;
  DsScoreHistogram   *histogram;

  DsProject          *project;            /* the window's; not owned */
  DsRunScores        *scores;
  GListStore         *items;              /* DsScoredItem, highest score first */
  GtkSingleSelection *selection;
  GPtrArray          *bound_rows;         /* GtkListItem showing an image now */
  DsAnomalyModel     *model;
  DsInspection       *inspection;         /* of the image selected, once computed */
  gint64              inspected_id;
  GCancellable       *load_cancellable;   /* the scores and the model */
  GCancellable       *inspect_cancellable;
  gint64              keep_image;         /* to select again after a reload */
  gboolean            focus_pending;      /* the list takes the focus once it has rows */
  guint               focus_idle_id;
  gboolean            updating_runs;
};

enum {
  LOADED,
  INSPECTED,
  BAND_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsInspectPage, ds_inspect_page, GTK_TYPE_WIDGET)

static void schedule_focus (DsInspectPage *self);

static void load (DsInspectPage *self,
                  gint64         run_id);

static const char *
class_name (DsInspectPage *self,
            gint64         class_id)
{
  const DsClassInfo *info = ds_run_scores_find_class (self->scores, class_id);

  return info != NULL ? info->name : "unlabelled";
}

static DsVerdict
verdict_of (DsInspectPage *self,
            float          score)
{
  return ds_verdict (score, (float) ds_score_histogram_get_low (self->histogram),
                     (float) ds_score_histogram_get_high (self->histogram));
}

static void
set_verdict_class (GtkWidget *widget,
                   DsVerdict  verdict)
{
  static const char * const names[] = { "verdict-pass", "verdict-review", "verdict-fail" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (i == verdict)
      gtk_widget_add_css_class (widget, names[i]);
    else
      gtk_widget_remove_css_class (widget, names[i]);
}

/* The image list */

static void
update_row (DsInspectPage *self,
            GtkListItem   *list_item)
{
  DsScoredItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *name = gtk_widget_get_first_child (row);
  GtkWidget *label = gtk_widget_get_next_sibling (name);
  GtkWidget *score = gtk_widget_get_next_sibling (label);
  DsVerdict verdict;
  char text[32];

  if (item == NULL)
    return;
  verdict = verdict_of (self, ds_scored_item_get_score (item));
  gtk_label_set_text (GTK_LABEL (name), ds_scored_item_get_name (item));
  gtk_label_set_text (GTK_LABEL (label), class_name (self, ds_scored_item_get_class_id (item)));
  g_snprintf (text, sizeof text, "%.4f", ds_scored_item_get_score (item));
  gtk_label_set_text (GTK_LABEL (score), text);
  set_verdict_class (score, verdict);
  gtk_widget_set_tooltip_text (row, ds_verdict_to_string (verdict));
}

static void
refresh_rows (DsInspectPage *self)
{
  for (guint i = 0; i < self->bound_rows->len; i++)
    update_row (self, g_ptr_array_index (self->bound_rows, i));
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DsInspectPage            *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *score = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (score, "numeric");
  gtk_widget_add_css_class (score, "score");
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), score);
  gtk_list_item_set_child (list_item, row);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DsInspectPage            *self)
{
  g_ptr_array_add (self->bound_rows, list_item);
  update_row (self, list_item);
  if (self->focus_pending)
    schedule_focus (self);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               DsInspectPage            *self)
{
  g_ptr_array_remove_fast (self->bound_rows, list_item);
}

static DsScoredItem *
selected_item (DsInspectPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/* The image shown */

static void
update_score (DsInspectPage *self)
{
  DsScoredItem *item = selected_item (self);
  double low = ds_score_histogram_get_low (self->histogram);
  double high = ds_score_histogram_get_high (self->histogram);
  g_autofree char *text = NULL;
  float score;
  DsVerdict verdict;

  if (item == NULL)
    {
      gtk_label_set_text (self->score_label, "");
      gtk_label_set_text (self->verdict_label, "");
      return;
    }
  score = ds_scored_item_get_score (item);
  verdict = verdict_of (self, score);
  text = g_strdup_printf ("Score %.4f against the band: pass ≤ %.4g < review ≤ %.4g < fail%s",
                          score, low, high,
                          ds_scored_item_get_trained (item)
                          ? " · the model trained on this image" : "");
  gtk_label_set_text (self->score_label, text);
  gtk_label_set_text (self->verdict_label, verdict == DS_VERDICT_PASS ? "Pass"
                                           : verdict == DS_VERDICT_FAIL ? "Fail" : "Review");
  set_verdict_class (GTK_WIDGET (self->verdict_label), verdict);
}

/* Dataset level: the calibrated scale, so that heat means the same on every image. Per image:
 * its own largest residual. */
static void
apply_heat_scale (DsInspectPage *self)
{
  gboolean per_image = gtk_switch_get_active (self->scale_switch);
  double heat_max = NAN;

  if (self->model != NULL)
    heat_max = ds_anomaly_model_get_params (self->model)->heat_max;
  if (per_image)
    heat_max = self->inspection != NULL ? self->inspection->map_max : NAN;
  ds_heatmap_view_set_heat_max (self->heat_view, per_image ? NAN : heat_max);
  ds_heat_legend_set_max (self->legend, heat_max);
}

static void
show_inspection (DsInspectPage *self)
{
  DsInspection *in = self->inspection;

  if (in == NULL)
    {
      ds_heatmap_view_set_image (self->input_view, NULL, 0, 0, 0);
      ds_heatmap_view_set_image (self->recon_view, NULL, 0, 0, 0);
      ds_heatmap_view_set_image (self->heat_view, NULL, 0, 0, 0);
      ds_heatmap_view_set_heat (self->heat_view, NULL, 0, 0);
      return;
    }
  ds_heatmap_view_set_image (self->input_view, in->input, in->c, in->h, in->w);
  ds_heatmap_view_set_image (self->recon_view, in->recon, in->c, in->h, in->w);
  ds_heatmap_view_set_image (self->heat_view, in->input, in->c, in->h, in->w);
  ds_heatmap_view_set_heat (self->heat_view, in->map, in->h, in->w);
  apply_heat_scale (self);
}

static void
inspected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsInspection) inspection = ds_anomaly_model_inspect_finish (result, &error);
  DsInspectPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_INSPECT_PAGE (user_data);
  if (inspection == NULL)
    {
      ds_heatmap_view_set_placeholder (self->input_view, error->message);
      return;
    }
  g_clear_pointer (&self->inspection, ds_inspection_free);
  self->inspection = g_steal_pointer (&inspection);
  show_inspection (self);
  g_signal_emit (self, signals[INSPECTED], 0, self->inspected_id);
}

static void
inspect_selected (DsInspectPage *self)
{
  DsScoredItem *item = selected_item (self);

  g_cancellable_cancel (self->inspect_cancellable);
  g_clear_object (&self->inspect_cancellable);
  if (item == NULL || self->model == NULL)
    return;
  self->inspect_cancellable = g_cancellable_new ();
  self->inspected_id = ds_scored_item_get_id (item);
  ds_anomaly_model_inspect_async (self->model, ds_scored_item_get_path (item),
                                  self->inspect_cancellable, inspected_cb, self);
}

static void
selection_changed_cb (DsInspectPage *self)
{
  DsScoredItem *item = selected_item (self);
  g_autofree char *title = NULL;

  /* the old image stays until the new one is computed: no flicker while stepping through */
  if (item == NULL)
    {
      gtk_label_set_text (self->image_title, "");
      ds_score_histogram_set_marker (self->histogram, NAN);
      update_score (self);
      return;
    }
  title = g_strdup_printf ("%s · %s", ds_scored_item_get_name (item),
                           class_name (self, ds_scored_item_get_class_id (item)));
  gtk_label_set_text (self->image_title, title);
  ds_score_histogram_set_marker (self->histogram, ds_scored_item_get_score (item));
  update_score (self);
  inspect_selected (self);
}

static void
scale_switched_cb (DsInspectPage *self)
{
  apply_heat_scale (self);
}

/* The review band */

static void
band_moving_cb (DsInspectPage *self)
{
  update_score (self);
  refresh_rows (self);
}

static void
band_changed_cb (DsInspectPage *self,
                 double         low,
                 double         high)
{
  g_autoptr(GError) error = NULL;
  DsRunInfo *info = self->scores != NULL ? self->scores->info : NULL;

  if (info == NULL || self->project == NULL)
    return;
  if (!ds_project_set_review_band (self->project, info->id, low, high, &error))
    {
      ds_show_error (GTK_WIDGET (self), "The review band could not be saved", error);
      ds_score_histogram_set_band (self->histogram, info->anomaly.threshold_low,
                                   info->anomaly.threshold_high);
      return;
    }
  info->anomaly.threshold_low = low;
  info->anomaly.threshold_high = high;
  g_signal_emit (self, signals[BAND_CHANGED], 0, info->id, low, high);
}

/* Loading */

static void
model_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsAnomalyModel) model = ds_anomaly_model_load_finish (result, &error);
  DsInspectPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_INSPECT_PAGE (user_data);
  if (model == NULL)
    {
      gtk_label_set_text (self->empty_label, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      return;
    }
  g_clear_pointer (&self->model, ds_anomaly_model_unref);
  self->model = g_steal_pointer (&model);
  apply_heat_scale (self);
  inspect_selected (self);
}

static char *
describe_run (const DsRunInfo *info)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (info->created_at / G_USEC_PER_SEC);
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%e %b %H:%M") : g_strdup ("");

  return g_strdup_printf ("#%" G_GINT64_FORMAT " %s, %s", info->id, info->config.preset,
                          g_strstrip (date));
}

static void
show_runs (DsInspectPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < self->scores->runs->len; i++)
    {
      const DsRunInfo *info = g_ptr_array_index (self->scores->runs, i);
      g_autofree char *text = describe_run (info);

      gtk_string_list_append (names, text);
      if (self->scores->info != NULL && info->id == self->scores->info->id)
        selected = i;
    }
  self->updating_runs = TRUE;
  gtk_drop_down_set_model (self->run_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->run_dropdown, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_dropdown), self->scores->runs->len > 0);
  self->updating_runs = FALSE;
}

static int
compare_scores (gconstpointer a,
                gconstpointer b)
{
  float x = ds_scored_item_get_score (*(DsScoredItem **) a);
  float y = ds_scored_item_get_score (*(DsScoredItem **) b);

  return (x < y) - (x > y);
}

static void
show_scores (DsInspectPage *self)
{
  DsRunScores *scores = self->scores;
  const DsRunInfo *info = scores->info;
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GArray) good = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) bad = g_array_new (FALSE, FALSE, sizeof (float));
  g_autofree char *summary = NULL;
  g_autofree char *pixel = NULL;
  guint select = 0;

  for (guint i = 0; i < scores->items->len; i++)
    {
      DsScoredItem *item = g_ptr_array_index (scores->items, i);
      float score = ds_scored_item_get_score (item);
      gint64 label = ds_scored_item_get_class_id (item);

      if (isnan (score))
        continue;
      g_ptr_array_add (sorted, item);
      if (label != 0 && label == scores->normal_class_id && !ds_scored_item_get_trained (item))
        g_array_append_val (good, score);
      else if (label != 0 && label != scores->normal_class_id)
        g_array_append_val (bad, score);
    }
  g_ptr_array_sort (sorted, compare_scores);
  for (guint i = 0; i < sorted->len; i++)
    if (ds_scored_item_get_id (g_ptr_array_index (sorted, i)) == self->keep_image)
      select = i;

  pixel = isnan (info->anomaly.pixel_auroc) ? g_strdup ("— (no masks)")
                                             : g_strdup_printf ("%.3f", info->anomaly.pixel_auroc);
  summary = g_strdup_printf ("Normal class “%s” · image AUROC %.3f · pixel AUROC %s · "
                             "%u images scored",
                             info->config.normal_class != NULL ? info->config.normal_class : "?",
                             info->anomaly.image_auroc, pixel, sorted->len);
  gtk_label_set_text (self->run_summary, summary);

  ds_score_histogram_set_scores (self->histogram, (const float *) (void *) good->data, good->len,
                                 (const float *) (void *) bad->data, bad->len);
  ds_score_histogram_set_band (self->histogram, info->anomaly.threshold_low,
                               info->anomaly.threshold_high);
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       sorted->pdata, sorted->len);
  gtk_stack_set_visible_child_name (self->main_stack, "inspect");
  if (sorted->len > 0)
    {
      gtk_single_selection_set_selected (self->selection, select);
      gtk_widget_activate_action (GTK_WIDGET (self->image_list), "list.scroll-to-item", "u",
                                  select);
    }
}

static void
scores_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsRunScores) scores = ds_run_scores_load_finish (result, &error);
  DsInspectPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_INSPECT_PAGE (user_data);
  if (scores == NULL)
    {
      gtk_label_set_text (self->empty_label, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  g_clear_pointer (&self->scores, ds_run_scores_free);
  self->scores = g_steal_pointer (&scores);
  show_runs (self);
  if (self->scores->info == NULL)
    {
      gtk_label_set_text (self->run_summary, "");
      gtk_label_set_text (self->empty_label,
                          "No anomaly model yet.\n\nTrain an autoencoder (conv-ae or dense-ae) on "
                          "the Train page: it learns what the normal parts look like, and this "
                          "page shows where an image departs from them.");
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
    }
  else
    {
      g_autofree char *path = g_build_filename (ds_project_get_folder (self->project),
                                                self->scores->info->checkpoint_best, NULL);

      show_scores (self);
      ds_anomaly_model_load_async (path, self->load_cancellable, model_loaded_cb, self);
    }
  g_signal_emit (self, signals[LOADED], 0);
}

static void
clear (DsInspectPage *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->inspect_cancellable);
  g_clear_object (&self->inspect_cancellable);
  g_clear_pointer (&self->model, ds_anomaly_model_unref);
  g_clear_pointer (&self->inspection, ds_inspection_free);
}

/* Reads run @run_id (0: the latest) of the project. */
static void
load (DsInspectPage *self,
      gint64         run_id)
{
  clear (self);
  if (self->project == NULL)
    return;
  self->load_cancellable = g_cancellable_new ();
  ds_run_scores_load_async (ds_project_get_folder (self->project), run_id, self->load_cancellable,
                            scores_loaded_cb, self);
}

static void
run_chosen_cb (DsInspectPage *self)
{
  guint i = gtk_drop_down_get_selected (self->run_dropdown);

  if (self->updating_runs || self->scores == NULL || i >= self->scores->runs->len)
    return;
  self->keep_image = ds_inspect_page_get_image_id (self);
  load (self, ((DsRunInfo *) g_ptr_array_index (self->scores->runs, i))->id);
}

/* Shown, the arrow keys step through the images at once. A list that has not laid out its
 * rows yet cannot take the focus: it is tried again when a row is bound. */
static gboolean
focus_idle_cb (gpointer user_data)
{
  DsInspectPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  self->focus_idle_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) || ds_inspect_page_get_n_images (self) == 0)
    return G_SOURCE_REMOVE;
  if ((focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
      || gtk_widget_grab_focus (GTK_WIDGET (self->image_list)))
    self->focus_pending = FALSE;

  return G_SOURCE_REMOVE;
}

static void
schedule_focus (DsInspectPage *self)
{
  if (self->focus_idle_id == 0)
    self->focus_idle_id = g_idle_add_full (GTK_PRIORITY_RESIZE + 10, focus_idle_cb, self, NULL);
}

static void
mapped_cb (DsInspectPage *self)
{
  self->focus_pending = TRUE;
  schedule_focus (self);
}

/* Public */

void
ds_inspect_page_set_project (DsInspectPage *self,
                             DsProject     *project)
{
  g_return_if_fail (DS_IS_INSPECT_PAGE (self));

  clear (self);
  self->project = project;
  ds_gan_samples_set_project (self->gan_samples, project);
  self->keep_image = 0;
  g_clear_pointer (&self->scores, ds_run_scores_free);
  g_list_store_remove_all (self->items);
  show_inspection (self);
  gtk_drop_down_set_model (self->run_dropdown, NULL);
  gtk_label_set_text (self->run_summary, "");
  gtk_label_set_text (self->empty_label, project != NULL ? "Reading the scores…"
                                                         : "Open a project to inspect its images.");
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
  load (self, 0);
}

void
ds_inspect_page_reload (DsInspectPage *self)
{
  g_return_if_fail (DS_IS_INSPECT_PAGE (self));

  self->keep_image = ds_inspect_page_get_image_id (self);
  load (self, ds_inspect_page_get_run_id (self));
}

void
ds_inspect_page_show_run (DsInspectPage *self,
                          gint64         run_id)
{
  g_return_if_fail (DS_IS_INSPECT_PAGE (self));

  self->keep_image = ds_inspect_page_get_image_id (self);
  load (self, run_id);
}

DsGanSamples *
ds_inspect_page_get_gan_samples (DsInspectPage *self)
{
  return self->gan_samples;
}

void
ds_inspect_page_show_samples (DsInspectPage *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "samples");
}

gint64
ds_inspect_page_get_run_id (DsInspectPage *self)
{
  return self->scores != NULL && self->scores->info != NULL ? self->scores->info->id : 0;
}

gboolean
ds_inspect_page_select_image (DsInspectPage *self,
                              gint64         image_id)
{
  GListModel *model = G_LIST_MODEL (self->items);

  g_return_val_if_fail (DS_IS_INSPECT_PAGE (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DsScoredItem) item = g_list_model_get_item (model, i);

      if (ds_scored_item_get_id (item) == image_id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->image_list), "list.scroll-to-item", "u", i);
          return TRUE;
        }
    }

  return FALSE;
}

gint64
ds_inspect_page_get_image_id (DsInspectPage *self)
{
  DsScoredItem *item = selected_item (self);

  return item != NULL ? ds_scored_item_get_id (item) : 0;
}

guint
ds_inspect_page_get_n_images (DsInspectPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

DsHeatmapView *
ds_inspect_page_get_view (DsInspectPage *self,
                          DsInspectView  view)
{
  switch (view)
    {
    case DS_INSPECT_VIEW_INPUT:
      return self->input_view;
    case DS_INSPECT_VIEW_RECONSTRUCTION:
      return self->recon_view;
    case DS_INSPECT_VIEW_HEATMAP:
    default:
      return self->heat_view;
    }
}

DsScoreHistogram *
ds_inspect_page_get_histogram (DsInspectPage *self)
{
  return self->histogram;
}

GtkSwitch *
ds_inspect_page_get_scale_switch (DsInspectPage *self)
{
  return self->scale_switch;
}

/* GObject */

static void
ds_inspect_page_dispose (GObject *object)
{
  DsInspectPage *self = DS_INSPECT_PAGE (object);

  clear (self);
  g_clear_handle_id (&self->focus_idle_id, g_source_remove);
  if (self->bound_rows != NULL)
    g_ptr_array_set_size (self->bound_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_INSPECT_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  g_clear_pointer (&self->scores, ds_run_scores_free);
  g_clear_pointer (&self->bound_rows, g_ptr_array_unref);
  self->project = NULL;

  G_OBJECT_CLASS (ds_inspect_page_parent_class)->dispose (object);
}

static void
ds_inspect_page_class_init (DsInspectPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_inspect_page_dispose;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[INSPECTED] = g_signal_new ("inspected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[BAND_CHANGED] = g_signal_new ("band-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                        G_TYPE_INT64, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  g_type_ensure (DS_TYPE_GAN_SAMPLES);
  g_type_ensure (DS_TYPE_HEATMAP_VIEW);
  g_type_ensure (DS_TYPE_HEAT_LEGEND);
  g_type_ensure (DS_TYPE_SCORE_HISTOGRAM);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/defectscope/Defectscope/ui/ds-inspect-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspectpage");

  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, paned);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, view_box);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, gan_samples);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, run_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, run_summary);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, image_list);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, image_title);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, recon_view);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, heat_view);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, legend);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, scale_switch);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, opacity_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, DsInspectPage, histogram);
  gtk_widget_class_bind_template_callback (widget_class, run_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, scale_switched_cb);
  gtk_widget_class_bind_template_callback (widget_class, band_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, band_moving_cb);
}

static void
ds_inspect_page_init (DsInspectPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound_rows = g_ptr_array_new ();
  self->items = g_list_store_new (DS_TYPE_SCORED_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  /* also when the list is replaced and the selection moves to another item */
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), self);
  gtk_list_view_set_factory (self->image_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->image_list, GTK_SELECTION_MODEL (self->selection));

  ds_heatmap_view_set_placeholder (self->input_view, "");
  g_object_bind_property (self->opacity_adjustment, "value", self->heat_view, "opacity",
                          G_BINDING_SYNC_CREATE);
  gtk_label_set_text (self->empty_label, "Open a project to inspect its images.");
  g_signal_connect (self, "map", G_CALLBACK (mapped_cb), NULL);
}
