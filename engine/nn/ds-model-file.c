/* ds-model-file.c: saving and loading models
 *
 * Layout, little-endian:
 *
 *   magic      8 bytes  89 'D' 'S' 'M' 0d 0a 1a 0a  (PNG-style: catches text-mode mangling)
 *   version    u32
 *   input      u32 c, h, w
 *   preset     str      (u32 length + bytes; length 0 for none)
 *   spec       str
 *   classes    u32 count, then count str
 *   params     u64 n, n f32
 *   state      u64 n, n f32
 *   optimiser  u32 0, or u32 1 + u32 kind, f32 lr momentum beta1 beta2 eps weight_decay,
 *              u64 t, u64 n, then n f32 (m) and for Adam(W) n f32 (v)
 *   metadata   (version 2) u32 count, then count pairs of str key, str value, keys sorted
 *   crc32      u32 of every byte before it
 *
 * Version 1 files (no metadata) are still read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ds-error.h"
#include "ds-file.h"
#include "nn/ds-model.h"

#define MODEL_VERSION 2
#define MAX_FILE_SIZE ((gsize) 4 << 30)
#define MAX_STRING    (1u << 20)
#define MAX_CLASSES   65536
#define MAX_METADATA  4096

static const guint8 model_magic[8] = { 0x89, 'D', 'S', 'M', 0x0d, 0x0a, 0x1a, 0x0a };

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);  /* floats are written as they are in memory */

static void
put_u32 (GByteArray *buf,
         guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (buf, (const guint8 *) &v, 4);
}

static void
put_u64 (GByteArray *buf,
         guint64     v)
{
  v = GUINT64_TO_LE (v);
  g_byte_array_append (buf, (const guint8 *) &v, 8);
}

static void
put_floats (GByteArray  *buf,
            const float *v,
            gsize        n)
{
  g_byte_array_append (buf, (const guint8 *) v, (guint) (n * sizeof (float)));
}

static void
put_str (GByteArray *buf,
         const char *s)
{
  gsize len = s != NULL ? strlen (s) : 0;

  put_u32 (buf, (guint32) len);
  g_byte_array_append (buf, (const guint8 *) s, (guint) len);
}

static int
sort_strings (const char * const *a,
              const char * const *b)
{
  return strcmp (*a, *b);
}

static void
put_metadata (GByteArray *buf,
              GHashTable *metadata)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  if (metadata != NULL)
    {
      keys = g_hash_table_get_keys_as_array (metadata, &n);
      /* sorted, so that the same model always gives the same bytes */
      qsort (keys, n, sizeof (gpointer), (GCompareFunc) sort_strings);
    }
  put_u32 (buf, n);
  for (guint i = 0; i < n; i++)
    {
      put_str (buf, keys[i]);
      put_str (buf, g_hash_table_lookup (metadata, keys[i]));
    }
}

gboolean
ds_model_save (const DsModel      *model,
               const DsOptimizer  *opt,
               const char         *path,
               GError            **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint n_classes = model->class_names != NULL ? g_strv_length (model->class_names) : 0;
  guint32 crc;

  g_return_val_if_fail (opt == NULL || opt->n == model->n_params, FALSE);

  g_byte_array_append (buf, model_magic, sizeof model_magic);
  put_u32 (buf, MODEL_VERSION);
  put_u32 (buf, model->input.c);
  put_u32 (buf, model->input.h);
  put_u32 (buf, model->input.w);
  put_str (buf, model->preset);
  put_str (buf, model->spec);
  put_u32 (buf, n_classes);
  for (guint i = 0; i < n_classes; i++)
    put_str (buf, model->class_names[i]);
  put_u64 (buf, model->n_params);
  put_floats (buf, model->params, model->n_params);
  put_u64 (buf, model->n_state);
  put_floats (buf, model->state, model->n_state);

  put_u32 (buf, opt != NULL);
  if (opt != NULL)
    {
      const float hyper[6] = { opt->lr, opt->momentum, opt->beta1, opt->beta2, opt->eps,
                               opt->weight_decay };

      put_u32 (buf, opt->kind);
      put_floats (buf, hyper, G_N_ELEMENTS (hyper));
      put_u64 (buf, opt->t);
      put_u64 (buf, opt->n);
      put_floats (buf, opt->m, opt->n);
      if (opt->v != NULL)
        put_floats (buf, opt->v, opt->n);
    }

  put_metadata (buf, model->metadata);

  crc = (guint32) crc32 (0L, buf->data, buf->len);
  put_u32 (buf, crc);

  return ds_file_write_atomic (path, buf->data, buf->len, error);
}

