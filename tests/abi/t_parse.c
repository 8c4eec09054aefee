// SPDX-License-Identifier: BSD-2-Clause
/*
 * The legacy port-name parser of netmap_user.h (nm_parse, docs/ABI.md §9.3)
 * and the checks nm_open() makes before touching /dev/netmap.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "abi_test.h"
#include "tap.h"

struct parse_case {
	const char *in;
	const char *name;	/* NULL: must be rejected */
	uint32_t flags;
	uint16_t ringid;
	uint16_t arg2;
};

static const struct parse_case cases[] = {
	/* the examples of docs/ABI.md §9.3 */
	{ "netmap:eth0/x", "eth0", 0x801, 0, 0 },
	{ "netmap:pipe{0", "pipe", 0x5, 0, 0 },
	{ "vale0:0{0", "vale0:0", 0x5, 0, 0 },
	{ "netmap:eth0}3", "eth0", 0x6, 3, 0 },
	/* every mode */
	{ "netmap:eth0", "eth0", NR_REG_ALL_NIC, 0, 0 },
	{ "netmap:eth0^", "eth0", NR_REG_SW, 0, 0 },
	{ "netmap:eth0*", "eth0", NR_REG_NIC_SW, 0, 0 },
	{ "netmap:eth0-1", "eth0", NR_REG_ONE_NIC, 1, 0 },
	{ "netmap:eth0-0", "eth0", NR_REG_ONE_NIC, 0, 0 },
	{ "netmap:eth0-4094", "eth0", NR_REG_ONE_NIC, 4094, 0 },
	{ "netmap:eth0{4094", "eth0", NR_REG_PIPE_MASTER, 4094, 0 },
	{ "netmap:eth0}12", "eth0", NR_REG_PIPE_SLAVE, 12, 0 },
	/* flags and memory ids */
	{ "netmap:eth0/xztrRT", "eth0", 0x6f01, 0, 0 },
	{ "netmap:eth0/R", "eth0", 0x2001, 0, 0 },
	{ "netmap:eth0^/T", "eth0", 0x4002, 0, 0 },
	{ "netmap:eth0*/rt", "eth0", 0x303, 0, 0 },
	{ "netmap:eth0-2/Tx", "eth0", 0x4804, 2, 0 },
	{ "netmap:eth0@2", "eth0", 0x1, 0, 2 },
	{ "netmap:eth0@65535", "eth0", 0x1, 0, 65535 },
	{ "netmap:eth0-1/R@3", "eth0", 0x2004, 1, 3 },
	{ "netmap:eth0@2/x", "eth0", 0x801, 0, 2 },
	{ "netmap:eth0^@7/z", "eth0", 0x402, 0, 7 },
	{ "netmap:eth0/x@4", "eth0", 0x801, 0, 4 },
	/* names */
	{ "netmap:", "", 0x1, 0, 0 },
	{ "netmap:eth0.100", "eth0.100", 0x1, 0, 0 },
	{ "netmap:vale0:0", "vale0:0", 0x1, 0, 0 },
	{ "netmap:abcdefghijklmno", "abcdefghijklmno", 0x1, 0, 0 },
	{ "vale:x", "vale:x", 0x1, 0, 0 },
	{ "vale0:", "vale0:", 0x1, 0, 0 },
	{ "valeA_1:port_2", "valeA_1:port_2", 0x1, 0, 0 },
	{ "vale0:0-2", "vale0:0", NR_REG_ONE_NIC, 2, 0 },
	{ "vale1:a}5/x@1", "vale1:a", 0x806, 5, 1 },
	{ "vale123456:abcd", "vale123456:abcd", 0x1, 0, 0 },
	/* rejected */
	{ "netmap:abcdefghijklmnop", NULL, 0, 0, 0 },	/* 16 chars */
	{ "vale1234567:abcd", NULL, 0, 0, 0 },		/* 16 chars */
	{ "vale0:0123456789abcdef", NULL, 0, 0, 0 },
	{ "vale0", NULL, 0, 0, 0 },			/* no ':' */
	{ "vale-1:x", NULL, 0, 0, 0 },			/* bad switch */
	{ "vale.1:x", NULL, 0, 0, 0 },
	{ "vale0:a.b", NULL, 0, 0, 0 },			/* bad port */
	{ "vale0:a+b", NULL, 0, 0, 0 },
	{ "vale0:a:b", NULL, 0, 0, 0 },
	{ "eth0", NULL, 0, 0, 0 },			/* no prefix */
	{ "netmapX:eth0", NULL, 0, 0, 0 },
	{ "pcap:eth0", NULL, 0, 0, 0 },
	{ "", NULL, 0, 0, 0 },
	{ "netmap:eth0-4095", NULL, 0, 0, 0 },		/* ring range */
	{ "netmap:eth0-99999999999999999999", NULL, 0, 0, 0 },
	{ "netmap:eth0{4095", NULL, 0, 0, 0 },
	{ "netmap:eth0-", NULL, 0, 0, 0 },		/* missing number */
	{ "netmap:eth0-x", NULL, 0, 0, 0 },
	{ "netmap:eth0-/x", NULL, 0, 0, 0 },
	{ "netmap:eth0-+1", NULL, 0, 0, 0 },
	{ "netmap:eth0{", NULL, 0, 0, 0 },
	{ "netmap:eth0}", NULL, 0, 0, 0 },
	{ "netmap:pipe{x", NULL, 0, 0, 0 },		/* non-numeric pipe */
	{ "netmap:eth0^3", NULL, 0, 0, 0 },		/* no ^N */
	{ "netmap:eth0-1*", NULL, 0, 0, 0 },		/* two modes */
	{ "netmap:eth0*^", NULL, 0, 0, 0 },
	{ "netmap:eth0-1x", NULL, 0, 0, 0 },
	{ "netmap:eth0/", NULL, 0, 0, 0 },		/* empty flags */
	{ "netmap:eth0/q", NULL, 0, 0, 0 },		/* unknown flag */
	{ "netmap:eth0/x/z", NULL, 0, 0, 0 },
	{ "netmap:eth0/x-1", NULL, 0, 0, 0 },
	{ "netmap:eth0@", NULL, 0, 0, 0 },		/* memory ids */
	{ "netmap:eth0@0", NULL, 0, 0, 0 },
	{ "netmap:eth0@x", NULL, 0, 0, 0 },
	{ "netmap:eth0@65536", NULL, 0, 0, 0 },
	{ "netmap:eth0@1@1", NULL, 0, 0, 0 },
	{ "netmap:eth0@2/R@3", NULL, 0, 0, 0 },
	{ "netmap:eth0@2x", NULL, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=2", NULL, 0, 0, 0 },	/* no option lists */
};

static struct nm_desc *new_desc(void)
{
	struct nm_desc *d = calloc(1, sizeof(*d));

	if (d == NULL)
		abort();
	return d;
}

static void check_case(const struct parse_case *c)
{
	struct nm_desc *d = new_desc();
	char err[MAXERRMSG] = "";
	int r;

	errno = 0;
	r = nm_parse(c->in, d, err);
	if (c->name != NULL) {
		int good = r == 0 && strcmp(d->req.nr_name, c->name) == 0 &&
			d->req.nr_flags == c->flags &&
			d->req.nr_ringid == c->ringid &&
			d->req.nr_arg2 == c->arg2;

		if (!good)
			tap_diag("got %d (%s): name \"%s\" flags %#x ringid %u arg2 %u",
				 r, err, d->req.nr_name, d->req.nr_flags,
				 d->req.nr_ringid, d->req.nr_arg2);
		tap_ok(good, "nm_parse(\"%s\") -> \"%s\" flags %#x ringid %u arg2 %u",
		       c->in, c->name, c->flags, c->ringid, c->arg2);
	} else {
		/* rejected, with a message, and nothing written to req */
		int good = r == -1 && errno == EINVAL && err[0] != '\0' &&
			d->req.nr_name[0] == '\0' && d->req.nr_flags == 0 &&
			d->req.nr_ringid == 0 && d->req.nr_arg2 == 0;

		tap_ok(good, "nm_parse(\"%s\") rejected (%s)", c->in, err);
	}
	free(d);
}

/* nm_parse ORs into nr_ringid/nr_flags, overwrites nr_arg2 */
static void check_merge(void)
{
	struct nm_desc *d = new_desc();
	char err[MAXERRMSG];

	d->req.nr_ringid = NETMAP_NO_TX_POLL;
	d->req.nr_flags = NR_ACCEPT_VNET_HDR;
	d->req.nr_arg2 = 9;
	memcpy(d->req.nr_name, "previous-name-x", 16);
	tap_ok(nm_parse("netmap:eth1-3/x", d, err) == 0 &&
	       strcmp(d->req.nr_name, "eth1") == 0 &&
	       memcmp(d->req.nr_name, "eth1\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0 &&
	       d->req.nr_ringid == (NETMAP_NO_TX_POLL | 3) &&
	       d->req.nr_flags == (NR_ACCEPT_VNET_HDR | NR_EXCLUSIVE |
				   NR_REG_ONE_NIC) &&
	       d->req.nr_arg2 == 0,
	       "nm_parse keeps earlier nr_ringid/nr_flags bits, clears the rest of nr_name, resets nr_arg2");
	tap_ok(nm_parse("netmap:eth0", d, NULL) == 0,
	       "nm_parse accepts a NULL error buffer");
	tap_ok(nm_parse("netmap:eth0/q", d, NULL) == -1,
	       "nm_parse fails cleanly with a NULL error buffer");
	free(d);
}

static void check_identifier(void)
{
	const char *s = "ab_Z9-x";

	tap_ok(nm_is_identifier(s, s + 5) == 1 && nm_is_identifier(s, s) == 1 &&
	       nm_is_identifier(s, s + 6) == 0 &&
	       nm_is_identifier(s + 5, s + 7) == 0,
	       "nm_is_identifier: [A-Za-z0-9_]* only, empty range accepted");
}

struct open_call {
	const char *name;
	struct nm_desc *ret;
	int err;
};

static void do_open(void *arg)
{
	struct open_call *c = arg;

	errno = 12345;
	c->ret = nm_open(c->name, NULL, 0, NULL);
	c->err = errno;
}

static void check_open(void)
{
	static const char *const foreign[] = {
		"eth0", "pcap:eth0", "tap:x", "netmap", "netma:eth0", "val:x",
		"NETMAP:eth0",
	};
	struct open_call c;
	size_t i;
	char *out;
	int good = 1;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		c.name = foreign[i];
		out = capture_stderr(do_open, &c);
		if (c.ret != NULL || c.err != 0 || out[0] != '\0') {
			tap_diag("nm_open(\"%s\"): %p errno %d", c.name,
				 (void *)c.ret, c.err);
			good = 0;
		}
		free(out);
	}
	tap_ok(good, "nm_open: names without netmap:/vale prefix give NULL, errno 0, no message");
	tap_ok(nm_close(NULL) == EINVAL, "nm_close(NULL) = EINVAL");

	if (access(NETMAP_DEVICE_NAME, F_OK) == 0) {
		tap_skip("/dev/netmap exists on this host",
			 "nm_open fails cleanly without /dev/netmap");
		return;
	}
	c.name = "netmap:eth0";
	out = capture_stderr(do_open, &c);
	tap_ok(c.ret == NULL && c.err == ENOENT &&
	       strstr(out, "netmap:eth0") != NULL &&
	       strstr(out, "/dev/netmap") != NULL,
	       "nm_open(\"netmap:eth0\") without /dev/netmap: NULL, ENOENT, message via D()");
	free(out);
	c.name = "vale0:1";
	out = capture_stderr(do_open, &c);
	tap_ok(c.ret == NULL && c.err == ENOENT,
	       "nm_open(\"vale0:1\") is a netmap name (reaches open)");
	free(out);
}

void test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	check_merge();
	check_identifier();
	check_open();
}
