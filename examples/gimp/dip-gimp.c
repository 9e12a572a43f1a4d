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
** Run modes. Interactively, plug-in-dip-run asks for the chain in a dialog, and each named procedure
** shows a dialog generated from the same metadata: int/number -> spin button with dip's range (a
** parameter with no default starts at "default", one step below the range: the filter decides),
** bool -> check button, a word from a fixed list ("fast|paper") -> combo box, other words/text ->
** entry, dip's help as tooltips. Every successful set-up is stored (gimp_set_data, keyed by the
** procedure name; the named procedures' values by parameter name). RUN-WITH-LAST-VALS reuses it: the
** named procedures ignore their arguments then, plug-in-dip-run uses the stored chain if given "".
** Dialogs start from the last values, else from the filter's defaults.
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
    { "denoise", "_Denoise (dip)...", "Remove noise with dip (DCT Wiener filtering; a zero-shot net or Deep Image Prior by preset)" },
    { "inpaint", "_Inpaint Selection (dip)...", "Fill the selection with dip (Deep Image Prior; scattered pixels by a sparse DCT fill)" },
    { "sr", "_Super-resolution (dip)...", "Enlarge the image with dip (sparse DCT upscaling; Deep Image Prior by preset)" },
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

/* The values chosen for a named procedure, one string per parameter index of the filter (as text for
** dip_filter_set; "" = leave it to the filter). Text is the common currency of the three run modes
** (PDB arguments, stored last values, the dialog), so each is converted once, at its edge. */
static char **values_new(const char *f) {
    int n = dip_filter_param_count(f);
    char **v = g_new0(char *, n + 1);   /* NULL-terminated, for g_strfreev */
    for (int i = 0; i < n; i++) v[i] = g_strdup("");
    return v;
}

static void value_set(char **v, int i, const char *text) {
    g_free(v[i]);
    v[i] = g_strdup(text);
}

/* Numbers as text for dip: 15 significant digits give back what a script or spin button wrote
** (0.01, not 0.01000000000000000021), and g_ascii_ keeps the '.' whatever locale GTK set. */
static void number_text(char buf[G_ASCII_DTOSTR_BUF_SIZE], double x) {
    g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.15g", x);
}

/* Values from the PDB arguments (non-interactive runs), with the conventions of query(): -1 for an
** int/number that has no default in dip and "" for a word/text mean "the filter's default". */
static void values_from_pdb(const char *f, gint nparams, const GimpParam *param, char **v) {
    int n = 3;
    for (int i = 0; i < dip_filter_param_count(f); i++) {
        const char *type = dip_filter_param_type(f, i);
        int nodefault = *dip_filter_param_default(f, i) == 0;
        if (strcmp(type, "file") == 0) continue;
        if (n >= nparams) break;
        const GimpParam *p = &param[n++];
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        if (strcmp(type, "bool") == 0 && p->type == GIMP_PDB_INT32) {
            value_set(v, i, p->data.d_int32 ? "true" : "false");
        } else if (p->type == GIMP_PDB_INT32) {
            if (nodefault && p->data.d_int32 == -1) continue;
            snprintf(buf, sizeof buf, "%d", p->data.d_int32);
            value_set(v, i, buf);
        } else if (p->type == GIMP_PDB_FLOAT) {
            if (nodefault && p->data.d_float == -1) continue;
            number_text(buf, p->data.d_float);
            value_set(v, i, buf);
        } else if (p->type == GIMP_PDB_STRING && p->data.d_string) {
            value_set(v, i, p->data.d_string);
        }
    }
}

/* Last values are stored by parameter name ("name=value\0name=value\0"), not by position, so values
** saved with one libdip still load after an upgrade that adds, drops or reorders parameters. */
static void values_save(const char *proc, const char *f, char **v) {
    GString *data = g_string_new(NULL);
    for (int i = 0; i < dip_filter_param_count(f); i++) {
        if (strcmp(dip_filter_param_type(f, i), "file") == 0) continue;
        g_string_append_printf(data, "%s=%s", dip_filter_param_name(f, i), v[i]);
        g_string_append_c(data, '\0');
    }
    gimp_set_data(proc, data->str, data->len + 1);
    g_string_free(data, TRUE);
}

