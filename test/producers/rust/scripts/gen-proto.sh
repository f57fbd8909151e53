#!/bin/sh
# Regenerates the committed prost code in src/gen/ from the two contracts:
#   src/gen/v1/envelope.v1.rs    <- proto/envelope/v1/envelope.proto (the v1 contract)
#   src/gen/next/envelope.v1.rs  <- test/producers/proto-next/envelope/v1/envelope.proto (next minor)
# buf (from the repository's pnpm install) compiles the .proto files to descriptor
# sets; codegen/ turns them into Rust with prost-build. No protoc, no network.
#
# Usage (from the repository root or anywhere):
#   test/producers/rust/scripts/gen-proto.sh           rewrite src/gen/
#   test/producers/rust/scripts/gen-proto.sh --check   fail if src/gen/ is not what the contracts generate
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && pnpm exec buf build proto -o "$tmp/v1.binpb")
(cd "$root/test/producers/proto-next" && pnpm exec buf build . -o "$tmp/next.binpb")

codegen() {
  cargo run --quiet --locked --manifest-path "$here/codegen/Cargo.toml" \
    --target-dir "$here/target/codegen" -- "$1" "$2"
}
codegen "$tmp/v1.binpb" "$tmp/gen/v1"
codegen "$tmp/next.binpb" "$tmp/gen/next"

if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$here/src/gen" "$tmp/gen"; then
    echo "src/gen is out of date: run test/producers/rust/scripts/gen-proto.sh" >&2
    exit 1
  fi
  echo "src/gen is up to date"
else
  rm -rf "$here/src/gen"
  cp -R "$tmp/gen" "$here/src/gen"
fi
