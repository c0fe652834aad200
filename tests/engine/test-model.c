/* test-model.c: architecture specs, presets, whole-model gradients, replicas and workers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"
#include "train/ds-workers.h"

/* conv, pool and dense with smooth activations, so the numeric gradient has no kinks except
 * at the max-pooling, whose inputs are kept away from ties (see pool_margin()) */
static const char grad_spec[] =
  "conv2d filters=3 kernel=3 padding=1 init=glorot\n"
  "tanh\n"
  "maxpool2d size=2\n"
  "conv2d filters=4 kernel=2\n"
  "sigmoid\n"
  "flatten\n"
  "dense units=5 init=glorot\n"
  "tanh\n"
  "dense units=4 init=glorot\n";
#define GRAD_POOL_LAYER 1  /* the tanh whose output is pooled */

static void
fill_normal (float   *v,
             gsize    n,
             float    scale,
             DsRng   *rng)
{
  for (gsize i = 0; i < n; i++)
    v[i] = scale * ds_rng_normal (rng);
}

static DsModel *
new_model (const char *spec,
           DsShape     input,
           guint64     seed)
{
  g_autoptr(GError) error = NULL;
  DsModel *model = ds_model_new (spec, input, &error);
  DsRng rng;

  g_assert_no_error (error);
  g_assert_nonnull (model);
  ds_rng_seed (&rng, seed);
  ds_model_init_params (model, &rng);
  /* non-zero biases too, so that every parameter's gradient is exercised */
  for (gsize i = 0; i < model->n_params; i++)
    model->params[i] += 0.1f * ds_rng_normal (&rng);

  return model;
}

/* Spec errors */

