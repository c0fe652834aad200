/* ds-loss-chart-io.c: the loss chart as CSV, PNG and SVG files
 *
 * Every file is made in memory and written with ds_file_write_atomic(): an export over an older
 * one never leaves half a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include <cairo-svg.h>

#include "ds-error.h"
#include "ds-file.h"
#include "ds-loss-chart-private.h"

#define CSV_HEADER "series,axis,unit,step,epoch,value"
#define CSV_FIELDS 6

/* CSV out */

/* The shortest decimal that reads back as the same double, so files stay readable. */
static void
append_number (GString *out,
               double   value)
{
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    {
      g_string_append (out, "nan");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "inf" : "-inf");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

static void
append_field (GString    *out,
              const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL && !g_ascii_isspace (text[0]))
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_row (GString             *out,
            const DsChartSeries *s,
            guint64              steps_per_epoch,
            double               x,
            double               y)
{
  double n = (double) steps_per_epoch;

  append_field (out, s->name);
  g_string_append (out, s->axis == DS_CHART_AXIS_LOSS ? ",loss," : ",accuracy,");
  g_string_append (out, s->unit == DS_CHART_X_STEP ? "step," : "epoch,");
  if (s->unit == DS_CHART_X_STEP)
    append_number (out, x);
  else if (steps_per_epoch > 0)
    append_number (out, x * n);
  g_string_append_c (out, ',');
  if (s->unit == DS_CHART_X_EPOCH)
    append_number (out, x);
  else if (steps_per_epoch > 0)
    append_number (out, x / n);
  g_string_append_c (out, ',');
  append_number (out, y);
  g_string_append_c (out, '\n');
}

gboolean
ds_loss_chart_export_csv (DsLossChart  *self,
                          const char   *path,
                          GError      **error)
{
  g_autoptr(GString) out = g_string_new (CSV_HEADER "\n");

  g_return_val_if_fail (DS_IS_LOSS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < self->series->len; i++)
    {
      const DsChartSeries *s = g_ptr_array_index (self->series, i);
      gboolean bad_pending = !isnan (s->bad_x);

      for (guint j = 0; j < s->points->len; j++)
        {
          const DsChartPoint *p = &g_array_index (s->points, DsChartPoint, j);

          /* in x order, so that reading the file back appends it where it was */
          if (bad_pending && s->bad_x < p->x)
            {
              append_row (out, s, self->steps_per_epoch, s->bad_x, s->bad_y);
              bad_pending = FALSE;
            }
          append_row (out, s, self->steps_per_epoch, p->x, p->y);
        }
      if (bad_pending)
        append_row (out, s, self->steps_per_epoch, s->bad_x, s->bad_y);
    }

  return ds_file_write_atomic (path, out->str, out->len, error);
}

/* CSV in */

/* Reads the fields of one record (RFC 4180: quoted fields may hold commas, quotes and line
 * breaks) and moves *@cursor past it. FALSE at the end of the text or on an unclosed quote,
 * which sets *@unclosed. */
static gboolean
read_record (const char **cursor,
             const char  *end,
             GPtrArray   *fields,
             gboolean    *unclosed)
{
  const char *p = *cursor;

  g_ptr_array_set_size (fields, 0);
  if (p >= end)
    return FALSE;

  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (p < end && *p == '"')
        {
          for (p++; ; p++)
            {
              if (p >= end)
                {
                  g_string_free (field, TRUE);
                  *unclosed = TRUE;
                  return FALSE;
                }
              if (*p == '"' && p + 1 < end && p[1] == '"')
                p++;
              else if (*p == '"')
                break;
              g_string_append_c (field, *p);
            }
          p++;
        }
      while (p < end && *p != ',' && *p != '\n')
        g_string_append_c (field, *p++);
      if (field->len > 0 && field->str[field->len - 1] == '\r')
        g_string_truncate (field, field->len - 1);
      g_ptr_array_add (fields, g_string_free (field, FALSE));

      if (p < end && *p == ',')
        {
          p++;
          continue;
        }
      if (p < end)
        p++;  /* the line break */
      break;
    }

  *cursor = p;
  return TRUE;
}

