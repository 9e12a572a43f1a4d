# Tests/hosts/imagemagick.sh — sourced by run.sh: builds the ImageMagick 6 -process module
# (examples/imagemagick) and runs it and the dip-pipe delegates through `convert`.

imagemagick_tests() {
    local M=$WORK/imagemagick
    mkdir -p "$M"
    if ! command -v convert > /dev/null; then skip "ImageMagick: convert is not installed"; return; fi
    if ! make -s -C examples/imagemagick OUT="$M" CFLAGS="-O2 -Wall -Wextra -Werror" > "$M/build.log" 2>&1; then
        fail "ImageMagick: build examples/imagemagick module"; show "$M/build.log"; return
    fi
    pass "ImageMagick: build the -process module dip.so (+ dip.la) against pkg-config dip"
    # MAGICK_CODER_FILTER_PATH replaces the system filter path, so list both.
    local system
    system=$(ls -d /usr/lib/*/ImageMagick-6*/modules-Q16*/filters 2>/dev/null | head -1)
    export MAGICK_CODER_FILTER_PATH=$M${system:+:$system}
    local in=$WORK/in.png

    convert "$in" -process "dip copy" "$M/copy.png" 2> "$M/copy.err"
    check "ImageMagick: -process \"dip copy\" leaves every pixel unchanged" \
        [ "$(compare -metric AE "$in" "$M/copy.png" null: 2>&1)" = 0 ]
    convert "$in" -colorspace gray -process "dip copy" "$M/grey.png" 2> /dev/null
    check "ImageMagick: a grey image stays grey" \
        [ "$(identify -format '%[channels]' "$M/grey.png" 2>/dev/null)" = gray ]
    if convert "$in" -process "dip no-such-filter --x 1" "$M/bad.png" 2> "$M/bad.err"; then
        fail "ImageMagick: an unknown filter is an error"
    else
        check "ImageMagick: an unknown filter fails convert with dip's message" \
            grep -q "no-such-filter: unknown filter" "$M/bad.err"
    fi
    if convert "$in" -process "dip" "$M/empty.png" 2> "$M/empty.err"; then
        fail "ImageMagick: -process \"dip\" without a filter is an error"
    else
        check "ImageMagick: -process \"dip\" without a filter explains the syntax" grep -q "no filter given" "$M/empty.err"
    fi
    if convert "$in" -define dip:max-memory=1M -process "dip denoise --preset paper --iters 1" "$M/budget.png" 2> "$M/budget.err"; then
        fail "ImageMagick: -define dip:max-memory=1M is below a DIP fit's smallest tile"
    else
        check "ImageMagick: -define dip:max-memory=1M fails with dip's out-of-memory message naming the budget" \
            grep -q "out of memory.*memory budget of 1.0 MiB" "$M/budget.err"
    fi
    convert "$in" -process "dip resize --scale 2" "$M/resize.png" 2> "$M/resize.err"
    dip-pipe --quiet --input "$in" --output "$M/resize-ref.png" resize --scale 2 2> /dev/null
    local size psnr
    size=$(identify -format '%wx%h' "$M/resize.png" 2>/dev/null)
    psnr=$(compare -metric PSNR "$M/resize.png" "$M/resize-ref.png" null: 2>&1)
    if [ "$size" = 64x48 ] && awk -v p="$psnr" 'BEGIN { exit !(p == "inf" || p + 0 > 45) }'; then
        pass "ImageMagick: -process \"dip resize --scale 2\" gives 64x48, as dip-pipe does (PSNR $psnr)"
    else
        fail "ImageMagick: -process \"dip resize --scale 2\" (size '$size', PSNR vs dip-pipe '$psnr')"; show "$M/resize.err"
    fi
    convert "$in" "$in" -process "dip=resize --scale 0.5 ! copy" "$M/pair-%d.png" 2> "$M/pair.err"
    check "ImageMagick: \"dip=CHAIN\" form, every image of the list is filtered" \
        [ "$(identify -format '%wx%h ' "$M/pair-0.png" "$M/pair-1.png" 2>/dev/null)" = "16x12 16x12 " ]
    convert "$in" -process "dip add-noise --sigma 25 --seed 4" "$M/noise1.png" 2> /dev/null
    convert "$in" -process "dip add-noise --sigma 25 --seed 4" "$M/noise2.png" 2> /dev/null
    psnr=$(compare -metric PSNR "$in" "$M/noise1.png" null: 2>&1)
    check "ImageMagick: -process \"dip add-noise --sigma 25 --seed 4\" adds repeatable noise (PSNR $psnr)" \
        bash -c "[ \"\$(compare -metric AE '$M/noise1.png' '$M/noise2.png' null: 2>&1)\" = 0 ] &&
                 awk -v p='$psnr' 'BEGIN { exit !(p + 0 > 15 && p + 0 < 30) }'"
    # inpaint's networks downsample 5 times: use a 128x128 image with a 16x16 hole.
    convert -size 128x128 -seed 2 plasma:fractal -depth 8 "PNG24:$M/large.png"
    convert -size 128x128 xc:white -fill black -draw 'rectangle 40,40 55,55' -depth 8 "PNG8:$M/mask.png"
    convert "$M/large.png" "$M/mask.png" -process "dip inpaint --mask input2 $("$WORK/scm_args" --cli inpaint $SHORT_RUN)" "$M/inpaint.png" 2> "$M/inpaint.err"
    check "ImageMagick: -process inpaint takes the mask as the next image (one 128x128 result)" \
        [ "$(identify -format '%wx%h' "$M/inpaint.png" 2>/dev/null)" = 128x128 ]

    # Delegates: convert dipNAME:in.png runs dip-pipe (from PATH), found through MAGICK_CONFIGURE_PATH.
    export MAGICK_CONFIGURE_PATH=$ROOT/examples/imagemagick
    if ! command -v dip-pipe > /dev/null; then
        fail "ImageMagick delegates: dip-pipe is not built"; return
    fi
    convert "dipcopy:$in" "$M/dcopy.png" 2> "$M/dcopy.err"
    check "ImageMagick delegate: convert dipcopy:in.png runs dip-pipe copy" \
        [ "$(compare -metric AE "$in" "$M/dcopy.png" null: 2>&1)" = 0 ]
    if convert "dipcopy:$M/missing.png" "$M/dmissing.png" 2> "$M/dmissing.err"; then
        fail "ImageMagick delegate: a missing input is an error"
    else
        check "ImageMagick delegate: a missing input fails with dip-pipe's message" grep -q "dip-pipe: .*missing.png" "$M/dmissing.err"
    fi
    convert "dipnoise:$in" "$M/dnoise.png" 2> "$M/dnoise.err"
    psnr=$(compare -metric PSNR "$in" "$M/dnoise.png" null: 2>&1)
    check "ImageMagick delegate: dipnoise:in.png adds sigma-25 noise (PSNR $psnr)" \
        awk -v p="$psnr" 'BEGIN { exit !(p + 0 > 15 && p + 0 < 30) }'
    restoration_delegates
}

