#!/usr/bin/env bash
# Conntrack with four workers on one core (EAL --lcores "0@0,(1-4)@1"),
# net_af_packet qpairs=4 on both ports (the kernel's fanout hash spreads
# the connections over the four workers' queues): 64 TCP connections and 64
# UDP flows at once through a "policy drop; ct state established accept"
# forward chain. Every connection opens once (the NEW rule counts exactly
# 64 + 64), every reply is ESTABLISHED, every byte comes back, nothing is
# INVALID or dropped by the policy, every worker got traffic.
#
#   netns a                         netns dp                          netns b
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane x4] p1 == dp1 ---- b0 10.1.0.2
#   64 TCP clients                forward: policy drop             echo servers
#   64 UDP clients                ct state established accept      tcp 8080
#                                 p0 tcp 8080 / udp 9090 new       udp 9090
. "$(dirname "$0")/lib.sh"

NW=4
DP_LCORES="--lcores 0@0,(1-$NW)@1"
NCONN=64

routed_pair
for ns in "$A" "$B"; do in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip -n "$A" neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 dev a0 nud permanent
ip -n "$B" neigh add 10.1.0.1 lladdr 02:00:00:00:01:01 dev b0 nud permanent
# static neighbours: 128 flows opening at once must not wait on ARP (101
# packets held per unresolved neighbour, as Linux's unres_qlen)
mac() { in_ns "$1" cat "/sys/class/net/$2/address"; }
cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports w | sed "s/iface=dp\([01]\)\"/iface=dp\1,qpairs=$NW\"/")
neighbours:
  - { port: p0, address: 10.0.0.2, mac: "$(mac "$A" a0)" }
  - { port: p1, address: 10.1.0.2, mac: "$(mac "$B" b0)" }
filter:
  conntrack_max: 4096
  nft: |
    table inet f {
      chain forward {
        type filter hook forward priority 0; policy drop;
        ct state established,related counter accept
        ct state invalid counter drop
        iifname "p0" tcp dport 8080 ct state new counter accept
        iifname "p0" udp dport 9090 ct state new counter accept
        counter
      }
    }
EOP
grep -q "qpairs=$NW" "$WORK/policy.yaml" || fail "policy: no qpairs"
dp_start "$WORK/policy.yaml"
[ "$(ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["workers"])')" = $NW ] ||
	fail "nfvpnctl status does not say $NW workers"

# the servers end on their own: a background job of the script is a
# subshell whose kill would leave python (and the DPDK lock it inherited)
in_ns "$B" $PY - > "$WORK/server.out" 2>&1 <<'EOPY' &
import signal, socket, threading
signal.alarm(60)
def tcp_conn(c):
    with c:
        while True:
            d = c.recv(4096)
            if not d:
                return
            c.sendall(d)
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("10.1.0.2", 8080)); t.listen(128)
def tcp_loop():
    while True:
        c, _ = t.accept()
        threading.Thread(target=tcp_conn, args=(c,), daemon=True).start()
threading.Thread(target=tcp_loop, daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.1.0.2", 9090))
print("ready", flush=True)
while True:
    d, a = u.recvfrom(2048)
    if d == b"stop":
        break
    u.sendto(d, a)
EOPY
server=$!
for _ in $(seq 50); do grep -q ready "$WORK/server.out" && break; sleep 0.1; done

in_ns "$A" $PY - $NCONN > "$WORK/client.out" 2>&1 <<'EOPY' || { cat "$WORK/client.out"; fail "clients"; }
import socket, sys, threading
n = int(sys.argv[1])
errors = []
def tcp(i):
    try:
        s = socket.create_connection(("10.1.0.2", 8080), timeout=10)
        for j in range(20):
            m = (b"tcp %d message %d " % (i, j)).ljust(200, b"x")
            s.sendall(m)
            got = b""
            while len(got) < len(m):
                got += s.recv(len(m) - len(got))
            assert got == m, (i, j)
        s.close()
    except Exception as e:
        errors.append("tcp %d: %r" % (i, e))
def udp(i):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
        s.bind(("10.0.0.2", 20000 + i))
        for j in range(10):
            m = b"udp %d datagram %d" % (i, j)
            s.sendto(m, ("10.1.0.2", 9090))
            assert s.recv(2048) == m, (i, j)
    except Exception as e:
        errors.append("udp %d: %r" % (i, e))
th = [threading.Thread(target=f, args=(i,)) for i in range(n) for f in (tcp, udp)]
for t in th: t.start()
for t in th: t.join()
print("\n".join(errors) if errors else "ok: %d TCP connections, %d UDP flows" % (n, n))
EOPY
grep -q '^ok' "$WORK/client.out" || fail "clients: $(cat "$WORK/client.out")"
cat "$WORK/client.out"

rs=$(ctl --json ruleset)
rule() {	# rule N: packets of the Nth rule of chain forward
	echo "$rs" | $PY -c '
import json, sys
r = [o for o in json.load(sys.stdin)["ruleset"] if o["kind"] == "rule"]
print(r[int(sys.argv[1])]["packets"])' "$1"
}
info=$(ctl --json filter)
jget() { echo "$info" | $PY -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
est=$(rule 0); inv=$(rule 1); tnew=$(rule 2); unew=$(rule 3); pol=$(rule 4)
echo "ct rules: established $est, invalid $inv, new tcp $tnew, new udp $unew, policy $pol;" \
	"conntrack new $(jget ct_new) invalid $(jget ct_invalid)"
[ "$inv" = 0 ] || fail "the invalid rule counted $inv"
[ "$(jget ct_invalid)" = 0 ] || fail "conntrack counted $(jget ct_invalid) invalid"
[ "$tnew" = $NCONN ] || fail "new tcp: $tnew, expected $NCONN SYNs"
[ "$unew" = $NCONN ] || fail "new udp: $unew, expected $NCONN first datagrams"
[ "$pol" = 0 ] || fail "the policy dropped $pol"
# each connection: SYN-ACK, data both ways, FINs; each flow 10 replies
[ "$est" -ge $((NCONN * 40 + NCONN * 19)) ] || fail "established: $est"
expect_counter drop.filter-chain-policy 0
expect_counter drop.ct-invalid 0
expect_counter drop.ct-table-full 0
busy=""
for w in $(seq 0 $((NW - 1))); do
	b=$(counter "worker$w.busy_loops")
	[ "$b" -gt 0 ] || fail "worker $w got no traffic"
	busy="$busy $b"
done
echo "busy loops per worker:$busy"
in_ns "$B" $PY -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"stop", ("10.1.0.2", 9090))'
wait $server
dp_stop
echo "PASS $SMOKE_NAME"
