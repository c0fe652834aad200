/* test-gan.c: GAN losses and gradients, sampling, checkpoints, training and its trouble signs
 *
 * Networks are tiny (latents of 3, images of 4×4 or the 8×8 bars of train-fixture.h) so that
 * every gradient can be checked by central differences.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ds-engine.h"

#include "train-fixture.h"

#define LATENT 3

/* G: two dense layers; D: convolution, batchnorm (training mode: statistics of the batch of
 * fakes), LeakyReLU. A batchnorm in G as well would project most of d L_G / d z away on batches
 * this small, leaving gradients too small to check by differences in float; its own gradient
 * is checked in test-layers. */
static const char grad_g_spec[] =
  "dense units=8\n"
  "tanh\n"
  "dense units=16\n";
static const char grad_d_spec[] =
  "conv2d filters=3 kernel=3 padding=1\n"
  "batchnorm\n"
  "leaky_relu slope=0.2\n"
  "flatten\n"
  "dense units=1\n";

static DsGan *
new_gan (const char *g_spec,
         const char *d_spec,
         DsShape     image)
{
  g_autoptr(GError) error = NULL;
  DsGan *gan = ds_gan_new (g_spec, d_spec, LATENT, image, &error);

  g_assert_no_error (error);
  g_assert_nonnull (gan);

  return gan;
}

/* Weights of a usable size for a gradient check (DCGAN's 0.02 makes every gradient tiny). */
static void
randomize (DsModel *model,
           DsRng   *rng,
           float    scale)
{
  ds_model_init_params (model, rng);
  for (gsize i = 0; i < model->n_params; i++)
    model->params[i] = scale * ds_rng_normal (rng);
}

static void
fill_normal (DsTensor *t,
             DsShape   shape,
             DsRng    *rng)
{
  ds_tensor_reshape (t, shape);
  for (gsize i = 0; i < ds_tensor_size (t); i++)
    t->data[i] = ds_rng_normal (rng);
}

static double
generator_loss (DsGan          *gan,
                const DsTensor *z)
{
  g_autoptr(GError) error = NULL;
  double loss = NAN;

  g_assert_true (ds_gan_generator_loss (gan, z, NULL, &loss, &error));
  g_assert_no_error (error);

  return loss;
}

static double
discriminator_loss (DsGan          *gan,
                    const DsTensor *real,
                    const DsTensor *fake)
{
  g_autoptr(GError) error = NULL;
  double loss = NAN;

  g_assert_true (ds_gan_discriminator_loss (gan, real, fake, &loss, &error));
  g_assert_no_error (error);

  return loss;
}

/* The worst disagreement of analytic gradients @a with numeric ones @n (both @len): each
 * difference relative to the pair's size, floored at 1 % of the largest numeric gradient so that
 * near-zero gradients compare absolutely. Also returns the largest, to show the check is not
 * vacuous. */
static double
grad_error (const double *a,
            const double *n,
            gsize         len,
            double       *largest)
{
  double worst = 0.0, top = 0.0;

  for (gsize i = 0; i < len; i++)
    top = MAX (top, fabs (n[i]));
  for (gsize i = 0; i < len; i++)
    worst = MAX (worst, fabs (a[i] - n[i]) / MAX (fabs (a[i]) + fabs (n[i]), 0.01 * top));
  *largest = top;

  return worst;
}

/* large for float differences, as the losses are means over a batch: their gradients are small */
#define EPS 1e-2f
#define GRAD_TOL 1e-2

typedef double (*LossFunc) (gpointer data);

/* Central differences of @loss with respect to each of the @n values @v, into @out. */
static void
numeric_grads (float    *v,
               gsize     n,
               LossFunc  loss,
               gpointer  data,
               double   *out)
{
  for (gsize i = 0; i < n; i++)
    {
      float saved = v[i];
      float plus = saved + EPS, minus = saved - EPS;
      double lp, lm;

      v[i] = plus;
      lp = loss (data);
      v[i] = minus;
      lm = loss (data);
      v[i] = saved;
      /* the step actually taken, in float */
      out[i] = (lp - lm) / ((double) plus - minus);
    }
}

