/*
** dip_test.c — exercises libdip through dip.h as a C host would: every entry point, every error
** path, conversions, cancellation from the progress callback and concurrent handles.
** Built by Tests/hosts/run.sh with `cc ... $(pkg-config --cflags --libs dip) -lpthread` and run
** plain and under valgrind. Prints one line per check ("ok", "not ok") and exits 1 if any check
** failed. Every filter used here (copy, resize, add-noise, denoise, inpaint, flash) is registered:
** a missing one is a failure, not a skip.
*/
#define _POSIX_C_SOURCE 200809L /* fork, waitpid */
#include <dip.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(sizeof(dip_image) == 32, "dip_image layout is what libdip reads (LP64)");
_Static_assert(DIP_OK == 0 && DIP_ERROR == 1 && DIP_MISUSE == 2 && DIP_NOMEM == 3 &&
               DIP_BADPARAM == 4 && DIP_BADIMAGE == 5 && DIP_CANCELLED == 6, "result codes");

static int failures, checks;

#define CHECK(cond, ...) do { checks++; if (cond) { printf("ok - "); } else { failures++; \
    printf("not ok - line %d: ", __LINE__); } printf(__VA_ARGS__); printf("\n"); } while (0)

static int has_filter(const char *name) {
    for (int i = 0; i < dip_filter_count(); i++)
        if (strcmp(dip_filter_name(i), name) == 0) return 1;
    return 0;
}

static int contains(const char *text, const char *part) { return text && strstr(text, part) != NULL; }

static dip_image make_image(int w, int h, int ch, int type, size_t pad) {
    size_t bytes = type == DIP_U8 ? 1 : type == DIP_U16 ? 2 : 4;
    dip_image im = { w, h, ch, type, (size_t)w * ch * bytes + pad, NULL };
    im.pixels = calloc(im.stride * h, 1);
    return im;
}

/* A deterministic RGB U8 test pattern. */
static void fill_u8(dip_image *im, unsigned salt) {
    for (int y = 0; y < im->height; y++) {
        uint8_t *row = (uint8_t *)im->pixels + y * im->stride;
        for (int i = 0; i < im->width * im->channels; i++) row[i] = (uint8_t)((i * 37 + y * 91 + salt) & 255);
    }
}

static uint8_t u8_at(const dip_image *im, int x, int y, int c) {
    return ((const uint8_t *)im->pixels + y * im->stride)[x * im->channels + c];
}

static void test_metadata(void) {
    CHECK(strcmp(dip_version(), DIP_VERSION) == 0, "dip_version() is \"%s\" like DIP_VERSION", dip_version());
    CHECK(dip_version_number() == DIP_VERSION_NUMBER, "dip_version_number() is %d", dip_version_number());
    int distinct = 1;
    for (int a = 0; a <= 6; a++)
        for (int b = a + 1; b <= 6; b++)
            if (strcmp(dip_errstr(a), dip_errstr(b)) == 0) distinct = 0;
    CHECK(distinct, "dip_errstr gives a distinct text for each code (4: \"%s\")", dip_errstr(DIP_BADPARAM));
    CHECK(strcmp(dip_errstr(-1), "unknown error") == 0 && strcmp(dip_errstr(99), "unknown error") == 0,
          "dip_errstr of an unknown code");
    int n = dip_filter_count();
    const char *used[] = { "copy", "resize", "add-noise", "denoise", "inpaint", "flash" };
    char missing[128] = "";
    for (size_t i = 0; i < sizeof used / sizeof used[0]; i++)
        if (!has_filter(used[i])) { strcat(missing, " "); strcat(missing, used[i]); }
    CHECK(!*missing, "%d filters, including every one tested here (missing:%s)", n, *missing ? missing : " none");
    CHECK(dip_filter_name(-1) == NULL && dip_filter_name(n) == NULL, "dip_filter_name out of range is NULL");
    int described = 1;
    for (int i = 0; i < n; i++) {
        const char *name = dip_filter_name(i);
        if (!dip_filter_summary(name)) described = 0;
        int pc = dip_filter_param_count(name);
        if (pc < 0) described = 0;
        for (int p = 0; p < pc; p++)
            if (!dip_filter_param_name(name, p) || !dip_filter_param_type(name, p) ||
                !dip_filter_param_default(name, p) || !dip_filter_param_range(name, p) ||
                !dip_filter_param_help(name, p)) described = 0;
        if (dip_filter_param_name(name, pc) != NULL || dip_filter_param_help(name, -1) != NULL) described = 0;
    }
    CHECK(described, "every filter has a summary and fully described parameters");
    CHECK(dip_filter_param_count("no-such-filter") == -1 && dip_filter_param_count(NULL) == -1 &&
          dip_filter_summary("no-such-filter") == NULL && dip_filter_param_name(NULL, 0) == NULL,
          "introspection of an unknown filter gives -1/NULL");
}

