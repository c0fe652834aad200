/* test-optim.c: SGD with momentum, Adam and AdamW against the textbook formulas
 *
 * The references below follow PyTorch's documented algorithms in double precision: SGD adds
 * weight_decay * param to the gradient and keeps buf = momentum * buf + g (buf = g on the first
 * step); Adam adds weight_decay * param to the gradient; AdamW multiplies the parameter by
 * 1 - lr * weight_decay before the update; both divide the bias-corrected first moment by
 * sqrt (bias-corrected second moment) + eps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-engine.h"

#define N_PARAMS 6

typedef struct
{
  DsOptimKind kind;
  double      lr, momentum, beta1, beta2, eps, wd;
  guint       t;
  double      m[N_PARAMS], v[N_PARAMS];
} RefOptim;

static void
ref_init (RefOptim          *ref,
          const DsOptimizer *opt)
{
  memset (ref, 0, sizeof *ref);
  ref->kind = opt->kind;
  ref->lr = opt->lr;
  ref->momentum = opt->momentum;
  ref->beta1 = opt->beta1;
  ref->beta2 = opt->beta2;
  ref->eps = opt->eps;
  ref->wd = opt->weight_decay;
}

static void
ref_step (RefOptim     *ref,
          double       *p,
          const double *g)
{
  ref->t++;
  for (guint i = 0; i < N_PARAMS; i++)
    {
      double gi = g[i], mhat, vhat;

      if (ref->kind == DS_OPTIM_SGD)
        {
          gi += ref->wd * p[i];
          ref->m[i] = ref->t == 1 ? gi : ref->momentum * ref->m[i] + gi;
          p[i] -= ref->lr * ref->m[i];
          continue;
        }
      if (ref->kind == DS_OPTIM_ADAM)
        gi += ref->wd * p[i];
      else
        p[i] *= 1.0 - ref->lr * ref->wd;
      ref->m[i] = ref->beta1 * ref->m[i] + (1.0 - ref->beta1) * gi;
      ref->v[i] = ref->beta2 * ref->v[i] + (1.0 - ref->beta2) * gi * gi;
      mhat = ref->m[i] / (1.0 - pow (ref->beta1, ref->t));
      vhat = ref->v[i] / (1.0 - pow (ref->beta2, ref->t));
      p[i] -= ref->lr * mhat / (sqrt (vhat) + ref->eps);
    }
}

/* Gradients that change size and sign from step to step; the last parameter has none. */
static void
gradient_at (guint   step,
             double *g)
{
  for (guint i = 0; i < N_PARAMS; i++)
    g[i] = i == N_PARAMS - 1 ? 0.0 : (0.3 + 0.2 * i) * sin (1.3 * step + i);
}

static const float start[N_PARAMS] = { 0.5f, -1.0f, 2.0f, -0.25f, 3.0f, 0.0f };

/* @steps updates of the engine against the reference, compared after each. */
static void
check_against_reference (DsOptimizer *opt,
                         guint        steps)
{
  RefOptim ref;
  float p[N_PARAMS], g[N_PARAMS];
  double pd[N_PARAMS], gd[N_PARAMS];

  ref_init (&ref, opt);
  for (guint i = 0; i < N_PARAMS; i++)
    {
      p[i] = start[i];
      pd[i] = start[i];
    }
  for (guint s = 1; s <= steps; s++)
    {
      gradient_at (s, gd);
      for (guint i = 0; i < N_PARAMS; i++)
        g[i] = (float) gd[i];
      for (guint i = 0; i < N_PARAMS; i++)
        gd[i] = g[i];
      ds_optimizer_step (opt, p, g);
      ref_step (&ref, pd, gd);
      g_assert_cmpuint (opt->t, ==, s);
      for (guint i = 0; i < N_PARAMS; i++)
        if (!(fabs (p[i] - pd[i]) <= 1e-5 * (1.0 + fabs (pd[i]))))
          g_error ("%s lr=%g wd=%g eps=%g: step %u, param %u is %.9g, expected %.9g",
                   ds_optim_kind_to_string (opt->kind), opt->lr, opt->weight_decay, opt->eps,
                   s, i, p[i], pd[i]);
    }
}

static void
run_reference (DsOptimKind kind,
               float       lr,
               float       wd)
{
  g_autoptr(DsOptimizer) one = ds_optimizer_new (kind, N_PARAMS, lr, wd);
  g_autoptr(DsOptimizer) many = ds_optimizer_new (kind, N_PARAMS, lr, wd);

  check_against_reference (one, 1);
  check_against_reference (many, 25);
}

/* Hand values of the first steps */

