/*
** dip-im.c — an ImageMagick 6 image filter module ("-process") that runs dip's filters in-process
** through libdip (dip.h):
**
**     convert in.png -process "dip denoise --sigma 25" out.png
**     convert in.png -process "dip resize --scale 2 ! add-noise --sigma 10" out.png
**     convert in.png mask.png -process "dip inpaint --mask input2" out.png
**
** Everything after "dip" is a filter chain in dip-pipe's syntax ("dip=CHAIN" works too). If the
** chain needs extra images (an inpainting mask, a flash photo: see dip_filter_inputs), the image list
** is taken in groups: each image is followed by its extra images, and each group is replaced by the
** result. Pixels are exported as float samples of the image's own channels (RGB or grey, plus alpha
** if it has one), which is what dip's filters expect; a filter that changes the size (sr, resize)
** replaces the image with one of the new size. Errors are reported as FilterError exceptions
** ("convert: dip: ..."), and the image is left unchanged. `-define dip:max-memory=2G` sets the
** memory budget (dip-pipe's --max-memory: above it a DIP fit works in tiles). ImageMagick's progress monitor is fed
** from dip's progress callback, so a monitor that returns false cancels the run.
**
** Build: see README.md (cc -shared -fPIC ... $(pkg-config --cflags --libs MagickCore dip)). The
** module must sit beside a libtool file dip.la (one line: dlname='dip.so') in a directory on
** MAGICK_CODER_FILTER_PATH.
*/
#include <dip.h>
#include <magick/MagickCore.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ModuleExport size_t dipImage(Image **images, const int argc, const char **argv, ExceptionInfo *exception);

/* Rebuilds the chain text from argv, quoting each token so dip's tokenizer splits it back the same
** way. A single argument (from "dip=CHAIN" or a quoted chain) is used as written. */
static char *chain_spec(int argc, const char **argv) {
    if (argc == 1) return strdup(argv[0]);
    size_t length = 1;
    for (int i = 0; i < argc; i++) length += 3 + 4 * strlen(argv[i]);
    char *spec = malloc(length), *p = spec;
    if (!spec) return NULL;
    for (int i = 0; i < argc; i++) {
        if (i) *p++ = ' ';
        *p++ = '\'';
        for (const char *c = argv[i]; *c; c++) {
            if (*c == '\'') { memcpy(p, "'\\''", 4); p += 4; } else *p++ = *c;
        }
        *p++ = '\'';
    }
    *p = 0;
    return spec;
}

struct monitor { Image *image; };

static int on_progress(void *user, int step, int total, float loss) {
    struct monitor *m = user;
    (void)loss;
    if (m->image->progress_monitor == NULL) return 0;
    return SetImageProgress(m->image, "dip/Image", step, (MagickSizeType)total) == MagickFalse;
}

/* The map string for ExportImagePixels/ImportImagePixels: grey or RGB, with alpha if present. */
static const char *pixel_map(const Image *image, int *channels) {
    int grey = image->colorspace == GRAYColorspace || image->colorspace == Rec601LumaColorspace ||
               image->colorspace == Rec709LumaColorspace;
    int alpha = image->matte != MagickFalse;
    *channels = (grey ? 1 : 3) + alpha;
    return grey ? (alpha ? "IA" : "I") : (alpha ? "RGBA" : "RGB");
}

static float *export_pixels(Image *image, const char *map, int channels, ExceptionInfo *exception) {
    size_t n = image->columns * image->rows * (size_t)channels;
    float *pixels = malloc(n * sizeof(float));
    if (pixels && ExportImagePixels(image, 0, 0, image->columns, image->rows, map, FloatPixel, pixels,
                                    exception) == MagickFalse) {
        free(pixels);
        return NULL;
    }
    return pixels;
}

