/* ds-sample-grid.c
 *
 * Drawn with Cairo through gtk_snapshot_append_cairo(): GTK 4.8 has no nearest-neighbour
 * texture filter in its snapshot API, and Cairo's CAIRO_FILTER_NEAREST gives the sharp pixels.
 * The set is converted once into one image surface, the samples stacked vertically.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ds-sample-grid.h"

#define GAP 3   /* pixels between and around the images */

struct _DsSampleGrid
{
  GtkWidget        parent_instance;

  DsSampleSet     *set;
  cairo_surface_t *surface;     /* (w, h * n) RGB24 */
  gboolean        *selected;    /* (n) */
  guint            n;
  guint            cursor;      /* the focused sample */
  guint            anchor;      /* where a Shift range starts */
  gboolean         selectable;
  gboolean         single_row;

  /* the layout of the last allocation */
  guint            cols;
  double           scale;
  double           x0, y0;      /* top left of the first cell */
};

enum {
  SELECTION_CHANGED,
  ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DsSampleGrid, ds_sample_grid, GTK_TYPE_WIDGET)

GtkWidget *
ds_sample_grid_new (void)
{
  return g_object_new (DS_TYPE_SAMPLE_GRID, NULL);
}

static cairo_surface_t *
make_surface (const DsSampleSet *set)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, set->w,
                                                         set->h * set->n);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  gsize plane = (gsize) set->h * set->w;

  cairo_surface_flush (surface);
  for (guint i = 0; i < set->n; i++)
    {
      const guint8 *px = ds_sample_set_get_image (set, i);

      for (guint y = 0; y < set->h; y++)
        {
          guint32 *row = (guint32 *) (void *) (data + (gsize) (i * set->h + y) * stride);

          for (guint x = 0; x < set->w; x++)
            {
              gsize at = (gsize) y * set->w + x;
              guint32 r = px[at];
              guint32 g = set->c == 3 ? px[plane + at] : r;
              guint32 b = set->c == 3 ? px[2 * plane + at] : r;

              row[x] = (r << 16) | (g << 8) | b;
            }
        }
    }
  cairo_surface_mark_dirty (surface);

  return surface;
}

/* Layout */

static guint
n_rows (guint n,
        guint cols)
{
  return (n + cols - 1) / MAX (cols, 1);
}

/* The scale at which @cols columns fit @width × @height. */
static double
fit_scale (DsSampleGrid *self,
           guint         cols,
           double        width,
           double        height)
{
  guint rows = n_rows (self->n, cols);
  double sx = (width - GAP * (cols + 1.0)) / (cols * (double) self->set->w);
  double sy = (height - GAP * (rows + 1.0)) / (rows * (double) self->set->h);

  return MIN (sx, sy);
}

static void
compute_layout (DsSampleGrid *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  guint best_cols = 1;
  double best = -1.0, cell_w, cell_h;

  self->cols = 0;
  if (self->set == NULL || self->n == 0 || width <= 0 || height <= 0)
    return;
  if (self->single_row)
    best_cols = self->n, best = fit_scale (self, self->n, width, height);
  else
    for (guint cols = 1; cols <= self->n; cols++)
      {
        double s = fit_scale (self, cols, width, height);

        /* ties go to fewer columns: a squarer grid */
        if (s > best + 1e-9)
          best = s, best_cols = cols;
      }
  if (best <= 0.0)
    return;
  /* whole pixels when enlarging, so that every pixel of a sample is a sharp square */
  self->scale = best >= 1.0 ? floor (best) : best;
  self->cols = best_cols;
  cell_w = self->set->w * self->scale + GAP;
  cell_h = self->set->h * self->scale + GAP;
  self->x0 = floor ((width - (cell_w * self->cols + GAP)) / 2.0) + GAP;
  self->y0 = floor ((height - (cell_h * n_rows (self->n, self->cols) + GAP)) / 2.0) + GAP;
}

gboolean
ds_sample_grid_get_cell_area (DsSampleGrid    *self,
                              guint            index,
                              graphene_rect_t *area)
{
  double w, h;

  g_return_val_if_fail (DS_IS_SAMPLE_GRID (self), FALSE);

  compute_layout (self);
  if (self->cols == 0 || index >= self->n)
    return FALSE;
  w = self->set->w * self->scale;
  h = self->set->h * self->scale;
  graphene_rect_init (area, self->x0 + (index % self->cols) * (w + GAP),
                      self->y0 + (index / self->cols) * (h + GAP), w, h);

  return TRUE;
}

double
ds_sample_grid_get_scale (DsSampleGrid *self)
{
  compute_layout (self);
  return self->cols > 0 ? self->scale : 0.0;
}

static gboolean
hit (DsSampleGrid *self,
     double        x,
     double        y,
     guint        *index)
{
  graphene_rect_t area;

  compute_layout (self);
  for (guint i = 0; self->cols > 0 && i < self->n; i++)
    if (ds_sample_grid_get_cell_area (self, i, &area)
        && graphene_rect_contains_point (&area, &GRAPHENE_POINT_INIT (x, y)))
      {
        *index = i;
        return TRUE;
      }

  return FALSE;
}

