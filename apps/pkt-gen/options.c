/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: command line parsing (same options as upstream pkt-gen).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt-gen.h"

#define PG_OPTSTRING "46a:f:F:Nn:i:Il:d:s:D:S:b:c:o:p:T:w:WvR:XC:H:rP:zZAhBM:"

static const char usage_text[] =
"Usage: pkt-gen [options]\n"
"  -h              this help\n"
"  -i interface    netmap port: 'netmap:...' and 'vale...' names are used\n"
"                  as given, other names get 'netmap:' prepended;\n"
"                  'null' sends nowhere (no netmap). The tap and pcap\n"
"                  back-ends ('tap:', 'tap*', 'pcap:') are not supported\n"
"                  by this build\n"
"  -f function     tx rx ping pong txseq rxseq (default rx)\n"
"  -n count        packets (tx/rx) or transactions (ping/pong), 0 = none\n"
"  -l pkt_size     frame size without CRC, 16..65536 (default 60, 80\n"
"                  with -6); given twice the second value is the minimum\n"
"                  of random sizes\n"
"  -b burst        packets per batch (default 512, ping/pong 1)\n"
"  -4 | -6         IPv4 (default) or IPv6\n"
"  -d ip[:port[-ip:port]]  destination range (default 10.1.0.1:1234);\n"
"                  IPv6 as [addr]:port\n"
"  -s ip[:port[-ip:port]]  source range (default 10.0.0.1:1234)\n"
"  -D mac          destination MAC (default ff:ff:ff:ff:ff:ff)\n"
"  -S mac          source MAC (default: the interface's)\n"
"  -a cpu_id       pin thread i to cpu (cpu_id + i) mod cpus\n"
"  -c cpus         CPUs to use (default 1, 0 = all)\n"
"  -p threads      threads, one ring (pair) each when more than 1\n"
"  -T report_ms    report interval (default 1000)\n"
"  -w wait_link    seconds to wait before starting (default 2, 0 for\n"
"                  vale ports and null)\n"
"  -W              rx: once traffic started, exit after one second\n"
"                  without packets\n"
"  -R rate         packets per second (default: as fast as possible)\n"
"  -X              dump packets\n"
"  -H len          virtio-net header length 0, 10 or 12 (set on the\n"
"                  port); without it the port's value is used\n"
"  -P file         send the first packet of a pcap file\n"
"  -z | -Z         random source | destination address and port\n"
"  -N              do not normalize units\n"
"  -F num_frags    slots per packet, 1..63 (NS_MOREFRAG)\n"
"  -M frag_size    bytes per slot (default: buffer size)\n"
"  -I              use indirect buffers (NS_INDIRECT, VALE tx only)\n"
"  -r              tx: do not initialise the buffers (no tags)\n"
"  -A              rate mean/stddev statistics\n"
"  -B              add 24 bytes of framing and CRC per packet in bps\n"
"  -v              verbose (repeat for more)\n"
"  -C tx_slots[,rx_slots[,tx_rings[,rx_rings]]]\n"
"                  ring configuration (deprecated: use @conf:)\n"
"  -o options      data options: 1 prefetch, 2 access, 4 copy, 8 memcpy,\n"
"                  16 timestamp, 32 indirect, 64 dump, 256 rubbish,\n"
"                  512 random src, 1024 random dst, 2048 pps stats,\n"
"                  4096 update checksum (always done)\n";

