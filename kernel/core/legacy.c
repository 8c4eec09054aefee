// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy control API (struct nmreq with NIOCGINFO/NIOCREGIF, used by
 * nm_open() compiled into applications): each legacy request is converted to
 * the equivalent NIOCCTRL request and its answers converted back
 * (ABI.md §8.3, §8.4).
 */
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nm_kern.h"

union nm_legacy_body {
	struct nmreq_register reg;
	struct nmreq_port_info_get info;
	struct nmreq_vale_attach attach;
	struct nmreq_vale_detach detach;
	struct nmreq_vale_list list;
	struct nmreq_port_hdr phdr;
	struct nmreq_vale_newif newif;
	struct nmreq_vale_polling poll;
};

static void nm_legacy_to_reg(const struct nmreq *nmr, struct nmreq_register *reg)
{
	u32 mode = nmr->nr_flags & NR_REG_MASK;

	reg->nr_tx_slots = nmr->nr_tx_slots;
	reg->nr_rx_slots = nmr->nr_rx_slots;
	reg->nr_tx_rings = nmr->nr_tx_rings;
	reg->nr_rx_rings = nmr->nr_rx_rings;
	reg->nr_mem_id = nmr->nr_arg2;
	reg->nr_ringid = nmr->nr_ringid & NETMAP_RING_MASK;
	if (mode == NR_REG_DEFAULT) {
		if (nmr->nr_ringid & NETMAP_SW_RING)
			mode = NR_REG_SW;
		else if (nmr->nr_ringid & NETMAP_HW_RING)
			mode = NR_REG_ONE_NIC;
		else
			mode = NR_REG_ALL_NIC;
	}
	reg->nr_mode = mode;
	reg->nr_flags = nmr->nr_flags & ~NR_REG_MASK;
	if (nmr->nr_ringid & NETMAP_NO_TX_POLL)
		reg->nr_flags |= NR_NO_TX_POLL;
	if (nmr->nr_ringid & NETMAP_DO_RX_POLL)
		reg->nr_flags |= NR_DO_RX_POLL;
	reg->nr_extra_bufs = nmr->nr_arg3;
}

/* NR_REG_PIPE_MASTER/SLAVE become the `{N` / `}N` name syntax. */
static int nm_legacy_pipe_name(struct nmreq_header *hdr,
			       struct nmreq_register *reg)
{
	char sfx[16];
	size_t len;

	if (reg->nr_mode != NR_REG_PIPE_MASTER && reg->nr_mode != NR_REG_PIPE_SLAVE)
		return 0;
	snprintf(sfx, sizeof(sfx), "%c%u",
		 reg->nr_mode == NR_REG_PIPE_MASTER ? '{' : '}', reg->nr_ringid);
	len = strlen(hdr->nr_name);
	if (len + strlen(sfx) >= sizeof(hdr->nr_name))
		return -ENOBUFS;
	strcat(hdr->nr_name, sfx);
	reg->nr_mode = NR_REG_ALL_NIC;
	reg->nr_ringid = 0;
	return 0;
}

static void nm_reg_to_legacy(const struct nmreq_register *reg, struct nmreq *nmr)
{
	nmr->nr_offset = (u32)reg->nr_offset;
	nmr->nr_memsize = (u32)reg->nr_memsize;
	nmr->nr_tx_slots = reg->nr_tx_slots;
	nmr->nr_rx_slots = reg->nr_rx_slots;
	nmr->nr_tx_rings = reg->nr_tx_rings;
	nmr->nr_rx_rings = reg->nr_rx_rings;
	nmr->nr_arg2 = reg->nr_mem_id;
	nmr->nr_arg3 = reg->nr_extra_bufs;
}

static int nm_legacy_getinfo(struct nm_priv *priv, struct nmreq_header *hdr,
			     union nm_legacy_body *b, struct nm_opts *opts,
			     struct nmreq *nmr)
{
	int err;

	if (nmr->nr_cmd == NETMAP_BDG_LIST) {
		hdr->nr_reqtype = NETMAP_REQ_VALE_LIST;
		b->list.nr_bridge_idx = nmr->nr_arg1;
		b->list.nr_port_idx = nmr->nr_arg2;
		err = nm_ctrl_dispatch(priv, hdr, b, opts);
		if (!err) {
			strscpy(nmr->nr_name, hdr->nr_name, sizeof(nmr->nr_name));
			nmr->nr_arg1 = b->list.nr_bridge_idx;
			nmr->nr_arg2 = b->list.nr_port_idx;
		}
		return err;
	}
	hdr->nr_reqtype = NETMAP_REQ_PORT_INFO_GET;
	b->info.nr_memsize = nmr->nr_memsize;
	b->info.nr_tx_slots = nmr->nr_tx_slots;
	b->info.nr_rx_slots = nmr->nr_rx_slots;
	b->info.nr_tx_rings = nmr->nr_tx_rings;
	b->info.nr_rx_rings = nmr->nr_rx_rings;
	b->info.nr_mem_id = nmr->nr_arg2;
	err = nm_ctrl_dispatch(priv, hdr, b, opts);
	if (!err) {
		nmr->nr_memsize = (u32)b->info.nr_memsize;
		nmr->nr_tx_slots = b->info.nr_tx_slots;
		nmr->nr_rx_slots = b->info.nr_rx_slots;
		nmr->nr_tx_rings = b->info.nr_tx_rings;
		nmr->nr_rx_rings = b->info.nr_rx_rings;
		nmr->nr_arg2 = b->info.nr_mem_id;
	}
	return err;
}

static int nm_legacy_polling(struct nm_priv *priv, struct nmreq_header *hdr,
			     union nm_legacy_body *b, struct nm_opts *opts,
			     struct nmreq *nmr)
{
	u32 mode = nmr->nr_flags & NR_REG_MASK;

