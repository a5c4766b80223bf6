#!/usr/bin/env bash
# fsmgen check against SPIN's pan, side by side on the very same model.
#
#   bash scripts/bench-spin.sh                        # linux at 1x2 2x1 3x1 (capacity x incarnations)
#   PROFILE=bsd SIZES="1x2 1x3" REPS=3 bash scripts/bench-spin.sh
#
# For each size it exports the model with fsmgen promela and runs, one
# after the other on this machine, as separate processes under GNU time
# (wall clock, peak resident set):
#
#   pan   spin -a; gcc $PAN_CFLAGS -DSAFETY -DNOREDUCE; ./pan -c0 -E
#         on one core, and on all of them (-DNCORE=N) if SPIN accepts the
#         model multi-core (it refuses models with hidden variables, which
#         the export uses for its tables and scratch: the line says so)
#   fsmgen check -plain -safety -workers W, for each W of $WORKERS
#         (-plain: without the reductions, so that it stores the very
#         states pan does and states per second compare)
#
# Both check safety only: pan with -DSAFETY, fsmgen check with -safety (P2
# without its liveness half); fsmgen check also checks P10..P12, which the
# export leaves out. pan keeps its default full state storage, with 2^w
# hash slots for the smallest w with 2^w >= the states (-w), and a search
# stack grown tenfold while pan says it is too small (the run is then
# repeated). Each time is the median of REPS runs (default 1).
#
# It checks that both store the same number of states and find the same
# properties failing (P1..P8), and prints one line per model ending in
# "ratio R": fsmgen check's states per second of wall clock over pan's,
# each at its best setting (pan on its faster of one or all cores,
# fsmgen check on its fastest number of workers). Exit status 1 if the two
# disagree on any model, 2 if a tool is missing or fails.
#
# Needs go, spin, gcc and GNU time (/usr/bin/time); Debian: apt-get install
# spin gcc time. Run by hand, not in CI: on a shared machine timings are
# noisy, so the header gives the load average.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-linux}
SIZES=${SIZES:-"1x2 2x1 3x1"}
WORKERS=${WORKERS:-"1 2 4"}
REPS=${REPS:-1}
PAN_CFLAGS=${PAN_CFLAGS:--O2}
for t in go spin gcc /usr/bin/time; do
  command -v "$t" >/dev/null 2>&1 || { echo "bench-spin: $t is not installed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-spin.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/fsmgen" ./cmd/fsmgen

# timed OUT CMD...: runs CMD with its output in OUT; prints "wall KB"
# (wall seconds, peak resident set in KiB).
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$out" 2>&1 || true
  tail -n 1 "$work/time"
}

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
maxof() { sort -g | tail -n 1; }

# measure VAR CMD...: runs CMD REPS times; sets VAR_wall to the median wall
# time and VAR_kb to the largest peak.
measure() {
  local var=$1; shift
  local w=() k=() a b
  for ((r = 0; r < REPS; r++)); do
    read -r a b < <("$@")
    w+=("$a") k+=("$b")
  done
  printf -v "${var}_wall" '%s' "$(printf '%s\n' "${w[@]}" | median)"
  printf -v "${var}_kb" '%s' "$(printf '%s\n' "${k[@]}" | maxof)"
}

# pan_run DIR ARGS...: runs ./pan in DIR, growing -m while it is too
# small; leaves the output in DIR/pan.out and prints "wall KB".
pan_run() {
  local dir=$1; shift
  local depth=10000 r
  while :; do
    r=$(cd "$dir" && timed pan.out nice ./pan "$@" "-m$depth")
    if grep -q "max search depth too small" "$dir/pan.out"; then
      depth=$((depth * 10)); continue
    fi
    echo "$r"; return
  done
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == 0) print "-"; else printf "%.0f", n / s }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
mib() { echo $(($1 / 1024)); }
# failing OUT: the properties P1..P8 pan's output OUT reports failing.
pan_failing() { { grep -o 'assertion violated *!(P[0-9]*_[a-z]*)' "$1" || true; } | { grep -o 'P[0-9]*' || true; } | sort -u | tr '\n' ' ' | sed 's/ $//'; }
# check_failing JSON: the properties P1..P8 fsmgen check -json reports not holding.
check_failing() {
  { grep -E '^ *"(id|holds)"' "$1" || true; } | paste - - | { grep '"holds": false' || true; } |
    sed 's/.*"id": "\(P[0-9]*\)".*/\1/' | { grep -E '^P[1-8]$' || true; } | sort -u | tr '\n' ' ' | sed 's/ $//'
}

