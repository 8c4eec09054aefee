/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Built twice and linked statically, like the applications in the guest:
 * t_static uses the default header (the thread-safe context must be pulled
 * in by the header and installed by its constructor), t_static_nots
 * defines LIBNETMAP_NOTHREADSAFE (no lock, pthreads object not linked).
 */
#include <pthread.h>
#include <time.h>

#include "nmtest.h"

#ifndef LIBNETMAP_NOTHREADSAFE
static volatile int got_lock;

static void *locker(void *arg)
{
	nmctx_lock(arg);
	got_lock = 1;
	nmctx_unlock(arg);
	return NULL;
}

static void *worker(void *arg)
{
	int i, *fails = arg;

	for (i = 0; i < 500; i++) {
		struct nmport_d *d = nmport_prepare("vale0:t@conf:slots=64");

		if (d == NULL || d->reg.nr_tx_slots != 64)
			(*fails)++;
		nmport_close(d);
	}
	return NULL;
}

static void test_threadsafe(void)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	struct nmctx *ctx = nmctx_get();
	pthread_t t[2];
	int fails[2] = { 0, 0 };

	ok(ctx->lock != NULL, "the constructor installed a locked default context");
	ok(nmctx_threadsafe == 1, "nmctx_threadsafe set");
	ok(ctx->verbose == 1 && ctx->error != NULL && ctx->malloc != NULL &&
	   ctx->free != NULL, "the rest of the default context was copied");

	nmctx_lock(ctx);
	if (pthread_create(&t[0], NULL, locker, ctx) != 0) {
		nmctx_unlock(ctx);
		ok(0, "pthread_create");
		return;
	}
	nanosleep(&ms10, NULL);
	ok(!got_lock, "another thread blocks on nmctx_lock");
	nmctx_unlock(ctx);
	pthread_join(t[0], NULL);
	ok(got_lock, "... and gets the lock after nmctx_unlock");

	nmctx_set_threadsafe();
	ok(nmctx_get() == ctx && ctx->lock != NULL,
	   "calling nmctx_set_threadsafe again keeps the same context");

	pthread_create(&t[0], NULL, worker, &fails[0]);
	pthread_create(&t[1], NULL, worker, &fails[1]);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	ok(fails[0] == 0 && fails[1] == 0, "prepare/close from two threads");
}
#endif

int main(void)
{
	struct nmport_d *d;

#ifdef LIBNETMAP_NOTHREADSAFE
	ok(nmctx_get()->lock == NULL,
	   "LIBNETMAP_NOTHREADSAFE: default context without lock");
#else
	test_threadsafe();
#endif
	cap_install();
	d = nmport_prepare("netmap:eth0-1/T@conf:rings=2");
	ok(d != NULL && d->reg.nr_mode == NR_REG_ONE_NIC &&
	   d->reg.nr_tx_rings == 2, "static binary parses a port spec");
	nmport_close(d);
	d = nmport_prepare("netmap:eth0@nope");
	ok(d == NULL && errno == EINVAL && cap_has("unknown option"),
	   "static binary reports errors (%s)", cap.last);
	return tap_done();
}
