// Whole-image PNG decode/encode for dip, written in C because libpng reports errors by calling an
// error function that must not return: it longjmps back here. The setjmp and every libpng call live
// in the same C frame, so no Swift frame is ever skipped by the longjmp. Nothing is printed: errors
// and warnings go to the caller's message buffer.
#include "dip_png.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef struct {
    jmp_buf jump;
    char *message;
    size_t messageSize;
    const unsigned char *data;
    size_t size, position;
    unsigned char *out;
    size_t outSize, outCapacity;
} dip_png_context;

static void dip_png_error_fn(png_structp png, png_const_charp msg) {
    dip_png_context *ctx = (dip_png_context *)png_get_error_ptr(png);
    snprintf(ctx->message, ctx->messageSize, "%s", msg ? msg : "libpng error");
    longjmp(ctx->jump, 1);
}

static void dip_png_warning_fn(png_structp png, png_const_charp msg) {
    (void)png; (void)msg;  // warnings (e.g. unknown ancillary chunks) are not failures; stay quiet
}

static void dip_png_read_fn(png_structp png, png_bytep out, png_size_t count) {
    dip_png_context *ctx = (dip_png_context *)png_get_io_ptr(png);
    if (count > ctx->size - ctx->position) {
        png_error(png, "truncated PNG data");
    }
    memcpy(out, ctx->data + ctx->position, count);
    ctx->position += count;
}

static void dip_png_write_fn(png_structp png, png_bytep in, png_size_t count) {
    dip_png_context *ctx = (dip_png_context *)png_get_io_ptr(png);
    if (count > ctx->outCapacity - ctx->outSize) {
        size_t want = ctx->outCapacity ? ctx->outCapacity * 2 : 65536;
        while (want - ctx->outSize < count) want *= 2;
        unsigned char *grown = (unsigned char *)realloc(ctx->out, want);
        if (!grown) png_error(png, "out of memory while encoding PNG");
        ctx->out = grown;
        ctx->outCapacity = want;
    }
    memcpy(ctx->out + ctx->outSize, in, count);
    ctx->outSize += count;
}

static void dip_png_flush_fn(png_structp png) { (void)png; }

int dip_png_decode(const unsigned char *data, size_t size, uint64_t maxPixels,
                   dip_png_image *result, char *message, size_t messageSize) {
    dip_png_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.message = message; ctx.messageSize = messageSize;
    ctx.data = data; ctx.size = size;
    memset(result, 0, sizeof *result);
    png_bytep volatile pixels = NULL;
    png_bytepp volatile rows = NULL;
    volatile int status = 1;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, dip_png_error_fn,
                                             dip_png_warning_fn);
    if (!png) { snprintf(message, messageSize, "cannot create libpng reader"); return 1; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(message, messageSize, "cannot create libpng info");
        return 1;
    }
    if (setjmp(ctx.jump)) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    png_set_read_fn(png, &ctx, dip_png_read_fn);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int colorType = png_get_color_type(png, info);
    int bitDepth = png_get_bit_depth(png, info);
    int hasTRNS = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    if (width == 0 || height == 0) png_error(png, "image has zero width or height");
    if ((uint64_t)width * (uint64_t)height > maxPixels) {
        status = 2;
        snprintf(message, messageSize, "image is %ux%u, more than the limit of %llu pixels",
                 (unsigned)width, (unsigned)height, (unsigned long long)maxPixels);
        longjmp(ctx.jump, 1);
    }

    int outBits = bitDepth;
    if (colorType == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
        outBits = 8;
    }
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) {
        if (hasTRNS) {
            png_set_expand_gray_1_2_4_to_8(png);
            outBits = 8;
        } else {
            png_set_packing(png);
        }
    }
    if (hasTRNS) png_set_tRNS_to_alpha(png);
    if (bitDepth == 16) png_set_swap(png);  // big-endian file → native little-endian uint16
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    size_t rowBytes = png_get_rowbytes(png, info);
    size_t bytesPerSample = outBits == 16 ? 2 : 1;
    if (rowBytes != (size_t)width * (size_t)channels * bytesPerSample) {
        png_error(png, "unexpected row layout after transforms");
    }
    pixels = (png_bytep)malloc(rowBytes * height);
    rows = (png_bytepp)malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * rowBytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    result->pixels = pixels;
    result->width = width;
    result->height = height;
    result->channels = channels;
    result->bits = outBits;
    return 0;
}

int dip_png_encode(const void *samples, uint32_t width, uint32_t height, int channels,
                   int bits, unsigned char **out, size_t *outSize,
                   char *message, size_t messageSize) {
    dip_png_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.message = message; ctx.messageSize = messageSize;
    *out = NULL; *outSize = 0;
    int colorType;
    switch (channels) {
    case 1: colorType = PNG_COLOR_TYPE_GRAY; break;
    case 2: colorType = PNG_COLOR_TYPE_GRAY_ALPHA; break;
    case 3: colorType = PNG_COLOR_TYPE_RGB; break;
    case 4: colorType = PNG_COLOR_TYPE_RGB_ALPHA; break;
    default: snprintf(message, messageSize, "PNG cannot hold %d channels", channels); return 1;
    }
    if (bits < 8 && channels != 1) {
        snprintf(message, messageSize, "PNG bit depth %d needs a grey image", bits); return 1;
    }
    png_bytepp volatile rows = NULL;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, dip_png_error_fn,
                                              dip_png_warning_fn);
    if (!png) { snprintf(message, messageSize, "cannot create libpng writer"); return 1; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(message, messageSize, "cannot create libpng info");
        return 1;
    }
    if (setjmp(ctx.jump)) {
        free(rows);
        free(ctx.out);
        png_destroy_write_struct(&png, &info);
        return 1;
    }
    png_set_write_fn(png, &ctx, dip_png_write_fn, dip_png_flush_fn);
    png_set_IHDR(png, info, width, height, bits, colorType, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (bits < 8) png_set_packing(png);
    if (bits == 16) png_set_swap(png);
    size_t rowBytes = (size_t)width * (size_t)channels * (bits == 16 ? 2 : 1);
    rows = (png_bytepp)malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = (png_bytep)samples + (size_t)y * rowBytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    *out = ctx.out;
    *outSize = ctx.outSize;
    return 0;
}
