/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests of nmreplay: files the test writes itself read through
 * libpcap (pcap with us and ns timestamps, pcapng, truncated, empty, not a
 * pcap), the number and model parsers, the bandwidth/delay/loss arithmetic
 * and the schedule, nr_tx_fill() over a ring in ordinary memory, the
 * command line.  TAP output.
 *
 *   test_nmreplay                 run the tests
 *   test_nmreplay write KIND FILE write a test file (run.sh uses them):
 *                                 us, ns, ng (pcapng), trunc, hdr (no
 *                                 frames), junk
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/netmap_user.h>

#include "nmreplay.h"

#define T_SLOTS		8
#define T_BUFSZ		256

#include "unit_test.h"

#define T_FRAMES	5

/* Frame i of the test files: 60 + 10 i bytes, byte j = i * 31 + j. */
static unsigned int t_len(unsigned int i) { return 60 + 10 * i; }
static unsigned char t_byte(unsigned int i, unsigned int j)
{
	return (unsigned char)(i * 31 + j);
}

/* Timestamp of frame i, ns: 1000 s + 1.5 ms * i + 123 us (+ 456 ns). */
static uint64_t t_ts(unsigned int i, int nano)
{
	return 1000 * NR_NS + 1500000ULL * i + 123000 + (nano ? 456 : 0);
}

static void t_put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }
static void t_put16(FILE *f, uint16_t v) { fwrite(&v, 2, 1, f); }

static void t_frame_bytes(FILE *f, unsigned int i, unsigned int n)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		fputc(t_byte(i, j), f);
}

/* pcap: magic, 2.4, zone, sigfigs, snaplen, Ethernet; records. */
static void t_write_pcap(FILE *f, int nano, unsigned int frames,
			 long cut_last)
{
	unsigned int i;

	t_put32(f, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	t_put16(f, 2);
	t_put16(f, 4);
	t_put32(f, 0);
	t_put32(f, 0);
	t_put32(f, 65535);
	t_put32(f, 1);
	for (i = 0; i < frames; i++) {
		uint64_t ts = t_ts(i, nano);
		unsigned int len = t_len(i);

		t_put32(f, (uint32_t)(ts / NR_NS));
		t_put32(f, (uint32_t)(nano ? ts % NR_NS : ts % NR_NS / 1000));
		t_put32(f, len);
		t_put32(f, len);
		if (i + 1 == frames && cut_last >= 0)
			len = (unsigned int)cut_last;
		t_frame_bytes(f, i, len);
	}
}

static void t_put_block(FILE *f, uint32_t type, const void *body,
			uint32_t blen)
{
	static const unsigned char zero[4];
	uint32_t pad = (4 - blen % 4) % 4, total = 12 + blen + pad;

	t_put32(f, type);
	t_put32(f, total);
	fwrite(body, 1, blen, f);
	fwrite(zero, 1, pad, f);
	t_put32(f, total);
}

/* pcapng: SHB, an IDB with if_tsresol 9 (ns), EPBs. */
static void t_write_pcapng(FILE *f)
{
	unsigned char b[512];
	uint32_t w[8];
	unsigned int i, j;

	w[0] = 0x1a2b3c4d;
	w[1] = 1;			/* major 1, minor 0 */
	w[2] = w[3] = 0xffffffff;	/* section length unknown */
	t_put_block(f, 0x0a0d0d0a, w, 16);
	memset(b, 0, sizeof(b));
	b[0] = 1;			/* linktype Ethernet */
	memcpy(b + 4, &(uint32_t){ 65535 }, 4);
	b[8] = 9;			/* option if_tsresol, length 1 */
	b[10] = 1;
	b[12] = 9;			/* 10^-9 */
	/* end of options at 16 (already 0) */
	t_put_block(f, 1, b, 20);
	for (i = 0; i < T_FRAMES; i++) {
		uint64_t ts = t_ts(i, 1);
		uint32_t len = t_len(i);

		memset(b, 0, sizeof(b));
		memcpy(b + 4, &(uint32_t){ (uint32_t)(ts >> 32) }, 4);
		memcpy(b + 8, &(uint32_t){ (uint32_t)ts }, 4);
		memcpy(b + 12, &len, 4);
		memcpy(b + 16, &len, 4);
		for (j = 0; j < len; j++)
			b[20 + j] = t_byte(i, j);
		t_put_block(f, 6, b, 20 + len);
	}
}

static int t_write(const char *kind, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	if (strcmp(kind, "us") == 0)
		t_write_pcap(f, 0, T_FRAMES, -1);
	else if (strcmp(kind, "ns") == 0)
		t_write_pcap(f, 1, T_FRAMES, -1);
	else if (strcmp(kind, "ng") == 0)
		t_write_pcapng(f);
	else if (strcmp(kind, "trunc") == 0)
		t_write_pcap(f, 0, T_FRAMES, 7);
	else if (strcmp(kind, "hdr") == 0)
		t_write_pcap(f, 0, 0, -1);
	else if (strcmp(kind, "junk") == 0)
		fputs("this is not a capture file, only some text in it\n", f);
	else if (strcmp(kind, "empty") != 0) {
		fclose(f);
		fprintf(stderr, "unknown kind %s\n", kind);
		return 1;
	}
	return fclose(f) == 0 ? 0 : 1;
}

static char t_dir[] = "/tmp/nmreplay-unit.XXXXXX";

static const char *t_file(const char *kind)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", t_dir, kind);
	if (t_write(kind, path) != 0)
		exit(1);
	return path;
}