static void
assert_spec_error (const char *spec,
                   DsShape     input,
                   gint        code,
                   guint       layer,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = ds_model_new (spec, input, &error);
  g_autofree char *layer_text = g_strdup_printf ("layer %u", layer);

  if (model != NULL)
    {
      /* not fatal, so that the other specs and tests still run */
      g_test_fail_printf ("“%s” on (%u, %u, %u) was accepted with %" G_GSIZE_FORMAT
                          " parameters", spec, input.c, input.h, input.w, model->n_params);
      return;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == DS_ENGINE_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  if (layer > 0 && strstr (error->message, layer_text) == NULL)
    g_error ("“%s”: the error “%s” does not name %s", spec, error->message, layer_text);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s”: the error “%s” does not mention “%s”", spec, error->message, fragment);
}

static void
test_spec_errors (void)
{
  DsShape in = DS_SHAPE (1, 1, 8, 8);

  assert_spec_error ("conv2d filters=4\nrelu\nconvolve filters=4", in,
                     DS_ENGINE_ERROR_INVALID_ARGUMENT, 3, "convolve");
  assert_spec_error ("relu;bogus", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "bogus");
  assert_spec_error ("conv2d filters=abc", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 1, "filters");
  assert_spec_error ("flatten\ndense units=-3", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "units");
  assert_spec_error ("flatten\ndense units=0", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "units");
  assert_spec_error ("conv2d filters=2 kernel=3 init=magic", in,
                     DS_ENGINE_ERROR_INVALID_ARGUMENT, 1, "magic");
  assert_spec_error ("conv2d filters=2 activation=gelu", in,
                     DS_ENGINE_ERROR_INVALID_ARGUMENT, 1, "gelu");
  assert_spec_error ("relu\ndropout rate=1.5", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "rate");
  assert_spec_error ("relu\ndropout rate=x", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "rate");
  assert_spec_error ("flatten\ndense units=4 colour=blue", in,
                     DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "colour");
  assert_spec_error ("flatten\ndense units", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 2, "units");
  assert_spec_error ("maxpool2d size=0", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 1, NULL);

  /* shapes that do not fit */
  assert_spec_error ("conv2d filters=4 kernel=5", DS_SHAPE (1, 1, 3, 3),
                     DS_ENGINE_ERROR_SHAPE, 1, "kernel");
  /* 10 → 8 → 4, too small for 5 */
  assert_spec_error ("conv2d filters=4 kernel=3\nmaxpool2d size=2\nconv2d filters=4 kernel=5",
                     DS_SHAPE (1, 1, 10, 10), DS_ENGINE_ERROR_SHAPE, 3, "5×5");
  assert_spec_error ("maxpool2d size=2\nmaxpool2d size=2\nmaxpool2d size=4", in,
                     DS_ENGINE_ERROR_SHAPE, 3, NULL);

  /* no layers at all */
  assert_spec_error ("", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 0, NULL);
  assert_spec_error ("\n \n# only a comment\n", in, DS_ENGINE_ERROR_INVALID_ARGUMENT, 0, NULL);
}

/* A layer's parameter count is a product of its sizes: one that overflows 64 bits must be
 * refused, not wrapped around to a small number (a model file carries its own spec). */
static void
test_spec_param_overflow (void)
{
  /* 2^20 filters × 16 channels × (2^20)^2 weights = 2^64 (any engine error code will do) */
  assert_spec_error ("conv2d filters=1048576 kernel=1048576 padding=524288",
                     DS_SHAPE (1, 16, 1, 1), -1, 1, NULL);
  assert_spec_error ("conv_transpose2d filters=1048576 kernel=1048576 stride=1 padding=524287",
                     DS_SHAPE (1, 16, 1, 1), -1, 1, NULL);
}

static void
test_spec_normalised (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) a = NULL;
  g_autoptr(DsModel) b = NULL;
  g_autoptr(DsModel) c = NULL;
  DsShape in = DS_SHAPE (1, 1, 8, 8);

  /* ';' and newlines separate layers, blank and '#' lines are ignored */
  a = ds_model_new ("# a comment\n  conv2d   filters=4\n\nmaxpool2d;flatten ; dense units=3\n",
                    in, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds_model_n_layers (a), ==, 4);
  g_assert_cmpuint (a->n_params, ==, (4 * 9 + 4) + (4 * 3 * 3 * 3 + 3));
  /* every option written out: defaults included, one layer a line */
  g_assert_nonnull (strstr (a->spec, "kernel=3"));
  g_assert_nonnull (strstr (a->spec, "stride=1"));
  g_assert_null (strchr (a->spec, ';'));
  g_assert_null (strchr (a->spec, '#'));

  /* the normalised spec builds the same model and normalises to itself */
  b = ds_model_new (a->spec, in, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->spec, ==, a->spec);
  g_assert_cmpuint (b->n_params, ==, a->n_params);

  c = ds_model_new ("conv2d filters=4 kernel=3\nmaxpool2d size=2\nflatten\ndense units=3",
                    in, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->spec, ==, a->spec);
}

static void
test_summary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autofree char *summary = NULL;
  g_auto(GStrv) lines = NULL;

  model = ds_model_new ("conv2d filters=8 kernel=3\nmaxpool2d size=2\nflatten\ndense units=4",
                        DS_SHAPE (1, 1, 8, 8), &error);
  g_assert_no_error (error);
  summary = ds_model_summary (model);
  g_test_message ("%s", summary);

  /* (8, 6, 6) 80 params; (8, 3, 3); (72, 1, 1); (4, 1, 1) 72 × 4 + 4 = 292 params */
  g_assert_nonnull (strstr (summary, "(1, 8, 8)"));
  g_assert_nonnull (strstr (summary, "conv2d"));
  g_assert_nonnull (strstr (summary, "(8, 6, 6)"));
  g_assert_nonnull (strstr (summary, "maxpool2d"));
  g_assert_nonnull (strstr (summary, "(8, 3, 3)"));
  g_assert_nonnull (strstr (summary, "flatten"));
  g_assert_nonnull (strstr (summary, "(72, 1, 1)"));
  g_assert_nonnull (strstr (summary, "dense"));
  g_assert_nonnull (strstr (summary, "(4, 1, 1)"));
  g_assert_nonnull (strstr (summary, " 80\n"));
  g_assert_nonnull (strstr (summary, " 292\n"));
  g_assert_nonnull (strstr (summary, "total parameters: 372"));
  g_assert_cmpuint (model->n_params, ==, 372);

  /* a header, the input, one line a layer and the total */
  lines = g_strsplit (g_strchomp (summary), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2 + 4 + 1);
}

