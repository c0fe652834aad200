/* ds-review-page.c
 *
 * The queue is read with the Inspect page's reader (ds-run-scores.c) in a worker; decisions are
 * written on the main thread's project handle, label first, then the review, so that what the
 * page shows is always what the project holds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-anomaly-model.h"
#include "ds-error-dialog.h"
#include "ds-heatmap-view.h"
#include "ds-review-page.h"
#include "ds-review-page-private.h"
#include "ds-run-scores.h"
#include "ds-scored-item.h"

#include "ds-engine.h"
#include "store/ds-project-runs.h"

enum {
  LOADED,
  SHOWN,
  LABELS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsReviewPage, ds_review_page, GTK_TYPE_WIDGET)

static void schedule_focus (DsReviewPage *self);

const char *
ds_review_page_class_name (DsReviewPage *self,
                           gint64        class_id)
{
  const DsClassInfo *info = ds_run_scores_find_class (self->scores, class_id);

  return info != NULL ? info->name : "unlabelled";
}

static double
band_low (DsReviewPage *self)
{
  return self->scores != NULL && self->scores->info != NULL
         ? self->scores->info->anomaly.threshold_low : NAN;
}

static double
band_high (DsReviewPage *self)
{
  return self->scores != NULL && self->scores->info != NULL
         ? self->scores->info->anomaly.threshold_high : NAN;
}

DsScoredItem *
ds_review_page_selected_item (DsReviewPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

void
ds_review_page_update_counts (DsReviewPage *self)
{
  g_autofree char *text = NULL;
  guint remaining = g_list_model_get_n_items (G_LIST_MODEL (self->queue));

  text = g_strdup_printf ("%u reviewed · %u remaining", self->n_reviewed, remaining);
  gtk_label_set_text (self->counts_label, self->scores != NULL ? text : "");
  if (self->scores != NULL && remaining == 0)
    {
      gtk_label_set_text (self->empty_label,
                          self->n_reviewed > 0
                          ? "Every flagged image is reviewed."
                          : "Nothing to review: no image scores above the review band's low "
                            "threshold, and no classifier prediction disagrees with a label.");
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
    }
  else if (self->scores != NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "review");
}

/* The queue's rows */

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              DsReviewPage             *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *reason = gtk_label_new (NULL);
  GtkWidget *score = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (reason, "dim-label");
  gtk_widget_add_css_class (score, "numeric");
  gtk_box_append (GTK_BOX (row), name);
  gtk_box_append (GTK_BOX (row), reason);
  gtk_box_append (GTK_BOX (row), score);
  gtk_list_item_set_child (list_item, row);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             DsReviewPage             *self)
{
  DsScoredItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *name = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *reason = gtk_widget_get_next_sibling (name);
  GtkWidget *score = gtk_widget_get_next_sibling (reason);
  float value = ds_scored_item_get_score (item);
  char text[32];

  gtk_label_set_text (GTK_LABEL (name), ds_scored_item_get_name (item));
  gtk_label_set_text (GTK_LABEL (reason),
                      ds_scored_item_disagrees (item)
                      ? "≠ classifier"
                      : ds_review_page_class_name (self, ds_scored_item_get_class_id (item)));
  if (isnan (value))
    g_strlcpy (text, "—", sizeof text);
  else
    g_snprintf (text, sizeof text, "%.4f", value);
  gtk_label_set_text (GTK_LABEL (score), text);
  g_ptr_array_add (self->bound_rows, list_item);
  if (self->focus_pending && gtk_list_item_get_position (list_item) == self->focus_position)
    schedule_focus (self);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               DsReviewPage             *self)
{
  g_ptr_array_remove_fast (self->bound_rows, list_item);
}

/* The image shown */

