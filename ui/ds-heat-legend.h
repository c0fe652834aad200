/* ds-heat-legend.h: the colour scale of the heatmaps, from no residual to full heat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_TYPE_HEAT_LEGEND (ds_heat_legend_get_type ())

G_DECLARE_FINAL_TYPE (DsHeatLegend, ds_heat_legend, DS, HEAT_LEGEND, GtkWidget)

GtkWidget *ds_heat_legend_new       (void);
/* The residual shown at full heat (NAN: no scale, the bar only); residuals above it show as
 * full heat too, which the last tick says. */
void       ds_heat_legend_set_max   (DsHeatLegend *self,
                                     double        max);
double     ds_heat_legend_get_max   (DsHeatLegend *self);

G_END_DECLS
