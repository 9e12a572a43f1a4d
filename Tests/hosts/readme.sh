# Sourced by Tests/hosts/run.sh: runs the README's host recipes exactly as written — every ```sh
# block of "## From C, GIMP, ImageMagick, ffmpeg and netpbm", in order, as one bash script from the
# checkout — with $HOME a scratch folder (the recipes install into ~/.local), then checks what each
# recipe should have made.
readme_recipes() {
    local R=$WORK/readme home
    home=$R/home
    mkdir -p "$home"
    awk '/^## From C, GIMP, ImageMagick, ffmpeg and netpbm/ { on = 1; next }
         on && /^## / { exit }
         on && /^ *```sh$/ { code = 1; match($0, /^ */); indent = RLENGTH; next }
         on && code && /^ *```$/ { code = 0; next }
         on && code { print substr($0, indent + 1) }' README.md > "$R.sh"
    check "README's host recipes extracted ($(grep -c . "$R.sh") lines)" [ "$(grep -c . "$R.sh")" -gt 15 ]
    rm -f out/c-denoised.ppm out/gimp.png out/im-module.png out/im-delegate.png out/clip-denoised.mp4 out/gst-*.png
    if env -i HOME="$home" PATH="$PATH" TERM=dumb bash -euo pipefail "$R.sh" > "$R.out" 2> "$R.err"; then
        pass "README's host recipes run as written (bash -euo pipefail, HOME=$home)"
    else
        fail "README's host recipes run as written"; tail -20 "$R.err" | sed 's/^/    | /'
    fi
    check "README C recipe: out/c-denoised.ppm" [ -s out/c-denoised.ppm ]
    check "README GIMP recipe: out/gimp.png, the size of the sample" \
        [ "$(identify -format '%wx%h' out/gimp.png 2>/dev/null)" = 192x192 ]
    check "README ImageMagick recipes: module and delegate outputs" [ -s out/im-module.png -a -s out/im-delegate.png ]
    local streams rate
    streams=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 out/clip-denoised.mp4 2>/dev/null | sort | paste -sd,)
    rate=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 out/clip-denoised.mp4 2>/dev/null)
    check "README ffmpeg recipe keeps the audio and the 24 fps rate (streams '$streams', rate '$rate')" \
        [ "$streams" = audio,video -a "$rate" = 24/1 ]
    check "README GStreamer recipe: 10 frames at 192x128 (got $(ls out/gst-*.png 2>/dev/null | wc -l))" \
        [ "$(ls out/gst-*.png 2>/dev/null | wc -l)" = 10 -a "$(identify -format '%wx%h' out/gst-09.png 2>/dev/null)" = 192x128 ]
    check "README netpbm recipes count 3 and 2 images (printed: $(grep '^stdin:' "$R.out" | tr '\n\t' '  '))" \
        [ "$(grep '^stdin:' "$R.out" | sed 's/.*\t//' | paste -sd,)" = "3 images,2 images" ]
}
readme_recipes
