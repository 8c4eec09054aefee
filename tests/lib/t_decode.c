/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The building blocks of the parser called directly: nmreq_header_decode,
 * nmreq_register_decode and nmreq_options_decode with custom parsers.
 */
#include "nmtest.h"

/* header decode */

static void header_ok(const char *spec, const char *name, const char *rest)
{
	struct nmreq_header hdr;
	const char *p = spec;

	nmreq_header_init(&hdr, NETMAP_REQ_REGISTER, NULL);
	memset(hdr.nr_name, 'Z', sizeof(hdr.nr_name));
	if (!ok(nmreq_header_decode(&p, &hdr, NULL) == 0,
		"header_decode('%s') succeeds", spec))
		return;
	is_str(hdr.nr_name, name, "header_decode('%s'): name", spec);
	is_str(p, rest, "header_decode('%s'): rest of the spec", spec);
	ok(hdr.nr_name[sizeof(hdr.nr_name) - 1] == '\0' &&
	   hdr.nr_name[strlen(name) + 1] == '\0',
	   "header_decode('%s'): name zero-padded", spec);
}

static void header_bad(const char *spec)
{
	struct nmreq_header hdr, saved;
	const char *p = spec;

	nmreq_header_init(&hdr, NETMAP_REQ_REGISTER, NULL);
	strcpy(hdr.nr_name, "keep");
	saved = hdr;
	cap_reset();
	errno = 0;
	ok(nmreq_header_decode(&p, &hdr, NULL) < 0 && errno == EINVAL,
	   "header_decode('%s') fails with EINVAL", spec);
	ok(p == spec && memcmp(&hdr, &saved, sizeof(hdr)) == 0,
	   "header_decode('%s'): nothing modified", spec);
	ok(cap_has("invalid port name"), "header_decode('%s'): message (%s)",
	   spec, cap.last);
}

static void test_header(void)
{
	header_ok("netmap:eth0-1/T", "eth0", "-1/T");
	header_ok("netmap:eth0", "eth0", "");
	header_ok("netmap:eth0@conf:rings=2", "eth0", "@conf:rings=2");
	header_ok("valeXXX:YYY-4", "valeXXX:YYY", "-4");
	header_ok("vale:0^", "vale:0", "^");
	header_ok("vale0:0{0*", "vale0:0{0", "*");
	header_ok("netmap:x}y/R", "x}y", "/R");
	header_ok("netmap:vale1:p", "vale1:p", "");
	header_bad("netmap:");
	header_bad("netmap:-1");
	header_bad("netmapX:eth0");
	header_bad("eth0");
	header_bad("vale-1:x");
	header_bad("vale0:@1");
	header_bad("netmap:p{");
	header_bad("netmap:p{a.b");
	header_bad("netmap:p}1}2");
	header_bad("netmap:0123456789012345678901234567890123456789"
		   "012345678901234567890123");
}

/* register decode */

struct regcase {
	const char *mode;
	uint32_t nr_mode;
	uint16_t ringid;
	uint64_t flags;
	uint16_t mem_id;	/* expected, starting from mem id 9 */
	const char *rest;
};

static const struct regcase regcases[] = {
	{ "", NR_REG_ALL_NIC, 0, 0, 9, "" },
	{ "-2/Tx", NR_REG_ONE_NIC, 2, 0x4800, 9, "" },
	{ "*", NR_REG_NIC_SW, 0, 0, 9, "" },
	{ "^", NR_REG_SW, 0, 0, 9, "" },
	{ "^3/R@2@conf", NR_REG_ONE_SW, 3, 0x2000, 2, "@conf" },
	{ "/Tx@opt", NR_REG_ALL_NIC, 0, 0x4800, 9, "@opt" },
	{ "@3", NR_REG_ALL_NIC, 0, 0, 3, "" },
	{ "@2/R@2", NR_REG_ALL_NIC, 0, 0x2000, 2, "" },
	{ "-4094", NR_REG_ONE_NIC, 4094, 0, 9, "" },
	{ "-007", NR_REG_ONE_NIC, 7, 0, 9, "" },
	{ "/z", NR_REG_ALL_NIC, 0, NR_ZCOPY_MON, 9, "" },
	{ "/t", NR_REG_ALL_NIC, 0, NR_MONITOR_TX, 9, "" },
	{ "/r", NR_REG_ALL_NIC, 0, NR_MONITOR_RX, 9, "" },
	{ "/x", NR_REG_ALL_NIC, 0, NR_EXCLUSIVE, 9, "" },
	{ "/R", NR_REG_ALL_NIC, 0, NR_RX_RINGS_ONLY, 9, "" },
	{ "/T", NR_REG_ALL_NIC, 0, NR_TX_RINGS_ONLY, 9, "" },
	{ "@", NR_REG_ALL_NIC, 0, 0, 9, "@" },
	{ "@@", NR_REG_ALL_NIC, 0, 0, 9, "@@" },
};

