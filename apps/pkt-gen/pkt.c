/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: frame template, per-packet header construction with valid IP
 * and UDP checksums, and the receive-side parser/verifier.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

uint64_t pg_csum_add(uint64_t acc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (; len >= 2; p += 2, len -= 2)
		acc += (uint32_t)p[0] << 8 | p[1];
	if (len)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

uint16_t pg_csum_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* Sum of n filler bytes repeating pat[], starting at an even offset. */
static uint64_t filler_sum(const uint8_t pat[4], size_t n)
{
	uint64_t w0 = (uint64_t)(pat[0] << 8 | pat[1]);
	uint64_t w1 = (uint64_t)(pat[2] << 8 | pat[3]);
	size_t nw = n / 2;
	uint64_t acc = (uint64_t)((nw + 1) / 2) * w0 + (uint64_t)(nw / 2) * w1;

	if (n & 1)
		acc += (uint64_t)pat[(n - 1) & 3] << 8;
	return acc;
}

void pg_filler_pattern(enum pg_kind kind, uint32_t seq, uint8_t pat[4])
{
	uint32_t x = 0x6e6d2d67;	/* "nm-g" */

	if (kind == PG_KIND_SEQ)
		x = (seq + 1) * 2654435761u;
	put32(pat, x);
}

static size_t ip_hlen(int family)
{
	return family == AF_INET6 ? PG_IP6_HLEN : PG_IP4_HLEN;
}

static void tmpl_l2(struct pg_tmpl *t)
{
	uint8_t *e = t->frame + t->vh_len;

	memcpy(e, t->addrs.dst_mac, 6);
	memcpy(e + 6, t->addrs.src_mac, 6);
	put16(e + 12, t->family == AF_INET6 ? PG_ETHERTYPE_IPV6 :
					      PG_ETHERTYPE_IP);
}

/* Constant IP/UDP fields; lengths, addresses and checksums come later. */
static void tmpl_l3(struct pg_tmpl *t)
{
	uint8_t *ip = t->frame + t->l3;

	if (t->family == AF_INET6) {
		ip[0] = 0x60;
		ip[6] = PG_IPPROTO_UDP;
		ip[7] = 64;		/* hop limit */
	} else {
		ip[0] = 0x45;
		put16(ip + 6, 0x4000);	/* don't fragment */
		ip[8] = 64;		/* ttl */
		ip[9] = PG_IPPROTO_UDP;
	}
}

static void tmpl_filler(struct pg_tmpl *t)
{
	uint8_t pat[4];
	size_t i, start = t->pl + PG_TAG_LEN;

	pg_filler_pattern(PG_KIND_DATA, 0, pat);
	for (i = start; i < t->frame_cap; i++)
		t->frame[i] = pat[(i - start) & 3];
}

int pg_tmpl_init(struct pg_tmpl *t, const struct pg_addrs *a,
		 unsigned int vh_len, unsigned int min_size,
		 unsigned int max_size)
{
	memset(t, 0, sizeof(*t));
	t->addrs = *a;
	t->family = a->src.family;
	t->vh_len = vh_len;
	t->min_size = min_size;
	t->max_size = max_size;
	t->l3 = vh_len + PG_ETH_HLEN;
	t->l4 = t->l3 + ip_hlen(t->family);
	t->pl = t->l4 + PG_UDP_HLEN;
	t->frame_cap = vh_len + max_size;
	if (t->frame_cap < PG_HEAD_MAX + 4)
		t->frame_cap = PG_HEAD_MAX + 4;
	t->frame = calloc(1, t->frame_cap);
	if (!t->frame)
		return -1;
	tmpl_l2(t);
	tmpl_l3(t);
	tmpl_filler(t);
	/* too short for the UDP header: send the truncated template */
	t->raw = vh_len + min_size < t->pl;
	return 0;
}

int pg_tmpl_init_raw(struct pg_tmpl *t, const uint8_t *pkt, size_t len,
		     unsigned int vh_len)
{
	memset(t, 0, sizeof(*t));
	t->vh_len = vh_len;
	t->min_size = t->max_size = (unsigned int)len;
	t->frame_cap = vh_len + len;
	t->frame = calloc(1, t->frame_cap);
	if (!t->frame)
		return -1;
	memcpy(t->frame + vh_len, pkt, len);
	t->raw = true;
	return 0;
}

void pg_tmpl_free(struct pg_tmpl *t)
{
	free(t->frame);
	t->frame = NULL;
}

unsigned int pg_tmpl_tag_min(const struct pg_tmpl *t)
{
	if (t->family == 0)	/* a frame from a file */
		return UINT_MAX;
	return (unsigned int)(t->pl + PG_TAG_LEN - t->vh_len);
}

void pg_gen_init(struct pg_gen *g, const struct pg_tmpl *t,
		 enum pg_kind kind, uint8_t stream)
{
	memset(g, 0, sizeof(*g));
	g->t = t;
	g->kind = kind;
	g->stream = stream;
	if (!t->raw)
		pg_flow_first(&g->flow, &t->addrs);
}

/* IP header of the current packet; returns the pseudo-header sum. */
static uint64_t build_l3(struct pg_gen *g, size_t udp_len)
{
	const struct pg_tmpl *t = g->t;
	uint8_t *ip = g->head + t->l3;
	uint8_t *src, *dst;
	size_t alen = t->family == AF_INET6 ? 16 : 4;

	if (t->family == AF_INET6) {
		put16(ip + 4, (uint16_t)udp_len);
		src = ip + 8;
	} else {
		put16(ip + 2, (uint16_t)(PG_IP4_HLEN + udp_len));
		src = ip + 12;
	}
	dst = src + alen;
	pg_ip_bytes(&t->addrs.src, g->flow.src_lo, src);
	pg_ip_bytes(&t->addrs.dst, g->flow.dst_lo, dst);
	if (t->family == AF_INET) {
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~pg_csum_fold(
				pg_csum_add(0, ip, PG_IP4_HLEN)));
	}
	return pg_csum_add(PG_IPPROTO_UDP + udp_len, src, 2 * alen);
}