/* Loads the values stored by values_save; names the filter no longer has are ignored. */
static void values_load(const char *proc, const char *f, char **v) {
    gint size = gimp_get_data_size(proc);
    if (size <= 0) return;
    char *data = g_malloc0(size + 1);   /* + 1: a NUL even if the stored data lacks one */
    if (gimp_get_data(proc, data)) {
        for (const char *p = data; p < data + size && *p; p += strlen(p) + 1) {
            const char *eq = strchr(p, '=');
            for (int i = 0; eq && i < dip_filter_param_count(f); i++)
                if (strncmp(p, dip_filter_param_name(f, i), eq - p) == 0 && dip_filter_param_name(f, i)[eq - p] == 0 &&
                    strcmp(dip_filter_param_type(f, i), "file") != 0)
                    value_set(v, i, eq + 1);
        }
    }
    g_free(data);
}

/* Builds the dip filter for a named procedure from the chosen values. */
/* DIP_MAX_MEMORY=SIZE in GIMP's environment sets the memory budget (dip-pipe's --max-memory: above
** it a DIP fit works in tiles). */
static int apply_budget(dip_filter *f) {
    const char *budget = getenv("DIP_MAX_MEMORY");
    return budget && *budget ? dip_filter_set(f, "max-memory", budget) : DIP_OK;
}

static int make_named_filter(const char *f, char **v, dip_filter **out, char **err) {
    char *spec = g_strdup(f);
    for (int i = 0; i < dip_filter_param_count(f); i++)  /* file parameters come from the selection */
        if (strcmp(dip_filter_param_type(f, i), "file") == 0) {
            char *s = g_strdup_printf("%s --%s gimp-selection", spec, dip_filter_param_name(f, i));
            g_free(spec);
            spec = s;
        }
    int rc = dip_filter_new(spec, out);
    g_free(spec);
    for (int i = 0; rc == DIP_OK && i < dip_filter_param_count(f); i++)
        if (*v[i] && strcmp(dip_filter_param_type(f, i), "file") != 0)
            rc = dip_filter_set(*out, dip_filter_param_name(f, i), v[i]);
    if (rc == DIP_OK) rc = apply_budget(*out);
    if (rc != DIP_OK) *err = g_strdup_printf("dip %s: %s", f, dip_filter_errmsg(*out));
    return rc;
}

/* --- the dialog of a named procedure, generated from libdip's parameter metadata ------------------ */

/* "1...100" -> 1 and 100. FALSE when RANGE is not of that form (unrestricted, or a list of words). */
static gboolean parse_range(const char *range, double *lo, double *hi) {
    const char *dots = strstr(range, "...");
    char *end;
    if (!dots) return FALSE;
    *lo = g_ascii_strtod(range, &end);
    if (end != dots) return FALSE;
    *hi = g_ascii_strtod(dots + 3, &end);
    return *end == 0 && *lo <= *hi;
}

/* Spin buttons show their value themselves: the lowest value of a spin button for a parameter with
** no default (one step below dip's range) reads "default", and numbers drop trailing zeros, so lr
** shows 0.01 although it needs 7 digits to reach 1e-07. Always '.', as dip expects. */
static gboolean spin_output(GtkSpinButton *spin, gpointer data) {
    GtkAdjustment *adj = gtk_spin_button_get_adjustment(spin);
    int has_none = g_object_get_data(G_OBJECT(spin), "dip-has-none") != NULL;
    double v = gtk_adjustment_get_value(adj);
    char buf[G_ASCII_DTOSTR_BUF_SIZE], fmt[16];
    (void)data;
    if (has_none && v <= gtk_adjustment_get_lower(adj)) {
        g_strlcpy(buf, "default", sizeof buf);
    } else {
        snprintf(fmt, sizeof fmt, "%%.%uf", gtk_spin_button_get_digits(spin));
        g_ascii_formatd(buf, sizeof buf, fmt, v);
        if (strchr(buf, '.')) {
            char *e = buf + strlen(buf) - 1;
            while (*e == '0') *e-- = 0;
            if (*e == '.') *e = 0;
        }
    }
    if (strcmp(buf, gtk_entry_get_text(GTK_ENTRY(spin))) != 0) gtk_entry_set_text(GTK_ENTRY(spin), buf);
    return TRUE;
}