static void
show_heat (DsReviewPage *self,
           DsInspection *in)
{
  ds_heatmap_view_set_image (self->image_view, in->input, in->c, in->h, in->w);
  ds_heatmap_view_set_image (self->heat_view, in->input, in->c, in->h, in->w);
  ds_heatmap_view_set_heat (self->heat_view, in->map, in->h, in->w);
  ds_heatmap_view_set_heat_max (self->heat_view,
                                ds_anomaly_model_get_params (self->model)->heat_max);
}

static void
inspected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsInspection) inspection = ds_anomaly_model_inspect_finish (result, &error);
  DsReviewPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_REVIEW_PAGE (user_data);
  if (inspection == NULL)
    {
      ds_heatmap_view_set_placeholder (self->image_view, error->message);
      return;
    }
  show_heat (self, inspection);
  g_signal_emit (self, signals[SHOWN], 0, self->shown_id);
}

/* Without an anomaly model the image is shown alone. */
static void
image_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(DsInspection) in = g_new0 (DsInspection, 1);
  g_autofree guint8 *pixels = NULL;
  GError *error = NULL;

  pixels = ds_png_load (task_data, 3, 0, 0, &in->h, &in->w, &error);
  if (pixels == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  in->c = 3;
  in->input = g_new (float, (gsize) 3 * in->h * in->w);
  for (gsize i = 0; i < (gsize) 3 * in->h * in->w; i++)
    in->input[i] = pixels[i] / 255.0f;
  g_task_return_pointer (task, g_steal_pointer (&in), (GDestroyNotify) ds_inspection_free);
}

static void
image_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsInspection) in = g_task_propagate_pointer (G_TASK (result), &error);
  DsReviewPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_REVIEW_PAGE (user_data);
  if (in == NULL)
    {
      ds_heatmap_view_set_placeholder (self->image_view, error->message);
      return;
    }
  ds_heatmap_view_set_image (self->image_view, in->input, in->c, in->h, in->w);
  ds_heatmap_view_set_image (self->heat_view, NULL, 0, 0, 0);
  ds_heatmap_view_set_heat (self->heat_view, NULL, 0, 0);
  g_signal_emit (self, signals[SHOWN], 0, self->shown_id);
}

static void
describe_selected (DsReviewPage *self,
                   DsScoredItem *item)
{
  g_autofree char *title = NULL;
  g_autofree char *score = NULL;
  g_autoptr(GString) reason = g_string_new (NULL);
  float value = ds_scored_item_get_score (item);
  double low = band_low (self), high = band_high (self);

  title = g_strdup_printf ("%s · %s", ds_scored_item_get_name (item),
                           ds_review_page_class_name (self, ds_scored_item_get_class_id (item)));
  gtk_label_set_text (self->image_title, title);

  if (!isnan (value) && !isnan (low))
    {
      DsVerdict verdict = ds_verdict (value, (float) low, (float) high);

      score = g_strdup_printf ("Score %.4f: pass ≤ %.4g < review ≤ %.4g < fail", value, low, high);
      gtk_label_set_text (self->verdict_label, verdict == DS_VERDICT_PASS ? "Pass"
                                               : verdict == DS_VERDICT_FAIL ? "Fail" : "Review");
      gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), TRUE);
      for (guint v = 0; v < 3; v++)
        {
          static const char * const names[] = { "verdict-pass", "verdict-review", "verdict-fail" };

          if (v == verdict)
            gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), names[v]);
          else
            gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), names[v]);
        }
      if (value > low)
        g_string_append_printf (reason, "Flagged by run #%" G_GINT64_FORMAT ": its score is above "
                                "%.4g.", self->scores->info->id, low);
    }
  else
    {
      score = g_strdup ("No anomaly score");
      gtk_widget_set_visible (GTK_WIDGET (self->verdict_label), FALSE);
    }
  gtk_label_set_text (self->score_label, score);
  if (ds_scored_item_disagrees (item))
    g_string_append_printf (reason, "%sClassifier run #%" G_GINT64_FORMAT " predicts “%s” "
                            "(%.0f %%), the label is “%s”.", reason->len > 0 ? " " : "",
                            self->scores->classifier_run,
                            ds_review_page_class_name (
                              self, ds_scored_item_get_predicted_class_id (item)),
                            100.0 * ds_scored_item_get_confidence (item),
                            ds_review_page_class_name (self, ds_scored_item_get_class_id (item)));
  gtk_label_set_text (self->reason_label, reason->str);
}

