/* ds-sample-gallery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ds-sample-gallery.h"

struct _DsSampleGallery
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkLabel     *title;
  DsSampleGrid *grid;
  GPtrArray    *sets;       /* DsSampleSet, oldest first */
  guint         position;   /* 1-based, 0 when empty */
};

enum {
  PROP_0,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DsSampleGallery, ds_sample_gallery, GTK_TYPE_WIDGET)

GtkWidget *
ds_sample_gallery_new (void)
{
  return g_object_new (DS_TYPE_SAMPLE_GALLERY, NULL);
}

static void
update (DsSampleGallery *self)
{
  guint n = self->sets->len;
  DsSampleSet *shown = ds_sample_gallery_get_shown (self);
  g_autofree char *text = NULL;

  if (shown != NULL)
    text = g_strdup_printf ("Epoch %u of %u", shown->epoch,
                            ((DsSampleSet *) g_ptr_array_index (self->sets, n - 1))->epoch);
  gtk_label_set_text (self->title, text != NULL ? text : "No samples yet");
  ds_sample_grid_set_samples (self->grid, shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.previous", self->position > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.next",
                                 self->position > 0 && self->position < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "gallery.latest",
                                 self->position > 0 && self->position < n);
}

void
ds_sample_gallery_set_position (DsSampleGallery *self,
                                guint            position)
{
  g_return_if_fail (DS_IS_SAMPLE_GALLERY (self));

  position = self->sets->len == 0 ? 0 : CLAMP (position, 1, self->sets->len);
  if (position == self->position)
    return;
  self->position = position;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

guint
ds_sample_gallery_get_position (DsSampleGallery *self)
{
  return self->position;
}

void
ds_sample_gallery_clear (DsSampleGallery *self)
{
  g_return_if_fail (DS_IS_SAMPLE_GALLERY (self));

  g_ptr_array_set_size (self->sets, 0);
  ds_sample_grid_unselect_all (self->grid);
  self->position = 0;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

void
ds_sample_gallery_add (DsSampleGallery *self,
                       DsSampleSet     *set)
{
  gboolean following;

  g_return_if_fail (DS_IS_SAMPLE_GALLERY (self));
  g_return_if_fail (set != NULL);

  following = self->position == self->sets->len;
  g_ptr_array_add (self->sets, ds_sample_set_ref (set));
  if (following)
    ds_sample_gallery_set_position (self, self->sets->len);
  else
    update (self);
}

guint
ds_sample_gallery_get_n_sets (DsSampleGallery *self)
{
  return self->sets->len;
}

DsSampleSet *
ds_sample_gallery_get_shown (DsSampleGallery *self)
{
  return self->position > 0 ? g_ptr_array_index (self->sets, self->position - 1) : NULL;
}

DsSampleGrid *
ds_sample_gallery_get_grid (DsSampleGallery *self)
{
  return self->grid;
}

const char *
ds_sample_gallery_get_title (DsSampleGallery *self)
{
  return gtk_label_get_text (self->title);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DsSampleGallery *self = DS_SAMPLE_GALLERY (widget);

  if (g_str_equal (action_name, "gallery.previous") && self->position > 1)
    ds_sample_gallery_set_position (self, self->position - 1);
  else if (g_str_equal (action_name, "gallery.next"))
    ds_sample_gallery_set_position (self, self->position + 1);
  else if (g_str_equal (action_name, "gallery.latest"))
    ds_sample_gallery_set_position (self, self->sets->len);
}

static GtkWidget *
icon_button (const char *icon,
             const char *action,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
ds_sample_gallery_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DsSampleGallery *self = DS_SAMPLE_GALLERY (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_sample_gallery_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DsSampleGallery *self = DS_SAMPLE_GALLERY (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      ds_sample_gallery_set_position (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_sample_gallery_dispose (GObject *object)
{
  DsSampleGallery *self = DS_SAMPLE_GALLERY (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->sets, g_ptr_array_unref);

  G_OBJECT_CLASS (ds_sample_gallery_parent_class)->dispose (object);
}

static void
ds_sample_gallery_class_init (DsSampleGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_sample_gallery_dispose;
  object_class->get_property = ds_sample_gallery_get_property;
  object_class->set_property = ds_sample_gallery_set_property;

  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "samplegallery");
  gtk_widget_class_install_action (widget_class, "gallery.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "gallery.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "gallery.latest", NULL, step_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "gallery.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "gallery.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, GDK_ALT_MASK,
                                       "gallery.latest", NULL);
}

static void
ds_sample_gallery_init (DsSampleGallery *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *latest;

  self->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) ds_sample_set_unref);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_box_append (GTK_BOX (header),
                  icon_button ("go-previous-symbolic", "gallery.previous",
                               "The samples of the epoch before (Alt+Left)"));
  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (self->title, 16);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "numeric");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (header),
                  icon_button ("go-next-symbolic", "gallery.next",
                               "The samples of the epoch after (Alt+Right)"));
  latest = gtk_button_new_with_mnemonic ("Lat_est");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (latest), "gallery.latest");
  gtk_widget_set_tooltip_text (latest, "Back to the newest samples, and follow them (Alt+End)");
  gtk_widget_add_css_class (latest, "flat");
  gtk_box_append (GTK_BOX (header), latest);
  gtk_box_append (GTK_BOX (self->box), header);

  self->grid = DS_SAMPLE_GRID (ds_sample_grid_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->grid), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->grid), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->grid),
                               "The same latent vectors every epoch. Click, Ctrl+click or "
                               "Shift+click to select; Ctrl+A selects all");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->grid));
  update (self);
}
