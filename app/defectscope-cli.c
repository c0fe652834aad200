/* defectscope-cli.c: Defectscope without a screen, for scripts and line stations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli-common.h"

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} CliCommand;

static const CliCommand commands[] = {
  { "train",   "train a classifier on a data set",              cli_train },
  { "eval",    "measure a classifier on a data set's test split", cli_eval },
  { "predict", "classify a folder of PNGs into a CSV file",     cli_predict },
  { "demo",    "write the built-in demo project",                cli_demo },
  { "project", "export a project's labels (project export …)",   cli_project },
  { "anomaly", "anomaly detection with autoencoders (anomaly train|eval|score …)", cli_anomaly },
  { "gan",     "train a GAN or sample from one (gan train|sample …)", cli_gan },
};

static int
usage (FILE *out)
{
  fprintf (out, "Usage: defectscope-cli COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\n“defectscope-cli COMMAND --help” describes a command's options.\n");

  return out == stdout ? CLI_OK : CLI_USAGE;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* figures in CSV, JSON and progress lines are read by scripts: always a decimal point */
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    return usage (stderr);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    return usage (stdout);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "defectscope-cli: unknown command “%s”\n\n", argv[1]);
  return usage (stderr);
}
