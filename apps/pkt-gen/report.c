/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: logging, unit normalisation, packet dumps, the periodic report
 * of the main thread and the final summary.  The wording of the reports
 * is that of upstream pkt-gen, which scripts parse.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "pkt-gen.h"

uint64_t pg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double pg_ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	       (double)(a->tv_nsec - b->tv_nsec) * 1e-9;
}

static void vlog(const char *func, int line, const char *fmt, va_list ap)
{
	struct timeval tv;
	char buf[1024];
	int n;

	gettimeofday(&tv, NULL);
	n = snprintf(buf, sizeof(buf), "%03d.%06d %s [%d] ",
		     (int)(tv.tv_sec % 1000), (int)tv.tv_usec, func, line);
	if (n >= 0 && (size_t)n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", buf);
}

/* Same layout as netmap_user.h's D(): "sss.uuuuuu func [line] msg". */
void pg_log(const char *func, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(func, line, fmt, ap);
	va_end(ap);
}

void pg_rlog(struct pg_ratelimit *rl, unsigned int lps, const char *func,
	     int line, const char *fmt, ...)
{
	struct timespec now;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != rl->sec) {
		rl->sec = now.tv_sec;
		rl->count = 0;
	}
	if (rl->count++ >= lps)
		return;
	va_start(ap, fmt);
	vlog(func, line, fmt, ap);
	va_end(ap);
}

/*
 * "1.234 M": value and unit prefix, the caller appends the unit; without
 * normalisation (-N) "1234000 " with an empty prefix.
 */
const char *pg_norm(char *buf, size_t len, double val, bool normalize)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	unsigned int i = 0;

	if (!normalize) {
		snprintf(buf, len, "%.0f %s", val, units[0]);
		return buf;
	}
	while (val >= 1000 && i < sizeof(units) / sizeof(units[0]) - 1) {
		val /= 1000;
		i++;
	}
	snprintf(buf, len, "%.3f %s", val, units[i]);
	return buf;
}

void pg_dump(const uint8_t *p, size_t len, int ring, unsigned int slot,
	     unsigned int buf_idx, unsigned int flags)
{
	char line[96];
	size_t i, j;
	int o;

	flockfile(stdout);
	printf("ring %d slot %u buf %u flags 0x%04x len %zu\n", ring, slot,
	       buf_idx, flags, len);
	for (i = 0; i < len; i += 16) {
		o = snprintf(line, sizeof(line), "  %04zx:", i);
		for (j = i; j < i + 16; j++)
			o += j < len ? sprintf(line + o, " %02x", p[j]) :
				       sprintf(line + o, "   ");
		line[o++] = ' ';
		line[o++] = ' ';
		for (j = i; j < i + 16 && j < len; j++)
			line[o++] = isprint(p[j]) ? (char)p[j] : '.';
		line[o] = '\0';
		puts(line);
	}
	funlockfile(stdout);
}

/* Counters summed over all threads. */
struct pg_totals {
	uint64_t pkts, bytes, events;
	uint32_t min_space;
};

static void sum_threads(struct pg_thread *th, int n, struct pg_totals *t)
{
	uint32_t ms;
	int i;

	memset(t, 0, sizeof(*t));
	t->min_space = UINT32_MAX;
	for (i = 0; i < n; i++) {
		t->pkts += atomic_load_explicit(&th[i].pkts,
						memory_order_relaxed);
		t->bytes += atomic_load_explicit(&th[i].bytes,
						 memory_order_relaxed);
		t->events += atomic_load_explicit(&th[i].events,
						  memory_order_relaxed);
		ms = atomic_exchange(&th[i].min_space, UINT32_MAX);
		if (ms < t->min_space)
			t->min_space = ms;
	}
	if (t->min_space == UINT32_MAX)
		t->min_space = 0;
}

/* Running mean/variance of the per-interval rate (-A). */
struct pg_ppsstat {
	uint64_t n;
	double mean, m2;
};

static void ppsstat_add(struct pg_ppsstat *s, double v)
{
	double d = v - s->mean;

	s->n++;
	s->mean += d / (double)s->n;
	s->m2 += d * (v - s->mean);
}

