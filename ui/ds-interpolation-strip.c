/* ds-interpolation-strip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-interpolation-strip.h"

#include "ds-engine.h"

struct _DsInterpolationStrip
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkLabel      *label;
  GtkSpinButton *steps_spin;
  DsSampleGrid  *grid;

  char          *checkpoint;
  float         *z0, *z1;      /* (latent) */
  guint          latent;
  char          *description;
  GCancellable  *cancellable;
  gboolean       busy;
  gboolean       again;        /* asked while busy */
};

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsInterpolationStrip, ds_interpolation_strip, GTK_TYPE_WIDGET)

GtkWidget *
ds_interpolation_strip_new (void)
{
  return g_object_new (DS_TYPE_INTERPOLATION_STRIP, NULL);
}

void
ds_slerp (const float *z0,
          const float *z1,
          guint        latent,
          double       t,
          float       *out)
{
  double dot = 0.0, n0 = 0.0, n1 = 0.0, omega, s;

  for (guint i = 0; i < latent; i++)
    {
      dot += (double) z0[i] * z1[i];
      n0 += (double) z0[i] * z0[i];
      n1 += (double) z1[i] * z1[i];
    }
  omega = n0 > 0 && n1 > 0 ? acos (CLAMP (dot / sqrt (n0 * n1), -1.0, 1.0)) : 0.0;
  s = sin (omega);
  for (guint i = 0; i < latent; i++)
    out[i] = s < 1e-6 ? (float) ((1 - t) * z0[i] + t * z1[i])
                      : (float) ((sin ((1 - t) * omega) * z0[i] + sin (t * omega) * z1[i]) / s);
}

/* The work, on a thread of the pool */

typedef struct
{
  char     *checkpoint;
  DsTensor *z;          /* (steps, latent, 1, 1) */
} Request;

static void
request_free (Request *r)
{
  g_free (r->checkpoint);
  ds_tensor_free (r->z);
  g_free (r);
}

static void
generate_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Request *r = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (0, 1);
  g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));

  /* the checkpoint is replaced atomically: this reads a whole one, old or new */
  gan = ds_gan_load (r->checkpoint, FALSE, &error);
  if (gan == NULL || g_task_return_error_if_cancelled (task))
    {
      if (gan == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (gan->latent != r->z->shape.c)
    {
      g_task_return_new_error (task, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                               "%s: latent vectors of %u values, not %u", r->checkpoint,
                               gan->latent, r->z->shape.c);
      return;
    }
  if (!ds_gan_generate (gan, ctx, r->z, images, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, ds_sample_set_new_from_tensor (gan->epochs_done, images),
                         (GDestroyNotify) ds_sample_set_unref);
}

static void start (DsInterpolationStrip *self);

static void
generate_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DsInterpolationStrip *self = DS_INTERPOLATION_STRIP (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(DsSampleSet) set = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;

  self->busy = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->again)
    {
      start (self);
      return;
    }
  if (set != NULL)
    {
      text = g_strdup_printf ("Interpolation between %s, generator of epoch %u",
                              self->description, set->epoch);
      ds_sample_grid_set_samples (self->grid, set);
    }
  else
    text = g_strdup_printf ("No interpolation: %s", error->message);
  gtk_label_set_text (self->label, text);
  g_signal_emit (self, signals[UPDATED], 0);
}

static void
start (DsInterpolationStrip *self)
{
  g_autoptr(GTask) task = NULL;
  Request *r;
  guint steps = ds_interpolation_strip_get_n_steps (self);

  self->again = FALSE;
  if (self->checkpoint == NULL || self->z0 == NULL
      || !g_file_test (self->checkpoint, G_FILE_TEST_EXISTS))
    return;
  if (self->busy)
    {
      self->again = TRUE;
      return;
    }
  r = g_new0 (Request, 1);
  r->checkpoint = g_strdup (self->checkpoint);
  r->z = ds_tensor_new (DS_SHAPE (steps, self->latent, 1, 1));
  for (guint i = 0; i < steps; i++)
    ds_slerp (self->z0, self->z1, self->latent, steps > 1 ? (double) i / (steps - 1) : 0.0,
              r->z->data + (gsize) i * self->latent);

  self->busy = TRUE;
  task = g_task_new (self, self->cancellable, generate_done_cb, NULL);
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, generate_worker);
}

