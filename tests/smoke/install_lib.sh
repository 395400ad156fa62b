#!/usr/bin/env bash
# Checks of an installed nfvpn, shared by install_test.sh (meson install
# into a DESTDIR) and ci/package.sh (the Debian packages unpacked): after
# lib.sh, with
#   ROOT     where it was installed (DESTDIR, or where the .debs were unpacked)
#   PREFIX   /usr/local, /usr...; BINDIR, ETC (sysconfdir), DATADIR, MANDIR,
#   LIBDIR, INCLUDEDIR, LIBEXECDIR, UNITDIR, COMPLDIR: absolute paths as
#   installed
#   VERSION  the project's version
#   MARCH    the build's -Dmarch (the portable check only for x86-64-v2)
# Each inst_* function fails the test with what is wrong.

INST_PROGRAMS="nfvpn-dataplane nfvpnd nfvpnctl nfvpn-gen nfvpn-steer nfvpn-mirror"
# run by the programs, not by hand: no manual page, not in bindir
INST_INTERNAL="nfvpn/nfvpn-nftc"

# inst_files: every file in its place, each program's --version
inst_files() {
	local p f v
	for p in $INST_PROGRAMS; do
		[ -x "$ROOT$BINDIR/$p" ] || fail "no program $BINDIR/$p"
		v=$("$ROOT$BINDIR/$p" --version 2>&1) || fail "$p --version: $v"
		[ "$(head -1 <<<"$v")" = "$p (nfvpn) $VERSION" ] ||
			fail "$p --version says '$(head -1 <<<"$v")', expected '$p (nfvpn) $VERSION'"
	done
	for p in $INST_INTERNAL; do
		[ -x "$ROOT$LIBEXECDIR/$p" ] || fail "no program $LIBEXECDIR/$p"
		[ ! -e "$ROOT$BINDIR/${p##*/}" ] || fail "${p##*/} in $BINDIR: it is internal"
		v=$("$ROOT$LIBEXECDIR/$p" --version 2>&1) || fail "$p --version: $v"
		[ "$(head -1 <<<"$v")" = "${p##*/} (nfvpn) $VERSION" ] ||
			fail "$p --version says '$(head -1 <<<"$v")'"
	done
	for f in "$UNITDIR/nfvpn-dataplane.service" "$UNITDIR/nfvpnd.service" \
		"$ETC/default/nfvpn-dataplane" "$DATADIR/nfvpn/examples/minimal.yaml" \
		"$COMPLDIR/nfvpnctl" "$INCLUDEDIR/nfvpn/nfv_client.h" \
		"$INCLUDEDIR/nfvpn/nfv_msg.h" "$LIBDIR/libnfvpn-client.a" \
		"$LIBDIR/pkgconfig/nfvpn-client.pc"; do
		[ -f "$ROOT$f" ] || fail "no $f"
	done
	[ -d "$ROOT$ETC/nfvpn" ] || fail "no policy folder $ETC/nfvpn"
	[ "$(stat -c %a "$ROOT$ETC/nfvpn")" = 700 ] ||
		fail "$ETC/nfvpn is mode $(stat -c %a "$ROOT$ETC/nfvpn"), expected 700"
	# a portable build: no AVX (ymm) or AVX-512 (zmm) in our code; CI's
	# test builds are -Dmarch=native (ci/lib.sh), the packages the default
	[ "${MARCH:-x86-64-v2}" = x86-64-v2 ] || return 0
	for p in nfvpn-dataplane nfvpn-gen; do
		! objdump -d --no-show-raw-insn "$ROOT$BINDIR/$p" | grep -q '%[yz]mm' ||
			fail "$p uses AVX registers: not an x86-64-v2 build"
	done
}

# inst_units: systemd-analyze verify finds nothing to say, with the
# programs and manual pages where the units name them (rewritten into ROOT)
inst_units() {
	local d=$WORK/units u out
	mkdir -p "$d"
	for u in nfvpn-dataplane.service nfvpnd.service; do
		grep -q "^ExecStart=$BINDIR/" "$ROOT$UNITDIR/$u" || fail "$u: ExecStart is not in $BINDIR"
		sed "s|=$BINDIR/|=$ROOT$BINDIR/|g" "$ROOT$UNITDIR/$u" > "$d/$u"
	done
	out=$(MANPATH=$ROOT$MANDIR systemd-analyze verify "$d/nfvpn-dataplane.service" \
		"$d/nfvpnd.service" 2>&1) || fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
}

