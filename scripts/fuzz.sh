#!/usr/bin/env bash
# Coverage-guided fuzzing of dip's input paths with libFuzzer + AddressSanitizer.
#
#   bash scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]   TARGET: decode, stream, spec, capi, or all
#
# Builds Tests/Fuzz with -sanitize=fuzzer,address (and the C codec shims with ASan) into
# .build-fuzz, writes seed corpora the project makes itself (small valid files of every format,
# two-image streams, filter specs) into .build-fuzz/corpus/TARGET, and fuzzes each target for
# SECONDS, growing that corpus. A finding is written as .build-fuzz/findings/TARGET/crash-* and
# the script exits non-zero; `dip-fuzz TARGET FILE` (a plain build) replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:?usage: fuzz.sh TARGET SECONDS} SECONDS_EACH=${2:?usage: fuzz.sh TARGET SECONDS}
shift 2
SCRATCH=.build-fuzz
swift build -c release --scratch-path "$SCRATCH" --product dip-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DDIP_FUZZ -Xcc -fsanitize=address 2>&1 \
  | grep -v "Cannot export local symbol" || true
BIN=$SCRATCH/release/dip-fuzz
[ -x "$BIN" ] || { echo "fuzz.sh: build failed" >&2; exit 1; }
"$BIN" --seeds "$SCRATCH/corpus"
targets=$TARGET; [ "$TARGET" = all ] && targets="decode stream spec capi"
status=0
for t in $targets; do
  mkdir -p "$SCRATCH/findings/$t"
  echo "== $t: ${SECONDS_EACH}s"
  if ! DIP_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=0 "$BIN" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 -artifact_prefix="$SCRATCH/findings/$t/" "$@" "$SCRATCH/corpus/$t" \
      2>&1 | grep -E "^(stat::|==|SUMMARY|artifact_prefix|Test unit written|#[0-9]+ +DONE)|ERROR" ; then :; fi
  if compgen -G "$SCRATCH/findings/$t/*" > /dev/null; then
    echo "fuzz.sh: $t has findings:"; ls "$SCRATCH/findings/$t"; status=1
  fi
done
exit $status
