/*
** dip.h — the C interface to dip, Deep Image Prior restoration as a filter library.
**
** The same filters that the dip-pipe command runs are available to C hosts (GIMP plug-ins,
** ImageMagick modules, your own programs) through this header and libdip.so. Build with
**
**     cc prog.c $(pkg-config --cflags --libs dip)
**
** Model: sqlite3.h. Every object is an opaque handle, every call returns one of the fixed result
** codes below, and each handle keeps the message of its last error (dip_filter_errmsg). No call
** aborts the host process: misuse (NULL handles, wrong input counts, short buffers, unknown filters,
** bad values) returns a code and sets a message.
**
** Threads: a handle may be used from any thread, but only by one call at a time (as with an
** sqlite3 connection in multi-thread mode). Different handles may run concurrently. The functions
** that take no handle (dip_version, dip_filter_count, dip_filter_name, dip_errstr,
** dip_filter_param_*) are safe to call from any thread at any time.
**
** Strings returned by the library are owned by it: static ones (dip_version, dip_errstr,
** dip_filter_name, dip_filter_param_*) live as long as the process; dip_filter_errmsg's string
** lives until the next call on the same handle or dip_filter_free.
*/
#ifndef DIP_H
#define DIP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this header. dip_version()/dip_version_number() give the library's; they match
** unless a program was built against one release and run with another. The number is
** MAJOR*1000000 + MINOR*1000 + PATCH. */
#define DIP_VERSION        "0.1.0"
#define DIP_VERSION_NUMBER 1000

/* Result codes. Every function returning int returns one of these (except the counting and
** size functions, documented below). dip_errstr(code) gives a short English description;
** dip_filter_errmsg(handle) gives the detailed message of the handle's last failure. */
#define DIP_OK        0   /* success */
#define DIP_ERROR     1   /* generic failure inside a filter */
#define DIP_MISUSE    2   /* the API was used wrongly: NULL handle or pointer, wrong number of
                          ** inputs, output of the wrong size, buffer too small, a handle whose
                          ** dip_filter_new failed */
#define DIP_NOMEM     3   /* out of memory, or an image larger than the library's limit */
#define DIP_BADPARAM  4   /* unknown filter, unknown parameter, bad value, bad spec syntax */
#define DIP_BADIMAGE  5   /* an input image is unusable (bad size, channels, type, NaN samples) */
#define DIP_CANCELLED 6   /* the progress callback returned non-zero */

/* Sample types of dip_image. */
enum { DIP_U8 = 1, DIP_U16 = 2, DIP_F32 = 3 };

/* An image buffer owned by the caller.
**   width, height  pixels, both >= 1
**   channels       1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (alpha straight, not premultiplied)
**   type           DIP_U8 (0..255), DIP_U16 (0..65535) or DIP_F32 (0.0..1.0; finite values
**                  outside [0,1] are clamped on input, NaN/inf is DIP_BADIMAGE; output is in [0,1])
**   stride         bytes from the start of one row to the next, >= width*channels*sizeof(sample);
**                  0 means exactly width*channels*sizeof(sample)
**   pixels         the first row; samples interleaved (RGBRGB...), native byte order, each sample
**                  aligned to its size
** Conversions between types and channel counts are the library's job: inputs may have any
** type/channel count, and the output is written in the type and channel count the caller chose
** for it (grey->RGB replicates; RGB->grey is Rec. 601 luma 0.299R+0.587G+0.114B; a missing alpha
** is written opaque; an alpha the output has no room for is dropped). */
typedef struct dip_image {
    int width, height, channels, type;
    size_t stride;
    void *pixels;
} dip_image;

/* Progress callback for dip_filter_run. Called on the thread that called dip_filter_run.
** Stages that iterate (the neural restorers) call it after each step with step = 1..total and
** that step's loss. Stages that do not iterate call it once when done with step = total = 1 and
** loss = NaN. Return 0 to continue, non-zero to cancel: the run then stops as soon as the
** filter next reports, dip_filter_run returns DIP_CANCELLED and the output is left untouched. */
typedef int (*dip_progress_fn)(void *user, int step, int total, float loss);

/* A configured filter chain (one or more stages). Opaque. */
typedef struct dip_filter dip_filter;

/* The library's version string ("0.1.0") and number (see DIP_VERSION_NUMBER). */
const char *dip_version(void);
int dip_version_number(void);

/* The filters this library provides: dip_filter_count() names, each returned by
** dip_filter_name(0 .. count-1). dip_filter_name returns NULL for an index out of range. */
int dip_filter_count(void);
const char *dip_filter_name(int index);

/* Describes filter NAME: its one-line summary, or NULL if there is no such filter. */
const char *dip_filter_summary(const char *name);