cores=$(nproc)
echo "bench-spin: fsmgen check ($(git describe --always --dirty 2>/dev/null || echo "no git"), $(go env GOVERSION)) against SPIN $(spin -V | sed -n 's/Spin Version \([^ ]*\).*/\1/p') pan (gcc $(gcc -dumpfullversion) $PAN_CFLAGS -DSAFETY -DNOREDUCE), profile $PROFILE, $REPS run(s) each"
echo "machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $cores cores, $(awk '{printf "%.1f GB", $2 / 1048576; exit}' /proc/meminfo) memory; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
disagree=0
for size in $SIZES; do
  c=${size%x*} i=${size#*x}
  d="$work/$size"
  mkdir -p "$d/pan" "$d/ncore"
  args=(-profile "$PROFILE" -capacity "$c" -incarnations "$i")

  # fsmgen check -safety at each number of workers.
  best= best_w= states=
  walls=() ups=()
  for w in $WORKERS; do
    measure f "timed" "$d/check-$w.json" nice "$work/fsmgen" check "${args[@]}" -plain -safety -workers "$w" -max-states 2000000000 -json
    n=$(grep -m1 '"states"' "$d/check-$w.json" | tr -dc 0-9)
    [ -n "$n" ] || { echo "bench-spin: fsmgen check failed on $size:" >&2; cat "$d/check-$w.json" >&2; exit 2; }
    [ -z "$states" ] || [ "$n" = "$states" ] || { echo "bench-spin: fsmgen check found $n states with $w workers, $states before" >&2; exit 2; }
    states=$n
    walls+=("$f_wall")
    if [ -z "$best" ] || awk -v a="$f_wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$f_wall best_w=$w best_kb=$f_kb
    fi
  done
  for t in "${walls[@]}"; do ups+=("$(div "${walls[0]}" "$t")"); done
  cfail=$(check_failing "$d/check-${best_w}.json")

  # pan, on one core and, if SPIN accepts the model, on all.
  "$work/fsmgen" promela "${args[@]}" -o "$d/pan/model.pml"
  cp "$d/pan/model.pml" "$d/ncore/model.pml"
  hw=1
  while [ $((1 << hw)) -lt "$states" ]; do hw=$((hw + 1)); done
  read -r ta _ < <(cd "$d/pan" && timed spin.out spin -a model.pml)
  read -r tg _ < <(cd "$d/pan" && timed gcc.out nice gcc $PAN_CFLAGS -DSAFETY -DNOREDUCE -DVECTORSZ=1024 -DMEMLIM=16384 -o pan pan.c)
  [ -x "$d/pan/pan" ] || { echo "bench-spin: pan did not compile:" >&2; cat "$d/pan/gcc.out" >&2; exit 2; }
  measure p pan_run "$d/pan" -c0 -E "-w$hw"
  pstates=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$d/pan/pan.out")
  pfail=$(pan_failing "$d/pan/pan.out")
  pbest=$p_wall pkb=$p_kb pset="1 core"
  (cd "$d/ncore" && spin -a model.pml >spin.out 2>&1 && nice gcc $PAN_CFLAGS -DSAFETY -DNOREDUCE -DNCORE="$cores" -DVECTORSZ=1024 -DMEMLIM=16384 -o pan pan.c >gcc.out 2>&1) || true
  if [ -x "$d/ncore/pan" ]; then
    measure q pan_run "$d/ncore" -c0 -E "-w$hw"
    qstates=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$d/ncore/pan.out" | awk '{s += $1} END {print s + 0}')
    ncore="-DNCORE=$cores: $q_wall s, $qstates states"
    if awk -v a="$q_wall" -v b="$p_wall" 'BEGIN { exit !(a < b) }'; then
      pbest=$q_wall pkb=$q_kb pset="$cores cores"
    fi
  else
    why=$(grep -m1 -o '#error .*' "$d/ncore/gcc.out" | sed 's/^#error //' || true)
    ncore="-DNCORE=$cores refused by SPIN: ${why:-see the output of gcc}"
  fi

  agree="same in both"
  if [ "$pstates" != "$states" ]; then
    agree="DISAGREE: pan stored $pstates"; disagree=1
  elif [ "$pfail" != "$cfail" ]; then
    agree="DISAGREE: failing '$cfail' against pan's '$pfail'"; disagree=1
  fi
  ws=$(echo $WORKERS | tr ' ' /)
  echo "$PROFILE ${c}x${i}: $states states, $agree; failing: ${cfail:-none}; pan $p_wall s $(rate "$states" "$p_wall") states/s $(mib "$p_kb") MiB on 1 core (-w$hw; spin -a $ta s, gcc $tg s), $ncore; fsmgen check -safety at $ws workers: $(IFS=/; echo "${walls[*]}") s, speed-up $(IFS=/; echo "${ups[*]}"), best $best s $(rate "$states" "$best") states/s $(mib "$best_kb") MiB at $best_w; pan at its best on $pset; ratio $(div "$pbest" "$best")"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $disagree