/* A whole field as a double; "nan", "inf" and "-inf" too. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  char *end = NULL;

  if (text[0] == '\0' || g_ascii_isspace (text[0]))
    return FALSE;
  *value = g_ascii_strtod (text, &end);

  return *end == '\0';
}

typedef struct
{
  guint         name;   /* in the names array */
  DsChartAxis   axis;
  DsChartXUnit  unit;
  double        x, y;
} Row;

/* Returns: (nullable): what is wrong with the row, or NULL when @row is filled in. */
static const char *
parse_row (GPtrArray *fields,
           GPtrArray *names,
           Row       *row,
           guint64   *steps_per_epoch)
{
  const char *name = g_ptr_array_index (fields, 0);
  const char *axis = g_ptr_array_index (fields, 1);
  const char *unit = g_ptr_array_index (fields, 2);
  const char *step = g_ptr_array_index (fields, 3);
  const char *epoch = g_ptr_array_index (fields, 4);
  double step_x = NAN, epoch_x = NAN;

  if (name[0] == '\0')
    return "no series name";
  if (g_str_equal (axis, "loss"))
    row->axis = DS_CHART_AXIS_LOSS;
  else if (g_str_equal (axis, "accuracy"))
    row->axis = DS_CHART_AXIS_ACCURACY;
  else
    return "the axis is not “loss” or “accuracy”";
  if (g_str_equal (unit, "step"))
    row->unit = DS_CHART_X_STEP;
  else if (g_str_equal (unit, "epoch"))
    row->unit = DS_CHART_X_EPOCH;
  else
    return "the unit is not “step” or “epoch”";

  if ((step[0] != '\0' && (!parse_number (step, &step_x) || !isfinite (step_x)))
      || (epoch[0] != '\0' && (!parse_number (epoch, &epoch_x) || !isfinite (epoch_x))))
    return "a step or epoch that is not a finite number";
  row->x = row->unit == DS_CHART_X_STEP ? step_x : epoch_x;
  if (isnan (row->x))
    return "no x in the series’ own unit";
  if (!parse_number (g_ptr_array_index (fields, 5), &row->y))
    return "the value is not a number";

  /* steps per epoch is whole, and rows of step series give it only up to rounding */
  if (*steps_per_epoch == 0 && !isnan (step_x) && epoch_x > 0 && step_x / epoch_x >= 0.5)
    *steps_per_epoch = (guint64) llround (step_x / epoch_x);

  if (names->len == 0 || !g_str_equal (g_ptr_array_index (names, names->len - 1), name))
    g_ptr_array_add (names, g_strdup (name));
  row->name = names->len - 1;

  return NULL;
}

static guint
find_or_add_series (DsLossChart  *self,
                    const char   *name,
                    DsChartAxis   axis,
                    DsChartXUnit  unit)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      const DsChartSeries *s = g_ptr_array_index (self->series, i);

      if (s->axis == axis && s->unit == unit && g_str_equal (s->name, name))
        return i;
    }

  return ds_loss_chart_add_series (self, name, axis, unit);
}

