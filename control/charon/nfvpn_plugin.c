/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libstrongswan-nfvpn.so: a charon plugin that provides "kernel-ipsec"
 * on nfvpn-dataplane. charon takes the first kernel-ipsec registered, so
 * this plugin loads before kernel-netlink (which then keeps only the
 * "kernel-net" part: addresses, routes, interfaces). Built against the
 * headers and config.h of the strongSwan source that the distribution's
 * charon was built from (ci/strongswan_src.sh): the structs charon hands
 * over must have its layout.
 */
#include <daemon.h>
#include <plugins/plugin.h>

#include "nfvpn_ipsec.h"

typedef struct private_nfvpn_plugin_t private_nfvpn_plugin_t;

struct private_nfvpn_plugin_t {
	plugin_t public;
};

METHOD(plugin_t, get_name, char *, private_nfvpn_plugin_t *this)
{
	return "nfvpn";
}

METHOD(plugin_t, get_features, int, private_nfvpn_plugin_t *this,
       plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK(kernel_ipsec_register, nfvpn_ipsec_create),
			PLUGIN_PROVIDE(CUSTOM, "kernel-ipsec"),
	};

	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void, private_nfvpn_plugin_t *this)
{
	free(this);
}

/* The symbol charon's plugin loader looks for: <name>_plugin_create. */
__attribute__((visibility("default"))) plugin_t *nfvpn_plugin_create(void);

plugin_t *nfvpn_plugin_create(void)
{
	private_nfvpn_plugin_t *this;

	INIT(this,
		.public = {
			.get_name = _get_name,
			.get_features = _get_features,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