static void test_new_errors(void) {
    dip_filter *f = (dip_filter *)&f;
    CHECK(dip_filter_new("copy", NULL) == DIP_MISUSE, "dip_filter_new with NULL out is DIP_MISUSE");
    CHECK(dip_filter_new(NULL, &f) == DIP_MISUSE && f && contains(dip_filter_errmsg(f), "NULL"),
          "NULL spec: DIP_MISUSE, message \"%s\"", dip_filter_errmsg(f));
    dip_filter_free(f);

    struct { const char *spec, *part; } bad[] = {
        { "no-such-filter --x 1", "no-such-filter" },
        { "", "no filter" },
        { "copy ! ", "empty stage" },
        { "copy --bogus 1", "bogus" },
        { "copy 'unterminated", "unterminated" },
        { "--sigma 3", "filter name" },
    };
    int refused = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = NULL;
        int rc = dip_filter_new(bad[i].spec, &f);
        CHECK(rc == DIP_BADPARAM && f && contains(dip_filter_errmsg(f), bad[i].part),
              "spec \"%s\": %s, \"%s\"", bad[i].spec, dip_errstr(rc), dip_filter_errmsg(f));
        /* A failed handle only answers errmsg and free. */
        dip_image im = make_image(2, 2, 1, DIP_U8, 0), out = make_image(2, 2, 1, DIP_U8, 0);
        int w, h;
        int misuse = dip_filter_set(f, "seed", "1") == DIP_MISUSE &&
                     dip_filter_run(f, &im, 1, &out, NULL, NULL) == DIP_MISUSE &&
                     dip_filter_output_size(f, 2, 2, &w, &h) == DIP_MISUSE && dip_filter_inputs(f) == -1;
        if (misuse && contains(dip_filter_errmsg(f), "failed dip_filter_new")) refused++;
        else printf("# spec \"%s\": its failed handle accepted a call or says \"%s\"\n", bad[i].spec, dip_filter_errmsg(f));
        free(im.pixels); free(out.pixels);
        dip_filter_free(f);
    }
    CHECK(refused == (int)(sizeof bad / sizeof bad[0]), "each failed handle refuses set/run/output_size/inputs "
          "with \"... failed dip_filter_new ...\" (%d of %d)", refused, (int)(sizeof bad / sizeof bad[0]));

    /* dip_filter_free(NULL) in a child, which then goes on using the API: a crash there shows up as a
    ** signal, a broken library state as a non-zero exit. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dip_filter_free(NULL);
        dip_filter_free(NULL);
        dip_filter *g = NULL;
        dip_image in = make_image(3, 2, 3, DIP_U8, 0), out = make_image(3, 2, 3, DIP_U8, 0);
        fill_u8(&in, 9);
        int ok = dip_filter_new("copy", &g) == DIP_OK && dip_filter_run(g, &in, 1, &out, NULL, NULL) == DIP_OK &&
                 memcmp(in.pixels, out.pixels, 18) == 0;
        dip_filter_free(g);
        free(in.pixels); free(out.pixels);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    int waited = pid > 0 && waitpid(pid, &status, 0) == pid;
    CHECK(waited && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "dip_filter_free(NULL) returns, and copy works after it (child %s %d)",
          !waited ? "not run:" : WIFSIGNALED(status) ? "killed by signal" : "exit status",
          !waited ? pid : WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

static void test_null_handle(void) {
    dip_image im = make_image(2, 2, 1, DIP_U8, 0);
    int w, h;
    CHECK(dip_filter_set(NULL, "a", "b") == DIP_MISUSE && dip_filter_inputs(NULL) == -1 &&
          dip_filter_output_size(NULL, 2, 2, &w, &h) == DIP_MISUSE &&
          dip_filter_run(NULL, &im, 1, &im, NULL, NULL) == DIP_MISUSE &&
          contains(dip_filter_errmsg(NULL), "NULL"), "NULL handle: DIP_MISUSE everywhere, errmsg \"%s\"",
          dip_filter_errmsg(NULL));
    free(im.pixels);
}

static void test_copy_conversions(void) {
    dip_filter *f = NULL;
    int rc = dip_filter_new("copy", &f);
    CHECK(rc == DIP_OK && strcmp(dip_filter_errmsg(f), "not an error") == 0, "new copy: %s", dip_errstr(rc));
    CHECK(dip_filter_inputs(f) == 1, "copy needs 1 input");
    int w = 0, h = 0;
    CHECK(dip_filter_output_size(f, 7, 5, &w, &h) == DIP_OK && w == 7 && h == 5, "copy keeps 7x5 (%dx%d)", w, h);

    /* U8 RGB with padded rows -> U8 RGB, exact. */
    dip_image in = make_image(7, 5, 3, DIP_U8, 3), out = make_image(7, 5, 3, DIP_U8, 5);
    fill_u8(&in, 11);
    rc = dip_filter_run(f, &in, 1, &out, NULL, NULL);
    int same = 1;
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 7; x++)
            for (int c = 0; c < 3; c++) if (u8_at(&in, x, y, c) != u8_at(&out, x, y, c)) same = 0;
    CHECK(rc == DIP_OK && same, "copy U8 RGB (padded strides) is exact");

    /* U8 RGB -> F32 grey: Rec. 601 luma. */
    dip_image grey = make_image(7, 5, 1, DIP_F32, 0);
    rc = dip_filter_run(f, &in, 1, &grey, NULL, NULL);
    float want = (0.299f * u8_at(&in, 3, 2, 0) + 0.587f * u8_at(&in, 3, 2, 1) + 0.114f * u8_at(&in, 3, 2, 2)) / 255;
    float got = ((float *)((char *)grey.pixels + 2 * grey.stride))[3];
    CHECK(rc == DIP_OK && fabsf(got - want) < 1e-5f, "RGB -> grey F32 is luma (%f vs %f)", got, want);

    /* U16 grey -> U8 RGBA: replicated, opaque alpha. */
    dip_image g16 = make_image(7, 5, 1, DIP_U16, 0), rgba = make_image(7, 5, 4, DIP_U8, 0);
    for (int i = 0; i < 35; i++) ((uint16_t *)g16.pixels)[i] = (uint16_t)(i * 1800);
    rc = dip_filter_run(f, &g16, 1, &rgba, NULL, NULL);
    uint8_t *p = (uint8_t *)rgba.pixels + (10 * 4);
    uint8_t v = (uint8_t)(10 * 1800 / 65535.0 * 255 + 0.5);
    CHECK(rc == DIP_OK && p[0] == v && p[1] == v && p[2] == v && p[3] == 255,
          "U16 grey -> U8 RGBA replicates and adds opaque alpha (%d,%d,%d,%d)", p[0], p[1], p[2], p[3]);

    /* U8 RGBA -> U16 RGB: alpha dropped, scaled x257. */
    fill_u8(&rgba, 5);
    dip_image rgb16 = make_image(7, 5, 3, DIP_U16, 2);
    rc = dip_filter_run(f, &rgba, 1, &rgb16, NULL, NULL);
    uint16_t *q = (uint16_t *)((char *)rgb16.pixels + rgb16.stride);
    CHECK(rc == DIP_OK && q[3] == u8_at(&rgba, 1, 1, 0) * 257 && q[5] == u8_at(&rgba, 1, 1, 2) * 257,
          "U8 RGBA -> U16 RGB drops alpha, scales by 257");

    /* F32 input outside [0,1] is clamped; output may alias the input. */
    dip_image fl = make_image(7, 5, 1, DIP_F32, 0);
    for (int i = 0; i < 35; i++) ((float *)fl.pixels)[i] = i % 3 == 0 ? -0.5f : i % 3 == 1 ? 1.5f : 0.25f;
    rc = dip_filter_run(f, &fl, 1, &fl, NULL, NULL);
    float *fp = fl.pixels;
    CHECK(rc == DIP_OK && fp[0] == 0 && fp[1] == 1 && fp[2] == 0.25f, "F32 clamped, in place");

    /* Misuse and bad images. */
    dip_image two[2] = { in, in };
    rc = dip_filter_run(f, two, 2, &out, NULL, NULL);
    CHECK(rc == DIP_MISUSE && contains(dip_filter_errmsg(f), "n_inputs"), "2 inputs to copy: \"%s\"", dip_filter_errmsg(f));
    CHECK(dip_filter_run(f, &in, 0, &out, NULL, NULL) == DIP_MISUSE, "0 inputs: DIP_MISUSE");
    CHECK(dip_filter_run(f, NULL, 1, &out, NULL, NULL) == DIP_MISUSE, "NULL inputs: DIP_MISUSE");
    CHECK(dip_filter_run(f, &in, 1, NULL, NULL, NULL) == DIP_MISUSE, "NULL output: DIP_MISUSE");
    dip_image small = out; small.width = 6;
    rc = dip_filter_run(f, &in, 1, &small, NULL, NULL);
    CHECK(rc == DIP_MISUSE && contains(dip_filter_errmsg(f), "6x5"), "output of the wrong size: \"%s\"", dip_filter_errmsg(f));
    /* The output is checked before the input is read: an input that claims 4000x4000 over a 7x5
       buffer, with a 7x5 output, is refused without a read past the buffer (valgrind run too). */
    dip_image claims = in; claims.width = 4000; claims.height = 4000; claims.stride = 0;
    rc = dip_filter_run(f, &claims, 1, &out, NULL, NULL);
    CHECK(rc == DIP_MISUSE && contains(dip_filter_errmsg(f), "4000x4000"),
          "output checked before the input is read: \"%s\"", dip_filter_errmsg(f));
    dip_image tight = out; tight.stride = 20;
    rc = dip_filter_run(f, &in, 1, &tight, NULL, NULL);
    CHECK(rc == DIP_MISUSE && contains(dip_filter_errmsg(f), "stride"), "output stride too small: \"%s\"", dip_filter_errmsg(f));
    dip_image nopix = in; nopix.pixels = NULL;
    CHECK(dip_filter_run(f, &nopix, 1, &out, NULL, NULL) == DIP_MISUSE, "NULL input pixels: DIP_MISUSE");
    dip_image badc = in; badc.channels = 5;
    rc = dip_filter_run(f, &badc, 1, &out, NULL, NULL);
    CHECK(rc == DIP_BADIMAGE && contains(dip_filter_errmsg(f), "channels"), "5 channels: \"%s\"", dip_filter_errmsg(f));
    dip_image badt = in; badt.type = 9;
    CHECK(dip_filter_run(f, &badt, 1, &out, NULL, NULL) == DIP_BADIMAGE, "sample type 9: DIP_BADIMAGE");
    dip_image badw = in; badw.width = 0;
    CHECK(dip_filter_run(f, &badw, 1, &out, NULL, NULL) == DIP_BADIMAGE, "width 0: DIP_BADIMAGE");
    dip_image huge = in; huge.width = 1 << 30; huge.height = 1 << 30;
    CHECK(dip_filter_run(f, &huge, 1, &out, NULL, NULL) == DIP_NOMEM, "2^60 pixels: DIP_NOMEM (\"%s\")", dip_filter_errmsg(f));
    ((float *)fl.pixels)[4] = NAN;
    rc = dip_filter_run(f, &fl, 1, &grey, NULL, NULL);
    CHECK(rc == DIP_BADIMAGE && contains(dip_filter_errmsg(f), "not finite"), "NaN sample: \"%s\"", dip_filter_errmsg(f));
    CHECK(dip_filter_output_size(f, 7, 5, NULL, &h) == DIP_MISUSE, "output_size with NULL out pointer");
    CHECK(dip_filter_output_size(f, 0, 5, &w, &h) == DIP_BADIMAGE, "output_size of a 0x5 input");

    /* Parameters. */
    CHECK(dip_filter_set(f, "seed", "7") == DIP_OK && strcmp(dip_filter_errmsg(f), "not an error") == 0,
          "seed 7 on a chain with no seed parameter");
    CHECK(dip_filter_set(f, "seed", "-1") == DIP_BADPARAM, "seed -1: \"%s\"", dip_filter_errmsg(f));
    /* One blank rule for every parameter: spaces and tabs around a value are ignored, a line break
    ** is not, whether the run's seed (copy declares none) or a filter's own --seed takes it. */
    {
        dip_filter *d = NULL;
        int ok = dip_filter_new("denoise --iters 1", &d) == DIP_OK;
        CHECK(ok && dip_filter_set(f, "seed", " 5\t") == DIP_OK && dip_filter_set(d, "seed", " 5\t") == DIP_OK,
              "seed \" 5\\t\" accepted on copy and on denoise");
        CHECK(ok && dip_filter_set(f, "seed", "5\n") == DIP_BADPARAM && dip_filter_set(d, "seed", "5\n") == DIP_BADPARAM,
              "seed \"5\\n\" refused on copy and on denoise: \"%s\"", dip_filter_errmsg(f));
        dip_filter_free(d);
    }
    CHECK(dip_filter_set(f, "bogus", "1") == DIP_BADPARAM && contains(dip_filter_errmsg(f), "bogus"),
          "unknown parameter: \"%s\"", dip_filter_errmsg(f));
    CHECK(dip_filter_set(f, "2.seed", "1") == DIP_BADPARAM && contains(dip_filter_errmsg(f), "stage 2"),
          "stage 2 of a 1-stage chain: \"%s\"", dip_filter_errmsg(f));
    CHECK(dip_filter_set(f, NULL, "1") == DIP_MISUSE && dip_filter_set(f, "seed", NULL) == DIP_MISUSE,
          "NULL param/value: DIP_MISUSE");
    free(in.pixels); free(out.pixels); free(grey.pixels); free(g16.pixels); free(rgba.pixels);
    free(rgb16.pixels); free(fl.pixels);
    dip_filter_free(f);
}

