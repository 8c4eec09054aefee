/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests of pkt-gen's packet builder, parser/verifier, address ranges
 * and sequence checker.  Checksums are recomputed here independently of
 * pkt.c (plain RFC 1071 over a pseudo-header laid out in memory).
 * Output is TAP.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt.h"
#include "seq.h"

static int n_test, n_fail;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d - ", cond ? "" : "not ", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* RFC 1071, written from scratch: 16-bit big-endian words, end-around carry. */
static uint16_t rfc1071(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	uint16_t w;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, p + i, 2);
		sum += ntohs(w);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

struct frame_info {
	int family;
	size_t l3, l4;
	uint16_t udp_len;
};

/* Locate headers without pkt.c's parser. */
static int locate(const uint8_t *f, size_t vh, struct frame_info *fi)
{
	uint16_t type = (uint16_t)(f[vh + 12] << 8 | f[vh + 13]);

	fi->l3 = vh + 14;
	if (type == 0x0800) {
		fi->family = AF_INET;
		fi->l4 = fi->l3 + (size_t)(f[fi->l3] & 0xf) * 4;
	} else if (type == 0x86dd) {
		fi->family = AF_INET6;
		fi->l4 = fi->l3 + 40;
	} else {
		return -1;
	}
	fi->udp_len = (uint16_t)(f[fi->l4 + 4] << 8 | f[fi->l4 + 5]);
	return 0;
}

static int ip_csum_ok(const uint8_t *f, const struct frame_info *fi)
{
	if (fi->family != AF_INET)
		return 1;
	return rfc1071(f + fi->l3, fi->l4 - fi->l3) == 0;
}

static int udp_csum_ok(const uint8_t *f, const struct frame_info *fi)
{
	uint8_t buf[40 + PG_MAX_PKT + 2];
	size_t alen = fi->family == AF_INET6 ? 16 : 4;
	const uint8_t *src = f + fi->l3 + (fi->family == AF_INET6 ? 8 : 12);
	size_t o = 0;

	memcpy(buf, src, 2 * alen);	/* src and dst addresses */
	o = 2 * alen;
	if (fi->family == AF_INET) {
		buf[o++] = 0;
		buf[o++] = 17;
		buf[o++] = (uint8_t)(fi->udp_len >> 8);
		buf[o++] = (uint8_t)fi->udp_len;
	} else {
		buf[o++] = 0;
		buf[o++] = 0;
		buf[o++] = (uint8_t)(fi->udp_len >> 8);
		buf[o++] = (uint8_t)fi->udp_len;
		buf[o++] = 0;
		buf[o++] = 0;
		buf[o++] = 0;
		buf[o++] = 17;
	}
	memcpy(buf + o, f + fi->l4, fi->udp_len);
	if (f[fi->l4 + 6] == 0 && f[fi->l4 + 7] == 0)
		return 0;	/* we always fill it in */
	return rfc1071(buf, o + fi->udp_len) == 0;
}

static void addrs_v4(struct pg_addrs *a, const char *src, const char *dst)
{
	char err[128];

	memset(a, 0, sizeof(*a));
	pg_range_parse(src, AF_INET, &a->src, err, sizeof(err));
	pg_range_parse(dst, AF_INET, &a->dst, err, sizeof(err));
	memset(a->dst_mac, 0xff, 6);
	memcpy(a->src_mac, "\x02\x00\x00\x00\x00\x01", 6);
}

static void addrs_v6(struct pg_addrs *a, const char *src, const char *dst)
{
	char err[128];

	memset(a, 0, sizeof(*a));
	pg_range_parse(src, AF_INET6, &a->src, err, sizeof(err));
	pg_range_parse(dst, AF_INET6, &a->dst, err, sizeof(err));
	memset(a->dst_mac, 0xff, 6);
}

/* Build one packet into f and check it independently; 1 if all good. */
static int build_check(struct pg_gen *g, unsigned int size, uint8_t *f)
{
	struct frame_info fi;

	pg_gen_build(g, size, 0);
	pg_gen_copy(g, f, 0, g->len);
	if (locate(f, g->t->vh_len, &fi))
		return 0;
	if (fi.l4 + fi.udp_len != g->len)
		return 0;
	return ip_csum_ok(f, &fi) && udp_csum_ok(f, &fi);
}

