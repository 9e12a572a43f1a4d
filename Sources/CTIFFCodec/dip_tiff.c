// Whole-image TIFF decode/encode for dip over in-memory buffers. libtiff does not longjmp, but it
// prints errors and warnings through handlers; per-handle handlers (TIFFOpenOptions, libtiff ≥ 4.5)
// collect them into the caller's message buffer so nothing reaches stderr and calls are thread-safe.
#include "dip_tiff.h"

#include <tiffio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *data;   // read mode
    unsigned char *out;          // write mode (malloc'ed, grows)
    size_t size, capacity, position;
    int writable;
    char *message;
    size_t messageSize;
} dip_tiff_io;

static int dip_tiff_error_handler(TIFF *tif, void *user, const char *module, const char *fmt,
                                  va_list ap) {
    (void)tif; (void)module;
    dip_tiff_io *io = (dip_tiff_io *)user;
    if (io->message[0] == 0) vsnprintf(io->message, io->messageSize, fmt, ap);  // keep the first
    return 1;
}

static int dip_tiff_warning_handler(TIFF *tif, void *user, const char *module, const char *fmt,
                                    va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1;  // handled: unknown tags and the like are not failures, and nothing is printed
}

static tmsize_t dip_tiff_read(thandle_t h, void *buf, tmsize_t n) {
    dip_tiff_io *io = (dip_tiff_io *)h;
    if (n < 0) return -1;
    size_t available = io->position < io->size ? io->size - io->position : 0;
    size_t count = (size_t)n < available ? (size_t)n : available;
    const unsigned char *src = io->writable ? io->out : io->data;
    if (count) memcpy(buf, src + io->position, count);
    io->position += count;
    return (tmsize_t)count;
}

static tmsize_t dip_tiff_write(thandle_t h, void *buf, tmsize_t n) {
    dip_tiff_io *io = (dip_tiff_io *)h;
    if (!io->writable || n < 0) return -1;
    size_t end = io->position + (size_t)n;
    if (end > io->capacity) {
        size_t want = io->capacity ? io->capacity * 2 : 65536;
        while (want < end) want *= 2;
        unsigned char *grown = (unsigned char *)realloc(io->out, want);
        if (!grown) return -1;
        io->out = grown;
        io->capacity = want;
    }
    if (io->position > io->size) memset(io->out + io->size, 0, io->position - io->size);
    memcpy(io->out + io->position, buf, (size_t)n);
    io->position = end;
    if (end > io->size) io->size = end;
    return n;
}

static toff_t dip_tiff_seek(thandle_t h, toff_t off, int whence) {
    dip_tiff_io *io = (dip_tiff_io *)h;
    int64_t base = whence == SEEK_CUR ? (int64_t)io->position
                 : whence == SEEK_END ? (int64_t)io->size : 0;
    int64_t target = base + (int64_t)off;
    if (target < 0) return (toff_t)-1;
    io->position = (size_t)target;
    return (toff_t)target;
}

static int dip_tiff_close(thandle_t h) { (void)h; return 0; }
static toff_t dip_tiff_size(thandle_t h) { return (toff_t)((dip_tiff_io *)h)->size; }
static int dip_tiff_map(thandle_t h, void **base, toff_t *size) {
    (void)h; (void)base; (void)size; return 0;
}
static void dip_tiff_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