struct progress_log { int calls, cancel_at, bad; };

static int on_progress(void *user, int step, int total, float loss) {
    struct progress_log *log = user;
    log->calls++;
    if (step < 1 || total < 1 || step > total) log->bad = 1;
    (void)loss;
    return log->calls == log->cancel_at;
}

static void test_progress_and_cancel(void) {
    dip_filter *f = NULL;
    dip_filter_new("copy ! copy ! copy", &f);
    dip_image in = make_image(4, 4, 3, DIP_U8, 0), out = make_image(4, 4, 3, DIP_U8, 0);
    fill_u8(&in, 1);
    memset(out.pixels, 0xAB, out.stride * 4);
    struct progress_log log = { 0, 0, 0 };
    int rc = dip_filter_run(f, &in, 1, &out, on_progress, &log);
    CHECK(rc == DIP_OK && log.calls == 3 && !log.bad, "progress called once per non-iterating stage (%d)", log.calls);
    memset(out.pixels, 0xAB, out.stride * 4);
    log = (struct progress_log){ 0, 2, 0 };
    rc = dip_filter_run(f, &in, 1, &out, on_progress, &log);
    CHECK(rc == DIP_CANCELLED && log.calls == 2 && strcmp(dip_filter_errmsg(f), "cancelled") == 0 &&
          ((uint8_t *)out.pixels)[0] == 0xAB, "cancel from the callback: DIP_CANCELLED after %d calls, output untouched",
          log.calls);
    rc = dip_filter_run(f, &in, 1, &out, on_progress, &(struct progress_log){ 0, 0, 0 });
    CHECK(rc == DIP_OK && memcmp(out.pixels, in.pixels, 48) == 0, "the handle works again after a cancel");
    dip_filter_free(f);

    dip_filter_new("resize --scale 2 ! copy", &f);
    log = (struct progress_log){ 0, 1, 0 };
    dip_image big = make_image(8, 8, 3, DIP_U8, 0);
    rc = dip_filter_run(f, &in, 1, &big, on_progress, &log);
    CHECK(rc == DIP_CANCELLED && log.calls == 1, "cancel in the first stage of a resize chain: %s after %d calls",
          dip_errstr(rc), log.calls);
    free(big.pixels);
    dip_filter_free(f);
    free(in.pixels); free(out.pixels);
}

