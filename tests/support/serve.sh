# Shell helpers for the tests that run `liveactor` as a user would (tests/app/test_new.sh,
# packaging/tests/test_packages.sh). Source it; it sets a trap that stops the server and
# deletes $work.

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# start_server DIR LIVEACTOR [ARGS...]: runs `LIVEACTOR serve ARGS --port 0 --control-port 0`
# in DIR with its state in $work and sets $url to the address it prints once it listens.
start_server() {
    local dir=$1 bin=$2
    shift 2
    (cd "$dir" && exec "$bin" serve "$@" --port 0 --control-port 0 --state-dir "$work/state" \
        >"$work/serve.log" 2>&1) &
    server=$!
    url=
    for _ in $(seq 1 100); do
        url=$(grep -o 'listening on http://[0-9.:]*' "$work/serve.log" | head -1 | cut -d' ' -f3) || true
        [ -n "$url" ] && return 0
        kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; fail "liveactor serve $* exited"; }
        sleep 0.2
    done
    cat "$work/serve.log"
    fail "liveactor serve $* did not start"
}

stop_server() {
    kill "$server"
    wait "$server" || true
    server=
}
