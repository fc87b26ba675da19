#!/usr/bin/env bash
# ctest packaging_debs: builds both .deb files with cpack from this build tree, unpacks them into
# a throw-away root (dpkg-deb -x: nothing is installed on the machine) and checks what a user
# gets: `liveactor serve` of an installed example answers a page, `liveactor new` makes a project
# whose tests pass, `liveactor-monitor --version` runs without a display, the unit passes
# `systemd-analyze verify`, the desktop entry and the AppStream file validate, and lintian
# reports nothing that is not overridden with a reason. The packages' python3 is /usr/bin/python3.
#
# usage: test_packages.sh BUILD_DIR VERSION
set -euo pipefail
build=$1
version=$2
source "$(dirname "$0")/../../tests/support/serve.sh"
step() { echo "== $*"; }

step "cpack"
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$work/out/liveactor_${version}_amd64.deb
mondeb=$work/out/liveactor-monitor_${version}_amd64.deb
[ -f "$deb" ] && [ -f "$mondeb" ] || fail "cpack made $(ls "$work/out")"
ls -l "$deb" "$mondeb"

step "control fields"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in 'python3 (>= 3.11)' libqt6core6 libpython3.11 libprotobuf; do
    [[ $depends == *"$dep"* ]] || fail "liveactor Depends lacks $dep: $depends"
done
mondepends=$(dpkg-deb -f "$mondeb" Depends)
for dep in libqt6widgets6 qml6-module-qtquick; do
    [[ $mondepends == *"$dep"* ]] || fail "liveactor-monitor Depends lacks $dep: $mondepends"
done
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
[ "$conffiles" = /etc/liveactor/liveactor.env ] || fail "conffiles: $conffiles"

step "unpack into $work/root"
root=$work/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -x "$mondeb" "$root"
for f in usr/bin/liveactor usr/bin/liveactor-monitor lib/systemd/system/liveactor.service \
         etc/liveactor/liveactor.env usr/lib/python3/dist-packages/liveactor/__init__.py \
         usr/lib/python3/dist-packages/liveactor/py.typed \
         usr/share/doc/liveactor/examples/counter/app.py usr/share/applications/org.liveactor.Monitor.desktop \
         usr/share/icons/hicolor/scalable/apps/org.liveactor.Monitor.svg \
         usr/share/metainfo/org.liveactor.Monitor.metainfo.xml usr/share/man/man1/liveactor.1.gz; do
    [ -e "$root/$f" ] || fail "missing /$f"
done
ls "$root"/usr/lib/python3/dist-packages/liveactor/_native.cpython-*.so >/dev/null || fail "missing _native"

step "--version and --help without a display"
unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM
[ "$("$root/usr/bin/liveactor" --version)" = "liveactor $version" ] || fail "liveactor --version"
[ "$("$root/usr/bin/liveactor-monitor" --version)" = "liveactor-monitor $version" ] || fail "liveactor-monitor --version"
[[ $("$root/usr/bin/liveactor-monitor" --help) == *--dump* ]] || fail "liveactor-monitor --help"
site=$root/usr/lib/python3/dist-packages
[ "$(PYTHONPATH=$site /usr/bin/python3 -c 'import liveactor; print(liveactor.__version__)')" = "$version" ] \
    || fail "liveactor.__version__"
PYTHONPATH=$site /usr/bin/python3 -c 'import liveactor._native' || fail "import liveactor._native from the package"
[ "$(PYTHONPATH=$site /usr/bin/python3 -c 'import importlib.metadata as m; print(m.version("liveactor"))')" = "$version" ] \
    || fail "the package's dist-info"
[ "$(PYTHONPATH=$site /usr/bin/python3 -c 'import importlib.metadata as m; print(*[e.value for e in m.entry_points(group="pytest11", name="liveactor.testing.plugin")])')" = "liveactor.testing.plugin" ] \
    || fail "the pytest11 entry point of liveactor.testing"

step "the installed binary does not fall back to the source tree"
if [ ! -e /usr/lib/python3/dist-packages/liveactor ]; then
    if out=$(cd "$work" && "$root/usr/bin/liveactor" serve "$root/usr/share/doc/liveactor/examples/counter/app.py" \
            --port 0 --control-port 0 --state-dir "$work/state0" 2>&1); then
        fail "liveactor served without its Python package: $out"
    fi
    [[ $out == *"No module named 'liveactor'"* ]] || fail "unclear error without the package: $out"
fi

step "liveactor serve of an installed example"
LIVEACTOR_PYTHONPATH=$site start_server "$work" "$root/usr/bin/liveactor" \
    "$root/usr/share/doc/liveactor/examples/counter/app.py"
page=$(curl -sf "$url/") || fail "GET $url/"
[[ $page == *'Count: <span id="count">0</span>'* ]] || fail "the counter page: $page"
curl -sf -o "$work/lv.js" "$url/assets/phoenix_live_view.min.js" && grep -q LiveSocket "$work/lv.js" \
    || fail "the client bundle"
stop_server

step "liveactor new from the installed files"
(cd "$work" && "$root/usr/bin/liveactor" new demo >/dev/null)
! grep -q "build tree" "$work/demo/tests/conftest.py" || fail "an installed liveactor wrote build-tree paths"
# PYTHONPATH stands in for dist-packages, where the installed package would be.
out=$(cd "$work/demo" && PYTHONPATH=$site /usr/bin/python3 -m pytest tests -q -p no:cacheprovider 2>&1) \
    || fail "pytest in a project of the installed liveactor: $out"
[[ $out == *"2 passed"* ]] || fail "pytest: $out"

step "systemd-analyze verify"
# The unit names /usr/bin/liveactor, which is in the throw-away root, not on this machine: check
# a copy that points there (systemd-analyze --root needs a whole systemd tree in the root).
unit=$work/liveactor.service
sed "s|/usr/bin/liveactor|$root/usr/bin/liveactor|" "$root/lib/systemd/system/liveactor.service" >"$unit"
verify=$(systemd-analyze verify --man=no "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"
for key in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes StateDirectory=liveactor DynamicUser=yes; do
    grep -qx "$key" "$unit" || fail "the unit lacks $key"
done
exposure=$(systemd-analyze security --offline=yes "$unit" 2>&1 | grep -o 'Overall exposure level for [^:]*: [0-9.]*' | grep -o '[0-9.]*$')
echo "systemd-analyze security: exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e < 2.0) }' || fail "exposure level $exposure (want < 2.0)"

step "desktop entry and AppStream"
desktop-file-validate "$root/usr/share/applications/org.liveactor.Monitor.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/org.liveactor.Monitor.metainfo.xml"
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/org.liveactor.Monitor.metainfo.xml" \
    || fail "AppStream release is not $version"

step "lintian"
# Every tag lintian reports is either fixed or overridden with its reason (packaging/lintian/).
tags=$(lintian -I --pedantic "$deb" "$mondeb" 2>&1 | grep -v '^N:\|running with root privileges' || true)
[ -z "$tags" ] || fail "lintian: $tags"
echo "lintian: clean"
echo "PASS"