void
ds_interpolation_strip_clear (DsInterpolationStrip *self)
{
  g_return_if_fail (DS_IS_INTERPOLATION_STRIP (self));

  /* a strip under way is dropped */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = self->again = FALSE;
  g_clear_pointer (&self->checkpoint, g_free);
  g_clear_pointer (&self->z0, g_free);
  g_clear_pointer (&self->z1, g_free);
  g_clear_pointer (&self->description, g_free);
  ds_sample_grid_set_samples (self->grid, NULL);
  gtk_label_set_text (self->label, "Interpolation: after the first epoch");
}

void
ds_interpolation_strip_set_generator (DsInterpolationStrip *self,
                                      const char           *checkpoint)
{
  g_return_if_fail (DS_IS_INTERPOLATION_STRIP (self));

  g_free (self->checkpoint);
  self->checkpoint = g_strdup (checkpoint);
  start (self);
}

void
ds_interpolation_strip_set_ends (DsInterpolationStrip *self,
                                 const float          *z0,
                                 const float          *z1,
                                 guint                 latent,
                                 const char           *description)
{
  g_return_if_fail (DS_IS_INTERPOLATION_STRIP (self));
  g_return_if_fail (latent > 0);

  if (self->z0 != NULL && self->latent == latent
      && memcmp (self->z0, z0, latent * sizeof (float)) == 0
      && memcmp (self->z1, z1, latent * sizeof (float)) == 0)
    return;
  g_free (self->z0);
  g_free (self->z1);
  self->z0 = g_memdup2 (z0, latent * sizeof (float));
  self->z1 = g_memdup2 (z1, latent * sizeof (float));
  self->latent = latent;
  g_free (self->description);
  self->description = g_strdup (description);
  start (self);
}

void
ds_interpolation_strip_set_n_steps (DsInterpolationStrip *self,
                                    guint                 n_steps)
{
  gtk_spin_button_set_value (self->steps_spin, n_steps);
}

guint
ds_interpolation_strip_get_n_steps (DsInterpolationStrip *self)
{
  return (guint) gtk_spin_button_get_value_as_int (self->steps_spin);
}

gboolean
ds_interpolation_strip_is_busy (DsInterpolationStrip *self)
{
  return self->busy;
}

DsSampleSet *
ds_interpolation_strip_get_samples (DsInterpolationStrip *self)
{
  return ds_sample_grid_get_samples (self->grid);
}

static void
steps_changed_cb (DsInterpolationStrip *self)
{
  start (self);
}

static void
ds_interpolation_strip_dispose (GObject *object)
{
  DsInterpolationStrip *self = DS_INTERPOLATION_STRIP (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (ds_interpolation_strip_parent_class)->dispose (object);
}

static void
ds_interpolation_strip_finalize (GObject *object)
{
  DsInterpolationStrip *self = DS_INTERPOLATION_STRIP (object);

  g_free (self->checkpoint);
  g_free (self->z0);
  g_free (self->z1);
  g_free (self->description);

  G_OBJECT_CLASS (ds_interpolation_strip_parent_class)->finalize (object);
}

static void
ds_interpolation_strip_class_init (DsInterpolationStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_interpolation_strip_dispose;
  object_class->finalize = ds_interpolation_strip_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "interpolationstrip");

  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ds_interpolation_strip_init (DsInterpolationStrip *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *steps_label = gtk_label_new_with_mnemonic ("Ste_ps");

  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->label = GTK_LABEL (gtk_label_new ("Interpolation: after the first epoch"));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->label),
                               "Select two samples to choose the ends of the strip");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (header), steps_label);
  self->steps_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (3, 16, 1));
  gtk_spin_button_set_value (self->steps_spin, DS_INTERPOLATION_STEPS_DEFAULT);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->steps_spin), "Images from one end to the other");
  gtk_label_set_mnemonic_widget (GTK_LABEL (steps_label), GTK_WIDGET (self->steps_spin));
  g_signal_connect_swapped (self->steps_spin, "value-changed", G_CALLBACK (steps_changed_cb),
                            self);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->steps_spin));
  gtk_box_append (GTK_BOX (self->box), header);

  self->grid = DS_SAMPLE_GRID (ds_sample_grid_new ());
  ds_sample_grid_set_selectable (self->grid, FALSE);
  ds_sample_grid_set_single_row (self->grid, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->grid), -1, 72);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->grid));
}
