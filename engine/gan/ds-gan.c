/* ds-gan.c: building, initialising, sampling, saving and loading GANs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ds-error.h"
#include "gan/ds-gan-private.h"
#include "models/ds-gan-presets.h"

/* DCGAN's optimiser (Radford et al.): Adam with a lower rate and beta1 than usual. */
#define GAN_LR    2e-4f
#define GAN_BETA1 0.5f

static DsOptimizer *
gan_optimizer_new (gsize n_params)
{
  DsOptimizer *opt = ds_optimizer_new (DS_OPTIM_ADAM, n_params, GAN_LR, 0.0f);

  opt->beta1 = GAN_BETA1;

  return opt;
}

/* Checks that @g and @d fit each other and @latent, @image. */
static gboolean
check_networks (const DsModel  *g,
                const DsModel  *d,
                guint           latent,
                DsShape         image,
                GError        **error)
{
  DsShape g_out = ds_model_output_shape (g);
  DsShape d_out;

  if (g->input.c != latent || g->input.h != 1 || g->input.w != 1)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "generator: its input is %u×%u×%u, not the latent vector's %u×1×1",
                   g->input.c, g->input.h, g->input.w, latent);
      return FALSE;
    }
  if (ds_shape_sample_size (&g_out) != ds_shape_sample_size (&image))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "generator: its output of %u×%u×%u is not an image of %u×%u×%u",
                   g_out.c, g_out.h, g_out.w, image.c, image.h, image.w);
      return FALSE;
    }
  if (d == NULL)
    return TRUE;
  if (d->input.c != image.c || d->input.h != image.h || d->input.w != image.w)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "discriminator: its input is %u×%u×%u, not the images' %u×%u×%u",
                   d->input.c, d->input.h, d->input.w, image.c, image.h, image.w);
      return FALSE;
    }
  d_out = ds_model_output_shape (d);
  if (ds_shape_sample_size (&d_out) != 1)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "discriminator: its output is %u×%u×%u, not one logit",
                   d_out.c, d_out.h, d_out.w);
      return FALSE;
    }

  return TRUE;
}

static DsGan *
gan_alloc (guint   latent,
           DsShape image)
{
  DsGan *gan = g_new0 (DsGan, 1);

  gan->latent = latent;
  gan->image = DS_SHAPE (1, image.c, image.h, image.w);
  gan->class_index = -1;

  return gan;
}

DsGan *
ds_gan_new (const char  *g_spec,
            const char  *d_spec,
            guint        latent,
            DsShape      image,
            GError     **error)
{
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(GError) local_error = NULL;

  if (latent == 0 || ds_shape_sample_size (&image) == 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT,
                   "a GAN needs a latent size and an image shape of at least 1");
      return NULL;
    }
  gan = gan_alloc (latent, image);
  gan->generator = ds_model_new (g_spec, DS_SHAPE (1, latent, 1, 1), &local_error);
  if (gan->generator == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "generator: ");
      return NULL;
    }
  gan->discriminator = ds_model_new (d_spec, gan->image, &local_error);
  if (gan->discriminator == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "discriminator: ");
      return NULL;
    }
  if (!check_networks (gan->generator, gan->discriminator, latent, image, error))
    return NULL;
  gan->g_opt = gan_optimizer_new (gan->generator->n_params);
  gan->d_opt = gan_optimizer_new (gan->discriminator->n_params);

  return g_steal_pointer (&gan);
}

DsGan *
ds_gan_new_preset (const char  *name,
                   DsShape      image,
                   guint        latent,
                   GError     **error)
{
  const DsGanPreset *preset = ds_gan_preset_lookup (name);
  g_autofree char *g_spec = NULL;
  g_autofree char *d_spec = NULL;
  DsGan *gan;

  if (preset != NULL && latent == 0)
    latent = preset->latent;
  if (!ds_gan_preset_specs (name, image, latent, &g_spec, &d_spec, error))
    return NULL;
  gan = ds_gan_new (g_spec, d_spec, latent, image, error);
  if (gan == NULL)
    return NULL;
  ds_model_set_preset (gan->generator, name);
  ds_model_set_preset (gan->discriminator, name);

  return gan;
}

void
ds_gan_free (DsGan *gan)
{
  if (gan == NULL)
    return;
  ds_model_free (gan->generator);
  ds_model_free (gan->discriminator);
  ds_optimizer_free (gan->g_opt);
  ds_optimizer_free (gan->d_opt);
  g_free (gan->class_name);
  g_free (gan);
}