static void test_ipv4_basic(void)
{
	static uint8_t f[PG_MAX_PKT + 16];
	struct pg_addrs a;
	struct pg_tmpl t;
	struct pg_gen g;
	struct pg_parsed ps;

	addrs_v4(&a, "10.0.0.1", "10.1.0.1");
	ok(pg_tmpl_init(&t, &a, 0, 60, 60) == 0, "ipv4 template");
	ok(pg_tmpl_tag_min(&t) == 60, "ipv4 tag fits 60-byte frames");
	pg_gen_init(&g, &t, PG_KIND_DATA, 3);
	ok(build_check(&g, 60, f), "ipv4 60-byte frame: checksums valid");
	ok(g.len == 60 && f[12] == 0x08 && f[13] == 0x00, "ethertype IPv4");
	ok(memcmp(f + 26, "\x0a\x00\x00\x01\x0a\x01\x00\x01", 8) == 0,
	   "ipv4 addresses 10.0.0.1 -> 10.1.0.1");
	ok(f[34] == 0x04 && f[35] == 0xd2 && f[36] == 0x04 && f[37] == 0xd2,
	   "udp ports 1234 -> 1234");
	ok(pg_pkt_parse(f, g.len, 0, &ps) == 0 && ps.has_tag &&
	   ps.tag.kind == PG_KIND_DATA && ps.tag.stream == 3 &&
	   ps.tag.seq == 0 && ps.tag.len == 18, "tag parsed back");
	ok(pg_pkt_verify(f, g.len, &ps) == PG_VERIFY_OK, "verify accepts it");
	ok(build_check(&g, 60, f) && pg_pkt_parse(f, g.len, 0, &ps) == 0 &&
	   ps.tag.seq == 1, "second packet: seq 1, checksums valid");
	f[40] ^= 1;
	ok(pg_pkt_verify(f, g.len, &ps) == PG_VERIFY_UDP_CSUM,
	   "flipped payload bit detected");
	pg_tmpl_free(&t);
}

static void test_sizes(int family)
{
	static uint8_t f[PG_MAX_PKT + 16];
	static const unsigned int sizes[] = { 61, 64, 99, 1500, 1501, 9000,
					      65535, 65536 };
	struct pg_addrs a;
	struct pg_tmpl t;
	struct pg_gen g;
	unsigned int i, good = 0, base = family == AF_INET6 ? 80 : 60;

	if (family == AF_INET6)
		addrs_v6(&a, "[fd00::1]:5000", "[fd00:1::abcd]:6000");
	else
		addrs_v4(&a, "192.168.1.2:7", "172.16.0.9:9");
	pg_tmpl_init(&t, &a, 0, base, 65536);
	pg_gen_init(&g, &t, PG_KIND_DATA, 0);
	good += build_check(&g, base, f);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		good += build_check(&g, sizes[i] < base ? base : sizes[i], f);
	ok(good == i + 1, "ipv%d: checksums valid for sizes %u..65536",
	   family == AF_INET6 ? 6 : 4, base);
	pg_tmpl_free(&t);
}

static void test_vh_and_copy(void)
{
	static uint8_t f[2048], g2[2048];
	struct pg_addrs a;
	struct pg_tmpl t;
	struct pg_gen g;
	struct pg_parsed ps;
	size_t off, n;

	addrs_v4(&a, "10.0.0.1", "10.1.0.1");
	pg_tmpl_init(&t, &a, 12, 60, 1514);
	pg_gen_init(&g, &t, PG_KIND_SEQ, 1);
	ok(build_check(&g, 1000, f) && g.len == 1012,
	   "12-byte virtio-net header: checksums valid");
	ok(pg_pkt_parse(f, g.len, 12, &ps) == 0 && ps.has_tag &&
	   pg_pkt_verify(f, g.len, &ps) == PG_VERIFY_OK,
	   "txseq frame with vh verifies");
	for (off = 0; off < g.len; off += n) {
		n = g.len - off < 7 ? g.len - off : 7;
		pg_gen_copy(&g, g2 + off, off, n);
	}
	ok(memcmp(f, g2, g.len) == 0, "copy in 7-byte fragments = whole copy");
	/* swap two filler words: same checksum, wrong pattern */
	memcpy(g2, f + 100, 2);
	memcpy(f + 100, f + 102, 2);
	memcpy(f + 102, g2, 2);
	ok(f[100] != f[102] && pg_pkt_verify(f, g.len, &ps) == PG_VERIFY_FILLER,
	   "checksum-neutral payload corruption detected");
	pg_tmpl_free(&t);
}

static void test_txseq_many(void)
{
	static uint8_t f[4096];
	struct pg_addrs a;
	struct pg_tmpl t;
	struct pg_gen g;
	struct pg_parsed ps;
	unsigned int i, good = 0;

	addrs_v6(&a, "fd00::1", "fd00::2");
	pg_tmpl_init(&t, &a, 0, 80, 1500);
	pg_gen_init(&g, &t, PG_KIND_SEQ, 9);
	g.seq = 0xfffffff0u;
	for (i = 0; i < 64; i++) {
		if (build_check(&g, 80 + i * 21, f) &&
		    pg_pkt_parse(f, g.len, 0, &ps) == 0 &&
		    ps.tag.seq == 0xfffffff0u + i &&
		    pg_pkt_verify(f, g.len, &ps) == PG_VERIFY_OK)
			good++;
	}
	ok(good == 64, "txseq ipv6: 64 sizes across seq wrap verify");
	pg_tmpl_free(&t);
}