static void
selection_changed_cb (DsReviewPage *self)
{
  DsScoredItem *item = ds_review_page_selected_item (self);

  g_cancellable_cancel (self->show_cancellable);
  g_clear_object (&self->show_cancellable);
  if (item == NULL)
    {
      self->shown_id = 0;
      return;
    }
  describe_selected (self, item);
  self->shown_id = ds_scored_item_get_id (item);
  self->show_cancellable = g_cancellable_new ();
  if (self->model != NULL && !isnan (ds_scored_item_get_score (item)))
    ds_anomaly_model_inspect_async (self->model, ds_scored_item_get_path (item),
                                    self->show_cancellable, inspected_cb, self);
  else
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->show_cancellable, image_loaded_cb, self);

      g_task_set_task_data (task, g_strdup (ds_scored_item_get_path (item)), g_free);
      g_task_run_in_thread (task, image_worker);
    }
}

/* Deciding */

/* GTK 4.8 has no API to focus a list position; a row's list item widget can grab focus, and
 * the list then moves its own cursor there (as the Label page's grid does). */
static gboolean
focus_row (DsReviewPage *self)
{
  for (guint i = 0; i < self->bound_rows->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (self->bound_rows, i);

      if (gtk_list_item_get_position (list_item) == self->focus_position)
        {
          GtkWidget *row = gtk_widget_get_parent (gtk_list_item_get_child (list_item));

          if (row != NULL)
            gtk_widget_grab_focus (row);
          return TRUE;
        }
    }

  return FALSE;
}

/* A row scrolled into view, or shown for the first time, is bound at a later layout: the focus
 * goes to it then (see row_bind_cb). */
static gboolean
focus_idle_cb (gpointer user_data)
{
  DsReviewPage *self = user_data;

  self->focus_idle_id = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && focus_row (self))
    self->focus_pending = FALSE;

  return G_SOURCE_REMOVE;
}

static void
schedule_focus (DsReviewPage *self)
{
  if (self->focus_idle_id == 0)
    self->focus_idle_id = g_idle_add_full (GTK_PRIORITY_RESIZE + 10, focus_idle_cb, self, NULL);
}

/* Scrolls to the row at @position and puts the keyboard focus on it, so that the keys and the
 * arrows go on from the image shown. */
void
ds_review_page_focus_queue (DsReviewPage *self,
                            guint         position)
{
  /* GTK 4.8 has no gtk_list_view_scroll_to(); the list base's action scrolls */
  gtk_widget_activate_action (GTK_WIDGET (self->queue_list), "list.scroll-to-item", "u", position);
  self->focus_position = position;
  self->focus_pending = !focus_row (self);
  if (self->focus_pending)
    schedule_focus (self);
}

/* Return on a row of the queue */
static void
queue_activate_cb (DsReviewPage *self,
                   guint         position)
{
  ds_review_page_decide_and_report (self, -1);
}

/* Loading */

static int
compare_queued (gconstpointer a,
                gconstpointer b)
{
  DsScoredItem *x = *(DsScoredItem **) a, *y = *(DsScoredItem **) b;
  float sx = ds_scored_item_get_score (x), sy = ds_scored_item_get_score (y);

  /* by score, highest first; images without one after, the surest predictions first */
  if (isnan (sx) != isnan (sy))
    return isnan (sx) ? 1 : -1;
  if (!isnan (sx) && sx != sy)
    return (sx < sy) - (sx > sy);
  return (ds_scored_item_get_confidence (x) < ds_scored_item_get_confidence (y))
         - (ds_scored_item_get_confidence (x) > ds_scored_item_get_confidence (y));
}