static int t_payloads_ok(const struct nr_trace *t)
{
	unsigned int i, j;

	for (i = 0; i < t->n; i++) {
		const unsigned char *d = t->data + t->f[i].off;

		if (t->f[i].len != t_len(i) || t->f[i].caplen != t_len(i))
			return 0;
		for (j = 0; j < t_len(i); j++)
			if (d[j] != t_byte(i, j))
				return 0;
	}
	return 1;
}

static void test_load_kind(const char *kind, int nano, const char *what)
{
	struct nr_trace t;
	FILE *err = tmpfile();
	char msg[200];
	int ok;

	ok = nr_trace_load(&t, t_file(kind), err) == 0;
	snprintf(msg, sizeof(msg), "%s: %d frames loaded", what, T_FRAMES);
	t_ok(ok && t.n == T_FRAMES, msg);
	if (!ok) {
		fclose(err);
		return;
	}
	snprintf(msg, sizeof(msg), "%s: lengths and bytes as written", what);
	t_ok(t_payloads_ok(&t), msg);
	snprintf(msg, sizeof(msg), "%s: timestamps to the %s", what,
		 nano ? "nanosecond" : "microsecond");
	t_ok(t.f[0].ts == t_ts(0, nano) && t.f[4].ts == t_ts(4, nano) &&
	     t.f[4].ts - t.f[3].ts == 1500000, msg);
	snprintf(msg, sizeof(msg), "%s: Ethernet, %u bytes in all", what,
		 60 + 70 + 80 + 90 + 100);
	t_ok(t.linktype == 1 && t.bytes == 400, msg);
	nr_trace_free(&t);
	fclose(err);
}

/* Loading kind fails with a line on err that contains want. */
static void test_load_fails(const char *kind, const char *want,
			    const char *what)
{
	struct nr_trace t;
	char line[512] = "";
	FILE *err = tmpfile();
	int rc = nr_trace_load(&t, t_file(kind), err);

	rewind(err);
	if (fgets(line, sizeof(line), err) == NULL)
		line[0] = '\0';
	t_ok(rc == -1 && strstr(line, want) != NULL && t.f == NULL &&
	     t.data == NULL, what);
	if (strstr(line, want) == NULL)
		printf("# got: %s", line);
	fclose(err);
}

static void test_load(void)
{
	test_load_kind("us", 0, "pcap, us");
	test_load_kind("ns", 1, "pcap, ns");
	test_load_kind("ng", 1, "pcapng, ns");
	test_load_fails("trunc", "bad record after 4 frames: truncated",
			"truncated record: error after 4 frames, nothing kept");
	test_load_fails("empty", "cannot read", "empty file: cannot read");
	test_load_fails("hdr", "no frames to replay",
			"header only: no frames to replay");
	test_load_fails("junk", "cannot read", "not a pcap: cannot read");
}

