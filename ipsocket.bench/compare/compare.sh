#!/usr/bin/env bash
# Before/after benchmark comparison of two builds of ipsocket.bench, in one sitting.
#
#   ipsocket.bench/compare/compare.sh BEFORE.jar AFTER.jar [ROUNDS] [extra bench options...]
#
# Runs the two jars alternately (before, after, before, after, ...) ROUNDS times (default 3),
# each a single run of every mode for nio and ipsocket (`--no-jmh --runs 1`), so that a
# disturbance of the machine hits both builds alike. Every RESULT line is kept in
# target/compare/<label>-<round>.txt; summarise.py then prints, per mode and figure, the median
# over the rounds of ipsocket's ratio to raw NIO *of the same invocation* for each build, and
# the after/before quotient of those medians. Use it on a quiet machine (uptime load < 0.5).
set -euo pipefail
before=${1:?before jar}; after=${2:?after jar}; rounds=${3:-3}; shift $(( $# < 3 ? $# : 3 ))
out=${COMPARE_OUT:-$(dirname "$0")/../target/compare}
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  for label in before after; do
    jar=$before; [ "$label" = after ] && jar=$after
    echo "== round $round $label ($(uptime | sed 's/.*load/load/'))" >&2
    java -jar "$jar" --no-jmh --runs 1 --impls nio,ipsocket --json "$out/$label-$round.json" "$@" \
      | grep '^RESULT' > "$out/$label-$round.txt"
  done
done
python3 "$(dirname "$0")/summarise.py" "$out"