/* Presets */

/* Parameters of seed-cnn, worked out from its layers: conv32-pool-conv64-pool-conv64-dense64-
 * dense N, 3×3 valid convolutions and 2×2 pooling. */
static gsize
seed_cnn_params (guint c,
                 guint h,
                 guint w,
                 guint n_classes)
{
  static const guint filters[] = { 32, 64, 64 };
  gsize total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      total += (gsize) filters[i] * c * 3 * 3 + filters[i];
      c = filters[i];
      h -= 2;
      w -= 2;
      if (i < 2)
        {
          h /= 2;
          w /= 2;
        }
    }
  total += (gsize) c * h * w * 64 + 64;
  total += 64 * n_classes + n_classes;

  return total;
}

static void
test_preset_shapes (void)
{
  static const DsShape inputs[] = { { 1, 1, 28, 28 }, { 1, 3, 64, 64 } };
  static const char * const names[] = { "seed-cnn", "defect-cnn" };

  g_assert_nonnull (ds_preset_lookup ("seed-cnn"));
  g_assert_nonnull (ds_preset_lookup ("defect-cnn"));
  g_assert_null (ds_preset_lookup ("no-such-net"));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint j = 0; j < G_N_ELEMENTS (inputs); j++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(DsModel) model = ds_preset_new_model (names[i], inputs[j], 7, &error);
        g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (2, inputs[j].c, inputs[j].h,
                                                         inputs[j].w));
        const DsTensor *y;
        DsShape out;
        DsRng rng;

        g_assert_no_error (error);
        g_assert_cmpstr (model->preset, ==, names[i]);
        out = ds_model_output_shape (model);
        g_assert_cmpuint (out.c, ==, 7);
        g_assert_cmpuint (out.h, ==, 1);
        g_assert_cmpuint (out.w, ==, 1);

        ds_rng_seed (&rng, 3);
        ds_model_init_params (model, &rng);
        fill_normal (x->data, ds_tensor_size (x), 0.5f, &rng);
        y = ds_model_forward (model, x, FALSE, NULL);
        g_assert_cmpuint (y->shape.n, ==, 2);
        g_assert_cmpuint (y->shape.c, ==, 7);
        g_assert_cmpuint (y->shape.h, ==, 1);
        g_assert_cmpuint (y->shape.w, ==, 1);
        g_assert_true (ds_floats_all_finite (y->data, ds_tensor_size (y)));
      }
}

static void
test_preset_seed_cnn_params (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsModel) rgb = NULL;
  g_autofree char *summary = NULL;
  gsize sum = 0;

  g_assert_cmpuint (seed_cnn_params (1, 28, 28, 10), ==, 93322);

  model = ds_preset_new_model ("seed-cnn", DS_SHAPE (1, 1, 28, 28), 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->n_params, ==, 93322);
  for (guint i = 0; i < ds_model_n_layers (model); i++)
    sum += ds_model_get_layer (model, i)->n_params;
  g_assert_cmpuint (sum, ==, 93322);
  summary = ds_model_summary (model);
  g_assert_nonnull (strstr (summary, "total parameters: 93322"));

  rgb = ds_preset_new_model ("seed-cnn", DS_SHAPE (1, 3, 64, 64), 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rgb->n_params, ==, seed_cnn_params (3, 64, 64, 4));
}

