/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: address and port ranges (-s, -d), MAC addresses (-S, -D),
 * and the walk of a flow through its ranges.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt.h"

#define PG_DEFAULT_PORT	1234

/* One end of a range: an address and/or a port. */
struct pg_endpoint {
	bool has_addr;
	bool has_port;
	uint8_t addr[16];
	uint16_t port;
};

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* "a.b.c.d[:port]" or just "port" (the latter only if port_only_ok). */
static int parse_ep4(char *s, struct pg_endpoint *ep, bool port_only_ok)
{
	char *colon = strchr(s, ':');

	memset(ep, 0, sizeof(*ep));
	if (port_only_ok && all_digits(s)) {
		ep->has_port = true;
		return parse_port(s, &ep->port);
	}
	if (colon) {
		*colon = '\0';
		ep->has_port = true;
		if (parse_port(colon + 1, &ep->port))
			return -1;
	}
	ep->has_addr = true;
	return inet_pton(AF_INET, s, ep->addr) == 1 ? 0 : -1;
}

/* "[addr]:port", "[addr]", "addr" or just "port" (if port_only_ok). */
static int parse_ep6(char *s, struct pg_endpoint *ep, bool port_only_ok)
{
	char *close;

	memset(ep, 0, sizeof(*ep));
	if (port_only_ok && all_digits(s)) {
		ep->has_port = true;
		return parse_port(s, &ep->port);
	}
	if (*s == '[') {
		close = strchr(s, ']');
		if (!close)
			return -1;
		*close = '\0';
		if (close[1] == ':') {
			ep->has_port = true;
			if (parse_port(close + 2, &ep->port))
				return -1;
		} else if (close[1] != '\0') {
			return -1;
		}
		s++;
	}
	ep->has_addr = true;
	return inet_pton(AF_INET6, s, ep->addr) == 1 ? 0 : -1;
}

/* "[..." or two colons before any '-': IPv6 (its addresses have no '-'). */
static int guess_family(const char *s)
{
	size_t n = strcspn(s, "-"), i, colons = 0;

	for (i = 0; i < n; i++)
		colons += s[i] == ':';
	return *s == '[' || colons >= 2 ? AF_INET6 : AF_INET;
}

static uint64_t be_load(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static int fill_range(struct pg_range *r, const struct pg_endpoint *a,
		      const struct pg_endpoint *b, char *err, size_t errlen)
{
	int alen = r->family == AF_INET ? 4 : 16;
	int off = alen - (r->family == AF_INET ? 4 : 8);

	if (r->family == AF_INET6 && b->has_addr &&
	    memcmp(a->addr, b->addr, 8) != 0) {
		snprintf(err, errlen,
			 "IPv6 range may only vary in the low 64 bits");
		return -1;
	}
	memcpy(r->prefix, a->addr, r->family == AF_INET6 ? 8 : 0);
	r->lo_start = be_load(a->addr + off, alen - off);
	r->lo_end = b->has_addr ? be_load(b->addr + off, alen - off) :
				  r->lo_start;
	r->port_start = a->has_port ? a->port : PG_DEFAULT_PORT;
	r->port_end = b->has_port ? b->port : r->port_start;
	if (r->lo_end < r->lo_start || r->port_end < r->port_start) {
		snprintf(err, errlen, "range end below range start");
		return -1;
	}
	return 0;
}

/*
 * Parse "A[-B]", each end "ip[:port]" (IPv6: "[ip]:port" or "ip");
 * B may also be a bare port.  family is AF_INET, AF_INET6 or AF_UNSPEC
 * (guess from the text).
 */
int pg_range_parse(const char *s, int family, struct pg_range *r,
		   char *err, size_t errlen)
{
	struct pg_endpoint a, b;
	char buf[160], *dash;
	int rc;

	memset(r, 0, sizeof(*r));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "address range too long");
		return -1;
	}
	strcpy(buf, s);
	r->family = family == AF_UNSPEC ? guess_family(buf) : family;
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (r->family == AF_INET)
		rc = parse_ep4(buf, &a, false);
	else
		rc = parse_ep6(buf, &a, false);
	memset(&b, 0, sizeof(b));
	if (rc == 0 && dash)
		rc = r->family == AF_INET ? parse_ep4(dash, &b, true) :
					    parse_ep6(dash, &b, true);
	if (rc) {
		snprintf(err, errlen, "cannot parse '%s' as an IPv%d %s", s,
			 r->family == AF_INET ? 4 : 6, "address[:port] range");
		return -1;
	}
	return fill_range(r, &a, &b, err, errlen);
}