static TIFF *dip_tiff_open(dip_tiff_io *io, const char *mode) {
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, dip_tiff_error_handler, io);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, dip_tiff_warning_handler, io);
    TIFF *tif = TIFFClientOpenExt("memory", mode, (thandle_t)io, dip_tiff_read, dip_tiff_write,
                                  dip_tiff_seek, dip_tiff_close, dip_tiff_size, dip_tiff_map,
                                  dip_tiff_unmap, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

static int dip_tiff_fail(dip_tiff_io *io, const char *fallback) {
    if (io->message[0] == 0) snprintf(io->message, io->messageSize, "%s", fallback);
    return 1;
}

/// Copies one decoded strip or tile (chunkW × chunkH pixels of `chunkSpp` samples, `bytes` per
/// sample) into the interleaved image at (x0, y0), plane `plane` when planes are separate.
static void dip_tiff_place(const unsigned char *chunk, uint32_t chunkW, uint32_t chunkH,
                           int chunkSpp, int plane, uint32_t x0, uint32_t y0,
                           unsigned char *image, uint32_t width, uint32_t height, int spp,
                           int bytes) {
    for (uint32_t cy = 0; cy < chunkH && y0 + cy < height; cy++) {
        for (uint32_t cx = 0; cx < chunkW && x0 + cx < width; cx++) {
            const unsigned char *src = chunk + ((size_t)cy * chunkW + cx) * chunkSpp * bytes;
            unsigned char *dst = image + (((size_t)(y0 + cy) * width + x0 + cx) * spp) * bytes;
            if (chunkSpp == spp) memcpy(dst, src, (size_t)spp * bytes);
            else memcpy(dst + (size_t)plane * bytes, src, (size_t)bytes);
        }
    }
}

/* Whether every strip or tile the header implies lies inside the file's `size` bytes, with a
** non-zero byte count, and, uncompressed, holds all its bytes. libtiff fills the strips that a
** short StripOffsets/StripByteCounts array leaves out with zeros, so without this a 234-byte file
** whose ImageLength says 60000 rows "decodes". */
static int dip_tiff_data_present(TIFF *tif, size_t size) {
    uint16_t compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
    int tiled = TIFFIsTiled(tif);
    uint32_t count = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    uint32_t height = 0, rowsPerStrip = 0;
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
    if (count == 0 || height == 0) return 0;
    if (rowsPerStrip == 0 || rowsPerStrip > height) rowsPerStrip = height;
    uint32_t stripsPerPlane = (height + rowsPerStrip - 1) / rowsPerStrip;   /* unused when tiled */
    for (uint32_t i = 0; i < count; i++) {
        uint64_t offset = TIFFGetStrileOffset(tif, i), bytes = TIFFGetStrileByteCount(tif, i);
        if (bytes == 0 || offset > size || bytes > size - offset) return 0;
        if (compression != COMPRESSION_NONE) continue;
        uint64_t want;
        if (tiled) {
            want = (uint64_t)TIFFTileSize64(tif);
        } else {
            uint32_t first = (i % stripsPerPlane) * rowsPerStrip;
            uint32_t rows = height - first < rowsPerStrip ? height - first : rowsPerStrip;
            want = TIFFVStripSize64(tif, rows);
        }
        if (bytes < want) return 0;
    }
    return 1;
}

int dip_tiff_decode(const unsigned char *data, size_t size, uint64_t maxPixels,
                    dip_tiff_image *result, char *message, size_t messageSize) {
    dip_tiff_io io;
    memset(&io, 0, sizeof io);
    memset(result, 0, sizeof *result);
    io.data = data; io.size = size;
    io.message = message; io.messageSize = messageSize;
    message[0] = 0;
    TIFF *tif = dip_tiff_open(&io, "rm");
    if (!tif) return dip_tiff_fail(&io, "not a readable TIFF");

    uint32_t width = 0, height = 0;
    uint16_t spp = 1, bps = 1, sampleFormat = SAMPLEFORMAT_UINT, photometric = 0;
    uint16_t planar = PLANARCONFIG_CONTIG, extraCount = 0;
    uint16_t *extraTypes = NULL;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &sampleFormat);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extraCount, &extraTypes);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric)) photometric = 0xFFFF;
    if (width == 0 || height == 0) {
        TIFFClose(tif);
        return dip_tiff_fail(&io, "image has zero width or height");
    }
    if ((uint64_t)width * height > maxPixels) {
        TIFFClose(tif);
        snprintf(message, messageSize, "image is %ux%u, more than the limit of %llu pixels",
                 (unsigned)width, (unsigned)height, (unsigned long long)maxPixels);
        return 2;
    }
    if (!dip_tiff_data_present(tif, size)) {
        TIFFClose(tif);
        snprintf(message, messageSize, "%ux%u image data is shorter than its header declares",
                 (unsigned)width, (unsigned)height);
        return 1;
    }
    int direct = spp >= 1 && spp <= 4 &&
        ((sampleFormat == SAMPLEFORMAT_UINT && (bps == 8 || bps == 16)) ||
         (sampleFormat == SAMPLEFORMAT_IEEEFP && bps == 32)) &&
        (((photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE) &&
          spp <= 2) ||
         (photometric == PHOTOMETRIC_RGB && spp >= 3));

    if (!direct) {
        int grey = photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE;
        int alpha = extraCount > 0;
        int channels = (grey ? 1 : 3) + alpha;
        uint32_t *rgba = (uint32_t *)_TIFFmalloc((tmsize_t)((size_t)width * height * 4));
        unsigned char *pixels = (unsigned char *)malloc((size_t)width * height * channels);
        if (!rgba || !pixels) {
            _TIFFfree(rgba); free(pixels); TIFFClose(tif);
            return dip_tiff_fail(&io, "out of memory");
        }
        char emsg[1024];
        if (!TIFFRGBAImageOK(tif, emsg) ||
            !TIFFReadRGBAImageOriented(tif, width, height, rgba, ORIENTATION_TOPLEFT, 1)) {
            _TIFFfree(rgba); free(pixels); TIFFClose(tif);
            if (message[0] == 0)
                snprintf(message, messageSize, "unsupported TIFF layout (%u bits, %u samples): %s",
                         bps, spp, emsg);
            return 1;
        }
        for (size_t i = 0; i < (size_t)width * height; i++) {
            uint32_t p = rgba[i];
            unsigned char *dst = pixels + i * channels;
            if (grey) dst[0] = (unsigned char)TIFFGetR(p);
            else { dst[0] = TIFFGetR(p); dst[1] = TIFFGetG(p); dst[2] = TIFFGetB(p); }
            if (alpha) dst[channels - 1] = (unsigned char)TIFFGetA(p);
        }
        _TIFFfree(rgba);
        TIFFClose(tif);
        result->pixels = pixels; result->width = width; result->height = height;
        result->channels = channels; result->bits = 8; result->isFloat = 0;
        return 0;
    }

    int bytes = bps / 8;
    int separate = planar == PLANARCONFIG_SEPARATE && spp > 1;
    int chunkSpp = separate ? 1 : spp;
    size_t imageBytes = (size_t)width * height * spp * bytes;
    unsigned char *pixels = (unsigned char *)malloc(imageBytes);
    if (!pixels) { TIFFClose(tif); return dip_tiff_fail(&io, "out of memory"); }
    int ok = 1;
    if (TIFFIsTiled(tif)) {
        uint32_t tw = 0, th = 0;
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
        tmsize_t tileSize = TIFFTileSize(tif);
        size_t need = (size_t)tw * th * chunkSpp * bytes;
        unsigned char *tile = tw && th && tileSize > 0 && (size_t)tileSize >= need
            ? (unsigned char *)malloc((size_t)tileSize) : NULL;
        if (!tile) ok = 0;
        for (int plane = 0; ok && plane < (separate ? spp : 1); plane++)
            for (uint32_t y = 0; ok && y < height; y += th)
                for (uint32_t x = 0; ok && x < width; x += tw) {
                    uint32_t index = TIFFComputeTile(tif, x, y, 0, (uint16_t)plane);
                    if (TIFFReadEncodedTile(tif, index, tile, tileSize) < 0) { ok = 0; break; }
                    dip_tiff_place(tile, tw, th, chunkSpp, plane, x, y, pixels, width, height,
                                   spp, bytes);
                }
        free(tile);
    } else {
        uint32_t rowsPerStrip = height;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
        if (rowsPerStrip == 0 || rowsPerStrip > height) rowsPerStrip = height;
        tmsize_t stripSize = TIFFStripSize(tif);
        size_t need = (size_t)width * rowsPerStrip * chunkSpp * bytes;
        unsigned char *strip = stripSize > 0 && (size_t)stripSize >= need
            ? (unsigned char *)malloc((size_t)stripSize) : NULL;
        if (!strip) ok = 0;
        for (int plane = 0; ok && plane < (separate ? spp : 1); plane++)
            for (uint32_t y = 0; ok && y < height; y += rowsPerStrip) {
                uint32_t index = TIFFComputeStrip(tif, y, (uint16_t)plane);
                uint32_t rows = height - y < rowsPerStrip ? height - y : rowsPerStrip;
                tmsize_t want = (tmsize_t)((size_t)width * rows * chunkSpp * bytes);
                tmsize_t got = TIFFReadEncodedStrip(tif, index, strip, want);
                if (got < want) { ok = 0; break; }
                dip_tiff_place(strip, width, rows, chunkSpp, plane, 0, y, pixels, width, height,
                               spp, bytes);
            }
        free(strip);
    }
    TIFFClose(tif);
    if (!ok) { free(pixels); return dip_tiff_fail(&io, "cannot decode TIFF pixel data"); }
    if (photometric == PHOTOMETRIC_MINISWHITE) {
        size_t count = (size_t)width * height;
        for (size_t i = 0; i < count; i++) {
            size_t s = i * spp;  // invert grey only, not alpha
            if (bytes == 1) pixels[s] = (unsigned char)(255 - pixels[s]);
            else if (bytes == 2) ((uint16_t *)pixels)[s] = (uint16_t)(65535 - ((uint16_t *)pixels)[s]);
            else ((float *)pixels)[s] = 1.0f - ((float *)pixels)[s];
        }
    }
    result->pixels = pixels; result->width = width; result->height = height;
    result->channels = spp; result->bits = bps; result->isFloat = bps == 32;
    return 0;
}

