/* ds-store-files.c: file helpers for imports and exports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* syncfs() */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <png.h>

#include "ds-error.h"
#include "store/ds-store-files.h"

#define COPY_BUFFER_SIZE (256 * 1024)
/* "stem-2.ext" … "stem-N.ext": past this many, something else is wrong */
#define MAX_UNIQUE_TRIES 100000

static gboolean
set_errno_error (GError     **error,
                 const char  *path,
                 const char  *what,
                 int          errsv)
{
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
               "%s: %s: %s", path, what, g_strerror (errsv));
  return FALSE;
}

gboolean
ds_store_mkdir_p (const char  *path,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    return set_errno_error (error, path, "cannot create the folder", errno);
  return TRUE;
}

/* "stem-k.ext" for @k > 1, @name itself for 1. */
static char *
unique_candidate (const char *name,
                  guint       k)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *stem = NULL;

  if (k == 1)
    return g_strdup (name);
  if (dot == NULL || dot == name)
    return g_strdup_printf ("%s-%u", name, k);
  stem = g_strndup (name, dot - name);

  return g_strdup_printf ("%s-%u%s", stem, k, dot);
}

char *
ds_store_mkdir_unique (const char  *parent,
                       const char  *name,
                       GError     **error)
{
  for (guint k = 1; k <= MAX_UNIQUE_TRIES; k++)
    {
      g_autofree char *candidate = k == 1 ? g_strdup (name) : g_strdup_printf ("%s-%u", name, k);
      g_autofree char *path = g_build_filename (parent, candidate, NULL);

      if (g_mkdir (path, 0755) == 0)
        return g_steal_pointer (&candidate);
      if (errno != EEXIST)
        {
          set_errno_error (error, path, "cannot create the folder", errno);
          return NULL;
        }
    }
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
               "%s: too many folders called %s", parent, name);
  return NULL;
}

/* Returns an open descriptor on a new file and its name in @out_name; -1 with @error. */
static int
create_unique (const char  *dir,
               const char  *name,
               char       **out_name,
               char       **out_path,
               GError     **error)
{
  for (guint k = 1; k <= MAX_UNIQUE_TRIES; k++)
    {
      g_autofree char *candidate = unique_candidate (name, k);
      g_autofree char *path = g_build_filename (dir, candidate, NULL);
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

      if (fd >= 0)
        {
          *out_name = g_steal_pointer (&candidate);
          *out_path = g_steal_pointer (&path);
          return fd;
        }
      if (errno != EEXIST)
        {
          set_errno_error (error, path, "cannot create the file", errno);
          return -1;
        }
    }
  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
               "%s: too many files called %s", dir, name);
  return -1;
}

static gboolean
write_all (int            fd,
           gconstpointer  data,
           gsize          len)
{
  const guint8 *p = data;
  gsize done = 0;

  while (done < len)
    {
      gssize n = write (fd, p + done, MIN (len - done, (gsize) 1 << 30));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = ENOSPC;
          return FALSE;
        }
      done += (gsize) n;
    }

  return TRUE;
}

static void
fsync_folder (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

char *
ds_store_copy_new (const char  *src,
                   const char  *dir,
                   const char  *name,
                   gboolean    *source_failed,
                   GError     **error)
{
  g_autofree char *out_name = NULL;
  g_autofree char *out_path = NULL;
  g_autofree guint8 *buffer = NULL;
  struct stat st;
  int in, out;

  if (source_failed != NULL)
    *source_failed = TRUE;
  in = g_open (src, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0)
    {
      set_errno_error (error, src, "cannot open", errno);
      return NULL;
    }
  if (fstat (in, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: not a regular file", src);
      close (in);
      return NULL;
    }

  if (source_failed != NULL)
    *source_failed = FALSE;
  out = create_unique (dir, name, &out_name, &out_path, error);
  if (out < 0)
    {
      close (in);
      return NULL;
    }

  buffer = g_malloc (COPY_BUFFER_SIZE);
  for (;;)
    {
      gssize n = read (in, buffer, COPY_BUFFER_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, src, "read error", errno);
          if (source_failed != NULL)
            *source_failed = TRUE;
          break;
        }
      if (n == 0)
        {
          if (close (out) != 0)
            {
              out = -1;
              set_errno_error (error, out_path, "write error", errno);
              break;
            }
          close (in);
          return g_steal_pointer (&out_name);
        }
      if (!write_all (out, buffer, (gsize) n))
        {
          set_errno_error (error, out_path, "write error", errno);
          break;
        }
    }

  close (in);
  if (out >= 0)
    close (out);
  g_unlink (out_path);

  return NULL;
}

char *
ds_store_write_new (const char     *dir,
                    const char     *name,
                    gconstpointer   data,
                    gsize           len,
                    gboolean        sync,
                    GError        **error)
{
  g_autofree char *out_name = NULL;
  g_autofree char *out_path = NULL;
  int fd = create_unique (dir, name, &out_name, &out_path, error);

  if (fd < 0)
    return NULL;
  if (!write_all (fd, data, len) || (sync && fsync (fd) != 0))
    {
      set_errno_error (error, out_path, "write error", errno);
      close (fd);
      g_unlink (out_path);
      return NULL;
    }
  if (close (fd) != 0)
    {
      set_errno_error (error, out_path, "write error", errno);
      g_unlink (out_path);
      return NULL;
    }
  if (sync)
    fsync_folder (dir);

  return g_steal_pointer (&out_name);
}

gboolean
ds_store_sync (const char  *path,
               GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int rc;

  if (fd < 0)
    return set_errno_error (error, path, "cannot open", errno);
#ifdef __linux__
  rc = syncfs (fd);
#else
  sync ();
  rc = 0;
#endif
  if (rc != 0)
    {
      int errsv = errno;

      close (fd);
      return set_errno_error (error, path, "cannot flush to disk", errsv);
    }
  close (fd);

  return TRUE;
}

gboolean
ds_store_png_probe (const char  *path,
                    guint       *channels,
                    GError     **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 head[26];
  gssize got = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return set_errno_error (error, path, "cannot open", errno);
  while (got < (gssize) sizeof head)
    {
      gssize n = read (fd, head + got, sizeof head - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          close (fd);
          return set_errno_error (error, path, "read error", errsv);
        }
      if (n == 0)
        break;
      got += n;
    }
  close (fd);

  if (got < (gssize) sizeof signature || memcmp (head, signature, sizeof signature) != 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT, "%s: not a PNG file", path);
      return FALSE;
    }
  /* colour types 0 (gray) and 4 (gray + alpha) */
  *channels = got == sizeof head && memcmp (head + 12, "IHDR", 4) == 0
              && (head[25] == 0 || head[25] == 4) ? 1 : 3;

  return TRUE;
}

char *
ds_store_safe_name (const char *name)
{
  GString *out = g_string_new (NULL);

  if (name != NULL && g_utf8_validate (name, -1, NULL))
    {
      for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar ch = g_utf8_get_char (p);
          gsize before = out->len;

          if (g_unichar_isalnum (ch) || ch == '.' || ch == '-' || ch == '_')
            g_string_append_unichar (out, ch);
          else
            g_string_append_c (out, '_');
          if (out->len > 64)
            {
              g_string_truncate (out, before);
              break;
            }
        }
    }
  if (out->len == 0)
    g_string_append (out, "import");
  if (out->str[0] == '.')
    out->str[0] = '_';

  return g_string_free (out, FALSE);
}

void
ds_store_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK)
      && (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          ds_store_remove_tree (child);
        }
      g_rmdir (path);
      return;
    }
  g_unlink (path);
}
