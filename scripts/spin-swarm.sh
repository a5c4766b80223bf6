#!/usr/bin/env bash
# A model too big for fsmgen check's exact search, on SPIN's bitstate
# search, as a swarm: many short runs that differ in search order and hash
# functions, spread over the cores of this machine and of other hosts.
#
#   bash scripts/spin-swarm.sh -profile rfc9293 -capacity 3 -incarnations 2
#   RUNS=8 JOBS=2 MINUTES=5 BITS=33 bash scripts/spin-swarm.sh -profile linux -capacity 2 -incarnations 3
#   HOSTS="big1 big2" JOBS=16 RUNS=64 bash scripts/spin-swarm.sh -profile bsd -capacity 3 -incarnations 3
#
# The arguments are fsmgen promela's (the profile and the bounds). The
# model is exported once, translated with spin -a, and compiled as a
# bitstate verifier of the safety properties:
#
#   gcc $PAN_CFLAGS -DBITSTATE -DSAFETY -DNOREDUCE -DT_RAND -DP_RAND
#
# Each of RUNS runs (default: 2 per job slot) is ./pan -c0 -E with its own
# randomization seed (-RS, with -DT_RAND the order in which a state's
# successors are explored), its own hash function (-h) and bits per state
# (-k 2 to 4), a bit array of 2^BITS bits (-w, default 32: 512 MiB a run),
# and a time limit of MINUTES minutes (-Q, default 2). A bitstate search
# never reports a violation that is not there; it may miss states, and a
# swarm of differently ordered runs misses fewer of them than one long run
# (Holzmann, Joshi and Groce, "Swarm verification", ASE 2008).
#
# Where the runs go: JOBS at a time on this machine (default: its cores);
# with HOSTS (ssh names, as in ~/.ssh/config, that log in without a
# password and have gcc), JOBS at a time on each of them as well. pan.c is
# copied to each host and compiled there, so hosts need not share this
# machine's architecture, only a C compiler. Runs are dealt to the job
# slots in turn; every slot runs its share one after the other.
#
# Output: a line per run (host, states stored, depth, hash factor, time,
# what failed), then the properties some run found failing, named by the
# model's assertions (P3_violated, or P7_finding for a finding the profile
# declares). The runs' files stay in OUT (default: a new directory under
# $TMPDIR, named at the end), each in OUT/run-N. Runs go on past errors
# (-c0) and write no trails; for a counterexample, run the line's pan
# arguments again in OUT with -c1 in place of -c0 (the same seeds search
# in the same order) and replay its trail: spin -t -p model.pml. Exit
# status 1 if a run found a violation no finding declares, 2 for bad usage
# or a tool that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc)}
RUNS=${RUNS:-$((2 * JOBS))}
MINUTES=${MINUTES:-2}
BITS=${BITS:-32}
HOSTS=${HOSTS:-}
PAN_CFLAGS=${PAN_CFLAGS:--O2}
for v in JOBS RUNS MINUTES BITS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "spin-swarm: $v=${!v}: want a positive whole number" >&2; exit 2; }
done
((BITS >= 10 && BITS <= 40)) || { echo "spin-swarm: BITS=$BITS: want 10 to 40 (a bit array of 2^BITS bits)" >&2; exit 2; }
for t in go spin gcc; do
  command -v "$t" >/dev/null 2>&1 || { echo "spin-swarm: $t is not installed (Debian: apt-get install spin gcc)" >&2; exit 2; }
done

OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/spin-swarm.XXXXXX")}
mkdir -p "$OUT"
go build -o "$OUT/fsmgen" ./cmd/fsmgen
"$OUT/fsmgen" promela "$@" -o "$OUT/model.pml" || exit 2
cflags=($PAN_CFLAGS -DBITSTATE -DSAFETY -DNOREDUCE -DT_RAND -DP_RAND -DVECTORSZ=1024)
(cd "$OUT" && spin -a model.pml >spin.out 2>&1) || { echo "spin-swarm: spin -a failed:" >&2; cat "$OUT/spin.out" >&2; exit 2; }
(cd "$OUT" && nice gcc "${cflags[@]}" -o pan pan.c >gcc.out 2>&1) || { echo "spin-swarm: pan did not compile:" >&2; cat "$OUT/gcc.out" >&2; exit 2; }

