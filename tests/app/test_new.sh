#!/usr/bin/env bash
# ctest liveactor_new: `liveactor new demo && cd demo && python3 -m pytest tests` from the build
# tree, with no environment prepared (the generated conftest finds this tree's package); the
# generated app serves its page; an existing folder and a bad name are refused.
#
# usage: test_new.sh LIVEACTOR_BIN PYTHON3
set -euo pipefail
bin=$1
python=$2
source "$(dirname "$0")/../support/serve.sh"
unset PYTHONPATH LIVEACTOR_NATIVE_PATH LIVEACTOR_PYTHONPATH

cd "$work"
"$bin" new demo
for f in app.py templates/home.html static/app.js tests/test_app.py tests/conftest.py pytest.ini README.md; do
    [ -f "demo/$f" ] || fail "liveactor new made no demo/$f"
done
grep -q "^# demo" demo/README.md || fail "the README is not named after the project"

out=$(cd demo && "$python" -m pytest tests -q -p no:cacheprovider 2>&1) || fail "pytest in demo: $out"
echo "$out"
[[ $out == *"2 passed"* ]] || fail "pytest in demo: $out"

start_server demo "$bin" app.py
# (curl without tools/sanitize's preloaded sanitizer runtime, under which it hangs)
page=$(env -u LD_PRELOAD curl -sf "$url/") || fail "GET $url/"
[[ $page == *'<h1>demo</h1>'* && $page == *'<span id="count">0</span>'* && $page == *'id="greet"'* ]] \
    || fail "the page of the new app: $page"
stop_server

rc=0; "$bin" new demo 2>"$work/err" || rc=$?
[ "$rc" = 1 ] && grep -q "already exists" "$work/err" || fail "new over an existing folder: rc $rc $(cat "$work/err")"
rc=0; "$bin" new "bad name" 2>"$work/err" || rc=$?
[ "$rc" = 2 ] && grep -q "not a usable project name" "$work/err" || fail "new with a bad name: rc $rc"
rc=0; "$bin" new 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "new without a name: rc $rc"
echo PASS
