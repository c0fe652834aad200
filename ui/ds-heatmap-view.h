/* ds-heatmap-view.h: an image, a residual heatmap, or the heatmap over the image
 *
 * The view fits its picture to its size (at the top, centred across), keeping the aspect ratio,
 * and draws image pixels as sharp squares (nearest neighbour): a 28 × 28 part stays legible at
 * 300 pixels and a one-pixel defect stays one square. The heat of a residual r is r / heat-max
 * on the colour scale of ds_heat_color(), drawn over the image with the view's opacity (1: heat
 * only).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_TYPE_HEATMAP_VIEW (ds_heatmap_view_get_type ())

G_DECLARE_FINAL_TYPE (DsHeatmapView, ds_heatmap_view, DS, HEATMAP_VIEW, GtkWidget)

/* The colour of heat @t in [0, 1] (clamped): dark blue, blue, cyan, yellow, red, dark red. */
void             ds_heat_color               (double          t,
                                              guint8          rgb[3]);

GtkWidget       *ds_heatmap_view_new         (void);
/* Shows @pixels (c, h, w) with values in [0, 1], c = 1 or 3 (copied; NULL clears). */
void             ds_heatmap_view_set_image   (DsHeatmapView  *self,
                                              const float    *pixels,
                                              guint           c,
                                              guint           h,
                                              guint           w);
/* Shows the residual @map (h, w) as heat (copied; NULL clears). Without an image the view
 * shows the heat alone whatever the opacity. */
void             ds_heatmap_view_set_heat    (DsHeatmapView  *self,
                                              const float    *map,
                                              guint           h,
                                              guint           w);
/* The residual at full heat; NAN or <= 0: the map's own maximum. */
void             ds_heatmap_view_set_heat_max (DsHeatmapView *self,
                                               double         heat_max);
double           ds_heatmap_view_get_heat_max (DsHeatmapView *self);
/* How much the heat covers the image, 0 to 1. */
void             ds_heatmap_view_set_opacity (DsHeatmapView  *self,
                                              double          opacity);
double           ds_heatmap_view_get_opacity (DsHeatmapView  *self);
/* What the view says while it has nothing to show. */
void             ds_heatmap_view_set_placeholder (DsHeatmapView *self,
                                                  const char    *text);
/* Screen pixels per picture pixel as the view draws it now (0 when it shows nothing). */
double           ds_heatmap_view_get_scale   (DsHeatmapView  *self);
/* Returns: (transfer none) (nullable): the picture at its own size, w × h ARGB32 pixels, as
 * the view scales it up; NULL when it shows nothing. */
cairo_surface_t *ds_heatmap_view_get_surface (DsHeatmapView  *self);

G_END_DECLS
