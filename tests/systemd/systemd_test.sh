#!/bin/sh
# The systemd units and `cmake --install`, checked on a real install.
#   systemd_test.sh MODE CMAKE BUILD_DIR [UNITDIR]
# Each run installs BUILD_DIR with prefix /usr into its own DESTDIR, then:
#   units_verify    systemd-analyze verify on each installed unit (Exec paths
#                   pointed into the DESTDIR) and systemd-sysusers --dry-run
#   units_security  systemd-analyze security --offline on each unit: prints the
#                   exposure, fails above NW_MAX_EXPOSURE (2.0)
#   install_layout  every file where the distribution would put it
#   install_run     the installed newswire-extract on a bundled article, and
#                   the installed newswired started with the unit's own
#                   ExecStartPre/ExecStart command lines on temp ports:
#                   /healthz answers, SIGTERM exits 0. NEWSWIRE_DATA unset.
# Exit 0 pass, 1 fail; nothing is skipped.
set -eu

mode=$1
cmake=$2
build=$3
unitdir_cfg=${4:-}
max_exposure=${NW_MAX_EXPOSURE:-2.0}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nw-systemd.XXXXXX")
dest=$tmp/root
daemon_pid=""
listener=""

# cleanup: stop what we started, remove the temp tree.
cleanup() {
	for p in $daemon_pid $listener; do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# missing_target WHAT: something another component installs is missing.
missing_target() {
	fail "$1 is not installed (is it built? does its CMakeLists install it?)"
}
need_tool() {
	command -v "$1" >/dev/null 2>&1 || fail "$1 not found (scripts/deps installs it)"
}

# --- install -----------------------------------------------------------------
unset NEWSWIRE_DATA
DESTDIR=$dest "$cmake" --install "$build" --prefix /usr >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log" >&2
	fail "cmake --install into DESTDIR failed"
}

# Where the units should be: the same rule as systemd/install-units.cmake.
if [ -n "$unitdir_cfg" ]; then
	case $unitdir_cfg in
	/*) unitdir=$unitdir_cfg ;;
	*) unitdir=/usr/$unitdir_cfg ;;
	esac
elif pc=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null) && [ -n "$pc" ]; then
	unitdir=$pc
else
	unitdir=/usr/lib/systemd/system
fi
sysusersdir=$(pkg-config --variable=sysusersdir systemd 2>/dev/null || true)
[ -n "$sysusersdir" ] || sysusersdir=/usr/lib/sysusers.d
units="newswired.service newswire-alert@.service"

for u in $units; do
	[ -f "$dest$unitdir/$u" ] || fail "unit $unitdir/$u not installed (install log: $(cat "$tmp/install.log"))"
done

# unit_line UNIT KEY: the value of the first KEY= line of an installed unit.
unit_line() {
	sed -n "s/^$2=//p" "$dest$unitdir/$1" | head -n 1
}

# --- units_verify --------------------------------------------------------------
units_verify() {
	need_tool systemd-analyze
	mkdir -p "$tmp/verify"
	for u in $units; do
		# ExecStart paths must exist for verify: point /usr/... into the DESTDIR.
		sed -E "s#^(Exec[A-Za-z]*=[-@:+!]*)/usr/#\1$dest/usr/#" "$dest$unitdir/$u" >"$tmp/verify/$u"
		for exe in $(sed -n -E 's#^Exec[A-Za-z]*=[-@:+!]*([^ ]+).*#\1#p' "$tmp/verify/$u"); do
			[ -x "$exe" ] || missing_target "$u: ${exe#"$dest"} (an Exec path)"
		done
	done
	status=0
	for u in $units; do
		if ! out=$(cd "$tmp/verify" && systemd-analyze verify --man=no --recursive-errors=no "./$u" 2>&1); then
			status=1
		fi
		if [ -n "$out" ]; then
			echo "$out" >&2
			status=1
		fi
		if [ $status -ne 0 ]; then
			fail "systemd-analyze verify $u"
		fi
		echo "verify $u: ok"
	done
	[ -f "$dest$sysusersdir/newswire.conf" ] || fail "sysusers.d entry $sysusersdir/newswire.conf not installed"
	need_tool systemd-sysusers
	mkdir -p "$tmp/sysroot/etc"
	out=$(systemd-sysusers --root="$tmp/sysroot" --dry-run "$dest$sysusersdir/newswire.conf" 2>&1) ||
		fail "systemd-sysusers rejects newswire.conf: $out"
	echo "$out" | grep -q "Creating user 'newswire'" || fail "sysusers.d entry creates no user newswire: $out"
	echo "sysusers newswire.conf: ok"
}

# --- units_security ------------------------------------------------------------
units_security() {
	need_tool systemd-analyze
	worst=ok
	for u in $units; do
		out=$(cd "$dest$unitdir" && systemd-analyze security --offline=true --no-pager "./$u" 2>&1) ||
			fail "systemd-analyze security $u: $out"
		score=$(echo "$out" | sed -n -E 's/^→ Overall exposure level for [^:]+: ([0-9.]+) .*/\1/p')
		[ -n "$score" ] || fail "no exposure level in: $out"
		echo "$u: exposure $score (max $max_exposure)"
		if awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s > m) }'; then
			echo "$out" | grep '✗' >&2 || true
			worst=fail
		fi
	done
	[ $worst = ok ] || fail "a unit's exposure is above $max_exposure"
}

