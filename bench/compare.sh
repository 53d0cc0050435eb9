#!/usr/bin/env bash
# cmplan against what users would use instead, at S/M/L/XL synthetic hierarchies (issue 9).
#
#   bench/compare.sh [SIZES...]        default: S M L XL
#   BENCH_RUNS=N (default 5) · BENCH_PEERS=0 measures cmplan only · BENCH_WORK=DIR
#
# Installs its own tools when missing (Debian packages: hyperfine, pandoc, texlive-xetex, wkhtmltopdf,
# fonts-dejavu, poppler-utils, time; PyPI: XlsxWriter), builds cmplan in release mode, runs every
# command with hyperfine, measures peak RSS with /usr/bin/time -v, counts pages, checks that every PDF
# contains the last task ID, and writes BENCHMARKS.md. A peer whose first run exceeds 5 minutes at a
# size is skipped at that size and reported as such.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${BENCH_WORK:-$ROOT/target/bench}
RUNS=${BENCH_RUNS:-5}
PEER_LIMIT=300
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(S M L XL)
mkdir -p "$WORK"

need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
command -v pandoc >/dev/null || need_apt+=(pandoc)
command -v xelatex >/dev/null || need_apt+=(texlive-xetex texlive-fonts-recommended lmodern)
# enumitem (deep lists: the site tree nests deeper than LaTeX's 4 levels)
kpsewhich enumitem.sty >/dev/null 2>&1 || need_apt+=(texlive-latex-extra)
command -v wkhtmltopdf >/dev/null || need_apt+=(wkhtmltopdf)
command -v pdfinfo >/dev/null || need_apt+=(poppler-utils)
[ -x /usr/bin/time ] || need_apt+=(time)
fc-list 2>/dev/null | grep DejaVuSans >/dev/null || need_apt+=(fonts-dejavu)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c 'import xlsxwriter' 2>/dev/null || pip install -q XlsxWriter

cargo build --release --locked -q
CMPLAN=$ROOT/target/release/cmplan
DATE=2027-03-01

