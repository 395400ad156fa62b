#!/usr/bin/env bash
# Road warriors (topology: ike_site in lib.sh, "peer" holds the clients):
# RW_CLIENTS IKEv2 clients (one charon with kernel-libipsec, one
# connection and identity each) ask for a virtual IP from nfvpn's pool
# 10.3.0.0/24; nfvpn's charon installs each client's CHILD_SA in the
# dataplane, whose route for the pool leads to the outer side. Each
# client's tunnel carries a ping to the LAN behind nfvpn. Reports the
# setup rate.
. "$(dirname "$0")/lib.sh"

N=${RW_CLIENTS:-200}
ike_site
PSK="a pre-shared key of the road-warrior test"

cat > "$(swanctl_dir nfvpn)/swanctl.conf" <<EOC
connections {
	rw {
		version = 2
		local_addrs = 192.0.2.1
		proposals = aes128gcm16-prfsha256-ecp256
		pools = rw
		local {
			auth = psk
			id = nfvpn.example
		}
		remote {
			auth = psk
		}
		children {
			net {
				local_ts = 10.1.0.0/24
				esp_proposals = aes128gcm16
			}
		}
	}
}
pools {
	rw {
		addrs = 10.3.0.0/24
	}
}
secrets {
	ike-rw {
		secret = "$PSK"
	}
}
EOC
{
	echo "connections {"
	for i in $(seq "$N"); do
		cat <<EOC
	c$i {
		version = 2
		remote_addrs = 192.0.2.1
		proposals = aes128gcm16-prfsha256-ecp256
		vips = 0.0.0.0
		local {
			auth = psk
			id = client-$i.example
		}
		remote {
			auth = psk
			id = nfvpn.example
		}
		children {
			net$i {
				remote_ts = 10.1.0.0/24
				esp_proposals = aes128gcm16
			}
		}
	}
EOC
	done
	echo "}"
	echo "secrets { ike-rw { secret = \"$PSK\" } }"
} > "$(swanctl_dir peer)/swanctl.conf"
sw nfvpn --load-all --noprompt --file "$WORK/nfvpn.swanctl/swanctl.conf" > /dev/null || fail "swanctl --load-all (nfvpn)"
sw peer --load-all --noprompt --file "$WORK/peer.swanctl/swanctl.conf" > /dev/null || fail "swanctl --load-all (peer)"

# one after the other: 19 clients initiating at once lost IKE packets
# (retransmits, some gave up) on this shared 2-core machine: docs/ike.md
t0=$(date +%s.%N)
for i in $(seq "$N"); do
	sw peer --initiate --child "net$i" --timeout 30 > "$WORK/initiate.$i" 2>&1 ||
		{ cat "$WORK/initiate.$i" | grep -v '^\['; break; }
done
t1=$(date +%s.%N)
up=$(sw nfvpn --list-sas | grep -c 'net: #.*INSTALLED')
rate=$(echo "$N $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) }')
echo "$up of $N clients up, one after the other, in $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s: $rate tunnels/s"
[ "$up" = "$N" ] || {
	grep -hE 'retransmit|giving up|failed|error|unable' "$WORK/nfvpn.log" "$WORK/peer.log" | sort | uniq -c | head -30
	fail "$up of $N CHILD_SAs on nfvpn's side"
}
[ "$(dp_ike_sas | wc -l)" = $((2 * N)) ] || fail "$(dp_ike_sas | wc -l) SAs in the dataplane, expected $((2 * N))"
[ "$(dp_count sp)" = $((2 * N)) ] || fail "$(dp_count sp) policies in the dataplane, expected $((2 * N))"
ctl sp | head -5

# each client's tunnel: a ping from its virtual IP to the LAN
vips=$(sw peer --list-sas | sed -n 's/.*remote  *\(10\.1\.0\.0\/24\).*//; s/^ *local  *\(10\.3\.0\.[0-9]*\)\/32$/\1/p' | sort -u)
n=$(echo "$vips" | grep -c .)
[ "$n" = "$N" ] || { sw peer --list-sas | head -30; fail "$n virtual IPs on the clients, expected $N"; }
# 25 at a time; ping -c 1 exits 0 with its reply
echo "$vips" | xargs -P 25 -I VIP ip netns exec "$PEER" ping -c 1 -W 3 -I VIP 10.1.0.2 \
	> "$WORK/pings" 2>&1 || { grep -B1 -A2 '100% packet loss' "$WORK/pings" | head; fail "a client's ping got no reply"; }
dp_ike_sas | awk '$5 < 1 { print "SA " $1 " carried nothing"; bad = 1 } END { exit bad }' ||
	fail "a client's SA carried no packet"
echo "ok $N clients, a ping each"
grep VmHWM /proc/"${CHARON_PID[nfvpn]}"/status

t0=$(date +%s.%N)
sw nfvpn --terminate --ike rw --timeout 60 > /dev/null 2>&1
for _ in $(seq 3); do dp_wait_empty && break; done
[ "$(dp_count sa)" = 0 ] || { ctl sa | head; fail "$(dp_count sa) SAs left after --terminate"; }
echo "all down in $(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }') s"
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
