/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A program from outside the tree: install_test.sh builds it against the
 * installed headers and library (pkg-config nfvpn-client), and it asks a
 * running dataplane for its status, its ports and its counters, whose
 * drop reasons it knows by the installed vocabulary (nfv_drop.h).
 *   install_client [SOCKET]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nfv_client.h>
#include <nfv_drop.h>

#define PREFIX_LEN (sizeof(NFV_DROP_COUNTER_PREFIX) - 1)

int main(int argc, char **argv)
{
	struct nfv_msg_status *st = NULL;
	struct nfv_msg_port *ports = NULL;
	struct nfv_msg_counter *cnt = NULL;
	struct nfv_client c;
	struct nfv_addr a;
	uint32_t len = 0, n = 0, nb_cnt = 0, reasons = 0;
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
	if (nfv_client_list(&c, NFV_MSG_STATS, sizeof(*cnt), (void **)&cnt, &nb_cnt) < 0) {
		fprintf(stderr, "install_client: stats: %s\n", c.err);
		return 1;
	}
	for (uint32_t i = 0; i < nb_cnt; i++) {
		const char *name = cnt[i].name;

		if (strncmp(name, NFV_DROP_COUNTER_PREFIX, PREFIX_LEN) != 0)
			continue;
		if (nfv_drop_reason_by_name(name + PREFIX_LEN) < 0) {
			fprintf(stderr, "install_client: unknown drop reason %s\n", name);
			return 1;
		}
		reasons++;
	}
	if (reasons != NFV_DR_MAX) {
		fprintf(stderr, "install_client: %u drop reasons listed, %u known\n",
			reasons, (unsigned int)NFV_DR_MAX);
		return 1;
	}
	printf("version %.*s workers %u ports %u listed %u protocol %u %s drop reasons %u\n",
	       (int)sizeof(st->version), st->version, st->workers, st->ports, n,
	       NFV_MSG_VERSION, buf, reasons);
	free(st);
	free(ports);
	free(cnt);
	nfv_client_close(&c);
	return 0;
}
