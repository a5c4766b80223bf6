#!/usr/bin/env bash
# fsmgen check against SPIN on the very same model, at growing bounds.
#
#   bash promela/bench.sh                      # linux; 1x2 2x1 3x1 (capacity x incarnations)
#   PROFILE=bsd SIZES="1x2 1x3" REPS=5 bash promela/bench.sh
#
# For each size it exports the model (fsmgen promela) and times, as
# separate processes under /usr/bin/time (wall clock, peak resident set):
#
#   fsmgen check -profile P -capacity C -incarnations I -plain   on one core (GOMAXPROCS=1) and on all
#       (the whole check: P9, P1..P8 with P2's liveness half on the state graph;
#       -plain, without the reductions, so that it explores the states pan does)
#   spin -a; gcc -O2 -DSAFETY -DNOREDUCE; ./pan -c0 -E   the safety run (P1..P8, P2's safety half)
#   spin -DLIVENESS -a; gcc -O2 -DNOREDUCE; ./pan -a -N p2   P2's liveness half
#
# pan keeps its default full state storage (no -DCOLLAPSE, -DHC or bitstate);
# its hash table gets 2^w slots for the smallest w with 2^w >= the number
# of states (-w), and its depth-first stack starts at -m10000 and grows
# tenfold while pan says it is too small (the run is repeated). Times are
# the median of REPS runs (default 3), peak memory the largest; bytes per
# state is peak resident memory over states. It also checks that both
# report the same number of states and the same verdicts.
#
# Needs go, spin, gcc and GNU time (/usr/bin/time). Run by hand, not in CI:
# the machine is shared, so timings are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-linux}
SIZES=${SIZES:-"1x2 2x1 3x1"}
REPS=${REPS:-3}
CFLAGS=${CFLAGS:--O2}
for t in go spin gcc /usr/bin/time; do
  command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is not installed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fsmgen-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/fsmgen" ./cmd/fsmgen

# timed OUT CMD...: runs CMD with its output in OUT; prints "wall CPU KB"
# (CPU: user + system seconds; KB: peak resident set).
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out" 2>&1 || true
  tail -n 1 "$work/time" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}'
}

# median of the numbers on standard input
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
maxof() { sort -g | tail -n 1; }

# pan_run DIR ARGS...: runs ./pan in DIR, growing -m while it is too small;
# leaves the output in DIR/pan.out and prints "wall CPU KB".
pan_run() {
  local dir=$1; shift
  local depth=10000 r
  while :; do
    r=$(cd "$dir" && timed pan.out ./pan "$@" "-m$depth")
    if grep -q "max search depth too small" "$dir/pan.out"; then
      depth=$((depth * 10)); continue
    fi
    echo "$r"; return
  done
}

# measure VAR CMD...: runs CMD REPS times; sets VAR_wall and VAR_cpu to the
# medians and VAR_kb to the largest peak.
measure() {
  local var=$1; shift
  local w=() c=() k=() a b d
  for ((r = 0; r < REPS; r++)); do
    read -r a b d < <("$@")
    w+=("$a") c+=("$b") k+=("$d")
  done
  printf -v "${var}_wall" '%s' "$(printf '%s\n' "${w[@]}" | median)"
  printf -v "${var}_cpu" '%s' "$(printf '%s\n' "${c[@]}" | median)"
  printf -v "${var}_kb" '%s' "$(printf '%s\n' "${k[@]}" | maxof)"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == 0) print "-"; else printf "%.0f", n / s }'; }
perstate() { awk -v kb="$1" -v n="$2" 'BEGIN { printf "%.0f", kb * 1024 / n }'; }