static void test_resize(void) {
    dip_filter *f = NULL;
    int rc = dip_filter_new("resize --scale 2 ! copy", &f), w = 0, h = 0;
    CHECK(rc == DIP_OK, "new \"resize --scale 2 ! copy\": %s %s", dip_errstr(rc), dip_filter_errmsg(f));
    CHECK(dip_filter_output_size(f, 7, 5, &w, &h) == DIP_OK && w == 14 && h == 10, "x2: 7x5 -> %dx%d", w, h);
    CHECK(dip_filter_set(f, "scale", "3") == DIP_OK && dip_filter_output_size(f, 7, 5, &w, &h) == DIP_OK &&
          w == 21 && h == 15, "set scale 3 (first stage that has it): %dx%d", w, h);
    CHECK(dip_filter_set(f, "1.scale", "0.5") == DIP_OK && dip_filter_output_size(f, 8, 6, &w, &h) == DIP_OK &&
          w == 4 && h == 3, "set 1.scale 0.5: 8x6 -> %dx%d", w, h);
    CHECK(dip_filter_set(f, "resize.scale", "2") == DIP_OK, "set resize.scale");
    rc = dip_filter_set(f, "scale", "abc");
    CHECK(rc == DIP_BADPARAM && dip_filter_output_size(f, 7, 5, &w, &h) == DIP_OK && w == 14,
          "bad value rejected, filter unchanged: \"%s\"", rc == DIP_BADPARAM ? "" : dip_errstr(rc));
    CHECK(dip_filter_set(f, "2.scale", "2") == DIP_BADPARAM, "2.scale: copy has no scale");
    dip_image in = make_image(7, 5, 3, DIP_U8, 0), out = make_image(14, 10, 4, DIP_F32, 0);
    for (int i = 0; i < 7 * 5 * 3; i++) ((uint8_t *)in.pixels)[i] = 128;
    rc = dip_filter_run(f, &in, 1, &out, NULL, NULL);
    float *o = out.pixels;
    CHECK(rc == DIP_OK && fabsf(o[0] - 128 / 255.0f) < 0.01f && o[3] == 1.0f && fabsf(o[14 * 10 * 4 - 2] - 128 / 255.0f) < 0.01f,
          "resize x2 of flat grey to F32 RGBA keeps the value (%f)", o[0]);
    dip_image wrong = make_image(7, 5, 3, DIP_U8, 0);
    rc = dip_filter_run(f, &in, 1, &wrong, NULL, NULL);
    CHECK(rc == DIP_MISUSE && contains(dip_filter_errmsg(f), "14x10"), "output at input size: \"%s\"", dip_filter_errmsg(f));
    free(in.pixels); free(out.pixels); free(wrong.pixels);
    dip_filter_free(f);
}

