/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libnetmap: open netmap ports from a textual port specification,
 * manage the control requests, the memory mappings and the per-port
 * options of the NIOCCTRL API.
 *
 * Typical use:
 *
 *	struct nmport_d *d = nmport_open("netmap:eth0-1/T@conf:slots=512");
 *	... use d->nifp, d->first_tx_ring .. d->last_tx_ring ...
 *	nmport_close(d);
 *
 * Every function that can fail reports a message through the error
 * callback of the descriptor's context (struct nmctx) and sets errno.
 *
 * Unless LIBNETMAP_NOTHREADSAFE is defined before this header is included,
 * the default context is protected by a pthread mutex (link with -lpthread).
 */
#ifndef LIBNETMAP_H_
#define LIBNETMAP_H_

#include <stddef.h>
#include <stdint.h>
#include <net/netmap_user.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nmctx;
struct nmem_d;
struct nmport_cleanup_d;

/*
 * A port descriptor.  The application may edit hdr and reg between
 * nmport_prepare() and nmport_open_desc(); everything after reg is
 * maintained by the library and must be treated as read-only.
 */
struct nmport_d {
	struct nmreq_header hdr;	/* request header, nr_body -> &reg */
	struct nmreq_register reg;	/* request body / kernel answers */

	struct nmem_d *mem;		/* mapped region (shared per mem_id) */
	struct nmctx *ctx;		/* context used to create the port */
	int register_done;		/* NIOCCTRL register succeeded */
	int mmap_done;			/* region mapped, nifp valid */
	struct nmreq_opt_extmem *extmem; /* extmem option in use, or NULL */

	int fd;				/* /dev/netmap file, -1 if none */
	struct netmap_if *nifp;		/* this port's netmap_if */
	uint16_t first_tx_ring;		/* bound TX rings, inclusive range */
	uint16_t last_tx_ring;
	uint16_t first_rx_ring;		/* bound RX rings, inclusive range */
	uint16_t last_rx_ring;
	uint16_t cur_tx_ring;		/* next TX ring for nmport_inject() */
	uint16_t cur_rx_ring;

	struct nmport_cleanup_d *clist;	/* undo actions of the parse phase */
};

/* Open a port: nmport_prepare() + nmport_open_desc(). NULL on error. */
struct nmport_d *nmport_open(const char *portspec);
/* Undo everything done by nmport_open(). NULL is accepted. */
void nmport_close(struct nmport_d *d);

/*
 * Copy a packet into the first bound TX ring (starting at cur_tx_ring)
 * with enough free slots between cur and tail, splitting it over several
 * slots (NS_MOREFRAG) if it exceeds one buffer.  head and cur are moved
 * past the packet; no system call is made.
 * Returns size on success, 0 if no ring had room.
 */
int nmport_inject(struct nmport_d *d, const void *buf, size_t size);

/* Allocate a new, unparsed descriptor using the default context. */
struct nmport_d *nmport_new(void);
/* Fill hdr, reg and the option list from a port specification. */
int nmport_parse(struct nmport_d *d, const char *portspec);
/* Open /dev/netmap and issue the register request. */
int nmport_register(struct nmport_d *d);
/* Map (or reuse) the memory region and locate the bound rings. */
int nmport_mmap(struct nmport_d *d);
/* Free a descriptor (after all the other undo functions). */
void nmport_delete(struct nmport_d *d);
void nmport_undo_parse(struct nmport_d *d);
void nmport_undo_register(struct nmport_d *d);
void nmport_undo_mmap(struct nmport_d *d);

/* nmport_new() + nmport_parse(); NULL on error. */
struct nmport_d *nmport_prepare(const char *portspec);
/* nmport_register() + nmport_mmap(); undone on error. */
int nmport_open_desc(struct nmport_d *d);
/* nmport_undo_parse() + nmport_delete(). NULL is accepted. */
void nmport_undo_prepare(struct nmport_d *d);
/* nmport_undo_mmap() + nmport_undo_register(). */
void nmport_undo_open_desc(struct nmport_d *d);

/*
 * New prepared descriptor with copies of d's hdr and reg (no options),
 * ready to be opened.  Used to bind more file descriptors to the same port.
 */
struct nmport_d *nmport_clone(struct nmport_d *d);

/* Use the memory at base (size bytes) as the netmap region. */
int nmport_extmem(struct nmport_d *d, void *base, size_t size);
/* Map a whole file and use it as the netmap region. */
int nmport_extmem_from_file(struct nmport_d *d, const char *fname);
/* Pool geometry of the extmem option (edit before register), or NULL. */
struct nmreq_pools_info *nmport_extmem_getinfo(struct nmport_d *d);

/* Ask for per-slot buffer offsets (NETMAP_REQ_OPT_OFFSETS). */
int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap);

/*
 * Enable or disable one of the port-spec options ("share", "conf",
 * "extmem", "offset").  "offset" is disabled by default.
 */
