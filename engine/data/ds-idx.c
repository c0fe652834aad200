/* ds-idx.c: unsigned-byte IDX files, plain or gzip
 *
 * The header is never trusted for an allocation: the payload buffer grows with the data that is
 * actually present, up to the size the header announces, so a 12-byte file that claims
 * 4 billion images costs nothing but an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "data/ds-idx.h"
#include "ds-error.h"

/* Far above any IDX set in use (Fashion-MNIST's training images are 47 MB). */
#define IDX_MAX_PAYLOAD ((gsize) 1 << 30)
#define IDX_MAX_DIMS    4
#define IDX_CHUNK       (64 * 1024)

typedef struct
{
  const char *path;
  FILE       *fp;
  gboolean    gzip;
  gboolean    z_ready;         /* inflateInit2() done */
  gboolean    z_member_done;   /* the last gzip member ended cleanly */
  gboolean    z_cut;           /* the file ended inside a gzip member */
  z_stream    z;
  guint8      in[IDX_CHUNK];
} IdxReader;

static void
idx_reader_clear (IdxReader *r)
{
  if (r->z_ready)
    inflateEnd (&r->z);
  if (r->fp != NULL)
    fclose (r->fp);
  r->fp = NULL;
}

static gboolean
set_read_error (IdxReader  *r,
                GError    **error)
{
  int saved = errno;

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
               "%s: read error: %s", r->path, g_strerror (saved));
  return FALSE;
}

/* Fills @buf with up to @len bytes of payload; *@got < @len only at the end of the data. */
static gboolean
idx_reader_read (IdxReader  *r,
                 guint8     *buf,
                 gsize       len,
                 gsize      *got,
                 GError    **error)
{
  *got = 0;

  if (!r->gzip)
    {
      *got = fread (buf, 1, len, r->fp);
      if (*got < len && ferror (r->fp))
        return set_read_error (r, error);
      return TRUE;
    }

  while (*got < len)
    {
      int ret;

      if (r->z.avail_in == 0)
        {
          gsize n = fread (r->in, 1, sizeof r->in, r->fp);

          if (n == 0)
            {
              if (ferror (r->fp))
                return set_read_error (r, error);
              r->z_cut = !r->z_member_done;
              return TRUE;
            }
          r->z.next_in = r->in;
          r->z.avail_in = (uInt) n;
        }

      /* Another gzip member after a complete one: `cat a.gz b.gz` is a valid gzip file. */
      if (r->z_member_done)
        {
          inflateReset (&r->z);
          r->z_member_done = FALSE;
        }

      r->z.next_out = buf + *got;
      r->z.avail_out = (uInt) MIN (len - *got, G_MAXUINT);
      ret = inflate (&r->z, Z_NO_FLUSH);
      *got = (gsize) (r->z.next_out - buf);

      if (ret == Z_STREAM_END)
        r->z_member_done = TRUE;
      else if (ret == Z_MEM_ERROR)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                       "%s: out of memory while decompressing", r->path);
          return FALSE;
        }
      else if (ret != Z_OK && ret != Z_BUF_ERROR)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                       "%s: damaged gzip data: %s", r->path,
                       r->z.msg != NULL ? r->z.msg : "unknown error");
          return FALSE;
        }
    }

  return TRUE;
}

static const char *
idx_type_name (guint8 code)
{
  switch (code)
    {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "short";
    case 0x0C: return "int";
    case 0x0D: return "float";
    case 0x0E: return "double";
    default:   return NULL;
    }
}

/* "60000×28×28" */
static char *
dims_to_string (const guint32 *dims,
                guint          n_dims)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "×" : "", dims[i]);

  return g_string_free (s, FALSE);
}

