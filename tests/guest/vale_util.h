/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame and request helpers shared by the VALE guest tests: Ethernet
 * frames with a sequence-numbered payload, one-frame sends, draining an RX
 * ring, the VALE control requests.
 */
#ifndef NMT_VALE_UTIL_H
#define NMT_VALE_UTIL_H

#include "common.h"

#include <unistd.h>

#define ETHTYPE 0x88b5		/* local experimental */

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static inline void mac_of(uint8_t mac[6], unsigned int id)
{
	const uint8_t m[6] = { 0x02, 0x4e, 0x4d, 0x00, 0x00, (uint8_t)id };

	memcpy(mac, m, 6);
}

/* A frame dst <- src of length len carrying pattern seq after the header. */
static inline void put_frame(struct netmap_ring *r, const uint8_t dst[6],
			     const uint8_t src[6], uint32_t len, uint64_t seq)
{
	struct netmap_slot *s = &r->slot[r->head];
	uint8_t *b = (uint8_t *)NETMAP_BUF(r, s->buf_idx);

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = ETHTYPE >> 8;
	b[13] = ETHTYPE & 0xff;
	if (len > 14)
		nmt_fill(b + 14, len - 14, seq);
	s->len = len;
	s->flags = 0;
	nmt_advance(r, 1);
}

static inline int send_one(struct nmt_port *p, const uint8_t dst[6], unsigned int src_id,
			   uint32_t len, uint64_t seq)
{
	uint8_t src[6];

	mac_of(src, src_id);
	put_frame(nmt_txring(p, 0), dst, src, len, seq);
	return nmt_txsync(p->fd);
}

/* Frames waiting on p's RX ring 0 after a sync (consumed: head = tail). */
static inline uint32_t drain(struct nmt_port *p, uint64_t *last_seq)
{
	struct netmap_ring *r = nmt_rxring(p, 0);
	uint32_t n;

	nmt_rxsync(p->fd);
	n = nmt_dist(r, r->head, r->tail);
	if (n && last_seq) {
		struct netmap_slot *s = &r->slot[nmt_prev(r, r->tail)];
		uint8_t *b = (uint8_t *)NETMAP_BUF(r, s->buf_idx);

		*last_seq = b[14] | b[15] << 8 | b[16] << 16 | (uint32_t)b[17] << 24;
	}
	nmt_advance(r, n);
	nmt_rxsync(p->fd);
	return n;
}

/* NETMAP_REQ_VALE_NEWIF, _DELIF, _ATTACH, _DETACH: 0 or errno. */
static inline int newif(int fd, const char *name, struct nmreq_vale_newif *nif)
{
	struct nmreq_header h;

	nmt_hdr(&h, NETMAP_REQ_VALE_NEWIF, name, nif);
	return nmt_ctrl(fd, &h);
}

static inline int delif(int fd, const char *name)
{
	struct nmreq_header h;

	nmt_hdr(&h, NETMAP_REQ_VALE_DELIF, name, NULL);
	return nmt_ctrl(fd, &h);
}

static inline int attach(int fd, const char *name, uint32_t mode, uint16_t ringid,
				 uint32_t *port)
{
	struct nmreq_vale_attach a = { .reg = { .nr_mode = mode,
						.nr_ringid = ringid } };
	struct nmreq_header h;
	int err;

	nmt_hdr(&h, NETMAP_REQ_VALE_ATTACH, name, &a);
	err = nmt_ctrl(fd, &h);
	if (port)
		*port = a.port_index;
	return err;
}

static inline int detach(int fd, const char *name, uint32_t *port)
{
	struct nmreq_vale_detach d = { .port_index = 999 };
	struct nmreq_header h;
	int err;

	nmt_hdr(&h, NETMAP_REQ_VALE_DETACH, name, &d);
	err = nmt_ctrl(fd, &h);
	if (port)
		*port = d.port_index;
	return err;
}

/* Interface @name exists in the namespace sysfs was mounted in. */
static inline int has_netdev(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

static inline int vale_list(int fd, const char *name, uint16_t *b, uint32_t *p, char *out)
{
	struct nmreq_vale_list l = { .nr_bridge_idx = *b, .nr_port_idx = *p };
	struct nmreq_header h;
	int err;

	nmt_hdr(&h, NETMAP_REQ_VALE_LIST, name, &l);
	err = nmt_ctrl(fd, &h);
	*b = l.nr_bridge_idx;
	*p = l.nr_port_idx;
	if (out)
		snprintf(out, NETMAP_REQ_IFNAMSIZ, "%s", h.nr_name);
	return err;
}

/*
 * count frames from tx (source MAC id src) to dst via rx's RX ring 0,
 * sizes 60..1514, never more in flight than rx's ring holds, for at most
 * timeout_ms. Returns the frames received; *bad counts those out of order
 * or with a wrong length or payload byte.
 */
static inline uint32_t vale_cross(struct nmt_port *tx, unsigned int src,
				  const uint8_t dst[6], struct nmt_port *rx,
				  uint32_t count, uint64_t timeout_ms,
				  uint32_t *bad)
{
	struct netmap_ring *tr = nmt_txring(tx, 0), *rr = nmt_rxring(rx, 0);
	uint32_t sent = 0, got = 0;
	uint64_t t0 = nmt_now_ms();
	uint8_t s[6];

	mac_of(s, src);
	*bad = 0;
	while (got < count && nmt_now_ms() - t0 < timeout_ms) {
		while (sent < count && sent - got < rr->num_slots - 1 &&
		       nmt_dist(tr, tr->head, tr->tail)) {
			put_frame(tr, dst, s, nmt_pkt_len(sent, 1514), sent);
			sent++;
		}
		nmt_txsync(tx->fd);
		nmt_rxsync(rx->fd);
		while (rr->head != rr->tail) {
			struct netmap_slot *sl = &rr->slot[rr->head];
			const uint8_t *b = (uint8_t *)NETMAP_BUF(rr, sl->buf_idx);

			if (sl->len != nmt_pkt_len(got, 1514) ||
			    nmt_check(b + 14, sl->len - 14, got) >= 0)
				(*bad)++;
			got++;
			nmt_advance(rr, 1);
		}
		nmt_rxsync(rx->fd);	/* the slots go back before the next send */
	}
	return got;
}

#endif /* NMT_VALE_UTIL_H */