static void
show_queue (DsReviewPage *self)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new ();
  g_autoptr(GString) source = g_string_new (NULL);
  double low = band_low (self);
  guint select = 0;

  self->n_reviewed = 0;
  for (guint i = 0; i < self->scores->items->len; i++)
    {
      DsScoredItem *item = g_ptr_array_index (self->scores->items, i);
      float score = ds_scored_item_get_score (item);
      gint64 label = ds_scored_item_get_class_id (item);
      /* an image a person labelled defective is decided, whatever its score; one labelled
       * normal that scores high is a label to check, like a classifier's disagreement */
      gboolean flagged = (!isnan (low) && !isnan (score) && score > low &&
                          (label == 0 || label == self->scores->normal_class_id))
                         || ds_scored_item_disagrees (item);

      if (!flagged)
        continue;
      if (ds_scored_item_is_reviewed (item))
        self->n_reviewed++;
      else
        g_ptr_array_add (queued, item);
    }
  g_ptr_array_sort (queued, compare_queued);
  for (guint i = 0; i < queued->len; i++)
    if (ds_scored_item_get_id (g_ptr_array_index (queued, i)) == self->keep_image)
      select = i;

  if (self->scores->info != NULL)
    g_string_append_printf (source, "Run #%" G_GINT64_FORMAT " (%s) flags the unlabelled and "
                            "“%s” images scoring above %.4g.", self->scores->info->id,
                            self->scores->info->config.preset,
                            ds_review_page_class_name (self, self->scores->normal_class_id), low);
  if (self->scores->classifier_run != 0)
    g_string_append_printf (source, "%sRun #%" G_GINT64_FORMAT "'s predictions that disagree "
                            "with a label are queued too.", source->len > 0 ? " " : "",
                            self->scores->classifier_run);
  gtk_label_set_text (self->source_label, source->str);

  g_list_store_splice (self->queue, 0, g_list_model_get_n_items (G_LIST_MODEL (self->queue)),
                       queued->pdata, queued->len);
  ds_review_page_show_decisions (self);
  ds_review_page_update_counts (self);
  if (queued->len > 0)
    {
      gtk_single_selection_set_selected (self->selection, select);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        ds_review_page_focus_queue (self, select);
    }
}

static void
model_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsAnomalyModel) model = ds_anomaly_model_load_finish (result, &error);
  DsReviewPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_REVIEW_PAGE (user_data);
  if (model == NULL)
    {
      gtk_label_set_text (self->source_label, error->message);
      return;
    }
  g_clear_pointer (&self->model, ds_anomaly_model_unref);
  self->model = g_steal_pointer (&model);
  /* the image shown gets its heatmap */
  selection_changed_cb (self);
}

static void
scores_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsRunScores) scores = ds_run_scores_load_finish (result, &error);
  DsReviewPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DS_REVIEW_PAGE (user_data);
  if (scores == NULL)
    {
      gtk_label_set_text (self->empty_label, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  g_clear_pointer (&self->scores, ds_run_scores_free);
  self->scores = g_steal_pointer (&scores);
  show_queue (self);
  if (self->scores->info != NULL)
    {
      g_autofree char *path = g_build_filename (ds_project_get_folder (self->project),
                                                self->scores->info->checkpoint_best, NULL);

      ds_anomaly_model_load_async (path, self->load_cancellable, model_loaded_cb, self);
    }
  g_signal_emit (self, signals[LOADED], 0);
}

static void
clear (DsReviewPage *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->show_cancellable);
  g_clear_object (&self->show_cancellable);
  g_clear_pointer (&self->model, ds_anomaly_model_unref);
}

/* Shown, the page is ready for the keys: they act where the focus is. */
static void
mapped_cb (DsReviewPage *self)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_STACK);

  if (stack != NULL && !self->watching_stack)
    {
      g_signal_connect_object (stack, "notify::visible-child",
                               G_CALLBACK (ds_review_page_update_keys), self, G_CONNECT_SWAPPED);
      self->watching_stack = TRUE;
    }
  ds_review_page_update_keys (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->queue)) > 0)
    ds_review_page_focus_queue (self, gtk_single_selection_get_selected (self->selection));
}

