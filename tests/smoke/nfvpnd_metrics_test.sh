#!/usr/bin/env bash
# nfvpnd's metrics over libmicrohttpd: --metrics [ADDR:]PORT on IPv4 and
# IPv6, Prometheus text 0.0.4 by default and OpenMetrics when the Accept
# header asks for it (as Prometheus does), both read back by
# python3-prometheus-client's parsers; a request split over two TCP
# segments is answered; other paths 404; a bad --metrics exits 2.
#
#   nfvpn-dataplane (net_ring, no traffic) <- nfvpnd --metrics [::1]:P <- this test (HTTP)
. "$(dirname "$0")/lib.sh"

[ -x "$NFVPND" ] || fail "no $NFVPND"
$PY -c 'import prometheus_client.parser' 2>/dev/null || fail "no python3-prometheus-client"

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: net_ring0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
routes:
  - { dst: 10.2.0.0/16, via: 10.0.0.2 }
hooks:
  - { name: c1, hook: FORWARD, action: count }
filter:
  conntrack: true
  nft: |
    table inet t {
      chain filt {
        type filter hook forward priority 0; policy accept;
        ct state established counter accept
        ip daddr 10.9.0.0/16 counter drop
      }
    }
ipsec:
  sas:
    - { name: in-1, spi: 0x1001, direction: in, src: 10.0.0.2, dst: 10.0.0.1, reqid: 1,
        algorithm: aes-gcm-128, key: "00112233445566778899aabbccddeeff", salt: "01020304" }
EOP
chmod 600 "$WORK/policy.yaml"

# a bad --metrics is a usage error
for bad in 0 65536 localhost:9100 "::1:9100" "[::1]" "10.0.0.256:80"; do
	"$NFVPND" --config "$WORK/policy.yaml" --metrics "$bad" > "$WORK/o" 2>&1; rc=$?
	[ "$rc" -eq 2 ] || fail "--metrics $bad: exit $rc: $(cat "$WORK/o")"
	grep -q -- "--metrics: .* is not PORT" "$WORK/o" || fail "--metrics $bad: $(cat "$WORK/o")"
done

dp_start "$WORK/policy.yaml"
PORT=$((20000 + $$ % 20000))

