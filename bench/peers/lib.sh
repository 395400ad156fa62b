# shellcheck shell=bash disable=SC2034,SC2054
# (SC2034: peer_cmd is for the caller; SC2054: commas inside arguments)
# The command lines of the peers, shared by bench/forward/run.sh,
# bench/esp/run.sh and bench/peers/check.sh (which runs them with a pcap
# file in place of net_null, to check what they send). Each sets the array
# peer_cmd. MEM is the EAL memory options, split on spaces ($NFV_EAL_MEM).

# DPDK's l3fwd, LPM lookup (the routes of bench/forward/mkpolicy.py:
# DIR/l3fwd-v4.cfg, l3fwd-v6.cfg, all to port 1), on one lcore (-l CORE:
# net_pcap with infinite_rx has one tx queue), software packet types
# (--parse-ptype: net_pcap gives none), polling port 0, sending to the MAC
# of nfvpn's neighbour on port 1.
#   peer_cmd_l3fwd PEERS PREFIX CORE MEM RXDEV TXDEV DIR
peer_cmd_l3fwd() {
	local memv
	read -r -a memv <<< "$4"
	peer_cmd=("$1/l3fwd" -l "$3" --no-pci --file-prefix "$2" "${memv[@]}"
		--log-level lib.eal:warning --vdev "$5" --vdev "$6" --
		-p 0x3 --lookup lpm --config "(0,0,$3)" --parse-ptype
		--rule_ipv4 "$7/l3fwd-v4.cfg" --rule_ipv6 "$7/l3fwd-v6.cfg"
		--eth-dest 1,02:00:00:00:01:02)
}

# DPDK's ipsec-secgw with the SAs of bench/esp/mkpcap.py
# (DIR/secgw-DIRECTION-MODE.cfg), on one lcore, polling port 0 only:
# encryption with port 0 protected (no -u), decryption with port 0
# unprotected (-u 0x1: the unprotected port is the ESP side). MODE cpu:
# its library path (-l) with cpu-crypto SAs on crypto_aesni_gcm; mb: its
# legacy path, lookaside-none SAs on crypto_aesni_mb. --mtu 2000: IMIX's
# 1500-byte packets plus ESP pass (its default MTU is 1500); it still fits
# one mbuf, which its legacy path needs.
#   peer_cmd_secgw PEERS PREFIX CORE MEM RXDEV TXDEV DIR enc|dec cpu|mb
peer_cmd_secgw() {
	local memv lib cdev unprot=()
	read -r -a memv <<< "$4"
	case $9 in
	cpu) lib=(-l); cdev=crypto_aesni_gcm0 ;;
	mb) lib=(); cdev=crypto_aesni_mb0 ;;
	*) echo "secgw: unknown mode $9 (cpu, mb)" >&2; return 1 ;;
	esac
	[ "$8" = enc ] || unprot=(-u 0x1)
	peer_cmd=("$1/ipsec-secgw" -l "$3" --no-pci --file-prefix "$2" "${memv[@]}"
		--log-level lib.eal:warning --vdev "$5" --vdev "$6" --vdev "$cdev" --
		-p 0x3 "${unprot[@]}" "${lib[@]}" --config "(0,0,$3)" --mtu 2000
		-f "$7/secgw-$8-$9.cfg")
}