void nmport_disable_option(const char *opt);
int nmport_enable_option(const char *opt);

/* Building blocks of the port-spec parser. */
void nmreq_header_init(struct nmreq_header *hdr, uint16_t reqtype, void *body);
int nmreq_header_decode(const char **ppspec, struct nmreq_header *hdr,
			struct nmctx *ctx);
int nmreq_register_decode(const char **pmode, struct nmreq_register *reg,
			  struct nmctx *ctx);

#define NMREQ_OPT_MAXKEYS	16

struct nmreq_parse_ctx;
typedef int (*nmreq_opt_parser_cb)(struct nmreq_parse_ctx *);

/* One key of an option ("@name:key=value,..."). */
struct nmreq_opt_key {
	const char *key;	/* name ('-' and '_' are equivalent) */
	int id;			/* index into nmreq_parse_ctx.keys[] */
	unsigned int flags;
#define NMREQ_OPTK_ALLOWEMPTY	(1U << 0)	/* "=value" may be omitted */
#define NMREQ_OPTK_MUSTSET	(1U << 1)	/* the key is mandatory */
#define NMREQ_OPTK_DEFAULT	(1U << 2)	/* the key of "@name=value" */
};

/* Parser of one option; parsers are chained through next. */
struct nmreq_opt_parser {
	const char *prefix;		/* option name */
	nmreq_opt_parser_cb parse;	/* called once per occurrence */
	int default_key;		/* id of the default key, -1 if none */
	int nr_keys;			/* used entries of keys[] */
	unsigned int flags;
#define NMREQ_OPTF_DISABLED	(1U << 0)	/* reject the option */
#define NMREQ_OPTF_ALLOWEMPTY	(1U << 1)	/* "@name" alone is valid */
	struct nmreq_opt_parser *next;
	struct nmreq_opt_key keys[NMREQ_OPT_MAXKEYS];
} __attribute__((__aligned__(16)));

/* What a parser callback receives. */
struct nmreq_parse_ctx {
	struct nmctx *ctx;
	void *token;				/* as passed to the decoder */
	const char *keys[NMREQ_OPT_MAXKEYS];	/* values by key id, or NULL */
};

/* Parse an option list ("@opt1...@opt2..."); "" is accepted. */
int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx);

/* mem_id of the port named at *portname ("netmap:x", "valeA:b"); -1 on error. */
int32_t nmreq_get_mem_id(const char **portname, struct nmctx *ctx);

/* Option lists of request headers. */
void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o);
void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o);
struct nmreq_option *nmreq_find_option(struct nmreq_header *h, uint32_t type);
void nmreq_free_options(struct nmreq_header *h);	/* free() each option */
const char *nmreq_option_name(uint32_t type);

#define nmreq_foreach_option(h_, o_)					\
	for ((o_) = (struct nmreq_option *)(uintptr_t)((h_)->nr_options); \
	     (o_) != NULL;						\
	     (o_) = (struct nmreq_option *)(uintptr_t)((o_)->nro_next))

/* Contexts: error reporting, memory allocation, locking, mapped regions. */
typedef void (*nmctx_error_cb)(struct nmctx *, const char *);
typedef void *(*nmctx_malloc_cb)(struct nmctx *, size_t);
typedef void (*nmctx_free_cb)(struct nmctx *, void *);
typedef void (*nmctx_lock_cb)(struct nmctx *, int);	/* 1 lock, 0 unlock */

struct nmctx {
	int verbose;			/* 0: no error messages */
	nmctx_error_cb error;
	nmctx_malloc_cb malloc;
	nmctx_free_cb free;
	nmctx_lock_cb lock;		/* NULL: no locking */
	struct nmem_d *mem_descs;	/* regions mapped through this context */
};

/* A mapped region, shared by all the ports of a context with its mem_id. */
struct nmem_d {
	uint16_t mem_id;
	int refcount;
	void *mem;
	size_t size;
	int is_extmem;			/* user memory: never unmapped here */
	struct nmem_d *next;
	struct nmem_d *prev;
};

struct nmctx *nmctx_get(void);
struct nmctx *nmctx_set_default(struct nmctx *ctx);
void nmctx_set_threadsafe(void);
void nmctx_ferror(struct nmctx *ctx, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
void *nmctx_malloc(struct nmctx *ctx, size_t sz);
void nmctx_free(struct nmctx *ctx, void *p);
void nmctx_lock(struct nmctx *ctx);
void nmctx_unlock(struct nmctx *ctx);

#ifndef LIBNETMAP_NOTHREADSAFE
/*
 * The reference below makes the static linker pull in the object that
 * defines nmctx_threadsafe, whose constructor installs a mutex-protected
 * default context.
 */
extern int nmctx_threadsafe;
static __attribute__((__used__)) void libnetmap_require_threadsafe(void)
{
	nmctx_threadsafe = 1;
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* LIBNETMAP_H_ */