static void test_numbers(void)
{
	double b = 0;
	uint64_t ns = 0;

	t_ok(nr_number_bps("10M", &b) == 0 && b == 1e7, "bps 10M = 10^7");
	t_ok(nr_number_bps("1.5k", &b) == 0 && b == 1500, "bps 1.5k = 1500");
	t_ok(nr_number_bps("2g", &b) == 0 && b == 2e9, "bps 2g = 2*10^9");
	t_ok(nr_number_bps("64000", &b) == 0 && b == 64000, "bps without a unit");
	t_ok(nr_number_bps("10Mbps", &b) < 0 && nr_number_bps("0", &b) < 0 &&
	     nr_number_bps("-1M", &b) < 0 && nr_number_bps("", &b) < 0 &&
	     nr_number_bps("1001G", &b) < 0 && nr_number_bps("x", &b) < 0 &&
	     nr_number_bps("nan", &b) < 0,
	     "bps: trailing text, 0, negative, empty, > 1000G, NaN refused");
	t_ok(nr_number_time("20m", &ns) == 0 && ns == 20000000, "time 20m = 20 ms");
	t_ok(nr_number_time("5u", &ns) == 0 && ns == 5000, "time 5u = 5 us");
	t_ok(nr_number_time("100n", &ns) == 0 && ns == 100, "time 100n = 100 ns");
	t_ok(nr_number_time("1.5", &ns) == 0 && ns == 1500000000,
	     "time without a unit: seconds");
	t_ok(nr_number_time("2s", &ns) == 0 && ns == 2 * NR_NS, "time 2s");
	t_ok(nr_number_time("3601", &ns) < 0 && nr_number_time("-1m", &ns) < 0 &&
	     nr_number_time("1ms", &ns) < 0 && nr_number_time("1h", &ns) < 0,
	     "time: over an hour, negative, two-letter or unknown unit refused");
}

static void test_models(void)
{
	struct nr_model m;

	memset(&m, 0, sizeof(m));
	t_ok(nr_parse_bw("8M", &m) == 0 && m.bw == NR_BW_CONST && m.bps == 8e6,
	     "-B 8M: constant 8 Mbit/s");
	t_ok(nr_parse_bw("constant,1G", &m) == 0 && m.bw == NR_BW_CONST &&
	     m.bps == 1e9, "-B constant,1G");
	t_ok(nr_parse_bw("ether,100M", &m) == 0 && m.bw == NR_BW_ETHER &&
	     m.bps == 1e8, "-B ether,100M");
	t_ok(nr_parse_bw("real", &m) == 0 && m.bw == NR_BW_REAL &&
	     m.speedup == 1, "-B real: speedup 1");
	t_ok(nr_parse_bw("real,2.5", &m) == 0 && m.bw == NR_BW_REAL &&
	     m.speedup == 2.5, "-B real,2.5");
	t_ok(nr_parse_bw("real,0", &m) < 0 && nr_parse_bw("real,1001", &m) < 0 &&
	     nr_parse_bw("ether", &m) < 0 && nr_parse_bw("ether,1M,2", &m) < 0 &&
	     nr_parse_bw("fast,1M", &m) < 0 && nr_parse_bw("", &m) < 0,
	     "-B: bad speedups, missing or extra fields, unknown names refused");
	t_ok(nr_parse_delay("10m", &m) == 0 && m.delay == NR_DELAY_CONST &&
	     m.dmin == 10000000, "-D 10m: constant 10 ms");
	t_ok(nr_parse_delay("constant,5u", &m) == 0 && m.dmin == 5000,
	     "-D constant,5u");
	t_ok(nr_parse_delay("uniform,1m,3m", &m) == 0 &&
	     m.delay == NR_DELAY_UNIFORM && m.dmin == 1000000 &&
	     m.dmax == 3000000, "-D uniform,1m,3m");
	t_ok(nr_parse_delay("exp,1m,4m", &m) == 0 && m.delay == NR_DELAY_EXP &&
	     m.dmin == 1000000 && m.davg == 4000000, "-D exp,dmin,davg");
	t_ok(nr_parse_delay("uniform,3m,1m", &m) < 0 &&
	     nr_parse_delay("exp,4m,1m", &m) < 0 &&
	     nr_parse_delay("uniform,1m", &m) < 0 &&
	     nr_parse_delay("normal,1m,2m", &m) < 0,
	     "-D: dmin above dmax/davg, missing field, unknown name refused");
	t_ok(nr_parse_loss("0.01", &m) == 0 && m.loss == NR_LOSS_PLR &&
	     m.rate == 0.01, "-L 0.01: packet loss rate");
	t_ok(nr_parse_loss("plr,0.5", &m) == 0 && m.loss == NR_LOSS_PLR,
	     "-L plr,0.5");
	t_ok(nr_parse_loss("ber,1e-6", &m) == 0 && m.loss == NR_LOSS_BER &&
	     m.rate == 1e-6, "-L ber,1e-6");
	t_ok(nr_parse_loss("0", &m) == 0 && m.loss == NR_LOSS_NONE, "-L 0: none");
	t_ok(nr_parse_loss("1.5", &m) < 0 && nr_parse_loss("plr,-0.1", &m) < 0 &&
	     nr_parse_loss("burst,0.1", &m) < 0 && nr_parse_loss("ber", &m) < 0,
	     "-L: above 1, negative, unknown name, no value refused");
	t_ok(nr_parse_mode("fixed", &m) == 0 && m.bw == NR_BW_CONST &&
	     m.bps == 1e9, "-m fixed: 1 Gbit/s");
	t_ok(nr_parse_mode("fixed,10M", &m) == 0 && m.bps == 1e7 &&
	     nr_parse_mode("fast", &m) == 0 && m.bw == NR_BW_FAST &&
	     nr_parse_mode("real", &m) == 0 && m.bw == NR_BW_REAL &&
	     nr_parse_mode("real,2", &m) < 0, "-m fixed,bps / fast / real");
}