static void
test_preset_errors (void)
{
  g_autoptr(GError) error = NULL;
  DsModel *model;

  /* 16 → 14 → 7 → 5 → 2, and a 3×3 kernel does not fit 2×2 */
  model = ds_preset_new_model ("seed-cnn", DS_SHAPE (1, 1, 16, 16), 3, &error);
  g_assert_null (model);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "seed-cnn"));
  g_assert_nonnull (strstr (error->message, "layer 5"));
  g_clear_error (&error);

  model = ds_preset_new_model ("no-such-net", DS_SHAPE (1, 1, 28, 28), 3, &error);
  g_assert_null (model);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no-such-net"));
  g_clear_error (&error);

  model = ds_preset_new_model ("seed-cnn", DS_SHAPE (1, 1, 28, 28), 1, &error);
  g_assert_null (model);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT);
}

/* Whole-model gradient check */

/* The smallest gap between the largest and second largest value of any 2×2 pooling window
 * of @t (B, C, H, W). */
static float
pool_margin (const DsTensor *t)
{
  float margin = INFINITY;

  for (guint bc = 0; bc < t->shape.n * t->shape.c; bc++)
    for (guint y = 0; y + 1 < t->shape.h; y += 2)
      for (guint x = 0; x + 1 < t->shape.w; x += 2)
        {
          const float *p = t->data + (gsize) bc * t->shape.h * t->shape.w;
          float v[4] = { p[y * t->shape.w + x], p[y * t->shape.w + x + 1],
                         p[(y + 1) * t->shape.w + x], p[(y + 1) * t->shape.w + x + 1] };
          float best = -INFINITY, second = -INFINITY;

          for (guint i = 0; i < 4; i++)
            if (v[i] > best)
              {
                second = best;
                best = v[i];
              }
            else if (v[i] > second)
              second = v[i];
          margin = MIN (margin, best - second);
        }

  return margin;
}

static double
model_loss (DsModel        *model,
            const DsTensor *x,
            const gint32   *labels)
{
  const DsTensor *logits = ds_model_forward (model, x, FALSE, NULL);

  return ds_loss_softmax_cross_entropy (logits, labels, NULL, NULL);
}

/* Marks the test failed (without aborting the other tests) when @value is not @expected. */
static gboolean
check_close (const char *what,
             gsize       i,
             double      value,
             double      expected,
             double      atol,
             double      rtol)
{
  if (fabs (value - expected) <= atol + rtol * fabs (expected))
    return TRUE;
  g_test_fail_printf ("%s %" G_GSIZE_FORMAT ": %.6g, expected %.6g", what, i, value, expected);
  return FALSE;
}