static void
init_network (DsModel *model,
              DsRng   *rng)
{
  /* every layer first resets its state (batchnorm statistics) and draws its own weights... */
  ds_model_init_params (model, rng);

  /* ...which DCGAN then replaces. Parameter layers keep their weights first, then one bias
   * (or shift) an output channel; batchnorm's weights are its scales. */
  for (guint i = 0; i < ds_model_n_layers (model); i++)
    {
      DsLayer *layer = ds_model_get_layer (model, i);
      gboolean bn = g_str_equal (layer->klass->name, "batchnorm");
      gsize n_bias = layer->out_shape.c;

      if (layer->n_params == 0)
        continue;
      g_assert (layer->n_params > n_bias);
      for (gsize j = 0; j < layer->n_params - n_bias; j++)
        layer->params[j] = (bn ? 1.0f : 0.0f) + 0.02f * ds_rng_normal (rng);
      memset (layer->params + layer->n_params - n_bias, 0, n_bias * sizeof (float));
    }
}

void
ds_gan_init_params (DsGan *gan,
                    DsRng *rng)
{
  init_network (gan->generator, rng);
  if (gan->discriminator != NULL)
    init_network (gan->discriminator, rng);
}

void
ds_gan_latents (guint     latent,
                guint     n,
                guint64   seed,
                DsTensor *z)
{
  DsRng rng;

  ds_rng_seed (&rng, seed);
  ds_tensor_reshape (z, DS_SHAPE (n, latent, 1, 1));
  for (gsize i = 0; i < ds_tensor_size (z); i++)
    z->data[i] = ds_rng_normal (&rng);
}

typedef struct
{
  const DsTensor *z;       /* (n, Z, 1, 1) */
  DsTensor       *images;  /* (n, C, H, W) */
  guint           offset;  /* of this batch in both */
} GenerateJob;

static void
generate_slice (DsModel  *replica,
                guint     shard,
                guint     start,
                guint     count,
                DsRng    *rng,
                gpointer  user_data)
{
  GenerateJob *job = user_data;
  DsTensor z = ds_gan_slice (job->z, job->offset + start, count);
  DsTensor out = ds_gan_slice (job->images, job->offset + start, count);
  const DsTensor *y = ds_model_forward (replica, &z, FALSE, NULL);

  /* tanh's [-1, 1] back to pixel values */
  for (gsize i = 0; i < ds_tensor_size (&out); i++)
    out.data[i] = CLAMP (0.5f * (y->data[i] + 1.0f), 0.0f, 1.0f);
}

void
ds_gan_generate_on (DsWorkers      *g_workers,
                    DsGan          *gan,
                    const DsTensor *z,
                    DsTensor       *images)
{
  GenerateJob job = { .z = z, .images = images };
  guint n = z->shape.n;
  /* whole shards at a time: a training pool gives the samples of any other pool */
  guint chunk = ds_workers_get_max_batch (g_workers);

  ds_tensor_reshape (images, DS_SHAPE (n, gan->image.c, gan->image.h, gan->image.w));
  for (job.offset = 0; job.offset < n; job.offset += chunk)
    ds_workers_run (g_workers, MIN (chunk, n - job.offset), NULL, generate_slice, &job);
}

gboolean
ds_gan_generate (DsGan          *gan,
                 DsContext      *ctx,
                 const DsTensor *z,
                 DsTensor       *images,
                 GError        **error)
{
  g_autoptr(DsWorkers) workers = NULL;

  if (z->shape.c != gan->latent || z->shape.h != 1 || z->shape.w != 1)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_SHAPE,
                   "latent vectors of %u×%u×%u for a generator of %u×1×1",
                   z->shape.c, z->shape.h, z->shape.w, gan->latent);
      return FALSE;
    }
  workers = ds_workers_new (gan->generator, ds_context_get_n_threads (ctx), DS_GAN_EVAL_BATCH,
                            error);
  if (workers == NULL)
    return FALSE;
  ds_gan_generate_on (workers, gan, z, images);

  return TRUE;
}

