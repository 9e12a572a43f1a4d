#!/usr/bin/env bash
# Tests/slurm/run.sh — dip on a real Slurm cluster: starts a one-node cluster of its own (munged,
# slurmctld, slurmd from Debian's slurm-wlm, on private ports, state in a scratch folder), submits
# examples/slurm/submit.sh over 6 small images as a 3-task array, cancels one task while it runs,
# resubmits, and checks that every output is there, equal to a local dip-pipe run of the same item
# and seed, with no finished item done twice. Shuts its cluster down and leaves nothing running.
# Needs root (slurmd); without it, or without slurm-wlm, it skips.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/.build/slurm-test
DIP=${DIP_PIPE:-$ROOT/.build/release/dip-pipe}
PASSED=0 FAILED=0 SKIPPED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP: $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
summary() {
    local line="$PASSED passed, $FAILED failed"; [ "$SKIPPED" -gt 0 ] && line="$line, $SKIPPED skipped"
    echo "$line"; [ "$FAILED" -eq 0 ]; exit $?
}
if [ "$(id -u)" -ne 0 ] || ! command -v slurmctld > /dev/null || ! command -v munged > /dev/null; then
    skip "Slurm cluster test (needs root and Debian's slurm-wlm and munge)"; summary
fi
rm -rf "$WORK" && mkdir -p "$WORK"/{state,spool,munge,in}
chmod 700 "$WORK/munge"
H=$(hostname -s)

# --- the cluster ---------------------------------------------------------------------------------
stop_cluster() {
    scancel --full --quiet -u root 2> /dev/null
    for pid in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munge/pid"; do
        [ -f "$pid" ] && kill "$(cat "$pid")" 2> /dev/null
    done
    sleep 1
    for pid in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munge/pid"; do
        [ -f "$pid" ] && kill -9 "$(cat "$pid")" 2> /dev/null
    done
    return 0
}
trap stop_cluster EXIT
cp /etc/munge/munge.key "$WORK/munge/key" 2> /dev/null || dd if=/dev/urandom of="$WORK/munge/key" bs=1024 count=1 2> /dev/null
chmod 600 "$WORK/munge/key"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=dipci
SlurmctldHost=$H
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16917
SlurmdPort=16918
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/sock
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=$H CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$WORK/slurm.conf
munged --key-file="$WORK/munge/key" --socket="$WORK/munge/sock" --pid-file="$WORK/munge/pid" \
       --log-file="$WORK/munge/log" --seed-file="$WORK/munge/seed" --force > "$WORK/munged.out" 2>&1 &&
slurmctld > "$WORK/slurmctld.out" 2>&1 && sleep 1 && slurmd > "$WORK/slurmd.out" 2>&1
up=0
for _ in $(seq 1 30); do sinfo -h -o %t 2> /dev/null | grep -q idle && { up=1; break; }; sleep 1; done
if [ "$up" = 1 ]; then pass "one-node Slurm cluster up ($(sinfo -h -o '%P %D node(s) %c CPUs %t'))"
else fail "one-node Slurm cluster up"; tail -5 "$WORK"/*.log 2>/dev/null | sed 's/^/    | /'; summary; fi

# --- inputs --------------------------------------------------------------------------------------
for k in 1 2 3 4 5 6; do
    "$DIP" --quiet --seed "$k" resize --width 64 --height 48 ! add-noise --sigma 20 "$ROOT/examples/sample.png" > "$WORK/in/img$k.png"
done
CHAIN=(denoise --preset quality --iters 300)
export PATH=$(dirname "$DIP"):$PATH DIP_SEED=3 SBATCH_OPTIONS="-c 1"
wait_for_jobs() {   # until the queue is empty (at most 10 minutes)
    for _ in $(seq 1 600); do [ -z "$(squeue -h -u root 2> /dev/null)" ] && return 0; sleep 1; done
    return 1
}
done_items() { grep -l '"status":0,' "$WORK"/out/*.dip.json 2> /dev/null | wc -l; }

# --- round 1: submit, cancel one task while it runs ---------------------------------------------
ids=$(bash "$ROOT/examples/slurm/submit.sh" 3 "$WORK/in" "$WORK/out" "${CHAIN[@]}" 2> "$WORK/submit1.err")
array=$(sed -n 's/^array \([0-9]*\).*/\1/p' <<< "$ids")
check "submit.sh submits a 3-task array and a summary job ($ids)" [ -n "$array" ]
cancelled=""
for _ in $(seq 1 300); do   # cancel the first task seen running once some item has finished
    running=$(squeue -h -r -t R -j "$array" -o %i 2> /dev/null | head -1)
    if [ -n "$running" ] && [ "$(done_items)" -ge 1 ]; then scancel "$running"; cancelled=$running; break; fi
    sleep 0.2
