/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ktool: the packet end of the kernel stub test, built static and run
 * inside the qemu guest next to busybox.
 *   ktool tunread tun|tap IFNAME OUTFILE   create the target, log each packet as hex
 *   ktool pktread IFNAME OUTFILE           log each frame received on IFNAME as hex
 *                                          (what DPDK net_af_packet reads)
 *   ktool udp ADDR PORT PAYLOAD [COUNT]    send UDP datagrams (send errors counted)
 *   ktool flood ADDR PORT SECONDS          send UDP as fast as possible
 *   ktool udprecv ADDR PORT SECONDS        print "GOT <payload>" per datagram
 *   ktool inject IFNAME DSTMAC SRC DST SPORT DPORT PAYLOAD
 *                                          send an Ethernet/IP/UDP frame; print the IP packet hex
 *   ktool check FILE DST PROTO DPORT PAYLOAD|-  count logged packets to DST with
 *                                          PROTO/DPORT/PAYLOAD and valid checksums
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void die(const char *what)
{
	perror(what);
	exit(1);
}

static int parse_addr(const char *s, struct sockaddr_storage *ss, uint16_t port)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return AF_INET6;
	}
	fprintf(stderr, "bad address %s\n", s);
	exit(2);
}

static void hexline(FILE *f, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fputc('\n', f);
	fflush(f);
}

static int cmd_tunread(char **argv)
{
	struct ifreq ifr = { 0 };
	uint8_t buf[65536];
	FILE *out;
	ssize_t n;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0)
		die("/dev/net/tun");
	ifr.ifr_flags = (strcmp(argv[0], "tap") ? IFF_TUN : IFF_TAP) | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[1]);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("SIOCSIFFLAGS");
	close(s);
	out = fopen(argv[2], "a");
	if (!out)
		die(argv[2]);
	fprintf(stderr, "tunread: %s up\n", argv[1]);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		hexline(out, buf, n);
	}
}

static int cmd_pktread(char **argv)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	uint8_t buf[65536];
	FILE *out;
	ssize_t n;
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("packet socket");
	sll.sll_ifindex = if_nametoindex(argv[0]);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die(argv[0]);
	out = fopen(argv[1], "a");
	if (!out)
		die(argv[1]);
	fprintf(stderr, "pktread: %s\n", argv[0]);
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recv");
		}
		hexline(out, buf, n);
	}
}

static int cmd_udp(char **argv, int argc)
{
	struct sockaddr_storage ss;
	int fam = parse_addr(argv[0], &ss, atoi(argv[1]));
	int count = argc > 3 ? atoi(argv[3]) : 1, i, fails = 0;
	int fd = socket(fam, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	for (i = 0; i < count; i++)
		if (sendto(fd, argv[2], strlen(argv[2]), 0, (struct sockaddr *)&ss,
			   sizeof(ss)) < 0)
			fails++;
	printf("sent %d failed %d\n", count - fails, fails);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_flood(char **argv)
{
	struct sockaddr_storage ss;
	int fam = parse_addr(argv[0], &ss, atoi(argv[1]));
	double end = now() + atof(argv[2]);
	long sent = 0, fails = 0;
	int fd = socket(fam, SOCK_DGRAM, 0);
	char payload[64] = "flood-0123456789";

	if (fd < 0)
		die("socket");
	while (now() < end) {
		if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&ss,
			   sizeof(ss)) < 0)
			fails++;
		else
			sent++;
	}
	printf("flood sent %ld failed %ld\n", sent, fails);
	return 0;
}

static int cmd_udprecv(char **argv)
{
	struct sockaddr_storage ss;
	int fam = parse_addr(argv[0], &ss, atoi(argv[1]));
	struct timeval tv = { .tv_sec = atoi(argv[2]) };
	char buf[2048];
	ssize_t n;
	int fd = socket(fam, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sizeof(ss)) < 0)
		die("bind");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	printf("READY\n");
	fflush(stdout);
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) >= 0) {
		buf[n] = '\0';
		printf("GOT %s\n", buf);
		fflush(stdout);
	}
	return 0;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Checksum of the L4 segment @l4 of @len bytes with its pseudo-header. */
static uint16_t l4_csum(int fam, const uint8_t *ip, const uint8_t *l4,
			size_t len, uint8_t proto)
{
	uint32_t sum = 0;

	if (fam == AF_INET)
		sum = csum_add(sum, ip + 12, 8);
	else
		sum = csum_add(sum, ip + 8, 32);
	sum += proto + (uint32_t)len;
	return csum_fold(csum_add(sum, l4, len));
}

