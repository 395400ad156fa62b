/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd --make-keys FILE: writes the file that FILE's ipsec.key_file
 * names, with fresh random keys (getrandom) for each of its SAs, mode 0600
 * from the start. An existing file is never replaced: its keys may be
 * what a peer holds. Both sides of a tunnel need the same keys: copy the
 * file to the peer (it names the SAs, which both policies share).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "nfv_policy_ipsec.h"
#include "nfvpnd.h"

static int put_hex(FILE *f, const char *field, size_t n)
{
	uint8_t b[NFV_IPSEC_KEY_MAX];

	if (n > sizeof(b) || getrandom(b, n, 0) != (ssize_t)n)
		return -EIO;
	fprintf(f, " %s=", field);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
	explicit_bzero(b, sizeof(b));
	return 0;
}

int nfvpnd_make_keys(const char *path)
{
	const struct nfv_policy_ipsec *ips;
	struct nfvpnd_text errs = { 0 };
	struct nfv_policy *p = NULL;
	char out[4096 + 256], dir[4096];
	int fd, ret = 0;
	FILE *f;

	if (nfvpnd_load_flags(path, NFV_POLICY_NO_KEYS, &p, &errs) < 0) {
		fprintf(stderr, "%.*s", (int)errs.len, errs.p ? errs.p : "");
		nfvpnd_text_fini(&errs);
		return 2;
	}
	ips = p->ipsec;
	if (ips == NULL || ips->key_file[0] == '\0') {
		fprintf(stderr, "nfvpnd: %s: no ipsec.key_file to write\n", path);
		ret = 2;
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if (ips->key_file[0] == '/')
		snprintf(out, sizeof(out), "%s", ips->key_file);
	else
		snprintf(out, sizeof(out), "%s/%s", dirname(dir), ips->key_file);
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "nfvpnd: cannot create %s: %s%s\n", out, strerror(errno),
			errno == EEXIST ? " (its keys may be a peer's: remove it first to replace them)" : "");
		ret = 1;
		goto out;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		ret = 1;
		goto out;
	}
	fprintf(f, "# nfvpn SA keys for %s, written by nfvpnd --make-keys\n"
		   "# NAME key=HEX [salt=HEX] [auth_key=HEX]; mode 0600\n", path);
	for (unsigned int i = 0; i < ips->nb_sas && ret == 0; i++) {
		const struct nfv_policy_sa *sa = &ips->sas[i];
		const struct nfv_ipsec_cipher_alg *c = &nfv_ipsec_ciphers[sa->cipher];

		fprintf(f, "%s", sa->name);
		ret = put_hex(f, "key", c->key_len);
		if (ret == 0 && c->aead)
			ret = put_hex(f, "salt", c->salt_len);
		else if (ret == 0)
			ret = put_hex(f, "auth_key", nfv_ipsec_auths[sa->auth].key_len);
		fputc('\n', f);
	}
	if (fclose(f) != 0 || ret != 0) {
		fprintf(stderr, "nfvpnd: cannot write %s\n", out);
		unlink(out);
		ret = 1;
		goto out;
	}
	printf("%s: %u SA key(s) written (mode 0600)\n", out, ips->nb_sas);
out:
	nfv_policy_free(p);
	return ret;
}
