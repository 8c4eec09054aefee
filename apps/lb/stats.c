/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: statistics.  Once a second the counters are compared with the
 * previous second's; every -o seconds the lines go to stdout, every -s
 * seconds to syslog: one JSON object per output pipe, then the aggregate
 * (output_ring null), with upstream's field names.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lb.h"

#define LB_LINE_MAX	1024
#define LB_NS		1000000000ull

static uint64_t lb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * LB_NS + (uint64_t)ts.tv_nsec;
}

static double lb_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

int lb_stats_init(struct lb_stats *st, const struct lb_conf *c,
		  unsigned int npipes)
{
	memset(st, 0, sizeof(*st));
	st->conf = c;
	st->last_ns = lb_now_ns();
	st->prev = calloc(npipes ? npipes : 1, sizeof(*st->prev));
	return st->prev ? 0 : -1;
}

void lb_stats_fini(struct lb_stats *st)
{
	free(st->prev);
	st->prev = NULL;
}

int lb_stats_due_ms(const struct lb_stats *st)
{
	uint64_t now = lb_now_ns(), next = st->last_ns + LB_NS;

	return now >= next ? 0 : (int)((next - now + 999999) / 1000000);
}

void lb_sum(const struct lb_state *s, struct lb_counters *tot)
{
	unsigned int j;

	memset(tot, 0, sizeof(*tot));
	for (j = 0; j < s->npipes; j++) {
		tot->pkts += s->pipes[j].ctr.pkts;
		tot->bytes += s->pipes[j].ctr.bytes;
		tot->drop += s->pipes[j].ctr.drop;
		tot->drop_bytes += s->pipes[j].ctr.drop_bytes;
	}
}

/* Per second, rounded, as upstream; 0 when no time has passed. */
static uint64_t lb_rate(uint64_t n, uint64_t usec)
{
	return usec ? (n * 1000000 + usec / 2) / usec : 0;
}

static double lb_mbps(uint64_t bytes, uint64_t usec)
{
	return (double)(lb_rate(bytes, usec) * 8) / 1024 / 1024;
}

static double lb_kpps(uint64_t pkts, uint64_t usec)
{
	return (double)lb_rate(pkts, usec) / 1000;
}

int lb_stats_pipe_line(char *buf, size_t size, double ts,
		       const struct lb_pipe *p, unsigned int ring,
		       const struct lb_counters *d, uint64_t usec)
{
	return snprintf(buf, size,
		"{\"ts\":%.6f,\"interface\":\"%s\",\"output_ring\":%u,"
		"\"packets_forwarded\":%" PRIu64 ",\"packets_dropped\":%" PRIu64
		",\"data_forward_rate_Mbps\":%.4f,\"data_drop_rate_Mbps\":%.4f,"
		"\"packet_forward_rate_kpps\":%.4f,"
		"\"packet_drop_rate_kpps\":%.4f,\"overflow_queue_size\":%"
		PRIu32 "}", ts, p->spec, ring, p->ctr.pkts, p->ctr.drop,
		lb_mbps(d->bytes, usec), lb_mbps(d->drop_bytes, usec),
		lb_kpps(d->pkts, usec), lb_kpps(d->drop, usec), p->oq.n);
}

int lb_stats_all_line(char *buf, size_t size, double ts, const char *ifname,
		      const struct lb_state *s, const struct lb_counters *tot,
		      const struct lb_counters *d, uint64_t usec)
{
	return snprintf(buf, size,
		"{\"ts\":%.6f,\"interface\":\"%s\",\"output_ring\":null,"
		"\"packets_received\":%" PRIu64 ",\"packets_forwarded\":%"
		PRIu64 ",\"packets_dropped\":%" PRIu64 ",\"non_ip_packets\":%"
		PRIu64 ",\"data_forward_rate_Mbps\":%.4f,"
		"\"data_drop_rate_Mbps\":%.4f,\"packet_forward_rate_kpps\":%.4f,"
		"\"packet_drop_rate_kpps\":%.4f,\"free_buffer_slots\":%" PRIu32
		"}", ts, ifname, s->received, tot->pkts, tot->drop, s->non_ip,
		lb_mbps(d->bytes, usec), lb_mbps(d->drop_bytes, usec),
		lb_kpps(d->pkts, usec), lb_kpps(d->drop, usec), s->freeq.n);
}

static void lb_delta(struct lb_counters *d, const struct lb_counters *now,
		     const struct lb_counters *then)
{
	d->pkts = now->pkts - then->pkts;
	d->bytes = now->bytes - then->bytes;
	d->drop = now->drop - then->drop;
	d->drop_bytes = now->drop_bytes - then->drop_bytes;
}

static void lb_emit(const char *line, bool out, bool sys)
{
	if (out)
		printf("%s\n", line);
	if (sys)
		syslog(LOG_INFO, "%s", line);
}

void lb_stats_tick(struct lb_stats *st, const struct lb_state *s)
{
	const struct lb_conf *c = st->conf;
	uint64_t now = lb_now_ns(), usec = (now - st->last_ns) / 1000;
	struct lb_counters tot, d;
	char line[LB_LINE_MAX];
	bool out, sys;
	double ts;
	unsigned int j;

	if (now - st->last_ns < LB_NS)
		return;
	st->ticks++;
	out = c->stdout_int && st->ticks % c->stdout_int == 0;
	sys = c->syslog_int && st->ticks % c->syslog_int == 0;
	ts = lb_wall();
	for (j = 0; j < s->npipes; j++) {
		lb_delta(&d, &s->pipes[j].ctr, &st->prev[j]);
		if (out || sys) {
			lb_stats_pipe_line(line, sizeof(line), ts, &s->pipes[j],
					   j, &d, usec);
			lb_emit(line, out, sys);
		}
		st->prev[j] = s->pipes[j].ctr;
	}
	lb_sum(s, &tot);
	lb_delta(&d, &tot, &st->prev_all);
	if (out || sys) {
		lb_stats_all_line(line, sizeof(line), ts, c->ifname, s, &tot,
				  &d, usec);
		lb_emit(line, out, sys);
		fflush(stdout);
	}
	st->prev_all = tot;
	st->last_ns = now;
}
