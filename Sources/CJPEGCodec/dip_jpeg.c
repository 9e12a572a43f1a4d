// Whole-image JPEG decode/encode for dip, in C because libjpeg reports fatal errors through
// error_exit, which must not return: it longjmps back into the C function that called libjpeg, so no
// Swift frame is skipped. Messages are formatted into the caller's buffer; nothing is printed.
// Warnings (corrupt data, premature end of file) are treated as errors: a damaged JPEG is rejected
// rather than silently decoded with grey blocks.
#include "dip_jpeg.h"

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    size_t messageSize;
    unsigned char *memOut;     // jpeg_mem_dest's buffer; lives here so it survives a longjmp
    unsigned long memSize;
} dip_jpeg_error;

static void dip_jpeg_error_exit(j_common_ptr cinfo) {
    dip_jpeg_error *err = (dip_jpeg_error *)cinfo->err;
    char buffer[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, buffer);
    snprintf(err->message, err->messageSize, "%s", buffer);
    longjmp(err->jump, 1);
}

static void dip_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) dip_jpeg_error_exit(cinfo);  // a warning means corrupt or truncated data
}

static void dip_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void dip_jpeg_install_errors(dip_jpeg_error *err, char *message, size_t messageSize) {
    jpeg_std_error(&err->base);
    err->base.error_exit = dip_jpeg_error_exit;
    err->base.emit_message = dip_jpeg_emit_message;
    err->base.output_message = dip_jpeg_output_message;
    err->message = message;
    err->messageSize = messageSize;
    err->memOut = NULL;
    err->memSize = 0;
}

int dip_jpeg_decode(const unsigned char *data, size_t size, uint64_t maxPixels,
                    dip_jpeg_image *result, char *message, size_t messageSize) {
    struct jpeg_decompress_struct cinfo;
    dip_jpeg_error err;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile cmykRow = NULL;
    volatile int status = 1;
    memset(result, 0, sizeof *result);
    memset(&cinfo, 0, sizeof cinfo);
    if (size == 0) { snprintf(message, messageSize, "empty JPEG data"); return 1; }
    dip_jpeg_install_errors(&err, message, messageSize);
    cinfo.err = &err.base;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmykRow);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    uint64_t width = cinfo.image_width, height = cinfo.image_height;
    if (width == 0 || height == 0) {
        snprintf(message, messageSize, "image has zero width or height");
        longjmp(err.jump, 1);
    }
    if (width * height > maxPixels) {
        status = 2;
        snprintf(message, messageSize, "image is %llux%llu, more than the limit of %llu pixels",
                 (unsigned long long)width, (unsigned long long)height,
                 (unsigned long long)maxPixels);
        longjmp(err.jump, 1);
    }
    int cmyk = 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK: case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; cmyk = 1; break;
    default: cinfo.out_color_space = JCS_RGB; break;
    }
    jpeg_start_decompress(&cinfo);
    int channels = cmyk ? 3 : cinfo.output_components;
    size_t rowBytes = (size_t)cinfo.output_width * (size_t)channels;
    pixels = (unsigned char *)malloc(rowBytes * cinfo.output_height);
    if (cmyk) cmykRow = (unsigned char *)malloc((size_t)cinfo.output_width * 4);
    if (!pixels || (cmyk && !cmykRow)) {
        snprintf(message, messageSize, "out of memory");
        longjmp(err.jump, 1);
    }
    int inverted = cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < cinfo.output_height) {
        unsigned char *row = pixels + (size_t)cinfo.output_scanline * rowBytes;
        JSAMPROW target = cmyk ? cmykRow : row;
        if (jpeg_read_scanlines(&cinfo, &target, 1) != 1) {
            snprintf(message, messageSize, "truncated JPEG data");
            longjmp(err.jump, 1);
        }
        if (cmyk) {
            for (JDIMENSION x = 0; x < cinfo.output_width; x++) {
                unsigned c = cmykRow[4 * x], m = cmykRow[4 * x + 1], y = cmykRow[4 * x + 2],
                         k = cmykRow[4 * x + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                row[3 * x] = (unsigned char)((c * k + 127) / 255);
                row[3 * x + 1] = (unsigned char)((m * k + 127) / 255);
                row[3 * x + 2] = (unsigned char)((y * k + 127) / 255);
            }
        }
    }
    jpeg_finish_decompress(&cinfo);
    result->width = cinfo.output_width;
    result->height = cinfo.output_height;
    result->channels = channels;
    jpeg_destroy_decompress(&cinfo);
    free(cmykRow);
    result->pixels = pixels;
    return 0;
}

int dip_jpeg_encode(const unsigned char *pixels, uint32_t width, uint32_t height,
                    int channels, int quality, int progressive, unsigned char **out,
                    size_t *outSize, char *message, size_t messageSize) {
    struct jpeg_compress_struct cinfo;
    dip_jpeg_error err;
    *out = NULL; *outSize = 0;
    memset(&cinfo, 0, sizeof cinfo);
    if (channels != 1 && channels != 3) {
        snprintf(message, messageSize, "JPEG needs 1 or 3 channels, not %d", channels);
        return 1;
    }
    dip_jpeg_install_errors(&err, message, messageSize);
    cinfo.err = &err.base;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(err.memOut);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &err.memOut, &err.memSize);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    cinfo.optimize_coding = TRUE;
    if (channels == 3 && quality >= 90) {
        cinfo.comp_info[0].h_samp_factor = 1;
        cinfo.comp_info[0].v_samp_factor = 1;
    }
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t rowBytes = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * rowBytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = err.memOut;
    *outSize = err.memSize;
    return 0;
}