static double *
to_doubles (const float *x,
            gsize        n)
{
  double *d = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    d[i] = x[i];

  return d;
}

typedef struct
{
  DsGan    *gan;
  DsTensor *z, *real, *fake;
} LossCase;

static double
generator_loss_cb (gpointer data)
{
  LossCase *c = data;

  return generator_loss (c->gan, c->z);
}

static double
discriminator_loss_cb (gpointer data)
{
  LossCase *c = data;

  return discriminator_loss (c->gan, c->real, c->fake);
}

/* L_G's gradient with respect to z and to every generator weight, through the discriminator,
 * against central differences. */
static void
test_generator_gradient (void)
{
  g_autoptr(DsGan) gan = new_gan (grad_g_spec, grad_d_spec, DS_SHAPE (1, 1, 4, 4));
  g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) dz = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(GError) error = NULL;
  g_autofree double *analytic_z = NULL;
  g_autofree double *analytic_g = NULL;
  g_autofree double *numeric_z = NULL;
  g_autofree double *numeric_g = NULL;
  DsModel *g = gan->generator;
  LossCase c = { .gan = gan };
  double loss, worst, largest;
  DsRng rng;

  ds_rng_seed (&rng, 11);
  randomize (g, &rng, 0.6f);
  randomize (gan->discriminator, &rng, 0.6f);
  fill_normal (z, DS_SHAPE (5, LATENT, 1, 1), &rng);
  c.z = z;

  g_assert_true (ds_gan_generator_loss (gan, z, dz, &loss, &error));
  g_assert_no_error (error);
  g_assert_true (isfinite (loss) && loss > 0.0);
  g_assert_true (ds_shape_equal (&dz->shape, &z->shape));
  analytic_z = to_doubles (dz->data, ds_tensor_size (dz));
  analytic_g = to_doubles (g->grads, g->n_params);

  /* the same call twice gives the same gradients: they are set, not accumulated */
  g_assert_true (ds_gan_generator_loss (gan, z, NULL, &loss, &error));
  for (gsize i = 0; i < g->n_params; i++)
    g_assert_cmpfloat (g->grads[i], ==, analytic_g[i]);

  numeric_z = g_new (double, ds_tensor_size (z));
  numeric_grads (z->data, ds_tensor_size (z), generator_loss_cb, &c, numeric_z);
  worst = grad_error (analytic_z, numeric_z, ds_tensor_size (z), &largest);
  g_test_message ("d L_G / d z: worst error %.2e, largest gradient %.2e", worst, largest);
  g_assert_cmpfloat (worst, <, GRAD_TOL);
  g_assert_cmpfloat (largest, >, 1e-4);

  numeric_g = g_new (double, g->n_params);
  numeric_grads (g->params, g->n_params, generator_loss_cb, &c, numeric_g);
  worst = grad_error (analytic_g, numeric_g, g->n_params, &largest);
  g_test_message ("d L_G / d θ_G: worst error %.2e over %" G_GSIZE_FORMAT
                  " weights, largest gradient %.2e", worst, g->n_params, largest);
  g_assert_cmpfloat (worst, <, GRAD_TOL);
  g_assert_cmpfloat (largest, >, 1e-3);
}