static void
test_gradient_check (void)
{
  /* a perturbation of 1e-3 moves no pooled value by more than 1e-3 (inputs and weights are
   * below 1 in magnitude), so a margin of 3e-3 keeps every window's maximum in place */
  const float eps = 1e-3f;
  const gint32 labels[] = { 0, 3, -1 };
  g_autoptr(DsModel) model = new_model (grad_spec, DS_SHAPE (1, 2, 6, 6), 11);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (3, 2, 6, 6));
  g_autoptr(DsTensor) dlogits = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autoptr(DsTensor) dx = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autofree float *grads = NULL;
  const DsTensor *logits;
  guint seed;
  DsRng rng;

  g_assert_cmpuint (model->n_params, ==, (3 * 2 * 9 + 3) + (4 * 3 * 4 + 4) + (16 * 5 + 5) +
                                         (5 * 4 + 4));
  for (seed = 1; seed < 1000; seed++)
    {
      ds_rng_seed (&rng, seed);
      for (gsize i = 0; i < ds_tensor_size (x); i++)
        x->data[i] = 2.0f * ds_rng_uniform (&rng) - 1.0f;
      ds_model_forward (model, x, FALSE, NULL);
      if (pool_margin (&model->acts[GRAD_POOL_LAYER]) > 3.0f * eps)
        break;
    }
  g_assert_cmpuint (seed, <, 1000);

  logits = ds_model_forward (model, x, TRUE, NULL);
  ds_loss_softmax_cross_entropy (logits, labels, dlogits, NULL);
  ds_model_zero_grad (model);
  ds_model_backward (model, dlogits, dx);
  grads = g_memdup2 (model->grads, model->n_params * sizeof (float));
  g_assert_true (ds_shape_equal (&dx->shape, &x->shape));

  for (gsize i = 0; i < model->n_params; i++)
    {
      float saved = model->params[i];
      double plus, minus;

      model->params[i] = saved + eps;
      plus = model_loss (model, x, labels);
      model->params[i] = saved - eps;
      minus = model_loss (model, x, labels);
      model->params[i] = saved;
      if (!check_close ("parameter gradient", i, grads[i], (plus - minus) / (2.0 * eps),
                        1e-3, 1e-2))
        return;
    }

  for (gsize i = 0; i < ds_tensor_size (x); i++)
    {
      float saved = x->data[i];
      double plus, minus;

      x->data[i] = saved + eps;
      plus = model_loss (model, x, labels);
      x->data[i] = saved - eps;
      minus = model_loss (model, x, labels);
      x->data[i] = saved;
      if (!check_close ("input gradient", i, dx->data[i], (plus - minus) / (2.0 * eps),
                        1e-3, 1e-2))
        return;
    }

  /* the unlabelled third sample contributes nothing to the input gradient */
  for (gsize i = 2 * 2 * 6 * 6; i < ds_tensor_size (dx); i++)
    g_assert_cmpfloat (dx->data[i], ==, 0.0f);
}

/* Backward adds to the gradients: two backward passes give twice one. */
static void
test_backward_accumulates (void)
{
  const gint32 labels[] = { 1, 2 };
  g_autoptr(DsModel) model = new_model (grad_spec, DS_SHAPE (1, 2, 6, 6), 5);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (2, 2, 6, 6));
  g_autoptr(DsTensor) dlogits = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autofree float *once = NULL;
  DsRng rng;

  ds_rng_seed (&rng, 8);
  fill_normal (x->data, ds_tensor_size (x), 0.5f, &rng);
  ds_loss_softmax_cross_entropy (ds_model_forward (model, x, TRUE, NULL), labels, dlogits, NULL);
  ds_model_zero_grad (model);
  ds_model_backward (model, dlogits, NULL);
  once = g_memdup2 (model->grads, model->n_params * sizeof (float));

  ds_loss_softmax_cross_entropy (ds_model_forward (model, x, TRUE, NULL), labels, dlogits, NULL);
  ds_model_backward (model, dlogits, NULL);
  for (gsize i = 0; i < model->n_params; i++)
    g_assert_cmpfloat_with_epsilon (model->grads[i], 2.0f * once[i],
                                    1e-6f + 1e-5f * fabsf (once[i]));

  ds_model_zero_grad (model);
  for (gsize i = 0; i < model->n_params; i++)
    g_assert_cmpfloat (model->grads[i], ==, 0.0f);
}

/* Replicas */