/* Parameters of filter NAME: count (-1 if no such filter), and for each index 0..count-1 its
** name (no dashes), type word ("int", "number", "bool", "word", "text", "file"), default value as
** text ("" when it has none), allowed values ("1...100", "png|jpeg", or "" when unrestricted) and
** one-line help. Each returns NULL for an unknown filter or index. Hosts use these to mirror a
** filter's parameters in their own UI (see examples/gimp). A "file" parameter is an extra image:
** through this API it is passed to dip_filter_run as an extra input. */
int dip_filter_param_count(const char *name);
const char *dip_filter_param_name(const char *name, int index);
const char *dip_filter_param_type(const char *name, int index);
const char *dip_filter_param_default(const char *name, int index);
const char *dip_filter_param_range(const char *name, int index);
const char *dip_filter_param_help(const char *name, int index);

/* Creates a filter from a spec in dip-pipe's own syntax:
**     "denoise --sigma 25 ! sr --scale 4"
** (stages separated by "!", parameters as "--name value", "--name=value" or "--flag"; quotes and
** backslashes work as in a POSIX shell). On success *out is the new handle and DIP_OK is returned.
** On failure the code is returned and, as with sqlite3_open, *out is still set to a handle that
** holds only the error message: read it with dip_filter_errmsg, then dip_filter_free it (every
** other call on it returns DIP_MISUSE). *out is NULL only if out itself is NULL (DIP_MISUSE) or
** memory ran out (DIP_NOMEM). */
int dip_filter_new(const char *spec, dip_filter **out);

/* Sets one parameter from text, validated as on the command line (leading "--" is optional).
** In a chain, PARAM applies to the first stage that declares it, or may be qualified with the
** stage's 1-based position or its filter name: "2.sigma", "denoise.sigma". "seed" (a whole
** number >= 0) sets the seed of the whole run (default 0) when no stage declares a seed parameter;
** "max-pixels" (a whole number >= 1) the largest image (width x height) the run accepts or
** produces, input, output or between stages (default: 100 M pixels, less where the process's
** memory limit over 64 bytes a pixel is lower; above that bound it is DIP_BADPARAM): a larger
** one fails the run with DIP_NOMEM before it is allocated; "max-memory" (bytes, or a number with
** K, M, G or T, powers of 1024: "800M", "4G") the memory a neural filter may plan for (default:
** 80% of the process's limit, the least of physical memory, RLIMIT_AS and the cgroup's
** memory.max; above that limit it is DIP_BADPARAM): a larger plan fails the run with DIP_NOMEM
** before the net is allocated; "temporal" ("on", the default, or "off") whether consecutive runs
** warm start, "deflicker" ("on", the default, or "off") whether a restoration's output is pulled
** toward the previous run's where they agree (see dip_filter_run). On failure the filter is
** unchanged; on success the next run starts fresh. */
int dip_filter_set(dip_filter *f, const char *param, const char *value);

/* The number of images dip_filter_run needs: 1, plus one for each extra image the chain's
** parameters ask for (an inpainting mask, a flash photo), in stage order. Returns -1 for a NULL or
** failed handle. In a spec, an image parameter's value is only a label for messages (on the
** command line it is a file name): "inpaint --mask input2" and plain "inpaint" need 2 inputs, while
** a keyword such as "inpaint --mask alpha" (the mask is the image's own transparency) needs none. */
int dip_filter_inputs(const dip_filter *f);

/* Writes the output size for an input of width x height (for example 4x for "sr --scale 4"). */
int dip_filter_output_size(const dip_filter *f, int width, int height, int *out_width, int *out_height);

/* Runs the chain. inputs[0] is the image to process; inputs[1..] are the extra images (see
** dip_filter_inputs), n_inputs must equal dip_filter_inputs(f). The caller allocates output:
** its width/height must be those dip_filter_output_size gives for inputs[0], its channels/type are
** the caller's choice (converted as described at dip_image). progress may be NULL. The output
** buffer may be the same memory as inputs[0] when sizes and layout agree (the result is computed
** before anything is written).
** Consecutive runs on one handle are a stream (video frames): when an image has the size and
** channels of the previous run's and is no scene cut (a large change of its 8x8 block means),
** each stage starts from its state after the previous run (a fitted net: far fewer steps), and a
** restoration stage's output is deflickered: pulled toward its previous output, moved by block
** motion, where the two agree; otherwise, and after dip_filter_reset or dip_filter_set, it starts
** fresh. The same images in the same order with the same settings give the same outputs, bit
** for bit. Set "temporal" to "off" to run every image from scratch, "deflicker" to "off" to leave
** outputs as they come. */
int dip_filter_run(dip_filter *f, const dip_image *inputs, int n_inputs, dip_image *output,
                   dip_progress_fn progress, void *user);

/* Forgets the state of previous runs (see dip_filter_run): the next run starts fresh, as a new
** handle's first would. Call it between unrelated images or at a seek in a video. */
int dip_filter_reset(dip_filter *f);

/* The message of the last failure on this handle ("not an error" after a success), never NULL.
** For a NULL handle it returns a fixed message saying so. */
const char *dip_filter_errmsg(const dip_filter *f);

/* A short description of a result code, e.g. "bad parameter"; "unknown error" if out of range. */
const char *dip_errstr(int code);

/* Frees a handle (including one holding only a dip_filter_new error). NULL is a no-op. */
void dip_filter_free(dip_filter *f);

#ifdef __cplusplus
}
#endif

#endif /* DIP_H */
