#!/usr/bin/env bash
# Benchmark: `topolint check` against libxml2's xmllint on generated topologies.
#
#   bench/run.sh                 # 2,000 and 20,000 pools, median of 5 runs
#   RUNS=9 SIZES="2000 20000" bench/run.sh
#
# It installs nothing: it says what is missing and stops. It builds topolint in release mode,
# writes the deployments with `examples/gen-topology.rs` (deterministic), then times, in one run
# on the same files:
#   xmllint --noout FILE              (libxml2 builds the whole tree)
#   xmllint --noout --stream FILE     (libxml2's streaming reader)
#   topolint check --format json FILE (every rule, the topology alone in its folder)
#   topolint check --format json DIR  (every rule, the topology and its seven worksheets)
# and reports the median time, throughput, peak memory (RSS) against the file size, the ratios
# to xmllint, and how time grows from the smallest to the largest size.
#
# Then the growth of hostile and unusual shapes (examples/gen-shapes.rs, and gen-topology.rs with
# renamed pools or mirrored pairs): each is measured at a size and at 3 times that size, and the
# script reports how wall time, CPU time (user + system, steadier on a shared machine) and peak
# memory grow; a shape whose CPU time grows more than 4 times fails. Then a 500 MB attribute in
# every output format (and `inspect`), with peak memory against the file size (at most 4 times).
#
# The worksheets are then gathered into one workbook (examples/csv-to-xlsx.rs), and `check` on
# it is timed against the CSV files of the same run (WORKBOOKS=0 leaves it out).
#
#   SHAPES="long-line drift" bench/run.sh   # some shapes only (SHAPES="" for none)
#   GROWTH_RUNS=5 BIG_MB=200 bench/run.sh   # runs per growth measurement; the attribute's size
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=${SIZES:-"2000 20000"}
SHAPES=${SHAPES-"long-line namespaces attributes inspect-attributes baseline drift html listing"}
GROWTH_RUNS=${GROWTH_RUNS:-3}
BIG_MB=${BIG_MB:-500}
OUT=${BENCH_DIR:-target/bench}
AS_OF=2026-11-21

missing=0
if ! command -v xmllint >/dev/null; then
    echo "missing: xmllint (Debian/Ubuntu: apt-get install -y libxml2-utils)" >&2
    missing=1
fi
if [ ! -x /usr/bin/time ]; then
    echo "missing: /usr/bin/time, to measure peak memory (Debian/Ubuntu: apt-get install -y time)" >&2
    missing=1
fi
if ! command -v cargo >/dev/null; then
    echo "missing: cargo (https://rustup.rs)" >&2
    missing=1
fi
[ "$missing" = 0 ] || exit 2

echo "== machine"
echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "xmllint: $(xmllint --version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (timings are only comparable within one run)"

echo "== build"
cargo build --release --quiet --bin topolint --example gen-topology --example gen-shapes \
    --example csv-to-xlsx
TOPOLINT=target/release/topolint
GEN=target/release/examples/gen-topology
SHAPE=target/release/examples/gen-shapes
TO_XLSX=target/release/examples/csv-to-xlsx

for n in $SIZES; do
    "$GEN" --pools "$n" --as-of "$AS_OF" --out "$OUT/p$n" 2>/dev/null
    # The topology alone, in a folder of its own: a topology named on the command line is
    # checked with the worksheets beside it.
    mkdir -p "$OUT/p$n-topology"
    cp "$OUT/p$n/topology.xml" "$OUT/p$n-topology/topology.xml"
done

# Runs a command RUNS times; prints "median_seconds max_rss_kib". Wall time is taken with
# nanosecond clock readings around the run (`time`'s own %e has 10 ms steps, too coarse for the
# small sizes); `time` gives the peak RSS.
measure() {
    local times=() rss=0 m tmp start end
    tmp=$(mktemp)
    for _ in $(seq "$RUNS"); do
        start=$(date +%s%N)
        /usr/bin/time -o "$tmp" -f "%M" "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        m=$(tail -1 "$tmp")
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    rm -f "$tmp"
    printf '%s\n' "${times[@]}" | sort -g | awk -v rss="$rss" \
        '{ a[NR] = $1 } END { printf "%s %d\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), rss }'
}