static void test_flows(void)
{
	static uint8_t f[256];
	struct pg_addrs a;
	struct pg_tmpl t;
	struct pg_gen g;
	uint64_t rng = 42;
	unsigned int i, good = 0, in_range = 0, seen = 0;
	uint32_t ip;

	addrs_v4(&a, "10.0.0.1:1000-10.0.0.2:1001", "10.9.0.1:5-10.9.0.3:5");
	pg_tmpl_init(&t, &a, 0, 60, 60);
	pg_gen_init(&g, &t, PG_KIND_DATA, 0);
	for (i = 0; i < 12; i++) {
		good += build_check(&g, 60, f);
		if (i == 4)	/* 2 ports x 2 sources: dst moved on */
			seen = f[33] == 2 && f[29] == 1 &&
			       f[34] == 0x03 && f[35] == 0xe8;
		pg_flow_next(&g.flow, &a);
	}
	ok(good == 12, "sequential flows: checksums valid");
	ok(seen, "odometer order: sport, src ip, dport, dst ip");
	ok(g.flow.sport == 1000 && g.flow.src_lo == 0x0a000001 &&
	   g.flow.dst_lo == 0x0a090001, "flow wraps after 12 packets");
	good = 0;
	for (i = 0; i < 1000; i++) {
		pg_flow_random(&g.flow, &a, true, true, &rng);
		good += build_check(&g, 60, f);
		ip = (uint32_t)f[26] << 24 | f[27] << 16 | f[28] << 8 | f[29];
		in_range += ip >= 0x0a000001 && ip <= 0x0a000002 &&
			    g.flow.sport >= 1000 && g.flow.sport <= 1001 &&
			    g.flow.dst_lo >= 0x0a090001 &&
			    g.flow.dst_lo <= 0x0a090003;
	}
	ok(good == 1000 && in_range == 1000,
	   "random flows stay in range with valid checksums");
	pg_tmpl_free(&t);
}

static void test_short_and_swap(void)
{
	static uint8_t f[256];
	struct pg_addrs a;
	struct pg_tmpl t;
	struct pg_gen g;
	struct frame_info fi;

	addrs_v4(&a, "10.0.0.1:1", "10.1.0.1:2");
	pg_tmpl_init(&t, &a, 0, 50, 50);
	pg_gen_init(&g, &t, PG_KIND_DATA, 0);
	ok(build_check(&g, 50, f), "50-byte frame (no room for tag) valid");
	pg_tmpl_free(&t);
	pg_tmpl_init(&t, &a, 0, 16, 60);
	ok(t.raw, "16-byte frames are too short: raw template");
	pg_tmpl_free(&t);

	pg_tmpl_init(&t, &a, 0, 60, 60);
	pg_gen_init(&g, &t, PG_KIND_PING, 0);
	build_check(&g, 60, f);
	pg_pkt_swap(f, 60, 0);
	locate(f, 0, &fi);
	ok(f[0] == 0x02 && f[6] == 0xff && f[27] == 1 && f[31] == 0 &&
	   f[35] == 2 && f[37] == 1 && ip_csum_ok(f, &fi) &&
	   udp_csum_ok(f, &fi), "pong swap: MACs, IPs, ports; checksums valid");
	pg_tmpl_free(&t);
}

