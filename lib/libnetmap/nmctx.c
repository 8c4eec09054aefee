/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Library contexts: where error messages go, how memory is allocated and
 * how the list of mapped regions is protected.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "nmlib.h"

/* Longest message passed to the error callback (without the NUL). */
#define NMCTX_MAXMSG	1000

static void nmctx_default_error(struct nmctx *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s\n", msg);
}

static void *nmctx_default_malloc(struct nmctx *ctx, size_t sz)
{
	(void)ctx;
	return malloc(sz);
}

static void nmctx_default_free(struct nmctx *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static struct nmctx nmctx_global = {
	.verbose = 1,
	.error = nmctx_default_error,
	.malloc = nmctx_default_malloc,
	.free = nmctx_default_free,
	.lock = NULL,
	.mem_descs = NULL,
};

static struct nmctx *nmctx_default = &nmctx_global;

struct nmctx *nmctx_get(void)
{
	return nmctx_default;
}

struct nmctx *nmctx_set_default(struct nmctx *ctx)
{
	struct nmctx *old = nmctx_default;

	if (ctx != NULL)
		nmctx_default = ctx;
	return old;
}

static struct nmctx *nmctx_or_default(struct nmctx *ctx)
{
	return ctx != NULL ? ctx : nmctx_default;
}

void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
{
	char msg[NMCTX_MAXMSG + 1];
	int saved_errno = errno;
	va_list ap;
	int n;

	ctx = nmctx_or_default(ctx);
	if (!ctx->verbose || ctx->error == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		ctx->error(ctx, "error message too long");
	else
		ctx->error(ctx, msg);
	errno = saved_errno;
}

void *nmctx_malloc(struct nmctx *ctx, size_t sz)
{
	ctx = nmctx_or_default(ctx);
	return ctx->malloc(ctx, sz);
}

void nmctx_free(struct nmctx *ctx, void *p)
{
	ctx = nmctx_or_default(ctx);
	ctx->free(ctx, p);
}

void nmctx_lock(struct nmctx *ctx)
{
	ctx = nmctx_or_default(ctx);
	if (ctx->lock != NULL)
		ctx->lock(ctx, 1);
}

void nmctx_unlock(struct nmctx *ctx)
{
	ctx = nmctx_or_default(ctx);
	if (ctx->lock != NULL)
		ctx->lock(ctx, 0);
}
