#!/usr/bin/env bash
# fsmgen check before and after a change to the explorer, side by side.
#
#   bash check/bench-reduce.sh                          # BASE=main; linux; 1x2 2x1
#   BASE=e772741 PROFILE=bsd SIZES="2x1 3x1" bash check/bench-reduce.sh
#   BASE=e35bd82 SIZES=2x2 PLAIN=0 bash check/bench-reduce.sh  # the default bounds
#
# Builds fsmgen from the commit BASE (git archive, in a temporary
# directory) and from the working tree, then, for each size (capacity x
# incarnations), runs one after the other, as separate processes under
# /usr/bin/time (wall clock, CPU, peak resident set):
#
#   base     fsmgen check -profile P -capacity C -incarnations I   built from BASE
#   plain    the same, built from the working tree, with -plain (no reductions;
#            left out with PLAIN=0)
#   reduced  the same, built from the working tree
#
# and prints, per run, states, wall and CPU seconds, states per second
# and peak memory, then the ratios of reduced to base. The load average
# is printed before and after: the machine may be shared, so compare
# runs made one after another, and repeat (REPS, default 1; the median
# wall time is kept).
#
# Needs go, git and GNU time (/usr/bin/time). Run by hand, not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-main}
PLAIN=${PLAIN:-1}
PROFILE=${PROFILE:-linux}
SIZES=${SIZES:-"1x2 2x1"}
REPS=${REPS:-1}
for t in go git /usr/bin/time; do
  command -v "$t" >/dev/null 2>&1 || { echo "bench-reduce: $t is not installed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fsmgen-bench-reduce.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/base"
git archive "$BASE" | tar -x -C "$work/base"
(cd "$work/base" && go build -o "$work/fsmgen-base" ./cmd/fsmgen)
go build -o "$work/fsmgen" ./cmd/fsmgen

# run NAME BIN ARGS...: runs fsmgen check REPS times; sets states, wall
# (median), cpu (of the median run) and kb (largest peak).
run() {
  local name=$1 bin=$2
  shift 2
  local walls=() line
  kb=0
  for _ in $(seq "$REPS"); do
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$bin" check "$@" -json >"$work/$name.json" 2>/dev/null || true
    read -r w u s k <"$work/time"
    walls+=("$w $(echo "$u + $s" | bc)")
    [ "$k" -gt "$kb" ] && kb=$k
  done
  line=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((REPS + 1) / 2))p")
  wall=${line% *}
  cpu=${line#* }
  states=$(grep -m1 '"states"' "$work/$name.json" | tr -dc 0-9)
  [ -n "$states" ] || { echo "bench-reduce: $name failed:"; cat "$work/$name.json"; exit 1; }
  printf '  %-8s %12s states  %8.2f s wall  %8.2f s CPU  %10.0f states/s  %8.1f MB peak\n' \
    "$name" "$states" "$wall" "$cpu" "$(echo "$states / $wall" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}

echo "base $(git rev-parse --short "$BASE"), working tree $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for size in $SIZES; do
  c=${size%x*}
  i=${size#*x}
  args=(-profile "$PROFILE" -capacity "$c" -incarnations "$i" -max-states 400000000)
  echo "== $PROFILE $size (capacity $c, incarnations $i)"
  run base "$work/fsmgen-base" "${args[@]}"
  bs=$states bw=$wall bc_=$cpu bk=$kb
  [ "$PLAIN" = 0 ] || run plain "$work/fsmgen" "${args[@]}" -plain
  run reduced "$work/fsmgen" "${args[@]}"
  printf '  reduced/base: states %.3f, wall %.3f, CPU %.3f, peak memory %.3f\n' \
    "$(echo "$states / $bs" | bc -l)" "$(echo "$wall / $bw" | bc -l)" "$(echo "$cpu / $bc_" | bc -l)" "$(echo "$kb / $bk" | bc -l)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
