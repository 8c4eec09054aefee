/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contexts: the default context, error callback and verbosity, message
 * length limit, custom allocation and lock callbacks; nmport_clone().
 */
#include <stdlib.h>

#include "nmtest.h"

static struct {
	int mallocs, frees, live, fail_after;
	int locks, unlocks, depth, bad_nesting;
} acct;

static void *count_malloc(struct nmctx *ctx, size_t sz)
{
	(void)ctx;
	if (acct.fail_after >= 0 && acct.mallocs >= acct.fail_after)
		return NULL;
	acct.mallocs++;
	acct.live++;
	return malloc(sz);
}

static void count_free(struct nmctx *ctx, void *p)
{
	(void)ctx;
	if (p != NULL) {
		acct.frees++;
		acct.live--;
	}
	free(p);
}

static void count_lock(struct nmctx *ctx, int lock)
{
	(void)ctx;
	if (lock) {
		acct.locks++;
		if (acct.depth++ != 0)
			acct.bad_nesting = 1;
	} else {
		acct.unlocks++;
		if (--acct.depth != 0)
			acct.bad_nesting = 1;
	}
}

static void test_default(void)
{
	struct nmctx *def = nmctx_get();
	struct nmctx other;

	ok(def != NULL && def->verbose == 1 && def->error != NULL &&
	   def->malloc != NULL && def->free != NULL,
	   "default context: verbose 1, callbacks set");
	ok(def->lock != NULL, "thread-safe default context has a lock");
	ok(def->mem_descs == NULL, "no region mapped yet");
	other = *def;
	ok(nmctx_set_default(&other) == def, "set_default returns the old one");
	ok(nmctx_get() == &other, "get returns the new default");
	ok(nmctx_set_default(def) == &other && nmctx_get() == def,
	   "the old default is restored");
}

static void test_errors(void)
{
	char fmt[16], big[1200];
	struct nmport_d *d;

	cap_reset();
	d = nmport_prepare("bad");
	ok(d == NULL && cap.count == 1, "one error message for 'bad'");
	ok(strncmp(cap.last, "invalid port name: 'bad'", 24) == 0,
	   "message text (%s)", cap.last);

	cap_ctx.verbose = 0;
	cap_reset();
	errno = 0;
	d = nmport_prepare("bad");
	ok(d == NULL && errno == EINVAL && cap.count == 0,
	   "verbose = 0 silences the messages, errno still EINVAL");
	nmctx_ferror(&cap_ctx, "direct");
	ok(cap.count == 0, "verbose = 0 silences nmctx_ferror");
	cap_ctx.verbose = 1;

	memset(big, 'm', sizeof(big));
	big[1000] = '\0';
	snprintf(fmt, sizeof(fmt), "%%s");
	cap_reset();
	nmctx_ferror(&cap_ctx, fmt, big);
	ok(cap.count == 1 && strlen(cap.last) == 1000,
	   "a 1000-character message is passed as is");
	big[1000] = 'm';
	big[1001] = '\0';
	cap_reset();
	nmctx_ferror(&cap_ctx, fmt, big);
	is_str(cap.last, "error message too long",
	       "a 1001-character message is replaced");
	errno = ERANGE;
	nmctx_ferror(&cap_ctx, "x %d", 1);
	ok(errno == ERANGE && strcmp(cap.last, "x 1") == 0,
	   "nmctx_ferror formats and preserves errno");
	cap_reset();
	nmctx_ferror(NULL, "to the default %s", "context");
	is_str(cap.last, "to the default context",
	       "nmctx_ferror(NULL, ...) uses the default context");
}

static const char *const specs[] = {
	"netmap:eth0", "netmap:eth0-1/T@conf:rings=2", "vale0:p@offset=64",
	"netmap:eth0@offset:initial=8@offset=16@conf:slots=4",
	"bad", "netmap:eth0@bogus", "netmap:eth0@offset=8@bogus",
	"netmap:eth0@offset=8@conf:nokey=1", "netmap:eth0-x",
};

