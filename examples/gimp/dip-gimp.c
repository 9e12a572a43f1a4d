/*
** dip-gimp.c — a GIMP 2.10 plug-in that runs dip's filters through libdip (dip.h).
**
** Procedures:
**   plug-in-dip-run      (run-mode, image, drawable, spec)   any dip-pipe filter chain, e.g.
**                        "resize --scale 2 ! add-noise --sigma 10"; a chain that needs a mask gets the
**                        selection (see below)
**   plug-in-dip-denoise  (run-mode, image, drawable, <denoise's parameters>)
**   plug-in-dip-inpaint  (run-mode, image, drawable, <inpaint's parameters>)  fills the selection
**   plug-in-dip-sr       (run-mode, image, drawable, <sr's parameters>)       scales the image up
** The named procedures are registered only when libdip provides the filter, and their parameters
** are read from libdip (dip_filter_param_*), so they mirror the filter's declared parameters:
** int -> INT32, number -> FLOAT, bool -> INT32 (0/1), word/text -> STRING ("" = the filter's
** default). An int/number parameter that has no default in dip is left to the filter when given
** as -1. A file parameter (an extra image such as inpaint's mask) is not a PDB argument: the plug-in
** passes the selection instead, as a mask that is white (known) outside it and black (to fill)
** inside.
**
** Pixels go to dip as float, perceptual (sRGB-encoded) R'G'B'(A) or Y'(A), which is what dip's
** filters expect. A filter that changes the size (sr, resize) scales the image (or, if the drawable
** is not the whole image, the layer) first and then writes the result over it, as one undo step.
**
** Interactively, plug-in-dip-run asks for the chain in a dialog; the named procedures run with
** the filter's defaults (no dialog yet).
**
** Build: see README.md (make -C examples/gimp, which uses gimptool-2.0 and pkg-config dip).
*/
#include <dip.h>
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_PROC "plug-in-dip-run"
#define MAX_PARAMS 64

static void query(void);
/* Asks for a chain (interactive plug-in-dip-run), starting from the last one used. Returns a new
** string, or NULL if the user cancelled. */
static char *ask_spec(const char *initial) {
    gimp_ui_init("dip-gimp", FALSE);
    GtkWidget *dialog = gimp_dialog_new("Run dip Filter Chain", "dip-gimp", NULL, 0, gimp_standard_help_func,
                                        RUN_PROC, "_Cancel", GTK_RESPONSE_CANCEL, "_OK", GTK_RESPONSE_OK, NULL);
    GtkWidget *box = gtk_vbox_new(FALSE, 6);
    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(dialog))), box, TRUE, TRUE, 0);
    GtkWidget *label = gtk_label_new("Filter chain, as for dip-pipe (e.g. denoise --sigma 25 ! sr --scale 2):");
    gtk_misc_set_alignment(GTK_MISC(label), 0, 0.5);
    gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
    GtkWidget *entry = gtk_entry_new();
    gtk_entry_set_text(GTK_ENTRY(entry), initial);
    gtk_entry_set_width_chars(GTK_ENTRY(entry), 50);
    gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    gtk_box_pack_start(GTK_BOX(box), entry, FALSE, FALSE, 0);
    gtk_widget_show_all(dialog);
    char *spec = gimp_dialog_run(GIMP_DIALOG(dialog)) == GTK_RESPONSE_OK
               ? g_strdup(gtk_entry_get_text(GTK_ENTRY(entry))) : NULL;
    gtk_widget_destroy(dialog);
    return spec;
}

static void run(const gchar *name, gint nparams, const GimpParam *param, gint *nreturn_vals,
                GimpParam **return_vals);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN()

/* The dip filters that get a procedure of their own, and their menu labels. */
static const struct { const char *filter, *label, *blurb; } named[] = {
    { "denoise", "_Denoise (Deep Image Prior)...", "Remove noise with a Deep Image Prior network" },
    { "inpaint", "_Inpaint Selection (Deep Image Prior)...", "Fill the selection with a Deep Image Prior network" },
    { "sr", "_Super-resolution (Deep Image Prior)...", "Enlarge the image with Deep Image Prior super-resolution" },
};