static void build_tag(struct pg_gen *g, size_t payload, uint64_t ts_ns)
{
	uint8_t *tag = g->head + g->t->pl;

	put32(tag, (uint32_t)g->kind << 8 | g->stream);
	put32(tag + 4, g->seq);
	put64(tag + 8, ts_ns);
	put16(tag + 16, (uint16_t)payload);
}

/*
 * Build the head of the next packet (size bytes without the vh) from the
 * current flow and sequence number, then advance the sequence number.
 */
void pg_gen_build(struct pg_gen *g, unsigned int size, uint64_t ts_ns)
{
	const struct pg_tmpl *t = g->t;
	size_t payload, udp_len;
	uint64_t acc;
	uint8_t *udp;

	g->len = t->vh_len + size;
	g->head_len = 0;
	g->seqfill = false;
	if (t->raw)
		return;
	payload = g->len - t->pl;
	udp_len = payload + PG_UDP_HLEN;
	g->head_len = g->len < t->pl + PG_TAG_LEN ? g->len : t->pl + PG_TAG_LEN;
	memcpy(g->head, t->frame, g->head_len);
	acc = build_l3(g, udp_len);
	udp = g->head + t->l4;
	put16(udp, g->flow.sport);
	put16(udp + 2, g->flow.dport);
	put16(udp + 4, (uint16_t)udp_len);
	if (payload >= PG_TAG_LEN) {
		build_tag(g, payload, ts_ns);
		g->seqfill = g->kind == PG_KIND_SEQ;
		pg_filler_pattern(g->kind, g->seq, g->pat);
		acc += filler_sum(g->pat, payload - PG_TAG_LEN);
	}
	acc = pg_csum_add(acc, udp, g->head_len - t->l4);
	acc = (uint16_t)~pg_csum_fold(acc);
	put16(udp + 6, acc ? (uint16_t)acc : 0xffff);
	g->seq++;
}