# --- install_layout ------------------------------------------------------------
install_layout() {
	for f in /usr/sbin/newswired /usr/bin/newswire-post /usr/bin/newswire-sub \
		/usr/bin/newswire-alert /usr/bin/newswire-ctl /usr/bin/newswire-extract; do
		[ -x "$dest$f" ] || missing_target "$f"
	done
	[ -f "$NW_SOURCE_DIR/daemon/newswired.conf" ] || missing_target "daemon/newswired.conf"
	[ -f "$dest/etc/newswire/newswired.conf" ] || fail "sample config not in /etc/newswire"
	cmp -s "$dest/etc/newswire/newswired.conf" "$NW_SOURCE_DIR/daemon/newswired.conf" ||
		fail "/etc/newswire/newswired.conf differs from daemon/newswired.conf"
	[ -d "$dest/usr/share/newswire/lexicon" ] || fail "lexicons not in /usr/share/newswire/lexicon"
	# Every data file is installed, byte for byte.
	n=0
	for f in $(cd "$NW_SOURCE_DIR/data" && find . -type f ! -name 'README*'); do
		cmp -s "$NW_SOURCE_DIR/data/$f" "$dest/usr/share/newswire/$f" || fail "data/$f not installed in /usr/share/newswire"
		n=$((n + 1))
	done
	[ $n -gt 0 ] || fail "data/ holds no files to install"
	# Man pages (man/, built with scdoc, which scripts/deps installs).
	need_tool scdoc
	for page in man8/newswired.8 man5/newswired.conf.5 man1/newswire-post.1 man1/newswire-sub.1 \
		man1/newswire-alert.1 man1/newswire-ctl.1 man1/newswire-extract.1; do
		[ -s "$dest/usr/share/man/$page" ] || fail "man page /usr/share/man/$page not installed"
	done
	for u in $units; do
		grep -q "^ExecStart=/usr/" "$dest$unitdir/$u" || fail "$u: ExecStart not under the /usr prefix"
		grep -q "/etc/newswire/" "$dest$unitdir/$u" || fail "$u: does not use /etc/newswire"
		! grep -q "@[A-Z_]*@" "$dest$unitdir/$u" || fail "$u: unsubstituted @VAR@"
	done
	# Nothing lands outside the FHS places listed above.
	stray=$(cd "$dest" && find . -type f | sed 's#^\.##' |
		grep -v -E "^(/usr/s?bin/|/usr/share/newswire/|/usr/share/doc/newswire/|/usr/share/man/man[1-8]/|/etc/newswire/|$unitdir/|$sysusersdir/)" || true)
	[ -z "$stray" ] || fail "unexpected installed files: $stray"
	echo "layout: $(cd "$dest" && find . -type f | wc -l) files in place, $n data files identical"
	# A second install keeps the operator's config.
	echo "# edited by the operator" >>"$dest/etc/newswire/newswired.conf"
	DESTDIR=$dest "$cmake" --install "$build" --prefix /usr >"$tmp/install2.log" 2>&1 || {
		cat "$tmp/install2.log" >&2
		fail "second cmake --install failed"
	}
	grep -q "^# edited by the operator$" "$dest/etc/newswire/newswired.conf" ||
		fail "a second install overwrote /etc/newswire/newswired.conf"
	echo "layout: a second install keeps an edited /etc/newswire/newswired.conf"
}

