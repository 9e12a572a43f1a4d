# Tests/hosts/gimp.sh — sourced by run.sh: builds examples/gimp and runs it in headless GIMP 2.10.
# GIMP exits 0 even when a batch command fails, so each case is judged by its output file and the
# log, never by the exit code.

gimp_tests() {
    local G=$WORK/gimp PROFILE=$WORK/gimp/profile
    mkdir -p "$PROFILE/plug-ins/dip-gimp" "$PROFILE/gradients"   # gradients: keeps a fresh profile quiet
    if ! command -v gimp-console > /dev/null; then skip "GIMP: gimp-console is not installed"; return; fi
    if ! make -s -C examples/gimp OUT="$PROFILE/plug-ins/dip-gimp" CFLAGS="-O2 -Wall -Wextra -Wno-unused-parameter -Wno-deprecated-declarations -Werror" \
            > "$G/build.log" 2>&1; then
        fail "GIMP: build examples/gimp plug-in"; show "$G/build.log"; return
    fi
    pass "GIMP: build examples/gimp plug-in against pkg-config dip"
    cp "$WORK/in.png" "$G/in.png"
    convert -size 64x64 -seed 1 plasma:fractal -depth 8 "PNG24:$G/big.png"
    # inpaint's networks downsample 5 times with 5x5 convolutions: they need a larger image.
    convert -size 128x128 -seed 2 plasma:fractal -depth 8 "PNG24:$G/large.png"

    # One gimp-console run; each case loads, filters and saves to its own file.
    local load='(img (car (gimp-file-load RUN-NONINTERACTIVE "@IN@" "@IN@"))) (drw (car (gimp-image-get-active-drawable img)))'
    local save='(gimp-file-save RUN-NONINTERACTIVE img (car (gimp-image-get-active-drawable img)) "@OUT@" "@OUT@") (gimp-image-delete img)'
    local batch=() case
    gimp_case() {  # gimp_case IN OUT 'scheme calls using img/drw'
        local l=${load//@IN@/$1} s=${save//@OUT@/$2}
        batch+=(-b "(let* ($l) $3 $s)")
    }
    gimp_case in.png copy.png '(plug-in-dip-run RUN-NONINTERACTIVE img drw "copy")'
    gimp_case in.png bad.png '(plug-in-dip-run RUN-NONINTERACTIVE img drw "no-such-filter --x 1")'
    gimp_case in.png resize.png '(plug-in-dip-run RUN-NONINTERACTIVE img drw "resize --scale 2")'
    local over=$SHORT_RUN
    gimp_case big.png denoise.png "(plug-in-dip-denoise RUN-NONINTERACTIVE img drw $("$WORK/scm_args" denoise $over))"
    gimp_case large.png inpaint.png "(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 40 40 24 24) (plug-in-dip-inpaint RUN-NONINTERACTIVE img drw $("$WORK/scm_args" inpaint $over))"
    gimp_case big.png inpaint-nosel.png "(plug-in-dip-inpaint RUN-NONINTERACTIVE img drw $("$WORK/scm_args" inpaint $over))"
    gimp_case big.png sr.png "(plug-in-dip-sr RUN-NONINTERACTIVE img drw $("$WORK/scm_args" sr $over scale=4))"
    # Last values: a seeded run stores its settings; RUN-WITH-LAST-VALS on a fresh copy, given other
    # arguments (seed 6), must ignore them and reuse the stored ones, so the pixels are those of the
    # seed-5 run. The seed-6 run afterwards shows that the arguments would have made a difference.
    # (The quality preset: a net, so the seed matters; fast denoise has nothing random.)
    gimp_case big.png last-5.png "(plug-in-dip-denoise RUN-NONINTERACTIVE img drw $("$WORK/scm_args" denoise $over preset=quality seed=5))"
    gimp_case big.png last-vals.png "(plug-in-dip-denoise RUN-WITH-LAST-VALS img drw $("$WORK/scm_args" denoise $over preset=quality seed=6))"
    gimp_case big.png last-6.png "(plug-in-dip-denoise RUN-NONINTERACTIVE img drw $("$WORK/scm_args" denoise $over preset=quality seed=6))"
    local f
    for f in denoise inpaint sr; do  # report each named procedure's argument count
        batch+=(-b "(gimp-message (string-append \"DIPNARGS $f \" (number->string (nth 6 (gimp-procedural-db-proc-info \"plug-in-dip-$f\")))))")
    done
    (cd "$G" && GIMP2_DIRECTORY="$PROFILE" timeout 300 gimp-console -i -d -f "${batch[@]}" -b '(gimp-quit 0)' \
        > "$G/gimp.log" 2>&1)
    local rc=$? log=$G/gimp.log
    [ $rc -eq 124 ] && { fail "GIMP: gimp-console timed out after 300 s"; show "$log"; }

    if [ -f "$G/copy.png" ] && [ "$(compare -metric AE "$G/in.png" "$G/copy.png" null: 2>&1)" = 0 ]; then
        pass "GIMP: plug-in-dip-run \"copy\" leaves every pixel unchanged"
    else
        fail "GIMP: plug-in-dip-run \"copy\""; show "$log"
    fi
    if [ ! -f "$G/bad.png" ] && grep -q "plug-in-dip-run failed: dip: no-such-filter: unknown filter" "$log"; then
        pass "GIMP: an unknown filter fails the procedure with dip's message"
    else
        fail "GIMP: an unknown filter fails the procedure with dip's message"; show "$log"
    fi
    dip-pipe --quiet --input "$G/in.png" --output "$G/resize-ref.png" resize --scale 2 2> "$G/ref.err"
    local size psnr
    size=$(identify -format '%wx%h' "$G/resize.png" 2>/dev/null)
    psnr=$(compare -metric PSNR "$G/resize.png" "$G/resize-ref.png" null: 2>&1)
    if [ "$size" = 64x48 ] && awk -v p="$psnr" 'BEGIN { exit !(p == "inf" || p + 0 > 45) }'; then
        pass "GIMP: plug-in-dip-run \"resize --scale 2\" scales the image to 64x48, as dip-pipe does (PSNR $psnr)"
    else
        fail "GIMP: plug-in-dip-run \"resize --scale 2\" (size '$size', PSNR vs dip-pipe '$psnr')"; show "$log"
    fi
    for f in denoise inpaint sr; do
        local want got
        want=$((3 + $("$WORK/scm_args" $f | wc -w)))
        got=$(sed -n "s/.*DIPNARGS $f \([0-9]*\).*/\1/p" "$log" | head -1)
        check "GIMP: plug-in-dip-$f mirrors the filter's parameters ($got arguments, 3 + its $((want - 3)) non-image parameters)" \
            [ "$got" = "$want" ]
    done
    local dsize dchanged
    dsize=$(identify -format '%wx%h' "$G/denoise.png" 2>/dev/null)
    dchanged=$(compare -metric AE "$G/big.png" "$G/denoise.png" null: 2>&1)
    check "GIMP: plug-in-dip-denoise writes a 64x64 result that differs from its input (${dsize:-no} result, $dchanged pixels changed)" \
        awk -v s="$dsize" -v n="$dchanged" 'BEGIN { exit !(s == "64x64" && n ~ /^[0-9]+$/ && n > 0) }'
    local same differ
    same=$(compare -metric AE "$G/last-5.png" "$G/last-vals.png" null: 2>&1)
    differ=$(compare -metric AE "$G/last-5.png" "$G/last-6.png" null: 2>&1)
    check "GIMP: plug-in-dip-denoise RUN-WITH-LAST-VALS repeats the last run's settings (pixels differing from it: $same)" \
        [ "$same" = 0 ]
    check "GIMP: ... and not the arguments it was given (a run with those differs in $differ pixels)" \
        awk -v n="$differ" 'BEGIN { exit !(n ~ /^[0-9]+$/ && n > 0) }'
    # The selection is the 24x24 square at 40,40: the result differs from the input inside it and
    # nowhere in the 32x32 corner at 0,0, outside it.
    local isize inside outside
    isize=$(identify -format '%wx%h' "$G/inpaint.png" 2>/dev/null)
    inside=$(compare -metric AE -extract 24x24+40+40 "$G/large.png" "$G/inpaint.png" null: 2>&1)
    outside=$(compare -metric AE -extract 32x32+0+0 "$G/large.png" "$G/inpaint.png" null: 2>&1)
    check "GIMP: plug-in-dip-inpaint fills the selection (${isize:-no} result, want 128x128; pixels changed inside it: $inside, in a corner outside it: $outside)" \
        awk -v s="$isize" -v i="$inside" -v o="$outside" 'BEGIN { exit !(s == "128x128" && i ~ /^[0-9]+$/ && i > 0 && o == "0") }'
    check "GIMP: plug-in-dip-inpaint without a selection fails with a message" \
        bash -c "[ ! -f '$G/inpaint-nosel.png' ] && grep -q 'nothing is selected' '$log'"
    local w
    w=$(identify -format '%w' "$G/sr.png" 2>/dev/null)
    check "GIMP: plug-in-dip-sr enlarges the image (width ${w:-none})" [ "${w:-0}" -gt 64 ]
}
gimp_tests