# peak RSS in MB of one run of a command
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.1f", $2/1024}'; }
# median seconds from a hyperfine JSON export
median() { python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
size_kb() { echo $(( $(stat -c %s "$1") / 1024 )); }
has_id() { pdftotext "$1" - 2>/dev/null | tr -d '\n ' | grep -qF "$(echo "$2" | tr -d ' ')" && echo yes || echo NO; }

declare -A R
for size in "${SIZES[@]}"; do
  dir=$WORK/$size
  mkdir -p "$dir"
  env_file=$dir/synth-$size.toml
  "$CMPLAN" synth --size "$size" --seed 1 > "$env_file"
  "$CMPLAN" generate "$env_file" -o "$dir" -f md,json,pdf,xlsx --date "$DATE" 2>/dev/null
  md=$dir/synth-$size.md
  json=$dir/synth-$size.json
  tasks=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(sum(len(ph["tasks"]) for ph in p["phases"]))' "$json")
  last_id=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["phases"][-1]["tasks"][-1]["id"])' "$json")
  R[$size,tasks]=$tasks
  R[$size,sites]=$(grep -c '^\[\[site\]\]' "$env_file")

  for fmt in md pdf xlsx all; do
    f=$fmt; [ "$fmt" = all ] && f=md,pdf,xlsx,json
    hyperfine -N -w 1 -r "$RUNS" --export-json "$dir/h-$fmt.json" \
      "$CMPLAN generate $env_file -o $dir/run -f $f --date $DATE" >/dev/null 2>&1
    R[$size,cm_$fmt]=$(median "$dir/h-$fmt.json")
    R[$size,rss_$fmt]=$(rss "$CMPLAN" generate "$env_file" -o "$dir/run" -f "$f" --date "$DATE")
  done
  # Where the time goes: one more run of all formats with the stage timer (src/cli/generate.rs).
  R[$size,stages]=$(CMPLAN_TIMINGS=1 "$CMPLAN" generate "$env_file" -o "$dir/run" -f md,pdf,xlsx,json --date "$DATE" 2>&1 \
    | awk '/^timing:/ {sub(/^timing: */, ""); n=split($0, a, "  +"); printf "%s=%s;", a[1], a[n]}')
  R[$size,cm_pages]=$(pages "$dir/synth-$size.pdf")
  R[$size,cm_kb]=$(size_kb "$dir/synth-$size.pdf")
  R[$size,cm_has]=$(has_id "$dir/synth-$size.pdf" "$last_id")
  R[$size,cm_xlsx_kb]=$(size_kb "$dir/synth-$size.xlsx")

  # Peers: a first run under a 5-minute limit decides whether the size is measured at all.
  run_peer() { # name, output file, command...
    local name=$1 out=$2; shift 2
    local t0 t1
    if [ "${BENCH_PEERS:-1}" = 0 ]; then R[$size,$name]="not run (BENCH_PEERS=0)"; return; fi
    t0=$(date +%s.%N)
    # The first run is timed and measured for peak RSS at once (the slow peers take minutes).
    if ! timeout "$PEER_LIMIT" /usr/bin/time -v -o "$dir/$name.time" "$@" >"$dir/$name.log" 2>&1 \
        || [ ! -s "$out" ]; then
      R[$size,$name]="skipped (first run over ${PEER_LIMIT}s or failed)"; return
    fi
    t1=$(date +%s.%N)
    R[$size,rss_$name]=$(awk -F': ' '/Maximum resident/ {printf "%.1f", $2/1024}' "$dir/$name.time")
    local first; first=$(echo "$t1 - $t0" | bc)
    # Bounded total time: one run when it takes over a minute, two more when over 20 s.
    if (( $(echo "$first > 60" | bc) )); then
      R[$size,$name]=$(printf '%.4f' "$first"); R[$size,${name}_runs]=" (1 run)"; return
    fi
    local runs=$RUNS
    if (( $(echo "$first > 20" | bc) )); then runs=2; fi
    hyperfine -N -r "$runs" --export-json "$dir/h-$name.json" "$(printf '%q ' "$@")" >/dev/null 2>&1
    R[$size,$name]=$(median "$dir/h-$name.json")
  }
  # LaTeX stops at lists nested more than 4 deep (the hierarchy's site tree goes deeper).
  printf '%s\n' '\usepackage{enumitem}' '\setlistdepth{16}' '\renewlist{itemize}{itemize}{16}' \
    '\setlist[itemize]{label=\textbullet}' > "$WORK/deep-lists.tex"
  run_peer xelatex "$dir/xelatex.pdf" pandoc "$md" -o "$dir/xelatex.pdf" --pdf-engine=xelatex \
    -H "$WORK/deep-lists.tex" -V papersize=a4 -V mainfont="DejaVu Sans" -V monofont="DejaVu Sans Mono" -V geometry:margin=2cm
  run_peer wkhtml "$dir/wkhtml.pdf" pandoc "$md" -o "$dir/wkhtml.pdf" --pdf-engine=wkhtmltopdf \
    -V papersize=A4 -V margin-top=20mm -V margin-bottom=20mm -V margin-left=20mm -V margin-right=20mm
  run_peer pyxlsx "$dir/py.xlsx" python3 "$ROOT/bench/xlsx_reference.py" "$json" "$dir/py.xlsx"
  for p in xelatex wkhtml; do
    if [ -s "$dir/$p.pdf" ]; then
      R[$size,${p}_pages]=$(pages "$dir/$p.pdf"); R[$size,${p}_kb]=$(size_kb "$dir/$p.pdf")
      R[$size,${p}_has]=$(has_id "$dir/$p.pdf" "$last_id")
    fi
  done
  [ -s "$dir/py.xlsx" ] && R[$size,py_kb]=$(size_kb "$dir/py.xlsx")
  echo "measured $size (${R[$size,sites]} sites, $tasks tasks)" >&2
done

