/*
** dip-run.c — the smallest useful C host of libdip: applies a dip filter chain to a binary PGM/PPM
** (8-bit P5/P6) file.
**
**     cc dip-run.c $(pkg-config --cflags --libs dip) -o dip-run
**     ./dip-run "resize --scale 2 ! add-noise --sigma 10" in.ppm out.ppm [seed]
**
** It shows the whole life of a handle: dip_filter_new (reading the message even when it fails),
** dip_filter_set, dip_filter_output_size, dip_filter_run with a progress callback, dip_filter_free.
*/
#include <dip.h>

#include <stdio.h>
#include <stdlib.h>

static int progress(void *user, int step, int total, float loss) {
    (void)user;
    fprintf(stderr, "\rstep %d/%d loss %g   ", step, total, loss);
    return 0; /* non-zero would cancel the run (DIP_CANCELLED) */
}

static unsigned char *read_pnm(const char *path, int *w, int *h, int *channels) {
    FILE *f = fopen(path, "rb");
    char magic[3] = { 0 };
    int maxval = 0;
    unsigned char *pixels = NULL;
    if (f && fscanf(f, "%2s %d %d %d", magic, w, h, &maxval) == 4 && fgetc(f) != EOF && maxval == 255 &&
        (magic[1] == '5' || magic[1] == '6') && *w > 0 && *h > 0) {
        *channels = magic[1] == '5' ? 1 : 3;
        size_t n = (size_t)*w * *h * *channels;
        pixels = malloc(n);
        if (pixels && fread(pixels, 1, n, f) != n) { free(pixels); pixels = NULL; }
    }
    if (f) fclose(f);
    return pixels;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SPEC IN.pnm OUT.pnm [SEED]\n(libdip %s)\n", argv[0], dip_version());
        return 2;
    }
    int w, h, channels;
    unsigned char *in = read_pnm(argv[2], &w, &h, &channels);
    if (!in) { fprintf(stderr, "%s: not an 8-bit binary PGM/PPM\n", argv[2]); return 1; }

    dip_filter *f = NULL;
    int rc = dip_filter_new(argv[1], &f);
    if (rc == DIP_OK && argc > 4) rc = dip_filter_set(f, "seed", argv[4]);
    int ow = 0, oh = 0;
    if (rc == DIP_OK) rc = dip_filter_output_size(f, w, h, &ow, &oh);
    unsigned char *out = rc == DIP_OK ? malloc((size_t)ow * oh * channels) : NULL;
    if (rc == DIP_OK && out) {
        dip_image input = { w, h, channels, DIP_U8, 0, in };
        dip_image output = { ow, oh, channels, DIP_U8, 0, out };
        rc = dip_filter_run(f, &input, 1, &output, progress, NULL);
    }
    if (rc != DIP_OK) {
        fprintf(stderr, "dip-run: %s (%s)\n", dip_filter_errmsg(f), dip_errstr(rc));
    } else {
        FILE *o = fopen(argv[3], "wb");
        if (!o || fprintf(o, "P%c\n%d %d\n255\n", channels == 1 ? '5' : '6', ow, oh) < 0 ||
            fwrite(out, 1, (size_t)ow * oh * channels, o) != (size_t)ow * oh * channels) {
            fprintf(stderr, "dip-run: cannot write %s\n", argv[3]);
            rc = DIP_ERROR;
        }
        if (o && fclose(o) != 0) rc = DIP_ERROR;
    }
    dip_filter_free(f);
    free(in);
    free(out);
    return rc == DIP_OK ? 0 : 1;
}
