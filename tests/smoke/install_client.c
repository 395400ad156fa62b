/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A program from outside the tree: install_test.sh builds it against the
 * installed headers and library (pkg-config nfvpn-client), and it asks a
 * running dataplane for its status and its ports.
 *   install_client [SOCKET]
 */
#include <stdio.h>
#include <stdlib.h>

#include <nfv_client.h>

int main(int argc, char **argv)
{
	struct nfv_msg_status *st = NULL;
	struct nfv_msg_port *ports = NULL;
	struct nfv_client c;
	struct nfv_addr a;
	uint32_t len = 0, n = 0;
	char buf[64];

	/* the address helpers come with the library */
	if (nfv_addr_parse("2001:db8::1", &a) < 0 ||
	    nfv_addr_fmt(&a, buf, sizeof(buf)) == NULL) {
		fputs("install_client: nfv_addr_parse/fmt failed\n", stderr);
		return 1;
	}
	if (nfv_client_open(&c, nfv_client_socket_path(argc > 1 ? argv[1] : NULL)) < 0) {
		fprintf(stderr, "install_client: %s\n", c.err);
		return 1;
	}
	if (nfv_client_request(&c, NFV_MSG_STATUS, NULL, 0, (void **)&st, &len) < 0 ||
	    len < sizeof(*st)) {
		fprintf(stderr, "install_client: status: %s\n", c.err);
		return 1;
	}
	if (nfv_client_list(&c, NFV_MSG_PORTS, sizeof(*ports), (void **)&ports, &n) < 0) {
		fprintf(stderr, "install_client: ports: %s\n", c.err);
		return 1;
	}
	printf("version %.*s workers %u ports %u listed %u protocol %u %s\n",
	       (int)sizeof(st->version), st->version, st->workers, st->ports, n,
	       NFV_MSG_VERSION, buf);
	free(st);
	free(ports);
	nfv_client_close(&c);
	return 0;
}