static void test_seeded_noise(void) {
    dip_image in = make_image(16, 16, 3, DIP_U8, 0), a = make_image(16, 16, 3, DIP_U8, 0),
              b = make_image(16, 16, 3, DIP_U8, 0);
    for (int i = 0; i < 16 * 16 * 3; i++) ((uint8_t *)in.pixels)[i] = 128;
    dip_filter *f = NULL;
    dip_filter_new("add-noise --sigma 25", &f);
    int ok = dip_filter_set(f, "seed", "7") == DIP_OK && dip_filter_run(f, &in, 1, &a, NULL, NULL) == DIP_OK &&
             dip_filter_run(f, &in, 1, &b, NULL, NULL) == DIP_OK;
    CHECK(ok && memcmp(a.pixels, b.pixels, 768) == 0 && memcmp(a.pixels, in.pixels, 768) != 0,
          "add-noise with seed 7 is noisy and repeatable");
    dip_filter_set(f, "seed", "8");
    dip_filter_run(f, &in, 1, &b, NULL, NULL);
    CHECK(memcmp(a.pixels, b.pixels, 768) != 0, "seed 8 gives other noise");
    free(in.pixels); free(a.pixels); free(b.pixels);
    dip_filter_free(f);
}

/* The run's limits: "max-pixels" refuses a larger image with DIP_NOMEM, "max-memory" a net whose
** plan is above it; nonsense values are DIP_BADPARAM. */
static void test_limits(void) {
    dip_image in = make_image(16, 16, 3, DIP_U8, 0), out = make_image(16, 16, 3, DIP_U8, 0);
    memset(in.pixels, 128, 16 * 16 * 3);
    dip_filter *f = NULL, *d = NULL;
    dip_filter_new("copy", &f);
    CHECK(dip_filter_set(f, "max-pixels", "100") == DIP_OK && dip_filter_run(f, &in, 1, &out, NULL, NULL) == DIP_NOMEM,
          "max-pixels 100, 16x16 input: DIP_NOMEM (\"%s\")", dip_filter_errmsg(f));
    CHECK(dip_filter_set(f, "max-pixels", "0") == DIP_BADPARAM && dip_filter_set(f, "max-pixels", "0x10") == DIP_BADPARAM,
          "max-pixels 0 and 0x10: DIP_BADPARAM");
    CHECK(dip_filter_set(f, "max-memory", "0") == DIP_BADPARAM && dip_filter_set(f, "max-memory", "4Q") == DIP_BADPARAM &&
          dip_filter_set(f, "max-memory", "100000T") == DIP_BADPARAM,
          "max-memory 0, 4Q, 100000T: DIP_BADPARAM (\"%s\")", dip_filter_errmsg(f));
    dip_filter_new("denoise --preset paper --iters 1", &d);
    CHECK(dip_filter_set(d, "max-memory", "1M") == DIP_OK && dip_filter_run(d, &in, 1, &out, NULL, NULL) == DIP_NOMEM &&
          contains(dip_filter_errmsg(d), "out of memory"),
          "paper denoise under max-memory 1M: DIP_NOMEM (\"%s\")", dip_filter_errmsg(d));
    free(in.pixels); free(out.pixels);
    dip_filter_free(f); dip_filter_free(d);
}