static void test_arith(void)
{
	struct nr_model m;
	struct nr_rng r;
	double p, sum = 0, mn = 1e30;
	int i, inside = 1;

	memset(&m, 0, sizeof(m));
	m.bw = NR_BW_CONST;
	m.bps = 8e6;
	t_ok(nr_tx_time(&m, 1000) == 1000000, "1000 bytes at 8 Mbit/s: 1 ms");
	m.bw = NR_BW_ETHER;
	t_ok(nr_tx_time(&m, 1000) == 1024000, "ether: 1000 + 24 bytes: 1.024 ms");
	m.bw = NR_BW_REAL;
	t_ok(nr_tx_time(&m, 1000) == 0, "real: no link time");
	m.loss = NR_LOSS_BER;
	m.rate = 1e-4;
	p = nr_loss_prob(&m, 100);
	t_ok(fabs(p - (1 - pow(1 - 1e-4, 800))) < 1e-12,
	     "ber 1e-4, 100 bytes: 1 - (1 - 1e-4)^800");
	m.loss = NR_LOSS_PLR;
	m.rate = 0.25;
	t_ok(nr_loss_prob(&m, 100) == 0.25 && nr_loss_prob(&m, 1500) == 0.25,
	     "plr: the same for every length");
	m.delay = NR_DELAY_UNIFORM;
	m.dmin = 1000;
	m.dmax = 3000;
	nr_rng_init(&r, 7);
	for (i = 0; i < 100000; i++) {
		uint64_t d = nr_delay(&m, &r);

		inside &= d >= 1000 && d < 3000;
		sum += (double)d;
	}
	t_ok(inside && fabs(sum / 100000 - 2000) < 20,
	     "uniform 1000..3000 ns: all inside, mean 2000 within 1%");
	m.delay = NR_DELAY_EXP;
	m.dmin = 1000;
	m.davg = 5000;
	sum = 0;
	for (i = 0; i < 200000; i++) {
		double d = (double)nr_delay(&m, &r);

		sum += d;
		if (d < mn)
			mn = d;
	}
	t_ok(mn >= 1000 && mn < 1100 && fabs(sum / 200000 - 5000) < 75,
	     "exp dmin 1000 davg 5000: none below dmin, mean within 1.5%");
}

/* n frames of 1000 bytes, timestamps ts[i] us. */
static void t_trace(struct nr_trace *t, size_t n, const uint64_t *ts_us)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->f = calloc(n, sizeof(*t->f));
	t->n = n;
	for (i = 0; i < n; i++) {
		t->f[i].len = t->f[i].caplen = 1000;
		t->f[i].ts = 5 * NR_NS + (ts_us ? ts_us[i] * 1000 : 0);
	}
}

