#!/bin/sh
# Installs a pinned tether release: downloads the archive for this machine and
# its `.sha256`, refuses it unless the checksum matches, then puts `tether` in
# a directory. Needs only sh, curl or wget, tar (unzip on Windows), and
# sha256sum or shasum.
#
#   sh install.sh --version 0.1.0 [--dir ~/.local/bin]
#
# Options (or environment variables):
#   --version V    TETHER_VERSION       the release to install, required (no "latest": pin it)
#   --dir D        TETHER_INSTALL_DIR   where to put the binary (default: ~/.local/bin)
#   --target T     TETHER_TARGET        the Rust target triple (default: this machine's)
#   --base-url U   TETHER_DOWNLOAD_URL  where releases are (default: GitHub releases);
#                                       the archive is U/vV/tether-V-T.tar.gz (.zip on Windows)
set -eu

version="${TETHER_VERSION:-}"
dir="${TETHER_INSTALL_DIR:-${HOME:-.}/.local/bin}"
target="${TETHER_TARGET:-}"
base="${TETHER_DOWNLOAD_URL:-https://github.com/tether-cli/tether/releases/download}"

fail() {
    echo "install.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
        --version) [ $# -ge 2 ] || fail "\`--version\` needs a value"; version="$2"; shift 2 ;;
        --dir) [ $# -ge 2 ] || fail "\`--dir\` needs a value"; dir="$2"; shift 2 ;;
        --target) [ $# -ge 2 ] || fail "\`--target\` needs a value"; target="$2"; shift 2 ;;
        --base-url) [ $# -ge 2 ] || fail "\`--base-url\` needs a value"; base="$2"; shift 2 ;;
        -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
        *) fail "unknown option \`$1\`; see \`sh install.sh --help\`" ;;
    esac
done

[ -n "$version" ] || fail "say which version to install: \`--version 0.1.0\` (or TETHER_VERSION)"
version="${version#v}"
case "$version" in
    *[!0-9A-Za-z.+-]*) fail "\`$version\` is not a version number" ;;
esac

if [ -z "$target" ]; then
    os=$(uname -s)
    arch=$(uname -m)
    case "$arch" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) fail "no tether release for the processor \`$arch\`; build from source: \`cargo install --locked --git ...\`" ;;
    esac
    case "$os" in
        Linux) target="$arch-unknown-linux-musl" ;;
        Darwin) target="$arch-apple-darwin" ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT) target="x86_64-pc-windows-msvc" ;;
        *) fail "no tether release for the system \`$os\`" ;;
    esac
fi

case "$target" in
    *windows*) ext=zip; exe=tether.exe ;;
    *) ext=tar.gz; exe=tether ;;
esac
archive="tether-$version-$target.$ext"
url="${base%/}/v$version/$archive"

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t tether)
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch() {
    if command -v curl > /dev/null 2>&1; then
        curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
    elif command -v wget > /dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        fail "neither curl nor wget is installed"
    fi
}

fetch "$url" "$tmp/$archive" || fail "could not download $url"
fetch "$url.sha256" "$tmp/$archive.sha256" || fail "could not download $url.sha256"

expected=$(cut -d ' ' -f 1 < "$tmp/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
case "$expected" in
    "" | *[!0-9a-f]*) fail "$url.sha256 holds no SHA-256 checksum" ;;
esac
[ "${#expected}" -eq 64 ] || fail "$url.sha256 holds no SHA-256 checksum"

if command -v sha256sum > /dev/null 2>&1; then
    actual=$(sha256sum "$tmp/$archive" | cut -d ' ' -f 1)
elif command -v shasum > /dev/null 2>&1; then
    actual=$(shasum -a 256 "$tmp/$archive" | cut -d ' ' -f 1)
else
    fail "neither sha256sum nor shasum is installed: cannot verify the download"
fi
if [ "$actual" != "$expected" ]; then
    fail "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"
fi

mkdir -p "$tmp/unpacked"
case "$ext" in
    zip) unzip -q "$tmp/$archive" -d "$tmp/unpacked" ;;
    *) tar -xzf "$tmp/$archive" -C "$tmp/unpacked" ;;
esac
[ -f "$tmp/unpacked/$exe" ] || fail "$archive holds no \`$exe\`"

mkdir -p "$dir"
# Copy beside, then rename: a running tether is never half overwritten.
cp "$tmp/unpacked/$exe" "$dir/.$exe.new"
chmod 0755 "$dir/.$exe.new"
mv -f "$dir/.$exe.new" "$dir/$exe"
echo "Installed tether $version ($target) to $dir/$exe"
case ":${PATH:-}:" in
    *":$dir:"*) ;;
    *) echo "Add $dir to PATH to run \`tether\`." ;;
esac
