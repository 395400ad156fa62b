/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest's stand-in for an IKE daemon's NAT-T socket: Linux decapsulates
 * ESP in UDP (RFC 3948) only on a UDP socket with UDP_ENCAP_ESPINUDP set.
 * Binds UDP port 4500 on IPv4, sets it, and sleeps until killed.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/udp.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(4500) };
	int type = UDP_ENCAP_ESPINUDP;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)) < 0) {
		perror("natt_sock");
		return 1;
	}
	printf("natt_sock: ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
