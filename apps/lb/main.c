/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: open the input (with the extra buffers asked for) and the output
 * pipes on its region, wait for the link, forward until SIGINT or SIGTERM,
 * print the totals, give the extra buffers back and close everything.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <libnetmap.h>

#include "lb.h"

static volatile sig_atomic_t lb_stop;

static void lb_on_signal(int sig)
{
	(void)sig;
	lb_stop = 1;
}

static int lb_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lb_on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() and the link wait return at once */
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		lb_log("sigaction: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void lb_wait_link(unsigned int secs)
{
	struct timespec left = { .tv_sec = secs };

	lb_log("waiting %u s for the link", secs);
	while (!lb_stop && (left.tv_sec > 0 || left.tv_nsec > 0))
		if (nanosleep(&left, &left) == 0)
			break;
}

static int lb_open_input(struct lb_state *s, const struct lb_conf *c)
{
	s->in = nmport_prepare(c->ifname);
	if (s->in == NULL) {
		lb_log("cannot parse %s: %s", c->ifname, strerror(errno));
		return -1;
	}
	s->in->reg.nr_extra_bufs = c->extra_bufs;
	if (nmport_open_desc(s->in) < 0) {
		lb_log("cannot open %s: %s", c->ifname, strerror(errno));
		nmport_undo_prepare(s->in);
		s->in = NULL;
		return -1;
	}
	if (s->in->first_rx_ring > s->in->last_rx_ring) {
		lb_log("%s has no RX ring", c->ifname);
		return -1;
	}
	s->inref = NETMAP_RXRING(s->in->nifp, s->in->first_rx_ring);
	return 0;
}

/* The extra buffers (list at ni_bufs_head) become the free pool. */
static int lb_take_extra(struct lb_state *s)
{
	uint32_t want = s->in->reg.nr_extra_bufs, idx;
	struct netmap_if *nifp = s->in->nifp;

	if (lb_queue_init(&s->freeq, want) < 0)
		return -1;
	for (idx = nifp->ni_bufs_head; idx != 0 && s->freeq.n < want;
	     idx = *(uint32_t *)(void *)NETMAP_BUF(s->inref, idx))
		lb_queue_push(&s->freeq, (struct lb_buf){ idx, 0, 0 });
	if (s->freeq.n != want) {
		lb_log("the kernel reported %" PRIu32 " extra buffers, the "
		       "list holds %" PRIu32, want, s->freeq.n);
		return -1;
	}
	nifp->ni_bufs_head = 0;
	return 0;
}

static void lb_give_back(struct lb_state *s, struct lb_queue *q)
{
	struct netmap_if *nifp = s->in->nifp;
	struct lb_buf b;

	while (lb_queue_pop(q, &b)) {
		*(uint32_t *)(void *)NETMAP_BUF(s->inref, b.idx) =
			nifp->ni_bufs_head;
		nifp->ni_bufs_head = b.idx;
	}
}

static int lb_open_pipe(struct lb_state *s, struct lb_pipe *p,
			const struct lb_group_conf *g, unsigned int k)
{
	if (lb_pipe_spec(p->spec, sizeof(p->spec), g->name, g->first_id + k,
			 s->in->reg.nr_mem_id) < 0) {
		lb_log("pipe name too long: %s", g->name);
		return -1;
	}
	p->d = nmport_open(p->spec);
	if (p->d == NULL) {
		lb_log("cannot open pipe %s: %s", p->spec, strerror(errno));
		return -1;
	}
	p->ring = NETMAP_TXRING(p->d->nifp, p->d->first_tx_ring);
	p->zcopy = p->d->mem == s->in->mem;
	if (lb_queue_init(&p->oq, s->freeq.size) < 0) {
		lb_log("out of memory");
		return -1;
	}
	lb_log("opened pipe %s, zerocopy %s", p->spec,
	       p->zcopy ? "enabled" : "disabled");
	return 0;
}

static int lb_open_pipes(struct lb_state *s, struct lb_conf *c)
{
	unsigned int i, k, t = 0;

	lb_name_groups(c, c->ifname);
	s->pipes = calloc(c->npipes, sizeof(*s->pipes));
	if (s->pipes == NULL) {
		lb_log("out of memory");
		return -1;
	}
	for (i = 0; i < c->ngroups; i++) {
		s->groups[i].pipes = &s->pipes[t];
		s->groups[i].n = c->groups[i].npipes;
		s->ngroups++;
		for (k = 0; k < c->groups[i].npipes; k++, t++) {
			s->npipes++;
			if (lb_open_pipe(s, &s->pipes[t], &c->groups[i], k) < 0)
				return -1;
		}
	}
	return 0;
}

static void lb_close(struct lb_state *s)
{
	unsigned int i;

	for (i = 0; i < s->npipes; i++) {
		if (s->in != NULL)
			lb_give_back(s, &s->pipes[i].oq);
		lb_queue_fini(&s->pipes[i].oq);
		nmport_close(s->pipes[i].d);
	}
	free(s->pipes);
	if (s->in != NULL)
		lb_give_back(s, &s->freeq);
	lb_queue_fini(&s->freeq);
	nmport_close(s->in);
}

static uint32_t lb_queued(const struct lb_state *s)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < s->npipes; i++)
		n += s->pipes[i].oq.n;
	return n;
}

static int lb_main(struct lb_state *s, struct lb_conf *c)
{
	int ret;

	if (lb_open_input(s, c) < 0 || lb_take_extra(s) < 0)
		return -1;
	lb_log("opened %s, %" PRIu32 " extra buffers", c->ifname,
	       s->freeq.size);
	if (c->extra_bufs != 0 && s->freeq.size == 0)
		lb_log("no extra buffers: overflow queues disabled");
	if (lb_open_pipes(s, c) < 0)
		return -1;
	lb_wait_link(c->wait_link);
	ret = lb_run(s, c, &lb_stop);
	printf("%" PRIu64 " packets forwarded.  %" PRIu64 " packets dropped. "
	       "Total %" PRIu64 "\n", s->forwarded, s->dropped,
	       s->forwarded + s->dropped);
	fflush(stdout);
	if (lb_queued(s) != 0)
		lb_log("%" PRIu32 " slots still queued at exit", lb_queued(s));
	return ret;
}

int main(int argc, char **argv)
{
	struct lb_state s;
	struct lb_conf c;
	int ret;

	switch (lb_parse_args(&c, argc, argv)) {
	case LB_PARSE_HELP:
		lb_usage(stdout);
		return 0;
	case LB_PARSE_ERROR:
		return 1;
	case LB_PARSE_OK:
		break;
	}
	if (lb_signals() < 0)
		return 1;
	nmctx_get()->verbose = 0;	/* our own one-line messages */
	if (c.syslog_int) {
		setlogmask(LOG_UPTO(LOG_INFO));
		openlog("lb", LOG_CONS | LOG_PID | LOG_NDELAY, LOG_LOCAL1);
	}
	memset(&s, 0, sizeof(s));
	ret = lb_main(&s, &c);
	lb_close(&s);
	if (c.syslog_int)
		closelog();
	return ret == 0 ? 0 : 1;
}
