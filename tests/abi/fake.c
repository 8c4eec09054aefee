// SPDX-License-Identifier: BSD-2-Clause
/* The hand-built region of fake.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/netmap.h>

#include "abi_test.h"
#include "fake.h"

_Static_assert(FAKE_SIZE % 4096 == 0 && FAKE_SIZE >= FAKE_HRX_OFS + 512,
	       "FAKE_SIZE holds the region in whole pages");

const size_t fake_ring_off[6] = {
	0, 512, FAKE_HTX_OFS, 1024, 1536, FAKE_HRX_OFS,
};

static void build_ring(char *mem, int k)
{
	struct netmap_ring *r = (struct netmap_ring *)(void *)(mem + fake_ring_off[k]);
	int tx = k < 3;
	uint32_t s;

	set_i64(r, offsetof(struct netmap_ring, buf_ofs),
		(int64_t)FAKE_BUF_OFS - (int64_t)fake_ring_off[k]);
	set_u32(r, offsetof(struct netmap_ring, num_slots), FAKE_SLOTS);
	set_u32(r, offsetof(struct netmap_ring, nr_buf_size), FAKE_BUFSZ);
	set_u16(r, offsetof(struct netmap_ring, ringid), (uint16_t)(k % 3));
	set_u16(r, offsetof(struct netmap_ring, dir), tx ? 1 : 0);
	r->head = r->cur = 0;
	r->tail = tx ? FAKE_SLOTS - 1 : 0;
	for (s = 0; s < FAKE_SLOTS; s++) {
		r->slot[s].buf_idx = 2 + 8 * (uint32_t)k + s;
		r->slot[s].len = tx ? FAKE_BUFSZ : 0;
		r->slot[s].flags = 0;
		r->slot[s].ptr = 0;
	}
}

void fake_build(void *mem, int txonly)
{
	char *m = mem;
	struct netmap_if *nifp = (struct netmap_if *)(void *)(m + FAKE_NIFP_OFS);
	int k;

	memset(m, 0, FAKE_SIZE);
	strcpy(nifp->ni_name, "fake0");
	set_u32(nifp, offsetof(struct netmap_if, ni_tx_rings), 2);
	set_u32(nifp, offsetof(struct netmap_if, ni_rx_rings), 2);
	set_u32(nifp, offsetof(struct netmap_if, ni_host_tx_rings), 1);
	set_u32(nifp, offsetof(struct netmap_if, ni_host_rx_rings), 1);
	for (k = 0; k < 6; k++) {
		int64_t ofs = (int64_t)fake_ring_off[k] - FAKE_NIFP_OFS;

		if (txonly && k >= 3)
			ofs = 0;
		set_i64(nifp, offsetof(struct netmap_if, ring_ofs) +
			(size_t)k * sizeof(ssize_t), ofs);
		build_ring(m, k);
	}
	/* recognisable buffer contents: buffer i is filled with byte i */
	for (k = 0; k < FAKE_NBUFS; k++)
		memset(m + FAKE_BUF_OFS + (size_t)k * FAKE_BUFSZ, k, FAKE_BUFSZ);
}

void *fake_alloc(int txonly)
{
	void *mem = aligned_alloc(4096, FAKE_SIZE);

	if (mem != NULL)
		fake_build(mem, txonly);
	return mem;
}

int fake_file(int txonly)
{
	char path[] = "/tmp/nmabi-XXXXXX";
	void *mem = fake_alloc(txonly);
	int fd;

	if (mem == NULL)
		return -1;
	fd = mkstemp(path);
	if (fd < 0) {
		free(mem);
		return -1;
	}
	unlink(path);
	if (pwrite(fd, mem, FAKE_SIZE, 0) != FAKE_SIZE) {
		close(fd);
		fd = -1;
	}
	free(mem);
	return fd;
}