# inst_man: a page for every program and the policy, each renders with man
# -l with no complaint but line-breaking ones
inst_man() {
	local p page err
	for p in $INST_PROGRAMS nfvpn-policy; do
		page=$(ls "$ROOT$MANDIR"/man[158]/"$p".[158]* 2>/dev/null | head -1)
		[ -n "$page" ] || fail "no manual page for $p in $MANDIR"
		# (mkman.py makes room for each table in man's continuous
		# rendering, where tbl would say "table text block will not fit
		# on one page" of whichever row lands near the end of the page)
		err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >"$WORK/page.txt" |
			grep -v -e 'cannot adjust line' -e "can't break line" \
				-e 'table wider than line width' -e "^warning: file '<standard input>', around line")
		[ -z "$err" ] || fail "man -l $page: $err"
		# (groff writes U+2010 for the hyphens of the names)
		sed -i 's/\xe2\x80\x90/-/g' "$WORK/page.txt"
		grep -q '^NAME' "$WORK/page.txt" && grep -Eq "^ *$p +- " "$WORK/page.txt" ||
			fail "man -l $page: no NAME section naming $p"
	done
}

# inst_client: a program outside the tree compiles and links against the
# installed header and library through pkg-config; INST_CLIENT names it
inst_client() {
	local flags
	flags=$(PKG_CONFIG_PATH=$ROOT$LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT \
		pkg-config --cflags --libs nfvpn-client) || fail "pkg-config nfvpn-client"
	INST_CLIENT=$WORK/install_client
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -Werror -o "$INST_CLIENT" \
		"$NFV_TOP/tests/smoke/install_client.c" $flags 2>"$WORK/cc.log" ||
		fail "the client does not build: $(cat "$WORK/cc.log")"
}

# inst_completion: the installed completion completes nfvpnctl's commands
inst_completion() {
	local got
	got=$(PATH=$ROOT$BINDIR:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"
		COMP_WORDS=(nfvpnctl route ""); COMP_CWORD=2
		COMP_LINE="nfvpnctl route "; COMP_POINT=${#COMP_LINE}
		_nfvpnctl nfvpnctl "" route
		echo "${COMPREPLY[*]}"' _ "$ROOT$COMPLDIR/nfvpnctl")
	[ "$got" = "add replace del list show" ] || fail "completion of 'nfvpnctl route ': '$got', expected 'add replace del list show'"
}

# inst_run: both units started as systemd would (tests/smoke/unit_run.py) in
# a network namespace, with the example policy firewall.yaml (two TAP
# ports), the installed files in place of the host's (install_run.sh);
# status answers, README's first run (traffic through it, captured with
# nfvpnctl capture and dpdk-dumpcap, counted by nfvpnctl), nfvpnd reloads,
# both stop cleanly. INST_CHARON=1: Debian's charon too, with the installed
# strongswan.d (nfvpn-strongswan-plugin).
inst_run() {
	local mem=${NFV_EAL_MEM//--huge-unlink/} capture=1
	# dpdk-dumpcap attaches to the dataplane's hugepage files: none without
	# hugepages; with them, a base address that both have free (capture_test.sh)
	case " $mem " in
	*" --no-huge "*|*" --in-memory "*)
		capture=
		echo "install_run: no capture: no hugepages ($NFV_EAL_MEM), a secondary process cannot attach" ;;
	*)	mem="$mem --base-virtaddr 0x200000000000"
		command -v dpdk-dumpcap > /dev/null || fail "no dpdk-dumpcap (Debian package dpdk-dev)" ;;
	esac
	install -m 0600 "$ROOT$DATADIR/nfvpn/examples/firewall.yaml" "$ROOT$ETC/nfvpn/policy.yaml"
	sed -i "s|^NFVPN_EAL_ARGS=.*|NFVPN_EAL_ARGS=\"-l 0,1 --no-pci $mem --file-prefix nfv$$ --log-level lib.eal:warning\"|" \
		"$ROOT$ETC/default/nfvpn-dataplane"
	dp_netns
	INST_NS_IN=$(netns_add inside) INST_NS_OUT=$(netns_add outside) \
	INST_PREFIX=nfv$$ INST_CAPTURE=$capture \
	ip netns exec "$DP_NS" unshare --mount --propagation private \
		bash "$NFV_TOP/tests/smoke/install_run.sh" "$ROOT" "$UNITDIR" "$BINDIR" "$WORK" \
		"$INST_CLIENT" "${INST_CHARON:-}" || fail "the installed units did not run"
}
