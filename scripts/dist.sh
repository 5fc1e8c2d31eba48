#!/usr/bin/env bash
# Builds the release archives and their SHA-256 sums into dist/ (or $DIST_DIR):
#
#   topolint-VERSION-x86_64-pc-windows-gnu.zip       topolint.exe, README.md, LICENSE, CHANGELOG.md, rules/
#   topolint-VERSION-x86_64-unknown-linux-gnu.tar.gz topolint, the same documents
#   SHA256SUMS                                        `sha256sum --check` format
#
# The archives are reproducible: the same commit gives the same bytes wherever it is built.
# Entries are in a fixed order with fixed owners and modes, every time is SOURCE_DATE_EPOCH
# (default: the time of the last commit), the build directory, Cargo's home and rustup's home
# are remapped out of the binaries, and the binaries carry no symbol table. Needs the Rust targets x86_64-unknown-linux-gnu and
# x86_64-pc-windows-gnu and MinGW-w64 (Debian: gcc-mingw-w64-x86-64); python3 writes the archives.
#
#   scripts/dist.sh                 both targets
#   scripts/dist.sh x86_64-pc-windows-gnu
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(x86_64-pc-windows-gnu x86_64-unknown-linux-gnu)
fi

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if [ -z "$version" ]; then
  echo "dist: no version in Cargo.toml" >&2
  exit 2
fi
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
fi
export SOURCE_DATE_EPOCH
dist=${DIST_DIR:-$root/dist}
mkdir -p "$dist"

cargo_home=${CARGO_HOME:-$HOME/.cargo}
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
# Paths that would otherwise be written into panic messages and debug sections; and no symbol
# table, which on Windows names the temporary folder rustc links from (a new one each build).
common="--remap-path-prefix=$root=/topolint --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$rustup_home=/rustup -C strip=symbols"
# The release builds have their own target directory: other RUSTFLAGS would rebuild the
# everyday debug build from scratch each time.
export CARGO_TARGET_DIR=$root/target/dist

for target in "${targets[@]}"; do
  flags="$common"
  case "$target" in
    *-windows-gnu)
      if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
        echo "dist: x86_64-w64-mingw32-gcc is missing (Debian: apt-get install gcc-mingw-w64-x86-64)" >&2
        exit 2
      fi
      # GNU ld writes the link time into a PE header unless told not to.
      flags="$flags -C link-arg=-Wl,--no-insert-timestamp"
      exe=topolint.exe
      kind=zip
      ;;
    *)
      exe=topolint
      kind=tar.gz
      ;;
  esac
  if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    rustup target add "$target"
  fi
  RUSTFLAGS="$flags" cargo build --release --locked --target "$target"
  name=topolint-$version-$target
  python3 - "$kind" "$dist/$name.$kind" "$name" "$CARGO_TARGET_DIR/$target/release/$exe" "$exe" <<'PY'
import gzip, io, os, sys, tarfile, time, zipfile

kind, out, top, binary, exe = sys.argv[1:]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
# The documents, then the rule pages, each list sorted: the same order on every machine.
docs = ["README.md", "LICENSE", "CHANGELOG.md"]
rules = sorted("rules/" + n for n in os.listdir("rules") if n.endswith(".md"))
entries = [(exe, binary, 0o755)] + [(p, p, 0o644) for p in docs + rules]

def data(path):
    with open(path, "rb") as f:
        return f.read()

if kind == "zip":
    # A zip holds local DOS times from 1980 on; the archive's are those of SOURCE_DATE_EPOCH in UTC.
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, path, mode in entries:
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is kept
            info.external_attr = (0o100000 | mode) << 16
            z.writestr(info, data(path))
else:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        dirs = sorted({f"{top}/{os.path.dirname(n)}".rstrip("/") for n, _, _ in entries})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, epoch
            t.addfile(info)
        for name, path, mode in entries:
            body = data(path)
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mode, info.mtime = len(body), mode, epoch
            t.addfile(info, io.BytesIO(body))
    with open(out, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=epoch, compresslevel=9) as g:
        g.write(raw.getvalue())
PY
  echo "dist: $dist/$name.$kind"
done

# The sums of every archive of this version in the folder, sorted by name.
(cd "$dist" && find . -maxdepth 1 -name "topolint-$version-*" \( -name '*.zip' -o -name '*.tar.gz' \) -printf '%f\n' \
  | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
cat "$dist/SHA256SUMS"
