/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipsec.key_file: the SAs' keys in a file of their own, so that the policy
 * itself holds none and may be readable by all (as git checks it out).
 * One SA a line, '#' comments:
 *
 *   NAME key=HEX [salt=HEX] [auth_key=HEX]
 *
 * Read with the policy's rules and the rule of a policy holding keys: no
 * symbolic link, owned by root or the user we run as, no access for group
 * or others. Relative paths from the policy's folder. Its bytes are wiped
 * once the SAs are read.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_ipsec.h"
#include "nfv_policy_ipsec_priv.h"

#define KEYFILE_MAX	(1u << 20)

static bool parse_line(struct nfv_keyfile *kf, char *line, unsigned int lineno,
		       char *why, size_t whylen)
{
	struct nfv_keyfile_entry *e;
	char *save = NULL, *tok;

	tok = strtok_r(line, " \t\r", &save);
	if (tok == NULL || tok[0] == '#')
		return true;
	if (kf->n == kf->cap) {
		unsigned int cap = kf->cap ? 2 * kf->cap : 16;

		e = realloc(kf->e, cap * sizeof(*e));
		if (e == NULL) {
			snprintf(why, whylen, "out of memory");
			return false;
		}
		kf->e = e;
		kf->cap = cap;
	}
	e = &kf->e[kf->n];
	memset(e, 0, sizeof(*e));
	e->name = tok;
	e->line = lineno;
	for (unsigned int i = 0; i < kf->n; i++)
		if (strcmp(kf->e[i].name, tok) == 0) {
			snprintf(why, whylen, "line %u: SA \"%.40s\" again (first at line %u)",
				 lineno, tok, kf->e[i].line);
			return false;
		}
	while ((tok = strtok_r(NULL, " \t\r", &save)) != NULL) {
		if (tok[0] == '#')
			break;
		if (strncmp(tok, "key=", 4) == 0)
			e->key = tok + 4;
		else if (strncmp(tok, "salt=", 5) == 0)
			e->salt = tok + 5;
		else if (strncmp(tok, "auth_key=", 9) == 0)
			e->auth_key = tok + 9;
		else {
			/* the token may be a key: never print it */
			snprintf(why, whylen, "line %u: expected key=, salt= or auth_key= after the SA name",
				 lineno);
			return false;
		}
	}
	if (e->key == NULL) {
		snprintf(why, whylen, "line %u: SA \"%.40s\" has no key=", lineno, e->name);
		return false;
	}
	kf->n++;
	return true;
}

int nfv_keyfile_read(struct nfv_ploader *ld, struct nfv_mark mark, const char *file,
		     struct nfv_keyfile *kf)
{
	char path[4096 + 256], dir[4096], err[160], why[200];
	unsigned int lineno = 0;
	char *line, *next;
	struct stat st;
	int ret;

	memset(kf, 0, sizeof(*kf));
	snprintf(dir, sizeof(dir), "%s", ld->p->path);
	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", dirname(dir), file);
	ret = nfv_policy_read_file(path, NFV_RF_NOFOLLOW | NFV_RF_OWNER, KEYFILE_MAX,
				   &kf->buf, &kf->len, &st, err, sizeof(err));
	if (ret == -ENOENT && (ld->flags & NFV_POLICY_NO_KEYS)) {
		kf->missing = true;
		return 0;
	}
	if (ret < 0) {
		nfv_yerror(ld, mark, "ipsec.key_file: cannot read %.200s: %s%s", file, err,
			   ret == -ENOENT ? " (nfvpnd --make-keys POLICY writes one)" : "");
		return ret;
	}
	if (st.st_mode & 077) {
		nfv_yerror(ld, mark, "ipsec.key_file: %.200s holds keys but is accessible to group or others (mode %04o); run chmod 600 on it",
			   file, (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	for (line = kf->buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (!parse_line(kf, line, ++lineno, why, sizeof(why))) {
			nfv_yerror(ld, mark, "ipsec.key_file: %.200s: %s", file, why);
			return -EINVAL;
		}
	}
	return 0;
}

const struct nfv_keyfile_entry *nfv_keyfile_find(const struct nfv_keyfile *kf,
						 const char *name)
{
	for (unsigned int i = 0; i < kf->n; i++)
		if (strcmp(kf->e[i].name, name) == 0)
			return &kf->e[i];
	return NULL;
}

void nfv_keyfile_fini(struct nfv_keyfile *kf)
{
	if (kf->buf != NULL) {
		explicit_bzero(kf->buf, kf->len);
		free(kf->buf);
	}
	free(kf->e);
	memset(kf, 0, sizeof(*kf));
}
