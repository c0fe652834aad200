/* ds-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ds-error.h"
#include "ds-file.h"

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
ds_file_write_atomic (const char     *path,
                      gconstpointer   data,
                      gsize           len,
                      GError        **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  const guint8 *p = data;
  gsize done = 0;
  int fd, dfd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return set_errno_error (error, path, "cannot create a temporary file", errno);

  while (done < len)
    {
      gssize n = write (fd, p + done, MIN (len - done, (gsize) 1 << 30));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int errsv = n < 0 ? errno : ENOSPC;

          close (fd);
          g_unlink (tmp);
          return set_errno_error (error, path, "write failed", errsv);
        }
      done += (gsize) n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      return set_errno_error (error, path, "cannot flush to disk", errsv);
    }
  if (g_rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      return set_errno_error (error, path, "cannot replace the file", errsv);
    }

  /* the rename itself is only durable once the folder is */
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }

  return TRUE;
}