static void
test_replica (void)
{
  g_autoptr(GError) error = NULL;
  const gint32 labels[] = { 0, 1, 2, 1 };
  g_autoptr(DsModel) model = new_model ("conv2d filters=4 kernel=3\nbatchnorm\nrelu\n"
                                        "maxpool2d size=2\nflatten\ndense units=3",
                                        DS_SHAPE (1, 1, 8, 8), 21);
  g_autoptr(DsModel) replica = NULL;
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (4, 1, 8, 8));
  g_autoptr(DsTensor) dlogits = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
  g_autofree float *expected = NULL;
  const DsTensor *y;
  gsize n_out;
  DsRng rng;

  ds_rng_seed (&rng, 4);
  fill_normal (model->state, model->n_state, 0.3f, &rng);
  for (gsize i = model->n_state / 2; i < model->n_state; i++)
    model->state[i] = 1.0f + fabsf (model->state[i]);  /* plausible variances */
  fill_normal (x->data, ds_tensor_size (x), 1.0f, &rng);

  replica = ds_model_new_replica (model, &error);
  g_assert_no_error (error);
  g_assert_true (replica->shares_params);
  g_assert_true (replica->params == model->params);
  g_assert_true (replica->grads != model->grads);
  g_assert_true (replica->state != model->state);
  g_assert_cmpstr (replica->spec, ==, model->spec);
  g_assert_cmpuint (replica->n_params, ==, model->n_params);
  g_assert_cmpmem (replica->state, model->n_state * sizeof (float),
                   model->state, model->n_state * sizeof (float));
  for (guint i = 0; i < ds_model_n_layers (model); i++)
    g_assert_true (ds_model_get_layer (replica, i)->params ==
                   ds_model_get_layer (model, i)->params);

  y = ds_model_forward (model, x, FALSE, NULL);
  n_out = ds_tensor_size (y);
  expected = g_memdup2 (y->data, n_out * sizeof (float));
  y = ds_model_forward (replica, x, FALSE, NULL);
  g_assert_cmpmem (y->data, ds_tensor_size (y) * sizeof (float), expected, n_out * sizeof (float));

  /* a change to the model's weights is seen by the replica */
  for (gsize i = 0; i < model->n_params; i++)
    model->params[i] *= 0.5f;
  y = ds_model_forward (model, x, FALSE, NULL);
  g_free (expected);
  expected = g_memdup2 (y->data, n_out * sizeof (float));
  y = ds_model_forward (replica, x, FALSE, NULL);
  g_assert_cmpmem (y->data, ds_tensor_size (y) * sizeof (float), expected, n_out * sizeof (float));

  /* the replica's backward writes its own gradients only */
  ds_model_zero_grad (model);
  ds_model_zero_grad (replica);
  y = ds_model_forward (replica, x, TRUE, &rng);
  ds_loss_softmax_cross_entropy (y, labels, dlogits, NULL);
  ds_model_backward (replica, dlogits, NULL);
  g_assert_true (ds_floats_all_finite (replica->grads, replica->n_params));
  for (gsize i = 0; i < model->n_params; i++)
    g_assert_cmpfloat (model->grads[i], ==, 0.0f);
  {
    double norm = 0.0;

    for (gsize i = 0; i < replica->n_params; i++)
      norm += fabs (replica->grads[i]);
    g_assert_cmpfloat (norm, >, 0.0);
  }

  /* the replica can be freed before the model, whose parameters stay */
  g_clear_pointer (&replica, ds_model_free);
  g_assert_true (ds_floats_all_finite (model->params, model->n_params));
}

/* Workers */

/* 37 samples: three shards of DS_SHARD_SIZE, the last one short */
#define WORKER_BATCH (2 * DS_SHARD_SIZE + 5)
#define WORKER_SHARDS 3

typedef struct
{
  const DsTensor *x;        /* (B, C, H, W) */
  const gint32   *labels;   /* (B) */
  DsTensor       *dlogits[WORKER_SHARDS];
} WorkerJob;

static void
grad_shard (DsModel  *replica,
            guint     shard,
            guint     start,
            guint     count,
            DsRng    *rng,
            gpointer  user_data)
{
  WorkerJob *job = user_data;
  DsTensor view = { .shape = job->x->shape };
  DsTensor *dlogits = job->dlogits[shard];
  const DsTensor *logits;

  g_assert_cmpuint (shard, <, WORKER_SHARDS);
  g_assert_cmpuint (start, ==, shard * DS_SHARD_SIZE);
  view.shape.n = count;
  view.data = job->x->data + (gsize) start * ds_shape_sample_size (&job->x->shape);
  logits = ds_model_forward (replica, &view, TRUE, rng);
  ds_loss_softmax_cross_entropy (logits, job->labels + start, dlogits, NULL);
  /* each shard's mean loss counts in proportion to its samples (all are labelled) */
  for (gsize i = 0; i < ds_tensor_size (dlogits); i++)
    dlogits->data[i] *= (float) count / (float) job->x->shape.n;
  ds_model_zero_grad (replica);
  ds_model_backward (replica, dlogits, NULL);
}