static void
test_sgd_hand (void)
{
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_SGD, 3, 0.1f, 0.0f);
  g_autoptr(DsOptimizer) wd = ds_optimizer_new (DS_OPTIM_SGD, 1, 0.1f, 0.5f);
  float p[3] = { 0.5f, -1.0f, 2.0f };
  const float g[3] = { 0.1f, -0.2f, 0.3f };
  float q = 2.0f;
  const float gq = 0.0f;

  g_assert_cmpfloat (opt->momentum, ==, 0.9f);
  g_assert_cmpuint (ds_optimizer_state_size (opt), ==, 3);
  /* step 1: buf = g, p -= 0.1 g */
  ds_optimizer_step (opt, p, g);
  g_assert_cmpfloat_with_epsilon (p[0], 0.49, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -0.98, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 1.97, 1e-6);
  /* step 2, same gradient: buf = 0.9 g + g = 1.9 g */
  ds_optimizer_step (opt, p, g);
  g_assert_cmpfloat_with_epsilon (p[0], 0.49 - 0.019, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -0.98 + 0.038, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 1.97 - 0.057, 1e-6);

  /* L2: g + 0.5 * 2 = 1, p = 2 - 0.1 */
  ds_optimizer_step (wd, &q, &gq);
  g_assert_cmpfloat_with_epsilon (q, 1.9, 1e-6);
}

/* Adam's first step moves each parameter by lr * g / (|g| + eps): lr against the sign of g. */
static void
test_adam_hand (void)
{
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (DS_OPTIM_ADAM, 4, 0.01f, 0.0f);
  g_autoptr(DsOptimizer) big_eps = ds_optimizer_new (DS_OPTIM_ADAM, 1, 0.01f, 0.0f);
  float p[4] = { 0.5f, -1.0f, 2.0f, 0.0f };
  const float g[4] = { 0.1f, -0.2f, 3.0f, 0.0f };
  float q = 1.0f;
  const float gq = 0.05f;

  g_assert_cmpfloat (opt->beta1, ==, 0.9f);
  g_assert_cmpfloat (opt->beta2, ==, 0.999f);
  g_assert_cmpfloat (opt->eps, ==, 1e-8f);
  g_assert_cmpuint (ds_optimizer_state_size (opt), ==, 8);
  ds_optimizer_step (opt, p, g);
  g_assert_cmpfloat_with_epsilon (p[0], 0.49, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -0.99, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[2], 1.99, 1e-6);
  /* no gradient, no moment: no step and no 0/0 */
  g_assert_cmpfloat (p[3], ==, 0.0f);

  /* eps is added to sqrt (v_hat) = |g|: 0.01 * 0.05 / (0.05 + 0.1) */
  big_eps->eps = 0.1f;
  ds_optimizer_step (big_eps, &q, &gq);
  g_assert_cmpfloat_with_epsilon (q, 1.0 - 0.01 / 3, 1e-6);
}

/* Where weight decay turns the gradient round, Adam (L2) and AdamW (decoupled) part ways. */
static void
test_weight_decay_hand (void)
{
  g_autoptr(DsOptimizer) adam = ds_optimizer_new (DS_OPTIM_ADAM, 1, 0.01f, 0.1f);
  g_autoptr(DsOptimizer) adamw = ds_optimizer_new (DS_OPTIM_ADAMW, 1, 0.01f, 0.1f);
  float pa = 2.0f, pw = 2.0f;
  const float g = -0.1f;

  /* Adam: g + 0.1 * 2 = 0.1 > 0, one step of lr down */
  ds_optimizer_step (adam, &pa, &g);
  g_assert_cmpfloat_with_epsilon (pa, 1.99, 1e-6);
  /* AdamW: 2 (1 - 0.01 * 0.1) = 1.998, then one step of lr up */
  ds_optimizer_step (adamw, &pw, &g);
  g_assert_cmpfloat_with_epsilon (pw, 2.008, 1e-6);
}

/* Several steps against the reference */

static void
test_sgd_reference (void)
{
  run_reference (DS_OPTIM_SGD, 0.1f, 0.0f);
  run_reference (DS_OPTIM_SGD, 0.05f, 0.01f);
}

static void
test_adam_reference (void)
{
  run_reference (DS_OPTIM_ADAM, 0.01f, 0.0f);
  run_reference (DS_OPTIM_ADAM, 0.05f, 0.1f);
}

static void
test_adamw_reference (void)
{
  run_reference (DS_OPTIM_ADAMW, 0.01f, 0.0f);
  run_reference (DS_OPTIM_ADAMW, 0.05f, 0.1f);
}