gboolean
ds_loss_chart_load_csv (DsLossChart  *self,
                        const char   *path,
                        GError      **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  guint64 steps_per_epoch = 0;
  gboolean unclosed = FALSE;
  const char *cursor, *end;
  gsize length;
  guint line = 1;
  guint series = 0, last_name = G_MAXUINT;

  g_return_val_if_fail (DS_IS_LOSS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  if (!g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not a text file in UTF-8", path);
      return FALSE;
    }

  cursor = contents;
  end = contents + length;
  if (!read_record (&cursor, end, fields, &unclosed) || fields->len != CSV_FIELDS
      || !g_str_equal (g_ptr_array_index (fields, 0), "series")
      || !g_str_equal (g_ptr_array_index (fields, 5), "value"))
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s: not a training chart: the first line should be “%s”", path, CSV_HEADER);
      return FALSE;
    }

  for (const char *start = cursor; read_record (&cursor, end, fields, &unclosed); start = cursor)
    {
      const char *problem = NULL;
      Row row;

      line++;
      if (fields->len == 1 && ((char *) g_ptr_array_index (fields, 0))[0] == '\0')
        continue;  /* a blank line */
      if (fields->len != CSV_FIELDS)
        problem = "not 6 fields";
      else
        problem = parse_row (fields, names, &row, &steps_per_epoch);
      if (problem != NULL)
        {
          g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                       "%s, line %u: %s", path, line, problem);
          return FALSE;
        }
      g_array_append_val (rows, row);
      /* a quoted line break belongs to the field, but still counts as a line */
      for (const char *p = start; p + 1 < cursor; p++)
        line += *p == '\n';
    }
  if (unclosed)
    {
      g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_FORMAT,
                   "%s, line %u: a quote is not closed", path, line + 1);
      return FALSE;
    }

  /* all read: only now is the chart changed */
  ds_loss_chart_clear (self);
  if (steps_per_epoch > 0)
    ds_loss_chart_set_steps_per_epoch (self, steps_per_epoch);
  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);

      if (row->name != last_name || ds_loss_chart_get_series (self, series)->axis != row->axis
          || ds_loss_chart_get_series (self, series)->unit != row->unit)
        {
          series = find_or_add_series (self, g_ptr_array_index (names, row->name), row->axis,
                                       row->unit);
          last_name = row->name;
        }
      ds_loss_chart_append (self, series, row->x, row->y);
    }

  return TRUE;
}

/* Images */

static cairo_status_t
write_to_bytes_cb (void                *closure,
                   const unsigned char *data,
                   unsigned int         length)
{
  g_byte_array_append (closure, data, length);

  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
draw_for_export (DsLossChart     *self,
                 cairo_surface_t *surface,
                 int              width,
                 int              height)
{
  DsChartStyle style;
  DsChartLayout layout;
  cairo_status_t status;
  cairo_t *cr = cairo_create (surface);

  ds_chart_style_init_for_export (&style);
  ds_loss_chart_compute_layout (self, &style, width, height, &layout);
  ds_loss_chart_draw (self, cr, &style, &layout);
  ds_chart_style_clear (&style);
  status = cairo_status (cr);
  cairo_destroy (cr);

  return status;
}

static gboolean
check_cairo (cairo_status_t   status,
             const char      *path,
             GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;

  g_set_error (error, DS_ENGINE_ERROR, DS_ENGINE_ERROR_IO, "%s: cannot draw the chart: %s", path,
               cairo_status_to_string (status));
  return FALSE;
}

gboolean
ds_loss_chart_export_png (DsLossChart  *self,
                          const char   *path,
                          int           width,
                          int           height,
                          GError      **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (DS_IS_LOSS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = draw_for_export (self, surface, width, height);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, write_to_bytes_cb, bytes);
  cairo_surface_destroy (surface);

  return check_cairo (status, path, error)
         && ds_file_write_atomic (path, bytes->data, bytes->len, error);
}

gboolean
ds_loss_chart_export_svg (DsLossChart  *self,
                          const char   *path,
                          double        width,
                          double        height,
                          GError      **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (DS_IS_LOSS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  surface = cairo_svg_surface_create_for_stream (write_to_bytes_cb, bytes, width, height);
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = draw_for_export (self, surface, (int) ceil (width), (int) ceil (height));
  /* the SVG is only complete once the surface is finished */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return check_cairo (status, path, error)
         && ds_file_write_atomic (path, bytes->data, bytes->len, error);
}
