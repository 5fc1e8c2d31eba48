#!/usr/bin/env bash
# Seeds each fuzz target's corpus from testdata/ and runs it for a set time.
#
#   fuzz/run.sh                 every target (decode xml topology worksheet config check archive
#                               workbook), 60 s each
#   fuzz/run.sh 300 check       one target, 5 minutes
#   FUZZ_TIME=600 fuzz/run.sh   every target, 10 minutes each
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Corpora grow in
# fuzz/corpus/TARGET and crashes land in fuzz/artifacts/TARGET (both ignored by git); reproduce
# one with `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
testdata="$root/testdata"
all_targets=(decode xml topology worksheet config check archive workbook)

seconds="${FUZZ_TIME:-60}"
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
    seconds="$1"
    shift
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=("${all_targets[@]}")
fi

# The text `topolint::fuzzing::split` cuts a `check` input at.
separator=$'\n--topolint-next-file--\n'

# A file's name in a corpus: its path under testdata/, with `/` turned into `_`.
seed_name() {
    local path="${1#"$testdata"/}"
    printf '%s' "${path//\//_}"
}

seed() {
    local target="$1" dir="$here/corpus/$1"
    mkdir -p "$dir"
    case "$target" in
    decode)
        find "$testdata" -type f \( -name '*.xml' -o -name '*.tbxml' -o -name '*.csv' \) -print0 |
            while IFS= read -r -d '' f; do cp "$f" "$dir/$(seed_name "$f")"; done
        ;;
    topology)
        find "$testdata" -type f \( -name '*.xml' -o -name '*.tbxml' \) -print0 |
            while IFS= read -r -d '' f; do cp "$f" "$dir/$(seed_name "$f")"; done
        cp "$here"/seeds/xml/*.xml "$dir/"
        ;;
    xml)
        find "$testdata" -type f \( -name '*.xml' -o -name '*.tbxml' \) -size -64k -print0 |
            while IFS= read -r -d '' f; do cp "$f" "$dir/$(seed_name "$f")"; done
        cp "$here"/seeds/xml/*.xml "$dir/"
        ;;
    worksheet)
        find "$testdata" -type f -name '*.csv' -print0 |
            while IFS= read -r -d '' f; do cp "$f" "$dir/$(seed_name "$f")"; done
        ;;
    config)
        cp "$here"/seeds/config/*.toml "$dir/"
        ;;
    archive)
        find "$testdata" -type f -name '*.zip' -size -64k -print0 |
            while IFS= read -r -d '' f; do cp "$f" "$dir/$(seed_name "$f")"; done
        ;;
    workbook)
        # The example's worksheet template as a workbook, as `worksheet init` writes it.
        (cd "$root" && cargo run --quiet --bin topolint -- worksheet init \
            testdata/example/topology.xml --out "$dir/.init" --format xlsx --force >/dev/null)
        mv "$dir/.init/worksheets.xlsx" "$dir/template.xlsx"
        rmdir "$dir/.init"
        ;;
    check)
        # One input per topology: the topology, then the worksheets beside it.
        find "$testdata" -type f \( -name '*.xml' -o -name '*.tbxml' \) -print0 |
            while IFS= read -r -d '' topology; do
                local out
                out="$dir/$(seed_name "$topology")"
                cat "$topology" >"$out"
                # Single-file cases sit beside other cases' files: only a case directory's
                # worksheets belong to its topology.
                case "$(basename "$topology")" in
                topology.xml | topology.tbxml)
                    for sheet in "$(dirname "$topology")"/*.csv; do
                        [[ -e "$sheet" ]] || continue
                        printf '%s' "$separator" >>"$out"
                        cat "$sheet" >>"$out"
                    done
                    ;;
                esac
            done
        ;;
    *)
        echo "unknown target \`$target\`; the targets are: ${all_targets[*]}" >&2
        exit 2
        ;;
    esac
}

cd "$here"
status=0
for target in "${targets[@]}"; do
    seed "$target"
    dict=()
    case "$target" in
    xml | topology | check) dict=("-dict=$here/xml.dict") ;;
    esac
    echo "== fuzzing $target for ${seconds}s"
    if ! cargo +nightly fuzz run "$target" "$here/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 "${dict[@]}"; then
        echo "== $target failed: a crash is saved in fuzz/artifacts/$target (see above)" >&2
        status=1
    fi
done
exit "$status"