# Each host gets pan.c and compiles its own pan, in a directory named
# after OUT's.
rdir="spin-swarm-$(basename "$OUT")"
for h in $HOSTS; do
  ssh -o BatchMode=yes "$h" "mkdir -p $rdir" &&
    scp -q -o BatchMode=yes "$OUT/pan.c" "$OUT/model.pml" "$h:$rdir/" &&
    ssh -o BatchMode=yes "$h" "cd $rdir && nice gcc ${cflags[*]} -o pan pan.c" ||
    { echo "spin-swarm: cannot set up $h (ssh, scp or gcc failed)" >&2; exit 2; }
done

# pan_args R: pan's arguments for run R.
pan_args() {
  local r=$1
  echo "-c0 -E -m10000000 -w$BITS -k$((2 + r % 3)) -h$(((r * 37) % 500)) -RS$((r * 7919 + 1)) -Q$MINUTES"
}

# run_slot HOST SLOT: the runs dealt to job slot SLOT of HOST ("" for
# this machine), one after the other.
run_slot() {
  local host=$1 slot=$2 r
  for ((r = slot; r < RUNS; r += nslots)); do
    mkdir -p "$OUT/run-$r"
    echo "${host:-localhost}" >"$OUT/run-$r/host"
    if [ -z "$host" ]; then
      (cd "$OUT/run-$r" && nice ../pan $(pan_args "$r") >pan.out 2>&1) || true
    else
      ssh -o BatchMode=yes "$host" "mkdir -p $rdir/run-$r && cd $rdir/run-$r && nice ../pan $(pan_args "$r")" >"$OUT/run-$r/pan.out" 2>&1 || true
    fi
  done
}

hosts=("" $HOSTS)
nslots=$((JOBS * ${#hosts[@]}))
echo "spin-swarm: fsmgen promela $*: profile $(sed -n 's/^ \*   profile: *//p' "$OUT/model.pml" | head -n 1); $(sed -n 's/^ \*   bounds: *//p' "$OUT/model.pml" | head -n 1)"
echo "spin-swarm: $RUNS bitstate runs of at most $MINUTES min, 2^$BITS bits each, $JOBS at a time on each of: localhost${HOSTS:+ $HOSTS}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
slot=0
for h in "${hosts[@]}"; do
  for ((j = 0; j < JOBS; j++)); do
    run_slot "$h" "$slot" &
    slot=$((slot + 1))
  done
done
wait
wall=$(($(date +%s) - start))

failing=() violated=0 most=0 total=0
for ((r = 0; r < RUNS; r++)); do
  o="$OUT/run-$r/pan.out"
  n=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$o" | head -n 1)
  depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$o" | head -n 1)
  factor=$(sed -n 's/^hash factor: \([0-9.e+-]*\).*/\1/p' "$o" | head -n 1)
  secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\).*/\1/p' "$o" | head -n 1)
  fails=$({ grep -o 'assertion violated *!(P[0-9]*_[a-z]*)' "$o" || true; } | sed 's/.*!(\(.*\))/\1/' | sort -u | tr '\n' ' ' | sed 's/ $//')
  limit=""
  grep -q "pan: reached -Q time limit\|Time limit" "$o" && limit=", stopped by the time limit"
  [ -n "$n" ] || { echo "run $r: no state count; pan said:"; tail -n 5 "$o"; continue; }
  echo "run $r on $(cat "$OUT/run-$r/host"): pan $(pan_args "$r"): $n states, depth ${depth:-?}, hash factor ${factor:-?}, ${secs:-?} s$limit; failing: ${fails:-none}"
  total=$((total + n)); ((n > most)) && most=$n
  for f in $fails; do
    failing+=("$f")
    [[ $f == *_violated ]] && violated=1
  done
done
found=$(printf '%s\n' "${failing[@]}" | { grep . || true; } | sort -u | tr '\n' ' ' | sed 's/ $//')
echo "spin-swarm: $wall s wall; $total states stored over all runs, $most in the largest; failing: ${found:-none}; files in $OUT"
exit $violated
