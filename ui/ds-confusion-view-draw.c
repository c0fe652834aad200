/* ds-confusion-view-draw.c: the confusion view's layout and drawing
 *
 * Everything is drawn with Cairo by one function, which the snapshot and the tests' offscreen
 * renders share. The layout is computed again for each draw and each pointer question: it is
 * a few dozen text measurements, and a cache would have to follow fonts and sizes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ds-confusion-view-private.h"

#define MARGIN           8.0
#define PAD              6.0    /* between titles, names and the grid */
#define MIN_NAME_SIZE    9.0    /* pixels: about 7 pt, the smallest that still reads */
#define MIN_COUNT_SIZE   8.0
#define MAX_ROW_NAMES    0.3    /* of the width; longer names are ellipsized */
#define MAX_COL_NAMES    0.28   /* of the height, for rotated names */
#define NATURAL_NAMES    160.0  /* the longest names wanted at natural size */
#define EMPTY_ALPHA      0.05   /* a zero cell: a faint tint, so the grid still reads */

typedef struct
{
  GdkRGBA  fg;
  GdkRGBA  accent;
  GdkRGBA  bg;     /* a guess: GTK 4.8 tells no widget its background colour */
  gboolean dark;
} Colors;

static const GdkRGBA default_accent = { 0.208, 0.518, 0.894, 1.0 };  /* Adwaita blue */
static const GdkRGBA warm_low = { 0.961, 0.475, 0.0, 1.0 };          /* orange */
static const GdkRGBA warm_high = { 0.753, 0.110, 0.157, 1.0 };       /* red */
static const GdkRGBA light_bg = { 0.98, 0.98, 0.98, 1.0 };
static const GdkRGBA dark_bg = { 0.14, 0.14, 0.14, 1.0 };
static const GdkRGBA dark_text = { 0.0, 0.0, 0.0, 0.85 };
static const GdkRGBA light_text = { 1.0, 1.0, 1.0, 1.0 };

/* Colours */

static void
get_colors (DsConfusionView *self,
            Colors          *colors)
{
  GtkStyleContext *context;

  /* gtk_widget_get_color() and the accent colour API come with 4.10 */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_get_color (context, &colors->fg);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &colors->accent)
      && !gtk_style_context_lookup_color (context, "theme_selected_bg_color", &colors->accent))
    colors->accent = default_accent;
  G_GNUC_END_IGNORE_DEPRECATIONS

  colors->accent.alpha = 1.0;
  /* light text means a dark theme */
  colors->dark = 0.299 * colors->fg.red + 0.587 * colors->fg.green + 0.114 * colors->fg.blue > 0.5;
  colors->bg = colors->dark ? dark_bg : light_bg;
}

static double
linear (double channel)
{
  return channel <= 0.04045 ? channel / 12.92 : pow ((channel + 0.055) / 1.055, 2.4);
}

/* WCAG relative luminance */
static double
luminance (const GdkRGBA *color)
{
  return 0.2126 * linear (color->red) + 0.7152 * linear (color->green)
         + 0.0722 * linear (color->blue);
}

static GdkRGBA
mix (const GdkRGBA *a,
     const GdkRGBA *b,
     double         t)
{
  return (GdkRGBA) { a->red + (b->red - a->red) * t,
                     a->green + (b->green - a->green) * t,
                     a->blue + (b->blue - a->blue) * t,
                     1.0 };
}

/* The fill of a cell: the accent for correct predictions, orange to red for mistakes; the more
 * of the row, the stronger. Mistakes grow with the square root, so that a few percent already
 * show: they are what the engineer is looking for. */
static GdkRGBA
cell_fill (const Colors *colors,
           gboolean      diagonal,
           guint64       count,
           double        fraction)
{
  GdkRGBA fill;

  if (count == 0)
    {
      fill = colors->fg;
      fill.alpha = EMPTY_ALPHA;
    }
  else if (diagonal)
    {
      fill = colors->accent;
      fill.alpha = 0.15 + 0.85 * fraction;
    }
  else
    {
      fill = mix (&warm_low, &warm_high, fraction);
      fill.alpha = 0.25 + 0.75 * sqrt (fraction);
    }

  return fill;
}

/* Black or white text for @fill over the background. Pure contrast ratios would put black on
 * mid-tones such as the accent blue, where white reads better and is what GNOME does: the
 * switch is at a luminance of 0.33 rather than 0.18. */
