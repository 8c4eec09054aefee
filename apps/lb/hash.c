/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: the flow hash.  The two endpoints (address, port) of a frame are put
 * in a fixed order before hashing, so a flow's two directions agree.
 */
#include <string.h>

#include "lb.h"

#define ETH_HLEN	14
#define ET_IPV4		0x0800
#define ET_IPV6		0x86dd
#define ET_VLAN		0x8100
#define ET_QINQ		0x88a8
#define ET_QINQ_OLD	0x9100
#define LB_VLAN_MAX	2

/* What the hash is computed over. */
struct lb_flow {
	uint8_t proto;
	uint8_t alen;			/* 4 or 16 */
	const uint8_t *a, *b;		/* source, destination address */
	uint8_t pa[2], pb[2];		/* ports, zero if none */
};

static uint16_t lb_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int lb_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/* Ports of a TCP, UDP or SCTP header at l4 (len bytes there). */
static void lb_ports(struct lb_flow *f, const uint8_t *l4, size_t len)
{
	if (!lb_has_ports(f->proto) || len < 4)
		return;
	memcpy(f->pa, l4, 2);
	memcpy(f->pb, l4 + 2, 2);
}

static int lb_ipv4(struct lb_flow *f, const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return -1;
	f->proto = p[9];
	f->alen = 4;
	f->a = p + 12;
	f->b = p + 16;
	if ((lb_be16(p + 6) & 0x1fff) == 0)	/* first fragment or whole */
		lb_ports(f, p + ihl, len - ihl);
	return 0;
}

static int lb_ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 44;
}

static int lb_ipv6(struct lb_flow *f, const uint8_t *p, size_t len)
{
	size_t off = 40;
	uint8_t nh;
	int first = 1;

	if (len < 40 || (p[0] >> 4) != 6)
		return -1;
	f->alen = 16;
	f->a = p + 8;
	f->b = p + 24;
	nh = p[6];
	while (lb_ipv6_ext(nh) && off + 8 <= len) {
		size_t hl = nh == 44 ? 8 : ((size_t)p[off + 1] + 1) * 8;

		if (nh == 44 && (lb_be16(p + off + 2) & 0xfff8) != 0)
			first = 0;
		nh = p[off];
		off += hl;
	}
	f->proto = nh;
	if (first && off <= len && !lb_ipv6_ext(nh))
		lb_ports(f, p + off, len - off);
	return 0;
}

static uint32_t lb_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t lb_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Endpoint a before b if (address, port) of a is the smaller. */
static int lb_a_first(const struct lb_flow *f)
{
	int c = memcmp(f->a, f->b, f->alen);

	if (c == 0)
		c = memcmp(f->pa, f->pb, 2);
	return c <= 0;
}

static uint32_t lb_flow_hash(const struct lb_flow *f)
{
	int af = lb_a_first(f);
	uint32_t h = 2166136261u;

	h = lb_fnv(h, &f->proto, 1);
	h = lb_fnv(h, af ? f->a : f->b, f->alen);
	h = lb_fnv(h, af ? f->pa : f->pb, 2);
	h = lb_fnv(h, af ? f->b : f->a, f->alen);
	h = lb_fnv(h, af ? f->pb : f->pa, 2);
	h = lb_mix(h);
	return h ? h : 1;
}

uint32_t lb_hash(const uint8_t *frame, size_t len)
{
	struct lb_flow f;
	size_t off = ETH_HLEN;
	uint16_t et;
	int tags = 0, r = -1;

	if (len < ETH_HLEN)
		return 0;
	memset(&f, 0, sizeof(f));
	et = lb_be16(frame + 12);
	while ((et == ET_VLAN || et == ET_QINQ || et == ET_QINQ_OLD) &&
	       tags < LB_VLAN_MAX && off + 4 <= len) {
		et = lb_be16(frame + off + 2);
		off += 4;
		tags++;
	}
	if (et == ET_IPV4)
		r = lb_ipv4(&f, frame + off, len - off);
	else if (et == ET_IPV6)
		r = lb_ipv6(&f, frame + off, len - off);
	return r < 0 ? 0 : lb_flow_hash(&f);
}