static void test_alloc(void)
{
	struct nmctx mine = {
		.verbose = 1, .error = cap_ctx.error, .malloc = count_malloc,
		.free = count_free, .lock = count_lock,
	};
	struct nmctx *old;
	struct nmport_d *d, *c;
	void *p;
	size_t i;
	int n;

	nmport_enable_option("offset");
	old = nmctx_set_default(&mine);
	memset(&acct, 0, sizeof(acct));
	acct.fail_after = -1;
	d = nmport_new();
	ok(d != NULL && d->ctx == &mine && acct.mallocs == 1,
	   "nmport_new allocates with the default context's malloc");
	nmport_delete(d);
	ok(acct.frees == 1 && acct.live == 0, "nmport_delete uses its free");

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		memset(&acct, 0, sizeof(acct));
		acct.fail_after = -1;
		d = nmport_prepare(specs[i]);
		nmport_close(d);
		ok(acct.mallocs > 0 && acct.live == 0,
		   "'%s': %d allocations, all released through the context",
		   specs[i], acct.mallocs);
	}

	/* every allocation failure is reported as ENOMEM and undone */
	for (n = 0; n < 4; n++) {
		memset(&acct, 0, sizeof(acct));
		acct.fail_after = n;
		cap_reset();
		errno = 0;
		d = nmport_prepare("netmap:eth0@offset=8@offset=16@conf:rings=1");
		ok(d == NULL && errno == ENOMEM && acct.live == 0 &&
		   cap.count == 1,
		   "allocation %d fails: ENOMEM, nothing leaked (%s)", n + 1,
		   cap.last);
	}
	memset(&acct, 0, sizeof(acct));
	acct.fail_after = -1;

	d = nmport_prepare("netmap:eth0-1/T@conf:rings=3,slots=100@offset=5");
	c = d != NULL ? nmport_clone(d) : NULL;
	if (ok(c != NULL, "nmport_clone")) {
		ok(c->ctx == &mine && c->ctx == d->ctx, "clone: same context");
		ok(strcmp(c->hdr.nr_name, "eth0") == 0 &&
		   c->hdr.nr_version == d->hdr.nr_version &&
		   c->hdr.nr_reqtype == d->hdr.nr_reqtype,
		   "clone: header copied");
		ok(memcmp(&c->reg, &d->reg, sizeof(c->reg)) == 0,
		   "clone: register body copied");
		ok(c->reg.nr_mode == NR_REG_ONE_NIC && c->reg.nr_ringid == 1 &&
		   c->reg.nr_tx_rings == 3 && c->reg.nr_rx_slots == 100,
		   "clone: mode, ring, conf values");
		ok(c->hdr.nr_options == 0 && d->hdr.nr_options != 0,
		   "clone: options not copied");
		ok(c->hdr.nr_body == (uintptr_t)&c->reg,
		   "clone: nr_body points to its own reg");
		ok(c->fd == -1 && !c->register_done && !c->mmap_done &&
		   c->mem == NULL && c->nifp == NULL && c->extmem == NULL &&
		   c->clist == NULL, "clone: not open, no extmem, no cleanups");
		nmport_close(c);
	}
	nmport_close(d);
	ok(acct.live == 0, "clone and original released");

	memset(&acct, 0, sizeof(acct));
	nmctx_lock(&mine);
	nmctx_unlock(&mine);
	ok(acct.locks == 1 && acct.unlocks == 1 && !acct.bad_nesting,
	   "nmctx_lock/unlock call the lock callback with 1 and 0");
	mine.lock = NULL;
	nmctx_lock(&mine);
	nmctx_unlock(&mine);
	ok(acct.locks == 1, "no lock callback: nothing called");

	memset(&acct, 0, sizeof(acct));
	acct.fail_after = -1;
	p = nmctx_malloc(&mine, 32);
	ok(p != NULL && acct.mallocs == 1, "nmctx_malloc calls the callback");
	nmctx_free(&mine, p);
	ok(acct.frees == 1 && acct.live == 0, "nmctx_free calls the callback");
	nmctx_set_default(old);
	nmport_disable_option("offset");
}

int main(void)
{
	test_default();
	cap_install();
	test_errors();
	test_alloc();
	return tap_done();
}
