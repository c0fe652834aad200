/* test-metrics.c: confusion matrices, per-class metrics and argmax
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "train/ds-metrics.h"

#define EPS 1e-12

/* The hand-computed case used below (rows: true class, columns: predicted):
 *
 *          pred 0  pred 1  pred 2   support
 *   true 0     3       1       1       5
 *   true 1     1       3       0       4
 *   true 2     0       2       1       3
 *   column     4       6       2      12
 *
 * accuracy 7/12
 * class 0: precision 3/4, recall 3/5, F1 2/3
 * class 1: precision 3/6, recall 3/4, F1 3/5
 * class 2: precision 1/2, recall 1/3, F1 2/5
 * macro F1 (2/3 + 3/5 + 2/5) / 3 = 5/9
 */
static const gint32 pairs[][2] = {
  { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 1 }, { 0, 2 },
  { 1, 1 }, { 1, 1 }, { 1, 0 }, { 1, 1 },
  { 2, 2 }, { 2, 1 }, { 2, 1 },
};

static DsConfusion *
hand_case (void)
{
  DsConfusion *cm = ds_confusion_new (3);

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    ds_confusion_add (cm, pairs[i][0], pairs[i][1]);

  return cm;
}

static void
test_counts (void)
{
  g_autoptr(DsConfusion) cm = hand_case ();
  static const guint64 expected[3][3] = { { 3, 1, 1 }, { 1, 3, 0 }, { 0, 2, 1 } };

  g_assert_cmpuint (cm->n_classes, ==, 3);
  for (guint t = 0; t < 3; t++)
    for (guint p = 0; p < 3; p++)
      {
        g_assert_cmpuint (ds_confusion_get (cm, t, p), ==, expected[t][p]);
        /* row = true class, column = predicted */
        g_assert_cmpuint (cm->counts[t * 3 + p], ==, expected[t][p]);
      }
  g_assert_cmpuint (ds_confusion_total (cm), ==, 12);

  ds_confusion_reset (cm);
  g_assert_cmpuint (ds_confusion_total (cm), ==, 0);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpuint (cm->counts[i], ==, 0);
}

static void
test_accuracy (void)
{
  g_autoptr(DsConfusion) cm = hand_case ();
  g_autoptr(DsConfusion) empty = ds_confusion_new (3);
  g_autoptr(DsConfusion) perfect = ds_confusion_new (2);

  g_assert_cmpfloat_with_epsilon (ds_confusion_accuracy (cm), 7.0 / 12.0, EPS);
  /* an empty matrix is 0, not 0/0 */
  g_assert_cmpfloat (ds_confusion_accuracy (empty), ==, 0.0);

  ds_confusion_add (perfect, 0, 0);
  ds_confusion_add (perfect, 1, 1);
  ds_confusion_add (perfect, 1, 1);
  g_assert_cmpfloat (ds_confusion_accuracy (perfect), ==, 1.0);
}

static void
test_per_class (void)
{
  g_autoptr(DsConfusion) cm = hand_case ();
  static const struct { double precision, recall, f1; guint64 support; } expected[] = {
    { 3.0 / 4.0, 3.0 / 5.0, 2.0 / 3.0, 5 },
    { 3.0 / 6.0, 3.0 / 4.0, 3.0 / 5.0, 4 },
    { 1.0 / 2.0, 1.0 / 3.0, 2.0 / 5.0, 3 },
  };

  for (guint k = 0; k < 3; k++)
    {
      DsClassMetrics m;

      ds_confusion_class (cm, k, &m);
      g_assert_cmpfloat_with_epsilon (m.precision, expected[k].precision, EPS);
      g_assert_cmpfloat_with_epsilon (m.recall, expected[k].recall, EPS);
      g_assert_cmpfloat_with_epsilon (m.f1, expected[k].f1, EPS);
      g_assert_cmpuint (m.support, ==, expected[k].support);
    }
}

static void
test_macro_f1 (void)
{
  g_autoptr(DsConfusion) cm = hand_case ();
  g_autoptr(DsConfusion) empty = ds_confusion_new (4);

  g_assert_cmpfloat_with_epsilon (ds_confusion_macro_f1 (cm), 5.0 / 9.0, EPS);
  g_assert_cmpfloat (ds_confusion_macro_f1 (empty), ==, 0.0);
}

