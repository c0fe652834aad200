/* test-train.c: the training loop and evaluation on a small synthetic data set
 *
 * The data: 8×8 gray images of four classes, a bright two-pixel-high bar at rows 0-1, 2-3,
 * 4-5 or 6-7 over a dark noisy background, which a tiny CNN separates within a few epochs.
 * That training repeats exactly is tested in test-train-determinism.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"

#include "train-fixture.h"

/* Progress events, copied as they arrive. */
typedef struct
{
  GArray  *events;       /* DsProgress */
  guint64  stop_at;      /* return FALSE at this global step (0: never) */
  guint    stop_epoch;   /* return FALSE at this epoch's end (0: never) */
  guint64  poison_at;    /* set a parameter to NaN at this global step */
  gsize    poison_index; /* which one */
  DsModel *model;
  /* the last epoch's validation confusion matrix, read while it is alive */
  guint64  confusion_total;
  double   confusion_accuracy;
} Recorder;

static gboolean
record_cb (const DsProgress *p,
           gpointer          user_data)
{
  Recorder *r = user_data;

  g_array_append_val (r->events, *p);
  if (p->kind == DS_PROGRESS_EPOCH && p->val_confusion != NULL)
    {
      r->confusion_total = ds_confusion_total (p->val_confusion);
      r->confusion_accuracy = ds_confusion_accuracy (p->val_confusion);
    }
  if (p->kind == DS_PROGRESS_STEP && r->poison_at > 0 && p->global_step == r->poison_at)
    r->model->params[r->poison_index] = NAN;
  if (p->kind == DS_PROGRESS_STEP && r->stop_at > 0 && p->global_step == r->stop_at)
    return FALSE;
  if (p->kind == DS_PROGRESS_EPOCH && r->stop_epoch > 0 && p->epoch == r->stop_epoch)
    return FALSE;

  return TRUE;
}

static Recorder *
recorder_new (void)
{
  Recorder *r = g_new0 (Recorder, 1);

  r->events = g_array_new (FALSE, TRUE, sizeof (DsProgress));

  return r;
}

static void
recorder_free (Recorder *r)
{
  g_array_unref (r->events);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recorder, recorder_free)

static const DsProgress *
last_event (Recorder      *r,
            DsProgressKind kind)
{
  for (guint i = r->events->len; i-- > 0;)
    if (g_array_index (r->events, DsProgress, i).kind == kind)
      return &g_array_index (r->events, DsProgress, i);

  return NULL;
}

/* The global step of the last step reported, 0 for none. */
static guint64
last_global_step (Recorder *r)
{
  const DsProgress *p = last_event (r, DS_PROGRESS_STEP);

  return p != NULL ? p->global_step : 0;
}

/* A model, its optimiser and a recorded context, for the runs that stop early. */
typedef struct
{
  DsDataset   *data;
  DsContext   *ctx;
  DsModel     *model;
  DsOptimizer *opt;
  Recorder    *r;
  GArray      *history;  /* DsEpochResult */
} Run;

static Run *
run_new (const char  *spec,
         guint        n_samples,
         guint        n_threads,
         DsOptimKind  kind,
         float        lr)
{
  Run *run = g_new0 (Run, 1);

  run->data = bars_dataset (n_samples, 4, 0);
  run->ctx = ds_context_new (3, n_threads);
  run->model = tiny_model (spec, run->ctx);
  run->opt = ds_optimizer_new (kind, run->model->n_params, lr, 0.0f);
  run->r = recorder_new ();
  run->r->model = run->model;
  run->history = g_array_new (FALSE, FALSE, sizeof (DsEpochResult));
  ds_context_set_progress (run->ctx, record_cb, run->r);

  return run;
}

static void
run_free (Run *run)
{
  g_array_unref (run->history);
  recorder_free (run->r);
  ds_optimizer_free (run->opt);
  ds_model_free (run->model);
  ds_context_free (run->ctx);
  ds_dataset_free (run->data);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Trains on the whole data set in batches of 16, expecting a failure with @code. */
static void
run_fails (Run     *run,
           guint    epochs,
           gint     code,
           GError **error)
{
  DsTrainConfig config = { .epochs = epochs, .batch_size = 16 };
  DsSubset set = { run->data, NULL, run->data->n };

  g_assert_false (ds_train_model (run->model, run->opt, run->ctx, &set, NULL, &config, NULL,
                                  run->history, error));
  g_assert_error (*error, DS_ENGINE_ERROR, code);
}

static void
evaluate (DsModel         *model,
          const DsDataset *data,
          guint            n_threads,
          DsConfusion     *cm,
          double          *loss,
          float           *probs,
          Recorder        *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsContext) ctx = ds_context_new (1, n_threads);
  DsSubset set = { data, NULL, data->n };

  if (r != NULL)
    ds_context_set_progress (ctx, record_cb, r);
  g_assert_true (ds_evaluate_classifier (model, ctx, &set, 16, cm, loss, probs, &error));
  g_assert_no_error (error);
}