/* L_D's gradient with respect to the discriminator's weights, with label smoothing. */
static void
test_discriminator_gradient (void)
{
  g_autoptr(DsGan) gan = new_gan (grad_g_spec, grad_d_spec, DS_SHAPE (1, 1, 4, 4));
  g_autoptr(DsTensor) real = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) fake = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autofree double *analytic = NULL;
  g_autofree double *numeric = NULL;
  DsModel *d = gan->discriminator;
  LossCase c = { .gan = gan };
  double worst, largest;
  DsRng rng;

  ds_rng_seed (&rng, 12);
  randomize (d, &rng, 0.6f);
  fill_normal (real, DS_SHAPE (4, 1, 4, 4), &rng);
  fill_normal (fake, DS_SHAPE (4, 1, 4, 4), &rng);
  c.real = real;
  c.fake = fake;
  gan->label_smoothing = 0.1f;

  discriminator_loss (gan, real, fake);
  analytic = to_doubles (d->grads, d->n_params);
  numeric = g_new (double, d->n_params);
  numeric_grads (d->params, d->n_params, discriminator_loss_cb, &c, numeric);
  worst = grad_error (analytic, numeric, d->n_params, &largest);
  g_test_message ("d L_D / d θ_D: worst error %.2e, largest gradient %.2e", worst, largest);
  g_assert_cmpfloat (worst, <, GRAD_TOL);
  g_assert_cmpfloat (largest, >, 1e-2);
}

static double
softplus (double x)
{
  return log1p (exp (x));
}

/* A fixed case worked out by hand. Images are 1×1×2. D = dense: logit = 0.5 a - b + 0.25.
 * G = dense from z (1 value): (2 z, -z + 0.5). Real images (1, 0) and (0, 1) give logits 0.75
 * and -0.75; z = 0.5 and -1 give fakes (1, 0) and (-2, 1.5), logits 0.75 and -2.25. With
 * BCE(x, t) = t softplus(-x) + (1 - t) softplus(x):
 *   L_D = mean over real of BCE(x, 1 - s) + mean over fakes of softplus(x)
 *   L_G = mean over fakes of softplus(-x) */
