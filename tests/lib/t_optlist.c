/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Request headers and option lists: nmreq_header_init, push/remove/find,
 * nmreq_foreach_option, nmreq_free_options (free() is interposed with
 * -Wl,--wrap=free to see what the library releases), nmreq_option_name.
 */
#include <stdlib.h>

#include "nmtest.h"

void __real_free(void *p);
void __wrap_free(void *p);

static void *freed[16];
static int nfreed;

void __wrap_free(void *p)
{
	if (nfreed < 16)
		freed[nfreed++] = p;
	__real_free(p);
}

static int was_freed(void *p)
{
	int i;

	for (i = 0; i < nfreed; i++)
		if (freed[i] == p)
			return 1;
	return 0;
}

/* The list as a string of option types, e.g. "3,1,5". */
static const char *list(struct nmreq_header *h)
{
	static char buf[128];
	struct nmreq_option *o;
	size_t n = 0;

	buf[0] = '\0';
	nmreq_foreach_option(h, o)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u",
				      n ? "," : "", o->nro_reqtype);
	return buf;
}

static void test_header_init(void)
{
	struct nmreq_header h;
	struct nmreq_register body;
	size_t i;
	int zero = 1;

	memset(&h, 0xff, sizeof(h));
	nmreq_header_init(&h, NETMAP_REQ_PORT_INFO_GET, &body);
	is_int(h.nr_version, NETMAP_API, "header_init: version");
	is_int(h.nr_reqtype, NETMAP_REQ_PORT_INFO_GET, "header_init: type");
	ok(h.nr_body == (uintptr_t)&body, "header_init: body pointer");
	for (i = 0; i < sizeof(h.nr_name); i++)
		if (h.nr_name[i] != 0)
			zero = 0;
	ok(zero && h.nr_options == 0 && h.nr_reserved == 0,
	   "header_init: name, options and reserved zeroed");
	nmreq_header_init(&h, NETMAP_REQ_VALE_DELIF, NULL);
	ok(h.nr_body == 0, "header_init: NULL body");
}

static void test_list(void)
{
	struct nmreq_option a = { .nro_reqtype = 1 }, b = { .nro_reqtype = 3 },
			    c = { .nro_reqtype = 5 }, d = { .nro_reqtype = 3 },
			    stranger = { .nro_reqtype = 2, .nro_next = 42 };
	struct nmreq_header h;

	nmreq_header_init(&h, NETMAP_REQ_REGISTER, NULL);
	is_str(list(&h), "", "empty list");
	ok(nmreq_find_option(&h, 1) == NULL, "find on an empty list");
	nmreq_push_option(&h, &a);
	nmreq_push_option(&h, &b);
	nmreq_push_option(&h, &c);
	is_str(list(&h), "5,3,1", "push inserts at the head");
	ok(h.nr_options == (uintptr_t)&c && c.nro_next == (uintptr_t)&b &&
	   b.nro_next == (uintptr_t)&a && a.nro_next == 0,
	   "nro_next links are user pointers");
	ok(nmreq_find_option(&h, 3) == &b, "find type 3");
	ok(nmreq_find_option(&h, 1) == &a, "find type 1 (tail)");
	ok(nmreq_find_option(&h, 4) == NULL, "find a missing type");
	nmreq_push_option(&h, &d);
	ok(nmreq_find_option(&h, 3) == &d, "find returns the first match");

	nmreq_remove_option(&h, &b);
	is_str(list(&h), "3,5,1", "remove from the middle");
	ok(b.nro_next == 0, "removed option has nro_next 0");
	nmreq_remove_option(&h, &d);
	is_str(list(&h), "5,1", "remove the head");
	nmreq_remove_option(&h, &a);
	is_str(list(&h), "5", "remove the tail");
	nmreq_remove_option(&h, &stranger);
	ok(strcmp(list(&h), "5") == 0 && stranger.nro_next == 42,
	   "remove of a non-member is a no-op");
	nmreq_remove_option(&h, &c);
	ok(h.nr_options == 0, "remove the last one");
}

static void test_free(void)
{
	struct nmreq_option *o[3];
	struct nmreq_header h;
	int i;

	nmreq_header_init(&h, NETMAP_REQ_REGISTER, NULL);
	for (i = 0; i < 3; i++) {
		o[i] = calloc(1, 64);
		o[i]->nro_reqtype = (uint32_t)i + 1;
		nmreq_push_option(&h, o[i]);
	}
	nfreed = 0;
	nmreq_free_options(&h);
	ok(nfreed == 3 && was_freed(o[0]) && was_freed(o[1]) &&
	   was_freed(o[2]), "free_options frees every option with free()");
	ok(h.nr_options == 0, "free_options empties the list");
	nfreed = 0;
	nmreq_free_options(&h);
	ok(nfreed == 0, "free_options on an empty list");
}

static void test_names(void)
{
	is_str(nmreq_option_name(NETMAP_REQ_OPT_EXTMEM), "extmem", "name 1");
	is_str(nmreq_option_name(NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS),
	       "sync-kloop-eventfds", "name 2");
	is_str(nmreq_option_name(NETMAP_REQ_OPT_CSB), "csb", "name 3");
	is_str(nmreq_option_name(NETMAP_REQ_OPT_SYNC_KLOOP_MODE),
	       "sync-kloop-mode", "name 4");
	is_str(nmreq_option_name(NETMAP_REQ_OPT_OFFSETS), "offsets", "name 5");
	is_str(nmreq_option_name(0), "unknown", "name 0");
	is_str(nmreq_option_name(NETMAP_REQ_OPT_MAX), "unknown", "name 6");
	is_str(nmreq_option_name(0xffffffffu), "unknown", "name 2^32-1");
}

int main(void)
{
	test_header_init();
	test_list();
	test_free();
	test_names();
	return tap_done();
}