/* Typing "default" (or clearing the field) in such a spin button goes back to the filter's default;
** anything else is parsed by GTK as usual. */
static gint spin_input(GtkSpinButton *spin, gdouble *value, gpointer data) {
    const char *text = gtk_entry_get_text(GTK_ENTRY(spin));
    (void)data;
    if (*text && g_ascii_strcasecmp(text, "default") != 0) return FALSE;
    *value = gtk_adjustment_get_lower(gtk_spin_button_get_adjustment(spin));
    return TRUE;
}

/* An int or number parameter. The range comes from dip; ints are kept to INT32 because that is what
** the PDB can pass (and a 19-digit seed range would make a very wide field). Without a default the
** spin button gets one extra value below the range, shown as "default". */
static GtkWidget *spin_for(const char *type, const char *range, const char *dflt, const char *value) {
    int is_int = strcmp(type, "int") == 0;
    double lo, hi;
    if (!parse_range(range, &lo, &hi)) { lo = is_int ? G_MININT + 1 : -1e9; hi = is_int ? G_MAXINT : 1e9; }
    if (is_int) { lo = MAX(lo, G_MININT + 1); hi = MIN(hi, G_MAXINT); }
    /* Numbers: enough digits to reach the lower bound (1e-07 -> 7); steps of about 1/100 of the range
    ** (lr: 0.01), at most 1 (sigma, max-seconds). */
    guint digits = is_int ? 0 : lo > 0 && lo < 1 ? (guint)MIN(20, ceil(-log10(lo) - 1e-9)) : 3;
    double step = is_int ? 1 : MIN(1, pow(10, floor(log10(hi - lo > 0 ? hi - lo : 1)) - 2));
    int has_none = *dflt == 0;
    double none = lo - step;
    const char *initial = *value ? value : dflt;
    double v = *initial ? g_ascii_strtod(initial, NULL) : none;
    GtkObject *adj = gtk_adjustment_new(v, has_none ? none : lo, hi, step, step * 10, 0);
    GtkWidget *spin = gtk_spin_button_new(GTK_ADJUSTMENT(adj), step, digits);
    gtk_spin_button_set_update_policy(GTK_SPIN_BUTTON(spin), GTK_UPDATE_IF_VALID);
    gtk_entry_set_width_chars(GTK_ENTRY(spin), 10);
    gtk_entry_set_activates_default(GTK_ENTRY(spin), TRUE);   /* Enter means OK, as in GIMP's own dialogs */
    g_object_set_data(G_OBJECT(spin), "dip-has-none", GINT_TO_POINTER(has_none));
    g_signal_connect(spin, "output", G_CALLBACK(spin_output), NULL);
    if (has_none) g_signal_connect(spin, "input", G_CALLBACK(spin_input), NULL);
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), v);
    spin_output(GTK_SPIN_BUTTON(spin), NULL);   /* the first display, before any change */
    return spin;
}

/* A bool with no default starts "inconsistent" (neither on nor off: the filter decides) until the
** user clicks it. */
static void on_toggled(GtkToggleButton *button, gpointer data) {
    (void)data;
    gtk_toggle_button_set_inconsistent(button, FALSE);
}

static GtkWidget *check_for(const char *dflt, const char *value) {
    const char *initial = *value ? value : dflt;
    GtkWidget *check = gtk_check_button_new();
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), strcmp(initial, "true") == 0 || strcmp(initial, "1") == 0);
    gtk_toggle_button_set_inconsistent(GTK_TOGGLE_BUTTON(check), *initial == 0);
    g_signal_connect(check, "toggled", G_CALLBACK(on_toggled), NULL);
    return check;
}

