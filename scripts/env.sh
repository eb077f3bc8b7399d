# Shared environment of the portal's scripts. Sourced, not run.
# Tools from npm (tailwindcss, wasm-opt) and cargo (cargo-leptos, wasm-bindgen) come
# from PATH; cargo-leptos would otherwise try to download them, which fails offline.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
export PATH="$REPO/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The build cache lives outside the clone, so a fresh clone (CI) builds incrementally
# on a machine that has built before, and still works on a new one.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/portal/target}"
unset LEPTOS_TAILWIND_VERSION

log() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# Installs Debian packages, as root or through sudo.
apt_install() {
  log "installing $* from Debian"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"
}

# Waits until $1 answers HTTP, or fails after $2 seconds.
wait_for_http() {
  local url="$1" limit="${2:-120}" i=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt "$limit" ] && return 1
    sleep 1
  done
}

# The release build of server and site, then brotli -q 11 copies of the client code
# next to it: the server sends portal.wasm.br to browsers that accept brotli, which
# on-the-fly compression (a lower level, every request) cannot match.
build_site() {
  cargo leptos build --release
  local f
  for f in "$REPO"/target/site/pkg/*.wasm "$REPO"/target/site/pkg/*.js "$REPO"/target/site/pkg/*.css; do
    brotli -q 11 -f -k -o "$f.br" "$f"
  done
}
