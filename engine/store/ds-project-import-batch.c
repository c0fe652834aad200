/* ds-project-import-batch.c: copying, checking and committing imported images in batches
 *
 * Files are copied first and checked afterwards, by decoding the copy: what is checked is
 * what the project keeps, even if the original changes meanwhile. Rows wait in memory until a
 * batch is full; then the batch's files are flushed with one ds_store_sync() and the rows
 * inserted in one short transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "data/ds-png.h"
#include "ds-error.h"
#include "store/ds-project-import-private.h"
#include "store/ds-store-files.h"

typedef struct
{
  char    *rel_path;
  char    *original_path;
  char    *rel_mask_path;    /* nullable */
  char    *class_name;       /* nullable: unlabelled */
  DsSplit  split;
  guint    width, height, channels;
} Pending;

static void
pending_clear (gpointer data)
{
  Pending *p = data;

  g_free (p->rel_path);
  g_free (p->original_path);
  g_free (p->rel_mask_path);
  g_free (p->class_name);
}

gboolean
ds_importer_start (DsImporter        *imp,
                   DsProject         *project,
                   const char        *source_name,
                   DsImportProgress   progress,
                   gpointer           user_data,
                   GPtrArray         *skipped,
                   GError           **error)
{
  g_autofree char *images = NULL;
  g_autofree char *safe = NULL;
  g_autofree char *name = NULL;

  memset (imp, 0, sizeof *imp);
  imp->project = project;
  imp->progress = progress;
  imp->user_data = user_data;
  imp->skipped = skipped;
  imp->classes = g_ptr_array_new_with_free_func (g_free);
  imp->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  g_array_set_clear_func (imp->pending, pending_clear);
  imp->made_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  imp->now = g_get_real_time ();

  if (!ds_project_check_writable (project, error))
    return FALSE;
  images = g_build_filename (project->folder, DS_PROJECT_IMAGES_DIR, NULL);
  safe = ds_store_safe_name (source_name);
  if (!ds_store_mkdir_p (images, error)
      || (name = ds_store_mkdir_unique (images, safe, error)) == NULL)
    return FALSE;
  imp->dest_abs = g_build_filename (images, name, NULL);
  imp->dest_rel = g_strconcat (DS_PROJECT_IMAGES_DIR "/", name, NULL);

  return TRUE;
}

void
ds_importer_clear (DsImporter *imp)
{
  g_clear_pointer (&imp->classes, g_ptr_array_unref);
  g_clear_pointer (&imp->pending, g_array_unref);
  g_clear_pointer (&imp->made_dirs, g_hash_table_unref);
  g_clear_pointer (&imp->dest_abs, g_free);
  g_clear_pointer (&imp->dest_rel, g_free);
}

void
ds_importer_declare_class (DsImporter *imp,
                           const char *name)
{
  for (guint i = 0; i < imp->classes->len; i++)
    {
      if (strcmp (g_ptr_array_index (imp->classes, i), name) == 0)
        return;
    }
  g_ptr_array_add (imp->classes, g_strdup (name));
}

void
ds_importer_skip (DsImporter *imp,
                  const char *message)
{
  if (imp->skipped != NULL)
    g_ptr_array_add (imp->skipped, g_strdup (message));
}

gboolean
ds_importer_tick (DsImporter  *imp,
                  const char  *current,
                  GError     **error)
{
  if (imp->progress == NULL || imp->progress (imp->done, imp->total, current, imp->user_data))
    return TRUE;

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_CANCELLED,
               "import cancelled after %u of %u files", imp->done, imp->total);
  return FALSE;
}

/* The absolute folder for @rel_dir ("." or "a/b") below the import's folder, created once.
 * Returns: (transfer none): the folder; NULL with @error. */
static const char *
ensure_dir (DsImporter  *imp,
            const char  *rel_dir,
            GError     **error)
{
  char *abs = g_hash_table_lookup (imp->made_dirs, rel_dir);

  if (abs != NULL)
    return abs;
  abs = strcmp (rel_dir, ".") == 0 ? g_strdup (imp->dest_abs)
                                   : g_build_filename (imp->dest_abs, rel_dir, NULL);
  if (!ds_store_mkdir_p (abs, error))
    {
      g_free (abs);
      return NULL;
    }
  g_hash_table_insert (imp->made_dirs, g_strdup (rel_dir), abs);

  return abs;
}

/* "images/<import>/<rel_dir>/<name>" */
static char *
project_rel (DsImporter *imp,
             const char *rel_dir,
             const char *name)
{
  if (strcmp (rel_dir, ".") == 0)
    return g_strconcat (imp->dest_rel, "/", name, NULL);
  return g_strconcat (imp->dest_rel, "/", rel_dir, "/", name, NULL);
}