static double
accuracy_on (DsModel         *model,
             const DsDataset *data)
{
  g_autoptr(DsConfusion) cm = ds_confusion_new (N_CLASSES);

  evaluate (model, data, 1, cm, NULL, NULL, NULL);

  return ds_confusion_accuracy (cm);
}

static void
test_learns (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (200, 1, 0);
  g_autoptr(DsDataset) test = bars_dataset (80, 2, 0);
  g_autoptr(DsContext) ctx = ds_context_new (42, 2);
  g_autoptr(DsModel) model = tiny_model (tiny_spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.02f, 0.0f);
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (DsEpochResult));
  g_autofree guint32 *train_idx = NULL;
  g_autofree guint32 *val_idx = NULL;
  DsTrainConfig config = { .epochs = 8, .batch_size = 16 };
  DsSubset train_set, val_set;
  const DsEpochResult *first, *last;
  guint n_train, n_val;

  ds_dataset_split (data, 0.2, ds_context_get_rng (ctx), &train_idx, &n_train, &val_idx, &n_val);
  g_assert_cmpuint (n_train, ==, 160);
  g_assert_cmpuint (n_val, ==, 40);
  train_set = (DsSubset) { data, train_idx, n_train };
  val_set = (DsSubset) { data, val_idx, n_val };

  g_assert_cmpfloat (accuracy_on (model, test), <, 0.6);
  g_assert_true (ds_train_model (model, opt, ctx, &train_set, &val_set, &config, NULL, history,
                                      &error));
  g_assert_no_error (error);

  g_assert_cmpuint (history->len, ==, 8);
  first = &g_array_index (history, DsEpochResult, 0);
  last = &g_array_index (history, DsEpochResult, history->len - 1);
  g_test_message ("train loss %.4f → %.4f, val loss %.4f, val accuracy %.3f",
                  first->train_loss, last->train_loss, last->val_loss, last->val_accuracy);
  for (guint i = 0; i < history->len; i++)
    g_assert_cmpuint (g_array_index (history, DsEpochResult, i).epoch, ==, i + 1);
  g_assert_cmpfloat (last->train_loss, <, 0.5 * first->train_loss);
  g_assert_cmpfloat (last->val_accuracy, >=, 0.95);
  g_assert_cmpfloat (accuracy_on (model, test), >=, 0.95);
  g_assert_true (ds_floats_all_finite (model->params, model->n_params));
}

static gsize
count_subnormal (const float *x,
                 gsize        n)
{
  gsize count = 0;

  for (gsize i = 0; i < n; i++)
    count += fpclassify (x[i]) == FP_SUBNORMAL;

  return count;
}

/* Training flushes denormal floats to zero (ds-workers.c): Adam's moments of weights whose
 * gradient has died out would otherwise decay through the subnormal range, where every
 * operation on them is a hundred times slower. Started with every moment subnormal, none is
 * left after an epoch. */
static void
test_no_subnormals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (64, 1, 0);
  g_autoptr(DsContext) ctx = ds_context_new (42, 2);
  g_autoptr(DsModel) model = tiny_model (tiny_spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.01f, 0.0f);
  g_autofree guint32 *idx = g_new (guint32, data->n);
  DsTrainConfig config = { .epochs = 1, .batch_size = 16 };
  DsSubset train_set = { data, idx, data->n };

  for (guint i = 0; i < data->n; i++)
    idx[i] = i;
  for (gsize i = 0; i < model->n_params; i++)
    opt->m[i] = opt->v[i] = 1e-40f;
  g_assert_cmpuint (count_subnormal (opt->m, model->n_params), ==, model->n_params);
  /* a dead unit: the first convolution filter's bias (after its 4 × 9 weights) keeps its ReLU
   * at zero, so its weights, its bias and the dense weights it feeds get no gradient */
  model->params[4 * 9] = -1e6f;

  g_assert_true (ds_train_model (model, opt, ctx, &train_set, NULL, &config, NULL, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_subnormal (opt->m, model->n_params), ==, 0);
  g_assert_cmpuint (count_subnormal (opt->v, model->n_params), ==, 0);
  g_assert_cmpuint (count_subnormal (model->params, model->n_params), ==, 0);
}

