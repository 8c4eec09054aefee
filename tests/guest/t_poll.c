// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_poll: poll/select/epoll on pipe ends (ABI.md §5.8): prompt wake-up
 * when the peer sends or frees slots, the cur/tail rule, POLLERR on an
 * unbound fd, NR_NO_TX_POLL, and a close racing with a blocked poller.
 */
#define _GNU_SOURCE
#include "common.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <unistd.h>

#define WAKE_DELAY_MS	300	/* the event happens this long after the wait starts */
#define WAIT_MS		5000	/* the waiter's own timeout */
#define MAX_WAKE_MS	3000	/* woken this soon after the event, well before its timeout */

enum waiter_kind { W_POLL, W_SELECT, W_EPOLL };

struct waiter {
	enum waiter_kind kind;
	int fd;			/* /dev/netmap fd, or epoll fd for W_EPOLL */
	short events;		/* POLLIN or POLLOUT */
	int timeout_ms;
	volatile int started;
	int rc;
	unsigned int revents;
	uint64_t elapsed_ms;
	uint64_t end_ms;	/* when the wait returned */
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uint64_t t0;

	w->started = 1;
	t0 = nmt_now_ms();
	if (w->kind == W_POLL) {
		struct pollfd pfd = { .fd = w->fd, .events = w->events };

		w->rc = poll(&pfd, 1, w->timeout_ms);
		w->revents = (unsigned int)pfd.revents;
	} else if (w->kind == W_SELECT) {
		struct timeval tv = { w->timeout_ms / 1000,
				      (w->timeout_ms % 1000) * 1000 };
		fd_set set;

		FD_ZERO(&set);
		FD_SET(w->fd, &set);
		w->rc = w->events == POLLIN ?
			select(w->fd + 1, &set, NULL, NULL, &tv) :
			select(w->fd + 1, NULL, &set, NULL, &tv);
		w->revents = w->rc > 0 && FD_ISSET(w->fd, &set) ?
			     (unsigned int)w->events : 0;
	} else {
		struct epoll_event ev;

		w->rc = epoll_wait(w->fd, &ev, 1, w->timeout_ms);
		w->revents = w->rc > 0 ? ev.events : 0;
	}
	w->end_ms = nmt_now_ms();
	w->elapsed_ms = w->end_ms - t0;
	return NULL;
}

static void start_waiter(struct waiter *w, pthread_t *t)
{
	w->started = 0;
	if (pthread_create(t, NULL, wait_thread, w))
		bail("pthread_create");
	while (!w->started)
		sched_yield();
}

static int join_within(pthread_t t, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(t, NULL, &ts) == 0;
}

/*
 * The waiter returned with the expected event, not before the event was
 * caused at event_ms (so it really blocked) and promptly after it.
 */
static void expect_woken(struct waiter *w, pthread_t t, unsigned int ev,
			 uint64_t event_ms, const char *what)
{
	if (!ok(join_within(t, WAIT_MS + 5000), "%s: waiter returned", what))
		bail("%s: waiter thread stuck", what);
	is(w->rc, 1, "%s: one fd ready", what);
	ok(w->revents & ev, "%s: wanted event reported (revents 0x%x)", what,
	   w->revents);
	ok(!(w->revents & (POLLERR | POLLNVAL)), "%s: no error", what);
	ok(w->end_ms >= event_ms, "%s: blocked until the event (waited %llu ms)",
	   what, (unsigned long long)w->elapsed_ms);
	ok(w->end_ms <= event_ms + MAX_WAKE_MS,
	   "%s: woken promptly (%lld ms after the event)", what,
	   (long long)(w->end_ms - event_ms));
}

struct pair {
	struct nmt_port m, s;
	struct netmap_ring *mtx, *srx;
};

static int open_pair(struct pair *p, const char *base, uint64_t mflags)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .flags = mflags };
	char name[32];

	snprintf(name, sizeof(name), "%s{1", base);
	if (!is_err(nmt_port_open(&p->m, name, &rq), 0, "open %s", name))
		return 0;
	snprintf(name, sizeof(name), "%s}1", base);
	if (!is_err(nmt_port_open(&p->s, name, &NMT_REQ_ALL), 0, "open %s",
		    name)) {
		nmt_port_close(&p->m);
		return 0;
	}
	p->mtx = nmt_txring(&p->m, 0);
	p->srx = nmt_rxring(&p->s, 0);
	return 1;
}

static void close_pair(struct pair *p)
{
	nmt_port_close(&p->s);
	nmt_port_close(&p->m);
}