/* Skips @src with the decoder's complaint about its copy @copy, which is deleted. */
static void
skip_copy (DsImporter   *imp,
           const char   *src,
           const char   *copy,
           const GError *problem)
{
  g_autofree char *prefix = g_strconcat (copy, ": ", NULL);
  const char *reason = problem->message;
  g_autofree char *message = NULL;

  if (g_str_has_prefix (reason, prefix))
    reason += strlen (prefix);
  message = g_strconcat (src, ": ", reason, NULL);
  ds_importer_skip (imp, message);
  g_unlink (copy);
}

/* Copies and decodes one PNG. Returns the name written (in @dir), or NULL: then either
 * @error is set (the project cannot be written) or the file was skipped. */
static char *
copy_checked (DsImporter  *imp,
              const char  *src,
              const char  *rel_dir,
              const char  *name,
              guint        force_channels,
              guint       *width,
              guint       *height,
              guint       *channels,
              GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *written = NULL;
  g_autofree char *copy = NULL;
  g_autofree guint8 *pixels = NULL;
  const char *dir;
  gboolean source_failed;

  if (!ds_store_png_probe (src, channels, &local))
    {
      ds_importer_skip (imp, local->message);
      return NULL;
    }
  if (force_channels != 0)
    *channels = force_channels;

  dir = ensure_dir (imp, rel_dir, error);
  if (dir == NULL)
    return NULL;
  written = ds_store_copy_new (src, dir, name, &source_failed, &local);
  if (written == NULL)
    {
      if (source_failed)
        ds_importer_skip (imp, local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  copy = g_build_filename (dir, written, NULL);
  pixels = ds_png_load (copy, *channels, 0, 0, height, width, &local);
  if (pixels == NULL)
    {
      skip_copy (imp, src, copy, local);
      return NULL;
    }

  return g_steal_pointer (&written);
}

static void
remove_pending_files (DsImporter *imp)
{
  for (guint i = 0; i < imp->pending->len; i++)
    {
      Pending *p = &g_array_index (imp->pending, Pending, i);
      g_autofree char *abs = g_build_filename (imp->project->folder, p->rel_path, NULL);

      g_unlink (abs);
      if (p->rel_mask_path != NULL)
        {
          g_autofree char *mask = g_build_filename (imp->project->folder, p->rel_mask_path, NULL);

          g_unlink (mask);
        }
    }
}

/* Makes the queued files durable, then commits their rows in one transaction. On failure the
 * batch's files are deleted. */
static gboolean
flush (DsImporter  *imp,
       GError     **error)
{
  DsProject *project = imp->project;

  if (imp->pending->len == 0)
    return TRUE;
  if (!ds_store_sync (imp->dest_abs, error) || !ds_project_begin (project, error))
    goto discard;

  for (guint i = 0; i < imp->classes->len; i++)
    {
      if (ds_project_ensure_class (project, g_ptr_array_index (imp->classes, i), error) == 0)
        goto fail;
    }
  for (guint i = 0; i < imp->pending->len; i++)
    {
      Pending *p = &g_array_index (imp->pending, Pending, i);
      gint64 class_id = 0;

      if (p->class_name != NULL
          && (class_id = ds_project_ensure_class (project, p->class_name, error)) == 0)
        goto fail;
      if (ds_project_insert_image (project, p->rel_path, p->original_path, p->width, p->height,
                                   p->channels, p->split, imp->source,
                                   p->rel_mask_path, class_id, imp->now, error) == 0)
        goto fail;
    }
  if (!ds_project_commit (project, error))
    goto discard;

  imp->n_imported += imp->pending->len;
  g_array_set_size (imp->pending, 0);
  return TRUE;

fail:
  ds_project_rollback (project);
discard:
  remove_pending_files (imp);
  g_array_set_size (imp->pending, 0);
  return FALSE;
}

static gboolean
queue (DsImporter  *imp,
       Pending     *p,
       GError     **error)
{
  g_array_append_val (imp->pending, *p);
  if (imp->pending->len >= DS_IMPORT_BATCH)
    return flush (imp, error);
  return TRUE;
}

gboolean
ds_importer_add_file (DsImporter  *imp,
                      const char  *src,
                      const char  *rel_sub,
                      const char  *class_name,
                      DsSplit      split,
                      const char  *mask_src,
                      const char  *mask_rel_sub,
                      GError     **error)
{
  g_autofree char *rel_dir = g_path_get_dirname (rel_sub);
  g_autofree char *name = g_path_get_basename (rel_sub);
  g_autofree char *written = NULL;
  GError *local = NULL;
  Pending p = { 0 };

  imp->done++;
  written = copy_checked (imp, src, rel_dir, name, 0, &p.width, &p.height, &p.channels, &local);
  if (written == NULL)
    {
      if (local == NULL)
        return TRUE;
      g_propagate_error (error, local);
      return FALSE;
    }
  p.rel_path = project_rel (imp, rel_dir, written);
  p.original_path = g_canonicalize_filename (src, NULL);
  p.class_name = g_strdup (class_name);
  p.split = split;

  if (mask_src != NULL)
    {
      g_autofree char *mask_dir = g_path_get_dirname (mask_rel_sub);
      g_autofree char *mask_name = g_path_get_basename (mask_rel_sub);
      g_autofree char *mask_written = NULL;
      guint mw = 0, mh = 0, mc;

      mask_written = copy_checked (imp, mask_src, mask_dir, mask_name, 1, &mw, &mh, &mc, &local);
      if (mask_written != NULL && (mw != p.width || mh != p.height))
        {
          g_autofree char *copy = g_build_filename (imp->dest_abs, mask_dir, mask_written, NULL);
          g_autofree char *message =
            g_strdup_printf ("%s: the mask is %u×%u pixels but its image %s is %u×%u", mask_src,
                             mw, mh, src, p.width, p.height);

          ds_importer_skip (imp, message);
          g_unlink (copy);
          g_clear_pointer (&mask_written, g_free);
        }
      if (mask_written != NULL)
        p.rel_mask_path = project_rel (imp, mask_dir, mask_written);
      if (local != NULL)
        {
          g_autofree char *copy = g_build_filename (imp->project->folder, p.rel_path, NULL);

          g_unlink (copy);
          pending_clear (&p);
          g_propagate_error (error, local);
          return FALSE;
        }
    }

  return queue (imp, &p, error);
}

/* Encodes 8-bit (c, h, w) pixels and writes them as a new file at @rel_sub below the import's
 * folder. Returns: (transfer full): the project-relative path written, or NULL. */
static char *
write_pixels (DsImporter    *imp,
              const guint8  *pixels,
              guint          c,
              guint          h,
              guint          w,
              const char    *rel_sub,
              GError       **error)
{
  g_autofree char *rel_dir = g_path_get_dirname (rel_sub);
  g_autofree char *name = g_path_get_basename (rel_sub);
  g_autofree char *written = NULL;
  g_autoptr(GBytes) png = NULL;
  const char *dir;

  png = ds_png_encode (pixels, c, h, w, error);
  if (png == NULL || (dir = ensure_dir (imp, rel_dir, error)) == NULL)
    return NULL;
  written = ds_store_write_new (dir, name, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                FALSE, error);
  if (written == NULL)
    return NULL;

  return project_rel (imp, rel_dir, written);
}

gboolean
ds_importer_add_pixels_masked (DsImporter    *imp,
                               const guint8  *pixels,
                               guint          c,
                               guint          h,
                               guint          w,
                               const char    *rel_sub,
                               const char    *original_path,
                               const char    *class_name,
                               DsSplit        split,
                               const guint8  *mask,
                               const char    *mask_rel_sub,
                               GError       **error)
{
  Pending p = { 0 };

  imp->done++;
  p.rel_path = write_pixels (imp, pixels, c, h, w, rel_sub, error);
  if (p.rel_path == NULL)
    return FALSE;
  if (mask != NULL && mask_rel_sub != NULL)
    {
      p.rel_mask_path = write_pixels (imp, mask, 1, h, w, mask_rel_sub, error);
      if (p.rel_mask_path == NULL)
        {
          g_autofree char *orphan = g_build_filename (imp->project->folder, p.rel_path, NULL);

          g_unlink (orphan);
          pending_clear (&p);
          return FALSE;
        }
    }
  p.original_path = g_strdup (original_path);
  p.class_name = g_strdup (class_name);
  p.split = split;
  p.width = w;
  p.height = h;
  p.channels = c;

  return queue (imp, &p, error);
}

gboolean
ds_importer_add_pixels (DsImporter    *imp,
                        const guint8  *pixels,
                        guint          c,
                        guint          h,
                        guint          w,
                        const char    *rel_sub,
                        const char    *original_path,
                        const char    *class_name,
                        DsSplit        split,
                        GError       **error)
{
  return ds_importer_add_pixels_masked (imp, pixels, c, h, w, rel_sub, original_path, class_name,
                                        split, NULL, NULL, error);
}

gboolean
ds_importer_finish (DsImporter  *imp,
                    gboolean     ok,
                    guint       *n_imported,
                    GError     **error)
{
  g_autoptr(GError) late = NULL;
  gboolean flushed;

  /* what is queued was copied and checked: it goes in even when the import stops */
  flushed = flush (imp, ok ? error : &late);
  if (!ok && late != NULL && error != NULL && *error != NULL)
    {
      char *message = g_strdup_printf ("%s (and saving what was imported before failed: %s)",
                                       (*error)->message, late->message);

      g_free ((*error)->message);
      (*error)->message = message;
    }

  if (imp->n_imported == 0 && imp->dest_abs != NULL)
    ds_store_remove_tree (imp->dest_abs);
  if (ok && flushed && imp->progress != NULL)
    imp->progress (imp->total, imp->total, NULL, imp->user_data);
  if (n_imported != NULL)
    *n_imported = imp->n_imported;

  return ok && flushed;
}