int dip_tiff_encode(const void *samples, uint32_t width, uint32_t height,
                    int channels, int bits, uint32_t tileSize, unsigned char **out,
                    size_t *outSize, char *message, size_t messageSize) {
    dip_tiff_io io;
    memset(&io, 0, sizeof io);
    io.writable = 1;
    io.message = message; io.messageSize = messageSize;
    message[0] = 0;
    *out = NULL; *outSize = 0;
    if (channels < 1 || channels > 4 || !(bits == 8 || bits == 16 || bits == 32)) {
        snprintf(message, messageSize, "TIFF writer cannot store %d channels of %d bits",
                 channels, bits);
        return 1;
    }
    TIFF *tif = dip_tiff_open(&io, "w");
    if (!tif) { free(io.out); return dip_tiff_fail(&io, "cannot create TIFF"); }
    int bytes = bits / 8;
    int colour = channels >= 3;
    int alpha = channels == 2 || channels == 4;
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)channels);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)bits);
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT,
                 (uint16_t)(bits == 32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT));
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
                 (uint16_t)(colour ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK));
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, (uint16_t)PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_ORIENTATION, (uint16_t)ORIENTATION_TOPLEFT);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, (uint16_t)COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_PREDICTOR,
                 (uint16_t)(bits == 32 ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL));
    if (alpha) {
        uint16_t extra[1] = { EXTRASAMPLE_UNASSALPHA };
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (uint16_t)1, extra);
    }
    int ok = 1;
    size_t pixelBytes = (size_t)channels * bytes;
    if (tileSize > 0) {
        uint32_t t = (tileSize + 15) / 16 * 16;
        TIFFSetField(tif, TIFFTAG_TILEWIDTH, t);
        TIFFSetField(tif, TIFFTAG_TILELENGTH, t);
        size_t tileBytes = (size_t)t * t * pixelBytes;
        unsigned char *tile = (unsigned char *)malloc(tileBytes);
        if (!tile) ok = 0;
        for (uint32_t y = 0; ok && y < height; y += t)
            for (uint32_t x = 0; ok && x < width; x += t) {
                memset(tile, 0, tileBytes);
                for (uint32_t ty = 0; ty < t && y + ty < height; ty++) {
                    uint32_t cols = width - x < t ? width - x : t;
                    memcpy(tile + (size_t)ty * t * pixelBytes,
                           (const unsigned char *)samples + ((size_t)(y + ty) * width + x) * pixelBytes,
                           (size_t)cols * pixelBytes);
                }
                if (TIFFWriteEncodedTile(tif, TIFFComputeTile(tif, x, y, 0, 0), tile,
                                         (tmsize_t)tileBytes) < 0) ok = 0;
            }
        free(tile);
    } else {
        uint32_t rowsPerStrip = TIFFDefaultStripSize(tif, 0);
        if (rowsPerStrip == 0) rowsPerStrip = 1;
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rowsPerStrip);
        size_t rowBytes = (size_t)width * pixelBytes;
        for (uint32_t y = 0; ok && y < height; y += rowsPerStrip) {
            uint32_t rows = height - y < rowsPerStrip ? height - y : rowsPerStrip;
            // libtiff's predictor differences the buffer in place: callers pass a scratch copy.
            if (TIFFWriteEncodedStrip(tif, TIFFComputeStrip(tif, y, 0),
                                      (void *)((const unsigned char *)samples + (size_t)y * rowBytes),
                                      (tmsize_t)(rows * rowBytes)) < 0) ok = 0;
        }
    }
    if (ok && !TIFFWriteDirectory(tif)) ok = 0;
    TIFFClose(tif);
    if (!ok) { free(io.out); return dip_tiff_fail(&io, "cannot encode TIFF"); }
    *out = io.out;
    *outSize = io.size;
    return 0;
}
