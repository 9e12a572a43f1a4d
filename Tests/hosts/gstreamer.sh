# Sourced by Tests/hosts/run.sh: the GStreamer element of examples/gstreamer ("dipfilter"), built
# against the libdip installed above, in gst-launch-1.0 pipelines (GST_PLUGIN_PATH at the build).
gstreamer_checks() {
    local G=$WORK/gstreamer
    mkdir -p "$G"
    if ! command -v gst-launch-1.0 > /dev/null || ! pkg-config --exists gstreamer-video-1.0; then
        skip "GStreamer element (no gst-launch-1.0 or gstreamer-video-1.0 development files)"; return
    fi
    if ! make -s -C examples/gstreamer OUT="$G" CFLAGS="-O2 -Wall -Wextra -Werror" > "$G/build.log" 2>&1; then
        fail "GStreamer: build examples/gstreamer against pkg-config dip"; show "$G/build.log"; return
    fi
    pass "GStreamer: build examples/gstreamer against pkg-config dip"
    local launch=(env GST_PLUGIN_PATH="$G" GST_REGISTRY="$G/registry.bin" gst-launch-1.0 -q)
    env GST_PLUGIN_PATH="$G" GST_REGISTRY="$G/registry.bin" gst-inspect-1.0 dipfilter > "$G/inspect.txt" 2>&1 || true
    check "GStreamer: dipfilter declares the temporal and deflicker properties" \
        bash -c "grep -q '^ *temporal ' '$G/inspect.txt' && grep -q '^ *deflicker ' '$G/inspect.txt'"
    # A chain that changes the size: every buffer comes out, at the spec's output size.
    mkdir -p "$G/sr" "$G/grey" "$G/rgbx" "$G/copy" "$G/plain"
    "${launch[@]}" videotestsrc num-buffers=5 ! video/x-raw,format=RGB,width=64,height=48 \
        ! dipfilter spec="denoise ! sr --scale 2" seed=3 ! pngenc ! multifilesink location="$G/sr/%02d.png" > "$G/sr.log" 2>&1
    check "GStreamer: dipfilter spec=\"denoise ! sr --scale 2\" keeps all 5 buffers at 128x96 (got $(ls "$G/sr" | wc -l), $(identify -format '%wx%h' "$G/sr/04.png" 2>/dev/null))" \
        [ "$(ls "$G/sr" | wc -l)" = 5 -a "$(identify -format '%wx%h' "$G/sr/04.png" 2>/dev/null)" = 128x96 ]
    local fmt
    for fmt in GRAY8 RGBx; do
        local dir=$G/grey; [ "$fmt" = RGBx ] && dir=$G/rgbx
        "${launch[@]}" videotestsrc num-buffers=4 ! video/x-raw,format=$fmt,width=40,height=30 \
            ! dipfilter spec="resize --scale 2 ! denoise" ! videoconvert ! pngenc ! multifilesink location="$dir/%02d.png" > "$dir.log" 2>&1
        check "GStreamer: $fmt frames through dipfilter, 4 of 4 at 80x60 (got $(ls "$dir" | wc -l))" \
            [ "$(ls "$dir" | wc -l)" = 4 -a "$(identify -format '%wx%h' "$dir/03.png" 2>/dev/null)" = 80x60 ]
    done
    # A DIP fit with warm starts (on by default): 4 frames of colour bars, every buffer out, and
    # the same bytes on a second run (deterministic); temporal=false gives fresh fits, which differ.
    mkdir -p "$G/warm" "$G/warm2" "$G/cold"
    local dipspec="denoise --preset paper --iters 8 --sigma 25" t
    for t in warm warm2 cold; do
        "${launch[@]}" videotestsrc num-buffers=4 ! video/x-raw,format=RGB,width=32,height=32 \
            ! dipfilter spec="$dipspec" seed=2 temporal=$([ $t = cold ] && echo false || echo true) \
            ! pngenc ! multifilesink location="$G/$t/%02d.png" > "$G/$t.log" 2>&1
    done
    check "GStreamer: a DIP spec with warm starts keeps all 4 buffers (got $(ls "$G/warm" | wc -l))" [ "$(ls "$G/warm" | wc -l)" = 4 ]
    check "GStreamer: warm starts are deterministic, and differ from fresh fits after the first frame" \
        bash -c "cmp -s '$G/warm/03.png' '$G/warm2/03.png' && cmp -s '$G/warm/00.png' '$G/cold/00.png' && ! cmp -s '$G/warm/03.png' '$G/cold/03.png'"
    "${launch[@]}" videotestsrc num-buffers=3 pattern=ball ! video/x-raw,format=RGB,width=48,height=48 \
        ! dipfilter spec=copy ! pngenc ! multifilesink location="$G/copy/%02d.png" > "$G/copy.log" 2>&1
    "${launch[@]}" videotestsrc num-buffers=3 pattern=ball ! video/x-raw,format=RGB,width=48,height=48 \
        ! pngenc ! multifilesink location="$G/plain/%02d.png" > "$G/plain.log" 2>&1
    check "GStreamer: dipfilter spec=copy leaves every frame exactly as it was" \
        bash -c "cmp -s '$G/copy/02.png' '$G/plain/02.png' && cmp -s '$G/copy/00.png' '$G/plain/00.png'"
    # timeout: a pipeline that hangs on the error instead of failing is a failure too (exit 124).
    local rc=0
    timeout 120 "${launch[@]}" videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=40,height=30 \
        ! dipfilter spec=denoize ! fakesink > "$G/bad.log" 2>&1 || rc=$?
    if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
        fail "GStreamer: a bad spec fails the pipeline, and promptly (exit $rc)"
    else
        check "GStreamer: a bad spec fails the pipeline with libdip's message" grep -q "denoize: unknown filter" "$G/bad.log"
    fi
}
gstreamer_checks
