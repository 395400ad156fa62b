#!/usr/bin/env bash
# nfvpnd's log: one journal entry per message, with its priority, through
# libsystemd's journal API when $JOURNAL_STREAM names nfvpnd's stderr (as
# systemd sets it for StandardError=journal); plain "nfvpnd: LEVEL:" lines
# on stderr when it names another file or is unset. No journald is
# needed: in a private mount namespace a tmpfs on /run/systemd holds a
# stand-in that records what arrives at /run/systemd/journal/socket.
#
#   nfvpn-dataplane <- nfvpnd --(sd_journal_send)--> /run/systemd/journal/socket <- this test
. "$(dirname "$0")/lib.sh"

NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
[ -x "$NFVPND" ] || fail "no $NFVPND"
cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: net_ring0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
routes:
  - { dst: 10.2.0.0/16, via: 10.0.0.2 }
hooks:
  - { name: c1, hook: FORWARD, action: count }
EOP
cat > "$WORK/journald.py" <<'EOP'
# A stand-in for journald's native socket: one JSON object per datagram.
import json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    d = s.recv(1 << 20)
    e, i = {}, 0
    while i < len(d):
        nl = d.index(b"\n", i)
        line = d[i:nl]
        if b"=" in line:		# KEY=VALUE\n
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:			# KEY\n, 64-bit little-endian length, VALUE, \n
            k = line
            n = struct.unpack("<Q", d[nl + 1:nl + 9])[0]
            v = d[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        e[k.decode()] = v.decode()
    out.write(json.dumps(e) + "\n")
    out.flush()
EOP

dp_start "$WORK/policy.yaml"
# run_nfvpnd STREAM: nfvpnd for 2 s, stderr in $WORK/stderr; STREAM "self"
# is that file's DEV:INODE, anything else is passed as it is ("" unsets)
run_nfvpnd() {
	unshare -m bash -c '
		set -e
		mount --make-rprivate /
		mount -t tmpfs tmpfs /run/systemd
		mkdir /run/systemd/journal
		'"$PY"' "$0/journald.py" /run/systemd/journal/socket "$0/journal.jsonl" &
		J=$!
		for _ in $(seq 30); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
		: > "$0/stderr"
		js=$1
		[ "$js" = self ] && js=$(stat -c %d:%i "$0/stderr")
		if [ -n "$js" ]; then export JOURNAL_STREAM=$js; else unset JOURNAL_STREAM; fi
		"$2" --config "$0/policy.yaml" --socket "$3" --control "$0/nfvpnd.sock" --no-steer \
			2>> "$0/stderr" &
		N=$!
		for _ in $(seq 50); do grep -q "start: apply" "$0/journal.jsonl" "$0/stderr" 2>/dev/null && break; sleep 0.1; done
		kill -TERM $N; wait $N
		sleep 0.2
		kill $J
	' "$WORK" "$1" "$NFVPND" "$SOCK" || fail "nfvpnd (JOURNAL_STREAM $1): $(cat "$WORK/stderr")"
}

# 1. stderr is the journal's stream: every message an entry, nothing on stderr
: > "$WORK/journal.jsonl"
run_nfvpnd self
[ -s "$WORK/stderr" ] && fail "nfvpnd wrote to stderr: $(cat "$WORK/stderr")"
$PY - "$WORK/journal.jsonl" <<'EOP' || fail "journal: $(cat "$WORK/journal.jsonl")"
import json, sys
es = [json.loads(l) for l in open(sys.argv[1])]
for e in es:
    print(e["PRIORITY"], e["MESSAGE"].splitlines()[0])
    assert e["SYSLOG_IDENTIFIER"] == "nfvpnd", e
    assert not e["MESSAGE"].startswith("<"), e
    assert "CODE_FILE" not in e, e
def one(prefix):
    m = [e for e in es if e["MESSAGE"].startswith(prefix)]
    assert len(m) == 1, (prefix, es)
    return m[0]
assert one("started: policy")["PRIORITY"] == "6"		# LOG_INFO
apply = one("start: apply")
assert apply["PRIORITY"] == "5", apply				# LOG_NOTICE
# the apply's report: several lines, one entry
lines = apply["MESSAGE"].split("\n")
assert len(lines) >= 2 and lines[-1].startswith("generation "), apply
assert not apply["MESSAGE"].endswith("\n"), apply
assert one("stopping")["PRIORITY"] == "6"
EOP

# 2. JOURNAL_STREAM names another file (a child that kept the variable but
#    not the stream), or is unset: plain lines on stderr, nothing to the journal
for js in "1:1" ""; do
	: > "$WORK/journal.jsonl"
	run_nfvpnd "$js"
	[ -s "$WORK/journal.jsonl" ] && fail "JOURNAL_STREAM '$js': to the journal: $(cat "$WORK/journal.jsonl")"
	grep -q "^nfvpnd: info: started: policy" "$WORK/stderr" || fail "stderr: $(cat "$WORK/stderr")"
	grep -q "^nfvpnd: notice: start: apply" "$WORK/stderr" || fail "stderr: $(cat "$WORK/stderr")"
	grep -q "^<[0-7]>" "$WORK/stderr" && fail "a <N> prefix on stderr: $(cat "$WORK/stderr")"
done

dp_stop
echo "PASS $SMOKE_NAME"
