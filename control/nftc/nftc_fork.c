/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiler in a forked child, for nfvpnd: it is one thread, so the
 * child may run libnftables; the child's namespace dies with it, nfvpnd
 * keeps its own (the kernel stub and the mirror need it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nfv_nftc_compile.h"

int nfv_nftc_compile(const char *text, const char *name, struct nfv_nftc_out *out,
		     char *err, size_t errlen)
{
	int po[2], pe[2], ret;
	pid_t pid;

	if (errlen)
		err[0] = '\0';
	if (pipe2(po, O_CLOEXEC) < 0)
		goto err;
	if (pipe2(pe, O_CLOEXEC) < 0)
		goto err_po;
	pid = fork();
	if (pid < 0)
		goto err_pe;
	if (pid == 0) {
		close(po[0]);
		close(pe[0]);
		_exit(nfv_nftc_run(text, name, po[1], pe[1]));
	}
	close(po[1]);
	close(pe[1]);
	return nfv_nftc_collect(pid, po[0], pe[0], out, err, errlen);
err_pe:
	ret = errno;
	close(pe[0]);
	close(pe[1]);
	errno = ret;
err_po:
	ret = errno;
	close(po[0]);
	close(po[1]);
	errno = ret;
err:
	ret = -errno;
	snprintf(err, errlen, "starting the nft compiler: %s", strerror(-ret));
	return ret;
}