static void send_one(struct pair *p, uint64_t seq)
{
	nmt_put(p->mtx, 80, seq);
	nmt_txsync(p->m.fd);
}

static int poll_now(int fd, short ev)
{
	struct pollfd pfd = { .fd = fd, .events = ev };

	return poll(&pfd, 1, 0);
}

static void unbound_fd(void)
{
	struct pollfd pfd;
	int fd = nmt_open_dev();
	uint64_t t0 = nmt_now_ms();

	/* ABI.md §5.8 step 1 */
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	is(poll(&pfd, 1, 1000), 1, "poll on an unbound fd returns at once");
	ok(pfd.revents & POLLERR, "unbound fd: POLLERR (revents 0x%x)",
	   pfd.revents);
	ok(nmt_now_ms() - t0 < 900, "unbound fd: did not wait for the timeout");
	close(fd);
}

static void wake_on_rx(enum waiter_kind kind, const char *base,
		       const char *what)
{
	struct waiter w = { .kind = kind, .events = POLLIN,
			    .timeout_ms = WAIT_MS };
	struct epoll_event ev = { .events = EPOLLIN };
	struct pair p;
	pthread_t t;
	uint64_t ev_ms;
	int ep = -1;

	if (!open_pair(&p, base, 0))
		return;
	is(poll_now(p.s.fd, POLLIN), 0, "%s: empty RX ring not readable", what);
	w.fd = p.s.fd;
	if (kind == W_EPOLL) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		ev.data.fd = p.s.fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, p.s.fd, &ev))
			bail("epoll_ctl: %s", errname(errno));
		w.fd = ep;
	}
	start_waiter(&w, &t);
	nmt_sleep_ms(WAKE_DELAY_MS);
	ev_ms = nmt_now_ms();
	send_one(&p, 1);
	expect_woken(&w, t, POLLIN, ev_ms, what);
	is(nmt_dist(p.srx, p.srx->head, p.srx->tail), 1,
	   "%s: the packet is in the RX ring after the wake-up", what);

	if (kind == W_EPOLL) {
		struct epoll_event out;

		/* level triggered: ready while cur != tail, not after */
		is(epoll_wait(ep, &out, 1, 0), 1, "epoll: still ready");
		nmt_advance(p.srx, 1);
		is(epoll_wait(ep, &out, 1, 200), 0,
		   "epoll: not ready once cur reaches tail");
		close(ep);
	}
	close_pair(&p);
}

static void pollout_on_full_ring(void)
{
	struct waiter w = { .kind = W_POLL, .events = POLLOUT,
			    .timeout_ms = WAIT_MS };
	struct pair p;
	pthread_t t;
	uint64_t ev_ms;
	uint32_t i, n;

	if (!open_pair(&p, "pof", 0))
		return;
	n = p.mtx->num_slots;
	is(poll_now(p.m.fd, POLLOUT), 1, "fresh TX ring writable");
	for (i = 0; i < n - 1; i++)
		nmt_put(p.mtx, 60, i);
	is(poll_now(p.m.fd, POLLOUT), 0,
	   "full TX ring (cur == tail): not writable, packets pushed");
	is(nmt_rx_wait(p.s.fd, p.srx, n - 1, 1000), n - 1,
	   "poll pushed the whole ring to the peer");

	w.fd = p.m.fd;
	start_waiter(&w, &t);
	nmt_sleep_ms(WAKE_DELAY_MS);
	ev_ms = nmt_now_ms();
	nmt_advance(p.srx, n - 1);
	nmt_rxsync(p.s.fd);		/* frees the sender's slots */
	expect_woken(&w, t, POLLOUT, ev_ms,
		     "POLLOUT after the peer frees slots");
	is(nmt_dist(p.mtx, p.mtx->head, p.mtx->tail), n - 1,
	   "the whole TX ring is free again");
	close_pair(&p);
}

