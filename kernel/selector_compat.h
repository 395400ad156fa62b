/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The few kernel names selector.c uses, for its userspace build (unit
 * tests). Never included by the module.
 */
#ifndef _NFVPN_SELECTOR_COMPAT_H
#define _NFVPN_SELECTOR_COMPAT_H

#ifdef __KERNEL__
#error "selector_compat.h is for userspace builds only"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;

#define cpu_to_be32(x)	((__be32)htonl(x))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#endif /* _NFVPN_SELECTOR_COMPAT_H */