static void
test_progress_order (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = run_new (tiny_spec, 100, 2, DS_OPTIM_ADAM, 0.01f);
  g_autoptr(DsDataset) val_data = bars_dataset (20, 5, 0);
  DsTrainConfig config = { .epochs = 3, .batch_size = 16 };
  DsSubset train_set = { run->data, NULL, run->data->n };
  DsSubset val_set = { val_data, NULL, val_data->n };
  GArray *history = run->history;
  Recorder *r = run->r;
  const guint64 n_steps = 7;  /* 100 / 16, rounded up */
  guint64 expected_global = 0;
  guint epoch = 1, epochs_seen = 0;
  guint64 step_in_epoch = 0;
  double last_elapsed = 0.0;

  g_assert_true (ds_train_model (run->model, run->opt, run->ctx, &train_set, &val_set,
                                 &config, NULL, history, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < r->events->len; i++)
    {
      const DsProgress *p = &g_array_index (r->events, DsProgress, i);

      switch (p->kind)
        {
        case DS_PROGRESS_STEP:
          expected_global++;
          step_in_epoch++;
          g_assert_cmpuint (p->epoch, ==, epoch);
          g_assert_cmpuint (p->n_epochs, ==, 3);
          g_assert_cmpuint (p->step, ==, step_in_epoch);
          g_assert_cmpuint (p->n_steps, ==, n_steps);
          g_assert_cmpuint (p->global_step, ==, expected_global);
          g_assert_cmpuint (p->global_step, ==, (guint64) (epoch - 1) * n_steps + p->step);
          g_assert_true (isfinite (p->loss));
          g_assert_cmpfloat (p->elapsed_seconds, >=, last_elapsed);
          g_assert_cmpfloat (p->eta_seconds, >=, 0.0);
          if (p->global_step == 3 * n_steps)
            g_assert_cmpfloat (p->eta_seconds, ==, 0.0);
          last_elapsed = p->elapsed_seconds;
          break;

        case DS_PROGRESS_EVALUATE:
          /* validation: after the epoch's last step, before its epoch event */
          g_assert_cmpuint (step_in_epoch, ==, n_steps);
          g_assert_cmpuint (p->step, >=, 1);
          g_assert_cmpuint (p->step, <=, p->n_steps);
          break;

        case DS_PROGRESS_EPOCH:
          {
            const DsEpochResult *e = &g_array_index (history, DsEpochResult, epoch - 1);

            g_assert_cmpuint (step_in_epoch, ==, n_steps);
            g_assert_cmpuint (p->epoch, ==, epoch);
            g_assert_cmpuint (p->n_epochs, ==, 3);
            g_assert_cmpuint (p->global_step, ==, epoch * n_steps);
            g_assert_cmpfloat (p->loss, ==, e->train_loss);
            g_assert_cmpfloat (p->val_loss, ==, e->val_loss);
            g_assert_cmpfloat (p->val_accuracy, ==, e->val_accuracy);
            g_assert_true (isfinite (p->val_loss));
            g_assert_cmpfloat (p->val_accuracy, >=, 0.0);
            g_assert_cmpfloat (p->val_accuracy, <=, 1.0);
            g_assert_cmpfloat (p->epoch_seconds, >=, 0.0);
            epochs_seen++;
            epoch++;
            step_in_epoch = 0;
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  g_assert_cmpuint (epochs_seen, ==, 3);
  g_assert_cmpuint (expected_global, ==, 3 * n_steps);
  g_assert_cmpint (g_array_index (r->events, DsProgress, r->events->len - 1).kind, ==,
                   DS_PROGRESS_EPOCH);
  g_assert_cmpuint (history->len, ==, 3);
}

static void
test_cancel_callback (void)
{
  static const guint64 stops[] = { 1, 5, 7, 9 };  /* 7 steps an epoch: 7 ends the first */
  const DsProgress *last;

  for (guint s = 0; s < G_N_ELEMENTS (stops); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(Run) run = run_new (tiny_spec, 100, 2, DS_OPTIM_ADAM, 0.01f);

      run->r->stop_at = stops[s];
      run_fails (run, 3, DS_ENGINE_ERROR_CANCELLED, &error);
      /* the step that asked to stop is the last thing reported */
      last = &g_array_index (run->r->events, DsProgress, run->r->events->len - 1);
      g_assert_cmpint (last->kind, ==, DS_PROGRESS_STEP);
      g_assert_cmpuint (last->global_step, ==, stops[s]);
      g_assert_cmpuint (run->history->len, ==, (stops[s] - 1) / 7);
      g_assert_true (ds_context_is_cancelled (run->ctx));
    }

  /* at the end of an epoch */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Run) run = run_new (tiny_spec, 100, 1, DS_OPTIM_ADAM, 0.01f);

    run->r->stop_epoch = 1;
    run_fails (run, 3, DS_ENGINE_ERROR_CANCELLED, &error);
    last = &g_array_index (run->r->events, DsProgress, run->r->events->len - 1);
    g_assert_cmpint (last->kind, ==, DS_PROGRESS_EPOCH);
    g_assert_cmpuint (last->epoch, ==, 1);
    g_assert_cmpuint (last_global_step (run->r), ==, 7);
  }
}

typedef struct
{
  DsContext *ctx;
  GMutex     lock;
  GCond      cond;
  guint64    steps;         /* reported so far */
  guint64    steps_at_cancel;
  gboolean   cancelled;
} CancelState;

static gboolean
count_steps_cb (const DsProgress *p,
                gpointer          user_data)
{
  CancelState *st = user_data;

  if (p->kind != DS_PROGRESS_STEP)
    return TRUE;
  g_mutex_lock (&st->lock);
  st->steps++;
  g_cond_broadcast (&st->cond);
  g_mutex_unlock (&st->lock);

  return TRUE;
}

static gpointer
canceller_worker (gpointer data)
{
  CancelState *st = data;

  g_mutex_lock (&st->lock);
  while (st->steps < 3)
    g_cond_wait (&st->cond, &st->lock);
  st->steps_at_cancel = st->steps;
  ds_context_cancel (st->ctx);
  st->cancelled = TRUE;
  g_mutex_unlock (&st->lock);

  return NULL;
}

static void
test_cancel_thread (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = run_new (tiny_spec, 64, 2, DS_OPTIM_ADAM, 0.01f);
  CancelState st = { .ctx = run->ctx };
  GThread *thread;

  g_mutex_init (&st.lock);
  g_cond_init (&st.cond);
  ds_context_set_progress (run->ctx, count_steps_cb, &st);
  thread = g_thread_new ("test-canceller", canceller_worker, &st);
  run_fails (run, 2000, DS_ENGINE_ERROR_CANCELLED, &error);
  g_thread_join (thread);

  g_assert_true (st.cancelled);
  /* stopped at the first step boundary after the cancel: at most one more step reported */
  g_assert_cmpuint (st.steps, >=, st.steps_at_cancel);
  g_assert_cmpuint (st.steps, <=, st.steps_at_cancel + 1);
  g_assert_cmpuint (st.steps, <, 2000 * 4);
  g_mutex_clear (&st.lock);
  g_cond_clear (&st.cond);
}

/* The failing step of a NOT_FINITE error: the one after the last step reported. */
static void
assert_names_failed_step (const GError *error,
                          Recorder     *r,
                          guint64       n_steps)
{
  const DsProgress *last = last_event (r, DS_PROGRESS_STEP);
  guint epoch = 1;
  guint64 step = 1;
  g_autofree char *where = NULL;

  if (last != NULL)
    {
      epoch = last->step == n_steps ? last->epoch + 1 : last->epoch;
      step = last->step == n_steps ? 1 : last->step + 1;
    }
  where = g_strdup_printf ("epoch %u, step %" G_GUINT64_FORMAT, epoch, step);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, where));
}

