/* cli-test-utils.h: reading what the command-line tool printed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* How many lines of @text start with @prefix. */
guint count_lines_starting (const char *text,
                            const char *prefix);
