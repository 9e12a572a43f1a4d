/*
** gstdip.c — "dipfilter", a GStreamer 1.x video filter running a dip filter chain on every frame:
**     gst-launch-1.0 videotestsrc num-buffers=30 ! video/x-raw,format=RGB,width=96,height=64 \
**         ! dipfilter spec="denoise ! sr --scale 2" ! videoconvert ! autovideosink
** Caps: RGB, RGBx (the padding byte is written opaque) or GRAY8 in and the same format out; the
** output size follows the spec (dip_filter_output_size: "sr --scale 2" doubles it). Every buffer in
** gives one buffer out; a failing frame posts an element error with libdip's message.
** Properties: spec (the chain, in dip-pipe's syntax), seed (0..; as dip-pipe --seed), temporal
** (default true: each frame warm starts from the fit of the one before, as dip-pipe --temporal on;
** a new stream, a seek (flush) or a size change starts fresh), deflicker (default true: a
** restoration's frame is pulled toward the previous one where they agree, as dip-pipe --deflicker on).
*/
#include <dip.h>
#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>
#include <string.h>

#define CAPS GST_VIDEO_CAPS_MAKE("{ RGB, RGBx, GRAY8 }")

typedef struct {
    GstBaseTransform parent;
    gchar *spec;
    guint64 seed;
    gboolean temporal;
    gboolean deflicker;
    dip_filter *filter;          /* built from spec when it is set */
    GstVideoInfo in, out;
    guint8 *packed_in, *packed_out;   /* RGBx frames repacked as RGB for libdip */
} GstDip;

typedef struct { GstBaseTransformClass parent_class; } GstDipClass;

G_DEFINE_TYPE(GstDip, gst_dip, GST_TYPE_BASE_TRANSFORM)

enum { PROP_0, PROP_SPEC, PROP_SEED, PROP_TEMPORAL, PROP_DEFLICKER };

/* (Re)builds the handle from the spec and seed; FALSE with an element error on failure. */
static gboolean rebuild(GstDip *self) {
    if (self->filter) { dip_filter_free(self->filter); self->filter = NULL; }
    dip_filter *f = NULL;
    int rc = dip_filter_new(self->spec ? self->spec : "copy", &f);
    if (rc == DIP_OK) {
        char seed[32];
        g_snprintf(seed, sizeof seed, "%" G_GUINT64_FORMAT, self->seed);
        rc = dip_filter_set(f, "seed", seed);
    }
    if (rc == DIP_OK) rc = dip_filter_set(f, "temporal", self->temporal ? "on" : "off");
    if (rc == DIP_OK) rc = dip_filter_set(f, "deflicker", self->deflicker ? "on" : "off");
    if (rc != DIP_OK) {
        GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS, ("dip: %s", f ? dip_filter_errmsg(f) : "out of memory"), (NULL));
        dip_filter_free(f);
        return FALSE;
    }
    if (dip_filter_inputs(f) != 1) {
        GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS, ("dip: '%s' needs %d images; dipfilter supplies one",
                          self->spec, dip_filter_inputs(f)), (NULL));
        dip_filter_free(f);
        return FALSE;
    }
    self->filter = f;
    return TRUE;
}

static void set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec) {
    GstDip *self = (GstDip *)object;
    switch (id) {
    case PROP_SPEC: g_free(self->spec); self->spec = g_value_dup_string(value); break;
    case PROP_SEED: self->seed = g_value_get_uint64(value); break;
    case PROP_TEMPORAL: self->temporal = g_value_get_boolean(value); break;
    case PROP_DEFLICKER: self->deflicker = g_value_get_boolean(value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec); return;
    }
    rebuild(self);
    gst_base_transform_reconfigure_src(GST_BASE_TRANSFORM(self));
}

