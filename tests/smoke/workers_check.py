#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of workers_test.sh: capture on an interface, check ESP sequence
numbers against an anti-replay window, send ESP of several SAs, check the
order of decrypted flows.

  capture IFACE OUT IDLE_S MAX_S     frames received on IFACE into OUT (pcap)
                                     until IDLE_S without one (after the first)
  esp-out PCAP SPI KEYHEX SRC DST SENT WINDOW
                                     every sequence number 1..SENT once, the
                                     receiver's window accepts all, inner flows
                                     (nfvpn-gen signatures) in order
  esp-in-send IFACE DSTMAC NSA PER_SA RATE KEYHEX
                                     NSA tunnel SAs (SPI 0x3000+i, outer
                                     10.0.0.(10+i) -> 10.0.0.1, inner
                                     10.3.i.2 -> 10.2.0.(1+f) UDP), PER_SA
                                     packets each over 4 flows, interleaved
  esp-in-check PCAP NSA PER_SA       the inner packets on the other side:
                                     all there, once, each flow in order
"""
import logging
import socket
import struct
import sys
import time

# scapy's IP() looks for a route the generator's namespace does not have
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6
MAGIC = 0x4E465647	# nfvpn-gen's "NFVG"


def capture(iface, out, idle, max_s):
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
	s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)	# SO_RCVBUFFORCE
	s.bind((iface, 0))
	s.settimeout(0.2)
	frames = []
	t0 = time.time()
	last = None
	print("capturing", flush=True)
	while time.time() - t0 < max_s:
		try:
			data, addr = s.recvfrom(65535)
		except socket.timeout:
			if last is not None and time.time() - last > idle:
				break
			continue
		if addr[2] == PACKET_OUTGOING:
			continue
		frames.append(data)
		last = time.time()
	st = s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
	_, drops = struct.unpack("II", st)
	with open(out, "wb") as f:
		f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
		for d in frames:
			f.write(struct.pack("<IIII", 0, 0, len(d), len(d)))
			f.write(d)
	print("captured %d frames, %d dropped by the socket" % (len(frames), drops))
	if drops:
		sys.exit("capture lost %d frames: the check would be wrong" % drops)


def read_pcap(path):
	with open(path, "rb") as f:
		f.read(24)
		while True:
			h = f.read(16)
			if len(h) < 16:
				return
			n = struct.unpack("<IIII", h)[2]
			yield f.read(n)


class Window:
	"""An RFC 4303 appendix A window of W packets, as Linux's xfrm_replay
	and our esp_replay: a packet older than top - W + 1 or seen is refused."""

	def __init__(self, w):
		self.w, self.top, self.seen = w, 0, set()

	def accept(self, seq):
		if seq == 0 or seq + self.w <= self.top or seq in self.seen:
			return False
		self.seen.add(seq)
		if seq > self.top:
			self.top = seq
			self.seen = {s for s in self.seen if s + self.w > self.top}
		return True


def esp_out(pcap, spi, key, src, dst, sent, window):
	from scapy.layers.inet import IP, UDP
	from scapy.layers.ipsec import ESP, SecurityAssociation
	from scapy.layers.l2 import Ether
	spi, sent, window = int(spi, 0), int(sent), int(window)
	sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM",
				 crypt_key=bytes.fromhex(key),
				 tunnel_header=IP(src=src, dst=dst))
	seqs, depth, refused = [], 0, []
	win, big = Window(window), Window(1 << 30)
	small = {w: Window(w) for w in (32, 64, 128)}
	small_refused = dict.fromkeys(small, 0)
	flows, bad_order = {}, 0
	other = 0
	for raw in read_pcap(pcap):
		e = Ether(raw)
		if not e.haslayer(IP) or e[IP].proto != 50:
			other += 1
			continue
		o = e[IP]
		assert o.src == src and o.dst == dst, o.summary()
		s_spi, seq = struct.unpack(">II", bytes(o.payload)[:8])
		assert s_spi == spi, hex(s_spi)
		# how far behind the highest one seen this packet comes
		if seq < big.top:
			depth = max(depth, big.top - seq)
		big.accept(seq)
		if not win.accept(seq):
			refused.append(seq)
		for w, sw in small.items():
			small_refused[w] += not sw.accept(seq)
		seqs.append(seq)
		inner = sa.decrypt(o)
		magic, stream, sseq = struct.unpack(">III", bytes(inner[UDP].payload)[:12])
		assert magic == MAGIC, hex(magic)
		if sseq != flows.get(stream, 0):
			bad_order += 1
		flows[stream] = sseq + 1
	dup = len(seqs) - len(set(seqs))
	missing = sorted(set(range(1, sent + 1)) - set(seqs))
	beyond = sorted(set(seqs) - set(range(1, sent + 1)))
	print("esp-out: %d ESP frames (%d other), sequence numbers %s..%s, %d duplicate(s), "
	      "%d missing, %d beyond %d; deepest reordering %d; window %d refused %d; "
	      "%d flows, %d out of order" % (len(seqs), other, min(seqs, default=0),
	      max(seqs, default=0), dup, len(missing), len(beyond), sent, depth, window,
	      len(refused), len(flows), bad_order))
	print("esp-out: (a receiver with a smaller window would refuse: %s)" %
	      ", ".join("%d with %d" % (n, w) for w, n in small_refused.items()))
	ok = not dup and not missing and not beyond and not refused and not bad_order
	if not ok:
		sys.exit("esp-out: missing %s beyond %s refused %s" %
			 (missing[:10], beyond[:10], refused[:10]))


def esp_in_send(iface, dstmac, nsa, per_sa, rate, key):
	from scapy.layers.inet import IP, UDP
	from scapy.layers.ipsec import ESP, SecurityAssociation
	from scapy.layers.l2 import Ether
	nsa, per_sa, rate = int(nsa), int(per_sa), float(rate)
	sas = [SecurityAssociation(ESP, spi=0x3000 + i, crypt_algo="AES-GCM",
				   crypt_key=bytes.fromhex(key),
				   tunnel_header=IP(src="10.0.0.%d" % (10 + i), dst="10.0.0.1"))
	       for i in range(nsa)]
	frames = []
	for n in range(per_sa):
		for i, sa in enumerate(sas):
			f = n % 4
			pay = struct.pack(">III", MAGIC, i * 4 + f, n // 4) + bytes(30)
			inner = IP(src="10.3.%d.2" % i, dst="10.2.0.%d" % (1 + f)) / \
				UDP(sport=7000 + f, dport=5000 + f) / pay
			e = Ether(dst=dstmac) / sa.encrypt(inner)
			frames.append(bytes(e))
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind((iface, 0))
	t0 = time.time()
	for k, fr in enumerate(frames):
		s.send(fr)
		if k % 32 == 31:
			late = t0 + (k + 1) / rate - time.time()
			if late > 0:
				time.sleep(late)
	print("esp-in-send: %d ESP frames of %d SAs in %.2f s" % (len(frames), nsa,
	      time.time() - t0))


def esp_in_check(pcap, nsa, per_sa):
	nsa, per_sa = int(nsa), int(per_sa)
	want = {}
	for i in range(nsa):
		for f in range(4):
			want[i * 4 + f] = len(range(f, per_sa, 4))
	got, bad_order, dups = {}, 0, 0
	for raw in read_pcap(pcap):
		if len(raw) < 14 + 20 + 8 + 12 or raw[12:14] != b"\x08\x00" or raw[23] != 17:
			continue
		ihl = (raw[14] & 15) * 4
		magic, stream, seq = struct.unpack(">III", raw[14 + ihl + 8:14 + ihl + 20])
		if magic != MAGIC:
			continue
		n = got.get(stream, 0)
		if seq < n:
			dups += 1
		elif seq > n:
			bad_order += 1
		got[stream] = max(n, seq + 1)
	missing = sum(max(0, want[s] - got.get(s, 0)) for s in want)
	print("esp-in: %d flows of %d SAs, %d missing, %d duplicate or late, %d out of order" %
	      (len(got), nsa, missing, dups, bad_order))
	if missing or dups or bad_order or len(got) != len(want):
		sys.exit("esp-in: the inner flows are not complete and in order")


if __name__ == "__main__":
	cmd, args = sys.argv[1], sys.argv[2:]
	{"capture": lambda a: capture(a[0], a[1], float(a[2]), float(a[3])),
	 "esp-out": lambda a: esp_out(*a),
	 "esp-in-send": lambda a: esp_in_send(*a),
	 "esp-in-check": lambda a: esp_in_check(*a)}[cmd](args)