static gboolean
read_header (IdxReader  *r,
             guint       expected_dims,
             guint32    *dims,
             GError    **error)
{
  guint8 magic[4];
  guint8 raw[4 * IDX_MAX_DIMS];
  const char *type_name;
  gsize got;

  if (!idx_reader_read (r, magic, sizeof magic, &got, error))
    return FALSE;
  if (got < sizeof magic)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not an IDX file: %" G_GSIZE_FORMAT " bytes, too short for a header",
                   r->path, got);
      return FALSE;
    }

  type_name = idx_type_name (magic[2]);
  if (magic[0] != 0 || magic[1] != 0 || type_name == NULL)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not an IDX file: wrong magic number %02x %02x %02x %02x",
                   r->path, magic[0], magic[1], magic[2], magic[3]);
      return FALSE;
    }
  if (magic[2] != 0x08)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_UNSUPPORTED,
                   "%s: IDX type 0x%02X (%s) is not supported, only 0x08 (unsigned byte)",
                   r->path, magic[2], type_name);
      return FALSE;
    }
  if (magic[3] != expected_dims)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: expected %u dimensions (%s), header says %u",
                   r->path, expected_dims, expected_dims == 1 ? "labels" : "images", magic[3]);
      return FALSE;
    }

  if (!idx_reader_read (r, raw, 4 * expected_dims, &got, error))
    return FALSE;
  if (got < 4 * expected_dims)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: truncated: the header ends after %" G_GSIZE_FORMAT " of %u size bytes",
                   r->path, got, 4 * expected_dims);
      return FALSE;
    }

  for (guint i = 0; i < expected_dims; i++)
    {
      const guint8 *p = raw + 4 * i;

      dims[i] = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
      if (dims[i] == 0)
        {
          g_autofree char *shape = dims_to_string (dims, i + 1);

          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                       "%s: header says %s…: dimension %u is zero", r->path, shape, i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

guint8 *
ds_idx_read_ubyte (const char  *path,
                   guint        expected_dims,
                   guint32     *dims,
                   gsize       *n_bytes,
                   GError     **error)
{
  g_autofree IdxReader *r = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *shape = NULL;
  guint32 sizes[IDX_MAX_DIMS] = { 0 };
  guint8 sig[2];
  gsize expected = 1;
  gsize capacity;
  gsize have = 0;
  gsize got;
  guint8 extra;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (expected_dims >= 1 && expected_dims <= IDX_MAX_DIMS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  r = g_new0 (IdxReader, 1);
  r->path = path;
  r->fp = g_fopen (path, "rb");
  if (r->fp == NULL)
    {
      int saved = errno;

      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO,
                   "%s: cannot open: %s", path, g_strerror (saved));
      return NULL;
    }

  /* gzip by content, not by name: people gunzip files and keep the name, or the reverse. */
  got = fread (sig, 1, sizeof sig, r->fp);
  if (got < sizeof sig && ferror (r->fp))
    {
      set_read_error (r, error);
      goto out;
    }
  r->gzip = got == 2 && sig[0] == 0x1f && sig[1] == 0x8b;
  if (r->gzip)
    {
      /* 16 + MAX_WBITS: gzip wrapper only, so the trailer's CRC and length are checked */
      if (inflateInit2 (&r->z, 16 + MAX_WBITS) != Z_OK)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                       "%s: cannot start decompressing", path);
          goto out;
        }
      r->z_ready = TRUE;
    }
  rewind (r->fp);

  if (!read_header (r, expected_dims, sizes, error))
    goto out;

  shape = dims_to_string (sizes, expected_dims);
  for (guint i = 0; i < expected_dims; i++)
    {
      if (!g_size_checked_mul (&expected, expected, sizes[i]) || expected > IDX_MAX_PAYLOAD)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_NO_MEMORY,
                       "%s: header says %s bytes of data, more than the %" G_GSIZE_FORMAT
                       " MiB this reader accepts", path, shape, IDX_MAX_PAYLOAD >> 20);
          goto out;
        }
    }
  /* "60000×28×28 = 47040000" for messages; a single size needs no product */
  if (expected_dims > 1)
    {
      char *product = g_strdup_printf ("%s = %" G_GSIZE_FORMAT, shape, expected);

      g_free (shape);
      shape = product;
    }

  /* Grow with what is really there: a lying header must not cost a huge allocation. */
  capacity = MIN (expected, (gsize) 1 << 20);
  data = g_malloc (capacity);
  for (;;)
    {
      if (!idx_reader_read (r, data + have, capacity - have, &got, error))
        goto out;
      have += got;
      if (have < capacity || capacity == expected)
        break;
      capacity = MIN (expected, capacity * 2);
      data = g_realloc (data, capacity);
    }

  if (have < expected)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: truncated: header says %s bytes of data, found %" G_GSIZE_FORMAT "%s",
                   path, shape, have,
                   r->z_cut ? " (the gzip stream is cut off)" : "");
      goto out;
    }

  /* One byte more than announced is enough to tell the file is not what the header says. */
  if (!idx_reader_read (r, &extra, 1, &got, error))
    goto out;
  if (got > 0)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: trailing data after the %s bytes the header describes", path, shape);
      goto out;
    }
  if (r->z_cut)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: truncated: the gzip stream ends without its checksum", path);
      goto out;
    }

  if (dims != NULL)
    memcpy (dims, sizes, expected_dims * sizeof (guint32));
  if (n_bytes != NULL)
    *n_bytes = expected;
  ok = TRUE;

out:
  idx_reader_clear (r);

  return ok ? g_steal_pointer (&data) : NULL;
}
