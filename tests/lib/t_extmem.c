/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * External memory: "@extmem" with a temporary file, nmport_extmem(),
 * nmport_extmem_from_file(), nmport_extmem_getinfo(), the release of the
 * mapping by the cleanups, and the extmem rule of nmport_clone().
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nmtest.h"

#define FILE_SIZE	(256 * 1024)

static char path[64], empty_path[64];

static int make_file(char *name, size_t size)
{
	int fd;

	strcpy(name, "/tmp/nmtest-extmem-XXXXXX");
	fd = mkstemp(name);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Is [p, p + 4096) still mapped? */
static int mapped(void *p)
{
	return msync(p, 4096, MS_ASYNC) == 0;
}

static void test_spec(void)
{
	char spec[256], buf[8];
	struct nmreq_opt_extmem *e;
	struct nmreq_pools_info *pi;
	struct nmport_d *d;
	void *base;
	int fd;

	snprintf(spec, sizeof(spec),
		 "netmap:eth0@extmem:file=%s,if-num=4,if-size=1024,ring-num=8,"
		 "ring_size=33024,buf-num=100,buf-size=2048", path);
	cap_reset();
	d = nmport_prepare(spec);
	if (!ok(d != NULL, "@extmem with all keys accepted")) {
		diag("error: %s", cap.last);
		return;
	}
	e = (struct nmreq_opt_extmem *)nmreq_find_option(&d->hdr,
			NETMAP_REQ_OPT_EXTMEM);
	ok(e != NULL && e == d->extmem, "OPT_EXTMEM in the list, d->extmem");
	if (e == NULL)
		return;
	pi = nmport_extmem_getinfo(d);
	ok(pi == &e->nro_info, "nmport_extmem_getinfo points to nro_info");
	ok(e->nro_usrptr != 0, "nro_usrptr set");
	is_int(e->nro_info.nr_memsize, FILE_SIZE, "nr_memsize = file size");
	ok(pi->nr_if_pool_objtotal == 4 && pi->nr_if_pool_objsize == 1024,
	   "if pool keys");
	ok(pi->nr_ring_pool_objtotal == 8 && pi->nr_ring_pool_objsize == 33024,
	   "ring pool keys");
	ok(pi->nr_buf_pool_objtotal == 100 && pi->nr_buf_pool_objsize == 2048,
	   "buffer pool keys");
	ok(pi->nr_mem_id == 0 && e->nro_opt.nro_status == 0,
	   "mem id and status left 0");

	/* the option points to a shared mapping of the file */
	base = (void *)(uintptr_t)e->nro_usrptr;
	memcpy((char *)base + 4096, "netmap!", 8);
	fd = open(path, O_RDONLY);
	ok(fd >= 0 && pread(fd, buf, 8, 4096) == 8 &&
	   memcmp(buf, "netmap!", 8) == 0,
	   "writes through nro_usrptr reach the file");
	if (fd >= 0)
		close(fd);

	nmport_undo_prepare(d);
	ok(!mapped(base), "undo_prepare unmaps the file");
}

static void test_default_key(void)
{
	char spec[256];
	struct nmport_d *d;
	struct nmreq_pools_info *pi;

	snprintf(spec, sizeof(spec), "vale0:a-1/x@extmem=%s@conf:slots=64",
		 path);
	d = nmport_prepare(spec);
	if (!ok(d != NULL, "@extmem=FILE accepted"))
		return;
	pi = nmport_extmem_getinfo(d);
	ok(pi != NULL && pi->nr_memsize == FILE_SIZE &&
	   pi->nr_if_pool_objtotal == 0 && pi->nr_buf_pool_objsize == 0,
	   "@extmem=FILE: size set, pool fields 0 (kernel defaults)");
	ok(d->reg.nr_tx_slots == 64 && d->reg.nr_mode == NR_REG_ONE_NIC &&
	   d->reg.nr_flags == NR_EXCLUSIVE,
	   "@extmem=FILE: other parts of the spec applied");
	nmport_undo_prepare(d);
}

static void test_errors(void)
{
	char spec[256];
	struct nmport_d *d;
	void *mapping;

	cap_reset();
	errno = 0;
	d = nmport_prepare("netmap:eth0@extmem=/nonexistent/file");
	ok(d == NULL && errno == ENOENT, "missing file: ENOENT");
	ok(cap_has("/nonexistent/file"), "... message names the file (%s)",
	   cap.last);

	snprintf(spec, sizeof(spec), "netmap:eth0@extmem=%s", empty_path);
	errno = 0;
	d = nmport_prepare(spec);
	ok(d == NULL && errno == EINVAL, "empty file: EINVAL (%s)", cap.last);

	snprintf(spec, sizeof(spec), "netmap:eth0@extmem=%s@extmem=%s", path,
		 path);
	cap_reset();
	errno = 0;
	d = nmport_prepare(spec);
	ok(d == NULL && errno == EINVAL, "extmem twice: EINVAL");
	ok(cap_has("already"), "... 'already in use' (%s)", cap.last);

	/* a failing nmport_extmem_from_file leaves nothing behind */
	d = nmport_prepare("netmap:eth0");
	if (d == NULL)
		return;
	ok(nmport_extmem_from_file(d, path) == 0, "extmem_from_file succeeds");
	mapping = (void *)(uintptr_t)d->extmem->nro_usrptr;
	ok(nmport_extmem_from_file(d, path) < 0 && errno == EINVAL,
	   "second extmem_from_file fails with EINVAL");
	ok(nmport_extmem(d, mapping, 4096) < 0 && errno == EINVAL,
	   "nmport_extmem after extmem_from_file fails with EINVAL");
	ok(mapped(mapping), "the first mapping is still there");
	nmport_undo_parse(d);
	ok(!mapped(mapping) && d->extmem == NULL && d->hdr.nr_options == 0,
	   "undo_parse unmaps the file and removes the option");
	nmport_delete(d);
}

static void test_direct(void)
{
	static char mem[8192] __attribute__((__aligned__(4096)));
	struct nmreq_opt_extmem *e;
	struct nmport_d *d, *c;

	d = nmport_prepare("netmap:eth0");
	if (d == NULL)
		return;
	ok(nmport_extmem_getinfo(d) == NULL, "no extmem: getinfo is NULL");
	c = nmport_clone(d);
	ok(c != NULL, "clone without extmem before register");
	nmport_undo_prepare(c);

	ok(nmport_extmem(d, mem, sizeof(mem)) == 0, "nmport_extmem succeeds");
	e = d->extmem;
	ok(e != NULL && nmreq_find_option(&d->hdr, NETMAP_REQ_OPT_EXTMEM) ==
	   &e->nro_opt, "nmport_extmem pushes OPT_EXTMEM");
	ok(e != NULL && e->nro_usrptr == (uintptr_t)mem &&
	   e->nro_info.nr_memsize == sizeof(mem) &&
	   e->nro_info.nr_if_pool_objtotal == 0 &&
	   e->nro_info.nr_ring_pool_objsize == 0,
	   "nmport_extmem: base and size, pool fields 0");
	errno = 0;
	ok(nmport_clone(d) == NULL && errno == EINVAL,
	   "clone of an unregistered extmem port fails with EINVAL");
	nmport_undo_parse(d);
	ok(d->extmem == NULL && d->hdr.nr_options == 0,
	   "undo_parse removes the extmem option");

	ok(nmport_parse(d, "netmap:eth0") == 0, "parse again");
	d->register_done = 1;	/* as after a successful register */
	errno = 0;
	ok(nmport_extmem(d, mem, sizeof(mem)) < 0 && errno == EINVAL,
	   "nmport_extmem on a registered port fails with EINVAL");
	errno = 0;
	ok(nmport_extmem_from_file(d, path) < 0 && errno == EINVAL,
	   "extmem_from_file on a registered port fails with EINVAL");
	d->register_done = 0;
	nmport_undo_prepare(d);
}

int main(void)
{
	cap_install();
	if (!ok(make_file(path, FILE_SIZE) == 0 && make_file(empty_path, 0) == 0,
		"create the temporary files"))
		return tap_done();
	test_spec();
	test_default_key();
	test_errors();
	test_direct();
	unlink(path);
	unlink(empty_path);
	return tap_done();
}