ratio() { python3 -c 'import sys
try: print("%.1f×" % (float(sys.argv[2]) / float(sys.argv[1])))
except Exception: print("–")' "$1" "$2"; }

{
  echo "# Benchmarks"
  echo
  echo "Produced by \`bench/compare.sh\` on $(date -u +%Y-%m-%d). Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(rustc --version); release build."
  echo "Inputs: \`cmplan synth --size SIZE --seed 1\`; medians of $RUNS hyperfine runs (2 for peers slower than 20 s, 1 for peers slower than a minute)."
  echo "Peers get the Markdown cmplan wrote (pandoc) or the plan JSON (Python XlsxWriter, same Checklist sheet)."
  echo "\"× faster\" is peer median ÷ cmplan median for the same output."
  for size in "${SIZES[@]}"; do
    echo
    echo "## $size: ${R[$size,sites]} sites, ${R[$size,tasks]} tasks"
    echo
    echo "| Command | Median (s) | Peak RSS (MB) | Pages | Size (KB) | Last task ID in PDF | cmplan is |"
    echo "|---|---|---|---|---|---|---|"
    echo "| cmplan generate -f md | ${R[$size,cm_md]} | ${R[$size,rss_md]} | | | | |"
    echo "| cmplan generate -f pdf | ${R[$size,cm_pdf]} | ${R[$size,rss_pdf]} | ${R[$size,cm_pages]} | ${R[$size,cm_kb]} | ${R[$size,cm_has]} | |"
    echo "| cmplan generate -f xlsx | ${R[$size,cm_xlsx]} | ${R[$size,rss_xlsx]} | | ${R[$size,cm_xlsx_kb]} | | |"
    echo "| cmplan generate (all four formats) | ${R[$size,cm_all]} | ${R[$size,rss_all]} | | | | |"
    echo "| pandoc --pdf-engine=xelatex | ${R[$size,xelatex]}${R[$size,xelatex_runs]:-} | ${R[$size,rss_xelatex]:-} | ${R[$size,xelatex_pages]:-} | ${R[$size,xelatex_kb]:-} | ${R[$size,xelatex_has]:-} | $(ratio "${R[$size,cm_pdf]}" "${R[$size,xelatex]}") faster |"
    echo "| pandoc --pdf-engine=wkhtmltopdf | ${R[$size,wkhtml]}${R[$size,wkhtml_runs]:-} | ${R[$size,rss_wkhtml]:-} | ${R[$size,wkhtml_pages]:-} | ${R[$size,wkhtml_kb]:-} | ${R[$size,wkhtml_has]:-} | $(ratio "${R[$size,cm_pdf]}" "${R[$size,wkhtml]}") faster |"
    echo "| Python XlsxWriter (Checklist sheet only) | ${R[$size,pyxlsx]}${R[$size,pyxlsx_runs]:-} | ${R[$size,rss_pyxlsx]:-} | | ${R[$size,py_kb]:-} | | $(ratio "${R[$size,cm_xlsx]}" "${R[$size,pyxlsx]}") faster |"
  done
  echo
  echo "## Where the time goes (one run of all formats, \`CMPLAN_TIMINGS=1\`, wall ms)"
  echo
  echo "The previous workbook is read while the plan is built; render is Markdown → PDF (and JSON) on one"
  echo "thread while the workbook is written on another."
  echo
  stages="load + validate;plan & read previous;carry status;render;backup + write"
  echo "| Size | $(echo "$stages" | sed 's/;/ | /g') |"
  echo "|---|$(echo "$stages" | sed 's/[^;]*/---/g; s/;/|/g')|"
  for size in "${SIZES[@]}"; do
    row="| $size |"
    IFS=';' read -ra names <<< "$stages"
    for n in "${names[@]}"; do
      v=$(echo "${R[$size,stages]}" | tr ';' '\n' | awk -F= -v k="$n" '$1==k {print $2}' | sed 's/ ms//')
      row="$row ${v:-–} |"
    done
    echo "$row"
  done
  echo
  echo "## Time per task (all formats)"
  echo
  echo "| Size | Tasks | Median (s) | µs per task |"
  echo "|---|---|---|---|"
  for size in "${SIZES[@]}"; do
    echo "| $size | ${R[$size,tasks]} | ${R[$size,cm_all]} | $(python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) * 1e6 / int(sys.argv[2])))' "${R[$size,cm_all]}" "${R[$size,tasks]}") |"
  done
} > "$WORK/BENCHMARKS.generated.md"
echo "wrote $WORK/BENCHMARKS.generated.md (copy it over BENCHMARKS.md with your notes)" >&2