static void test_schedule(void)
{
	static const uint64_t ts[4] = { 0, 1000, 3000, 3000 };
	struct nr_sched_stats s;
	struct nr_model m;
	struct nr_trace t;
	struct nr_rng r;
	size_t i;
	int mono = 1;

	memset(&m, 0, sizeof(m));
	nr_rng_init(&r, 1);
	t_trace(&t, 4, ts);
	nr_schedule(&m, &t, &r, &s);
	t_ok(t.f[0].at == 0 && t.f[3].at == 0 && s.dropped == 0,
	     "no -B: every frame due at once");
	m.bw = NR_BW_CONST;
	m.bps = 8e6;
	nr_schedule(&m, &t, &r, &s);
	t_ok(t.f[0].at == 1000000 && t.f[1].at == 2000000 &&
	     t.f[3].at == 4000000, "-B 8M, 1000-byte frames: due every 1 ms");
	m.bw = NR_BW_REAL;
	m.speedup = 1;
	nr_schedule(&m, &t, &r, &s);
	t_ok(t.f[0].at == 0 && t.f[1].at == 1000000 && t.f[2].at == 3000000 &&
	     t.f[3].at == 3000000, "-B real: the file's gaps");
	m.speedup = 2;
	nr_schedule(&m, &t, &r, &s);
	t_ok(t.f[1].at == 500000 && t.f[2].at == 1500000,
	     "-B real,2: half the gaps");
	m.speedup = 0.5;
	m.delay = NR_DELAY_CONST;
	m.dmin = 10000000;
	nr_schedule(&m, &t, &r, &s);
	t_ok(t.f[0].at == 10000000 && t.f[2].at == 16000000,
	     "-B real,0.5 -D 10m: doubled gaps, 10 ms later");
	free(t.f);

	t_trace(&t, 10000, NULL);
	m.bw = NR_BW_CONST;
	m.bps = 8e9;			/* 1 us a frame */
	m.delay = NR_DELAY_UNIFORM;
	m.dmin = 0;
	m.dmax = 50000;
	nr_schedule(&m, &t, &r, &s);
	for (i = 1; i < t.n; i++)
		mono &= t.f[i].at >= t.f[i - 1].at;
	t_ok(mono && t.f[9999].at >= 10000000,
	     "uniform delay 0..50 us over 1 us frames: never reordered");
	m.delay = NR_DELAY_NONE;
	m.loss = NR_LOSS_PLR;
	m.rate = 0.1;
	nr_schedule(&m, &t, &r, &s);
	t_ok(s.dropped > 900 && s.dropped < 1100,
	     "plr 0.1 over 10000 frames: 900..1100 lost");
	t_ok(t.f[9999].at == (10000 - s.dropped) * 1000,
	     "lost frames take no link time");
	free(t.f);
}

static void test_tx(void)
{
	static const uint64_t ts[6] = { 0, 0, 0, 100, 200, 300 };
	struct t_region g;
	struct nr_model m;
	struct nr_trace t;
	struct nr_sched_stats s;
	struct nr_rng r;
	struct nr_tx tx;
	unsigned char *data;
	size_t i;
	int same = 1;

	t_region_init(&g);
	t_trace(&t, 6, ts);
	data = calloc(6, 200);
	for (i = 0; i < 6; i++) {
		t.f[i].len = t.f[i].caplen = 100 + (uint32_t)i;
		t.f[i].off = i * 200;
		memset(data + i * 200, (int)i + 1, 200);
	}
	t.f[4].len = T_BUFSZ + 1;	/* does not fit a buffer */
	t.f[2].drop = true;
	t.data = data;
	memset(&m, 0, sizeof(m));
	m.bw = NR_BW_REAL;
	m.speedup = 1;
	nr_rng_init(&r, 1);
	nr_schedule(&m, &t, &r, &s);
	t.f[2].drop = true;		/* as if -L had lost it */
	memset(&tx, 0, sizeof(tx));
	tx.ring = g.tx;
	tx.trace = &t;
	tx.batch = 1;
	t_ok(nr_tx_fill(&tx, 0) == 1 && g.tx->head == 1,
	     "batch 1: one frame per call");
	tx.batch = 64;
	t_ok(nr_tx_fill(&tx, 99999) == 1 && g.tx->head == 2,
	     "the lost frame is skipped, the one due at 100 us waits");
	t_ok(nr_tx_next_due(&tx) == 100000, "next due: 100 us");
	t_ok(nr_tx_fill(&tx, 1000000) == 2 && tx.oversize == 1 &&
	     nr_tx_next_due(&tx) == UINT64_MAX,
	     "at 1 ms: the rest, the frame longer than a buffer skipped");
	for (i = 0; i < 4; i++) {
		static const unsigned int idx[4] = { 0, 1, 3, 5 };
		const struct netmap_slot *sl = &g.tx->slot[i];
		const unsigned char *b = (unsigned char *)NETMAP_BUF(g.tx, sl->buf_idx);
		unsigned int j;

		same &= sl->len == 100 + idx[i];
		for (j = 0; j < sl->len; j++)
			same &= b[j] == idx[i] + 1;
	}
	t_ok(same && tx.sent == 4 && tx.bytes == 100 + 101 + 103 + 105,
	     "slots hold frames 0, 1, 3, 5 byte for byte, in order");

	/* a full ring: 7 free slots, 10 frames due */
	free(t.f);
	t_trace(&t, 10, NULL);
	for (i = 0; i < 10; i++)
		t.f[i].len = 60;
	t.data = data;
	g.tx->head = g.tx->cur = 0;
	g.tx->tail = T_SLOTS - 1;
	memset(&tx, 0, sizeof(tx));
	tx.ring = g.tx;
	tx.trace = &t;
	tx.batch = 64;
	t_ok(nr_tx_fill(&tx, 0) == T_SLOTS - 1 && nm_ring_space(g.tx) == 0 &&
	     nr_tx_next_due(&tx) == 0, "full ring: stops, the rest still due");
	free(t.f);
	free(data);
	free(g.base);
}