/* Runs f on group[0] with group[1..] as extra inputs; returns the new image or NULL (exception set). */
static Image *run_group(dip_filter *f, Image **group, int n, ExceptionInfo *exception) {
    Image *image = group[0], *result = NULL;
    int channels, ow = 0, oh = 0;
    const char *map = pixel_map(image, &channels);
    dip_image inputs[8];
    float *buffers[8] = { 0 }, *out = NULL;
    if (dip_filter_output_size(f, (int)image->columns, (int)image->rows, &ow, &oh) != DIP_OK) {
        ThrowMagickException(exception, GetMagickModule(), FilterError, "dip", "%s", dip_filter_errmsg(f));
        return NULL;
    }
    for (int k = 0; k < n; k++) {
        int ch;
        const char *m = k == 0 ? map : pixel_map(group[k], &ch);
        if (k == 0) ch = channels;
        if (!(buffers[k] = export_pixels(group[k], m, ch, exception))) goto done;
        inputs[k] = (dip_image){ (int)group[k]->columns, (int)group[k]->rows, ch, DIP_F32, 0, buffers[k] };
    }
    out = malloc((size_t)ow * oh * channels * sizeof(float));
    if (!out) {
        ThrowMagickException(exception, GetMagickModule(), ResourceLimitError, "dip", "out of memory for %dx%d", ow, oh);
        goto done;
    }
    dip_image output = { ow, oh, channels, DIP_F32, 0, out };
    struct monitor m = { image };
    if (dip_filter_run(f, inputs, n, &output, on_progress, &m) != DIP_OK) {
        ThrowMagickException(exception, GetMagickModule(), FilterError, "dip", "%s", dip_filter_errmsg(f));
        goto done;
    }
    /* A new, detached image: the input list stays untouched until every group has succeeded. */
    result = CloneImage(image, (size_t)ow, (size_t)oh, MagickTrue, exception);
    if (result && (SetImageStorageClass(result, DirectClass) == MagickFalse ||
                   ImportImagePixels(result, 0, 0, (size_t)ow, (size_t)oh, map, FloatPixel, out) == MagickFalse)) {
        ThrowMagickException(exception, GetMagickModule(), FilterError, "dip", "could not store the result");
        DestroyImage(result);
        result = NULL;
    }
done:
    for (int k = 0; k < n; k++) free(buffers[k]);
    free(out);
    return result;
}

ModuleExport size_t dipImage(Image **images, const int argc, const char **argv, ExceptionInfo *exception) {
    if (images == NULL || *images == NULL) return MagickImageFilterSignature;
    if (argc < 1) {
        ThrowMagickException(exception, GetMagickModule(), OptionError, "dip",
                             "no filter given: -process \"dip FILTER [--param value]... [! FILTER ...]\"");
        return MagickImageFilterSignature;
    }
    char *spec = chain_spec(argc, argv);
    dip_filter *f = NULL;
    if (!spec || dip_filter_new(spec, &f) != DIP_OK) {
        ThrowMagickException(exception, GetMagickModule(), OptionError, "dip", "%s",
                             spec ? dip_filter_errmsg(f) : "out of memory");
        dip_filter_free(f);
        free(spec);
        return MagickImageFilterSignature;
    }
    free(spec);
    /* -define dip:max-memory=SIZE: the memory budget (dip-pipe's --max-memory); above it a DIP
    ** fit works in tiles, below its smallest tile the run fails with dip's message. */
    const char *budget = GetImageArtifact(*images, "dip:max-memory");
    if (budget != NULL && dip_filter_set(f, "max-memory", budget) != DIP_OK) {
        ThrowMagickException(exception, GetMagickModule(), OptionError, "dip", "-define dip:max-memory: %s",
                             dip_filter_errmsg(f));
        dip_filter_free(f);
        return MagickImageFilterSignature;
    }
    int n = dip_filter_inputs(f);
    if (n < 1 || n > 8 || GetImageListLength(*images) % (size_t)n != 0) {
        ThrowMagickException(exception, GetMagickModule(), OptionError, "dip",
                             "this chain takes %d images per result (the image, then its extra inputs), "
                             "but %lu images were given", n, (unsigned long)GetImageListLength(*images));
        dip_filter_free(f);
        return MagickImageFilterSignature;
    }
    Image *first = GetFirstImageInList(*images), *image = first;
    Image *results = NULL;
    while (image != NULL) {
        Image *group[8];
        for (int k = 0; k < n; k++) { group[k] = image; image = GetNextImageInList(image); }
        Image *result = run_group(f, group, n, exception);
        if (result == NULL) { results = DestroyImageList(results); break; }
        AppendImageToList(&results, result);
    }
    if (results != NULL) {
        DestroyImageList(first);
        *images = results;
    }
    dip_filter_free(f);
    return MagickImageFilterSignature;
}