static const char *const regbad[] = {
	"-", "-x", "-4095", "-99999999999999999999", "^4095", "-1*", "*-1",
	"/", "/q", "/@1", "@0", "@65536", "@2@3", "x", "^^", "@1x", "-1^",
};

static void test_register(void)
{
	struct nmreq_register reg, saved;
	size_t i;

	for (i = 0; i < sizeof(regcases) / sizeof(regcases[0]); i++) {
		const struct regcase *c = &regcases[i];
		const char *p = c->mode;

		memset(&reg, 0, sizeof(reg));
		reg.nr_mem_id = 9;
		reg.nr_flags = 0xffff0000ffULL;	/* replaced, not OR-ed */
		reg.nr_ringid = 77;
		reg.nr_mode = 99;
		reg.nr_extra_bufs = 3;
		if (!ok(nmreq_register_decode(&p, &reg, NULL) == 0,
			"register_decode('%s') succeeds", c->mode))
			continue;
		ok(reg.nr_mode == c->nr_mode && reg.nr_ringid == c->ringid &&
		   reg.nr_flags == c->flags && reg.nr_mem_id == c->mem_id &&
		   reg.nr_extra_bufs == 3,
		   "register_decode('%s'): mode %u ringid %u flags 0x%llx mem %u",
		   c->mode, reg.nr_mode, reg.nr_ringid,
		   (unsigned long long)reg.nr_flags, reg.nr_mem_id);
		is_str(p, c->rest, "register_decode('%s'): stops at '%s'",
		       c->mode, c->rest);
	}
	for (i = 0; i < sizeof(regbad) / sizeof(regbad[0]); i++) {
		const char *p = regbad[i];

		memset(&reg, 0x5a, sizeof(reg));
		saved = reg;
		cap_reset();
		errno = 0;
		ok(nmreq_register_decode(&p, &reg, NULL) < 0 && errno == EINVAL,
		   "register_decode('%s') fails with EINVAL", regbad[i]);
		ok(p == regbad[i] && memcmp(&reg, &saved, sizeof(reg)) == 0 &&
		   cap.count == 1,
		   "register_decode('%s'): nothing modified, one message (%s)",
		   regbad[i], cap.last);
	}
}

/* options decode */

enum { K_FIRST, K_SECOND, K_THIRD, NKEYS };

static struct {
	int calls;
	void *token;
	struct nmctx *ctx;
	char val[NKEYS][64];
	int set[NKEYS];
} seen;

static int record(struct nmreq_parse_ctx *p)
{
	int i;

	seen.calls++;
	seen.token = p->token;
	seen.ctx = p->ctx;
	for (i = 0; i < NKEYS; i++) {
		seen.set[i] = p->keys[i] != NULL;
		snprintf(seen.val[i], sizeof(seen.val[i]), "%s",
			 p->keys[i] ? p->keys[i] : "");
	}
	for (; i < NMREQ_OPT_MAXKEYS; i++)
		if (p->keys[i] != NULL)
			seen.set[0] = -1;	/* unexpected key id */
	return 0;
}

static int fail_erange(struct nmreq_parse_ctx *p)
{
	(void)p;
	seen.calls++;
	errno = ERANGE;
	return -1;
}

static int fail_noerrno(struct nmreq_parse_ctx *p)
{
	(void)p;
	seen.calls++;
	return -1;
}

static struct nmreq_opt_parser p_noerr = {
	.prefix = "noerr", .parse = fail_noerrno, .default_key = -1,
	.flags = NMREQ_OPTF_ALLOWEMPTY,
};

static struct nmreq_opt_parser p_delta = {
	.prefix = "delta", .parse = fail_erange, .default_key = 0,
	.nr_keys = 1, .next = &p_noerr,
	.keys = { { "v", 0, NMREQ_OPTK_DEFAULT } },
};

static struct nmreq_opt_parser p_gamma = {
	.prefix = "gamma", .parse = record, .default_key = -1,
	.nr_keys = 1, .flags = NMREQ_OPTF_DISABLED, .next = &p_delta,
	.keys = { { "x", 0, 0 } },
};

/* no default_key, but a key flagged NMREQ_OPTK_DEFAULT */
static struct nmreq_opt_parser p_epsilon = {
	.prefix = "epsilon", .parse = record, .default_key = -1,
	.nr_keys = 2, .next = &p_gamma,
	.keys = { { "a", 0, 0 }, { "b", 1, NMREQ_OPTK_DEFAULT } },
};

static struct nmreq_opt_parser p_beta = {
	.prefix = "beta", .parse = record, .default_key = -1,
	.nr_keys = 0, .flags = NMREQ_OPTF_ALLOWEMPTY, .next = &p_epsilon,
};