static int filter_exists(const char *name) {
    for (int i = 0; i < dip_filter_count(); i++)
        if (strcmp(dip_filter_name(i), name) == 0) return 1;
    return 0;
}

static GimpPDBArgType pdb_type(const char *dip_type) {
    if (strcmp(dip_type, "int") == 0 || strcmp(dip_type, "bool") == 0) return GIMP_PDB_INT32;
    if (strcmp(dip_type, "number") == 0) return GIMP_PDB_FLOAT;
    return GIMP_PDB_STRING;
}

static void query(void) {
    static const GimpParamDef base[] = {
        { GIMP_PDB_INT32, "run-mode", "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1) }" },
        { GIMP_PDB_IMAGE, "image", "Input image" },
        { GIMP_PDB_DRAWABLE, "drawable", "Input drawable" },
    };
    static const GimpParamDef ret[] = { { GIMP_PDB_STRING, "error", "Error message, if any" } };
    GimpParamDef args[3 + MAX_PARAMS];
    memcpy(args, base, sizeof base);

    args[3] = (GimpParamDef){ GIMP_PDB_STRING, "spec", "dip-pipe filter chain, e.g. \"resize --scale 2 ! add-noise --sigma 10\"" };
    gimp_install_procedure(RUN_PROC, "Run a dip filter chain", "Runs any chain of dip filters, written as for "
                           "dip-pipe. A chain that needs a mask is given the selection (white outside = known).",
                           "dip", "dip", "2024", "Run dip _Filter Chain...", "RGB*, GRAY*", GIMP_PLUGIN,
                           4, 1, args, ret);
    gimp_plugin_menu_register(RUN_PROC, "<Image>/Filters/Enhance/dip");

    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        const char *f = named[k].filter;
        if (!filter_exists(f)) continue;
        int n = 3;
        for (int i = 0; i < dip_filter_param_count(f) && n < 3 + MAX_PARAMS; i++) {
            const char *type = dip_filter_param_type(f, i);
            if (strcmp(type, "file") == 0) continue;
            char *desc = g_strdup_printf("%s (%s%s%s%s%s)", dip_filter_param_help(f, i), type,
                                         *dip_filter_param_range(f, i) ? " " : "", dip_filter_param_range(f, i),
                                         *dip_filter_param_default(f, i) ? ", default " : ", no default: -1 or \"\"",
                                         dip_filter_param_default(f, i));
            args[n++] = (GimpParamDef){ pdb_type(type), g_strdup(dip_filter_param_name(f, i)), desc };
        }
        char *proc = g_strdup_printf("plug-in-dip-%s", f);
        gimp_install_procedure(proc, named[k].blurb, dip_filter_summary(f), "dip", "dip", "2024",
                               named[k].label, "RGB*, GRAY*", GIMP_PLUGIN, n, 1, args, ret);
        gimp_plugin_menu_register(proc, "<Image>/Filters/Enhance/dip");
        g_free(proc);
    }
}

/* Builds the dip filter for a named procedure from its PDB arguments. */
static int make_named_filter(const char *f, gint nparams, const GimpParam *param, dip_filter **out, char **err) {
    char *spec = g_strdup(f);
    for (int i = 0; i < dip_filter_param_count(f); i++)  /* file parameters come from the selection */
        if (strcmp(dip_filter_param_type(f, i), "file") == 0) {
            char *s = g_strdup_printf("%s --%s gimp-selection", spec, dip_filter_param_name(f, i));
            g_free(spec);
            spec = s;
        }
    int rc = dip_filter_new(spec, out);
    g_free(spec);
    int n = 3;
    for (int i = 0; rc == DIP_OK && i < dip_filter_param_count(f); i++) {
        const char *type = dip_filter_param_type(f, i), *name = dip_filter_param_name(f, i);
        int nodefault = *dip_filter_param_default(f, i) == 0;
        if (strcmp(type, "file") == 0) continue;
        if (n >= nparams) break;
        const GimpParam *p = &param[n++];
        char value[64];
        if (p->type == GIMP_PDB_INT32) {
            if (nodefault && p->data.d_int32 == -1) continue;
            snprintf(value, sizeof value, "%d", p->data.d_int32);
        } else if (p->type == GIMP_PDB_FLOAT) {
            if (nodefault && p->data.d_float == -1) continue;
            snprintf(value, sizeof value, "%.17g", p->data.d_float);
        } else {
            if (!p->data.d_string || !*p->data.d_string) continue;
            rc = dip_filter_set(*out, name, p->data.d_string);
            continue;
        }
        rc = dip_filter_set(*out, name, value);
    }
    if (rc != DIP_OK) *err = g_strdup_printf("dip %s: %s", f, dip_filter_errmsg(*out));
    return rc;
}

