/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hand-built netmap region, laid out the way the kernel would, to test
 * the userspace helpers without a kernel:
 *
 *   0       TX ring 0          \
 *   512     TX ring 1           | below the netmap_if: negative ring_ofs
 *   1024    RX ring 0           |
 *   1536    RX ring 1          /
 *   2048    netmap_if "fake0": 2 NIC + 1 host ring per direction
 *   4096    64 buffers of 2048 bytes
 *   135168  host TX ring       \ after the buffers: negative buf_ofs
 *   135680  host RX ring       /
 *
 * Every ring has 8 slots; slot s of ring k (ring_ofs order) holds buffer
 * 2 + 8 * k + s.  TX rings start with tail 7 (all free), RX rings empty.
 */
#ifndef ABI_FAKE_H
#define ABI_FAKE_H

#include <stddef.h>

#define FAKE_SLOTS	8
#define FAKE_BUFSZ	2048
#define FAKE_NBUFS	64
#define FAKE_NIFP_OFS	2048
#define FAKE_BUF_OFS	4096
#define FAKE_HTX_OFS	(FAKE_BUF_OFS + FAKE_NBUFS * FAKE_BUFSZ)
#define FAKE_HRX_OFS	(FAKE_HTX_OFS + 512)
#define FAKE_SIZE	139264	/* 34 pages */

/* ring offsets in ring_ofs order: tx0 tx1 htx rx0 rx1 hrx */
extern const size_t fake_ring_off[6];

/* lay out the region in mem (FAKE_SIZE bytes, page aligned); with txonly
 * the RX entries of ring_ofs are 0, as for a descriptor bound to TX only */
void fake_build(void *mem, int txonly);

/* a region in malloc'd memory (aligned_alloc), or NULL */
void *fake_alloc(int txonly);

/* a region in an unlinked temporary file: returns the fd, or -1 */
int fake_file(int txonly);

#endif /* ABI_FAKE_H */