static struct nmreq_opt_parser p_alpha = {
	.prefix = "alpha", .parse = record, .default_key = K_FIRST,
	.nr_keys = 3, .next = &p_beta,
	.keys = {
		/* deliberately not in id order */
		{ "third_key", K_THIRD, 0 },
		{ "first-key", K_FIRST, NMREQ_OPTK_MUSTSET | NMREQ_OPTK_DEFAULT },
		{ "second", K_SECOND, NMREQ_OPTK_ALLOWEMPTY },
	},
};

static int token;

static int decode(const char *opt)
{
	memset(&seen, 0, sizeof(seen));
	cap_reset();
	errno = 0;
	return nmreq_options_decode(opt, &p_alpha, &token, &cap_ctx);
}

static void opt_ok(const char *opt, int calls, const char *v0, const char *v1,
		   const char *v2)
{
	const char *want[NKEYS] = { v0, v1, v2 };
	int i, match = 1;

	if (!ok(decode(opt) == 0, "options_decode('%s') succeeds", opt)) {
		diag("error: %s", cap.last);
		return;
	}
	is_int(seen.calls, calls, "options_decode('%s'): parser calls", opt);
	for (i = 0; i < NKEYS; i++) {
		if (want[i] == NULL ? seen.set[i] != 0 :
		    seen.set[i] != 1 || strcmp(seen.val[i], want[i]) != 0)
			match = 0;
	}
	ok(match, "options_decode('%s'): key values [%s|%s|%s]", opt,
	   seen.set[0] ? seen.val[0] : "-", seen.set[1] ? seen.val[1] : "-",
	   seen.set[2] ? seen.val[2] : "-");
	if (calls > 0)
		ok(seen.token == &token && seen.ctx == &cap_ctx,
		   "options_decode('%s'): token and context passed", opt);
}

static void opt_bad(const char *opt, int err, int calls, const char *msg)
{
	ok(decode(opt) < 0 && errno == err,
	   "options_decode('%s') fails with errno %d (%s)", opt, err,
	   strerror(err));
	ok(seen.calls == calls && (msg == NULL || cap_has(msg)),
	   "options_decode('%s'): %d parser calls, message (%s)", opt, calls,
	   cap.last);
}

static void test_options(void)
{
	const char *opt = "@alpha:first-key=a,second=b";
	char copy[64];

	opt_ok("", 0, NULL, NULL, NULL);
	ok(nmreq_options_decode(NULL, &p_alpha, NULL, NULL) == 0,
	   "options_decode(NULL) succeeds");
	opt_ok("@alpha=v1", 1, "v1", NULL, NULL);
	opt_ok("@alpha=x:y=z,w", 1, "x:y=z,w", NULL, NULL);
	opt_ok("@alpha:first-key=a,second,third-key=c", 1, "a", "", "c");
	opt_ok("@alpha:third_key=c,first_key=a", 1, "a", NULL, "c");
	opt_ok("@alpha:second=,first-key=q", 1, "q", "", NULL);
	opt_ok("@alpha=1@alpha=2", 2, "2", NULL, NULL);
	opt_ok("@beta", 1, NULL, NULL, NULL);
	opt_ok("@alpha=1@beta", 2, NULL, NULL, NULL);
	opt_ok("@epsilon=dflt", 1, NULL, "dflt", NULL);
	opt_ok("@epsilon:a=1,b=2", 1, "1", "2", NULL);

	strcpy(copy, opt);
	decode(copy);
	is_str(copy, opt, "options_decode does not modify its input");

	opt_bad("alpha=1", EINVAL, 0, "must start with '@'");
	opt_bad("@alpha:second=x", EINVAL, 0, "missing mandatory key 'first-key'");
	opt_bad("@alpha:first-key=a,first_key=b", EINVAL, 0, "more than once");
	opt_bad("@alpha:bogus=1", EINVAL, 0, "unknown key 'bogus'");
	opt_bad("@alpha:first-key", EINVAL, 0, "missing value");
	opt_bad("@alpha:first-key=", EINVAL, 0, "missing value");
	opt_bad("@alpha:first-key=a,", EINVAL, 0, "empty key");
	opt_bad("@alpha:", EINVAL, 0, "empty key");
	opt_bad("@alpha=", EINVAL, 0, "missing value");
	opt_bad("@alpha", EINVAL, 0, "missing body");
	opt_bad("@beta=1", EINVAL, 0, "no default key");
	opt_bad("@beta:x=1", EINVAL, 0, "unknown key 'x'");
	opt_bad("@gamma:x=1", EOPNOTSUPP, 0, "option gamma");
	opt_bad("@delta=1", ERANGE, 1, NULL);
	opt_bad("@noerr", EINVAL, 1, NULL);
	opt_bad("@@alpha=1", EINVAL, 0, "empty option name");
	opt_bad("@alpha=1@", EINVAL, 1, "empty option name");
	opt_bad("@alpha=1@zeta=2@alpha=3", EINVAL, 1, "unknown option: 'zeta'");
	opt_bad("@", EINVAL, 0, "empty option name");
}

int main(void)
{
	cap_install();
	test_header();
	test_register();
	test_options();
	return tap_done();
}