static double ppsstat_dev(const struct pg_ppsstat *s)
{
	return s->n > 1 ? sqrt(s->m2 / (double)(s->n - 1)) : 0;
}

struct pg_reporter {
	const struct pg_conf *conf;
	struct pg_totals prev;
	uint64_t prev_ns;
	struct pg_ppsstat stat;
};

static void report_interval(struct pg_reporter *r, struct pg_thread *th,
			    int n)
{
	bool nz = r->conf->normalize;
	char b1[40], b2[40], b3[40], b4[100] = "", s1[40], s2[40];
	struct pg_totals cur;
	uint64_t now = pg_now_ns(), usec, dp, db, de;
	double pps, bps;

	sum_threads(th, n, &cur);
	usec = (now - r->prev_ns) / 1000;
	if (usec == 0)
		usec = 1;
	dp = cur.pkts - r->prev.pkts;
	db = cur.bytes - r->prev.bytes;
	de = cur.events - r->prev.events;
	pps = (double)dp * 1e6 / (double)usec;
	bps = ((double)db * 8 + (double)dp * r->conf->framing) * 1e6 /
	      (double)usec;
	if (r->conf->options & PG_OPT_PPS_STATS) {
		if (dp || r->stat.n)
			ppsstat_add(&r->stat, pps);
		snprintf(b4, sizeof(b4), "[avg/std %s/%s pps] ",
			 pg_norm(s1, sizeof(s1), r->stat.mean, nz),
			 pg_norm(s2, sizeof(s2), ppsstat_dev(&r->stat), nz));
	}
	pg_log("main_thread", __LINE__,
	       "%spps %s(%spkts %sbps in %" PRIu64 " usec) %.2f avg_batch %u min_space",
	       pg_norm(b1, sizeof(b1), pps, nz), b4,
	       pg_norm(b2, sizeof(b2), (double)dp, nz),
	       pg_norm(b3, sizeof(b3), bps, nz), usec,
	       de ? (double)dp / (double)de : 0.0, (unsigned int)cur.min_space);
	r->prev = cur;
	r->prev_ns = now;
}

static bool all_done(struct pg_thread *th, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!atomic_load(&th[i].done))
			return false;
	return true;
}

static void on_signal(struct pg_run *run, struct pg_thread *th, int n,
		      int *nsig)
{
	int i;

	if ((*nsig)++ == 0) {
		PG_LOG("received control-C on thread %p",
		       (void *)pthread_self());
		for (i = 0; i < n; i++)
			atomic_store(&th[i].cancel, true);
	} else {
		atomic_store(&run->abort, true);
	}
}

/*
 * Print a report every report_ms until all the workers are done; SIGINT
 * and SIGTERM (blocked in every thread) stop the workers, a second one
 * also stops the final waits for transmission.
 */
int main_thread(struct pg_run *run, struct pg_thread *th, int n)
{
	struct pg_reporter r = { .conf = run->conf };
	uint64_t period = (uint64_t)run->conf->report_ms * 1000000ULL;
	uint64_t next, now, wait;
	struct timespec ts;
	sigset_t set;
	int nsig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	r.prev_ns = pg_now_ns();
	next = r.prev_ns + period;
	while (!all_done(th, n)) {
		now = pg_now_ns();
		wait = next > now ? next - now : 0;
		if (wait > 20000000)	/* notice finished workers soon */
			wait = 20000000;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)wait;
		if (sigtimedwait(&set, NULL, &ts) > 0)
			on_signal(run, th, n, &nsig);
		now = pg_now_ns();
		if (now >= next && !all_done(th, n)) {
			report_interval(&r, th, n);
			next = now - next > period ? now + period :
						     next + period;
		}
	}
	return 0;
}

/* Elapsed time of the run: first tic to last toc of started threads. */
static double run_seconds(const struct pg_thread *th, int n)
{
	const struct timespec *tic = NULL, *toc = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (!th[i].started)
			continue;
		if (!tic || pg_ts_diff(&th[i].tic, tic) < 0)
			tic = &th[i].tic;
		if (!toc || pg_ts_diff(&th[i].toc, toc) > 0)
			toc = &th[i].toc;
	}
	return tic ? pg_ts_diff(toc, tic) : 0;
}

