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
#   topolint check --format json FILE (every rule, the topology alone)
#   topolint check --format json DIR  (every rule, the topology and its seven worksheets)
# and reports the median time, throughput, peak memory (RSS) against the file size, the ratios
# to xmllint, and how time grows from the smallest to the largest size.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=${SIZES:-"2000 20000"}
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
cargo build --release --quiet --bin topolint --example gen-topology
TOPOLINT=target/release/topolint
GEN=target/release/examples/gen-topology

for n in $SIZES; do
    "$GEN" --pools "$n" --as-of "$AS_OF" --out "$OUT/p$n" 2>/dev/null
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

declare -A T R
echo "== runs (median of $RUNS)"
printf '%-8s %-22s %9s %9s %10s %9s\n' pools command seconds "MB/s" "RSS MiB" "RSS/size"
for n in $SIZES; do
    file="$OUT/p$n/topology.xml"
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
    file="$OUT/p$n/topology.xml"
    bytes=$(stat -c %s "$file")
    awk -v n="$n" -v f="${T[$n,file]}" -v d="${T[$n,dir]}" -v x="${T[$n,xmllint]}" -v s="${T[$n,stream]}" \
        -v rss="${R[$n,file]}" -v bytes="$bytes" 'BEGIN {
        printf "%s pools: topology %.2fx xmllint --noout, %.2fx --stream; with worksheets %.2fx xmllint --noout; RSS %.2fx the topology\n",
            n, f / x, f / s, d / x, rss * 1024 / bytes
    }'
done
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
file="$OUT/p$largest/topology.xml"
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
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