static void
worker_job_init (WorkerJob      *job,
                 const DsTensor *x,
                 const gint32   *labels)
{
  job->x = x;
  job->labels = labels;
  for (guint i = 0; i < WORKER_SHARDS; i++)
    job->dlogits[i] = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));
}

static void
worker_job_clear (WorkerJob *job)
{
  for (guint i = 0; i < WORKER_SHARDS; i++)
    g_clear_pointer (&job->dlogits[i], ds_tensor_free);
}

static void
random_labels (gint32 *labels,
               guint   n,
               guint   k,
               DsRng  *rng)
{
  for (guint i = 0; i < n; i++)
    labels[i] = (gint32) ds_rng_below (rng, k);
}

/* The gradient of the whole batch on one model, the reference for the workers. */
static float *
single_model_gradient (DsModel        *model,
                       const DsTensor *x,
                       const gint32   *labels)
{
  g_autoptr(DsTensor) dlogits = ds_tensor_new (DS_SHAPE (1, 1, 1, 1));

  ds_loss_softmax_cross_entropy (ds_model_forward (model, x, TRUE, NULL), labels, dlogits, NULL);
  ds_model_zero_grad (model);
  ds_model_backward (model, dlogits, NULL);

  return g_memdup2 (model->grads, model->n_params * sizeof (float));
}

static void
test_workers_gradient (void)
{
  g_autoptr(GError) error = NULL;
  gint32 labels[WORKER_BATCH];
  g_autoptr(DsModel) model = new_model (grad_spec, DS_SHAPE (1, 2, 6, 6), 17);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (WORKER_BATCH, 2, 6, 6));
  g_autoptr(DsWorkers) workers = NULL;
  g_autofree float *single = NULL;
  g_autofree float *params = NULL;
  WorkerJob job;
  DsRng rng;

  ds_rng_seed (&rng, 99);
  fill_normal (x->data, ds_tensor_size (x), 1.0f, &rng);
  random_labels (labels, WORKER_BATCH, 4, &rng);
  worker_job_init (&job, x, labels);
  params = g_memdup2 (model->params, model->n_params * sizeof (float));
  single = single_model_gradient (model, x, labels);

  workers = ds_workers_new (model, 2, WORKER_BATCH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds_workers_get_n_shards (workers), ==, WORKER_SHARDS);
  g_assert_cmpuint (ds_workers_get_max_batch (workers), ==, WORKER_SHARDS * DS_SHARD_SIZE);
  /* twice: the second run must not depend on what the first left behind */
  for (guint run = 0; run < 2; run++)
    {
      ds_workers_run (workers, x->shape.n, &rng, grad_shard, &job);
      ds_workers_reduce (workers);
      for (gsize i = 0; i < model->n_params; i++)
        if (!check_close ("sharded gradient", i, model->grads[i], single[i], 1e-6, 1e-4))
          goto out;
    }
  /* nothing touched the parameters */
  g_assert_cmpmem (model->params, model->n_params * sizeof (float),
                   params, model->n_params * sizeof (float));
out:
  worker_job_clear (&job);
}

/* The engine's promise (ds-workers.h): the shards are the same on any number of threads and
 * are summed in shard order, so the gradient is the same to the bit on 1, 2, 3 or 5 threads,
 * on every BLAS kernel. */