static int on_progress(void *user, int step, int total, float loss) {
    (void)user; (void)loss;
    gimp_progress_update(total > 0 ? (gdouble)step / total : 0);
    return 0;
}

/* The selection under the drawable as a dip mask: 1 (known) outside, 0 (to fill) inside. */
static float *selection_mask(gint32 image, gint32 drawable, int w, int h, char **err) {
    if (gimp_selection_is_empty(image)) {
        *err = g_strdup("dip: this filter fills the selection, but nothing is selected");
        return NULL;
    }
    gint ox = 0, oy = 0;
    gimp_drawable_offsets(drawable, &ox, &oy);
    float *mask = g_try_malloc((gsize)w * h * sizeof(float));
    if (!mask) { *err = g_strdup("dip: out of memory for the mask"); return NULL; }
    GeglBuffer *sel = gimp_drawable_get_buffer(gimp_image_get_selection(image));
    gegl_buffer_get(sel, GEGL_RECTANGLE(ox, oy, w, h), 1.0, babl_format("Y float"), mask,
                    GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    g_object_unref(sel);
    for (gsize i = 0; i < (gsize)w * h; i++) mask[i] = mask[i] >= 0.5f ? 0.0f : 1.0f;
    return mask;
}

/* Runs filter f on drawable, in place (resizing first if the filter changes the size). */
static int apply(dip_filter *f, const char *title, gint32 image, gint32 drawable, char **err) {
    if (!gimp_drawable_is_rgb(drawable) && !gimp_drawable_is_gray(drawable)) {
        *err = g_strdup("dip: indexed images are not supported; convert to RGB or grey first");
        return -1;
    }
    int rgb = gimp_drawable_is_rgb(drawable), alpha = gimp_drawable_has_alpha(drawable);
    int ch = (rgb ? 3 : 1) + (alpha ? 1 : 0);
    const Babl *fmt = babl_format(rgb ? (alpha ? "R'G'B'A float" : "R'G'B' float") : (alpha ? "Y'A float" : "Y' float"));
    int w = gimp_drawable_width(drawable), h = gimp_drawable_height(drawable), ow = 0, oh = 0;
    if (dip_filter_output_size(f, w, h, &ow, &oh) != DIP_OK) {
        *err = g_strdup_printf("dip: %s", dip_filter_errmsg(f));
        return -1;
    }
    float *in = g_try_malloc((gsize)w * h * ch * sizeof(float));
    float *out = g_try_malloc((gsize)ow * oh * ch * sizeof(float));
    float *mask = NULL;
    int rc = -1;
    if (!in || !out) { *err = g_strdup("dip: out of memory for the image"); goto done; }
    GeglBuffer *src = gimp_drawable_get_buffer(drawable);
    gegl_buffer_get(src, GEGL_RECTANGLE(0, 0, w, h), 1.0, fmt, in, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    g_object_unref(src);

    dip_image inputs[2] = { { w, h, ch, DIP_F32, 0, in } };
    int n_inputs = dip_filter_inputs(f);
    if (n_inputs == 2) {
        if (!(mask = selection_mask(image, drawable, w, h, err))) goto done;
        inputs[1] = (dip_image){ w, h, 1, DIP_F32, 0, mask };
    } else if (n_inputs != 1) {
        *err = g_strdup_printf("dip: the chain needs %d images; the plug-in supplies the layer and the selection", n_inputs);
        goto done;
    }
    dip_image output = { ow, oh, ch, DIP_F32, 0, out };
    gimp_progress_init(title);
    int status = dip_filter_run(f, inputs, n_inputs, &output, on_progress, NULL);
    if (status != DIP_OK) { *err = g_strdup_printf("dip: %s", dip_filter_errmsg(f)); goto done; }

    gimp_image_undo_group_start(image);
    if (ow != w || oh != h) {
        gint ox = 0, oy = 0;
        gimp_drawable_offsets(drawable, &ox, &oy);
        int iw = gimp_image_width(image), ih = gimp_image_height(image);
        if (ox == 0 && oy == 0 && w == iw && h == ih) gimp_image_scale(image, ow, oh);
        else gimp_layer_scale(drawable, ow, oh, TRUE);
        if (gimp_drawable_width(drawable) != ow || gimp_drawable_height(drawable) != oh) {
            gimp_image_undo_group_end(image);
            *err = g_strdup_printf("dip: could not resize the layer to %dx%d", ow, oh);
            goto done;
        }
    }
    GeglBuffer *dst = gimp_drawable_get_shadow_buffer(drawable);
    gegl_buffer_set(dst, GEGL_RECTANGLE(0, 0, ow, oh), 0, fmt, out, GEGL_AUTO_ROWSTRIDE);
    gegl_buffer_flush(dst);
    g_object_unref(dst);
    gimp_drawable_merge_shadow(drawable, TRUE);
    gimp_drawable_update(drawable, 0, 0, ow, oh);
    gimp_image_undo_group_end(image);
    gimp_progress_update(1.0);
    rc = 0;
done:
    g_free(in); g_free(out); g_free(mask);
    return rc;
}

static void run(const gchar *name, gint nparams, const GimpParam *param, gint *nreturn_vals,
                GimpParam **return_vals) {
    static GimpParam values[2];
    static char *message = NULL;
    *nreturn_vals = 2;
    *return_vals = values;
    values[0].type = GIMP_PDB_STATUS;
    values[0].data.d_status = GIMP_PDB_SUCCESS;
    values[1].type = GIMP_PDB_STRING;
    values[1].data.d_string = "";
    g_free(message);
    message = NULL;
    gegl_init(NULL, NULL);

    char *err = NULL;
    dip_filter *f = NULL;
    GimpRunMode mode = param[0].data.d_int32;
    gint32 image = param[1].data.d_image, drawable = param[2].data.d_drawable;
    const char *title = name;
    int rc;

    if (strcmp(name, RUN_PROC) == 0) {
        const char *spec = nparams > 3 && param[3].data.d_string ? param[3].data.d_string : "";
        static char last[1024];
        static char *asked = NULL;
        if (mode != GIMP_RUN_NONINTERACTIVE && !*spec) {   /* interactive or with last values */
            gint size = gimp_get_data_size(RUN_PROC);
            if (size > 0 && (gsize)size <= sizeof last && gimp_get_data(RUN_PROC, last)) spec = last;
            if (mode == GIMP_RUN_INTERACTIVE) {
                g_free(asked);
                if (!(asked = ask_spec(spec))) {
                    values[0].data.d_status = GIMP_PDB_CANCEL;
                    return;
                }
                spec = asked;
            }
        }
        rc = dip_filter_new(spec, &f);
        if (rc != DIP_OK) err = g_strdup_printf("dip: %s", dip_filter_errmsg(f));
        else if (strlen(spec) < 1024) gimp_set_data(RUN_PROC, spec, strlen(spec) + 1);
        title = spec;
    } else {
        const char *filter = strncmp(name, "plug-in-dip-", 12) == 0 ? name + 12 : name;
        rc = filter_exists(filter) ? make_named_filter(filter, nparams, param, &f, &err) : DIP_BADPARAM;
        if (rc != DIP_OK && !err) err = g_strdup_printf("dip: libdip has no filter %s", filter);
    }
    if (rc == DIP_OK && apply(f, title, image, drawable, &err) == 0 && mode != GIMP_RUN_NONINTERACTIVE)
        gimp_displays_flush();
    dip_filter_free(f);

    if (err) {
        g_printerr("%s\n", err);
        values[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
        values[1].data.d_string = message = err;
    }
}
