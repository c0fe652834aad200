/* cli-anomaly.h: what the anomaly commands share (cli-anomaly.c, cli-anomaly-eval.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cli-common.h"

G_BEGIN_DECLS

/* Opens @part of --data @data_path or --project @project_path (exactly one is set), printing
 * skipped files to stderr. */
DsAnomalySet *cli_anomaly_open    (const char    *data_path,
                                   const char    *project_path,
                                   const char    *normal_class,
                                   DsAnomalyPart  part,
                                   guint          c,
                                   guint          h,
                                   guint          w,
                                   GError       **error);
/* Loads an anomaly model and its parameters; errors name @path. Its optimiser state goes to
 * @opt when non-NULL (so that it can be saved back). */
DsModel      *cli_anomaly_load    (const char       *path,
                                   DsAnomalyParams  *params,
                                   DsOptimizer     **opt,
                                   GError          **error);
/* Prints @s as a JSON string. */
void          cli_print_json_string (const char   *s);
/* Prints a float as JSON: null when not finite. */
void          cli_print_json_number (double        value);

int           cli_anomaly_train   (int            argc,
                                   char         **argv);
int           cli_anomaly_eval    (int            argc,
                                   char         **argv);
int           cli_anomaly_score   (int            argc,
                                   char         **argv);

G_END_DECLS
