/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: setup (port, template, fragments, CPUs), thread startup and
 * teardown.  Signals are blocked in every thread; the main thread takes
 * them with sigtimedwait() while it prints the periodic reports.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pkt-gen.h"

void pg_publish(struct pg_thread *th, const struct pg_ctrs *c)
{
	atomic_store_explicit(&th->pkts, c->pkts, memory_order_relaxed);
	atomic_store_explicit(&th->bytes, c->bytes, memory_order_relaxed);
	atomic_store_explicit(&th->events, c->events, memory_order_relaxed);
}

void pg_note_space(struct pg_thread *th, uint32_t space)
{
	if (space < atomic_load_explicit(&th->min_space, memory_order_relaxed))
		atomic_store_explicit(&th->min_space, space,
				      memory_order_relaxed);
}

bool pg_stopping(const struct pg_thread *th)
{
	return atomic_load_explicit(&th->cancel, memory_order_relaxed);
}

/* Take up to want units of the -n budget; everything if there is none. */
uint64_t pg_quota_take(struct pg_run *run, uint64_t want)
{
	uint_fast64_t cur, take;

	if (!run->limited)
		return want;
	cur = atomic_load(&run->quota);
	do {
		take = cur < want ? cur : want;
		if (take == 0)
			return 0;
	} while (!atomic_compare_exchange_weak(&run->quota, &cur,
					       cur - take));
	return take;
}

void pg_quota_return(struct pg_run *run, uint64_t n)
{
	if (run->limited && n)
		atomic_fetch_add(&run->quota, n);
}

static bool is_tx(const struct pg_conf *c)
{
	return c->func == PG_TX || c->func == PG_TXSEQ || c->func == PG_PING;
}

static int setup_cpus(struct pg_conf *c)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	c->system_cpus = n > 0 ? (int)n : 1;
	if (c->cpus == 0)
		c->cpus = c->system_cpus;
	if (c->cpus > c->system_cpus) {
		PG_LOG("%d cpus is too high, have only %d cpus", c->cpus,
		       c->system_cpus);
		return -1;
	}
	if (c->affinity >= c->system_cpus) {
		PG_LOG("invalid affinity %d, have only %d cpus", c->affinity,
		       c->system_cpus);
		return -1;
	}
	return 0;
}

/* Bytes per slot and slots per packet (-F, -M, buffer size). */
static int setup_frags(struct pg_conf *c, const struct pg_tmpl *t)
{
	size_t frame = t->vh_len + t->max_size, m;
	unsigned int need;

	if (c->frag_size)
		m = c->frag_size;
	else if (c->frags > 1)
		m = (frame + c->frags - 1) / c->frags;
	else
		m = c->buf_size ? c->buf_size : frame;
	if (m > UINT16_MAX)	/* slot->len is 16 bits */
		m = UINT16_MAX;
	if (c->buf_size && m > c->buf_size) {
		PG_LOG("fragment size %zu larger than the buffer size %u", m,
		       c->buf_size);
		return -1;
	}
	need = (unsigned int)((frame + m - 1) / m);
	if (need > PG_MAX_FRAGS) {
		PG_LOG("frames of %zu bytes need %u slots of %zu bytes, more "
		       "than %d", frame, need, m, PG_MAX_FRAGS);
		return -1;
	}
	if (c->frags && c->frag_size && need != c->frags) {
		PG_LOG("-F %u with -M %u does not fit frames of %zu bytes "
		       "(%u slots needed)", c->frags, c->frag_size, frame,
		       need);
		return -1;
	}
	if (need > 1 && (c->options & PG_OPT_INDIRECT)) {
		PG_LOG("-I needs frames that fit one buffer (%u bytes)",
		       c->buf_size);
		return -1;
	}
	c->frag_len = (unsigned int)m;
	if (need > 1)
		PG_LOG("frames of up to %zu bytes sent in up to %u slots of "
		       "%zu bytes", frame, need, m);
	return 0;
}