static void traffic_output(const struct pg_conf *c,
			   const struct pg_totals *t, double delta,
			   const char *msg)
{
	char b1[40], b2[40], b3[40];
	double pps, bw, raw, abs;
	uint64_t size;

	if (t->pkts == 0) {
		printf("%s nothing.\n", msg);
		return;
	}
	size = t->bytes / t->pkts;
	printf("%s %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
	       " events %d bytes each in %.2f seconds.\n", msg, t->pkts,
	       t->bytes, t->events, (int)size, delta);
	if (delta <= 0)
		delta = 1e-6;
	if (size < 60)		/* the wire pads short frames */
		size = 60;
	pps = (double)t->pkts / delta;
	bw = 8.0 * (double)t->bytes / delta;
	raw = (double)t->pkts * (8.0 * (double)size + c->framing) / delta;
	abs = t->events ? (double)t->pkts / (double)t->events : 0;
	printf("Speed: %spps Bandwidth: %sbps (raw %sbps). Average batch: %.2f pkts\n",
	       pg_norm(b1, sizeof(b1), pps, c->normalize),
	       pg_norm(b2, sizeof(b2), bw, c->normalize),
	       pg_norm(b3, sizeof(b3), raw, c->normalize), abs);
}

static void seq_output(const struct pg_conf *c, struct pg_thread *th, int n)
{
	struct pg_seq_totals st;
	struct pg_seq *all = th[0].seq;
	uint64_t untagged = 0, verified = 0, bad = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0 && th[i].seq)
			pg_seq_merge(all, th[i].seq);
		untagged += th[i].untagged;
		verified += th[i].verified;
		bad += th[i].bad;
	}
	if (!all)
		return;
	pg_seq_totals(all, &st);
	if (st.received)
		printf("Lost %" PRIu64 " packets, %" PRIu64 " out of order\n",
		       st.lost, st.ooo);
	if (untagged)
		printf("%" PRIu64 " packets without a pkt-gen tag\n",
		       untagged);
	if (c->func == PG_RXSEQ)
		printf("Payload check: %" PRIu64 " verified, %" PRIu64
		       " bad\n", verified, bad);
}

static void ping_output(struct pg_thread *th, int n)
{
	struct pg_rtt r = { .min = UINT64_MAX };
	uint64_t sent = 0;
	int i;

	for (i = 0; i < n; i++) {
		sent += th[i].ping_sent;
		r.count += th[i].rtt.count;
		r.sum += th[i].rtt.sum;
		if (th[i].rtt.count && th[i].rtt.min < r.min)
			r.min = th[i].rtt.min;
		if (th[i].rtt.max > r.max)
			r.max = th[i].rtt.max;
	}
	printf("ping: %" PRIu64 " sent, %" PRIu64 " replies, %" PRIu64
	       " lost\n", sent, r.count, sent > r.count ? sent - r.count : 0);
	if (r.count)
		printf("Total: count %" PRIu64 " RTT: min %" PRIu64 " av %"
		       PRIu64 " ns max %" PRIu64 " ns\n", r.count, r.min,
		       r.sum / r.count, r.max);
}

/* Called after all workers were joined. */
void pg_final_report(const struct pg_run *run, struct pg_thread *th, int n)
{
	const struct pg_conf *c = run->conf;
	struct pg_totals t;
	double delta = run_seconds(th, n);

	sum_threads(th, n, &t);
	switch (c->func) {
	case PG_TX:
	case PG_TXSEQ:
		traffic_output(c, &t, delta, "Sent");
		break;
	case PG_RX:
	case PG_RXSEQ:
		traffic_output(c, &t, delta, "Received");
		seq_output(c, th, n);
		break;
	case PG_PING:
		traffic_output(c, &t, delta, "Sent");
		ping_output(th, n);
		break;
	case PG_PONG:
		traffic_output(c, &t, delta, "Received");
		break;
	}
	fflush(stdout);
}