/* sr's --scale is required, but a host creates the filter first and sets its parameters after:
** "sr" alone is a valid handle whose size query and run fail until the scale is set. */
static void test_required_parameter(void) {
    dip_filter *f = NULL;
    int w = 0, h = 0;
    CHECK(dip_filter_new("sr", &f) == DIP_OK, "new \"sr\" without --scale: DIP_OK");
    CHECK(dip_filter_output_size(f, 8, 6, &w, &h) == DIP_BADPARAM && contains(dip_filter_errmsg(f), "--scale: required"),
          "sr without --scale: output size DIP_BADPARAM (\"%s\")", dip_filter_errmsg(f));
    CHECK(dip_filter_set(f, "scale", "3") == DIP_OK && dip_filter_output_size(f, 8, 6, &w, &h) == DIP_OK && w == 24 && h == 18,
          "sr after set scale 3: 8x6 -> %dx%d", w, h);
    dip_filter_free(f);
}

struct loss_log { int calls, cancel_at, last_step, last_total, finite; };

static int on_loss(void *user, int step, int total, float loss) {
    struct loss_log *log = user;
    log->calls++;
    log->last_step = step;
    log->last_total = total;
    if (!isfinite(loss)) log->finite = 0;
    return log->calls == log->cancel_at;
}

/* A neural filter reports every step with its loss, and a callback can stop it mid-optimisation.
 * (denoise's quality preset: its fast preset has no net and at most 4 steps.) */