static int check_tag_room(const struct pg_conf *c, const struct pg_tmpl *t)
{
	unsigned int min = pg_tmpl_tag_min(t);

	if ((c->func == PG_PING || c->func == PG_TXSEQ) &&
	    c->pkt_min_size < min) {
		PG_LOG("%s needs packets of at least %u bytes",
		       c->func == PG_PING ? "ping" : "txseq", min);
		return -1;
	}
	if (t->raw && !c->pcap_file)
		PG_LOG("packets of %u bytes are too short for the IP and UDP "
		       "headers: sending truncated frames", c->pkt_min_size);
	else if (c->func == PG_TX && !t->raw && c->pkt_min_size < min &&
		 !(c->options & PG_OPT_RUBBISH))
		PG_LOG("packets shorter than %u bytes carry no sequence tag",
		       min);
	return 0;
}

static int setup_tmpl(struct pg_conf *c, struct pg_tmpl *t)
{
	uint8_t *pkt = NULL;
	size_t len = 0;
	int rc;

	if (!c->src_mac_set && pg_ifmac(c->ifname, c->addrs.src_mac) < 0)
		memset(c->addrs.src_mac, 0, 6);
	if (c->pcap_file) {
		if (pg_load_pcap(c->pcap_file, &pkt, &len) < 0)
			return -1;
		rc = pg_tmpl_init_raw(t, pkt, len, (unsigned int)c->vh_len);
		c->pkt_size = c->pkt_min_size = (unsigned int)len;
		free(pkt);
	} else {
		rc = pg_tmpl_init(t, &c->addrs, (unsigned int)c->vh_len,
				  c->pkt_min_size, c->pkt_size);
	}
	if (rc < 0) {
		PG_LOG("out of memory");
		return -1;
	}
	if (check_tag_room(c, t) < 0 ||
	    (is_tx(c) && setup_frags(c, t) < 0)) {
		pg_tmpl_free(t);
		return -1;
	}
	return 0;
}

static void banner(const struct pg_conf *c)
{
	char s[128], d[128], sm[20], dm[20];

	PG_LOG("%s %s: %d queues, %d threads and %d cpus.",
	       is_tx(c) ? "Sending on" : "Receiving from", c->ifname,
	       c->queues, c->nthreads, c->cpus);
	if (!is_tx(c) || c->pcap_file)
		return;
	pg_range_format(&c->addrs.src, s, sizeof(s));
	pg_range_format(&c->addrs.dst, d, sizeof(d));
	pg_mac_format(c->addrs.src_mac, sm, sizeof(sm));
	pg_mac_format(c->addrs.dst_mac, dm, sizeof(dm));
	PG_LOG("%s -> %s (%s -> %s)", s, d, sm, dm);
	if (c->rate)
		PG_LOG("rate limited to %llu pps", (unsigned long long)c->rate);
}

/* Sleep -w seconds; false if a signal asked to stop meanwhile. */
static bool wait_link(const struct pg_conf *c, const sigset_t *set)
{
	int secs = c->wait_link;
	struct timespec ts = { .tv_sec = 0 };

	if (secs < 0)
		secs = (c->dev == PG_DEV_NULL ||
			strncmp(c->ifname, "vale", 4) == 0) ? 0 : 2;
	if (secs == 0)
		return true;
	PG_LOG("Wait %d secs for phy reset", secs);
	ts.tv_sec = secs;
	while (sigtimedwait(set, NULL, &ts) < 0) {
		if (errno != EINTR)
			return true;
	}
	return false;
}