static void get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec) {
    GstDip *self = (GstDip *)object;
    switch (id) {
    case PROP_SPEC: g_value_set_string(value, self->spec); break;
    case PROP_SEED: g_value_set_uint64(value, self->seed); break;
    case PROP_TEMPORAL: g_value_set_boolean(value, self->temporal); break;
    case PROP_DEFLICKER: g_value_set_boolean(value, self->deflicker); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

/* Sink caps -> src caps: a fixed size maps through the spec; anything else becomes any size.
** Src caps -> sink caps: any size (the spec need not be invertible; set_caps checks the pair). */
static GstCaps *transform_caps(GstBaseTransform *base, GstPadDirection direction, GstCaps *caps, GstCaps *filter) {
    GstDip *self = (GstDip *)base;
    GstCaps *out = gst_caps_new_empty();
    for (guint i = 0; i < gst_caps_get_size(caps); i++) {
        GstStructure *s = gst_structure_copy(gst_caps_get_structure(caps, i));
        int w, h, ow, oh;
        if (direction == GST_PAD_SINK && self->filter && gst_structure_get_int(s, "width", &w) &&
            gst_structure_get_int(s, "height", &h) && dip_filter_output_size(self->filter, w, h, &ow, &oh) == DIP_OK) {
            gst_structure_set(s, "width", G_TYPE_INT, ow, "height", G_TYPE_INT, oh, NULL);
        } else {
            gst_structure_set(s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
        }
        gst_caps_append_structure(out, s);
    }
    if (filter) {
        GstCaps *both = gst_caps_intersect_full(filter, out, GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref(out);
        out = both;
    }
    return out;
}

/* A bad spec fails the state change here, in the application's thread, before any buffer flows:
** left to caps negotiation, the error was posted from the streaming thread again at each retry,
** and once in a while gst-launch hung shutting the pipeline down. */
static gboolean start(GstBaseTransform *base) {
    GstDip *self = (GstDip *)base;
    return self->filter != NULL || rebuild(self);
}

static gboolean set_caps(GstBaseTransform *base, GstCaps *incaps, GstCaps *outcaps) {
    GstDip *self = (GstDip *)base;
    if (!gst_video_info_from_caps(&self->in, incaps) || !gst_video_info_from_caps(&self->out, outcaps)) return FALSE;
    if (!self->filter && !rebuild(self)) return FALSE;
    int ow, oh;
    if (GST_VIDEO_INFO_FORMAT(&self->in) != GST_VIDEO_INFO_FORMAT(&self->out) ||
        dip_filter_output_size(self->filter, self->in.width, self->in.height, &ow, &oh) != DIP_OK ||
        ow != self->out.width || oh != self->out.height) {
        GST_WARNING_OBJECT(self, "caps %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT " do not match the spec", incaps, outcaps);
        return FALSE;
    }
    g_free(self->packed_in); g_free(self->packed_out);
    self->packed_in = self->packed_out = NULL;
    if (GST_VIDEO_INFO_FORMAT(&self->in) == GST_VIDEO_FORMAT_RGBx) {
        self->packed_in = g_malloc((gsize)self->in.width * self->in.height * 3);
        self->packed_out = g_malloc((gsize)self->out.width * self->out.height * 3);
    }
    return TRUE;
}

/* RGBx rows <-> packed RGB (x written 255 on the way back). */
static void unpad(const guint8 *src, gint stride, guint8 *dst, int w, int h) {
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) memcpy(dst + ((gsize)y * w + x) * 3, src + (gsize)y * stride + x * 4, 3);
}
static void pad(const guint8 *src, guint8 *dst, gint stride, int w, int h) {
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            guint8 *p = dst + (gsize)y * stride + x * 4;
            memcpy(p, src + ((gsize)y * w + x) * 3, 3);
            p[3] = 255;
        }
}

static GstFlowReturn transform(GstBaseTransform *base, GstBuffer *inbuf, GstBuffer *outbuf) {
    GstDip *self = (GstDip *)base;
    GstVideoFrame in, out;
    if (!gst_video_frame_map(&in, &self->in, inbuf, GST_MAP_READ)) return GST_FLOW_ERROR;
    if (!gst_video_frame_map(&out, &self->out, outbuf, GST_MAP_WRITE)) { gst_video_frame_unmap(&in); return GST_FLOW_ERROR; }
    int grey = GST_VIDEO_INFO_FORMAT(&self->in) == GST_VIDEO_FORMAT_GRAY8;
    int iw = self->in.width, ih = self->in.height, ow = self->out.width, oh = self->out.height;
    dip_image src = { iw, ih, grey ? 1 : 3, DIP_U8, (size_t)GST_VIDEO_FRAME_PLANE_STRIDE(&in, 0), GST_VIDEO_FRAME_PLANE_DATA(&in, 0) };
    dip_image dst = { ow, oh, grey ? 1 : 3, DIP_U8, (size_t)GST_VIDEO_FRAME_PLANE_STRIDE(&out, 0), GST_VIDEO_FRAME_PLANE_DATA(&out, 0) };
    if (self->packed_in) {
        unpad(src.pixels, (gint)src.stride, self->packed_in, iw, ih);
        src.pixels = self->packed_in; src.stride = 0;
        dst.pixels = self->packed_out; dst.stride = 0;
    }
    int rc = dip_filter_run(self->filter, &src, 1, &dst, NULL, NULL);
    if (rc == DIP_OK && self->packed_out)
        pad(self->packed_out, GST_VIDEO_FRAME_PLANE_DATA(&out, 0), GST_VIDEO_FRAME_PLANE_STRIDE(&out, 0), ow, oh);
    gst_video_frame_unmap(&in);
    gst_video_frame_unmap(&out);
    if (rc != DIP_OK) {
        GST_ELEMENT_ERROR(self, STREAM, FAILED, ("dip: %s", dip_filter_errmsg(self->filter)), (NULL));
        return GST_FLOW_ERROR;
    }
    return GST_FLOW_OK;
}

/* A new stream or a seek: the next frame does not continue the last one. */
static gboolean sink_event(GstBaseTransform *base, GstEvent *event) {
    GstDip *self = (GstDip *)base;
    GstEventType type = GST_EVENT_TYPE(event);
    if (self->filter && (type == GST_EVENT_FLUSH_STOP || type == GST_EVENT_STREAM_START)) dip_filter_reset(self->filter);
    return GST_BASE_TRANSFORM_CLASS(gst_dip_parent_class)->sink_event(base, event);
}

static void finalize(GObject *object) {
    GstDip *self = (GstDip *)object;
    dip_filter_free(self->filter);
    g_free(self->spec); g_free(self->packed_in); g_free(self->packed_out);
    G_OBJECT_CLASS(gst_dip_parent_class)->finalize(object);
}

static void gst_dip_class_init(GstDipClass *klass) {
    GObjectClass *gobject = G_OBJECT_CLASS(klass);
    GstElementClass *element = GST_ELEMENT_CLASS(klass);
    GstBaseTransformClass *transform_class = GST_BASE_TRANSFORM_CLASS(klass);
    gobject->set_property = set_property;
    gobject->get_property = get_property;
    gobject->finalize = finalize;
    g_object_class_install_property(gobject, PROP_SPEC, g_param_spec_string("spec", "Spec",
        "The dip filter chain, in dip-pipe's syntax (e.g. \"denoise ! sr --scale 2\")", "copy",
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
    g_object_class_install_property(gobject, PROP_SEED, g_param_spec_uint64("seed", "Seed",
        "Seed for every random draw (as dip-pipe --seed)", 0, G_MAXUINT64, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
    g_object_class_install_property(gobject, PROP_TEMPORAL, g_param_spec_boolean("temporal", "Temporal",
        "Warm start each frame from the fit of the one before (as dip-pipe --temporal on)", TRUE,
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
    g_object_class_install_property(gobject, PROP_DEFLICKER, g_param_spec_boolean("deflicker", "Deflicker",
        "Pull a restored frame toward the previous one where they agree (as dip-pipe --deflicker on)", TRUE,
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
    gst_element_class_set_static_metadata(element, "dip filter", "Filter/Effect/Video",
        "Deep Image Prior restoration (libdip) on every frame", "dip developers");
    gst_element_class_add_pad_template(element, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, gst_caps_from_string(CAPS)));
    gst_element_class_add_pad_template(element, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, gst_caps_from_string(CAPS)));
    transform_class->transform_caps = transform_caps;
    transform_class->start = start;
    transform_class->set_caps = set_caps;
    transform_class->transform = transform;
    transform_class->sink_event = sink_event;
    transform_class->passthrough_on_same_caps = FALSE;
}

static void gst_dip_init(GstDip *self) {
    self->spec = g_strdup("copy");
    self->temporal = TRUE;
    self->deflicker = TRUE;
    rebuild(self);
}

static gboolean plugin_init(GstPlugin *plugin) {
    return gst_element_register(plugin, "dipfilter", GST_RANK_NONE, gst_dip_get_type());
}

#define PACKAGE "dip"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, dip, "Deep Image Prior restoration filters (libdip)",
                  plugin_init, DIP_VERSION, "Apache 2.0", "dip", "https://example.invalid/dip")
