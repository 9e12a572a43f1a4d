/*
** scm_args.c — prints the Script-Fu arguments of plug-in-dip-FILTER (the GIMP plug-in mirrors the
** filter's non-file parameters, in order) from libdip's own parameter descriptions, so the GIMP test
** follows the filters as they change. Usage: scm_args FILTER [name=value]... ; defaults are used
** for parameters not given (-1 / "" where dip declares none). Exits 3 if libdip has no FILTER.
** With --cli first, prints instead only the given name=value pairs that FILTER declares, as
** dip-pipe options ("--name value"), so tests can shorten runs without knowing every filter's names.
*/
#include <dip.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    int cli = argc > 1 && strcmp(argv[1], "--cli") == 0;
    argv += cli;
    argc -= cli;
    if (argc < 2) return 2;
    const char *f = argv[1];
    int n = dip_filter_param_count(f);
    if (n < 0) return 3;
    if (cli) {
        for (int a = 2; a < argc; a++) {
            const char *eq = strchr(argv[a], '=');
            for (int i = 0; eq && i < n; i++)
                if (strlen(dip_filter_param_name(f, i)) == (size_t)(eq - argv[a]) &&
                    strncmp(argv[a], dip_filter_param_name(f, i), (size_t)(eq - argv[a])) == 0)
                    printf(" --%s %s", dip_filter_param_name(f, i), eq + 1);
        }
        printf("\n");
        return 0;
    }
    for (int i = 0; i < n; i++) {
        const char *name = dip_filter_param_name(f, i), *type = dip_filter_param_type(f, i);
        const char *value = dip_filter_param_default(f, i);
        if (strcmp(type, "file") == 0) continue;
        for (int a = 2; a < argc; a++) {
            size_t len = strlen(name);
            if (strncmp(argv[a], name, len) == 0 && argv[a][len] == '=') value = argv[a] + len + 1;
        }
        if (strcmp(type, "int") == 0 || strcmp(type, "number") == 0)
            printf(" %s", *value ? value : "-1");
        else if (strcmp(type, "bool") == 0)
            printf(" %d", strcmp(value, "true") == 0 || strcmp(value, "1") == 0);
        else
            printf(" \"%s\"", value);
    }
    printf("\n");
    return 0;
}