/* A word from a fixed list ("fast|paper"); without a default the first entry is "(default)". */
static GtkWidget *combo_for(const char *range, const char *dflt, const char *value) {
    const char *initial = *value ? value : dflt;
    GtkWidget *combo = gtk_combo_box_text_new();
    char **words = g_strsplit(range, "|", -1);
    int first = *dflt == 0, active = 0;
    if (first) gtk_combo_box_text_append_text(GTK_COMBO_BOX_TEXT(combo), "(default)");
    for (int j = 0; words[j]; j++) {
        gtk_combo_box_text_append_text(GTK_COMBO_BOX_TEXT(combo), words[j]);
        if (strcmp(words[j], initial) == 0) active = first + j;
    }
    gtk_combo_box_set_active(GTK_COMBO_BOX(combo), active);
    g_object_set_data(G_OBJECT(combo), "dip-has-none", GINT_TO_POINTER(first));
    g_strfreev(words);
    return combo;
}

/* The widget for parameter i of filter f, showing VALUE ("" = the filter's default). */
static GtkWidget *widget_for(const char *f, int i, const char *value) {
    const char *type = dip_filter_param_type(f, i), *range = dip_filter_param_range(f, i);
    const char *dflt = dip_filter_param_default(f, i);
    if (strcmp(type, "int") == 0 || strcmp(type, "number") == 0) return spin_for(type, range, dflt, value);
    if (strcmp(type, "bool") == 0) return check_for(dflt, value);
    if (strcmp(type, "word") == 0 && strchr(range, '|')) return combo_for(range, dflt, value);
    GtkWidget *entry = gtk_entry_new();   /* text, or a word dip does not list: typed as on the command line */
    gtk_entry_set_text(GTK_ENTRY(entry), *value ? value : dflt);
    gtk_entry_set_activates_default(GTK_ENTRY(entry), TRUE);
    return entry;
}

/* The value a widget of widget_for shows, as text for dip_filter_set ("" = the filter's default). */
static char *widget_value(GtkWidget *w) {
    if (GTK_IS_SPIN_BUTTON(w)) {   /* before GTK_IS_ENTRY: a spin button is an entry */
        GtkSpinButton *spin = GTK_SPIN_BUTTON(w);
        gtk_spin_button_update(spin);   /* takes a value typed but not yet confirmed with Enter or Tab */
        double v = gtk_spin_button_get_value(spin);
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        GtkAdjustment *adj = gtk_spin_button_get_adjustment(spin);
        if (g_object_get_data(G_OBJECT(w), "dip-has-none") && v <= gtk_adjustment_get_lower(adj)) return g_strdup("");
        if (gtk_spin_button_get_digits(spin) == 0) snprintf(buf, sizeof buf, "%.0f", v);
        else number_text(buf, v);
        return g_strdup(buf);
    }
    if (GTK_IS_TOGGLE_BUTTON(w))
        return g_strdup(gtk_toggle_button_get_inconsistent(GTK_TOGGLE_BUTTON(w)) ? ""
                        : gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(w)) ? "true" : "false");
    if (GTK_IS_COMBO_BOX_TEXT(w)) {
        if (g_object_get_data(G_OBJECT(w), "dip-has-none") && gtk_combo_box_get_active(GTK_COMBO_BOX(w)) <= 0)
            return g_strdup("");
        char *word = gtk_combo_box_text_get_active_text(GTK_COMBO_BOX_TEXT(w));
        return word ? word : g_strdup("");
    }
    return g_strdup(gtk_entry_get_text(GTK_ENTRY(w)));
}

/* A parameter's row label in words, from the first clause of its help ("Adam learning rate (...)"
** -> "_Adam learning rate:"), at most 32 characters cut at a word; the name ("max-seconds" ->
** "_Max seconds:") when the help gives nothing usable. */
static char *row_label(const char *name, const char *help) {
    size_t n = strcspn(help ? help : "", "(,:;=");
    while (n > 0 && help[n - 1] == ' ') n--;
    if (n > 32) {
        n = 32;
        while (n > 0 && help[n] != ' ') n--;
    }
    char *label = n >= 3 ? g_strdup_printf("_%.*s:", (int)n, help) : g_strdup_printf("_%s:", name);
    if (n < 3) g_strdelimit(label + 1, "-", ' ');
    label[1] = g_ascii_toupper(label[1]);
    return label;
}

