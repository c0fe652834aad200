/* test-crash.c: labels acknowledged before a SIGKILL are on disk after it
 *
 * A forked child opens the project and labels random images in a loop. Before each call it
 * writes its intent to a pipe ("T <seq> <class> <id>…"), and after ds_project_set_labels()
 * returned TRUE its acknowledgement ("A <seq>"); each line is one write() shorter than
 * PIPE_BUF, so it arrives whole or not at all. The parent kills the child at a random moment,
 * reopens the project and checks that every image has its last acknowledged label, except
 * that the one call in flight may have committed, whole (all its images) or not at all; and
 * that PRAGMA integrity_check says "ok".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store-test-utils.h"

#define N_IMAGES      40
#define N_CLASSES     4
#define MIN_KILLS     200
#define MAX_ROUNDS    260
#define MAX_DELAY_US  30000
#define TIME_BUDGET_S 45.0
#define MAX_IDS       5

typedef struct
{
  char   *tmp;
  char   *folder;
  gint64  ids[N_IMAGES];
  gint64  classes[N_CLASSES];
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = NULL;
  g_autofree char *images = NULL;

  f->tmp = test_make_tmp ("ds-test-crash-XXXXXX");
  f->folder = g_build_filename (f->tmp, "project", NULL);
  project = ds_project_create (f->folder, &error);
  g_assert_no_error (error);
  images = g_build_filename (f->folder, "images", NULL);
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("%02u.png", i);
      g_autofree char *path = test_write_png (images, name, 1, 2, 2, i);

      f->ids[i] = ds_project_add_image (project, path, 2, 2, 1, DS_SPLIT_NONE,
                                        DS_IMAGE_SOURCE_IMPORT, NULL, &error);
      g_assert_no_error (error);
    }
  for (guint k = 0; k < N_CLASSES; k++)
    {
      g_autofree char *name = g_strdup_printf ("class %u", k);

      f->classes[k] = ds_project_add_class (project, name, 0, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->folder);
}

static void
write_line (int         fd,
            const char *line)
{
  gsize len = strlen (line);

  g_assert (len < PIPE_BUF);
  while (write (fd, line, len) < 0)
    {
      if (errno != EINTR)
        _exit (3);
    }
}

/* The child: labels until it is killed. Never returns. */
G_GNUC_NORETURN static void
child_main (Fixture *f,
            int      fd,
            guint32  seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DsProject) project = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
  GRand *rand = g_rand_new_with_seed (seed);

  if (project == NULL)
    {
      g_autofree char *line = g_strdup_printf ("E %s\n", error->message);

      write_line (fd, line);
      _exit (2);
    }

  for (guint seq = 1;; seq++)
    {
      g_autoptr(GString) line = g_string_new (NULL);
      guint n = (guint) g_rand_int_range (rand, 1, MAX_IDS + 1);
      guint k = (guint) g_rand_int_range (rand, 0, N_CLASSES + 1);
      gint64 class_id = k == 0 ? 0 : f->classes[k - 1];
      gint64 ids[MAX_IDS];

      g_string_printf (line, "T %u %" G_GINT64_FORMAT, seq, class_id);
      for (guint i = 0; i < n; i++)
        {
          ids[i] = f->ids[g_rand_int_range (rand, 0, N_IMAGES)];
          g_string_append_printf (line, " %" G_GINT64_FORMAT, ids[i]);
        }
      g_string_append_c (line, '\n');
      write_line (fd, line->str);

      if (!ds_project_set_labels (project, ids, n, class_id, &error))
        {
          g_autofree char *fail = g_strdup_printf ("F %u %s\n", seq, error->message);

          write_line (fd, fail);
          _exit (4);
        }
      g_string_printf (line, "A %u\n", seq);
      write_line (fd, line->str);
    }
}

static char *
read_all (int fd)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];

  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_string_append_len (text, buffer, n);
    }
  return g_string_free (text, FALSE);
}

static guint
index_of (Fixture *f,
          gint64   id)
{
  for (guint i = 0; i < N_IMAGES; i++)
    {
      if (f->ids[i] == id)
        return i;
    }
  g_error ("unknown image id %" G_GINT64_FORMAT, id);
  return 0;
}

typedef struct
{
  gboolean pending;                 /* a call was in flight when the child died */
  gint64   pending_class;
  gint64   with_pending[N_IMAGES];  /* the state if it committed */
  guint    n_acked;
} Replay;

