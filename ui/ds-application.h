/* ds-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_APPLICATION_ID "org.defectscope.Defectscope"
#define DS_TYPE_APPLICATION (ds_application_get_type ())

G_DECLARE_FINAL_TYPE (DsApplication, ds_application, DS, APPLICATION, GtkApplication)

DsApplication *ds_application_new          (void);
GSettings     *ds_application_get_settings (DsApplication *self);
/* Puts @dir first in the recent-projects list. */
void           ds_application_add_recent   (DsApplication *self,
                                            const char    *dir);

G_END_DECLS
