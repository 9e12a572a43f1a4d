// Whole-image TIFF decode/encode over memory buffers, the C side of FilterAPI's TIFFCodec. The
// implementation, and how libtiff's messages are kept off stderr, is in dip_tiff.c.
#ifndef DIP_TIFF_H
#define DIP_TIFF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decoded pixels, interleaved: uint8 (bits 8), native uint16 (bits 16) or float (bits 32,
/// isFloat). `pixels` is malloc'ed; the caller frees it.
typedef struct {
    void *pixels;
    uint32_t width, height;
    int channels;
    int bits;
    int isFloat;
} dip_tiff_image;

/// Decodes the first directory of a TIFF. 8/16-bit unsigned and 32-bit float grey/RGB (± alpha),
/// strips or tiles, contiguous or separate planes, are read as they are; anything else libtiff can
/// render (palette, 1-bit, YCbCr/JPEG, CMYK, ...) is read through TIFFReadRGBAImage as 8-bit
/// RGB(A). Returns 0 on success, 1 on bad data, 2 if larger than maxPixels (checked first).
int dip_tiff_decode(const unsigned char *data, size_t size, uint64_t maxPixels,
                    dip_tiff_image *result, char *message, size_t messageSize);

/// Encodes interleaved samples (uint8 / native uint16 / float by `bits` 8/16/32) as a one-page TIFF
/// with Deflate compression and a predictor; strips, or tiles of tileSize² (multiple of 16) when
/// tileSize > 0. Alpha is stored as an unassociated extra sample. On success *out is malloc'ed.
int dip_tiff_encode(const void *samples, uint32_t width, uint32_t height,
                    int channels, int bits, uint32_t tileSize, unsigned char **out,
                    size_t *outSize, char *message, size_t messageSize);

#ifdef __cplusplus
}
#endif
#endif
