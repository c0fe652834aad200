/* ds-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-error.h"

G_DEFINE_QUARK (ds-engine-error-quark, ds_engine_error)