static void
test_not_finite_loss (void)
{
  g_autoptr(GError) error = NULL;
  /* each Adam step moves every weight by about the learning rate: after one step the weights
   * are around 1e30, and the next forward pass overflows */
  g_autoptr(Run) run = run_new (tiny_spec, 64, 2, DS_OPTIM_ADAM, 1e30f);

  run_fails (run, 3, DS_ENGINE_ERROR_NOT_FINITE, &error);
  assert_names_failed_step (error, run->r, 4);
  g_assert_true (ds_floats_all_finite (run->model->params, run->model->n_params));
  /* the base learning rate is kept */
  g_assert_cmpfloat (run->opt->lr, ==, 1e30f);
}

static void
test_not_finite_weights (void)
{
  g_autoptr(GError) error = NULL;
  /* the very first update makes the weights infinite: they must be put back */
  g_autoptr(Run) run = run_new (tiny_spec, 64, 1, DS_OPTIM_SGD, INFINITY);
  gsize n = run->model->n_params;
  g_autofree float *before = g_memdup2 (run->model->params, n * sizeof (float));

  run_fails (run, 1, DS_ENGINE_ERROR_NOT_FINITE, &error);
  g_assert_cmpuint (run->r->events->len, ==, 0);
  assert_names_failed_step (error, run->r, 4);
  g_assert_cmpmem (run->model->params, n * sizeof (float), before, n * sizeof (float));
}

