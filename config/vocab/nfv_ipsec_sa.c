/* SPDX-License-Identifier: BSD-3-Clause */
/* The names of the rows of nfv_ipsec_sa.h. */
#include "nfv_ipsec_sa.h"

#define NAME(id, name) [NFV_IPSEC_##id] = name,
const char *const nfv_ipsec_dir_names[NFV_IPSEC_DIR_MAX] = { NFV_IPSEC_DIRS(NAME) };
const char *const nfv_ipsec_mode_names[NFV_IPSEC_MODE_MAX] = { NFV_IPSEC_MODES(NAME) };
const char *const nfv_ipsec_action_names[NFV_IPSEC_ACTION_MAX] = { NFV_IPSEC_ACTIONS(NAME) };
const char *const nfv_ipsec_sa_state_names[NFV_IPSEC_SA_STATE_MAX] = { NFV_IPSEC_SA_STATES(NAME) };
#undef NAME