/* A bounds-checked cursor over the file's bytes; the first failure sticks. */
typedef struct
{
  const guint8 *p;
  gsize         left;
  const char   *what;   /* the field that did not fit, for the message */
} Reader;

static gboolean
take (Reader       *r,
      gsize         n,
      const char   *what,
      const guint8 **out)
{
  if (r->what != NULL)
    return FALSE;
  if (n > r->left)
    {
      r->what = what;
      return FALSE;
    }
  *out = r->p;
  r->p += n;
  r->left -= n;
  return TRUE;
}

static guint32
get_u32 (Reader     *r,
         const char *what)
{
  const guint8 *p;
  guint32 v = 0;

  if (take (r, 4, what, &p))
    memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (Reader     *r,
         const char *what)
{
  const guint8 *p;
  guint64 v = 0;

  if (take (r, 8, what, &p))
    memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static gboolean
get_floats (Reader     *r,
            float      *out,
            guint64     n,
            const char *what)
{
  const guint8 *p;

  if (n > r->left / sizeof (float))
    {
      if (r->what == NULL)
        r->what = what;
      return FALSE;
    }
  if (!take (r, n * sizeof (float), what, &p))
    return FALSE;
  memcpy (out, p, n * sizeof (float));
  return TRUE;
}

static char *
get_str (Reader     *r,
         const char *what)
{
  guint32 len = get_u32 (r, what);
  const guint8 *p;

  if (len > MAX_STRING)
    {
      if (r->what == NULL)
        r->what = what;
      return NULL;
    }
  if (!take (r, len, what, &p))
    return NULL;
  return g_strndup ((const char *) p, len);
}

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *fmt,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *fmt,
      ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "%s: %s", path, msg);
  return FALSE;
}