static void
test_not_finite_poisoned (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = run_new (tiny_spec, 64, 2, DS_OPTIM_ADAM, 0.01f);

  /* a NaN weight after the sixth step: the seventh (epoch 2, step 3) fails, through its loss
   * or, when a fused ReLU hides the NaN from the loss, through its update */
  run->r->poison_at = 6;
  run_fails (run, 3, DS_ENGINE_ERROR_NOT_FINITE, &error);
  g_assert_cmpuint (last_global_step (run->r), ==, 6);
  assert_names_failed_step (error, run->r, 4);
  g_assert_nonnull (strstr (error->message, "epoch 2, step 3"));
  /* only the poisoned weight is not finite: the failed step changed nothing */
  g_assert_true (isnan (run->model->params[0]));
  g_assert_true (ds_floats_all_finite (run->model->params + 1, run->model->n_params - 1));
}

/* A NaN weight behind a fused ReLU: the forward pass maps the NaN to 0 and the loss stays
 * finite, but the backward pass multiplies by the weight and the gradient becomes NaN. The
 * error must say what happened: NaN, not "infinite". */
static void
test_not_finite_gradient_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = run_new ("conv2d filters=4 kernel=3 activation=relu\n"
                                "conv2d filters=4 kernel=3 activation=relu\n"
                                "flatten\n"
                                "dense units=4 init=glorot\n", 64, 1, DS_OPTIM_ADAM, 0.01f);
  DsModel *model = run->model;
  gboolean has_nan = FALSE, has_inf = FALSE;

  run->r->poison_at = 2;
  run->r->poison_index = (gsize) (ds_model_get_layer (model, 1)->params - model->params);
  run_fails (run, 2, DS_ENGINE_ERROR_NOT_FINITE, &error);
  assert_names_failed_step (error, run->r, 4);

  for (gsize i = 0; i < model->n_params; i++)
    {
      has_nan |= isnan (model->grads[i]);
      has_inf |= isinf (model->grads[i]);
    }
  /* the setting this test is about: NaN gradients, none infinite */
  g_assert_true (has_nan);
  g_assert_false (has_inf);
  if (strstr (error->message, "infinite") != NULL || strstr (error->message, "NaN") == NULL)
    g_test_fail_printf ("the gradients are NaN (none is infinite), the error says “%s”",
                        error->message);
}