/* Build IP/UDP into @pkt; returns its length. */
static size_t build_udp(uint8_t *pkt, const char *src, const char *dst,
			int sport, int dport, const char *payload)
{
	struct sockaddr_storage s, d;
	int fam = parse_addr(src, &s, 0);
	size_t plen = strlen(payload), hl = fam == AF_INET ? 20 : 40;
	size_t ulen = 8 + plen;
	uint8_t *udp = pkt + hl;
	uint16_t c;

	parse_addr(dst, &d, 0);
	memset(pkt, 0, hl + ulen);
	if (fam == AF_INET) {
		pkt[0] = 0x45;
		pkt[2] = (hl + ulen) >> 8;
		pkt[3] = (hl + ulen) & 0xff;
		pkt[4] = 0x12;
		pkt[5] = 0x34;
		pkt[8] = 64;
		pkt[9] = IPPROTO_UDP;
		memcpy(pkt + 12, &((struct sockaddr_in *)&s)->sin_addr, 4);
		memcpy(pkt + 16, &((struct sockaddr_in *)&d)->sin_addr, 4);
		c = csum_fold(csum_add(0, pkt, 20));
		pkt[10] = c >> 8;
		pkt[11] = c & 0xff;
	} else {
		pkt[0] = 0x60;
		pkt[4] = ulen >> 8;
		pkt[5] = ulen & 0xff;
		pkt[6] = IPPROTO_UDP;
		pkt[7] = 64;
		memcpy(pkt + 8, &((struct sockaddr_in6 *)&s)->sin6_addr, 16);
		memcpy(pkt + 24, &((struct sockaddr_in6 *)&d)->sin6_addr, 16);
	}
	udp[0] = sport >> 8;
	udp[1] = sport & 0xff;
	udp[2] = dport >> 8;
	udp[3] = dport & 0xff;
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	memcpy(udp + 8, payload, plen);
	c = l4_csum(fam, pkt, udp, ulen, IPPROTO_UDP);
	udp[6] = c >> 8;
	udp[7] = c & 0xff;
	return hl + ulen;
}

static int cmd_inject(char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint8_t frame[2048], *ip = frame + 14;
	unsigned int m[6];
	size_t len;
	int fd, i, v6 = strchr(argv[2], ':') != NULL;

	if (sscanf(argv[1], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		return 2;
	for (i = 0; i < 6; i++) {
		frame[i] = m[i];
		frame[6 + i] = 0x02;
		sll.sll_addr[i] = m[i];
	}
	frame[12] = v6 ? 0x86 : 0x08;
	frame[13] = v6 ? 0xdd : 0x00;
	len = build_udp(ip, argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), argv[6]);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("packet socket");
	sll.sll_ifindex = if_nametoindex(argv[0]);
	if (!sll.sll_ifindex)
		die(argv[0]);
	if (sendto(fd, frame, 14 + len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("sendto");
	hexline(stdout, ip, len);
	return 0;
}

static int unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (s[0] && s[1] && s[0] != '\n' && n < max) {
		if (sscanf(s, "%2x", &b) != 1)
			return -1;
		out[n++] = b;
		s += 2;
	}
	return n;
}

/* Does the logged IP packet @p match, with every checksum right? */
static int pkt_match(const uint8_t *p, int len, int fam, const void *dst,
		     int proto, int dport, const char *payload)
{
	int hl, l4len, pr;
	const uint8_t *l4;

	if (len < 20)
		return 0;
	if (fam == AF_INET) {
		if ((p[0] >> 4) != 4 || memcmp(p + 16, dst, 4))
			return 0;
		hl = (p[0] & 0xf) * 4;
		if (csum_fold(csum_add(0, p, hl)) != 0)
			return 0;
		pr = p[9];
		l4len = ((p[2] << 8) | p[3]) - hl;
	} else {
		if (len < 40 || (p[0] >> 4) != 6 || memcmp(p + 24, dst, 16))
			return 0;
		hl = 40;
		pr = p[6];
		l4len = (p[4] << 8) | p[5];
	}
	if (pr != proto || hl + l4len > len || l4len < 8)
		return 0;
	l4 = p + hl;
	if (proto == IPPROTO_UDP) {
		if (((l4[2] << 8) | l4[3]) != dport ||
		    l4_csum(fam, p, l4, l4len, IPPROTO_UDP) != 0)
			return 0;
		if (strcmp(payload, "-") && (l4len - 8 != (int)strlen(payload) ||
					     memcmp(l4 + 8, payload, l4len - 8)))
			return 0;
	}
	return 1;
}

static int cmd_check(char **argv)
{
	struct sockaddr_storage d;
	int fam = parse_addr(argv[1], &d, 0), len, found = 0;
	const void *dst = fam == AF_INET ?
		(void *)&((struct sockaddr_in *)&d)->sin_addr :
		(void *)&((struct sockaddr_in6 *)&d)->sin6_addr;
	static char line[140000];
	static uint8_t pkt[70000];
	FILE *f = fopen(argv[0], "r");

	if (!f)
		die(argv[0]);
	while (fgets(line, sizeof(line), f)) {
		len = unhex(line, pkt, sizeof(pkt));
		if (len > 0 && pkt_match(pkt, len, fam, dst, atoi(argv[2]),
					 atoi(argv[3]), argv[4]))
			found++;
	}
	printf("%d\n", found);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 5 && !strcmp(argv[1], "tunread"))
		return cmd_tunread(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "pktread"))
		return cmd_pktread(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "udp"))
		return cmd_udp(argv + 2, argc - 2);
	if (argc == 5 && !strcmp(argv[1], "flood"))
		return cmd_flood(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "udprecv"))
		return cmd_udprecv(argv + 2);
	if (argc == 9 && !strcmp(argv[1], "inject"))
		return cmd_inject(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "check"))
		return cmd_check(argv + 2);
	fprintf(stderr, "usage: see the header of tests/kernel/ktool.c\n");
	return 2;
}