void pg_usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
	va_list ap;

	fputs("pkt-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int num(int opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s == '-')
		return bad("-%c: bad number '%s'", opt, s);
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end != '\0')
		return bad("-%c: bad number '%s'", opt, s);
	if (v < min || v > max)
		return bad("-%c: %llu out of range [%llu, %llu]", opt, v,
			   (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

static int unum(int opt, const char *s, unsigned int min, unsigned int max,
		unsigned int *out)
{
	uint64_t v;

	if (num(opt, s, min, max, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int inum(int opt, const char *s, int min, int max, int *out)
{
	uint64_t v;

	if (num(opt, s, (uint64_t)min, (uint64_t)max, &v))
		return -1;
	*out = (int)v;
	return 0;
}

static int set_func(struct pg_conf *c, const char *s)
{
	static const char *const names[] = {
		[PG_TX] = "tx", [PG_RX] = "rx", [PG_PING] = "ping",
		[PG_PONG] = "pong", [PG_TXSEQ] = "txseq", [PG_RXSEQ] = "rxseq",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			c->func = (enum pg_func)i;
			return 0;
		}
	}
	return bad("unrecognized function '%s'", s);
}

static int set_ifname(struct pg_conf *c, const char *s)
{
	if (strlen(s) > PG_IFNAME_MAX)
		return bad("-i: interface name too long");
	if (strcmp(s, "null") == 0) {
		c->dev = PG_DEV_NULL;
		strcpy(c->ifname, s);
		return 0;
	}
	if (strncmp(s, "pcap:", 5) == 0 || strncmp(s, "tap", 3) == 0)
		return bad("-i %s: the tap and pcap back-ends are not "
			   "supported by this pkt-gen", s);
	c->dev = PG_DEV_NETMAP;
	if (strncmp(s, "netmap:", 7) == 0 || strncmp(s, "vale", 4) == 0)
		strcpy(c->ifname, s);
	else
		snprintf(c->ifname, sizeof(c->ifname), "netmap:%s", s);
	return 0;
}

static int set_size(struct pg_conf *c, const char *s)
{
	unsigned int v;

	if (unum('l', s, PG_MIN_PKT, PG_MAX_PKT, &v))
		return -1;
	if (c->nsizes == 0)
		c->pkt_size = v;
	else
		c->pkt_min_size = v;
	c->nsizes++;
	return 0;
}

static int set_ring_cfg(struct pg_conf *c, const char *s)
{
	char buf[128], *tok, *save = NULL;
	int n = 0;

	if (strlen(s) >= sizeof(buf))
		return bad("-C: argument too long");
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == 4)
			return bad("-C: at most 4 values");
		if (unum('C', tok, 0, 65535, &c->ring_cfg[n]))
			return -1;
		n++;
	}
	if (n == 0)
		return bad("-C: missing values");
	c->ring_cfg_n = n;
	return 0;
}

static int set_mac(int opt, const char *s, uint8_t mac[6])
{
	if (pg_mac_parse(s, mac))
		return bad("-%c: bad MAC address '%s'", opt, s);
	return 0;
}

static int set_burst(struct pg_conf *c, const char *s)
{
	c->burst_set = true;
	return unum('b', s, 1, 1U << 20, &c->burst);
}

static int set_vh_len(struct pg_conf *c, const char *s)
{
	if (inum('H', s, 0, 12, &c->vh_len))
		return -1;
	if (c->vh_len != 0 && c->vh_len != 10 && c->vh_len != 12)
		return bad("-H: length must be 0, 10 or 12");
	return 0;
}

static void defaults(struct pg_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->func = PG_RX;
	c->pkt_size = 60;
	c->burst = 512;
	c->affinity = -1;
	c->cpus = 1;
	c->nthreads = 1;
	c->report_ms = 1000;
	c->wait_link = -1;
	c->forever = true;
	c->normalize = true;
	c->vh_len = -1;
	memset(c->addrs.dst_mac, 0xff, 6);
}

static int set_data_options(struct pg_conf *c, const char *s)
{
	unsigned int v;

	if (unum('o', s, 0, 0xffff, &v))
		return -1;
	c->options |= v;
	return 0;
}

/* Options that only take a number or set a flag. */
static int simple_opt(struct pg_conf *c, int ch, const char *a, int *fam)
{
	switch (ch) {
	case '4': *fam = AF_INET; return 0;
	case '6': *fam = AF_INET6; return 0;
	case 'a': return inum(ch, a, 0, 4095, &c->affinity);
	case 'c': return inum(ch, a, 0, 4096, &c->cpus);
	case 'p': return inum(ch, a, 1, PG_MAX_THREADS, &c->nthreads);
	case 'n': return num(ch, a, 0, UINT64_MAX, &c->npackets);
	case 'T': return unum(ch, a, 1, 3600000, &c->report_ms);
	case 'w': return inum(ch, a, 0, 3600, &c->wait_link);
	case 'R': return num(ch, a, 0, UINT64_MAX, &c->rate);
	case 'o': return set_data_options(c, a);
	case 'F': return unum(ch, a, 1, PG_MAX_FRAGS, &c->frags);
	case 'M': return unum(ch, a, 1, PG_MAX_PKT + PG_VH_MAX, &c->frag_size);
	case 'N': c->normalize = false; return 0;
	case 'W': c->forever = false; return 0;
	case 'v': c->verbose++; return 0;
	case 'X': c->options |= PG_OPT_DUMP; return 0;
	case 'r': c->options |= PG_OPT_RUBBISH; return 0;
	case 'z': c->options |= PG_OPT_RANDOM_SRC; return 0;
	case 'Z': c->options |= PG_OPT_RANDOM_DST; return 0;
	case 'A': c->options |= PG_OPT_PPS_STATS; return 0;
	case 'I': c->options |= PG_OPT_INDIRECT; return 0;
	case 'B': c->framing = PG_FRAMING_BITS; return 0;
	default: return 1;
	}
}

static int one_opt(struct pg_conf *c, int ch, const char *a, int *fam)
{
	int rc = simple_opt(c, ch, a, fam);

	if (rc <= 0)
		return rc;
	switch (ch) {
	case 'h': pg_usage(0); return 0;
	case 'i': return set_ifname(c, a);
	case 'f': return set_func(c, a);
	case 'l': return set_size(c, a);
	case 'b': return set_burst(c, a);
	case 's': c->src_arg = a; return 0;
	case 'd': c->dst_arg = a; return 0;
	case 'S': c->src_mac_set = true;
		return set_mac(ch, a, c->addrs.src_mac);
	case 'D': return set_mac(ch, a, c->addrs.dst_mac);
	case 'H': return set_vh_len(c, a);
	case 'P': c->pcap_file = a; return 0;
	case 'C': return set_ring_cfg(c, a);
	default: return -1;	/* getopt already complained */
	}
}

static int guess_family(const struct pg_conf *c)
{
	const char *s = c->src_arg ? c->src_arg : c->dst_arg;
	struct pg_range r;
	char err[8];

	if (!s || pg_range_parse(s, AF_UNSPEC, &r, err, sizeof(err)))
		return AF_INET;
	return r.family;
}

static int parse_ranges(struct pg_conf *c, int fam)
{
	const char *src = c->src_arg, *dst = c->dst_arg;
	char err[128];

	c->family = fam ? fam : guess_family(c);
	if (!src)
		src = c->family == AF_INET6 ? "fd00::1" : "10.0.0.1";
	if (!dst)
		dst = c->family == AF_INET6 ? "fd00:1::1" : "10.1.0.1";
	if (pg_range_parse(src, c->family, &c->addrs.src, err, sizeof(err)))
		return bad("-s: %s", err);
	if (pg_range_parse(dst, c->family, &c->addrs.dst, err, sizeof(err)))
		return bad("-d: %s", err);
	return 0;
}

static int check_sizes(struct pg_conf *c)
{
	if (c->nsizes > 2)
		return bad("-l given more than twice");
	if (c->nsizes == 0 && c->family == AF_INET6)
		c->pkt_size = 80;
	if (c->nsizes < 2)
		c->pkt_min_size = c->pkt_size;
	if (c->pkt_min_size > c->pkt_size)
		return bad("-l: minimum %u above packet size %u",
			   c->pkt_min_size, c->pkt_size);
	return 0;
}

static int check_combinations(struct pg_conf *c)
{
	bool txfunc = c->func == PG_TX || c->func == PG_TXSEQ;

	if (c->ifname[0] == '\0')
		return bad("missing interface (-i)");
	if (c->dev == PG_DEV_NULL && !txfunc)
		return bad("-i null only supports the tx and txseq functions");
	if (c->pcap_file && c->func != PG_TX)
		return bad("-P is only valid with -f tx");
	if ((c->options & PG_OPT_INDIRECT) && !txfunc)
		return bad("-I is only valid with -f tx or txseq");
	if ((c->options & PG_OPT_INDIRECT) && (c->frags > 1 || c->frag_size))
		return bad("-I cannot be combined with -F or -M");
	if (c->func == PG_TXSEQ && (c->options & PG_OPT_RUBBISH))
		return bad("-r cannot be used with txseq");
	if (!c->burst_set && (c->func == PG_PING || c->func == PG_PONG))
		c->burst = 1;
	return 0;
}

/* Returns 0, or -1 after printing an error. -h exits. */
int pg_options_parse(struct pg_conf *c, int argc, char **argv)
{
	int ch, fam = 0;

	defaults(c);
	opterr = 1;
	while ((ch = getopt(argc, argv, PG_OPTSTRING)) != -1) {
		if (ch == '?' || ch == ':')
			return -1;
		if (one_opt(c, ch, optarg, &fam))
			return -1;
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (parse_ranges(c, fam) || check_sizes(c))
		return -1;
	return check_combinations(c);
}