static GdkRGBA
text_on (const Colors  *colors,
         const GdkRGBA *fill)
{
  GdkRGBA over = mix (&colors->bg, fill, fill->alpha);

  return luminance (&over) > 0.33 ? dark_text : light_text;
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            double         alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;

  return result;
}

/* Text */

/* The widget's font size in pixels. */
static double
base_font_size (DsConfusionView *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *desc = pango_context_get_font_description (context);
  double size = desc != NULL ? pango_font_description_get_size (desc) / (double) PANGO_SCALE : 0;
  double dpi;

  if (size <= 0)
    return 14.0;
  if (pango_font_description_get_size_is_absolute (desc))
    return size;

  dpi = pango_cairo_context_get_resolution (context);

  return size * (dpi > 0 ? dpi : 96.0) / 72.0;
}

/* @max_width > 0 ellipsizes the text at the end to fit it. */
static PangoLayout *
make_layout (DsConfusionView *self,
             const char      *text,
             double           size,
             PangoWeight      weight,
             double           max_width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  const PangoFontDescription *base = pango_context_get_font_description (
    pango_layout_get_context (layout));
  PangoFontDescription *desc = base != NULL ? pango_font_description_copy (base)
                                            : pango_font_description_new ();

  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);

  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }

  return layout;
}

static double
text_height (DsConfusionView *self,
             double           size,
             PangoWeight      weight)
{
  g_autoptr(PangoLayout) layout = make_layout (self, "Xg", size, weight, -1);
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);

  return height;
}

/* Measured in bold: the names of the cell under the pointer are drawn so. */
static double
widest_name (DsConfusionView *self,
             double           size)
{
  int widest = 0;

  for (guint i = 0; i < self->n_classes; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (self, self->class_names[i], size,
                                                   PANGO_WEIGHT_BOLD, -1);
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }

  return widest;
}

static void
show_layout (cairo_t       *cr,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  cairo_move_to (cr, x, y);
  gdk_cairo_set_source_rgba (cr, color);
  pango_cairo_show_layout (cr, layout);
}

/* Draws @layout reading upwards, its first character at (@x, @y) and its lines to the right
 * of @x. */
static void
show_layout_upwards (cairo_t       *cr,
                     PangoLayout   *layout,
                     double         x,
                     double         y,
                     const GdkRGBA *color)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, -G_PI / 2);
  show_layout (cr, layout, 0, 0, color);
  cairo_restore (cr);
}

/* Geometry */

void
ds_confusion_view_compute_geometry (DsConfusionView     *self,
                                    int                  width,
                                    int                  height,
                                    DsConfusionGeometry *geometry)
{
  DsConfusionGeometry *g = geometry;
  guint n = self->n_classes;
  double base, guess, names, left, top, grid;

  memset (g, 0, sizeof *g);
  g->width = width;
  g->height = height;
  g->n_classes = n;
  g->name_step = 1;
  if (n == 0)
    return;

  base = base_font_size (self);
  /* in a small view the titles give way to the grid too */
  g->title_size = CLAMP (MIN (width, height) / 20.0, MIN_NAME_SIZE + 1,
                         MAX (base, MIN_NAME_SIZE + 1));
  g->title_height = text_height (self, g->title_size, PANGO_WEIGHT_BOLD);

  /* a first guess at the cell size chooses the fonts: names take about a quarter of the side */
  guess = (MIN (width, height) * 0.75 - 2 * MARGIN - g->title_height - 2 * PAD) / n;
  g->name_size = CLAMP (guess * 0.45, MIN_NAME_SIZE, MAX (base, MIN_NAME_SIZE));
  g->count_size = CLAMP (guess * 0.34, MIN_COUNT_SIZE, MAX (base, MIN_COUNT_SIZE));
  g->name_height = text_height (self, g->name_size, PANGO_WEIGHT_NORMAL);
  names = widest_name (self, g->name_size);

  g->row_names_width = MIN (names, floor (width * MAX_ROW_NAMES));
  left = MARGIN + g->title_height + PAD + g->row_names_width + PAD;

  /* column names across if they all fit in a cell, else upright */
  top = MARGIN + g->title_height + PAD + g->name_height + PAD;
  g->col_names_height = g->name_height;
  g->pitch = floor (MIN (width - left - MARGIN, height - top - MARGIN) / n);
  if (names > g->pitch - 4)
    {
      g->rotate_col_names = TRUE;
      g->col_names_height = MIN (names, floor (height * MAX_COL_NAMES));
      top = MARGIN + g->title_height + PAD + g->col_names_height + PAD;
      g->pitch = floor (MIN (width - left - MARGIN, height - top - MARGIN) / n);
    }
  g->pitch = MAX (g->pitch, 1.0);
  g->gap = g->pitch >= 24 ? 2.0 : g->pitch >= 8 ? 1.0 : 0.0;

  /* rows are as far apart as upright columns: one step serves both */
  g->name_step = (guint) MAX (1.0, ceil (g->name_height / g->pitch));

  /* what is left over goes around the whole, evenly */
  grid = g->pitch * n;
  g->grid_x = left + MAX (0.0, floor ((width - left - MARGIN - grid) / 2));
  g->grid_y = top + MAX (0.0, floor ((height - top - MARGIN - grid) / 2));
}

