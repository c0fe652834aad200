/* cli-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli-test-utils.h"

guint
count_lines_starting (const char *text,
                      const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_has_prefix (lines[i], prefix);

  return n;
}