	hdr->nr_reqtype = nmr->nr_cmd == NETMAP_BDG_POLLING_ON ?
			  NETMAP_REQ_VALE_POLLING_ENABLE :
			  NETMAP_REQ_VALE_POLLING_DISABLE;
	b->poll.nr_mode = mode == NR_REG_ALL_NIC ? NETMAP_POLLING_MODE_SINGLE_CPU :
			  mode == NR_REG_ONE_NIC ? NETMAP_POLLING_MODE_MULTI_CPU : 0;
	b->poll.nr_first_cpu_id = nmr->nr_ringid & NETMAP_RING_MASK;
	b->poll.nr_num_polling_cpus = nmr->nr_arg1;
	return nm_ctrl_dispatch(priv, hdr, b, opts);
}

static int nm_legacy_regif(struct nm_priv *priv, struct nmreq_header *hdr,
			   union nm_legacy_body *b, struct nm_opts *opts,
			   struct nmreq *nmr)
{
	int err;

	switch (nmr->nr_cmd) {
	case 0:
		hdr->nr_reqtype = NETMAP_REQ_REGISTER;
		nm_legacy_to_reg(nmr, &b->reg);
		err = nm_legacy_pipe_name(hdr, &b->reg);
		if (!err)
			err = nm_ctrl_dispatch(priv, hdr, b, opts);
		if (!err)
			nm_reg_to_legacy(&b->reg, nmr);
		return err;
	case NETMAP_BDG_ATTACH:
		hdr->nr_reqtype = NETMAP_REQ_VALE_ATTACH;
		nm_legacy_to_reg(nmr, &b->attach.reg);
		b->attach.reg.nr_mode = nmr->nr_arg1 & NETMAP_BDG_HOST ?
					NR_REG_NIC_SW : NR_REG_ALL_NIC;
		err = nm_ctrl_dispatch(priv, hdr, b, opts);
		if (!err)
			nm_reg_to_legacy(&b->attach.reg, nmr);
		return err;
	case NETMAP_BDG_DETACH:
		hdr->nr_reqtype = NETMAP_REQ_VALE_DETACH;
		return nm_ctrl_dispatch(priv, hdr, b, opts);
	case NETMAP_BDG_VNET_HDR:
		hdr->nr_reqtype = NETMAP_REQ_PORT_HDR_SET;
		b->phdr.nr_hdr_len = nmr->nr_arg1;
		return nm_ctrl_dispatch(priv, hdr, b, opts);
	case NETMAP_VNET_HDR_GET:
		hdr->nr_reqtype = NETMAP_REQ_PORT_HDR_GET;
		err = nm_ctrl_dispatch(priv, hdr, b, opts);
		if (!err)
			nmr->nr_arg1 = b->phdr.nr_hdr_len;
		return err;
	case NETMAP_BDG_NEWIF:
		hdr->nr_reqtype = NETMAP_REQ_VALE_NEWIF;
		b->newif.nr_tx_slots = nmr->nr_tx_slots;
		b->newif.nr_rx_slots = nmr->nr_rx_slots;
		b->newif.nr_tx_rings = nmr->nr_tx_rings;
		b->newif.nr_rx_rings = nmr->nr_rx_rings;
		b->newif.nr_mem_id = nmr->nr_arg2;
		err = nm_ctrl_dispatch(priv, hdr, b, opts);
		if (!err) {
			nmr->nr_tx_slots = b->newif.nr_tx_slots;
			nmr->nr_rx_slots = b->newif.nr_rx_slots;
			nmr->nr_tx_rings = b->newif.nr_tx_rings;
			nmr->nr_rx_rings = b->newif.nr_rx_rings;
			nmr->nr_arg2 = b->newif.nr_mem_id;
		}
		return err;
	case NETMAP_BDG_DELIF:
		hdr->nr_reqtype = NETMAP_REQ_VALE_DELIF;
		return nm_ctrl_dispatch(priv, hdr, NULL, opts);
	case NETMAP_BDG_POLLING_ON:
	case NETMAP_BDG_POLLING_OFF:
		return nm_legacy_polling(priv, hdr, b, opts, nmr);
	case NETMAP_PT_HOST_CREATE:
	case NETMAP_PT_HOST_DELETE:
		nm_info_rl("ptnetmap host commands are not supported\n");
		return -ENOMEM;
	default:
		nm_info_rl("legacy command %u not supported\n", nmr->nr_cmd);
		return -EINVAL;
	}
}

long nm_ioctl_legacy(struct nm_priv *priv, unsigned int cmd, void __user *uarg)
{
	struct nmreq_header hdr = { .nr_version = NETMAP_API };
	union nm_legacy_body body = {};
	struct nm_opts opts = {};
	struct nmreq nmr;
	int err;

	if (!uarg)
		return -EINVAL;
	if (copy_from_user(&nmr, uarg, sizeof(nmr)))
		return -EFAULT;
	nmr.nr_name[sizeof(nmr.nr_name) - 1] = '\0';
	if (nmr.nr_version < NETMAP_MIN_API) {
		nm_info_rl("legacy request with API version %u < %d\n",
			   nmr.nr_version, NETMAP_MIN_API);
		err = -EINVAL;
	} else {
		strscpy(hdr.nr_name, nmr.nr_name, sizeof(hdr.nr_name));
		if (cmd == NIOCGINFO)
			err = nm_legacy_getinfo(priv, &hdr, &body, &opts, &nmr);
		else
			err = nm_legacy_regif(priv, &hdr, &body, &opts, &nmr);
	}
	if (copy_to_user(uarg, &nmr, sizeof(nmr)) && !err)
		err = -EFAULT;
	return err;
}