echo "fsmgen check ($(git describe --always --dirty 2>/dev/null || echo "no git"), $(go env GOVERSION)) against SPIN $(spin -V | sed -n 's/Spin Version \([^ ]*\).*/\1/p'), gcc $(gcc -dumpfullversion), $(nproc) cores, profile $PROFILE, $REPS runs each (median time, largest peak memory)"
echo "pan: $CFLAGS -DSAFETY -DNOREDUCE (safety) / $CFLAGS -DNOREDUCE (liveness), full state storage, -w as the states need, -m grown as needed"
echo
speed=() mem=()
for size in $SIZES; do
  c=${size%x*} i=${size#*x}
  d="$work/$size"
  mkdir -p "$d/safety" "$d/liveness"
  args=(-profile "$PROFILE" -capacity "$c" -incarnations "$i")

  # fsmgen check, on one core and on all.
  measure c1 timed "$d/check.json" env GOMAXPROCS=1 "$work/fsmgen" check "${args[@]}" -plain -max-states 400000000 -json
  measure c2 timed "$d/check2.json" "$work/fsmgen" check "${args[@]}" -plain -max-states 400000000 -json
  states=$(grep -m1 '"states"' "$d/check.json" | tr -dc 0-9)
  [ -n "$states" ] || { echo "bench: fsmgen check failed:"; cat "$d/check.json"; exit 1; }
  # fsmgen check's verdicts: the IDs of the properties that do not hold.
  cverd=$(grep -E '"(id|holds)"' "$d/check.json" | paste - - | { grep '"holds": false' || true; } | sed 's/.*"id": "\(P[0-9]\)".*/\1/' | sort -u | tr '\n' ' ')

  # SPIN: export, spin -a, gcc, pan.
  "$work/fsmgen" promela "${args[@]}" -o "$d/safety/model.pml"
  cp "$d/safety/model.pml" "$d/liveness/model.pml"
  w=1
  while [ $((1 << w)) -lt "$states" ]; do w=$((w + 1)); done
  read -r ta _ < <(cd "$d/safety" && timed spin.out spin -a model.pml)
  read -r tg _ < <(cd "$d/safety" && timed gcc.out gcc $CFLAGS -DSAFETY -DNOREDUCE -DVECTORSZ=1024 -DMEMLIM=16384 -o pan pan.c)
  [ -x "$d/safety/pan" ] || { echo "bench: pan did not compile:"; cat "$d/safety/gcc.out"; exit 1; }
  measure ps pan_run "$d/safety" -c0 -E "-w$w"
  pstates=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$d/safety/pan.out")
  depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$d/safety/pan.out")

  (cd "$d/liveness" && spin -DLIVENESS -a model.pml >spin.out 2>&1 && gcc $CFLAGS -DNOREDUCE -DVECTORSZ=1024 -DMEMLIM=16384 -o pan pan.c >gcc.out 2>&1)
  measure pl pan_run "$d/liveness" -a -E -N p2 "-w$((w + 1))"
  lstates=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$d/liveness/pan.out")

  # Verdicts: the properties that do not hold (violations and findings
  # alike): fsmgen check's JSON, pan's failed assertions and claim.
  pall=$( { grep -o 'assertion violated *!(P[0-9]_[a-z]*)' "$d/safety/pan.out" || true; } | { grep -o 'P[0-9]' || true; } | sort -u | tr '\n' ' ')
  if ! grep -q "errors: 0" "$d/liveness/pan.out"; then
    pall=$(echo "$pall P2" | tr ' ' '\n' | { grep . || true; } | sort -u | tr '\n' ' ')
  fi
  agree="yes"
  [ "$pstates" = "$states" ] || agree="NO: $states states against pan's $pstates"
  [ "$pall" = "$cverd" ] || agree="NO: verdicts '$cverd' against pan's '$pall'"

  echo "== $size (capacity $c, incarnations $i): $states states; fsmgen check and SPIN agree: $agree; properties that do not hold: ${cverd:-none}"
  echo "   fsmgen check, 1 core:    wall $c1_wall s, CPU $c1_cpu s, $(rate "$states" "$c1_cpu") states/CPU-s, peak $((c1_kb / 1024)) MiB = $(perstate "$c1_kb" "$states") B/state"
  echo "   fsmgen check, $(nproc) cores:   wall $c2_wall s, CPU $c2_cpu s, $(rate "$states" "$c2_wall") states/s, peak $((c2_kb / 1024)) MiB"
  echo "   spin -a: $ta s; gcc $CFLAGS: $tg s"
  echo "   pan safety:  wall $ps_wall s, CPU $ps_cpu s, $(rate "$states" "$ps_cpu") states/CPU-s, peak $((ps_kb / 1024)) MiB = $(perstate "$ps_kb" "$states") B/state (-w$w, depth $depth)"
  echo "   pan P2 liveness (-a -N p2): wall $pl_wall s, CPU $pl_cpu s, $lstates product states, peak $((pl_kb / 1024)) MiB"
  both=$(awk -v a="$ps_cpu" -v b="$pl_cpu" 'BEGIN { printf "%.2f", a + b }')
  speed+=("| $c x $i | $states | $c1_cpu s, $(rate "$states" "$c1_cpu")/s | $ps_cpu s, $(rate "$states" "$ps_cpu")/s | $(ratio "$ps_cpu" "$c1_cpu") | $both s | $(ratio "$both" "$c1_cpu") | $c2_wall s | $ta + $tg s |")
  mem+=("| $c x $i | $states | $((c1_kb / 1024)) MiB, $(perstate "$c1_kb" "$states") B | $((ps_kb / 1024)) MiB, $(perstate "$ps_kb" "$states") B | $(ratio "$ps_kb" "$c1_kb") | $((pl_kb / 1024)) MiB | $((c2_kb / 1024)) MiB |")
done

echo
echo "Time (CPU seconds, median of $REPS; states per CPU-second). fsmgen check's time is the whole check, P2's liveness half included."
echo
echo "| capacity x incarnations | states | fsmgen check, 1 core | pan safety | pan / check | pan safety + P2 liveness | pan (both) / check | fsmgen check, $(nproc) cores (wall) | spin -a + gcc $CFLAGS (wall) |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${speed[@]}"
echo
echo "Memory (peak resident set; bytes per state = peak / states)."
echo
echo "| capacity x incarnations | states | fsmgen check, 1 core | pan safety | pan / check | pan P2 liveness | fsmgen check, $(nproc) cores |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${mem[@]}"