/* Copy bytes [off, off + n) of the built packet into dst. */
void pg_gen_copy(const struct pg_gen *g, uint8_t *dst, size_t off, size_t n)
{
	size_t k, fs = g->t->pl + PG_TAG_LEN;

	if (off < g->head_len) {
		k = g->head_len - off < n ? g->head_len - off : n;
		memcpy(dst, g->head + off, k);
		dst += k;
		off += k;
		n -= k;
	}
	if (!g->seqfill) {
		memcpy(dst, g->t->frame + off, n);
		return;
	}
	for (k = 0; k < n; k++)
		dst[k] = g->pat[(off + k - fs) & 3];
}

static int parse_l3(const uint8_t *p, size_t len, size_t o,
		    uint16_t type, struct pg_parsed *out)
{
	size_t hl;

	out->l3 = o;
	if (type == PG_ETHERTYPE_IP) {
		if (len < o + PG_IP4_HLEN || (p[o] >> 4) != 4)
			return -1;
		hl = (size_t)(p[o] & 0xf) * 4;
		if (hl < PG_IP4_HLEN || p[o + 9] != PG_IPPROTO_UDP ||
		    (get16(p + o + 6) & 0x1fff) != 0)
			return -1;
		out->family = AF_INET;
	} else if (type == PG_ETHERTYPE_IPV6) {
		if (len < o + PG_IP6_HLEN || (p[o] >> 4) != 6 ||
		    p[o + 6] != PG_IPPROTO_UDP)
			return -1;
		hl = PG_IP6_HLEN;
		out->family = AF_INET6;
	} else {
		return -1;
	}
	out->l4 = o + hl;
	out->pl = out->l4 + PG_UDP_HLEN;
	return len < out->pl ? -1 : 0;
}

static void parse_tag(const uint8_t *p, size_t len, struct pg_parsed *out)
{
	const uint8_t *tag = p + out->pl;
	uint32_t magic;
	enum pg_kind kind;

	if (len < out->pl + PG_TAG_LEN ||
	    out->udp_len < PG_UDP_HLEN + PG_TAG_LEN)
		return;
	magic = get32(tag);
	kind = (enum pg_kind)(magic >> 8);
	if (kind != PG_KIND_DATA && kind != PG_KIND_SEQ &&
	    kind != PG_KIND_PING)
		return;
	out->tag.kind = kind;
	out->tag.stream = (uint8_t)magic;
	out->tag.seq = get32(tag + 4);
	out->tag.ts = get64(tag + 8);
	out->tag.len = get16(tag + 16);
	out->has_tag = out->tag.len == out->udp_len - PG_UDP_HLEN;
}

/*
 * Parse the first len bytes of a frame (which may be only its head).
 * Returns 0 for an IPv4/IPv6 UDP frame, -1 otherwise.
 */
int pg_pkt_parse(const uint8_t *p, size_t len, size_t vh_len,
		 struct pg_parsed *out)
{
	size_t o = vh_len + PG_ETH_HLEN;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (len < o)
		return -1;
	type = get16(p + o - 2);
	if (type == PG_ETHERTYPE_VLAN) {
		if (len < o + 4)
			return -1;
		type = get16(p + o + 2);
		o += 4;
	}
	if (parse_l3(p, len, o, type, out))
		return -1;
	out->udp_len = get16(p + out->l4 + 4);
	parse_tag(p, len, out);
	return 0;
}