static void test_neural_progress(void) {
    dip_filter *f = NULL;
    int rc = dip_filter_new("denoise --preset quality --iters 4", &f);
    CHECK(rc == DIP_OK, "new \"denoise --preset quality --iters 4\": %s \"%s\"", dip_errstr(rc), dip_filter_errmsg(f));
    if (rc != DIP_OK) { dip_filter_free(f); return; }
    dip_image in = make_image(64, 64, 3, DIP_U8, 0), out = make_image(64, 64, 3, DIP_U8, 0);
    fill_u8(&in, 3);
    struct loss_log log = { 0, 0, 0, 0, 1 };
    rc = dip_filter_run(f, &in, 1, &out, on_loss, &log);
    CHECK(rc == DIP_OK && log.calls >= 4 && log.last_step == log.last_total && log.finite,
          "denoise --iters 4 reports each step with a finite loss (%d calls, last %d/%d): %s", log.calls,
          log.last_step, log.last_total, dip_filter_errmsg(f));
    CHECK(dip_filter_set(f, "iters", "1000") == DIP_OK, "set iters 1000");
    memset(out.pixels, 0x5A, out.stride * 64);
    log = (struct loss_log){ 0, 2, 0, 0, 1 };
    rc = dip_filter_run(f, &in, 1, &out, on_loss, &log);
    CHECK(rc == DIP_CANCELLED && log.calls == 2 && log.last_total >= 1000 && ((uint8_t *)out.pixels)[7] == 0x5A,
          "cancel at step 2 of 1000 stops denoise at once (%d calls), output untouched", log.calls);
    free(in.pixels); free(out.pixels);
    dip_filter_free(f);
}

/* A paper fit above "max-memory" runs in tiles: the run succeeds, and the callback's step count
** runs over all tiles, never backwards, ending at its total. */
struct tile_log { int calls, last_step, last_total, backwards; };

static int on_tile_step(void *user, int step, int total, float loss) {
    struct tile_log *log = user;
    if (step < log->last_step || step > total) log->backwards = 1;
    log->calls++; log->last_step = step; log->last_total = total;
    (void)loss;
    return 0;
}

static void test_tiled_fit(void) {
    dip_filter *f = NULL;
    dip_filter_new("denoise --preset paper --iters 1 --sigma 25", &f);
    dip_image in = make_image(100, 100, 3, DIP_U8, 0), out = make_image(100, 100, 3, DIP_U8, 0);
    fill_u8(&in, 5);
    struct tile_log log = { 0, 0, 0, 0 };
    int rc = dip_filter_set(f, "max-memory", "100M");
    if (rc == DIP_OK) rc = dip_filter_run(f, &in, 1, &out, on_tile_step, &log);
    CHECK(rc == DIP_OK && log.calls == 4 && log.last_step == 4 && log.last_total == 4 && !log.backwards,
          "paper denoise of 100x100 under max-memory 100M: 4 tiles, steps 1..4 of 4 (%d calls, last %d/%d): %s",
          log.calls, log.last_step, log.last_total, dip_filter_errmsg(f));
    free(in.pixels); free(out.pixels);
    dip_filter_free(f);
}

/* Each thread owns one handle and runs it repeatedly on its own images. */
static void *worker(void *arg) {
    long id = (long)arg;
    const char *spec = id % 2 ? "resize --scale 1 ! copy" : "copy ! copy";
    dip_filter *f = NULL;
    long bad = dip_filter_new(spec, &f) != DIP_OK;
    dip_image in = make_image(64, 48, 3, DIP_U8, 0), out = make_image(64, 48, 3, DIP_U8, 0);
    fill_u8(&in, (unsigned)id);
    for (int k = 0; k < 20 && !bad; k++) {
        memset(out.pixels, 0, out.stride * 48);
        if (dip_filter_run(f, &in, 1, &out, NULL, NULL) != DIP_OK || memcmp(in.pixels, out.pixels, 64 * 48 * 3))
            bad = 1;
        if (dip_filter_set(f, "bogus", "1") != DIP_BADPARAM || !contains(dip_filter_errmsg(f), "bogus")) bad = 1;
    }
    free(in.pixels); free(out.pixels);
    dip_filter_free(f);
    return (void *)bad;
}

static void test_threads(void) {
    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    long bad = 0;
    for (int i = 0; i < 4; i++) { void *r; pthread_join(t[i], &r); bad += (long)r; }
    CHECK(bad == 0, "4 threads, one handle each, run concurrently (%ld failed)", bad);
}

/* A filter with an extra image input (mask/flash): n_inputs counts it. */
static void test_extra_inputs(void) {
    const char *names[] = { "inpaint", "flash" };
    const char *params[] = { "mask", "flash" };
    for (int k = 0; k < 2; k++) {
        char spec[64];
        snprintf(spec, sizeof spec, "%s --%s input2", names[k], params[k]);
        dip_filter *f = NULL;
        int rc = dip_filter_new(spec, &f);
        CHECK(rc == DIP_OK && dip_filter_inputs(f) == 2, "\"%s\" needs 2 inputs (%d)", spec, dip_filter_inputs(f));
        dip_image in = make_image(8, 8, 3, DIP_U8, 0), out = make_image(8, 8, 3, DIP_U8, 0);
        CHECK(dip_filter_run(f, &in, 1, &out, NULL, NULL) == DIP_MISUSE && contains(dip_filter_errmsg(f), params[k]),
              "%s with one input: \"%s\"", names[k], dip_filter_errmsg(f));
        free(in.pixels); free(out.pixels);
        dip_filter_free(f);
    }
}

