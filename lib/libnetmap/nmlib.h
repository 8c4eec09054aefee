/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Library-internal declarations of libnetmap.
 *
 * The library's own objects must not reference nmctx_threadsafe (that
 * would drag the pthreads context into every program), hence the define.
 */
#ifndef NMLIB_H_
#define NMLIB_H_

#define LIBNETMAP_NOTHREADSAFE
#include <libnetmap.h>

/*
 * An undo action recorded while a port is parsed or configured.  They are
 * run in reverse order by nmport_do_cleanup(); each action frees its node.
 */
struct nmport_cleanup_d {
	struct nmport_cleanup_d *next;
	void (*cleanup)(struct nmport_cleanup_d *c, struct nmport_d *d);
};

/* Exported (for compatibility) but not declared in libnetmap.h. */
extern int nmctx_threadsafe;
void nmport_do_cleanup(struct nmport_d *d);
void nmport_extmem_cleanup(struct nmport_cleanup_d *c, struct nmport_d *d);
void nmport_extmem_from_file_cleanup(struct nmport_cleanup_d *c,
				     struct nmport_d *d);

/* Report an error through ctx and set errno (errno survives the report). */
#define nmlib_fail(ctx_, err_, ...)				\
	do {							\
		nmctx_ferror((ctx_), __VA_ARGS__);		\
		errno = (err_);					\
	} while (0)

#endif /* NMLIB_H_ */
