/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thread-safe default context.  libnetmap.h makes every program reference
 * nmctx_threadsafe (unless LIBNETMAP_NOTHREADSAFE), which links this object
 * in; its constructor then protects the default context with a mutex.
 */
#include <pthread.h>

#include "nmlib.h"

int nmctx_threadsafe;

static struct nmctx nmctx_ts;
static pthread_mutex_t nmctx_ts_mutex = PTHREAD_MUTEX_INITIALIZER;

static void nmctx_ts_lock(struct nmctx *ctx, int lock)
{
	(void)ctx;
	if (lock)
		pthread_mutex_lock(&nmctx_ts_mutex);
	else
		pthread_mutex_unlock(&nmctx_ts_mutex);
}

__attribute__((__constructor__)) void nmctx_set_threadsafe(void)
{
	struct nmctx *old = nmctx_get();

	if (old != &nmctx_ts)
		nmctx_ts = *old;
	nmctx_ts.lock = nmctx_ts_lock;
	nmctx_set_default(&nmctx_ts);
	nmctx_threadsafe = 1;
}
