// Whole-image PNG decode/encode over memory buffers, the C side of FilterAPI's PNGCodec. The
// implementation, and why it is C (libpng's errors longjmp), is in dip_png.c.
#ifndef DIP_PNG_H
#define DIP_PNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decoded pixels: 8-bit samples (one byte per sample, also for 1/2/4-bit grey, values unscaled) or
/// native-endian uint16 samples when bits == 16. `pixels` is malloc'ed; the caller frees it.
typedef struct {
    void *pixels;
    uint32_t width, height;
    int channels;
    int bits;
} dip_png_image;

/// Decodes a PNG held in memory. Palette → RGB(A) 8-bit; tRNS → alpha; 1/2/4-bit grey without tRNS
/// stays at its depth (one byte per sample). Returns 0 on success; else writes a message and returns
/// 1 (bad data) or 2 (larger than maxPixels, checked before any pixel buffer is allocated).
int dip_png_decode(const unsigned char *data, size_t size, uint64_t maxPixels,
                   dip_png_image *result, char *message, size_t messageSize);

/// Encodes samples (one byte per sample for bits 1/2/4/8, native uint16 for 16) as PNG. 1/2/4 bits
/// are allowed for grey only. On success *out is malloc'ed (caller frees) and 0 is returned.
int dip_png_encode(const void *samples, uint32_t width, uint32_t height, int channels,
                   int bits, unsigned char **out, size_t *outSize,
                   char *message, size_t messageSize);

#ifdef __cplusplus
}
#endif
#endif