void pg_ip_bytes(const struct pg_range *r, uint64_t lo, uint8_t *out)
{
	int i, n = r->family == AF_INET ? 4 : 8;
	uint8_t *p = out;

	if (r->family == AF_INET6) {
		memcpy(out, r->prefix, 8);
		p = out + 8;
	}
	for (i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)lo;
		lo >>= 8;
	}
}

static void format_ep(const struct pg_range *r, uint64_t lo, uint16_t port,
		      char *buf, size_t len)
{
	uint8_t a[16];
	char s[INET6_ADDRSTRLEN];

	pg_ip_bytes(r, lo, a);
	inet_ntop(r->family, a, s, sizeof(s));
	if (r->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
}

void pg_range_format(const struct pg_range *r, char *buf, size_t len)
{
	char a[64], b[64];

	format_ep(r, r->lo_start, r->port_start, a, sizeof(a));
	if (r->lo_start == r->lo_end && r->port_start == r->port_end) {
		snprintf(buf, len, "%s", a);
		return;
	}
	format_ep(r, r->lo_end, r->port_end, b, sizeof(b));
	snprintf(buf, len, "%s-%s", a, b);
}

int pg_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int v[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

void pg_mac_format(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

void pg_flow_first(struct pg_flow *f, const struct pg_addrs *a)
{
	f->src_lo = a->src.lo_start;
	f->dst_lo = a->dst.lo_start;
	f->sport = a->src.port_start;
	f->dport = a->dst.port_start;
}

/* Step v through [lo, hi]; true when it wrapped back to lo. */
static bool step64(uint64_t *v, uint64_t lo, uint64_t hi)
{
	if (*v >= hi) {
		*v = lo;
		return true;
	}
	(*v)++;
	return false;
}

static bool step16(uint16_t *v, uint16_t lo, uint16_t hi)
{
	if (*v >= hi) {
		*v = lo;
		return true;
	}
	(*v)++;
	return false;
}

/* Odometer order: source port, source address, dest port, dest address. */
void pg_flow_next(struct pg_flow *f, const struct pg_addrs *a)
{
	if (!step16(&f->sport, a->src.port_start, a->src.port_end))
		return;
	if (!step64(&f->src_lo, a->src.lo_start, a->src.lo_end))
		return;
	if (!step16(&f->dport, a->dst.port_start, a->dst.port_end))
		return;
	step64(&f->dst_lo, a->dst.lo_start, a->dst.lo_end);
}

/* xorshift64*: small, fast, and the state lives with the caller. */
uint64_t pg_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t rand_in(uint64_t lo, uint64_t hi, uint64_t *rng)
{
	uint64_t span = hi - lo;

	if (span == UINT64_MAX)
		return pg_rand(rng);
	return lo + pg_rand(rng) % (span + 1);
}

void pg_flow_random(struct pg_flow *f, const struct pg_addrs *a,
		    bool src, bool dst, uint64_t *rng)
{
	if (src) {
		f->src_lo = rand_in(a->src.lo_start, a->src.lo_end, rng);
		f->sport = (uint16_t)rand_in(a->src.port_start,
					     a->src.port_end, rng);
	}
	if (dst) {
		f->dst_lo = rand_in(a->dst.lo_start, a->dst.lo_end, rng);
		f->dport = (uint16_t)rand_in(a->dst.port_start,
					     a->dst.port_end, rng);
	}
}
