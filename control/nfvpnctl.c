/* SPDX-License-Identifier: BSD-3-Clause */
/* nfvpnctl: the CLI of nfvpn-dataplane's management socket. */
#include <stdio.h>

#include "ctl.h"

int main(int argc, char **argv)
{
	return nfv_ctl_main(argc, argv, stdout, stderr);
}
