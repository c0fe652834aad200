/* cli-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "cli-common.h"

CliStatus
cli_parse (const char    *command,
           const char    *summary,
           GOptionEntry  *entries,
           int           *argc,
           char        ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strconcat ("defectscope-cli ", command, NULL);

  /* the usage line reads "defectscope-cli train [OPTION…]" */
  g_set_prgname (prgname);
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    return cli_usage_error (command, "%s", error->message);
  if (*argc > 1)
    return cli_usage_error (command, "unexpected argument “%s”", (*argv)[1]);

  return CLI_OK;
}

CliStatus
cli_usage_error (const char *command,
                 const char *fmt,
                 ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  fprintf (stderr, "defectscope-cli %s: %s\nTry “defectscope-cli %s --help”.\n",
           command, msg, command);

  return CLI_USAGE;
}

CliStatus
cli_fail (const GError *error)
{
  fprintf (stderr, "defectscope-cli: %s\n", error->message);

  return CLI_FAILURE;
}

gboolean
cli_parse_size (const char *text,
                guint      *h,
                guint      *w)
{
  g_auto(GStrv) parts = g_strsplit_set (text, "x×", 2);
  guint64 a, b;

  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 65536, &a, NULL))
    return FALSE;
  b = a;
  if (parts[1] != NULL && !g_ascii_string_to_unsigned (parts[1], 10, 1, 65536, &b, NULL))
    return FALSE;
  *h = (guint) a;
  *w = (guint) b;

  return TRUE;
}

void
cli_report_skipped (GPtrArray *skipped)
{
  if (skipped == NULL || skipped->len == 0)
    return;
  fprintf (stderr, "skipped %u file%s:\n", skipped->len, skipped->len == 1 ? "" : "s");
  for (guint i = 0; i < skipped->len; i++)
    fprintf (stderr, "  %s\n", (const char *) g_ptr_array_index (skipped, i));
}