/* What an empty field stands for, in words, from the "(default: ...)" libdip appends to the help
** of a parameter whose default is decided at run time ("estimated from the image"), or NULL. */
static char *default_note(const char *help) {
    const char *p = help ? strstr(help, "(default: ") : NULL;
    if (!p) return NULL;
    p += strlen("(default: ");
    size_t n = strlen(p);
    if (n > 0 && p[n - 1] == ')') n--;
    return n > 48 ? g_strdup_printf("default: %.45s...", p) : g_strdup_printf("default: %.*s", (int)n, p);
}

/* "_Denoise (dip)..." -> "Denoise (dip)": a menu label as a dialog title. */
static char *menu_title(const char *label) {
    char *title = g_strdup(label), *w = title;
    for (const char *r = label; *r; r++)
        if (*r != '_') *w++ = *r;
    *w = 0;
    if (g_str_has_suffix(title, "...")) title[strlen(title) - 3] = 0;
    return title;
}

/* Asks for the parameters of filter f (interactive plug-in-dip-FILTER): a row per parameter, built
** from libdip's metadata so the dialog follows the filter, starting from V (the last values) and
** writing the choice back into V. Returns FALSE if the user cancelled. */
static gboolean ask_params(const char *proc, const char *title, const char *f, char **v) {
    int n = dip_filter_param_count(f);
    GtkWidget **widgets = g_new0(GtkWidget *, n);
    gimp_ui_init("dip-gimp", FALSE);
    GtkWidget *dialog = gimp_dialog_new(title, "dip-gimp", NULL, 0, gimp_standard_help_func, proc,
                                        "_Cancel", GTK_RESPONSE_CANCEL, "_OK", GTK_RESPONSE_OK, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
    GtkWidget *box = gtk_vbox_new(FALSE, 12);
    gtk_container_set_border_width(GTK_CONTAINER(box), 12);
    gtk_box_pack_start(GTK_BOX(gtk_dialog_get_content_area(GTK_DIALOG(dialog))), box, TRUE, TRUE, 0);
    char *about = g_markup_printf_escaped("%s.\n<small>Point at a parameter for its description; \"default\" leaves "
                                  "it to the filter (often to the preset).</small>", dip_filter_summary(f));
    GtkWidget *label = gtk_label_new(NULL);
    gtk_label_set_markup(GTK_LABEL(label), about);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_misc_set_alignment(GTK_MISC(label), 0, 0.5);
    gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);
    g_free(about);

    GtkWidget *table = gtk_table_new(n > 0 ? n : 1, 3, FALSE);
    gtk_table_set_row_spacings(GTK_TABLE(table), 6);
    gtk_table_set_col_spacings(GTK_TABLE(table), 12);
    gtk_box_pack_start(GTK_BOX(box), table, FALSE, FALSE, 0);
    for (int i = 0; i < n; i++) {
        const char *help = dip_filter_param_help(f, i);
        char *text = row_label(dip_filter_param_name(f, i), help);
        GtkWidget *row, *w;
        if (strcmp(dip_filter_param_type(f, i), "file") == 0) {   /* an extra image: the selection */
            row = gtk_label_new(text + 1);   /* nothing to focus, so no mnemonic */
            w = gtk_label_new("the selection (white outside = keep, inside = fill)");
            gtk_misc_set_alignment(GTK_MISC(w), 0, 0.5);
        } else {
            row = gtk_label_new_with_mnemonic(text);
            w = widgets[i] = widget_for(f, i, v[i]);
            gtk_label_set_mnemonic_widget(GTK_LABEL(row), w);
        }
        g_free(text);
        gtk_misc_set_alignment(GTK_MISC(row), 0, 0.5);
        gtk_widget_set_tooltip_text(row, help);
        gtk_widget_set_tooltip_text(w, help);
        gtk_table_attach(GTK_TABLE(table), row, 0, 1, i, i + 1, GTK_FILL, GTK_FILL, 0, 0);
        gtk_table_attach(GTK_TABLE(table), w, 1, 2, i, i + 1, GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
        char *note = *dip_filter_param_default(f, i) ? NULL : default_note(help);
        if (note) {   /* what "default" in the field means, beside it */
            GtkWidget *hint = gtk_label_new(note);
            gtk_misc_set_alignment(GTK_MISC(hint), 0, 0.5);
            gtk_widget_set_sensitive(hint, FALSE);   /* greyed: a remark, not a control */
            gtk_table_attach(GTK_TABLE(table), hint, 2, 3, i, i + 1, GTK_FILL, GTK_FILL, 0, 0);
            g_free(note);
        }
    }
    gtk_widget_show_all(dialog);
    gboolean ok = gimp_dialog_run(GIMP_DIALOG(dialog)) == GTK_RESPONSE_OK;
    for (int i = 0; ok && i < n; i++)
        if (widgets[i]) { g_free(v[i]); v[i] = widget_value(widgets[i]); }
    gtk_widget_destroy(dialog);
    g_free(widgets);
    return ok;
}

/* What the progress text needs: the title it starts from and when the run started. */
struct progress_state { const char *title; gint64 start_us; };

/* "Denoise (dip): step 120 of 300, 0:18 left" in GIMP's progress bar, the ETA from the mean step
** time so far; the text is set at most once a second (each call redraws the status bar). */
static int on_progress(void *user, int step, int total, float loss) {
    (void)loss;
    struct progress_state *p = user;
    gimp_progress_update(total > 0 ? (gdouble)step / total : 0);
    static gint64 last_text_us;
    gint64 now = g_get_monotonic_time();
    if (p && step > 0 && total > 0 && (now - last_text_us >= G_USEC_PER_SEC || step == total)) {
        last_text_us = now;
        double left = (double)(now - p->start_us) / G_USEC_PER_SEC / step * (total - step);
        int s = (int)(left + 0.5);
        char *text = s >= 3600
            ? g_strdup_printf("%s: step %d of %d, %d:%02d:%02d left", p->title, step, total, s / 3600, s / 60 % 60, s % 60)
            : g_strdup_printf("%s: step %d of %d, %d:%02d left", p->title, step, total, s / 60, s % 60);
        gimp_progress_set_text(text);
        g_free(text);
    }
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
    struct progress_state progress = { title, g_get_monotonic_time() };
    int status = dip_filter_run(f, inputs, n_inputs, &output, on_progress, &progress);
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
        if (rc == DIP_OK) rc = apply_budget(f);
        if (rc != DIP_OK) err = g_strdup_printf("dip: %s", dip_filter_errmsg(f));
        else if (strlen(spec) < 1024) gimp_set_data(RUN_PROC, spec, strlen(spec) + 1);
        title = spec;
    } else {
        const char *filter = strncmp(name, "plug-in-dip-", 12) == 0 ? name + 12 : name;
        size_t k = 0;
        while (k < sizeof named / sizeof named[0] && strcmp(named[k].filter, filter) != 0) k++;
        if (k == sizeof named / sizeof named[0] || !filter_exists(filter)) {
            err = g_strdup_printf("dip: libdip has no filter %s", filter);
            rc = DIP_BADPARAM;
        } else {
            char **v = values_new(filter);
            if (mode == GIMP_RUN_NONINTERACTIVE) {
                values_from_pdb(filter, nparams, param, v);
            } else {   /* interactive or with last values: start from the last values (else the defaults) */
                values_load(name, filter, v);
                char *dialog_title = menu_title(named[k].label);
                gboolean ok = mode != GIMP_RUN_INTERACTIVE || ask_params(name, dialog_title, filter, v);
                g_free(dialog_title);
                if (!ok) {
                    g_strfreev(v);
                    values[0].data.d_status = GIMP_PDB_CANCEL;
                    return;
                }
            }
            rc = make_named_filter(filter, v, &f, &err);
            if (rc == DIP_OK) values_save(name, filter, v);   /* in every mode, as plug-in-dip-run does */
            g_strfreev(v);
        }
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