guint8 *
ds_image_grid (const DsTensor *images,
               guint           columns,
               guint           gap,
               guint          *out_h,
               guint          *out_w)
{
  guint n = images->shape.n, c = images->shape.c, h = images->shape.h, w = images->shape.w;
  guint cols = MAX (1, MIN (columns, n));
  guint rows = MAX (1, (n + cols - 1) / cols);
  guint gh = rows * (h + gap) + gap, gw = cols * (w + gap) + gap;
  guint8 *grid = g_malloc0 ((gsize) c * gh * gw);

  for (guint i = 0; i < n; i++)
    {
      guint y0 = gap + (i / cols) * (h + gap), x0 = gap + (i % cols) * (w + gap);

      for (guint k = 0; k < c; k++)
        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            {
              float v = images->data[(((gsize) i * c + k) * h + y) * w + x];

              grid[((gsize) k * gh + y0 + y) * gw + x0 + x] =
                (guint8) lrintf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
            }
    }
  *out_h = gh;
  *out_w = gw;

  return grid;
}

gboolean
ds_image_grid_split (const guint8 *grid,
                     guint         grid_h,
                     guint         grid_w,
                     guint         n,
                     guint         columns,
                     guint         gap,
                     DsShape       image,
                     DsTensor     *images)
{
  guint c = image.c, h = image.h, w = image.w;
  guint cols = MAX (1, MIN (columns, n));
  guint rows = MAX (1, (n + cols - 1) / cols);

  if (n == 0 || grid_h != rows * (h + gap) + gap || grid_w != cols * (w + gap) + gap)
    return FALSE;
  ds_tensor_reshape (images, DS_SHAPE (n, c, h, w));
  for (guint i = 0; i < n; i++)
    {
      guint y0 = gap + (i / cols) * (h + gap), x0 = gap + (i % cols) * (w + gap);

      for (guint k = 0; k < c; k++)
        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            images->data[(((gsize) i * c + k) * h + y) * w + x] =
              grid[((gsize) k * grid_h + y0 + y) * grid_w + x0 + x] / 255.0f;
    }

  return TRUE;
}

char *
ds_gan_discriminator_path (const char *path)
{
  if (g_str_has_suffix (path, ".dsm"))
    {
      g_autofree char *stem = g_strndup (path, strlen (path) - strlen (".dsm"));

      return g_strconcat (stem, ".disc.dsm", NULL);
    }

  return g_strconcat (path, ".disc.dsm", NULL);
}

static void
set_metadata_printf (DsModel    *model,
                     const char *key,
                     const char *fmt,
                     ...) G_GNUC_PRINTF (3, 4);

static void
set_metadata_printf (DsModel    *model,
                     const char *key,
                     const char *fmt,
                     ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, fmt);
  value = g_strdup_vprintf (fmt, args);
  va_end (args);
  ds_model_set_metadata (model, key, value);
}

/* What both files carry: their role, and the step that pairs them. */
static void
set_common_metadata (const DsGan *gan,
                     DsModel     *model,
                     const char  *role)
{
  ds_model_set_metadata (model, "gan.role", role);
  set_metadata_printf (model, "gan.epoch", "%u", gan->epochs_done);
  set_metadata_printf (model, "gan.step", "%" G_GUINT64_FORMAT, gan->global_step);
}

gboolean
ds_gan_save (const DsGan  *gan,
             const char   *path,
             GError      **error)
{
  g_autofree char *d_path = ds_gan_discriminator_path (path);
  g_autofree char *d_name = g_path_get_basename (d_path);
  char smoothing[G_ASCII_DTOSTR_BUF_SIZE];
  DsModel *g = gan->generator;

  if (gan->discriminator != NULL)
    {
      set_common_metadata (gan, gan->discriminator, "discriminator");
      if (!ds_model_save (gan->discriminator, gan->d_opt, d_path, error))
        return FALSE;
    }

  set_common_metadata (gan, g, "generator");
  set_metadata_printf (g, "gan.latent", "%u", gan->latent);
  set_metadata_printf (g, "gan.image", "%ux%ux%u", gan->image.c, gan->image.h, gan->image.w);
  set_metadata_printf (g, "gan.class", "%d", gan->class_index);
  ds_model_set_metadata (g, "gan.class_name", gan->class_name);
  /* the C locale's decimal point, whatever the process's locale */
  ds_model_set_metadata (g, "gan.label_smoothing",
                         g_ascii_dtostr (smoothing, sizeof smoothing, gan->label_smoothing));
  ds_model_set_metadata (g, "gan.discriminator", gan->discriminator != NULL ? d_name : NULL);

  return ds_model_save (g, gan->g_opt, path, error);
}

/* Reads an unsigned metadata value of @model, loaded from @path, into @value. */
static gboolean
get_uint_metadata (const DsModel  *model,
                   const char     *path,
                   const char     *key,
                   guint64         max,
                   guint64        *value,
                   GError        **error)
{
  const char *text = ds_model_get_metadata (model, key);

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: the GAN's “%s” is %s", path, key, text == NULL ? "missing" : "not valid");
      return FALSE;
    }

  return TRUE;
}