/* Applies the child's acknowledged calls to @expected. */
static void
replay (Fixture    *f,
        const char *text,
        gint64     *expected,
        Replay     *r)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n_lines = g_strv_length (lines);

  memset (r, 0, sizeof *r);
  /* the last piece has no newline: empty, or cut (cannot happen with atomic writes) */
  for (guint l = 0; l + 1 < n_lines; l++)
    {
      g_auto(GStrv) words = g_strsplit (lines[l], " ", -1);

      if (strcmp (words[0], "E") == 0 || strcmp (words[0], "F") == 0)
        g_error ("the child failed: %s", lines[l]);
      if (strcmp (words[0], "T") == 0)
        {
          r->pending = TRUE;
          r->pending_class = g_ascii_strtoll (words[2], NULL, 10);
          memcpy (r->with_pending, expected, sizeof r->with_pending);
          for (guint w = 3; words[w] != NULL; w++)
            r->with_pending[index_of (f, g_ascii_strtoll (words[w], NULL, 10))] =
              r->pending_class;
        }
      else if (strcmp (words[0], "A") == 0)
        {
          g_assert_true (r->pending);
          memcpy (expected, r->with_pending, sizeof r->with_pending);
          r->pending = FALSE;
          r->n_acked++;
        }
    }
}

static void
check_integrity (const char *folder)
{
  g_autofree char *db_path = g_build_filename (folder, DS_PROJECT_DB_NAME, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gboolean
state_equals (Fixture      *f,
              DsProject    *project,
              const gint64 *state)
{
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DsImageInfo) info = ds_project_get_image (project, f->ids[i], &error);

      g_assert_no_error (error);
      if (info->class_id != state[i])
        return FALSE;
    }
  return TRUE;
}

static void
test_kill (Fixture       *f,
           gconstpointer  unused)
{
  gint64 expected[N_IMAGES] = { 0 };
  g_autoptr(GTimer) timer = g_timer_new ();
  guint kills = 0, acked = 0, in_flight_committed = 0, rounds = 0;

  while (rounds < MAX_ROUNDS
         && (kills < MIN_KILLS || g_timer_elapsed (timer, NULL) < TIME_BUDGET_S / 2))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DsProject) project = NULL;
      g_autofree char *text = NULL;
      Replay r;
      int fds[2];
      int status;
      pid_t pid;

      if (kills >= MIN_KILLS && g_timer_elapsed (timer, NULL) > TIME_BUDGET_S)
        break;
      rounds++;
      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          child_main (f, fds[1], g_test_rand_int ());
        }
      close (fds[1]);

      g_usleep (g_test_rand_int_range (0, MAX_DELAY_US + 1));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFEXITED (status))
        g_error ("the child exited with status %d", WEXITSTATUS (status));
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      kills++;
      text = read_all (fds[0]);
      close (fds[0]);

      replay (f, text, expected, &r);
      acked += r.n_acked;

      project = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      if (!state_equals (f, project, expected))
        {
          /* only the call in flight may have committed, and then for all its images */
          g_assert_true (r.pending);
          g_assert_true (state_equals (f, project, r.with_pending));
          memcpy (expected, r.with_pending, sizeof expected);
          in_flight_committed++;
        }
      g_clear_pointer (&project, ds_project_close);
      check_integrity (f->folder);
    }

  g_test_message ("%u kills in %.1f s, %u acknowledged calls, %u unacknowledged ones found "
                  "committed", kills, g_timer_elapsed (timer, NULL), acked, in_flight_committed);
  g_assert_cmpuint (kills, >=, MIN_KILLS);
  g_assert_cmpuint (acked, >, MIN_KILLS);

  /* the undo log survived too: every step still undoes */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DsProject) project = ds_project_open (f->folder, DS_PROJECT_OPEN_DEFAULT, &error);
    guint undone = 0;

    g_assert_no_error (error);
    while (ds_project_can_undo (project))
      {
        g_assert_true (ds_project_undo (project, &error));
        g_assert_no_error (error);
        undone++;
      }
    /* calls that changed nothing made no step */
    g_assert_cmpuint (undone, >, 0);
    g_assert_cmpuint (undone, <=, MIN (acked + in_flight_committed, DS_PROJECT_UNDO_LIMIT));
    /* with the whole history kept, undoing all of it gives the unlabelled start */
    memset (expected, 0, sizeof expected);
    if (undone < DS_PROJECT_UNDO_LIMIT)
      g_assert_true (state_equals (f, project, expected));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/crash/kill", Fixture, NULL, fixture_setup, test_kill, fixture_teardown);

  return g_test_run ();
}
