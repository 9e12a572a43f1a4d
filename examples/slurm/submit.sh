#!/usr/bin/env bash
# Submits a dip job array over INPUTS (a folder or a list file) and a summary job after it:
#   examples/slurm/submit.sh TASKS[%PARALLEL] INPUTS OUTPUTS FILTER [--param v]... [! ...]
# e.g. submit.sh 8%4 photos/ restored/ denoise --sigma 25   (8 shards, at most 4 at once).
# Extra sbatch options (partition, time, CPUs) go in SBATCH_OPTIONS, e.g. "-p cpu -t 4:00:00 -c 4".
# Prints the array's and the summary's job ids. Resubmitting the same command later finishes
# whatever is left (finished items are skipped).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 4 ] || { echo "usage: $0 TASKS[%PARALLEL] INPUTS OUTPUTS CHAIN..." >&2; exit 2; }
tasks=$1 inputs=$2 outputs=$3; shift 3
count=${tasks%%%*} throttle=${tasks#"$count"}
mkdir -p "$outputs/logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="0-$((count - 1))$throttle" \
        -o "$outputs/logs/dip-%A_%a.log" "$here/dip-array.sbatch" "$inputs" "$outputs" "$@")
summary=$(sbatch --parsable --dependency="afterany:${array%%;*}" -o "$outputs/logs/summary-%j.log" \
          "$here/dip-summary.sbatch" "$outputs")
echo "array $array, summary $summary"