/* Drawing */

static void
ds_sample_grid_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  DsSampleGrid *self = DS_SAMPLE_GRID (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  gboolean focused = gtk_widget_has_visible_focus (widget);
  cairo_t *cr;

  compute_layout (self);
  if (self->cols == 0 || self->surface == NULL)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < self->n; i++)
    {
      graphene_rect_t a;
      cairo_pattern_t *pattern;

      ds_sample_grid_get_cell_area (self, i, &a);
      cairo_save (cr);
      cairo_translate (cr, a.origin.x, a.origin.y);
      cairo_scale (cr, self->scale, self->scale);
      cairo_set_source_surface (cr, self->surface, 0, -(double) i * self->set->h);
      pattern = cairo_get_source (cr);
      cairo_pattern_set_filter (pattern, self->scale >= 1.0 ? CAIRO_FILTER_NEAREST
                                                            : CAIRO_FILTER_GOOD);
      cairo_rectangle (cr, 0, 0, self->set->w, self->set->h);
      cairo_fill (cr);
      cairo_restore (cr);

      if (self->selectable && self->selected[i])
        {
          double r = MAX (5.0, MIN (a.size.width, a.size.height) * 0.09);

          /* the accent colour of the default theme, and a check mark in a disc */
          cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
          cairo_set_line_width (cr, 3.0);
          cairo_rectangle (cr, a.origin.x - 1.5, a.origin.y - 1.5, a.size.width + 3,
                           a.size.height + 3);
          cairo_stroke (cr);
          cairo_arc (cr, a.origin.x + a.size.width - r - 2, a.origin.y + r + 2, r, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_set_line_width (cr, MAX (1.5, r * 0.3));
          cairo_move_to (cr, a.origin.x + a.size.width - 2 - 1.55 * r, a.origin.y + 2 + r);
          cairo_rel_line_to (cr, 0.4 * r, 0.4 * r);
          cairo_rel_line_to (cr, 0.75 * r, -0.8 * r);
          cairo_stroke (cr);
        }
      if (focused && self->selectable && i == self->cursor)
        {
          static const double dash[] = { 3.0, 2.0 };

          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_set_line_width (cr, 1.0);
          cairo_set_dash (cr, dash, 2, 0);
          cairo_rectangle (cr, a.origin.x - 2.5, a.origin.y - 2.5, a.size.width + 5,
                           a.size.height + 5);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
    }
  cairo_destroy (cr);
}

static void
ds_sample_grid_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  DsSampleGrid *self = DS_SAMPLE_GRID (widget);
  guint w = self->set != NULL ? self->set->w : 28, h = self->set != NULL ? self->set->h : 28;
  guint n = self->set != NULL ? MAX (self->n, 1) : 16;
  guint cols = self->single_row ? n : (guint) ceil (sqrt ((double) n));

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->single_row ? (int) (n * (w / 4 + GAP) + GAP) : (int) (w + 2 * GAP);
      *natural = (int) (cols * (w + GAP) + GAP);
    }
  else
    {
      *minimum = (int) (h / 2 + 2 * GAP);
      *natural = (int) (n_rows (n, cols) * (h + GAP) + GAP);
    }
}

/* Selection */

