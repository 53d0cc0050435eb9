#!/usr/bin/env bash
# Validation time of the 2,000-site synthetic hierarchy with and without 40 per-site custom tasks
# (80,000 custom tasks placed): custom-task insertion must stay linear in the plan.
# Usage: bench/custom_tasks.sh [path/to/release/cmplan]
set -euo pipefail
bin=${1:-target/release/cmplan}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" synth --size XL > "$work/xl.toml"
cp "$work/xl.toml" "$work/xl-custom.toml"
for i in $(seq 1 40); do
  printf '\n[[custom_task]]\nid = "STEP%02d"\ntitle = "Company step %d"\nexpected_result = "Done"\nafter = "SITE-UPG"\nscope = "each-site"\n' "$i" "$i"
done >> "$work/xl-custom.toml"
for f in xl xl-custom; do
  /usr/bin/time -f "$f: %e s elapsed, %U s user, %M KB" "$bin" validate "$work/$f.toml" > /dev/null
done