static void cur_tail_rule(void)
{
	struct waiter w = { .kind = W_POLL, .events = POLLIN,
			    .timeout_ms = WAIT_MS };
	struct pair p;
	pthread_t t;
	uint64_t ev_ms;
	int i;

	if (!open_pair(&p, "pct", 0))
		return;
	for (i = 0; i < 3; i++)
		send_one(&p, 10 + i);
	is(poll_now(p.s.fd, POLLIN), 1, "3 packets waiting: readable");
	is(p.srx->tail, 3, "RX tail 3");

	/* ABI.md §5.8 step 5: cur moved up to tail, head kept: blocks */
	p.srx->cur = p.srx->tail;
	is(poll_now(p.s.fd, POLLIN), 0, "cur = tail (head kept): not readable");
	is(p.srx->head, 0, "head kept by the kernel");
	w.fd = p.s.fd;
	start_waiter(&w, &t);
	nmt_sleep_ms(WAKE_DELAY_MS);
	ev_ms = nmt_now_ms();
	send_one(&p, 13);
	expect_woken(&w, t, POLLIN, ev_ms, "cur = tail, then one more packet");
	is(p.srx->tail, 4, "RX tail moved to 4");
	is(p.srx->head, 0, "the 3 unreleased packets are still held");

	/* consume everything: blocks again until the next packet */
	p.srx->head = p.srx->cur = p.srx->tail;
	is(poll_now(p.s.fd, POLLIN), 0, "all consumed: not readable");
	start_waiter(&w, &t);
	nmt_sleep_ms(WAKE_DELAY_MS);
	ev_ms = nmt_now_ms();
	send_one(&p, 14);
	expect_woken(&w, t, POLLIN, ev_ms,
		     "traffic already flowing, next packet");
	close_pair(&p);
}

static void no_tx_poll(void)
{
	struct pair p;

	/* ABI.md §7.2: NR_NO_TX_POLL: poll pushes TX rings only when POLLOUT asked */
	if (!open_pair(&p, "pnt", NR_NO_TX_POLL))
		return;
	nmt_put(p.mtx, 80, 1);
	is(poll_now(p.m.fd, POLLIN), 0, "NR_NO_TX_POLL: poll(POLLIN) -> 0");
	is(nmt_rx_wait(p.s.fd, p.srx, 1, 50), 0,
	   "NR_NO_TX_POLL: poll(POLLIN) did not push the TX ring");
	is(poll_now(p.m.fd, POLLOUT), 1, "NR_NO_TX_POLL: poll(POLLOUT) -> 1");
	is(nmt_rx_wait(p.s.fd, p.srx, 1, 1000), 1,
	   "NR_NO_TX_POLL: poll(POLLOUT) pushed it");
	close_pair(&p);

	/* ABI.md §5.8 step 3: without the flag every poll pushes */
	if (!open_pair(&p, "ptp", 0))
		return;
	nmt_put(p.mtx, 80, 2);
	is(poll_now(p.m.fd, POLLIN), 0, "default: poll(POLLIN) -> 0");
	is(nmt_rx_wait(p.s.fd, p.srx, 1, 1000), 1,
	   "default: poll(POLLIN) pushed the TX ring");
	close_pair(&p);
}

static void close_while_polling(void)
{
	struct waiter w = { .kind = W_POLL, .events = POLLIN,
			    .timeout_ms = 2000 };
	struct pair p;
	pthread_t t;
	int joined;

	if (!open_pair(&p, "pcl", 0))
		return;
	/* the fd goes away under a blocked poller: no hang, no oops */
	w.fd = p.s.fd;
	start_waiter(&w, &t);
	nmt_sleep_ms(200);
	close(p.s.fd);
	p.s.fd = -1;
	joined = join_within(t, 10000);
	ok(joined, "poller returned after its fd was closed (rc %d, revents "
	   "0x%x, %llu ms)", w.rc, w.revents,
	   (unsigned long long)w.elapsed_ms);
	if (!joined)
		bail("poller thread stuck");
	munmap(p.s.mem, p.s.memsize);
	p.s.mem = NULL;
	nmt_port_close(&p.m);

	/* the peer goes away under a blocked poller */
	if (!open_pair(&p, "pcm", 0))
		return;
	w.fd = p.m.fd;
	start_waiter(&w, &t);
	nmt_sleep_ms(200);
	nmt_port_close(&p.s);
	joined = join_within(t, 10000);
	ok(joined, "poller on the master returned after the slave closed "
	   "(rc %d, revents 0x%x, %llu ms)", w.rc, w.revents,
	   (unsigned long long)w.elapsed_ms);
	if (!joined)
		bail("poller thread stuck");
	nmt_port_close(&p.m);

	if (open_pair(&p, "pcl", 0)) {
		send_one(&p, 5);
		is(nmt_rx_wait(p.s.fd, p.srx, 1, 1000), 1,
		   "the pipe works again after the reopen");
		close_pair(&p);
	}
}

int main(void)
{
	tap_start(120);
	unbound_fd();
	wake_on_rx(W_POLL, "pwp", "poll wakes on a packet");
	wake_on_rx(W_SELECT, "pws", "select wakes on a packet");
	wake_on_rx(W_EPOLL, "pwe", "epoll wakes on a packet");
	pollout_on_full_ring();
	cur_tail_rule();
	no_tx_poll();
	close_while_polling();
	return tap_end();
}
