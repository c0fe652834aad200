/* ds-thumbnailer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-thumbnailer.h"

#include "data/ds-png.h"

/* 2,000 thumbnails of 96×96 RGB are 55 MB: enough for many pages of scrolling back and forth */
#define CACHE_LIMIT 2000

struct _DsThumbnailer
{
  GObject      parent_instance;
  guint        size;
  GHashTable  *cache;   /* gint64* id → GdkTexture */
  GQueue       order;   /* gint64* ids, least recently added first */
  /* One decoding thread, newest request first: the cells on screen now come before those
   * scrolled past, and the main thread keeps a core of its own (GTask's shared pool would
   * start a thread a request and starve it). */
  GThreadPool *pool;
  guint64      serial;
};

G_DEFINE_FINAL_TYPE (DsThumbnailer, ds_thumbnailer, G_TYPE_OBJECT)

typedef struct
{
  char    *path;
  guint    w, h;          /* 0 for the file's own size */
  gint64   id;
  guint64  serial;        /* order of the requests, for the pool */
} LoadJob;

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_free (job->path);
  g_free (job);
}

/* Decodes @path to RGB at @w × @h (0: its own size) and wraps it in a texture. Textures from
 * memory are immutable, so building them in a worker thread is safe. */
static GdkTexture *
texture_from_png (const char  *path,
                  guint        w,
                  guint        h,
                  GError     **error)
{
  g_autofree guint8 *chw = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *rgb;
  guint oh = h, ow = w;
  gsize plane;

  chw = ds_png_load (path, 3, h, w, &oh, &ow, error);
  if (chw == NULL)
    return NULL;
  plane = (gsize) oh * ow;
  rgb = g_malloc (plane * 3);
  for (gsize i = 0; i < plane; i++)
    {
      rgb[3 * i] = chw[i];
      rgb[3 * i + 1] = chw[plane + i];
      rgb[3 * i + 2] = chw[2 * plane + i];
    }
  bytes = g_bytes_new_take (rgb, plane * 3);

  return gdk_memory_texture_new ((int) ow, (int) oh, GDK_MEMORY_R8G8B8, bytes, (gsize) ow * 3);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  GdkTexture *texture;

  /* scrolled out of view before its turn came: skip the decoding */
  if (g_task_return_error_if_cancelled (task))
    return;
  texture = texture_from_png (job->path, job->w, job->h, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
pool_func (gpointer data,
           gpointer user_data)
{
  g_autoptr(GTask) task = data;

  load_worker (task, NULL, g_task_get_task_data (task), g_task_get_cancellable (task));
}

static int
newest_first (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const LoadJob *ja = g_task_get_task_data ((GTask *) a);
  const LoadJob *jb = g_task_get_task_data ((GTask *) b);

  return ja->serial < jb->serial ? 1 : ja->serial > jb->serial ? -1 : 0;
}

DsThumbnailer *
ds_thumbnailer_new (guint size)
{
  DsThumbnailer *self = g_object_new (DS_TYPE_THUMBNAILER, NULL);

  self->size = MAX (size, 16);
  self->pool = g_thread_pool_new (pool_func, NULL, 1, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, newest_first, NULL);

  return self;
}

guint
ds_thumbnailer_get_size (DsThumbnailer *self)
{
  return self->size;
}

GdkTexture *
ds_thumbnailer_lookup (DsThumbnailer *self,
                       gint64         id)
{
  return g_hash_table_lookup (self->cache, &id);
}

static void
cache_insert (DsThumbnailer *self,
              gint64         id,
              GdkTexture    *texture)
{
  gint64 *key;

  if (g_hash_table_contains (self->cache, &id))
    return;
  key = g_memdup2 (&id, sizeof id);
  g_hash_table_insert (self->cache, key, g_object_ref (texture));
  g_queue_push_tail (&self->order, key);
  while (self->order.length > CACHE_LIMIT)
    g_hash_table_remove (self->cache, g_queue_pop_head (&self->order));
}

void
ds_thumbnailer_load_async (DsThumbnailer       *self,
                           gint64               id,
                           const char          *path,
                           guint                width,
                           guint                height,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  /* no source object: the pool thread drops the task's last reference, and the thumbnailer
   * must not be finalized there (its finalize waits for that very thread) */
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadJob *job = g_new0 (LoadJob, 1);
  double scale = (double) self->size / MAX (MAX (width, height), 1);

  job->path = g_strdup (path);
  job->id = id;
  /* shrink only: small parts stay sharp at their own size */
  scale = MIN (scale, 1.0);
  job->w = MAX (1, (guint) (width * scale + 0.5));
  job->h = MAX (1, (guint) (height * scale + 0.5));
  job->serial = ++self->serial;
  g_task_set_source_tag (task, ds_thumbnailer_load_async);
  g_task_set_task_data (task, job, load_job_free);
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

GdkTexture *
ds_thumbnailer_load_finish (DsThumbnailer  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), error);

  if (texture != NULL)
    cache_insert (self, job->id, texture);

  return texture;
}

void
ds_thumbnailer_clear (DsThumbnailer *self)
{
  g_queue_clear (&self->order);
  g_hash_table_remove_all (self->cache);
}

void
ds_texture_load_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadJob *job = g_new0 (LoadJob, 1);

  job->path = g_strdup (path);
  g_task_set_source_tag (task, ds_texture_load_async);
  g_task_set_task_data (task, job, load_job_free);
  g_task_run_in_thread (task, load_worker);
}

GdkTexture *
ds_texture_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
ds_thumbnailer_finalize (GObject *object)
{
  DsThumbnailer *self = DS_THUMBNAILER (object);

  /* the requests still queued are cancelled by their cells; wait for the one running */
  g_thread_pool_free (self->pool, TRUE, TRUE);
  g_queue_clear (&self->order);
  g_hash_table_unref (self->cache);

  G_OBJECT_CLASS (ds_thumbnailer_parent_class)->finalize (object);
}

static void
ds_thumbnailer_class_init (DsThumbnailerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ds_thumbnailer_finalize;
}

static void
ds_thumbnailer_init (DsThumbnailer *self)
{
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_queue_init (&self->order);
}