struct total_log { int total; };
static int note_total(void *user, int step, int total, float loss) {
    (void)step; (void)loss;
    ((struct total_log *)user)->total = total;
    return 0;
}

/* Consecutive same-size runs on one handle warm start (an eighth of the steps, a different
** result from a fresh fit); dip_filter_reset, a size change, a dip_filter_set and "temporal off"
** start fresh ("deflicker off" too, so that results compare bit for bit). */
static void test_warm_start(void) {
    dip_filter *f = NULL, *g = NULL;
    const char *spec = "denoise --preset paper --iters 8 --sigma 25";
    int rc = dip_filter_new(spec, &f);
    CHECK(rc == DIP_OK && dip_filter_new(spec, &g) == DIP_OK, "new \"%s\" twice", spec);
    CHECK(dip_filter_set(g, "temporal", "off") == DIP_OK && dip_filter_set(g, "deflicker", "off") == DIP_OK,
          "set temporal and deflicker off");
    CHECK(dip_filter_set(g, "deflicker", "maybe") == DIP_BADPARAM && contains(dip_filter_errmsg(g), "deflicker"),
          "deflicker takes on or off: \"%s\"", dip_filter_errmsg(g));
    CHECK(dip_filter_set(g, "temporal", "sometimes") == DIP_BADPARAM && contains(dip_filter_errmsg(g), "temporal"),
          "temporal takes on or off: \"%s\"", dip_filter_errmsg(g));
    CHECK(dip_filter_reset(NULL) == DIP_MISUSE, "dip_filter_reset(NULL) is DIP_MISUSE");
    dip_image a = make_image(32, 32, 3, DIP_U8, 0), b = make_image(32, 32, 3, DIP_U8, 0), c = make_image(40, 32, 3, DIP_U8, 0);
    fill_u8(&a, 1); fill_u8(&b, 1); fill_u8(&c, 1);
    ((uint8_t *)b.pixels)[100] ^= 8;   /* the next frame: nearly the same */
    dip_image out[6];
    for (int i = 0; i < 6; i++) out[i] = make_image(i == 4 ? 40 : 32, 32, 3, DIP_U8, 0);
    struct total_log t[6] = { { 0 } };
    int ok = dip_filter_run(f, &a, 1, &out[0], note_total, &t[0]) == DIP_OK;
    ok &= dip_filter_run(f, &b, 1, &out[1], note_total, &t[1]) == DIP_OK;
    CHECK(ok && t[0].total == 8 && t[1].total == 1, "first run fresh (%d steps), the next same-size one warm (%d)",
          t[0].total, t[1].total);
    ok = dip_filter_run(g, &a, 1, &out[2], NULL, NULL) == DIP_OK && dip_filter_run(g, &b, 1, &out[3], NULL, NULL) == DIP_OK;
    CHECK(ok && memcmp(out[0].pixels, out[2].pixels, 32 * 32 * 3) == 0 && memcmp(out[1].pixels, out[3].pixels, 32 * 32 * 3) != 0,
          "temporal off: the first frames agree, the second differs from the warm one");
    ok = dip_filter_run(f, &c, 1, &out[4], note_total, &t[4]) == DIP_OK;
    CHECK(ok && t[4].total == 8, "a size change starts fresh (%d steps)", t[4].total);
    ok = dip_filter_reset(f) == DIP_OK && dip_filter_run(f, &b, 1, &out[5], note_total, &t[5]) == DIP_OK;
    CHECK(ok && t[5].total == 8 && memcmp(out[5].pixels, out[3].pixels, 32 * 32 * 3) == 0,
          "after dip_filter_reset the run is a fresh fit, equal to temporal off's (%d steps)", t[5].total);
    ok = dip_filter_set(f, "seed", "0") == DIP_OK && dip_filter_run(f, &b, 1, &out[5], note_total, &t[5]) == DIP_OK;
    CHECK(ok && t[5].total == 8, "after dip_filter_set the run starts fresh (%d steps)", t[5].total);
    for (int i = 0; i < 6; i++) free(out[i].pixels);
    free(a.pixels); free(b.pixels); free(c.pixels);
    dip_filter_free(f); dip_filter_free(g);
}

/* argv[1] == "--no-neural" leaves out the neural-filter test (run.sh uses it under valgrind, where
** a network's arithmetic is ~50x slower and exercises no more of libdip's own code). */
int main(int argc, char **argv) {
    test_metadata();
    test_new_errors();
    test_null_handle();
    test_copy_conversions();
    test_progress_and_cancel();
    test_resize();
    test_seeded_noise();
    test_limits();
    test_threads();
    test_extra_inputs();
    test_required_parameter();
    if (argc < 2 || strcmp(argv[1], "--no-neural") != 0) { test_neural_progress(); test_warm_start(); test_tiled_fit(); }
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