# The restoration delegates (dipdenoise, dipsr, dipinpaint) run the filters with their default, long
# settings, which is what users should get. So the test runs them from a copy of delegates.xml whose
# three commands get short options appended (the names the filter declares, from $SHORT_RUN): still
# convert -> delegate -> dip-pipe -> filter, only quicker. The shipped file is not changed.
restoration_delegates() {
    local D=$M/delegates name short
    mkdir -p "$D"
    cp "$ROOT/examples/imagemagick/delegates.xml" "$D/delegates.xml"
    local ready=()
    for name in denoise sr inpaint; do
        short=$("$WORK/scm_args" --cli $name $SHORT_RUN)
        sed -i "/decode=\"dip$name\"/ s|\"/>|$short\"/>|" "$D/delegates.xml"
        # Without short options the run would take minutes: fail instead of running it.
        if [ -n "${short// /}" ] && grep -q "decode=\"dip$name\".*$short\"/>" "$D/delegates.xml"; then
            ready+=($name)
        else
            fail "ImageMagick delegate dip$name: could not shorten its run (options '$short')"; grep "dip$name" "$D/delegates.xml" | sed 's/^/    | /'
        fi
    done
    local small=$M/small.png size
    convert -size 64x64 -seed 1 plasma:fractal -depth 8 "PNG24:$small"
    if [[ " ${ready[*]} " == *" denoise "* ]]; then
        MAGICK_CONFIGURE_PATH=$D convert "dipdenoise:$small" "$M/ddenoise.png" 2> "$M/ddenoise.err"
        size=$(identify -format '%wx%h' "$M/ddenoise.png" 2>/dev/null)
        if [ "$size" = 64x64 ] && [ "$(compare -metric AE "$small" "$M/ddenoise.png" null: 2>&1)" != 0 ]; then
            pass "ImageMagick delegate: dipdenoise:small.png is denoised by dip-pipe (64x64 in, $size out)"
        else
            fail "ImageMagick delegate: dipdenoise:small.png (64x64 in, '$size' out, or unchanged)"; show "$M/ddenoise.err"
        fi
    fi
    if [[ " ${ready[*]} " == *" sr "* ]]; then
        MAGICK_CONFIGURE_PATH=$D convert "dipsr:$small" "$M/dsr.png" 2> "$M/dsr.err"
        size=$(identify -format '%wx%h' "$M/dsr.png" 2>/dev/null)
        if [ "$size" = 256x256 ]; then
            pass "ImageMagick delegate: dipsr:small.png is enlarged 4x by dip-pipe (64x64 in, $size out)"
        else
            fail "ImageMagick delegate: dipsr:small.png (64x64 in, '$size' out, want 256x256)"; show "$M/dsr.err"
        fi
    fi
    if [[ " ${ready[*]} " == *" inpaint "* ]]; then
        # inpaint's networks downsample 5 times: a 128x128 image whose alpha has a 16x16 transparent hole.
        local holed=$M/holed.png hole='rectangle 40,40 55,55' opaque outside
        convert -size 128x128 -seed 2 plasma:fractal -depth 8 "PNG24:$M/large.png"
        convert "$M/large.png" \( -size 128x128 xc:white -fill black -draw "$hole" \) -alpha off \
            -compose CopyOpacity -composite -depth 8 "PNG32:$holed"
        MAGICK_CONFIGURE_PATH=$D convert "dipinpaint:$holed" "$M/dinpaint.png" 2> "$M/dinpaint.err"
        size=$(identify -format '%wx%h' "$M/dinpaint.png" 2>/dev/null)
        opaque=$(identify -format '%[opaque]' "$M/dinpaint.png" 2>/dev/null)
        # Outside the hole the result must be the input: blank the hole in both, then compare exactly.
        convert "$holed" -alpha off -fill black -draw "$hole" "$M/holed-outside.png"
        convert "$M/dinpaint.png" -alpha off -fill black -draw "$hole" "$M/dinpaint-outside.png" 2> /dev/null
        outside=$(compare -metric AE "$M/holed-outside.png" "$M/dinpaint-outside.png" null: 2>&1)
        if [ "$(identify -format '%[opaque]' "$holed")" = false ] && [ "$size" = 128x128 ] && [ "$opaque" = true ] &&
           [ "$outside" = 0 ]; then
            pass "ImageMagick delegate: dipinpaint:holed.png fills the transparent hole (128x128, opaque, pixels outside it unchanged)"
        else
            fail "ImageMagick delegate: dipinpaint:holed.png (size '$size', opaque '$opaque', pixels changed outside the hole: '$outside')"
            show "$M/dinpaint.err"
        fi
    fi
}
imagemagick_tests