static void
assert_class_zero (const DsConfusion *cm,
                   guint              k,
                   guint64            support)
{
  DsClassMetrics m;

  ds_confusion_class (cm, k, &m);
  g_assert_false (isnan (m.precision));
  g_assert_false (isnan (m.recall));
  g_assert_false (isnan (m.f1));
  g_assert_cmpfloat (m.precision, ==, 0.0);
  g_assert_cmpfloat (m.recall, ==, 0.0);
  g_assert_cmpfloat (m.f1, ==, 0.0);
  g_assert_cmpuint (m.support, ==, support);
}

static void
test_empty_classes (void)
{
  g_autoptr(DsConfusion) cm = ds_confusion_new (4);
  DsClassMetrics m;

  /* class 0: always right; class 1: has samples but is never predicted;
   * class 2: predicted but has no samples; class 3: neither */
  ds_confusion_add (cm, 0, 0);
  ds_confusion_add (cm, 0, 0);
  ds_confusion_add (cm, 1, 2);
  ds_confusion_add (cm, 1, 0);

  assert_class_zero (cm, 1, 2);
  assert_class_zero (cm, 2, 0);
  assert_class_zero (cm, 3, 0);

  ds_confusion_class (cm, 0, &m);
  g_assert_cmpfloat_with_epsilon (m.precision, 2.0 / 3.0, EPS);
  g_assert_cmpfloat (m.recall, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (m.f1, 0.8, EPS);

  /* the mean over the classes with support (0 and 1) only */
  g_assert_cmpfloat_with_epsilon (ds_confusion_macro_f1 (cm), 0.4, EPS);
  g_assert_cmpfloat_with_epsilon (ds_confusion_accuracy (cm), 0.5, EPS);

  /* a matrix with no samples at all */
  ds_confusion_reset (cm);
  for (guint k = 0; k < 4; k++)
    assert_class_zero (cm, k, 0);
  g_assert_false (isnan (ds_confusion_macro_f1 (cm)));
}

static void
test_ignored_labels (void)
{
  g_autoptr(DsConfusion) cm = hand_case ();

  /* unlabelled samples and out-of-range indices change nothing */
  ds_confusion_add (cm, -1, 0);
  ds_confusion_add (cm, -1, 2);
  ds_confusion_add (cm, 0, -1);
  ds_confusion_add (cm, 3, 0);
  ds_confusion_add (cm, 0, 3);
  ds_confusion_add (cm, G_MAXINT32, 1);
  ds_confusion_add (cm, G_MININT32, 1);

  g_assert_cmpuint (ds_confusion_total (cm), ==, 12);
  g_assert_cmpfloat_with_epsilon (ds_confusion_accuracy (cm), 7.0 / 12.0, EPS);
  g_assert_cmpfloat_with_epsilon (ds_confusion_macro_f1 (cm), 5.0 / 9.0, EPS);
}

static void
test_argmax (void)
{
  static const float plain[] = { 0.1f, 0.7f, 0.2f };
  static const float tie[] = { 0.2f, 0.4f, 0.1f, 0.4f };
  static const float all_equal[] = { 1.0f, 1.0f, 1.0f };
  static const float negative[] = { -3.0f, -1.0f, -2.0f, -1.0f };
  static const float first_tie[] = { 5.0f, 5.0f };
  static const float infinite[] = { -INFINITY, -INFINITY, -INFINITY };
  static const float one[] = { 42.0f };

  g_assert_cmpuint (ds_argmax (plain, 3), ==, 1);
  g_assert_cmpuint (ds_argmax (tie, 4), ==, 1);
  g_assert_cmpuint (ds_argmax (all_equal, 3), ==, 0);
  g_assert_cmpuint (ds_argmax (negative, 4), ==, 1);
  g_assert_cmpuint (ds_argmax (first_tie, 2), ==, 0);
  g_assert_cmpuint (ds_argmax (infinite, 3), ==, 0);
  g_assert_cmpuint (ds_argmax (one, 1), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/metrics/confusion-counts", test_counts);
  g_test_add_func ("/engine/metrics/accuracy", test_accuracy);
  g_test_add_func ("/engine/metrics/per-class", test_per_class);
  g_test_add_func ("/engine/metrics/macro-f1", test_macro_f1);
  g_test_add_func ("/engine/metrics/empty-classes", test_empty_classes);
  g_test_add_func ("/engine/metrics/ignored-labels", test_ignored_labels);
  g_test_add_func ("/engine/metrics/argmax", test_argmax);

  return g_test_run ();
}