static void pin_cpu(struct pg_thread *th)
{
	cpu_set_t set;

	if (th->cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(th->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		PG_LOG("unable to pin thread %d to cpu %d", th->id, th->cpu);
}

static void *thread_main(void *arg)
{
	struct pg_thread *th = arg;
	static void *(*const body[])(void *) = {
		[PG_TX] = pg_tx_body, [PG_TXSEQ] = pg_tx_body,
		[PG_RX] = pg_rx_body, [PG_RXSEQ] = pg_rx_body,
		[PG_PING] = pg_ping_body, [PG_PONG] = pg_pong_body,
	};

	pin_cpu(th);
	return body[th->run->conf->func](th);
}

static void thread_init(struct pg_thread *th, struct pg_run *run, int i)
{
	const struct pg_conf *c = run->conf;

	th->id = i;
	th->run = run;
	th->cpu = c->affinity >= 0 ? (c->affinity + i) % c->cpus : -1;
	th->rng = (uint64_t)time(NULL) ^
		  (0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
	atomic_init(&th->cancel, false);
	atomic_init(&th->done, false);
	atomic_init(&th->pkts, 0);
	atomic_init(&th->bytes, 0);
	atomic_init(&th->events, 0);
	atomic_init(&th->min_space, UINT32_MAX);
}

static void stop_threads(struct pg_thread *th, int n)
{
	int i;

	for (i = 0; i < n; i++)
		atomic_store(&th[i].cancel, true);
	for (i = 0; i < n; i++)
		pthread_join(th[i].tid, NULL);
}

static int start_threads(struct pg_run *run, struct pg_thread *th)
{
	int i, n = run->conf->nthreads;

	for (i = 0; i < n; i++) {
		thread_init(&th[i], run, i);
		if (pg_port_open_thread(&th[i], i) < 0)
			break;
		if (pthread_create(&th[i].tid, NULL, thread_main, &th[i])) {
			PG_LOG("unable to create thread %d", i);
			pg_port_close_thread(&th[i]);
			break;
		}
	}
	if (i == n)
		return 0;
	stop_threads(th, i);
	while (i-- > 0)
		pg_port_close_thread(&th[i]);
	return -1;
}

static int run_threads(struct pg_run *run)
{
	int i, n = run->conf->nthreads, rc = 0;
	struct pg_thread *th = calloc((size_t)n, sizeof(*th));

	if (!th || start_threads(run, th) < 0) {
		free(th);
		return -1;
	}
	main_thread(run, th, n);
	for (i = 0; i < n; i++) {
		pthread_join(th[i].tid, NULL);
		if (th[i].status < 0)
			rc = -1;
	}
	pg_final_report(run, th, n);
	for (i = 0; i < n; i++) {
		pg_port_close_thread(&th[i]);
		free(th[i].seq);
	}
	free(th);
	return rc;
}

static int setup(struct pg_conf *c, struct pg_run *run, struct pg_tmpl *t)
{
	if (setup_cpus(c) < 0)
		return -1;
	if (c->dev == PG_DEV_NETMAP) {
		if (pg_port_open(c, run) < 0)
			return -1;
	} else {
		c->vh_len = c->vh_len < 0 ? 0 : c->vh_len;
		c->queues = c->nthreads;
	}
	if (setup_tmpl(c, t) < 0) {
		if (run->port)
			pg_port_close(run);
		return -1;
	}
	run->tmpl = t;
	run->limited = c->npackets != 0;
	atomic_init(&run->quota, c->npackets);
	atomic_init(&run->abort, false);
	return 0;
}

int main(int argc, char **argv)
{
	struct pg_conf conf;
	struct pg_run run = { .conf = &conf };
	struct pg_tmpl tmpl;
	sigset_t set;
	int rc;

	if (pg_options_parse(&conf, argc, argv) < 0) {
		fprintf(stderr, "Run 'pkt-gen -h' for usage.\n");
		return 1;
	}
	if (setup(&conf, &run, &tmpl) < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	banner(&conf);
	rc = 0;
	if (wait_link(&conf, &set)) {
		PG_LOG("Ready...");
		rc = run_threads(&run) < 0 ? 1 : 0;
	}
	pg_tmpl_free(&tmpl);
	if (run.port)
		pg_port_close(&run);
	return rc;
}