static void
test_invalid_config (void)
{
  g_autoptr(Run) run = run_new (tiny_spec, 16, 1, DS_OPTIM_ADAM, 0.01f);
  g_autoptr(DsOptimizer) other = ds_optimizer_new (DS_OPTIM_ADAM, run->model->n_params + 1,
                                                   0.01f, 0.0f);
  DsSubset set = { run->data, NULL, run->data->n };
  DsSubset empty = { run->data, NULL, 0 };
  const struct { DsTrainConfig config; const DsSubset *set; DsOptimizer *opt; } cases[] = {
    { { .epochs = 1, .batch_size = 0 }, &set, run->opt },
    { { .epochs = 0, .batch_size = 4 }, &set, run->opt },
    { { .epochs = 1, .batch_size = 4 }, &empty, run->opt },
    { { .epochs = 1, .batch_size = 4 }, &set, other },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ds_train_model (run->model, cases[i].opt, run->ctx, cases[i].set, NULL,
                                      &cases[i].config, NULL, NULL, &error));
      g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_evaluate (void)
{
  g_autoptr(DsDataset) data = bars_dataset (53, 6, 5);  /* 10 of 53 unlabelled */
  g_autoptr(DsContext) ctx = ds_context_new (4, 1);
  g_autoptr(DsModel) model = tiny_model (tiny_spec, ctx);
  g_autoptr(DsConfusion) cm = ds_confusion_new (N_CLASSES);
  g_autoptr(DsConfusion) cm1 = ds_confusion_new (N_CLASSES);
  g_autoptr(DsConfusion) from_probs = ds_confusion_new (N_CLASSES);
  g_autoptr(Recorder) r = recorder_new ();
  g_autofree float *probs = g_new (float, 53 * N_CLASSES);
  g_autofree float *probs1 = g_new (float, 53 * N_CLASSES);
  double loss = 0.0, loss1 = 0.0, nll = 0.0;
  guint labelled = 0;

  evaluate (model, data, 2, cm, &loss, probs, r);
  evaluate (model, data, 1, cm1, &loss1, probs1, NULL);

  for (guint i = 0; i < data->n; i++)
    {
      const float *row = probs + (gsize) i * N_CLASSES;
      double sum = 0.0;

      for (guint k = 0; k < N_CLASSES; k++)
        {
          g_assert_cmpfloat (row[k], >=, 0.0f);
          g_assert_cmpfloat (row[k], <=, 1.0f);
          g_assert_cmpfloat_with_epsilon (row[k], probs1[i * N_CLASSES + k], 1e-6);
          sum += row[k];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
      ds_confusion_add (from_probs, data->labels[i], (gint32) ds_argmax (row, N_CLASSES));
      if (data->labels[i] >= 0)
        {
          labelled++;
          nll -= log (row[data->labels[i]]);
        }
    }
  g_assert_cmpuint (labelled, ==, 43);
  g_assert_cmpuint (ds_confusion_total (cm), ==, labelled);
  g_assert_cmpmem (cm->counts, sizeof (guint64) * N_CLASSES * N_CLASSES,
                   from_probs->counts, sizeof (guint64) * N_CLASSES * N_CLASSES);
  g_assert_cmpmem (cm->counts, sizeof (guint64) * N_CLASSES * N_CLASSES,
                   cm1->counts, sizeof (guint64) * N_CLASSES * N_CLASSES);
  g_assert_cmpfloat_with_epsilon (loss, nll / labelled, 1e-4);
  g_assert_cmpfloat_with_epsilon (loss, loss1, 1e-5);

  /* one evaluate event a batch: 53 in batches of 16 */
  g_assert_cmpuint (r->events->len, ==, 4);
  for (guint i = 0; i < r->events->len; i++)
    {
      const DsProgress *p = &g_array_index (r->events, DsProgress, i);

      g_assert_cmpint (p->kind, ==, DS_PROGRESS_EVALUATE);
      g_assert_cmpuint (p->step, ==, i + 1);
      g_assert_cmpuint (p->n_steps, ==, 4);
    }

  /* nothing labelled: no loss, an empty matrix */
  {
    g_autoptr(DsDataset) unlabelled = bars_dataset (5, 6, 1);
    g_autoptr(DsConfusion) none = ds_confusion_new (N_CLASSES);
    double nan_loss = 0.0;

    evaluate (model, unlabelled, 2, none, &nan_loss, NULL, NULL);
    g_assert_true (isnan (nan_loss));
    g_assert_cmpuint (ds_confusion_total (none), ==, 0);
  }
}

static void
test_save_load_evaluate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (96, 1, 0);
  g_autoptr(DsDataset) test = bars_dataset (41, 2, 7);
  g_autoptr(DsContext) ctx = ds_context_new (8, 2);
  g_autoptr(DsModel) model = tiny_model (tiny_spec, ctx);
  g_autoptr(DsModel) loaded = NULL;
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.02f, 0.0f);
  g_autoptr(DsConfusion) cm_a = ds_confusion_new (N_CLASSES);
  g_autoptr(DsConfusion) cm_b = ds_confusion_new (N_CLASSES);
  g_autofree float *probs_a = g_new (float, 41 * N_CLASSES);
  g_autofree float *probs_b = g_new (float, 41 * N_CLASSES);
  g_autofree char *dir = g_dir_make_tmp ("ds-test-train-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bars.dsm", NULL);
  DsTrainConfig config = { .epochs = 3, .batch_size = 16 };
  DsSubset set = { data, NULL, data->n };
  double loss_a, loss_b;

  g_assert_no_error (error);
  ds_model_set_class_names (model, (const char * const *) data->class_names);
  g_assert_true (ds_train_model (model, opt, ctx, &set, NULL, &config, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ds_model_save (model, opt, path, &error));
  g_assert_no_error (error);
  loaded = ds_model_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  evaluate (model, test, 2, cm_a, &loss_a, probs_a, NULL);
  evaluate (loaded, test, 2, cm_b, &loss_b, probs_b, NULL);
  g_assert_cmpmem (cm_a->counts, sizeof (guint64) * N_CLASSES * N_CLASSES,
                   cm_b->counts, sizeof (guint64) * N_CLASSES * N_CLASSES);
  g_assert_cmpmem (probs_a, 41 * N_CLASSES * sizeof (float),
                   probs_b, 41 * N_CLASSES * sizeof (float));
  g_assert_cmpfloat (loss_a, ==, loss_b);
  g_assert_cmpuint (ds_confusion_total (cm_a), ==, 41 - 5);
  g_assert_true (g_strv_equal ((const char * const *) loaded->class_names,
                               (const char * const *) data->class_names));
}

/* Stopped after an epoch and resumed from its state, a run ends where an uninterrupted one
 * does, to the bit. (test-run.c does the same through checkpoint files.) */
static void
test_resume (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) whole = run_new (dropout_spec, 90, 2, DS_OPTIM_ADAM, 0.01f);
  g_autoptr(Run) parts = run_new (dropout_spec, 90, 2, DS_OPTIM_ADAM, 0.01f);
  g_autoptr(DsDataset) val_data = bars_dataset (24, 6, 0);
  DsTrainConfig config = { .epochs = 4, .batch_size = 16, .lr_schedule = DS_LR_COSINE };
  DsSubset train_set = { whole->data, NULL, whole->data->n };
  DsSubset val_set = { val_data, NULL, val_data->n };
  DsTrainState state = DS_TRAIN_STATE_INIT;
  DsContext *ctx;
  const DsProgress *p;
  const guint64 n_steps = 6;  /* 90 / 16, rounded up */

  g_assert_true (ds_train_model (whole->model, whole->opt, whole->ctx, &train_set, &val_set,
                                 &config, NULL, NULL, &error));
  g_assert_no_error (error);

  parts->r->stop_epoch = 2;
  g_assert_false (ds_train_model (parts->model, parts->opt, parts->ctx, &train_set, &val_set,
                                  &config, &state, NULL, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (state.epochs_done, ==, 2);
  g_assert_cmpuint (state.global_step, ==, 2 * n_steps);
  g_assert_true (isfinite (state.best_val_loss));
  /* the epoch's event carried the validation confusion matrix */
  p = last_event (parts->r, DS_PROGRESS_EPOCH);
  g_assert_nonnull (p);
  g_assert_cmpuint (parts->r->confusion_total, ==, 24);
  g_assert_cmpfloat (p->val_accuracy, ==, parts->r->confusion_accuracy);

  /* a cancelled context stays cancelled: go on in a new one with the generator where it was,
   * as a resume from a checkpoint does */
  ctx = ds_context_new (99, 2);
  *ds_context_get_rng (ctx) = *ds_context_get_rng (parts->ctx);
  ds_context_free (parts->ctx);
  parts->ctx = g_steal_pointer (&ctx);
  ds_context_set_progress (parts->ctx, record_cb, parts->r);
  parts->r->stop_epoch = 0;
  g_array_set_size (parts->r->events, 0);
  g_assert_true (ds_train_model (parts->model, parts->opt, parts->ctx, &train_set, &val_set,
                                 &config, &state, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (state.epochs_done, ==, 4);
  /* it went on from the step after the checkpoint */
  p = &g_array_index (parts->r->events, DsProgress, 0);
  g_assert_cmpint (p->kind, ==, DS_PROGRESS_STEP);
  g_assert_cmpuint (p->epoch, ==, 3);
  g_assert_cmpuint (p->global_step, ==, 2 * n_steps + 1);
  g_assert_cmpmem (parts->model->params, parts->model->n_params * sizeof (float),
                   whole->model->params, whole->model->n_params * sizeof (float));
  g_assert_cmpmem (parts->opt->m, parts->opt->n * sizeof (float),
                   whole->opt->m, whole->opt->n * sizeof (float));
}

/* Patience counts epochs without a better validation loss; the state says it stopped early. */
static void
test_patience (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = run_new (tiny_spec, 64, 1, DS_OPTIM_SGD, 0.0f);
  g_autoptr(DsDataset) val_data = bars_dataset (16, 7, 0);
  DsTrainConfig config = { .epochs = 10, .batch_size = 16, .patience = 2 };
  DsSubset train_set = { run->data, NULL, run->data->n };
  DsSubset val_set = { val_data, NULL, val_data->n };
  DsTrainState state = DS_TRAIN_STATE_INIT;

  /* a learning rate of 0 never improves on the first epoch's loss */
  g_assert_true (ds_train_model (run->model, run->opt, run->ctx, &train_set, &val_set, &config,
                                 &state, run->history, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run->history->len, ==, 3);
  g_assert_cmpuint (state.epochs_done, ==, 3);
  g_assert_true (state.stopped_early);
}

/* A small convolutional autoencoder learns to reconstruct the bars. */
static void
test_reconstruct (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsDataset) data = bars_dataset (128, 8, 0);
  g_autoptr(DsDataset) val_data = bars_dataset (32, 9, 0);
  g_autoptr(DsContext) ctx = ds_context_new (5, 2);
  g_autoptr(DsModel) model = tiny_model ("conv2d filters=8 kernel=3 padding=1 activation=relu\n"
                                         "conv2d filters=1 kernel=3 padding=1\n"
                                         "sigmoid", ctx);
  g_autoptr(DsModel) classifier = tiny_model (tiny_spec, ctx);
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, model->n_params, 0.01f, 0.0f);
  g_autoptr(GArray) history = g_array_new (FALSE, FALSE, sizeof (DsEpochResult));
  DsTrainConfig config = { .objective = DS_OBJECTIVE_RECONSTRUCT, .epochs = 15, .batch_size = 16 };
  DsSubset train_set = { data, NULL, data->n };
  DsSubset val_set = { val_data, NULL, val_data->n };
  const DsEpochResult *first, *last;
  double before, after;

  g_assert_true (ds_evaluate_reconstruction (model, ctx, &val_set, 16, &before, &error));
  g_assert_no_error (error);
  g_assert_true (ds_train_model (model, opt, ctx, &train_set, &val_set, &config, NULL, history,
                                 &error));
  g_assert_no_error (error);
  g_assert_true (ds_evaluate_reconstruction (model, ctx, &val_set, 16, &after, &error));
  g_assert_no_error (error);

  first = &g_array_index (history, DsEpochResult, 0);
  last = &g_array_index (history, DsEpochResult, history->len - 1);
  g_test_message ("reconstruction MSE %.5f → %.5f (train %.5f → %.5f)", before, after,
                  first->train_loss, last->train_loss);
  g_assert_cmpfloat (after, <, 0.25 * before);
  g_assert_cmpfloat (fabs (after - last->val_loss), <, 1e-9);
  g_assert_true (isnan (last->val_accuracy));

  /* a classifier's output is not an image of the input's shape */
  {
    g_autoptr(DsOptimizer) copt = ds_optimizer_new (DS_OPTIM_ADAM, classifier->n_params, 0.01f, 0.0f);

    g_assert_false (ds_train_model (classifier, copt, ctx, &train_set, NULL, &config, NULL, NULL,
                                    &error));
    g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/train/learns", test_learns);
  g_test_add_func ("/engine/train/progress-order", test_progress_order);
  g_test_add_func ("/engine/train/no-subnormals", test_no_subnormals);
  g_test_add_func ("/engine/train/cancel-callback", test_cancel_callback);
  g_test_add_func ("/engine/train/cancel-thread", test_cancel_thread);
  g_test_add_func ("/engine/train/not-finite-loss", test_not_finite_loss);
  g_test_add_func ("/engine/train/not-finite-weights", test_not_finite_weights);
  g_test_add_func ("/engine/train/not-finite-poisoned", test_not_finite_poisoned);
  g_test_add_func ("/engine/train/invalid-config", test_invalid_config);
  g_test_add_func ("/engine/train/evaluate", test_evaluate);
  g_test_add_func ("/engine/train/resume", test_resume);
  g_test_add_func ("/engine/train/patience", test_patience);
  g_test_add_func ("/engine/train/reconstruct", test_reconstruct);
  g_test_add_func ("/engine/train/save-load-evaluate", test_save_load_evaluate);
  /* last, so that the others run while it fails */
  g_test_add_func ("/engine/train/not-finite-gradient-message", test_not_finite_gradient_message);

  return g_test_run ();
}
