/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpnd's control socket: requests framed as config/nfv_msg.h messages
 * (struct nfv_msg_hdr, NFV_MSG_VERSION), one per connection; the response
 * has the request's type and a NUL-terminated text, or NFV_MSG_ERROR with
 * a negative status and the text that explains it.
 */
#ifndef NFVPND_MSG_H
#define NFVPND_MSG_H

#define NFVPND_SOCKET_DEFAULT "/run/nfvpn/nfvpnd.sock"

enum nfvpnd_req {
	NFVPND_REQ_RELOAD = 1,	/* empty -> what was applied */
	NFVPND_REQ_DIFF = 2,	/* a path, NUL-terminated ("": the running policy file) -> the plan */
	NFVPND_REQ_STATUS = 3,	/* empty -> text */
};

#endif