static void
test_losses_by_hand (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(DsTensor) real = ds_tensor_new (DS_SHAPE (2, 1, 1, 2));
  g_autoptr(DsTensor) fake = ds_tensor_new (DS_SHAPE (2, 1, 1, 2));
  g_autoptr(DsTensor) z = ds_tensor_new (DS_SHAPE (2, 1, 1, 1));
  g_autoptr(DsTensor) dz = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  const float g_params[] = { 2.0f, -1.0f, 0.0f, 0.5f };   /* W (2, 1), then b */
  const float d_params[] = { 0.5f, -1.0f, 0.25f };
  const float real_px[] = { 1, 0, 0, 1 };
  const float z_values[] = { 0.5f, -1.0f };
  const double real_logits[] = { 0.75, -0.75 };
  const double fake_logits[] = { 0.75, -2.25 };
  const float smoothing[] = { 0.0f, 0.1f, 0.3f };
  double loss, expected;

  gan = ds_gan_new ("dense units=2", "flatten\ndense units=1", 1, DS_SHAPE (1, 1, 1, 2), &error);
  g_assert_no_error (error);
  memcpy (gan->generator->params, g_params, sizeof g_params);
  memcpy (gan->discriminator->params, d_params, sizeof d_params);
  memcpy (real->data, real_px, sizeof real_px);
  memcpy (z->data, z_values, sizeof z_values);

  /* the fakes G makes, fed to the discriminator's loss as they are */
  {
    const DsTensor *out = ds_model_forward (gan->generator, z, FALSE, NULL);

    g_assert_cmpfloat (out->data[0], ==, 1.0f);
    g_assert_cmpfloat (out->data[1], ==, 0.0f);
    g_assert_cmpfloat (out->data[2], ==, -2.0f);
    g_assert_cmpfloat (out->data[3], ==, 1.5f);
    memcpy (fake->data, out->data, 4 * sizeof (float));
  }

  for (guint k = 0; k < G_N_ELEMENTS (smoothing); k++)
    {
      double t = 1.0 - smoothing[k];

      gan->label_smoothing = smoothing[k];
      expected = 0.0;
      for (guint i = 0; i < 2; i++)
        expected += (t * softplus (-real_logits[i]) + (1.0 - t) * softplus (real_logits[i])) / 2.0
                    + softplus (fake_logits[i]) / 2.0;
      g_assert_true (ds_gan_discriminator_loss (gan, real, fake, &loss, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (loss, expected, 1e-6);
    }
  /* without smoothing: 0.5 (softplus(-0.75) + softplus(0.75)) + 0.5 (softplus(0.75) +
   * softplus(-2.25)), written out */
  gan->label_smoothing = 0.0f;
  g_assert_true (ds_gan_discriminator_loss (gan, real, fake, &loss, &error));
  g_assert_cmpfloat_with_epsilon (loss, 0.5 * (0.386871 + 1.136871) + 0.5 * (1.136871 + 0.100207),
                                  1e-5);

  /* the non-saturating generator loss: -mean log D(G(z)) */
  expected = (softplus (-fake_logits[0]) + softplus (-fake_logits[1])) / 2.0;
  g_assert_true (ds_gan_generator_loss (gan, z, dz, &loss, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (loss, expected, 1e-6);
  g_assert_cmpfloat_with_epsilon (loss, 0.5 * (0.386871 + 2.350207), 1e-5);
  /* d L_G / d z_i = (sigmoid (x_i) - 1) / 2 · (0.5 · 2 + (-1) · (-1)) = sigmoid (x_i) - 1 */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpfloat_with_epsilon (dz->data[i], 1.0 / (1.0 + exp (-fake_logits[i])) - 1.0, 1e-6);

  /* and the smoothing is what a trained model's file remembers */
  gan->label_smoothing = 0.1f;
  {
    g_autofree char *dir = g_dir_make_tmp ("ds-test-gan-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "g.dsm", NULL);
    g_autofree char *d_path = ds_gan_discriminator_path (path);
    g_autoptr(DsGan) loaded = NULL;

    g_assert_true (ds_gan_save (gan, path, &error));
    g_assert_no_error (error);
    loaded = ds_gan_load (path, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (loaded->label_smoothing, ==, 0.1f);
    g_assert_true (ds_gan_discriminator_loss (loaded, real, fake, &expected, &error));
    g_assert_true (ds_gan_discriminator_loss (gan, real, fake, &loss, &error));
    g_assert_cmpfloat (loss, ==, expected);
    g_unlink (path);
    g_unlink (d_path);
    g_rmdir (dir);
  }
}

/* Samples depend on the seed of the latents alone, not on the thread count: 37 latents are
 * three shards, spread over one thread or two. */
static void
test_sampling (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) gan = ds_gan_new_preset ("dcgan", DS_SHAPE (1, 1, 28, 28), 16, &error);
  g_autoptr(DsContext) one = ds_context_new (1, 1);
  g_autoptr(DsContext) two = ds_context_new (2, 2);
  g_autoptr(DsTensor) z1 = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) z2 = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) z3 = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) a = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) b = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  g_autoptr(DsTensor) c = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));
  DsRng rng;
  float lo = 1.0f, hi = 0.0f;

  g_assert_no_error (error);
  g_assert_cmpuint (gan->latent, ==, 16);
  ds_rng_seed (&rng, 3);
  ds_gan_init_params (gan, &rng);

  ds_gan_latents (gan->latent, 37, 42, z1);
  ds_gan_latents (gan->latent, 37, 42, z2);
  ds_gan_latents (gan->latent, 37, 43, z3);
  g_assert_cmpuint (z1->shape.n, ==, 37);
  g_assert_cmpuint (z1->shape.c, ==, 16);
  g_assert_cmpmem (z1->data, ds_tensor_size (z1) * 4, z2->data, ds_tensor_size (z2) * 4);
  g_assert_cmpint (memcmp (z1->data, z3->data, ds_tensor_size (z1) * 4), !=, 0);

  g_assert_true (ds_gan_generate (gan, one, z1, a, &error));
  g_assert_true (ds_gan_generate (gan, two, z2, b, &error));
  g_assert_true (ds_gan_generate (gan, two, z3, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (a->shape.n, ==, 37);
  g_assert_cmpuint (a->shape.h, ==, 28);
  g_assert_cmpmem (a->data, ds_tensor_size (a) * 4, b->data, ds_tensor_size (b) * 4);
  g_assert_cmpint (memcmp (a->data, c->data, ds_tensor_size (a) * 4), !=, 0);
  for (gsize i = 0; i < ds_tensor_size (a); i++)
    {
      lo = MIN (lo, a->data[i]);
      hi = MAX (hi, a->data[i]);
    }
  g_assert_cmpfloat (lo, >=, 0.0f);
  g_assert_cmpfloat (hi, <=, 1.0f);
  g_assert_cmpfloat (hi - lo, >, 0.0f);

  /* latents of the wrong size are refused */
  g_assert_false (ds_gan_generate (gan, one, a, b, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE);
}

static void
test_grid (void)
{
  g_autoptr(DsTensor) images = ds_tensor_new (DS_SHAPE (5, 1, 2, 3));
  g_autofree guint8 *grid = NULL;
  guint h, w;

  for (gsize i = 0; i < ds_tensor_size (images); i++)
    images->data[i] = (float) (i / 6 + 1) / 5.0f;   /* image k is all (k + 1) / 5 */
  grid = ds_image_grid (images, 2, 1, &h, &w);
  /* 3 rows of 2: 3 * (2 + 1) + 1 by 2 * (3 + 1) + 1 */
  g_assert_cmpuint (h, ==, 10);
  g_assert_cmpuint (w, ==, 9);
  g_assert_cmpuint (grid[0], ==, 0);
  g_assert_cmpuint (grid[1 * w + 1], ==, 51);           /* image 0 */
  g_assert_cmpuint (grid[1 * w + 5], ==, 102);          /* image 1, right of it */
  g_assert_cmpuint (grid[4 * w + 1], ==, 153);          /* image 2, below */
  g_assert_cmpuint (grid[7 * w + 3], ==, 255);          /* image 4 */
  g_assert_cmpuint (grid[7 * w + 5], ==, 0);            /* no image 5 */

  /* and back: the same images, exactly (their values are multiples of 1/255 here) */
  {
    g_autoptr(DsTensor) back = ds_tensor_new (DS_SHAPE (0, 0, 0, 0));

    g_assert_true (ds_image_grid_split (grid, h, w, 5, 2, 1, DS_SHAPE (1, 1, 2, 3), back));
    g_assert_true (ds_shape_equal (&back->shape, &images->shape));
    for (gsize i = 0; i < ds_tensor_size (images); i++)
      g_assert_cmpfloat (back->data[i], ==, images->data[i]);
    /* a grid of another layout is refused */
    g_assert_false (ds_image_grid_split (grid, h, w, 5, 3, 1, DS_SHAPE (1, 1, 2, 3), back));
    g_assert_false (ds_image_grid_split (grid, h, w, 5, 2, 1, DS_SHAPE (1, 1, 3, 3), back));
  }
}

/* Both files round-trip, with their optimiser moments, and must belong together. */
static void
test_checkpoint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsGan) gan = ds_gan_new_preset ("mlp-gan", DS_SHAPE (1, 1, 8, 8), 4, &error);
  g_autoptr(DsGan) loaded = NULL;
  g_autoptr(DsGan) g_only = NULL;
  g_autoptr(DsModel) plain = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ds-test-gan-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gan.dsm", NULL);
  g_autofree char *d_path = ds_gan_discriminator_path (path);
  g_autofree char *other = g_build_filename (dir, "other.dsm", NULL);
  g_autofree char *other_d = ds_gan_discriminator_path (other);
  g_autofree char *bytes = NULL;
  gsize len;
  DsRng rng;

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (d_path, "gan.disc.dsm"));
  ds_rng_seed (&rng, 5);
  ds_gan_init_params (gan, &rng);
  gan->epochs_done = 3;
  gan->global_step = 120;
  gan->class_index = 2;
  gan->class_name = g_strdup ("bar-2");
  gan->g_opt->t = 120;
  gan->g_opt->m[7] = 0.25f;
  gan->d_opt->v[3] = 0.5f;
  g_assert_true (ds_gan_save (gan, path, &error));
  g_assert_no_error (error);

  loaded = ds_gan_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->latent, ==, 4);
  g_assert_true (ds_shape_equal (&loaded->image, &gan->image));
  g_assert_cmpuint (loaded->epochs_done, ==, 3);
  g_assert_cmpuint (loaded->global_step, ==, 120);
  g_assert_cmpint (loaded->class_index, ==, 2);
  g_assert_cmpstr (loaded->class_name, ==, "bar-2");
  g_assert_cmpstr (loaded->generator->preset, ==, "mlp-gan");
  g_assert_cmpmem (loaded->generator->params, gan->generator->n_params * 4,
                   gan->generator->params, gan->generator->n_params * 4);
  g_assert_cmpmem (loaded->discriminator->params, gan->discriminator->n_params * 4,
                   gan->discriminator->params, gan->discriminator->n_params * 4);
  g_assert_cmpfloat (loaded->g_opt->beta1, ==, 0.5f);
  g_assert_cmpfloat (loaded->d_opt->beta1, ==, 0.5f);
  g_assert_cmpfloat (loaded->g_opt->lr, ==, 2e-4f);
  g_assert_cmpuint (loaded->g_opt->t, ==, 120);
  g_assert_cmpfloat (loaded->g_opt->m[7], ==, 0.25f);
  g_assert_cmpfloat (loaded->d_opt->v[3], ==, 0.5f);

  /* sampling needs the generator alone */
  g_assert_cmpint (g_unlink (d_path), ==, 0);
  g_only = ds_gan_load (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (g_only->discriminator);
  g_clear_pointer (&loaded, ds_gan_free);
  loaded = ds_gan_load (path, TRUE, &error);
  g_assert_null (loaded);
  g_assert_nonnull (strstr (error->message, d_path));
  g_clear_error (&error);

  /* a discriminator from another step does not pair with this generator */
  g_assert_true (ds_gan_save (gan, path, &error));
  gan->global_step = 121;
  g_assert_true (ds_gan_save (gan, other, &error));
  g_assert_cmpint (g_rename (other_d, d_path), ==, 0);
  loaded = ds_gan_load (path, TRUE, &error);
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "step"));
  g_clear_error (&error);

  /* a classifier is not a generator */
  plain = ds_model_new ("flatten\ndense units=2", DS_SHAPE (1, 1, 8, 8), &error);
  g_assert_true (ds_model_save (plain, NULL, other, &error));
  g_assert_null (ds_gan_load (other, FALSE, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, other));
  g_clear_error (&error);

  /* a damaged generator file is refused, naming it */
  g_assert_true (g_file_get_contents (path, &bytes, &len, &error));
  bytes[len / 2] ^= 0x40;
  g_assert_true (g_file_set_contents (path, bytes, len, &error));
  g_assert_null (ds_gan_load (path, FALSE, &error));
  g_assert_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, path));

  g_unlink (path);
  g_unlink (d_path);
  g_unlink (other);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/gan/gradient/generator", test_generator_gradient);
  g_test_add_func ("/engine/gan/gradient/discriminator", test_discriminator_gradient);
  g_test_add_func ("/engine/gan/losses-by-hand", test_losses_by_hand);
  g_test_add_func ("/engine/gan/sampling", test_sampling);
  g_test_add_func ("/engine/gan/grid", test_grid);
  g_test_add_func ("/engine/gan/checkpoint", test_checkpoint);

  return g_test_run ();
}
