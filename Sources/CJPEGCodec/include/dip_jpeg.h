// Whole-image JPEG decode/encode over memory buffers, the C side of FilterAPI's JPEGCodec. The
// implementation, and why it is C (libjpeg's error_exit longjmps), is in dip_jpeg.c.
#ifndef DIP_JPEG_H
#define DIP_JPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decoded 8-bit pixels, 1 (grey) or 3 (RGB) channels; `pixels` is malloc'ed, the caller frees it.
typedef struct {
    unsigned char *pixels;
    uint32_t width, height;
    int channels;
} dip_jpeg_image;

/// Decodes a baseline or progressive JPEG. CMYK/YCCK (Adobe, inverted) are converted to RGB.
/// Returns 0 on success, 1 on bad data, 2 if larger than maxPixels (checked before allocating).
int dip_jpeg_decode(const unsigned char *data, size_t size, uint64_t maxPixels,
                    dip_jpeg_image *result, char *message, size_t messageSize);

/// Encodes 8-bit grey (1 channel) or RGB (3 channels) pixels, baseline or progressive. quality 1...100; at 90 and above
/// chroma is not subsampled (4:4:4, as ImageMagick does), below it is 4:2:0. On success *out is
/// malloc'ed (caller frees) and 0 is returned.
int dip_jpeg_encode(const unsigned char *pixels, uint32_t width, uint32_t height,
                    int channels, int quality, int progressive, unsigned char **out,
                    size_t *outSize, char *message, size_t messageSize);

#ifdef __cplusplus
}
#endif
#endif
