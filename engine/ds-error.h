/* ds-error.h: the engine's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DS_ENGINE_ERROR (ds_engine_error_quark ())

typedef enum
{
  DS_ENGINE_ERROR_INVALID_ARGUMENT, /* a caller passed something the engine cannot use */
  DS_ENGINE_ERROR_SHAPE,            /* tensor or layer shapes do not fit together */
  DS_ENGINE_ERROR_IO,               /* reading or writing a file failed */
  DS_ENGINE_ERROR_FORMAT,           /* a file is damaged, truncated or not ours */
  DS_ENGINE_ERROR_VERSION,          /* a file written by a newer Defectscope */
  DS_ENGINE_ERROR_UNSUPPORTED,      /* valid, but something we do not handle */
  DS_ENGINE_ERROR_CANCELLED,        /* the progress callback asked to stop */
  DS_ENGINE_ERROR_NOT_FINITE,       /* a loss, gradient or weight became NaN or infinite */
  DS_ENGINE_ERROR_NO_MEMORY,        /* a size that would overflow or cannot be allocated */
} DsEngineError;

GQuark ds_engine_error_quark (void);

G_END_DECLS
