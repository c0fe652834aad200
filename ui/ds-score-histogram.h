/* ds-score-histogram.h: anomaly scores of normal and defective images, with the review band
 *
 * Two overlaid histograms over one score axis (normal images green, defective ones red, each
 * as a share of its own images, so that a few normal images show beside many defective ones)
 * and the review band's two thresholds as vertical lines: at or below the low one an image
 * passes, above the high one it fails, in between a person looks. The lines can be dragged
 * with the pointer and moved with the keyboard: Left and Right move the low threshold,
 * Shift+Left and Shift+Right the high one (Ctrl for finer steps). The low one never passes
 * the high one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DS_TYPE_SCORE_HISTOGRAM (ds_score_histogram_get_type ())

G_DECLARE_FINAL_TYPE (DsScoreHistogram, ds_score_histogram, DS, SCORE_HISTOGRAM, GtkWidget)

GtkWidget *ds_score_histogram_new        (void);
/* Shows the @n_good scores of normal images and the @n_bad of defective ones (copied; NaN
 * scores are left out). The score axis runs from 0 past the largest score and threshold. */
void       ds_score_histogram_set_scores (DsScoreHistogram *self,
                                          const float      *good,
                                          guint             n_good,
                                          const float      *bad,
                                          guint             n_bad);
/* Sets the review band (NAN, NAN: none) without emitting band-changed. */
void       ds_score_histogram_set_band   (DsScoreHistogram *self,
                                          double            low,
                                          double            high);
double     ds_score_histogram_get_low    (DsScoreHistogram *self);
double     ds_score_histogram_get_high   (DsScoreHistogram *self);
/* Marks one score on the axis, such as the selected image's (NAN: none). */
void       ds_score_histogram_set_marker (DsScoreHistogram *self,
                                          double            score);
/* Where score @value is drawn, in the widget's coordinates (for tests). */
double     ds_score_histogram_value_to_x (DsScoreHistogram *self,
                                          double            value);

/* Properties: threshold-low, threshold-high (double, notified while a line is dragged).
 * Signals:
 *   band-changed (double low, double high)  the user moved a threshold: a drag ended or a key
 *                                           moved it */

G_END_DECLS
