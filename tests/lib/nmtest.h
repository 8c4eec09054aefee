/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the libnetmap host tests: a context that captures the
 * library's error messages, and a builder for a fake netmap memory region
 * (netmap_if, rings, buffers) laid out like the kernel does.
 */
#ifndef NMTEST_H_
#define NMTEST_H_

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libnetmap.h>

#include "tap.h"

/* Error capture */

static struct {
	int count;
	char last[2048];
} cap;

static void cap_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	cap.count++;
	snprintf(cap.last, sizeof(cap.last), "%s", msg);
}

static struct nmctx cap_ctx;

/* Make the default context a copy of the current one that captures errors. */
static __attribute__((__unused__)) void cap_install(void)
{
	cap_ctx = *nmctx_get();
	cap_ctx.error = cap_error;
	nmctx_set_default(&cap_ctx);
}

static __attribute__((__unused__)) void cap_reset(void)
{
	cap.count = 0;
	cap.last[0] = '\0';
}

static __attribute__((__unused__)) int cap_has(const char *needle)
{
	return cap.count > 0 && strstr(cap.last, needle) != NULL;
}

/* Fake region */

struct fake_port {
	unsigned int ntx, nrx;		/* NIC rings */
	unsigned int nhtx, nhrx;	/* host rings */
	unsigned int slots;		/* per ring */
	unsigned int bufsz;
};

#define FR_RING_BASE	65536u		/* ring pool offset */
#define FR_RING_SIZE	4096u		/* per ring object */
#define FR_BUF_BASE	131072u		/* buffer pool offset */
#define FR_SIZE		(1u << 20)	/* whole region */

/* Writes to the fields the kernel owns (declared const in netmap.h). */
#define FR_SET(type_, lv_, v_)	(*(type_ *)(uintptr_t)&(lv_) = (type_)(v_))

static __attribute__((__unused__)) size_t
fr_ring_off(const struct fake_port *p, int tx, unsigned int i)
{
	unsigned int k = tx ? i : p->ntx + p->nhtx + i;

	return FR_RING_BASE + (size_t)k * FR_RING_SIZE;
}

/*
 * Initialise every ring of the port: TX rings full of free slots
 * (tail = slots - 1), RX rings empty; slot s of ring k uses buffer
 * 2 + k * slots + s.
 */
static __attribute__((__unused__)) void
fr_build_rings(char *base, const struct fake_port *p)
{
	unsigned int k, s, nt = p->ntx + p->nhtx, nr = p->nrx + p->nhrx;

	for (k = 0; k < nt + nr; k++) {
		int tx = k < nt;
		size_t off = fr_ring_off(p, tx, tx ? k : k - nt);
		struct netmap_ring *r = (struct netmap_ring *)(base + off);

		memset(r, 0, FR_RING_SIZE);
		FR_SET(int64_t, r->buf_ofs, (int64_t)FR_BUF_BASE - (int64_t)off);
		FR_SET(uint32_t, r->num_slots, p->slots);
		FR_SET(uint32_t, r->nr_buf_size, p->bufsz);
		FR_SET(uint16_t, r->ringid, (tx ? k : k - nt));
		FR_SET(uint16_t, r->dir, (tx ? 1 : 0));
		r->head = r->cur = 0;
		r->tail = tx ? p->slots - 1 : 0;
		for (s = 0; s < p->slots; s++) {
			r->slot[s].buf_idx = 2 + k * p->slots + s;
			r->slot[s].len = (uint16_t)p->bufsz;
		}
	}
}

/*
 * A netmap_if at ifofs whose bound rings are the bits of txmask/rxmask
 * (bit i = ring i of that direction, host rings included).
 */
static __attribute__((__unused__)) struct netmap_if *
fr_build_if(char *base, size_t ifofs, const struct fake_port *p,
	    unsigned int txmask, unsigned int rxmask)
{
	struct netmap_if *nifp = (struct netmap_if *)(base + ifofs);
	unsigned int i, nt = p->ntx + p->nhtx, nr = p->nrx + p->nhrx;

	memset(nifp, 0, sizeof(*nifp) + (nt + nr) * sizeof(ssize_t));
	snprintf(nifp->ni_name, sizeof(nifp->ni_name), "fake0");
	FR_SET(uint32_t, nifp->ni_tx_rings, p->ntx);
	FR_SET(uint32_t, nifp->ni_rx_rings, p->nrx);
	FR_SET(uint32_t, nifp->ni_host_tx_rings, p->nhtx);
	FR_SET(uint32_t, nifp->ni_host_rx_rings, p->nhrx);
	for (i = 0; i < nt; i++)
		if (txmask & (1u << i))
			FR_SET(ssize_t, nifp->ring_ofs[i],
				(ssize_t)fr_ring_off(p, 1, i) - (ssize_t)ifofs);
	for (i = 0; i < nr; i++)
		if (rxmask & (1u << i))
			FR_SET(ssize_t, nifp->ring_ofs[nt + i],
				(ssize_t)fr_ring_off(p, 0, i) - (ssize_t)ifofs);
	return nifp;
}

#endif /* NMTEST_H_ */
