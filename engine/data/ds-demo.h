/* ds-demo.h: a synthetic surface-inspection data set, in the spirit of DAGM 2007
 *
 * Textured gray surfaces (brushed metal, cast/sand, woven fabric, machined grooves), each with
 * random parameters, some carrying one defect: a scratch, a spot or a crack, with a pixel
 * mask. It lets a new user train and inspect a model before they have images of their own.
 *
 * Everything follows from the seed: rendering is integer arithmetic on DsRng draws, so the
 * same configuration gives byte-identical images and masks on every machine and compiler
 * (no libm, no floating-point contraction to differ).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DS_DEMO_MIN_SIZE      64
#define DS_DEMO_MAX_SIZE      1024
#define DS_DEMO_DEFAULT_SIZE  64
#define DS_DEMO_DEFAULT_SEED  2007
/* Per class, above any sensible demo: keeps the total far from overflowing a guint. */
#define DS_DEMO_MAX_COUNT     1000000

/* Image classes, in the order of their indices (see ds_demo_render()). */
typedef enum
{
  DS_DEMO_OK,        /* texture only */
  DS_DEMO_SCRATCH,   /* thin, long, gently curved line, brighter or darker than the surface */
  DS_DEMO_SPOT,      /* round or elliptic stain with soft, ragged edges, darker or lighter */
  DS_DEMO_CRACK,     /* thin dark jagged path that branches */
  DS_DEMO_N_CLASSES,
} DsDemoClass;

typedef enum
{
  DS_DEMO_TEXTURE_METAL,    /* brushed: long streaks along a random direction */
  DS_DEMO_TEXTURE_CAST,     /* cast or sand-blasted: blob noise over several octaves */
  DS_DEMO_TEXTURE_FABRIC,   /* woven: crossing threads, plain or twill, with jitter */
  DS_DEMO_TEXTURE_GROOVES,  /* machined: periodic turning grooves, straight or arced */
  DS_DEMO_N_TEXTURES,
} DsDemoTexture;

typedef struct
{
  guint   size;                        /* side of the square images, DS_DEMO_MIN_SIZE.. */
  guint   counts[DS_DEMO_N_CLASSES];   /* images per class, indexed by DsDemoClass */
  guint64 seed;
  gboolean write_masks;                /* ds_demo_write() also writes <dir>/masks/ */
} DsDemoConfig;

/* What one index of a configuration is. */
typedef struct
{
  DsDemoClass   klass;
  DsDemoTexture texture;
  guint         index_in_class;   /* 0-based; the NNNN of the file name */
} DsDemoInfo;

/* Called after each image written; return FALSE to stop (DS_ENGINE_ERROR_CANCELLED). */
typedef gboolean (*DsDemoProgressFunc) (guint    done,
                                        guint    total,
                                        gpointer user_data);

/* Fills @cfg with the defaults: 64×64, seed DS_DEMO_DEFAULT_SEED, masks written, and 960
 * images of which 480 ok, 180 scratch, 180 spot and 120 crack (rare defects, as on a line). */
void        ds_demo_config_init   (DsDemoConfig       *cfg);

/* FALSE with DS_ENGINE_ERROR_INVALID_ARGUMENT when the size or a count is out of range or
 * there are no images at all. */
gboolean    ds_demo_config_check  (const DsDemoConfig *cfg,
                                   GError            **error);

/* The number of images: the sum of the counts. */
guint       ds_demo_total         (const DsDemoConfig *cfg);

/* "ok", "scratch", "spot", "crack": the folder names. Static strings. */
const char *ds_demo_class_name    (DsDemoClass         klass);

/* "metal", "cast", "fabric", "grooves". Static strings. */
const char *ds_demo_texture_name  (DsDemoTexture       texture);

/* Says what image @index (< ds_demo_total()) is. Indices run through the classes in
 * DsDemoClass order: first the ok images, then the scratches, spots and cracks. Within a
 * class the texture families take turns, so no family goes with a class. */
void        ds_demo_describe      (const DsDemoConfig *cfg,
                                   guint               index,
                                   DsDemoInfo         *info);

/* Renders image @index of a valid @cfg (see ds_demo_config_check()) into @pixels, size×size
 * 8-bit gray, row-major. @mask (nullable, same shape) receives 255 where the defect is and 0
 * elsewhere: all zero for an ok image, never empty for a defect image. @class_name (nullable)
 * receives the static class name. Images are independent: any index can be rendered alone,
 * in any order, from any thread.
 * Returns: the class; DS_DEMO_OK (0) means no defect. */
DsDemoClass ds_demo_render        (const DsDemoConfig *cfg,
                                   guint               index,
                                   guint8             *pixels,
                                   guint8             *mask,
                                   const char        **class_name);

/* Renders image @index as it would be without its defect: the same surface, lighting and
 * sensor noise. Equal to ds_demo_render() for an ok image. For tests and for showing a
 * user what the defect changed. */
void        ds_demo_render_clean  (const DsDemoConfig *cfg,
                                   guint               index,
                                   guint8             *pixels);

/* Writes the whole set under @dir (created if missing; existing files of the same names are
 * replaced, atomically):
 *   @dir/<class>/<class>_NNNN.png                   every image, NNNN = index_in_class
 *   @dir/masks/<class>/<class>_NNNN_mask.png        defect images only, when write_masks
 *   @dir/demo.csv                                   file,class,texture,defect_pixels,mask
 * The CSV lists every image (mask empty for ok images), so a caller can tell the defects apart
 * without reading the masks. Note that a class-per-folder reader pointed at @dir sees "masks"
 * as one more class: write with write_masks FALSE for a tree to train on directly.
 * @progress (nullable) is called after each image.
 * Returns: FALSE with @error (DS_ENGINE_ERROR_IO, _INVALID_ARGUMENT or _CANCELLED); files
 * already written stay. */
gboolean    ds_demo_write         (const DsDemoConfig *cfg,
                                   const char         *dir,
                                   DsDemoProgressFunc  progress,
                                   gpointer            user_data,
                                   GError            **error);

G_END_DECLS