DsModel *
ds_model_load (const char   *path,
               DsOptimizer **opt_out,
               GError      **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DsModel) model = NULL;
  g_autoptr(DsOptimizer) opt = NULL;
  g_autofree char *preset = NULL;
  g_autofree char *spec = NULL;
  g_autoptr(GPtrArray) classes = g_ptr_array_new_with_free_func (g_free);
  const guint8 *data, *magic;
  gsize size;
  guint32 version, c, h, w, n_classes, stored_crc, has_opt;
  guint64 n_params, n_state;
  Reader r = { 0 };

  if (opt_out != NULL)
    *opt_out = NULL;

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  data = (const guint8 *) g_mapped_file_get_contents (file);
  size = g_mapped_file_get_length (file);

  if (size < sizeof model_magic || memcmp (data, model_magic, sizeof model_magic) != 0)
    return fail (error, path, "not a Defectscope model file"), NULL;
  if (size > MAX_FILE_SIZE)
    return fail (error, path, "%" G_GSIZE_FORMAT " bytes is too large for a model", size), NULL;
  if (size < sizeof model_magic + 8)
    return fail (error, path, "truncated: the header is incomplete"), NULL;

  /* the checksum first: a damaged version field is damage, not a newer file */
  memcpy (&stored_crc, data + size - 4, 4);
  if (GUINT32_FROM_LE (stored_crc) != (guint32) crc32 (0L, data, (uInt) (size - 4)))
    return fail (error, path, "damaged: the checksum does not match (truncated or altered file)"), NULL;

  r.p = data;
  r.left = size - 4;
  take (&r, sizeof model_magic, "magic", &magic);
  version = get_u32 (&r, "version");
  if (version > MODEL_VERSION)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_VERSION,
                   "%s: written by a newer Defectscope (model format %u; this one reads up to %u)",
                   path, version, MODEL_VERSION);
      return NULL;
    }
  if (version == 0)
    return fail (error, path, "model format version 0 does not exist"), NULL;

  c = get_u32 (&r, "input shape");
  h = get_u32 (&r, "input shape");
  w = get_u32 (&r, "input shape");
  preset = get_str (&r, "preset name");
  spec = get_str (&r, "architecture");
  n_classes = get_u32 (&r, "class count");
  if (r.what == NULL && n_classes > MAX_CLASSES)
    return fail (error, path, "%u classes is not plausible", n_classes), NULL;
  for (guint i = 0; r.what == NULL && i < n_classes; i++)
    g_ptr_array_add (classes, get_str (&r, "class names"));
  if (r.what != NULL)
    return fail (error, path, "truncated or damaged %s", r.what), NULL;
  if (c == 0 || h == 0 || w == 0 || c > 4096 || h > 65536 || w > 65536)
    return fail (error, path, "input shape %u×%u×%u is not plausible", c, h, w), NULL;

  model = ds_model_new (spec, DS_SHAPE (1, c, h, w), &local_error);
  if (model == NULL)
    return fail (error, path, "architecture: %s", local_error->message), NULL;

  n_params = get_u64 (&r, "parameter count");
  if (r.what == NULL && n_params != model->n_params)
    return fail (error, path, "has %" G_GUINT64_FORMAT " parameters where its architecture needs %"
                 G_GSIZE_FORMAT, n_params, model->n_params), NULL;
  get_floats (&r, model->params, model->n_params, "parameters");
  n_state = get_u64 (&r, "state count");
  if (r.what == NULL && n_state != model->n_state)
    return fail (error, path, "has %" G_GUINT64_FORMAT " state values where its architecture needs %"
                 G_GSIZE_FORMAT, n_state, model->n_state), NULL;
  get_floats (&r, model->state, model->n_state, "state");

  has_opt = get_u32 (&r, "optimiser flag");
  if (r.what == NULL && has_opt > 1)
    return fail (error, path, "damaged optimiser flag"), NULL;
  if (r.what == NULL && has_opt)
    {
      guint32 kind = get_u32 (&r, "optimiser");
      float hyper[6] = { 0 };
      guint64 t, n;

      get_floats (&r, hyper, G_N_ELEMENTS (hyper), "optimiser");
      t = get_u64 (&r, "optimiser");
      n = get_u64 (&r, "optimiser");
      if (r.what == NULL && (kind > DS_OPTIM_ADAMW || n != model->n_params))
        return fail (error, path, "the optimiser state does not fit the model"), NULL;
      if (r.what == NULL)
        {
          opt = ds_optimizer_new (kind, model->n_params, hyper[0], hyper[5]);
          opt->momentum = hyper[1];
          opt->beta1 = hyper[2];
          opt->beta2 = hyper[3];
          opt->eps = hyper[4];
          opt->t = t;
          get_floats (&r, opt->m, opt->n, "optimiser moments");
          if (opt->v != NULL)
            get_floats (&r, opt->v, opt->n, "optimiser moments");
        }
    }
  if (r.what == NULL && version >= 2)
    {
      guint32 n_meta = get_u32 (&r, "metadata count");

      if (r.what == NULL && n_meta > MAX_METADATA)
        return fail (error, path, "%u metadata entries is not plausible", n_meta), NULL;
      for (guint i = 0; r.what == NULL && i < n_meta; i++)
        {
          g_autofree char *key = get_str (&r, "metadata");
          g_autofree char *value = get_str (&r, "metadata");

          if (r.what == NULL)
            ds_model_set_metadata (model, key, value);
        }
    }
  if (r.what != NULL)
    return fail (error, path, "truncated or damaged %s", r.what), NULL;
  if (r.left != 0)
    return fail (error, path, "%" G_GSIZE_FORMAT " unexpected bytes after the model", r.left), NULL;

  if (n_classes > 0)
    {
      g_ptr_array_add (classes, NULL);
      ds_model_set_class_names (model, (const char * const *) classes->pdata);
    }
  if (preset != NULL && *preset != '\0')
    ds_model_set_preset (model, preset);
  if (opt_out != NULL)
    *opt_out = g_steal_pointer (&opt);

  return g_steal_pointer (&model);
}