done
wait_for_jobs
round1=$(done_items)
check "a task was cancelled while running ($cancelled); $round1 of 6 items finished in round 1" \
    [ -n "$cancelled" -a "$round1" -lt 6 ]

# --- round 2: resubmit the same command; finished items are not redone ---------------------------
bash "$ROOT/examples/slurm/submit.sh" 3 "$WORK/in" "$WORK/out" "${CHAIN[@]}" > "$WORK/submit2.out" 2>&1
wait_for_jobs
array2=$(sed -n 's/^array \([0-9]*\).*/\1/p' "$WORK/submit2.out")
# What round 2's tasks did: the "N done" of each task's closing batch line.
round2_done=$(cat "$WORK"/out/logs/dip-"${array2:-none}"_*.log 2> /dev/null |
              sed -n 's/.*item(s): \([0-9]*\) done.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
check "round 2 finishes the set: 6 of 6 outputs with successful records" [ "$(done_items)" = 6 ]
check "round 2 did only what was left ($round2_done items done, $((6 - round1)) were left)" [ "$round2_done" = $((6 - round1)) ]
same=0
for k in 1 2 3 4 5 6; do
    "$DIP" --quiet --seed 3 "${CHAIN[@]}" "$WORK/in/img$k.png" | cmp -s - "$WORK/out/img$k.png" && same=$((same + 1))
done
check "every output equals a local dip-pipe run of the item with the same seed ($same of 6)" [ "$same" = 6 ]
summary_log=$(ls -t "$WORK"/out/logs/summary-*.log 2> /dev/null | head -1)
check "the summary job ran after the array ($(tail -1 "$summary_log" 2> /dev/null))" \
    grep -q "dip summary: 6 done, 0 failed" "$summary_log"
# --- throughput (DIP_SLURM_THROUGHPUT=1 only; a benchmark, not a check) ---------------------------
# 12 images through the same chain: one dip-pipe process using both CPUs, against a 2-task array
# of one CPU each; prints items per minute of wall time for both.
if [ "${DIP_SLURM_THROUGHPUT:-0}" = 1 ]; then
    mkdir -p "$WORK/many"
    for k in $(seq 1 12); do
        "$DIP" --quiet --seed "$k" resize --width 128 --height 96 ! add-noise --sigma 20 "$ROOT/examples/sample.png" > "$WORK/many/m$k.png"
    done
    t0=$(date +%s.%N)
    "$DIP" --quiet --seed 3 batch --inputs "$WORK/many" --outputs "$WORK/one" "${CHAIN[@]}" 2> "$WORK/one.log"
    t1=$(date +%s.%N)
    bash "$ROOT/examples/slurm/submit.sh" 2 "$WORK/many" "$WORK/array" "${CHAIN[@]}" > /dev/null 2>&1
    wait_for_jobs
    t2=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
        printf "THROUGHPUT: one process (2 threads) %.1f s = %.2f items/min; 2-task array (1 CPU each) %.1f s = %.2f items/min; ratio %.2f\n",
               b - a, 12 * 60 / (b - a), c - b, 12 * 60 / (c - b), (b - a) / (c - b) }'
fi

stop_cluster; trap - EXIT
cluster_gone() {
    local pid
    for pid in "$WORK/slurmd.pid" "$WORK/slurmctld.pid" "$WORK/munge/pid"; do
        [ -f "$pid" ] && kill -0 "$(cat "$pid")" 2> /dev/null && return 1
    done
    return 0
}
check "the cluster is shut down (no munged, slurmctld or slurmd of this test left)" cluster_gone
summary
