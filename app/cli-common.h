/* cli-common.h: what the command-line tool's commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ds-engine.h"

G_BEGIN_DECLS

typedef enum
{
  CLI_OK = 0,
  CLI_FAILURE = 1,   /* bad file, I/O, training failed */
  CLI_USAGE = 2,     /* wrong options */
} CliStatus;

/* Parses @argv with @entries; on failure prints the problem and the usage line.
 * Returns: CLI_OK, or CLI_USAGE. */
CliStatus cli_parse        (const char    *command,
                            const char    *summary,
                            GOptionEntry  *entries,
                            int           *argc,
                            char        ***argv);
CliStatus cli_usage_error  (const char    *command,
                            const char    *fmt,
                            ...) G_GNUC_PRINTF (2, 3);
/* Prints "defectscope-cli: message" to stderr and returns CLI_FAILURE. */
CliStatus cli_fail         (const GError  *error);
/* Reads "28x28" or "28" into @h and @w. */
gboolean  cli_parse_size   (const char    *text,
                            guint         *h,
                            guint         *w);
/* Prints the files a loader skipped, one a line, to stderr. */
void      cli_report_skipped (GPtrArray   *skipped);

/* The per-command entry points. */
int cli_train   (int argc, char **argv);
int cli_eval    (int argc, char **argv);
int cli_predict (int argc, char **argv);
int cli_demo    (int argc, char **argv);
int cli_project (int argc, char **argv);
int cli_anomaly (int argc, char **argv);
int cli_gan     (int argc, char **argv);

G_END_DECLS