static void
selection_changed (DsSampleGrid *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

gboolean
ds_sample_grid_is_selected (DsSampleGrid *self,
                            guint         index)
{
  return index < self->n && self->selected[index];
}

void
ds_sample_grid_set_selected (DsSampleGrid *self,
                             guint         index,
                             gboolean      selected)
{
  g_return_if_fail (DS_IS_SAMPLE_GRID (self));

  if (index >= self->n || self->selected[index] == !!selected)
    return;
  self->selected[index] = !!selected;
  self->cursor = self->anchor = index;
  selection_changed (self);
}

static void
select_only_range (DsSampleGrid *self,
                   guint         from,
                   guint         to)
{
  guint lo = MIN (from, to), hi = MAX (from, to);

  for (guint i = 0; i < self->n; i++)
    self->selected[i] = i >= lo && i <= hi;
  selection_changed (self);
}

void
ds_sample_grid_select_all (DsSampleGrid *self)
{
  g_return_if_fail (DS_IS_SAMPLE_GRID (self));

  if (self->n > 0 && self->selectable)
    select_only_range (self, 0, self->n - 1);
}

void
ds_sample_grid_unselect_all (DsSampleGrid *self)
{
  g_return_if_fail (DS_IS_SAMPLE_GRID (self));

  if (ds_sample_grid_get_n_selected (self) == 0)
    return;
  for (guint i = 0; i < self->n; i++)
    self->selected[i] = FALSE;
  selection_changed (self);
}

guint
ds_sample_grid_get_n_selected (DsSampleGrid *self)
{
  guint count = 0;

  for (guint i = 0; i < self->n; i++)
    count += self->selected[i];

  return count;
}

guint *
ds_sample_grid_dup_selection (DsSampleGrid *self,
                              guint        *n)
{
  guint *indices;

  *n = ds_sample_grid_get_n_selected (self);
  if (*n == 0)
    return NULL;
  indices = g_new (guint, *n);
  for (guint i = 0, j = 0; i < self->n; i++)
    if (self->selected[i])
      indices[j++] = i;

  return indices;
}

/* Input */

static void
click_pressed_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  DsSampleGrid    *self)
{
  GdkModifierType state;
  guint index;

  if (!self->selectable || !hit (self, x, y, &index))
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  if (n_press == 2)
    {
      g_signal_emit (self, signals[ACTIVATED], 0, index);
      return;
    }
  if (state & GDK_SHIFT_MASK)
    {
      self->cursor = index;
      select_only_range (self, self->anchor, index);
      return;
    }
  if (state & GDK_CONTROL_MASK)
    {
      self->selected[index] = !self->selected[index];
      self->cursor = self->anchor = index;
      selection_changed (self);
      return;
    }
  self->cursor = self->anchor = index;
  select_only_range (self, index, index);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                DsSampleGrid          *self)
{
  gint move = 0;
  guint cols = MAX (self->cols, 1);

  if (!self->selectable || self->n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left: case GDK_KEY_KP_Left: move = -1; break;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: move = 1; break;
    case GDK_KEY_Up: case GDK_KEY_KP_Up: move = -(gint) cols; break;
    case GDK_KEY_Down: case GDK_KEY_KP_Down: move = (gint) cols; break;
    case GDK_KEY_Home: move = -(gint) self->n; break;
    case GDK_KEY_End: move = (gint) self->n; break;

    case GDK_KEY_space:
      ds_sample_grid_set_selected (self, self->cursor, !self->selected[self->cursor]);
      return TRUE;

    case GDK_KEY_Return: case GDK_KEY_KP_Enter:
      g_signal_emit (self, signals[ACTIVATED], 0, self->cursor);
      return TRUE;

    case GDK_KEY_a: case GDK_KEY_A:
      if (!(state & GDK_CONTROL_MASK))
        return FALSE;
      if (state & GDK_SHIFT_MASK)
        ds_sample_grid_unselect_all (self);
      else
        ds_sample_grid_select_all (self);
      return TRUE;

    case GDK_KEY_Escape:
      if (ds_sample_grid_get_n_selected (self) == 0)
        return FALSE;
      ds_sample_grid_unselect_all (self);
      return TRUE;

    default:
      return FALSE;
    }

  self->cursor = (guint) CLAMP ((gint) self->cursor + move, 0, (gint) self->n - 1);
  if (state & GDK_SHIFT_MASK)
    select_only_range (self, self->anchor, self->cursor);
  else if (!(state & GDK_CONTROL_MASK))
    {
      self->anchor = self->cursor;
      select_only_range (self, self->cursor, self->cursor);
    }
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));

  return TRUE;
}

/* Public */

void
ds_sample_grid_set_samples (DsSampleGrid *self,
                            DsSampleSet  *set)
{
  g_return_if_fail (DS_IS_SAMPLE_GRID (self));

  if (set == self->set)
    return;
  if (set != NULL)
    ds_sample_set_ref (set);
  g_clear_pointer (&self->set, ds_sample_set_unref);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  self->set = set;
  if (set != NULL)
    self->surface = make_surface (set);
  if ((set != NULL ? set->n : 0) != self->n)
    {
      gboolean had = ds_sample_grid_get_n_selected (self) > 0;

      self->n = set != NULL ? set->n : 0;
      g_free (self->selected);
      self->selected = g_new0 (gboolean, MAX (self->n, 1));
      self->cursor = self->anchor = 0;
      if (had)
        g_signal_emit (self, signals[SELECTION_CHANGED], 0);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

DsSampleSet *
ds_sample_grid_get_samples (DsSampleGrid *self)
{
  return self->set;
}

void
ds_sample_grid_set_selectable (DsSampleGrid *self,
                               gboolean      selectable)
{
  self->selectable = selectable;
  gtk_widget_set_focusable (GTK_WIDGET (self), selectable);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ds_sample_grid_set_single_row (DsSampleGrid *self,
                               gboolean      single_row)
{
  self->single_row = single_row;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
ds_sample_grid_finalize (GObject *object)
{
  DsSampleGrid *self = DS_SAMPLE_GRID (object);

  g_clear_pointer (&self->set, ds_sample_set_unref);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_free (self->selected);

  G_OBJECT_CLASS (ds_sample_grid_parent_class)->finalize (object);
}

static void
ds_sample_grid_class_init (DsSampleGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ds_sample_grid_finalize;
  widget_class->snapshot = ds_sample_grid_snapshot;
  widget_class->measure = ds_sample_grid_measure;
  gtk_widget_class_set_css_name (widget_class, "samplegrid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ds_sample_grid_init (DsSampleGrid *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->selected = g_new0 (gboolean, 1);
  self->selectable = TRUE;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