static void test_ranges(void)
{
	struct pg_range r;
	char err[128], buf[128];
	uint8_t mac[6];

	ok(pg_range_parse("10.0.0.1", AF_INET, &r, err, sizeof(err)) == 0 &&
	   r.lo_start == 0x0a000001 && r.lo_end == r.lo_start &&
	   r.port_start == 1234 && r.port_end == 1234, "single IPv4");
	ok(pg_range_parse("10.0.0.1:80-10.0.0.9:90", AF_UNSPEC, &r, err,
			  sizeof(err)) == 0 && r.family == AF_INET &&
	   r.lo_end == 0x0a000009 && r.port_start == 80 &&
	   r.port_end == 90, "IPv4 range with ports");
	ok(pg_range_parse("10.0.0.1:80-90", AF_INET, &r, err,
			  sizeof(err)) == 0 && r.lo_end == r.lo_start &&
	   r.port_end == 90, "port-only range end");
	ok(pg_range_parse("[fd00::1]:53-[fd00::ff]:54", AF_UNSPEC, &r, err,
			  sizeof(err)) == 0 && r.family == AF_INET6 &&
	   r.lo_start == 1 && r.lo_end == 0xff && r.port_end == 54,
	   "IPv6 range with ports");
	pg_range_format(&r, buf, sizeof(buf));
	ok(strcmp(buf, "[fd00::1]:53-[fd00::ff]:54") == 0, "format: %s", buf);
	ok(pg_range_parse("fd00::1", AF_UNSPEC, &r, err, sizeof(err)) == 0 &&
	   r.family == AF_INET6, "bare IPv6 address");
	ok(pg_range_parse("10.0.0.9-10.0.0.1", AF_INET, &r, err,
			  sizeof(err)) < 0, "reversed range rejected");
	ok(pg_range_parse("10.0.0.300", AF_INET, &r, err, sizeof(err)) < 0,
	   "bad address rejected");
	ok(pg_range_parse("10.0.0.1:70000", AF_INET, &r, err,
			  sizeof(err)) < 0, "bad port rejected");
	ok(pg_range_parse("fd00::1-fd01::1", AF_INET6, &r, err,
			  sizeof(err)) < 0, "IPv6 range over 64 bits rejected");
	ok(pg_mac_parse("00:1b:21:0a:ff:9c", mac) == 0 && mac[1] == 0x1b &&
	   mac[5] == 0x9c, "MAC parsed");
	ok(pg_mac_parse("00:1b:21:0a:ff", mac) < 0 &&
	   pg_mac_parse("00:1b:21:0a:ff:9c:1", mac) < 0, "bad MACs rejected");
}

static void feed(struct pg_seq *q, uint8_t stream, const uint32_t *s,
		 size_t n)
{
	uint64_t arg;
	size_t i;

	for (i = 0; i < n; i++)
		pg_seq_update(q, stream, s[i], &arg);
}

static int totals_are(const struct pg_seq *q, uint64_t rx, uint64_t lost,
		      uint64_t ooo)
{
	struct pg_seq_totals t;

	pg_seq_totals(q, &t);
	return t.received == rx && t.lost == lost && t.ooo == ooo;
}

static void test_seq(void)
{
	static const uint32_t gap[] = { 0, 1, 2, 5, 6, 9 };
	static const uint32_t reord[] = { 0, 1, 3, 2, 4, 6, 5, 7 };
	static const uint32_t wrap[] = { 0xfffffffe, 0xffffffff, 0, 2 };
	static struct pg_seq q, q2;
	uint32_t even[50], odd[50];
	uint64_t arg;
	int i;

	pg_seq_init(&q);
	for (i = 0; i < 100; i++)
		pg_seq_update(&q, 0, (uint32_t)i, &arg);
	ok(totals_are(&q, 100, 0, 0), "in order: no loss");
	pg_seq_init(&q);
	feed(&q, 0, gap, 6);
	ok(totals_are(&q, 6, 4, 0), "gaps: 4 lost");
	pg_seq_init(&q);
	feed(&q, 0, reord, 8);
	ok(totals_are(&q, 8, 0, 2), "reorder: 0 lost, 2 out of order");
	pg_seq_init(&q);
	feed(&q, 0, wrap, 4);
	ok(totals_are(&q, 4, 1, 0), "wrap-around: 1 lost");
	pg_seq_init(&q);
	ok(pg_seq_update(&q, 7, 10, &arg) == PG_SEQ_FIRST &&
	   pg_seq_update(&q, 7, 11, &arg) == PG_SEQ_NEXT &&
	   pg_seq_update(&q, 7, 15, &arg) == PG_SEQ_GAP && arg == 3 &&
	   pg_seq_update(&q, 7, 12, &arg) == PG_SEQ_LATE && arg == 3,
	   "events: first, next, gap of 3, late by 3");
	ok(pg_seq_update(&q, 8, 100, &arg) == PG_SEQ_FIRST &&
	   totals_are(&q, 5, 2, 1), "streams counted separately");
	for (i = 0; i < 50; i++) {
		even[i] = (uint32_t)(2 * i);
		odd[i] = (uint32_t)(2 * i + 1);
	}
	pg_seq_init(&q);
	pg_seq_init(&q2);
	feed(&q, 1, even, 50);
	feed(&q2, 1, odd, 49);
	pg_seq_merge(&q, &q2);
	ok(totals_are(&q, 99, 0, 0), "merged threads: complete 0..98");
	pg_seq_init(&q2);
	feed(&q2, 1, odd + 10, 5);
	pg_seq_init(&q);
	feed(&q, 1, even, 50);
	pg_seq_merge(&q, &q2);
	ok(totals_are(&q, 55, 44, 0), "merged threads: 44 missing");
}

int main(void)
{
	test_ipv4_basic();
	test_sizes(AF_INET);
	test_sizes(AF_INET6);
	test_vh_and_copy();
	test_txseq_many();
	test_flows();
	test_short_and_swap();
	test_ranges();
	test_seq();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
