/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: open the two ports, wait for the link, run a producer and a
 * consumer per direction until SIGINT or SIGTERM, print the counters once
 * a second and the totals at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnetmap.h>

#include "tlem.h"

/* Set by the signal handler only; the threads read it via tl_dir.stop. */
static atomic_bool tl_stop;

static void tl_on_signal(int sig)
{
	(void)sig;
	atomic_store(&tl_stop, true);
}

void tl_log(const char *fmt, ...)
{
	va_list ap;

	fputs("tlem: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t tl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TL_NS + (uint64_t)ts.tv_nsec;
}

void tl_pin(int core, const char *who)
{
	cpu_set_t set;
	int err;

	if (core < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(core, &set);
	err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err)
		tl_log("%s: cannot run on core %d: %s", who, core,
		       strerror(err));
}

static int tl_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tl_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("tlem: sigaction");
		return -1;
	}
	return 0;
}

/* The port, with no TX sync in poll(): each ring has one thread. */
static struct nmport_d *tl_open(const char *name)
{
	struct nmport_d *p = nmport_prepare(name);

	if (p == NULL)
		return NULL;
	p->reg.nr_flags |= NR_NO_TX_POLL;
	if (nmport_open_desc(p) < 0) {
		nmport_undo_prepare(p);
		return NULL;
	}
	return p;
}

static void tl_wait_link(int secs)
{
	struct timespec left = { .tv_sec = secs };

	tl_log("Wait %d secs for link to come up...", secs);
	while (!atomic_load(&tl_stop) && (left.tv_sec > 0 || left.tv_nsec > 0))
		if (nanosleep(&left, &left) == 0)
			break;
}

static int tl_dirs_init(const struct tl_conf *c, struct tl_dir d[2],
			struct nmport_d *p[2])
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	int i;

	for (i = 0; i < 2; i++) {
		struct tl_dir *x = &d[i];
		uint64_t bytes;

		memset(x, 0, sizeof(*x));
		x->idx = i;
		x->in = p[i];
		x->out = p[!i];
		x->in_name = c->port[i];
		x->out_name = c->port[!i];
		x->stop = &tl_stop;
		x->burst = c->burst;
		x->cons_core = c->cores[2 * i];
		x->prod_core = c->cores[2 * i + 1];
		tl_sched_init(&x->s, &c->link[i], seed + 0x51ed27ull * (i + 1));
		bytes = tl_queue_bytes(&c->link[i], p[i]->nifp ?
				       NETMAP_RXRING(p[i]->nifp,
						     p[i]->first_rx_ring)->nr_buf_size :
				       2048);
		if (tl_queue_init(&x->q, bytes, c->hugepages) < 0) {
			tl_log("no memory for a queue of %llu bytes",
			       (unsigned long long)bytes);
			if (i)
				tl_queue_fini(&d[0].q);
			return -1;
		}
		if (c->verbose > 0)
			tl_log("%s -> %s: %llu bps, delay %llu..%llu ns, loss %g, queue %llu bytes, memory %llu bytes",
			       x->in_name, x->out_name,
			       (unsigned long long)c->link[i].bps,
			       (unsigned long long)c->link[i].dmin,
			       (unsigned long long)c->link[i].dmax,
			       c->link[i].loss,
			       (unsigned long long)c->link[i].qsize,
			       (unsigned long long)x->q.size);
	}
	return 0;
}

/* The four threads; on failure the ones started are stopped. */
static int tl_start(struct tl_dir d[2])
{
	sigset_t all, old;
	int i, n = 0, err = 0;
	pthread_t *tids[4] = { &d[0].cons_tid, &d[0].prod_tid,
			       &d[1].cons_tid, &d[1].prod_tid };
	void *(*fns[4])(void *) = { tl_cons_main, tl_prod_main,
				    tl_cons_main, tl_prod_main };

	/* Signals go to the main thread only. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (; n < 4 && !err; n++)
		err = pthread_create(tids[n], NULL, fns[n], &d[n / 2]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		return 0;
	n--;
	tl_log("cannot start a thread: %s", strerror(err));
	atomic_store(&tl_stop, true);
	for (i = 0; i < n; i++)
		pthread_join(*tids[i], NULL);
	return -1;
}

static void tl_run(const struct tl_conf *c, struct tl_dir d[2])
{
	struct tl_snap old[2], cur[2];
	const struct timespec sec = { .tv_sec = 1 };
	int i;

	tl_snap(&d[0], &old[0]);
	tl_snap(&d[1], &old[1]);
	while (!atomic_load(&tl_stop)) {
		nanosleep(&sec, NULL);
		if (atomic_load(&tl_stop))
			break;
		tl_snap(&d[0], &cur[0]);
		tl_snap(&d[1], &cur[1]);
		if (c->verbose >= 0)
			tl_stats_line(stderr, d, old, cur);
		old[0] = cur[0];
		old[1] = cur[1];
	}
	for (i = 0; i < 2; i++) {
		pthread_join(d[i].prod_tid, NULL);
		pthread_join(d[i].cons_tid, NULL);
	}
}

int main(int argc, char **argv)
{
	struct nmport_d *p[2] = { NULL, NULL };
	struct tl_dir d[2];
	struct tl_conf c;
	int i, ret = 1;

	switch (tl_parse_args(&c, argc, argv, stderr)) {
	case TL_PARSE_HELP:
		tl_usage(stdout);
		return 0;
	case TL_PARSE_ERROR:
		return 1;
	case TL_PARSE_OK:
		break;
	}
	if (tl_signals() < 0)
		return 1;
	for (i = 0; i < 2; i++) {
		p[i] = tl_open(c.port[i]);
		if (p[i] == NULL) {
			tl_log("cannot open %s", c.port[i]);
			goto close;
		}
	}
	if (tl_dirs_init(&c, d, p) < 0)
		goto close;
	tl_wait_link(c.wait_link);
	if (!atomic_load(&tl_stop)) {
		tl_log("running %s <-> %s", c.port[0], c.port[1]);
		if (tl_start(d) == 0) {
			tl_run(&c, d);
			tl_totals(stdout, d);
			ret = 0;
		}
	} else {
		ret = 0;
	}
	tl_queue_fini(&d[0].q);
	tl_queue_fini(&d[1].q);
close:
	for (i = 0; i < 2; i++)
		if (p[i] != NULL)
			nmport_close(p[i]);
	return ret;
}