static enum pg_verify verify_l3(const uint8_t *p, size_t len,
				const struct pg_parsed *ps, size_t *end)
{
	const uint8_t *ip = p + ps->l3;
	size_t hl = ps->l4 - ps->l3;

	if (ps->family == AF_INET) {
		*end = ps->l3 + get16(ip + 2);
		if (pg_csum_fold(pg_csum_add(0, ip, hl)) != 0xffff)
			return PG_VERIFY_IP_CSUM;
	} else {
		*end = ps->l4 + get16(ip + 4);
	}
	if (*end > len)
		return PG_VERIFY_TRUNCATED;
	if (ps->udp_len != *end - ps->l4)
		return PG_VERIFY_IP_LEN;
	return PG_VERIFY_OK;
}

static enum pg_verify verify_udp(const uint8_t *p, const struct pg_parsed *ps)
{
	const uint8_t *ip = p + ps->l3;
	size_t alen = ps->family == AF_INET6 ? 16 : 4;
	const uint8_t *src = ip + (ps->family == AF_INET6 ? 8 : 12);
	uint64_t acc;

	if (ps->family == AF_INET && get16(p + ps->l4 + 6) == 0)
		return PG_VERIFY_OK;	/* no checksum */
	acc = pg_csum_add(PG_IPPROTO_UDP + ps->udp_len, src, 2 * alen);
	acc = pg_csum_add(acc, p + ps->l4, ps->udp_len);
	return pg_csum_fold(acc) == 0xffff ? PG_VERIFY_OK : PG_VERIFY_UDP_CSUM;
}

/*
 * Full check of a tagged frame held contiguously in p[0, len): lengths,
 * checksums, tag and every filler byte.
 */
enum pg_verify pg_pkt_verify(const uint8_t *p, size_t len,
			     const struct pg_parsed *ps)
{
	enum pg_verify v;
	uint8_t pat[4];
	size_t end, i, fs = ps->pl + PG_TAG_LEN;

	if (ps->family == 0)
		return PG_VERIFY_NOT_UDP;
	v = verify_l3(p, len, ps, &end);
	if (v == PG_VERIFY_OK)
		v = verify_udp(p, ps);
	if (v != PG_VERIFY_OK)
		return v;
	if (!ps->has_tag)
		return PG_VERIFY_TAG;
	pg_filler_pattern(ps->tag.kind, ps->tag.seq, pat);
	for (i = fs; i < end; i++)
		if (p[i] != pat[(i - fs) & 3])
			return PG_VERIFY_FILLER;
	return PG_VERIFY_OK;
}

const char *pg_verify_str(enum pg_verify v)
{
	static const char *const names[] = {
		[PG_VERIFY_OK] = "ok",
		[PG_VERIFY_NOT_UDP] = "not an IP/UDP frame",
		[PG_VERIFY_TRUNCATED] = "truncated",
		[PG_VERIFY_IP_LEN] = "inconsistent IP/UDP lengths",
		[PG_VERIFY_IP_CSUM] = "bad IPv4 header checksum",
		[PG_VERIFY_UDP_CSUM] = "bad UDP checksum",
		[PG_VERIFY_TAG] = "bad pkt-gen tag",
		[PG_VERIFY_FILLER] = "corrupted payload",
	};

	if ((unsigned int)v >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[v];
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t tmp[16];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

/*
 * Turn a frame around for pong: swap MACs and, for IP/UDP frames, the
 * addresses and ports (checksums are unaffected by the swap).
 */
void pg_pkt_swap(uint8_t *p, size_t len, size_t vh_len)
{
	struct pg_parsed ps;
	size_t alen;
	uint8_t *src;

	if (len < vh_len + 12)
		return;
	swap_bytes(p + vh_len, p + vh_len + 6, 6);
	if (pg_pkt_parse(p, len, vh_len, &ps))
		return;
	alen = ps.family == AF_INET6 ? 16 : 4;
	src = p + ps.l3 + (ps.family == AF_INET6 ? 8 : 12);
	swap_bytes(src, src + alen, alen);
	swap_bytes(p + ps.l4, p + ps.l4 + 2, 2);
}