gboolean
ds_confusion_geometry_cell_at (const DsConfusionGeometry *geometry,
                               double                     x,
                               double                     y,
                               guint                     *row,
                               guint                     *col)
{
  double grid = geometry->pitch * geometry->n_classes;
  double gx = x - geometry->grid_x, gy = y - geometry->grid_y;

  if (geometry->n_classes == 0 || gx < 0 || gy < 0 || gx >= grid || gy >= grid)
    return FALSE;

  *row = MIN ((guint) (gy / geometry->pitch), geometry->n_classes - 1);
  *col = MIN ((guint) (gx / geometry->pitch), geometry->n_classes - 1);

  return TRUE;
}

void
ds_confusion_geometry_cell_rect (const DsConfusionGeometry *geometry,
                                 guint                      row,
                                 guint                      col,
                                 graphene_rect_t           *rect)
{
  double inset = geometry->gap / 2;

  graphene_rect_init (rect,
                      geometry->grid_x + col * geometry->pitch + inset,
                      geometry->grid_y + row * geometry->pitch + inset,
                      geometry->pitch - geometry->gap,
                      geometry->pitch - geometry->gap);
}

void
ds_confusion_view_get_natural_size (DsConfusionView *self,
                                    int             *width,
                                    int             *height)
{
  guint n = self->n_classes;
  double base, cell, name_size, names, title, name_height, col_names;

  if (n == 0)
    {
      *width = 320;
      *height = 200;
      return;
    }

  /* big cells for a few classes; many classes get smaller ones but a larger whole */
  cell = CLAMP (96.0 - 4.0 * n, 34.0, 72.0);
  base = base_font_size (self);
  name_size = CLAMP (cell * 0.45, MIN_NAME_SIZE, MAX (base, MIN_NAME_SIZE));
  names = MIN (widest_name (self, name_size), NATURAL_NAMES);
  title = text_height (self, base, PANGO_WEIGHT_BOLD);
  name_height = text_height (self, name_size, PANGO_WEIGHT_NORMAL);
  col_names = names <= cell - 4 ? name_height : names;

  *width = (int) ceil (2 * MARGIN + title + 2 * PAD + names + n * cell);
  *height = (int) ceil (2 * MARGIN + title + 2 * PAD + col_names + n * cell);
}

/* Drawing */

/* The short form is rounded ("2k" for 1 960) for cells too small for all the digits; the tooltip
 * has the exact count. */