# scrape HOST PORT: every check on the endpoint at HOST (an address literal)
scrape() {
	$PY - "$1" "$2" <<'EOP'
import socket, sys, time
from prometheus_client.parser import text_string_to_metric_families as prom_parse
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse

host, port = sys.argv[1], int(sys.argv[2])

def http(parts, pause=0.3):
    """Sends the request in len(parts) TCP segments, pause apart; the answer."""
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i, p in enumerate(parts):
        if i:
            time.sleep(pause)
        s.sendall(p.encode())
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return status, headers, body.decode()

hostport = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
def get(path, accept=None, split=False):
    req = "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n" % (path, hostport)
    if accept:
        req += "Accept: %s\r\n" % accept
    req += "\r\n"
    # split: the request line in one segment, the headers in a second
    return http([req[:9], req[9:]] if split else [req])

def families(fams):
    return {f.name: f for f in fams}

# 1. Prometheus text (no Accept), in one segment and in two
for split in (False, True):
    st, h, body = get("/metrics", split=split)
    assert st == 200, (split, st, body)
    assert h["content-type"].startswith("text/plain; version=0.0.4"), h
    assert "# EOF" not in body, body[-200:]
    f = families(prom_parse(body))
    for name, typ in (("nfvpn_up", "gauge"), ("nfvpn_generation", "gauge"),
                      ("nfvpnd_reloads", "counter"), ("nfvpn_port_rx_packets", "counter"),
                      ("nfvpn_hook_entry_packets", "counter"), ("nfvpn_drops", "counter"),
                      ("nfvpn_filter_rule_packets", "counter"), ("nfvpn_sa_packets", "counter"),
                      ("nfvpn_sa_state", "gauge")):
        assert name in f, (name, sorted(f))
        assert f[name].type == typ, (name, f[name].type)
        assert f[name].documentation, name
    up = f["nfvpn_up"].samples[0]
    assert up.value == 1, up
    ports = {s.labels["port"] for s in f["nfvpn_port_rx_packets"].samples}
    assert ports == {"p0"}, ports
    entries = {(s.labels["hook"], s.labels["entry"]) for s in f["nfvpn_hook_entry_packets"].samples}
    assert ("FORWARD", "c1") in entries, entries
    rules = [s for s in f["nfvpn_filter_rule_packets"].samples]
    assert len(rules) == 2 and all(s.name == "nfvpn_filter_rule_packets_total" for s in rules), rules
    sa = [s for s in f["nfvpn_sa_packets"].samples if s.labels["sa"] == "in-1"]
    assert len(sa) == 1 and sa[0].labels["spi"] == "0x00001001" and sa[0].value == 0, sa
    print("prometheus text%s: %d families, %d bytes" % (" (2 segments)" if split else "", len(f), len(body)))

# 2. OpenMetrics, as Prometheus asks, in one segment and in two
prom_accept = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
               "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
for split in (False, True):
    st, h, body = get("/metrics", accept=prom_accept, split=split)
    assert st == 200, (st, body)
    assert h["content-type"].startswith("application/openmetrics-text; version=1.0.0"), h
    assert body.endswith("# EOF\n"), body[-200:]
    f = families(om_parse(body))	# strict: metadata, names, # EOF
    assert f["nfvpn_drops"].type == "counter", f["nfvpn_drops"]
    assert f["nfvpn_sa_state"].type == "gauge"
    assert any(s.labels.get("state") == "active" for s in f["nfvpn_sa_state"].samples)
    print("openmetrics%s: %d families" % (" (2 segments)" if split else "", len(f)))

# 3. a slow client: the request line, then the rest 1 s later (one byte per segment once)
req = "GET /metrics HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % hostport
st, h, body = http([c for c in req[:6]] + [req[6:]], pause=0.05)
assert st == 200 and "nfvpn_up 1" in body, (st, body[:200])

# 4. "/" is the metrics too; other paths 404, other methods 405
assert get("/")[0] == 200
assert get("/nope")[0] == 404
st, h, _ = http(["POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab"])
assert st == 405 and "GET" in h.get("allow", ""), (st, h)
# HEAD: the headers, no body
st, h, body = http(["HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
assert st == 200 and body == "", (st, body[:100])
EOP
}

# 1. IPv6 loopback
nfvpnd_start --metrics "[::1]:$PORT"
grep -q "metrics on http://\[::1\]:$PORT/metrics" "$WORK/nfvpnd.log" || fail "log: $(cat "$WORK/nfvpnd.log")"
scrape ::1 "$PORT" || fail "metrics on [::1]:$PORT: $(cat "$WORK/nfvpnd.log")"
# a client that says nothing does not hold the daemon: the control socket answers
$PY -c 'import socket, sys, time
s = socket.create_connection(("::1", int(sys.argv[1])))
s.send(b"GET /metr")
time.sleep(8)' "$PORT" &
IDLE_PID=$!
sleep 0.3
ctl daemon > /dev/null 2>&1 || fail "nfvpnd stuck behind an idle metrics client"
scrape ::1 "$PORT" || fail "metrics with an idle client open"
kill "$IDLE_PID"; wait "$IDLE_PID" 2>/dev/null
# not on IPv4
$PY -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)' \
	"$PORT" 2>/dev/null && fail "[::1]:$PORT also answers on 127.0.0.1"
nfvpnd_stop

# 2. PORT alone: 127.0.0.1, as before
nfvpnd_start --metrics "$PORT"
scrape 127.0.0.1 "$PORT" || fail "metrics on 127.0.0.1:$PORT: $(cat "$WORK/nfvpnd.log")"
# a port taken: nfvpnd says so and exits 1
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$WORK/other.sock" \
	--no-steer --metrics "$PORT" > "$WORK/o" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "a second nfvpnd on port $PORT: exit $rc: $(cat "$WORK/o")"
grep -q "metrics on http://127.0.0.1:$PORT/metrics: cannot listen" "$WORK/o" || fail "$(cat "$WORK/o")"
nfvpnd_stop

dp_stop
echo "PASS $SMOKE_NAME"