static int t_parse(const char *line, struct nr_conf *c, char *err,
		   size_t errlen)
{
	char buf[512], *argv[32], *p;
	int argc = 0, rc;
	FILE *f = tmpfile();

	snprintf(buf, sizeof(buf), "nmreplay %s", line);
	for (p = strtok(buf, " "); p != NULL && argc < 31; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	rc = nr_parse_args(c, argc, argv, f);
	rewind(f);
	err[0] = '\0';
	if (fgets(err, (int)errlen, f) == NULL)
		err[0] = '\0';
	fclose(f);
	return rc;
}

static void test_args(void)
{
	struct nr_conf c;
	char e[256];

	t_ok(t_parse("-f a.pcap -i netmap:p{1", &c, e, sizeof(e)) == NR_PARSE_OK &&
	     strcmp(c.file, "a.pcap") == 0 && strcmp(c.port, "netmap:p{1") == 0 &&
	     c.batch == NR_BATCH_DEFAULT && c.wait_link == NR_WAIT_DEFAULT &&
	     c.model.bw == NR_BW_FAST && c.model.delay == NR_DELAY_NONE &&
	     c.model.loss == NR_LOSS_NONE && c.ncpus == 0,
	     "-f -i: defaults: batch 1024, wait 2, fast, no delay, no loss");
	t_ok(t_parse("-i a.pcap -i vale0:x", &c, e, sizeof(e)) == NR_PARSE_OK &&
	     strcmp(c.file, "a.pcap") == 0 && strcmp(c.port, "vale0:x") == 0,
	     "two -i (upstream's code): the file, then the port");
	t_ok(t_parse("-f a -i p -B real,2 -D uniform,1m,2m -L ber,1e-5 -b 64 -w 0 -C 1,3 -Q 50k -c -v",
		     &c, e, sizeof(e)) == NR_PARSE_OK &&
	     c.model.bw == NR_BW_REAL && c.model.speedup == 2 &&
	     c.model.delay == NR_DELAY_UNIFORM && c.model.loss == NR_LOSS_BER &&
	     c.batch == 64 && c.wait_link == 0 && c.ncpus == 2 &&
	     c.cpus[1] == 3 && c.qsize == 51200 && c.verbose == 1,
	     "every option together");
	t_ok(t_parse("-f a -i p -h", &c, e, sizeof(e)) == NR_PARSE_HELP,
	     "-h: help");
	t_ok(t_parse("-f a -i p -C 1,2,3", &c, e, sizeof(e)) == NR_PARSE_ERROR &&
	     strcmp(e, "nmreplay: -C accepts 1, 2 or 4 comma separated arguments\n") == 0,
	     "-C with 3 values: upstream's message");
	t_ok(t_parse("-f a -i p -i q", &c, e, sizeof(e)) == NR_PARSE_ERROR &&
	     strncmp(e, "nmreplay: -i too many times", 27) == 0,
	     "-f and two -i: too many");
	t_ok(t_parse("-i p -i q -i r", &c, e, sizeof(e)) == NR_PARSE_ERROR &&
	     strcmp(e, "nmreplay: -i too many times\n") == 0, "three -i");
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "write") == 0)
		return t_write(argv[2], argv[3]);
	if (mkdtemp(t_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_load();
	test_numbers();
	test_models();
	test_arith();
	test_schedule();
	test_tx();
	test_args();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", t_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", t_dir);
	}
	return t_done();
}
