/* ds-run-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-error.h"
#include "train/ds-run-config.h"

void
ds_run_config_init (DsRunConfig    *config,
                    const DsPreset *preset)
{
  *config = (DsRunConfig) {
    .preset = g_strdup (preset->name),
    .epochs = preset->epochs,
    .batch_size = 64,
    .optimizer = DS_OPTIM_ADAM,
    .lr = 1e-3,
    .val_split = 0.1,
    .lr_schedule = preset->cosine_lr ? DS_LR_COSINE : DS_LR_CONSTANT,
    .augment = preset->augment,
    .seed = 1,
    .n_threads = 2,
  };
  /* An autoencoder's epochs follow its data (0: ds_anomaly_auto_epochs() of the training
   * images, settled when the run starts), and a project's normal parts are surfaces without
   * an up: flips multiply the few images a line has of them. */
  if (preset->kind == DS_PRESET_AUTOENCODER)
    {
      config->val_split = 0.2;
      config->epochs = 0;
      config->augment.hflip = config->augment.vflip = TRUE;
    }
}

const DsPreset *
ds_run_config_find_preset (const char *name)
{
  const DsPreset *preset;

  if (name == NULL)
    return NULL;
  preset = ds_preset_lookup (name);

  return preset != NULL ? preset : ds_preset_lookup_kind (name, DS_PRESET_AUTOENCODER);
}

gboolean
ds_run_config_is_autoencoder (const DsRunConfig *config)
{
  const DsPreset *preset = ds_run_config_find_preset (config->preset);

  return preset != NULL && preset->kind == DS_PRESET_AUTOENCODER;
}

void
ds_run_config_copy (DsRunConfig       *dest,
                    const DsRunConfig *src)
{
  *dest = *src;
  dest->preset = g_strdup (src->preset);
  dest->normal_class = g_strdup (src->normal_class);
}

void
ds_run_config_clear (DsRunConfig *config)
{
  g_clear_pointer (&config->preset, g_free);
  g_clear_pointer (&config->normal_class, g_free);
}

gboolean
ds_run_config_validate (const DsRunConfig  *config,
                        GError            **error)
{
  const char *problem = NULL;

  if (ds_run_config_find_preset (config->preset) == NULL)
    problem = "unknown model preset";
  else if ((config->epochs < 1 && !ds_run_config_is_autoencoder (config))
           || config->epochs > 10000)
    problem = "epochs must be between 1 and 10000 (0, automatic, for autoencoders only)";
  else if (config->batch_size < 1 || config->batch_size > 65536)
    problem = "the batch size must be between 1 and 65536";
  else if (!(config->lr > 0 && config->lr <= 10))
    problem = "the learning rate must be above 0 and at most 10";
  else if (!(config->weight_decay >= 0 && config->weight_decay <= 1))
    problem = "the weight decay must be between 0 and 1";
  else if (!(config->val_split >= 0 && config->val_split < 1))
    problem = "the validation split must be at least 0 and below 1";
  else if (config->n_threads > 256)
    problem = "at most 256 threads";
  else if (config->normal_class != NULL && config->normal_class[0] == '\0')
    problem = "the normal class has no name";
  else if (config->include_synthetic && ds_run_config_is_autoencoder (config))
    problem = "an autoencoder learns what real normal parts look like: synthetic images are for "
              "classifiers";

  if (problem != NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_INVALID_ARGUMENT, "%s", problem);
      return FALSE;
    }

  return TRUE;
}