static DsModel *
load_network (const char   *path,
              const char   *role,
              DsOptimizer **opt,
              GError      **error)
{
  g_autoptr(DsModel) model = ds_model_load (path, opt, error);
  const char *found;

  if (model == NULL)
    return NULL;
  found = ds_model_get_metadata (model, "gan.role");
  if (g_strcmp0 (found, role) != 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not a GAN's %s (%s)", path, role,
                   found != NULL ? found : "a model without GAN metadata");
      return NULL;
    }

  return g_steal_pointer (&model);
}

/* Both files must come from the same step of the same run. */
static gboolean
check_pair (const DsModel  *g,
            const DsModel  *d,
            const char     *path,
            const char     *d_path,
            GError        **error)
{
  if (g_strcmp0 (ds_model_get_metadata (g, "gan.step"), ds_model_get_metadata (d, "gan.step")) != 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s is from step %s but %s from step %s: not one checkpoint", path,
                   ds_model_get_metadata (g, "gan.step"), d_path,
                   ds_model_get_metadata (d, "gan.step"));
      return FALSE;
    }

  return TRUE;
}

DsGan *
ds_gan_load (const char  *path,
             gboolean     discriminator,
             GError     **error)
{
  g_autoptr(DsModel) g = NULL;
  g_autoptr(DsOptimizer) g_opt = NULL;
  g_autoptr(DsGan) gan = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *image_text, *class_text, *smoothing_text;
  guint64 latent, epoch, step;
  guint c = 0, h = 0, w = 0;
  gint64 class_index = -1;

  g = load_network (path, "generator", &g_opt, error);
  if (g == NULL)
    return NULL;
  if (!get_uint_metadata (g, path, "gan.latent", 1u << 20, &latent, error) ||
      !get_uint_metadata (g, path, "gan.epoch", G_MAXUINT, &epoch, error) ||
      !get_uint_metadata (g, path, "gan.step", G_MAXUINT64, &step, error))
    return NULL;
  image_text = ds_model_get_metadata (g, "gan.image");
  if (image_text == NULL || sscanf (image_text, "%ux%ux%u", &c, &h, &w) != 3 ||
      c == 0 || h == 0 || w == 0 || c > 4 || h > 65536 || w > 65536)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: the GAN's image shape “%s” is not valid", path,
                   image_text != NULL ? image_text : "");
      return NULL;
    }
  class_text = ds_model_get_metadata (g, "gan.class");
  if (class_text != NULL && !g_ascii_string_to_signed (class_text, 10, -1, G_MAXINT32,
                                                       &class_index, NULL))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: the GAN's class “%s” is not valid", path, class_text);
      return NULL;
    }

  gan = gan_alloc ((guint) latent, DS_SHAPE (1, c, h, w));
  gan->epochs_done = (guint) epoch;
  gan->global_step = step;
  gan->class_index = (gint) class_index;
  gan->class_name = g_strdup (ds_model_get_metadata (g, "gan.class_name"));
  smoothing_text = ds_model_get_metadata (g, "gan.label_smoothing");
  if (smoothing_text != NULL)
    gan->label_smoothing = (float) g_ascii_strtod (smoothing_text, NULL);
  if (!(gan->label_smoothing >= 0.0f && gan->label_smoothing < 1.0f))
    gan->label_smoothing = 0.0f;

  if (discriminator)
    {
      g_autofree char *d_path = ds_gan_discriminator_path (path);
      g_autoptr(DsOptimizer) d_opt = NULL;

      gan->discriminator = load_network (d_path, "discriminator", &d_opt, error);
      if (gan->discriminator == NULL)
        return NULL;
      if (!check_pair (g, gan->discriminator, path, d_path, error))
        return NULL;
      gan->d_opt = d_opt != NULL ? g_steal_pointer (&d_opt)
                                 : gan_optimizer_new (gan->discriminator->n_params);
    }

  if (!check_networks (g, gan->discriminator, gan->latent, gan->image, &local_error))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "%s: %s", path,
                   local_error->message);
      return NULL;
    }
  gan->generator = g_steal_pointer (&g);
  gan->g_opt = g_opt != NULL ? g_steal_pointer (&g_opt)
                              : gan_optimizer_new (gan->generator->n_params);

  return g_steal_pointer (&gan);
}