/* Public */

void
ds_review_page_set_project (DsReviewPage *self,
                            DsProject    *project)
{
  g_return_if_fail (DS_IS_REVIEW_PAGE (self));

  clear (self);
  self->project = project;
  self->keep_image = 0;
  self->n_reviewed = 0;
  g_clear_pointer (&self->scores, ds_run_scores_free);
  g_list_store_remove_all (self->queue);
  gtk_label_set_text (self->counts_label, "");
  gtk_label_set_text (self->source_label, "");
  gtk_label_set_text (self->empty_label, project != NULL ? "Reading the queue…"
                                                         : "Open a project to review its images.");
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
  ds_review_page_reload (self);
}

void
ds_review_page_reload (DsReviewPage *self)
{
  g_return_if_fail (DS_IS_REVIEW_PAGE (self));

  self->keep_image = ds_review_page_get_image_id (self);
  clear (self);
  if (self->project == NULL)
    return;
  self->load_cancellable = g_cancellable_new ();
  ds_run_scores_load_async (ds_project_get_folder (self->project), 0, self->load_cancellable,
                            scores_loaded_cb, self);
}

guint
ds_review_page_get_n_remaining (DsReviewPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->queue));
}

guint
ds_review_page_get_n_reviewed (DsReviewPage *self)
{
  return self->n_reviewed;
}

gint64
ds_review_page_get_image_id (DsReviewPage *self)
{
  DsScoredItem *item = ds_review_page_selected_item (self);

  return item != NULL ? ds_scored_item_get_id (item) : 0;
}

DsHeatmapView *
ds_review_page_get_heat_view (DsReviewPage *self)
{
  return self->heat_view;
}

GtkWidget *
ds_review_page_get_queue_view (DsReviewPage *self)
{
  return GTK_WIDGET (self->queue_list);
}

/* GObject */

static void
ds_review_page_dispose (GObject *object)
{
  DsReviewPage *self = DS_REVIEW_PAGE (object);

  clear (self);
  g_clear_handle_id (&self->focus_idle_id, g_source_remove);
  if (self->bound_rows != NULL)
    g_ptr_array_set_size (self->bound_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_REVIEW_PAGE);
  g_clear_pointer (&self->bound_rows, g_ptr_array_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->queue);
  g_clear_pointer (&self->scores, ds_run_scores_free);
  self->project = NULL;

  G_OBJECT_CLASS (ds_review_page_parent_class)->dispose (object);
}

static void
ds_review_page_class_init (DsReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_review_page_dispose;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SHOWN] = g_signal_new ("shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[LABELS_CHANGED] = g_signal_new ("labels-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (DS_TYPE_HEATMAP_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/defectscope/Defectscope/ui/ds-review-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "reviewpage");

  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, paned);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, counts_label);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, source_label);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, queue_list);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, image_title);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, image_view);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, heat_view);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, decision_box);
  gtk_widget_class_bind_template_child (widget_class, DsReviewPage, keys_label);
  gtk_widget_class_bind_template_callback (widget_class, queue_activate_cb);

  ds_review_page_class_init_actions (widget_class);
}

static void
ds_review_page_init (DsReviewPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound_rows = g_ptr_array_new ();
  self->queue = g_list_store_new (DS_TYPE_SCORED_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->queue)));
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), self);
  gtk_list_view_set_factory (self->queue_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->queue_list, GTK_SELECTION_MODEL (self->selection));
  gtk_label_set_text (self->empty_label, "Open a project to review its images.");
  g_signal_connect (self, "map", G_CALLBACK (mapped_cb), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (ds_review_page_update_keys), NULL);
  ds_review_page_add_keys (self);
  ds_review_page_update_keys (self);
}
