/* defectscope.c: the application's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "ds-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(DsApplication) app = NULL;

  setlocale (LC_ALL, "");
  app = ds_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