# --- install_run ---------------------------------------------------------------

# wait_line FILE PATTERN COUNT SECONDS: wait until FILE holds COUNT lines
# matching PATTERN (grep -E); 0, or 1 on timeout.
wait_line() {
	i=0
	while [ $i -lt $(($4 * 10)) ]; do
		if [ "$(grep -c -E "$2" "$1" 2>/dev/null || true)" -ge "$3" ]; then
			return 0
		fi
		if [ -n "$daemon_pid" ] && ! kill -0 "$daemon_pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# unit_argv UNIT KEY: the unit's KEY= command line with the installed paths
# pointed into the DESTDIR, as words for eval "set -- ...".
unit_argv() {
	unit_line "$1" "$2" | sed -E -e "s#(^|[ =])/usr/#\1$dest/usr/#g" -e "s#(^|[ =])/etc/newswire#\1$dest/etc/newswire#g"
}

# daemon_log: what the daemon said, for a failure message.
daemon_log() {
	echo "--- daemon stderr:" >&2
	tail -n 40 "$tmp/daemon.log" >&2 || true
	echo "--- sd_notify lines:" >&2
	cat "$tmp/notify.log" >&2 || true
}

install_run() {
	sbin=$dest/usr/sbin
	bin=$dest/usr/bin
	for f in "$sbin/newswired" "$bin/newswire-extract"; do
		[ -x "$f" ] || missing_target "${f#"$dest"}"
	done
	[ -f "$dest/etc/newswire/newswired.conf" ] || missing_target "daemon/newswired.conf"
	need_tool curl
	py=/usr/bin/python3
	[ -x $py ] || fail "$py not found"
	[ -z "${NEWSWIRE_DATA:-}" ] || fail "NEWSWIRE_DATA is set"

	# 1. The installed extractor over the bundled articles, with the installed data.
	# (Distinct articles: the daemon stores a repeated article once.)
	articles=""
	for a in "$NW_SOURCE_DIR"/examples/articles/*.txt; do
		[ -f "$a" ] && articles="$articles $a"
	done
	[ -n "$articles" ] || missing_target "the bundled articles (examples/articles/*.txt)"
	narticles=$(echo "$articles" | wc -w)
	# shellcheck disable=SC2086
	"$bin/newswire-extract" $articles >"$tmp/extract.out" 2>"$tmp/extract.err" || {
		cat "$tmp/extract.err" >&2
		fail "installed newswire-extract failed on the bundled articles"
	}
	nev=$(grep -c '"type"' "$tmp/extract.out" || true)
	[ "$nev" -gt 0 ] || fail "installed newswire-extract found no event: $(head -c 400 "$tmp/extract.out")"
	echo "extract: $nev events from $narticles articles with $(cd "$dest/usr/share/newswire" && find . -type f | wc -l) installed data files"
	# ... and it is those files it reads: without them it finds nothing (unless
	# a real install on this host gives it a fallback).
	mv "$dest/usr/share/newswire" "$dest/usr/share/newswire.away"
	# shellcheck disable=SC2086
	without=$("$bin/newswire-extract" $articles 2>/dev/null | grep -c '"type"' || true)
	mv "$dest/usr/share/newswire.away" "$dest/usr/share/newswire"
	if [ "$without" -ne 0 ]; then
		[ -d /usr/local/share/newswire ] || [ -d /usr/share/newswire ] ||
			fail "newswire-extract found $without events without the installed data: which data did it read?"
		echo "extract: (a host install of share/newswire exists; not checking that the DESTDIR copy is the one read)"
	else
		echo "extract: 0 events with share/newswire moved away: the installed data is what it reads"
	fi

	# 2. The installed daemon, started with the unit's own command lines. As
	# root, run it as nobody the way User= would (it refuses root).
	run=$tmp/run
	mkdir -p "$run"
	chmod 0755 "$tmp"
	as=""
	if [ "$(id -u)" -eq 0 ]; then
		need_tool setpriv
		chown 65534:65534 "$run"
		as="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	fi
	state=$run/state
	port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	: >"$tmp/notify.log"
	$py "$NW_SOURCE_DIR/tests/systemd/notify_listen.py" "$run/notify" "$tmp/notify.log" 90 &
	listener=$!
	wait_line "$tmp/notify.log" '^LISTENING$' 1 10 || fail "notify listener did not start"

	export STATE_DIRECTORY="$state"
	eval "set -- $(unit_argv newswired.service ExecStartPre)"
	[ $# -gt 0 ] || fail "newswired.service has no ExecStartPre"
	# shellcheck disable=SC2086
	$as "$@" >"$tmp/check.log" 2>&1 || {
		cat "$tmp/check.log" >&2
		fail "the unit's ExecStartPre ($*) rejects the installed config"
	}
	echo "ExecStartPre: $(echo "$*" | sed "s#$dest##g"): ok"

	eval "set -- $(unit_argv newswired.service ExecStart)"
	# Temp endpoints instead of the sample config's fixed ports.
	set -- "$@" --http "127.0.0.1:$port" --pub "ipc://$state/pub.sock" --replay "ipc://$state/replay.sock"
	# shellcheck disable=SC2086
	NOTIFY_SOCKET=$run/notify WATCHDOG_USEC=1000000 $as "$@" >"$tmp/daemon.log" 2>&1 &
	daemon_pid=$!
	wait_line "$tmp/notify.log" '^READY=1$' 1 20 || {
		daemon_log
		fail "no READY=1 from the installed newswired (Type=notify)"
	}
	code=$(curl -s -o "$tmp/healthz" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz" || true)
	[ "$code" = 200 ] || {
		daemon_log
		fail "/healthz answered $code"
	}
	echo "newswired: READY=1, /healthz 200 ($(head -c 80 "$tmp/healthz"))"
	grep -q "from $dest/usr/share/newswire\$" "$tmp/daemon.log" || {
		daemon_log
		fail "newswired did not load its lexicons and rules from the installed /usr/share/newswire"
	}
	echo "newswired: $(sed -n 's/^<[0-9]>//; s#'"$dest"'##; /^extractor:/p' "$tmp/daemon.log")"

	# The installed clients against it: the articles posted over HTTP come
	# back as the same number of events, extracted with the data the daemon
	# found by itself in ../share/newswire.
	for f in "$bin/newswire-post" "$bin/newswire-sub"; do
		[ -x "$f" ] || missing_target "${f#"$dest"}"
	done
	# shellcheck disable=SC2086
	"$bin/newswire-post" -q --url "http://127.0.0.1:$port" $articles >"$tmp/post.log" 2>&1 || {
		cat "$tmp/post.log" >&2
		daemon_log
		fail "installed newswire-post could not post to the installed daemon"
	}
	"$bin/newswire-sub" --json --since 0 --count "$nev" --timeout 30 \
		--pub "ipc://$state/pub.sock" --replay "ipc://$state/replay.sock" >"$tmp/sub.out" 2>"$tmp/sub.err" || {
		cat "$tmp/sub.err" >&2
		daemon_log
		fail "installed newswire-sub got $(wc -l <"$tmp/sub.out") of $nev events"
	}
	got=$(grep -c '"type"' "$tmp/sub.out" || true)
	[ "$got" -eq "$nev" ] || fail "newswire-sub printed $got events, expected $nev"
	echo "post+sub: $narticles articles posted, $got events received, as newswire-extract found"

	# The alert unit's command lines as instance "demo": rules and env file
	# where the unit looks, run in its state directory as another user.
	[ -x "$bin/newswire-alert" ] || missing_target /usr/bin/newswire-alert
	adir=$run/newswire-alert/demo
	mkdir -p "$adir" "$dest/etc/newswire/alert"
	[ -z "$as" ] || chown -R 65534:65534 "$run/newswire-alert"
	cat >"$dest/etc/newswire/alert/demo.rules" <<-'EOF'
		[newswire]
		state = demo.cursor

		[all]
		exec = echo "$NEWSWIRE_SEQ $NEWSWIRE_TYPE" >> fired.log
	EOF
	echo "NW_ALERT_OPTS=--pub ipc://$state/pub.sock --replay ipc://$state/replay.sock --since 0 --count $nev" \
		>"$dest/etc/newswire/alert/demo.env"
	# shellcheck disable=SC2034 # expanded by the eval below, as systemd would
	NW_ALERT_OPTS=$(sed -n 's/^NW_ALERT_OPTS=//p' "$dest/etc/newswire/alert/demo.env")
	eval "set -- $(unit_argv newswire-alert@.service ExecStartPre | sed 's/%i/demo/g')"
	# shellcheck disable=SC2086
	(cd "$adir" && $as "$@") >"$tmp/alert.log" 2>&1 || {
		cat "$tmp/alert.log" >&2
		fail "newswire-alert@demo ExecStartPre ($*) failed"
	}
	eval "set -- $(unit_argv newswire-alert@.service ExecStart | sed 's/%i/demo/g')"
	# shellcheck disable=SC2086
	(cd "$adir" && timeout 60 $as "$@") >"$tmp/alert.log" 2>&1 || {
		cat "$tmp/alert.log" >&2
		fail "newswire-alert@demo ExecStart ($*) failed"
	}
	fired=$(wc -l <"$adir/fired.log" 2>/dev/null || echo 0)
	[ "$fired" -eq "$nev" ] || fail "newswire-alert@demo ran its exec action $fired times, expected $nev"
	[ -s "$adir/demo.cursor" ] || fail "newswire-alert@demo left no cursor in its state directory"
	echo "newswire-alert@demo: ExecStartPre --check ok, $fired actions run, cursor in its state directory"
	wait_line "$tmp/notify.log" '^WATCHDOG=1$' 2 10 || {
		daemon_log
		fail "no WATCHDOG=1 pings with WATCHDOG_USEC=1000000 (WatchdogSec=)"
	}
	echo "newswired: WATCHDOG=1 pings"

	# ExecReload, as the unit says it.
	# shellcheck disable=SC2034 # expanded by the eval below
	MAINPID=$daemon_pid
	eval "set -- $(unit_line newswired.service ExecReload)"
	"$@" || fail "ExecReload $* failed"
	if ! wait_line "$tmp/notify.log" '^RELOADING=1$' 1 10 || ! wait_line "$tmp/notify.log" '^READY=1$' 2 10; then
		daemon_log
		fail "SIGHUP: no RELOADING=1 then READY=1"
	fi
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz" || true)
	[ "$code" = 200 ] || fail "/healthz answered $code after reload"
	echo "newswired: ExecReload -> RELOADING=1, READY=1, /healthz 200"

	kill -TERM "$daemon_pid"
	i=0
	while kill -0 "$daemon_pid" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$daemon_pid" 2>/dev/null && {
		daemon_log
		fail "newswired still running 30 s after SIGTERM"
	}
	rc=0
	wait "$daemon_pid" || rc=$?
	daemon_pid=""
	[ $rc -eq 0 ] || {
		daemon_log
		fail "newswired exited $rc after SIGTERM"
	}
	grep -q '^STOPPING=1$' "$tmp/notify.log" || fail "no STOPPING=1 before exit"
	echo "newswired: SIGTERM -> STOPPING=1, exit 0"
	kill "$listener" 2>/dev/null || true
	wait "$listener" 2>/dev/null || true
	listener=""
}

case $mode in
units_verify) units_verify ;;
units_security) units_security ;;
install_layout) install_layout ;;
install_run) install_run ;;
*) fail "unknown mode $mode" ;;
esac