static char *
format_count (guint64  count,
              gboolean short_form)
{
  if (!short_form || count < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  if (count < 999500)
    return g_strdup_printf ("%.0fk", count / 1e3);

  return g_strdup_printf ("%.0fM", count / 1e6);
}

static void
rounded_rect (cairo_t               *cr,
              const graphene_rect_t *r,
              double                 radius)
{
  double x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;

  radius = MIN (radius, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* The count, and below it the share of the row when the cell is big enough. Text that does
 * not fit even at the smallest size is left out: the tooltip has it. */
static void
draw_cell_text (DsConfusionView           *self,
                cairo_t                   *cr,
                const DsConfusionGeometry *g,
                const graphene_rect_t     *r,
                guint                      row,
                guint                      col,
                const GdkRGBA             *color)
{
  guint64 count = self->counts[row * self->n_classes + col];
  PangoWeight weight = row == col ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL;
  const double sizes[] = { g->count_size, MIN_COUNT_SIZE };
  g_autoptr(PangoLayout) layout = NULL;
  int w = 0, h = 0;

  for (guint attempt = 0; attempt < 4 && layout == NULL; attempt++)
    {
      g_autofree char *text = format_count (count, attempt >= 2);
      g_autoptr(PangoLayout) candidate = make_layout (self, text, sizes[attempt % 2], weight, -1);

      pango_layout_get_pixel_size (candidate, &w, &h);
      if (w <= r->size.width - 4 && h <= r->size.height)
        layout = g_steal_pointer (&candidate);
    }
  if (layout == NULL)
    return;

  if (count > 0 && r->size.height >= 2.4 * h + 4)
    {
      g_autofree char *percent = ds_confusion_format_percent (count, self->row_totals[row]);
      g_autoptr(PangoLayout) second = make_layout (self, percent,
                                                   MAX (g->count_size * 0.75, MIN_COUNT_SIZE),
                                                   PANGO_WEIGHT_NORMAL, r->size.width - 4);
      GdkRGBA dim = with_alpha (color, 0.8);
      int w2, h2;

      pango_layout_get_pixel_size (second, &w2, &h2);
      show_layout (cr, layout, round (r->origin.x + (r->size.width - w) / 2),
                   round (r->origin.y + (r->size.height - h - h2) / 2), color);
      show_layout (cr, second, round (r->origin.x + (r->size.width - w2) / 2),
                   round (r->origin.y + (r->size.height - h - h2) / 2 + h), &dim);
    }
  else
    {
      show_layout (cr, layout, round (r->origin.x + (r->size.width - w) / 2),
                   round (r->origin.y + (r->size.height - h) / 2), color);
    }
}

static void
draw_cells (DsConfusionView           *self,
            cairo_t                   *cr,
            const DsConfusionGeometry *g,
            const Colors              *colors)
{
  double radius = MIN (4.0, (g->pitch - g->gap) * 0.15);

  for (guint row = 0; row < self->n_classes; row++)
    for (guint col = 0; col < self->n_classes; col++)
      {
        guint64 count = self->counts[row * self->n_classes + col];
        GdkRGBA fill = cell_fill (colors, row == col, count,
                                  ds_confusion_view_get_fraction (self, row, col));
        GdkRGBA text = count == 0 ? with_alpha (&colors->fg, 0.35) : text_on (colors, &fill);
        graphene_rect_t r;

        ds_confusion_geometry_cell_rect (g, row, col, &r);
        rounded_rect (cr, &r, radius);
        gdk_cairo_set_source_rgba (cr, &fill);
        cairo_fill (cr);

        draw_cell_text (self, cr, g, &r, row, col, &text);
      }
}

static void
draw_names (DsConfusionView           *self,
            cairo_t                   *cr,
            const DsConfusionGeometry *g,
            const Colors              *colors)
{
  GdkRGBA normal = with_alpha (&colors->fg, 0.8);

  for (guint i = 0; i < self->n_classes; i += g->name_step)
    {
      g_autoptr(PangoLayout) row_name = NULL;
      g_autoptr(PangoLayout) col_name = NULL;
      double centre = i * g->pitch + g->pitch / 2;
      gboolean row_hover = self->hover_row == (int) i;
      gboolean col_hover = self->hover_col == (int) i;
      int w, h;

      /* the names of the cell under the pointer are the ones to read: stronger */
      row_name = make_layout (self, self->class_names[i], g->name_size,
                              row_hover ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                              g->row_names_width);
      pango_layout_get_pixel_size (row_name, &w, &h);
      show_layout (cr, row_name, g->grid_x - PAD - w, round (g->grid_y + centre - h / 2.0),
                   row_hover ? &colors->fg : &normal);

      if (g->rotate_col_names)
        {
          col_name = make_layout (self, self->class_names[i], g->name_size,
                                  col_hover ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                                  g->col_names_height);
          pango_layout_get_pixel_size (col_name, &w, &h);
          show_layout_upwards (cr, col_name, round (g->grid_x + centre - h / 2.0),
                               g->grid_y - PAD, col_hover ? &colors->fg : &normal);
        }
      else
        {
          col_name = make_layout (self, self->class_names[i], g->name_size,
                                  col_hover ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                                  g->pitch);
          pango_layout_get_pixel_size (col_name, &w, &h);
          show_layout (cr, col_name, round (g->grid_x + centre - w / 2.0),
                       g->grid_y - PAD - h, col_hover ? &colors->fg : &normal);
        }
    }
}

static void
draw_titles (DsConfusionView           *self,
             cairo_t                   *cr,
             const DsConfusionGeometry *g,
             const Colors              *colors)
{
  double grid = g->pitch * g->n_classes;
  GdkRGBA color = with_alpha (&colors->fg, 0.65);
  g_autoptr(PangoLayout) predicted = make_layout (self, "Predicted", g->title_size,
                                                  PANGO_WEIGHT_BOLD, MAX (grid, 1));
  g_autoptr(PangoLayout) truth = make_layout (self, "True class", g->title_size,
                                              PANGO_WEIGHT_BOLD, MAX (grid, 1));
  int w, h;

  pango_layout_get_pixel_size (predicted, &w, &h);
  show_layout (cr, predicted, round (g->grid_x + (grid - w) / 2),
               g->grid_y - PAD - g->col_names_height - PAD - h, &color);

  pango_layout_get_pixel_size (truth, &w, &h);
  show_layout_upwards (cr, truth, g->grid_x - PAD - g->row_names_width - PAD - h,
                       round (g->grid_y + (grid + w) / 2), &color);
}

/* The pointer's cell gets a ring inside it, the keyboard's one a ring in the accent colour
 * around it, so that both show when they are the same cell. */
static void
draw_outlines (DsConfusionView           *self,
               cairo_t                   *cr,
               const DsConfusionGeometry *g,
               const Colors              *colors)
{
  graphene_rect_t r;

  if (ds_confusion_view_focus_cell_visible (self))
    {
      ds_confusion_geometry_cell_rect (g, self->focus_row, self->focus_col, &r);
      graphene_rect_inset (&r, -1.5, -1.5);
      rounded_rect (cr, &r, 5);
      cairo_set_line_width (cr, 2);
      gdk_cairo_set_source_rgba (cr, &colors->accent);
      cairo_stroke (cr);
    }

  if (self->hover_row >= 0 && self->hover_col >= 0)
    {
      GdkRGBA color = with_alpha (&colors->fg, 0.9);

      ds_confusion_geometry_cell_rect (g, self->hover_row, self->hover_col, &r);
      graphene_rect_inset (&r, 1, 1);
      rounded_rect (cr, &r, 3);
      cairo_set_line_width (cr, 2);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_stroke (cr);
    }
}

/* Centred lines, wrapped rather than ellipsized: the view may be narrow. */
static PangoLayout *
make_message (DsConfusionView *self,
              const char      *text,
              double           size,
              PangoWeight      weight,
              int              width)
{
  PangoLayout *layout = make_layout (self, text, size, weight, -1);

  pango_layout_set_width (layout, (int) MAX (1, width - 2 * MARGIN) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);

  return layout;
}

static void
draw_empty (DsConfusionView *self,
            cairo_t         *cr,
            int              width,
            int              height,
            const Colors    *colors)
{
  double base = base_font_size (self);
  g_autoptr(PangoLayout) title = make_message (self, "No validation results yet", base * 1.15,
                                               PANGO_WEIGHT_BOLD, width);
  g_autoptr(PangoLayout) detail = make_message (self,
                                                "The confusion matrix appears after the first "
                                                "epoch.", base, PANGO_WEIGHT_NORMAL, width);
  GdkRGBA title_color = with_alpha (&colors->fg, 0.6);
  GdkRGBA detail_color = with_alpha (&colors->fg, 0.5);
  int h1, h2;
  double y;

  pango_layout_get_pixel_size (title, NULL, &h1);
  pango_layout_get_pixel_size (detail, NULL, &h2);
  y = round ((height - h1 - PAD - h2) / 2);
  show_layout (cr, title, MARGIN, y, &title_color);
  show_layout (cr, detail, MARGIN, y + h1 + PAD, &detail_color);
}

void
ds_confusion_view_draw (DsConfusionView *self,
                        cairo_t         *cr,
                        int              width,
                        int              height)
{
  DsConfusionGeometry geometry;
  Colors colors;

  g_return_if_fail (DS_IS_CONFUSION_VIEW (self));

  get_colors (self, &colors);
  cairo_save (cr);

  if (self->n_classes == 0)
    {
      draw_empty (self, cr, width, height, &colors);
    }
  else
    {
      ds_confusion_view_compute_geometry (self, width, height, &geometry);
      draw_titles (self, cr, &geometry, &colors);
      draw_names (self, cr, &geometry, &colors);
      draw_cells (self, cr, &geometry, &colors);
      draw_outlines (self, cr, &geometry, &colors);
    }

  cairo_restore (cr);
}