static void
test_workers_thread_count (void)
{
  g_autoptr(GError) error = NULL;
  gint32 labels[WORKER_BATCH];
  g_autoptr(DsModel) model = new_model (grad_spec, DS_SHAPE (1, 2, 6, 6), 29);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (WORKER_BATCH, 2, 6, 6));
  g_autofree float *first = NULL;
  const guint threads[] = { 1, 2, 3, 5 };
  WorkerJob job;
  DsRng rng;

  ds_rng_seed (&rng, 5);
  fill_normal (x->data, ds_tensor_size (x), 1.0f, &rng);
  random_labels (labels, WORKER_BATCH, 4, &rng);
  worker_job_init (&job, x, labels);

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    {
      g_autoptr(DsWorkers) workers = ds_workers_new (model, threads[t], WORKER_BATCH, &error);

      g_assert_no_error (error);
      /* the same seed for every thread count: each shard gets the same generator */
      ds_rng_seed (&rng, 41);
      ds_workers_run (workers, WORKER_BATCH, &rng, grad_shard, &job);
      ds_workers_reduce (workers);
      if (first == NULL)
        first = g_memdup2 (model->grads, model->n_params * sizeof (float));
      else
        g_assert_cmpmem (model->grads, model->n_params * sizeof (float),
                         first, model->n_params * sizeof (float));
    }
  worker_job_clear (&job);
}

/* A batch smaller than the shard count leaves shards idle. The training loop runs its steps
 * exactly like this (each shard zeroes its replica's gradients, then the shards are reduced
 * into the model) and uses model->grads afterwards: they must be the batch's gradient, not a
 * left-over of the step before in an idle shard. */
static void
test_workers_idle (void)
{
  g_autoptr(GError) error = NULL;
  gint32 labels[WORKER_BATCH];
  g_autoptr(DsModel) model = new_model (grad_spec, DS_SHAPE (1, 2, 6, 6), 23);
  g_autoptr(DsTensor) x = ds_tensor_new (DS_SHAPE (WORKER_BATCH, 2, 6, 6));
  g_autoptr(DsWorkers) workers = NULL;
  g_autofree float *ref = NULL;
  DsTensor one;
  WorkerJob job;
  DsRng rng;

  ds_rng_seed (&rng, 7);
  fill_normal (x->data, ds_tensor_size (x), 1.0f, &rng);
  random_labels (labels, WORKER_BATCH, 4, &rng);
  one = (DsTensor) { .shape = DS_SHAPE (1, 2, 6, 6), .data = x->data };
  ref = single_model_gradient (model, &one, labels);

  workers = ds_workers_new (model, 2, WORKER_BATCH, &error);
  g_assert_no_error (error);

  /* a step on the whole batch first, as in training */
  worker_job_init (&job, x, labels);
  ds_workers_run (workers, x->shape.n, &rng, grad_shard, &job);
  ds_workers_reduce (workers);

  /* then a last batch of one sample */
  job.x = &one;
  ds_workers_run (workers, 1, &rng, grad_shard, &job);
  ds_workers_reduce (workers);
  for (gsize i = 0; i < model->n_params; i++)
    if (!check_close ("1-sample gradient", i, model->grads[i], ref[i], 1e-7, 1e-5))
      break;
  worker_job_clear (&job);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/model/spec-errors", test_spec_errors);
  g_test_add_func ("/engine/model/spec-normalised", test_spec_normalised);
  g_test_add_func ("/engine/model/summary", test_summary);
  g_test_add_func ("/engine/model/preset-shapes", test_preset_shapes);
  g_test_add_func ("/engine/model/preset-seed-cnn-params", test_preset_seed_cnn_params);
  g_test_add_func ("/engine/model/preset-errors", test_preset_errors);
  g_test_add_func ("/engine/model/gradient-check", test_gradient_check);
  g_test_add_func ("/engine/model/backward-accumulates", test_backward_accumulates);
  g_test_add_func ("/engine/model/replica", test_replica);
  g_test_add_func ("/engine/model/workers-gradient", test_workers_gradient);
  g_test_add_func ("/engine/model/workers-thread-count", test_workers_thread_count);
  g_test_add_func ("/engine/model/workers-idle-shard", test_workers_idle);
  g_test_add_func ("/engine/model/spec-param-overflow", test_spec_param_overflow);

  return g_test_run ();
}