/* The hyper-parameters are read from the struct at each step. */
static void
test_custom_hyperparameters (void)
{
  g_autoptr(DsOptimizer) sgd = ds_optimizer_new (DS_OPTIM_SGD, N_PARAMS, 0.05f, 0.02f);
  g_autoptr(DsOptimizer) adam = ds_optimizer_new (DS_OPTIM_ADAM, N_PARAMS, 0.02f, 0.05f);
  g_autoptr(DsOptimizer) adamw = ds_optimizer_new (DS_OPTIM_ADAMW, N_PARAMS, 0.02f, 0.05f);

  sgd->momentum = 0.5f;
  adam->beta1 = 0.5f;
  adam->beta2 = 0.9f;
  adam->eps = 0.01f;
  adamw->beta1 = 0.8f;
  adamw->beta2 = 0.95f;
  adamw->eps = 1e-3f;
  check_against_reference (sgd, 20);
  check_against_reference (adam, 20);
  check_against_reference (adamw, 20);
}

/* Minimising a quadratic */

static const double curv[N_PARAMS] = { 0.5, 1.0, 2.0, 1.5, 0.8, 1.2 };
static const double centre[N_PARAMS] = { 1.0, -2.0, 0.5, 3.0, -0.5, 0.0 };

/* f (p) = 1/2 sum curv (p - centre)^2; the gradient is curv (p - centre). */
static double
quadratic (const float *p,
           float       *g)
{
  double f = 0.0;

  for (guint i = 0; i < N_PARAMS; i++)
    {
      double d = p[i] - centre[i];

      f += 0.5 * curv[i] * d * d;
      if (g != NULL)
        g[i] = (float) (curv[i] * d);
    }

  return f;
}

/* Runs @steps steps from 0; returns the final loss and leaves the parameters in @p. */
static double
minimise (DsOptimKind kind,
          float       lr,
          float       wd,
          guint       steps,
          float      *p)
{
  g_autoptr(DsOptimizer) opt = ds_optimizer_new (kind, N_PARAMS, lr, wd);
  float g[N_PARAMS];

  memset (p, 0, N_PARAMS * sizeof (float));
  for (guint s = 0; s < steps; s++)
    {
      quadratic (p, g);
      ds_optimizer_step (opt, p, g);
    }

  return quadratic (p, NULL);
}

static void
test_quadratic (void)
{
  static const struct
  {
    DsOptimKind kind;
    float       lr;
    guint       steps;
  } runs[] = {
    { DS_OPTIM_SGD, 0.05f, 400 },
    { DS_OPTIM_ADAM, 0.05f, 1500 },
    { DS_OPTIM_ADAMW, 0.05f, 1500 },
  };
  double f0;
  float p[N_PARAMS];

  memset (p, 0, sizeof p);
  f0 = quadratic (p, NULL);
  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      double f = minimise (runs[r].kind, runs[r].lr, 0.0f, runs[r].steps, p);

      g_test_message ("%s: f = %.3g from %.3g", ds_optim_kind_to_string (runs[r].kind), f, f0);
      g_assert_cmpfloat (f, <, 1e-6 * f0);
      for (guint i = 0; i < N_PARAMS; i++)
        g_assert_cmpfloat_with_epsilon (p[i], centre[i], 1e-2);
    }

  /* with L2 weight decay, SGD and Adam settle where curv (p - centre) + wd p = 0 */
  for (guint r = 0; r < 2; r++)
    {
      minimise (runs[r].kind, runs[r].lr, 0.5f, runs[r].steps, p);
      for (guint i = 0; i < N_PARAMS; i++)
        g_assert_cmpfloat_with_epsilon (p[i], curv[i] * centre[i] / (curv[i] + 0.5), 1e-2);
    }
}

static void
test_kind_names (void)
{
  static const DsOptimKind kinds[] = { DS_OPTIM_SGD, DS_OPTIM_ADAM, DS_OPTIM_ADAMW };
  DsOptimKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *upper = g_ascii_strup (ds_optim_kind_to_string (kinds[i]), -1);

      g_assert_true (ds_optim_kind_from_string (upper, &kind));
      g_assert_cmpint (kind, ==, kinds[i]);
    }
  g_assert_cmpstr (ds_optim_kind_to_string (DS_OPTIM_ADAMW), ==, "adamw");
  g_assert_false (ds_optim_kind_from_string ("rmsprop", &kind));
  g_assert_false (ds_optim_kind_from_string ("", &kind));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/optim/sgd/hand", test_sgd_hand);
  g_test_add_func ("/engine/optim/adam/hand", test_adam_hand);
  g_test_add_func ("/engine/optim/weight-decay/hand", test_weight_decay_hand);
  g_test_add_func ("/engine/optim/sgd/reference", test_sgd_reference);
  g_test_add_func ("/engine/optim/adam/reference", test_adam_reference);
  g_test_add_func ("/engine/optim/adamw/reference", test_adamw_reference);
  g_test_add_func ("/engine/optim/custom-hyperparameters", test_custom_hyperparameters);
  g_test_add_func ("/engine/optim/quadratic", test_quadratic);
  g_test_add_func ("/engine/optim/kind-names", test_kind_names);

  return g_test_run ();
}