declare -A T R GROWTH
echo "== runs (median of $RUNS)"
printf '%-8s %-22s %9s %9s %10s %9s\n' pools command seconds "MB/s" "RSS MiB" "RSS/size"
for n in $SIZES; do
    file="$OUT/p$n-topology/topology.xml"
    bytes=$(stat -c %s "$file")
    dir_bytes=$(cat "$OUT/p$n"/* | wc -c)
    for cmd in xmllint stream file dir; do
        case $cmd in
            xmllint) r=$(measure xmllint --noout "$file"); size=$bytes ;;
            stream) r=$(measure xmllint --noout --stream "$file"); size=$bytes ;;
            file) r=$(measure "$TOPOLINT" check --format json --as-of "$AS_OF" "$file"); size=$bytes ;;
            dir) r=$(measure "$TOPOLINT" check --format json --as-of "$AS_OF" "$OUT/p$n"); size=$dir_bytes ;;
        esac
        T[$n,$cmd]=${r% *}
        R[$n,$cmd]=${r#* }
        awk -v n="$n" -v c="$cmd" -v t="${r% *}" -v m="${r#* }" -v s="$size" 'BEGIN {
            names["xmllint"] = "xmllint --noout"; names["stream"] = "xmllint --noout --stream"
            names["file"] = "topolint (topology)"; names["dir"] = "topolint (+worksheets)"
            printf "%-8s %-22s %9.3f %9.1f %10.1f %9.2f\n", n, names[c], t, s / 1e6 / (t > 0 ? t : 0.001), m / 1024, m * 1024 / s
        }'
    done
done

echo "== ratios (topolint time / xmllint time, same files, same run)"
status=0
for n in $SIZES; do
    file="$OUT/p$n-topology/topology.xml"
    bytes=$(stat -c %s "$file")
    awk -v n="$n" -v f="${T[$n,file]}" -v d="${T[$n,dir]}" -v x="${T[$n,xmllint]}" -v s="${T[$n,stream]}" \
        -v rss="${R[$n,file]}" -v bytes="$bytes" 'BEGIN {
        printf "%s pools: topology %.2fx xmllint --noout, %.2fx --stream; with worksheets %.2fx xmllint --noout; RSS %.2fx the topology\n",
            n, f / x, f / s, d / x, rss * 1024 / bytes
    }'
done
if [ "${WORKBOOKS:-1}" = 1 ]; then
    echo "== workbooks: the same seven worksheets as one .xlsx (median of $RUNS)"
    for n in $SIZES; do
        "$TO_XLSX" --from "$OUT/p$n" --out "$OUT/p$n-xlsx" 2>/dev/null
        r=$(measure "$TOPOLINT" check --format json --as-of "$AS_OF" "$OUT/p$n-xlsx")
        awk -v n="$n" -v t="${r% *}" -v m="${r#* }" -v c="${T[$n,dir]}" -v cm="${R[$n,dir]}" \
            -v b="$(stat -c %s "$OUT/p$n-xlsx/worksheets.xlsx")" 'BEGIN {
            printf "%s pools: %.3f s, %.1f MiB RSS (workbook %.1f MB); %.2fx the time and %.2fx the RSS of the CSV files\n",
                n, t, m / 1024, b / 1e6, t / (c > 0 ? c : 0.001), m / (cm > 0 ? cm : 1)
        }'
    done
fi

largest=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
smallest=$(echo "$SIZES" | tr ' ' '\n' | sort -n | head -1)
if [ "$largest" != "$smallest" ]; then
    echo "== scaling ($smallest -> $largest pools, $((largest / smallest))x the input)"
    for cmd in xmllint stream file dir; do
        awk -v c="$cmd" -v a="${T[$smallest,$cmd]}" -v b="${T[$largest,$cmd]}" \
            'BEGIN { printf "%-8s time x%.1f\n", c, b / (a > 0 ? a : 0.001) }'
    done
fi

echo "== targets ($largest pools)"
file="$OUT/p$largest-topology/topology.xml"
bytes=$(stat -c %s "$file")
check() { # name, value, limit
    if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 <= l + 0) }'; then
        printf 'PASS %-48s %.2f (limit %s)\n' "$1" "$2" "$3"
    else
        printf 'FAIL %-48s %.2f (limit %s)\n' "$1" "$2" "$3"
        status=1
    fi
}
check "check time / xmllint --noout time" "$(awk -v a="${T[$largest,file]}" -v b="${T[$largest,xmllint]}" 'BEGIN { print a / b }')" 0.5
if [ "$largest" != "$smallest" ]; then
    check "time growth for ${largest}/${smallest}x the input" \
        "$(awk -v a="${T[$smallest,file]}" -v b="${T[$largest,file]}" 'BEGIN { print b / (a > 0 ? a : 0.001) }')" \
        "$(awk -v a="$smallest" -v b="$largest" 'BEGIN { print 1.2 * b / a }')"
fi
check "peak RSS / topology size" "$(awk -v m="${R[$largest,file]}" -v s="$bytes" 'BEGIN { print m * 1024 / s }')" 3

# ---- growth of shapes -------------------------------------------------------------------------

# Like `measure`, GROWTH_RUNS times; prints "median_wall median_cpu max_rss_kib".
measure_cpu() {
    local walls=() cpus=() rss=0 m u sy tmp start end
    tmp=$(mktemp)
    for _ in $(seq "$GROWTH_RUNS"); do
        start=$(date +%s%N)
        /usr/bin/time -o "$tmp" -f "%M %U %S" "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        read -r m u sy < <(tail -1 "$tmp")
        walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
        cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    rm -f "$tmp"
    median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
    printf '%s %s %d\n' "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$rss"
}

# The base size of each shape (what `--size` or `--pools` is given; 3 times it is the second).
base_size() {
    case $1 in
        long-line) echo 20000 ;;        # pools on one line, 2 findings each
        namespaces) echo 150000 ;;      # prefixes declared on the root, and pools
        attributes | inspect-attributes) echo 1000000 ;; # attributes on one element
        baseline) echo 60000 ;;         # baseline entries on one line, an IN007 finding each
        drift) echo 2000 ;;             # pools, every one renamed since the backup
        html) echo 2000 ;;              # pools, each Back End mirrored with a witness
        listing) echo 60000 ;;          # files of a backup listing, most in the file store copy
    esac
}

# Writes shape $1 at size $2 into directory $3.
write_shape() {
    local shape=$1 n=$2 dir=$3
    case $shape in
        drift)
            "$GEN" --pools "$n" --as-of "$AS_OF" --out "$dir" >/dev/null 2>&1
            # The backup-time topology: the same deployment, every pool under another name.
            sed 's/"pool\([0-9]\)/"renamed\1/g' "$dir/topology.xml" >"$dir/backup-topology.xml.old"
            rm -f "$dir"/*.csv
            ;;
        html) "$GEN" --pools "$n" --mirrored --as-of "$AS_OF" --out "$dir" >/dev/null 2>&1 ;;
        listing)
            # The example deployment beside a listing of its latest run: the artefacts its
            # worksheets name, then the file store copy's files.
            mkdir -p "$dir"
            cp testdata/example/* "$dir/"
            awk -v n="$n" 'BEGIN {
                run = "\\\\backup01.contoso.com\\lync\\2026-11-20\\"
                print "FullName,Length,LastWriteTimeUtc"
                split("CsConfiguration.zip CsLisConfiguration.zip RgsConfiguration.zip UserData-pool01.zip LcsLog.bak LcsCdr.bak QoEMetrics.bak", a, " ")
                for (i = 1; i <= 7; i++) print run a[i] ",1000,2026-11-20T22:00:00.0000000Z"
                for (i = 0; i < n; i++)
                    printf "%sfilestore\\1-WebServices-1\\CollabContent\\%d\\file-%d.dat,%d,2026-11-1%dT10:00:00Z\n", run, i / 1000, i, i, i % 10
            }' >"$dir/backup-listing.csv"
            ;;
        inspect-attributes) "$SHAPE" --shape attributes --size "$n" --out "$dir" ;;
        *) "$SHAPE" --shape "$shape" --size "$n" --out "$dir" ;;
    esac
}

# Sets CMD to the command that runs shape $1 from directory $2, writing reports to directory $3.
shape_command() {
    local shape=$1 dir=$2 out=$3
    case $shape in
        long-line)
            CMD=("$TOPOLINT" check --as-of "$AS_OF" --format human --format json --format sarif
                --output - --output "$out/r.json" --output "$out/r.sarif" "$dir/topology.xml") ;;
        namespaces | attributes) CMD=("$TOPOLINT" check --as-of "$AS_OF" --format json "$dir/topology.xml") ;;
        inspect-attributes) CMD=("$TOPOLINT" inspect --format json "$dir/topology.xml") ;;
        baseline)
            CMD=("$TOPOLINT" check --as-of "$AS_OF" --format human --format json --output -
                --output "$out/r.json" --baseline "$dir/baseline.json" "$dir/topology.xml") ;;
        drift)
            CMD=("$TOPOLINT" check --as-of "$AS_OF" --format json "$dir/topology.xml"
                --backup-topology "$dir/backup-topology.xml.old") ;;
        html) CMD=("$TOPOLINT" check --as-of "$AS_OF" --format html --output "$out/r.html" "$dir") ;;
        listing) CMD=("$TOPOLINT" check --as-of "$AS_OF" --format json "$dir") ;;
    esac
}

if [ -n "$SHAPES" ]; then
    echo "== growth: each shape at n and 3n (median of $GROWTH_RUNS runs; CPU = user + system)"
    printf '%-19s %8s %9s %9s %8s %8s %8s %8s %8s %8s\n' shape n "MB (n)" "MB (3n)" "wall x" \
        "CPU n" "CPU 3n" "CPU x" "RSS MiB" "RSS x"
    for shape in $SHAPES; do
        n=$(base_size "$shape")
        declare -A W C M B
        for size in "$n" $((3 * n)); do
            dir="$OUT/shapes/$shape-$size"
            rm -rf "$dir"
            write_shape "$shape" "$size" "$dir"
            B[$size]=$(cat "$dir"/* | wc -c)
            mkdir -p "$OUT/shapes/out"
            shape_command "$shape" "$dir" "$OUT/shapes/out"
            r=$(measure_cpu "${CMD[@]}")
            read -r "W[$size]" "C[$size]" "M[$size]" <<<"$r"
        done
        big=$((3 * n))
        awk -v s="$shape" -v n="$n" -v b1="${B[$n]}" -v b3="${B[$big]}" -v w1="${W[$n]}" -v w3="${W[$big]}" \
            -v c1="${C[$n]}" -v c3="${C[$big]}" -v m1="${M[$n]}" -v m3="${M[$big]}" 'BEGIN {
            printf "%-19s %8d %9.1f %9.1f %8.2f %8.2f %8.2f %8.2f %8.0f %8.2f\n", s, n, b1 / 1e6, b3 / 1e6,
                w3 / (w1 > 0 ? w1 : 0.001), c1, c3, c3 / (c1 > 0 ? c1 : 0.01), m3 / 1024, m3 / m1
        }'
        GROWTH[$shape]=$(awk -v a="${C[$n]}" -v b="${C[$big]}" 'BEGIN { print b / (a > 0 ? a : 0.01) }')
        rm -rf "$OUT/shapes/$shape-$n" "$OUT/shapes/$shape-$big"
    done
    for shape in $SHAPES; do
        check "$shape: CPU time growth for 3x the input" "${GROWTH[$shape]}" 4
    done
fi

if [ "${BIG_MB:-0}" -gt 0 ]; then
    dir="$OUT/shapes/big-attribute"
    "$SHAPE" --shape big-attribute --size $((BIG_MB * 1024)) --out "$dir"
    file="$dir/topology.xml"
    bytes=$(stat -c %s "$file")
    echo "== a ${BIG_MB} MB attribute: peak memory against the file ($(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB), one run each"
    worst=0
    for format in human concise json sarif junit github azure html inspect inspect-json; do
        case $format in
            inspect) r=$(RUNS=1 measure "$TOPOLINT" inspect "$file") ;;
            inspect-json) r=$(RUNS=1 measure "$TOPOLINT" inspect --format json "$file") ;;
            *) r=$(RUNS=1 measure "$TOPOLINT" check --as-of "$AS_OF" --format "$format" "$file") ;;
        esac
        ratio=$(awk -v m="${r#* }" -v s="$bytes" 'BEGIN { printf "%.2f", m * 1024 / s }')
        printf '%-13s %8.2f s %9.0f MiB %7sx the file\n' "$format" "${r% *}" "$(awk -v m="${r#* }" 'BEGIN { print m / 1024 }')" "$ratio"
        worst=$(awk -v a="$worst" -v b="$ratio" 'BEGIN { print (b > a ? b : a) }')
    done
    check "${BIG_MB} MB attribute: peak RSS / file, worst format" "$worst" 4
    rm -rf "$dir"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
