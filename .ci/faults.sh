#!/usr/bin/env bash
# Write faults `cargo test` cannot make without privileges: a full disk (a small tmpfs) and a
# folder the user may not write to. Run as root by .ci/run; each case must leave the output
# folder exactly as it was (same files, same bytes, no temporary file) and exit 1 with one clear
# error. Usage: .ci/faults.sh path/to/cmplan
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/cmplan}
[ "$(id -u)" = 0 ] || { echo "faults.sh: needs root (tmpfs, another user); skipped"; exit 0; }

work=$(mktemp -d)
mnt="$work/mnt"
mkdir -p "$mnt"
cleanup() { umount "$mnt" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

fingerprint() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
fail() { echo "faults.sh: $*" >&2; exit 1; }

# 1. Disk full while staging: the first revision fits in 1 MiB, the second cannot be staged beside it.
mount -t tmpfs -o size=1m tmpfs "$mnt"
cp examples/contoso.toml "$work/contoso.toml"
"$bin" generate "$work/contoso.toml" -o "$mnt/out" -f md,pdf,xlsx,json --date 2027-03-01 2>/dev/null
before=$(fingerprint "$mnt/out")
cp examples/contoso-rev2.toml "$work/contoso.toml"
set +e
err=$("$bin" generate "$work/contoso.toml" -o "$mnt/out" -f md,pdf,xlsx,json,html --date 2027-03-01 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "disk full: exit $code, expected 1: $err"
grep -q "disk is full" <<<"$err" || fail "disk full: no hint in: $err"
[ "$(fingerprint "$mnt/out")" = "$before" ] || fail "disk full: the folder changed"
echo "faults.sh: disk full leaves the previous set: ok"
umount "$mnt"

# 2. A folder the user may not write to (as an unprivileged user: root writes anywhere).
out="$work/ro"
mkdir -p "$out"
cp examples/contoso.toml "$work/contoso.toml"
"$bin" generate "$work/contoso.toml" -o "$out" -f md,xlsx --date 2027-03-01 2>/dev/null
chmod -R a+rX "$work"
chmod 555 "$out"
before=$(fingerprint "$out")
set +e
err=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" generate "$work/contoso.toml" -o "$out" -f md,xlsx --date 2027-03-01 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 1 ] || fail "read-only folder: exit $code, expected 1: $err"
grep -q "read-only" <<<"$err" || fail "read-only folder: no hint in: $err"
[ "$(fingerprint "$out")" = "$before" ] || fail "read-only folder: the folder changed"
echo "faults.sh: a read-only folder is refused, nothing changes: ok"
