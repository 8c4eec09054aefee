/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control requests: the port-spec parser (subsystem and port name, ring
 * selection and flags, option lists), request headers and option lists.
 *
 * A port spec reads  SUBSYSTEM PORT [MODE] [/FLAGS | @MEMID]... [@OPTION]...
 * where SUBSYSTEM is "netmap:" or "vale" ID ":", MODE is one of "*", "^",
 * "^N", "-N", FLAGS are letters among "xztrRT" and each OPTION is
 * "name", "name=value" or "name:key=value,key=value".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nmlib.h"

#define NM_SUBSYS_NETMAP	"netmap:"
#define NM_SUBSYS_VALE		"vale"
#define NM_PORT_END		"-*^/@"	/* characters that end a port name */
#define NM_MAX_RINGNUM		4094	/* largest N of "-N" and "^N" */
#define NM_MAX_MEMID		65535

static bool nm_is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool nm_is_ident(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (!nm_is_ident_char(*s))
			return false;
	return true;
}

void nmreq_header_init(struct nmreq_header *hdr, uint16_t reqtype, void *body)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->nr_version = NETMAP_API;
	hdr->nr_reqtype = reqtype;
	hdr->nr_body = (uint64_t)(uintptr_t)body;
}

/* "parent{id" or "parent}id": both parts non-empty, id an identifier. */
static int nm_check_pipe(const char *spec, const char *port, const char *end,
			 struct nmctx *ctx)
{
	const char *brace = port;

	while (brace < end && *brace != '{' && *brace != '}')
		brace++;
	if (brace == end)
		return 0;
	if (brace == port) {
		nmlib_fail(ctx, EINVAL,
			   "invalid port name: '%s': missing parent port before '%c'",
			   spec, *brace);
		return -1;
	}
	if (!nm_is_ident(brace + 1, end)) {
		nmlib_fail(ctx, EINVAL,
			   "invalid port name: '%s': pipe id after '%c' must be a non-empty run of letters, digits and '_'",
			   spec, *brace);
		return -1;
	}
	return 0;
}

int nmreq_header_decode(const char **ppspec, struct nmreq_header *hdr,
			struct nmctx *ctx)
{
	const char *spec = *ppspec;
	const char *name, *port, *end;
	size_t len;

	if (spec == NULL) {
		nmlib_fail(ctx, EINVAL, "invalid port name: (null)");
		return -1;
	}
	if (strncmp(spec, NM_SUBSYS_NETMAP, strlen(NM_SUBSYS_NETMAP)) == 0) {
		name = port = spec + strlen(NM_SUBSYS_NETMAP);
	} else if (strncmp(spec, NM_SUBSYS_VALE, strlen(NM_SUBSYS_VALE)) == 0) {
		name = spec;
		port = spec + strlen(NM_SUBSYS_VALE);
		while (nm_is_ident_char(*port))
			port++;
		if (*port != ':') {
			nmlib_fail(ctx, EINVAL,
				   "invalid port name: '%s': a VALE switch name is 'vale' followed by letters, digits or '_', then ':'",
				   spec);
			return -1;
		}
		port++;
	} else {
		nmlib_fail(ctx, EINVAL,
			   "invalid port name: '%s': must start with 'netmap:' or 'vale'",
			   spec);
		return -1;
	}

	end = port + strcspn(port, NM_PORT_END);
	if (end == port) {
		nmlib_fail(ctx, EINVAL, "invalid port name: '%s': missing port",
			   spec);
		return -1;
	}
	if (nm_check_pipe(spec, port, end, ctx) < 0)
		return -1;
	len = (size_t)(end - name);
	if (len >= sizeof(hdr->nr_name)) {
		nmlib_fail(ctx, EINVAL,
			   "invalid port name: '%s': name longer than %zu characters",
			   spec, sizeof(hdr->nr_name) - 1);
		return -1;
	}
	memset(hdr->nr_name, 0, sizeof(hdr->nr_name));
	memcpy(hdr->nr_name, name, len);
	*ppspec = end;
	return 0;
}

/* Decimal number at *ps, at most max; *ps is advanced past the digits. */
static int nm_parse_num(const char **ps, unsigned long max, unsigned long *val)
{
	const char *s = *ps;
	unsigned long n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		n = n * 10 + (unsigned long)(*s - '0');
		if (n > max)
			return -1;
	}
	*val = n;
	*ps = s;
	return 0;
}

static int nm_parse_ringnum(const char **ps, const char *mode, char sel,
			    uint16_t *ringid, struct nmctx *ctx)
{
	unsigned long n;

	if (nm_parse_num(ps, NM_MAX_RINGNUM, &n) < 0) {
		nmlib_fail(ctx, EINVAL,
			   "invalid ring selection '%s': '%c' needs a ring number between 0 and %d",
			   mode, sel, NM_MAX_RINGNUM);
		return -1;
	}
	*ringid = (uint16_t)n;
	return 0;
}

static uint64_t nm_flag_bit(char c)
{
	switch (c) {
	case 'x':
		return NR_EXCLUSIVE;
	case 'z':
		return NR_ZCOPY_MON;
	case 't':
		return NR_MONITOR_TX;
	case 'r':
		return NR_MONITOR_RX;
	case 'R':
		return NR_RX_RINGS_ONLY;
	case 'T':
		return NR_TX_RINGS_ONLY;
	default:
		return 0;
	}
}

/* One or more flag letters after '/', up to '/', '@' or the end. */
static int nm_parse_flags(const char **ps, const char *mode, uint64_t *flags,
			  struct nmctx *ctx)
{
	const char *s = *ps;

	if (*s == '\0' || *s == '/' || *s == '@') {
		nmlib_fail(ctx, EINVAL, "invalid flags in '%s': empty '/'",
			   mode);
		return -1;
	}
	for (; *s != '\0' && *s != '/' && *s != '@'; s++) {
		uint64_t bit = nm_flag_bit(*s);

		if (bit == 0) {
			nmlib_fail(ctx, EINVAL,
				   "invalid flags in '%s': unknown flag '%c' (valid: x z t r R T)",
				   mode, *s);
			return -1;
		}
		*flags |= bit;
	}
	*ps = s;
	return 0;
}

static int nm_parse_memid(const char **ps, const char *mode, uint16_t *mem_id,
			  struct nmctx *ctx)
{
	unsigned long n;

	if (nm_parse_num(ps, NM_MAX_MEMID, &n) < 0 || n == 0) {
		nmlib_fail(ctx, EINVAL,
			   "invalid mem id in '%s': must be between 1 and %d",
			   mode, NM_MAX_MEMID);
		return -1;
	}
	if (*mem_id != 0 && *mem_id != n) {
		nmlib_fail(ctx, EINVAL,
			   "invalid mem id in '%s': %lu conflicts with %u",
			   mode, n, *mem_id);
		return -1;
	}
	*mem_id = (uint16_t)n;
	return 0;
}

int nmreq_register_decode(const char **pmode, struct nmreq_register *reg,
			  struct nmctx *ctx)
{
	const char *mode = *pmode;
	const char *s = mode;
	uint32_t nr_mode = NR_REG_ALL_NIC;
	uint16_t ringid = 0, mem_id = 0;
	uint64_t flags = 0;

	switch (*s) {
	case '*':
		nr_mode = NR_REG_NIC_SW;
		s++;
		break;
	case '^':
		s++;
		nr_mode = NR_REG_SW;
		if (isdigit((unsigned char)*s)) {
			nr_mode = NR_REG_ONE_SW;
			if (nm_parse_ringnum(&s, mode, '^', &ringid, ctx) < 0)
				return -1;
		}
		break;
	case '-':
		s++;
		nr_mode = NR_REG_ONE_NIC;
		if (nm_parse_ringnum(&s, mode, '-', &ringid, ctx) < 0)
			return -1;
		break;
	}

	/* Any sequence of "/flags" and "@N"; "@" + non-digit starts options. */
	while (*s != '\0') {
		if (*s == '/') {
			s++;
			if (nm_parse_flags(&s, mode, &flags, ctx) < 0)
				return -1;
		} else if (*s == '@') {
			if (!isdigit((unsigned char)s[1]))
				break;
			s++;
			if (nm_parse_memid(&s, mode, &mem_id, ctx) < 0)
				return -1;
		} else {
			nmlib_fail(ctx, EINVAL,
				   "invalid ring selection '%s': unexpected '%c'",
				   mode, *s);
			return -1;
		}
	}

	reg->nr_mode = nr_mode;
	reg->nr_ringid = ringid;
	reg->nr_flags = flags;
	if (mem_id != 0)
		reg->nr_mem_id = mem_id;
	*pmode = s;
	return 0;
}

/* Key names compare equal when they only differ by '-' versus '_'. */
static bool nm_key_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a == '-' ? '_' : *a;
		char cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return false;
		if (ca == '\0')
			return true;
	}
}

static bool nm_parser_valid(const struct nmreq_opt_parser *p)
{
	int i;

	if (p->prefix == NULL || p->parse == NULL || p->nr_keys < 0 ||
	    p->nr_keys > NMREQ_OPT_MAXKEYS)
		return false;
	for (i = 0; i < p->nr_keys; i++)
		if (p->keys[i].key == NULL || p->keys[i].id < 0 ||
		    p->keys[i].id >= NMREQ_OPT_MAXKEYS)
			return false;
	return true;
}

static struct nmreq_opt_parser *nm_find_parser(struct nmreq_opt_parser *list,
					       const char *name)
{
	for (; list != NULL; list = list->next)
		if (list->prefix != NULL && strcmp(list->prefix, name) == 0)
			return list;
	return NULL;
}

static const struct nmreq_opt_key *
nm_default_key(const struct nmreq_opt_parser *p)
{
	int i;

	for (i = 0; i < p->nr_keys; i++) {
		const struct nmreq_opt_key *k = &p->keys[i];

		if (p->default_key >= 0 ? k->id == p->default_key :
		    (k->flags & NMREQ_OPTK_DEFAULT) != 0)
			return k;
	}
	return NULL;
}

/* Fill pctx->keys from "key=value,key=value" (modified in place). */
static int nm_parse_keys(char *list, const struct nmreq_opt_parser *p,
			 struct nmreq_parse_ctx *pctx, struct nmctx *ctx)
{
	char *item, *next;

	for (item = list; item != NULL; item = next) {
		const struct nmreq_opt_key *k = NULL;
		char *value;
		int i;

		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		value = strchr(item, '=');
		if (value != NULL)
			*value++ = '\0';
		if (*item == '\0') {
			nmlib_fail(ctx, EINVAL, "option %s: empty key",
				   p->prefix);
			return -1;
		}
		for (i = 0; i < p->nr_keys && k == NULL; i++)
			if (nm_key_eq(p->keys[i].key, item))
				k = &p->keys[i];
		if (k == NULL) {
			nmlib_fail(ctx, EINVAL, "option %s: unknown key '%s'",
				   p->prefix, item);
			return -1;
		}
		if (pctx->keys[k->id] != NULL) {
			nmlib_fail(ctx, EINVAL,
				   "option %s: key '%s' given more than once",
				   p->prefix, k->key);
			return -1;
		}
		if ((value == NULL || *value == '\0') &&
		    !(k->flags & NMREQ_OPTK_ALLOWEMPTY)) {
			nmlib_fail(ctx, EINVAL,
				   "option %s: missing value for key '%s'",
				   p->prefix, k->key);
			return -1;
		}
		pctx->keys[k->id] = value != NULL ? value : "";
	}
	return 0;
}

/* One option, without its leading '@' (modified in place). */
static int nm_decode_option(char *text, struct nmreq_opt_parser *parsers,
			    void *token, struct nmctx *ctx)
{
	struct nmreq_parse_ctx pctx = { .ctx = ctx, .token = token };
	const struct nmreq_opt_key *k;
	struct nmreq_opt_parser *p;
	char *body = text + strcspn(text, "=:");
	char sep = *body;
	int i;

	if (sep != '\0')
		*body++ = '\0';
	if (*text == '\0') {
		nmlib_fail(ctx, EINVAL, "empty option name after '@'");
		return -1;
	}
	p = nm_find_parser(parsers, text);
	if (p == NULL) {
		nmlib_fail(ctx, EINVAL, "unknown option: '%s'", text);
		return -1;
	}
	if (!nm_parser_valid(p)) {
		nmlib_fail(ctx, EINVAL, "option %s: invalid parser definition",
			   text);
		return -1;
	}
	if (p->flags & NMREQ_OPTF_DISABLED) {
		nmlib_fail(ctx, EOPNOTSUPP,
			   "option %s: disabled (the application must enable it)",
			   p->prefix);
		return -1;
	}

	if (sep == '\0') {
		if (!(p->flags & NMREQ_OPTF_ALLOWEMPTY)) {
			nmlib_fail(ctx, EINVAL,
				   "option %s: missing body ('=value' or ':key=value,...')",
				   p->prefix);
			return -1;
		}
	} else if (sep == '=') {
		k = nm_default_key(p);
		if (k == NULL) {
			nmlib_fail(ctx, EINVAL,
				   "option %s: no default key, use '%s:key=value'",
				   p->prefix, p->prefix);
			return -1;
		}
		if (*body == '\0') {
			nmlib_fail(ctx, EINVAL, "option %s: missing value",
				   p->prefix);
			return -1;
		}
		pctx.keys[k->id] = body;
	} else if (nm_parse_keys(body, p, &pctx, ctx) < 0) {
		return -1;
	}

	for (i = 0; i < p->nr_keys; i++) {
		k = &p->keys[i];
		if ((k->flags & NMREQ_OPTK_MUSTSET) && pctx.keys[k->id] == NULL) {
			nmlib_fail(ctx, EINVAL,
				   "option %s: missing mandatory key '%s'",
				   p->prefix, k->key);
			return -1;
		}
	}

	errno = 0;
	if (p->parse(&pctx) < 0) {
		if (errno == 0)
			errno = EINVAL;
		return -1;
	}
	return 0;
}

int nmreq_options_decode(const char *opt, struct nmreq_opt_parser *parsers,
			 void *token, struct nmctx *ctx)
{
	char *copy, *item, *next;
	size_t len;
	int ret = 0, err = 0;

	if (opt == NULL || *opt == '\0')
		return 0;
	if (*opt != '@') {
		nmlib_fail(ctx, EINVAL,
			   "invalid option list '%s': must start with '@'", opt);
		return -1;
	}
	len = strlen(opt);
	copy = nmctx_malloc(ctx, len + 1);
	if (copy == NULL) {
		nmlib_fail(ctx, ENOMEM, "cannot allocate the option list");
		return -1;
	}
	memcpy(copy, opt, len + 1);

	for (item = copy + 1; item != NULL; item = next) {
		next = strchr(item, '@');
		if (next != NULL)
			*next++ = '\0';
		if (nm_decode_option(item, parsers, token, ctx) < 0) {
			ret = -1;
			err = errno;
			break;
		}
	}
	nmctx_free(ctx, copy);
	if (ret < 0)
		errno = err;
	return ret;
}

int32_t nmreq_get_mem_id(const char **portname, struct nmctx *ctx)
{
	struct nmreq_port_info_get info;
	struct nmreq_header hdr;
	const char *scan = *portname;
	int fd, err;

	memset(&info, 0, sizeof(info));
	nmreq_header_init(&hdr, NETMAP_REQ_PORT_INFO_GET, &info);
	if (nmreq_header_decode(&scan, &hdr, ctx) < 0)
		return -1;
	fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (fd < 0) {
		err = errno;
		nmlib_fail(ctx, err, "cannot open %s: %s", NETMAP_DEVICE_NAME,
			   strerror(err));
		return -1;
	}
	if (ioctl(fd, NIOCCTRL, &hdr) < 0) {
		err = errno;
		close(fd);
		nmlib_fail(ctx, err, "cannot get info for port %s: %s",
			   hdr.nr_name, strerror(err));
		return -1;
	}
	close(fd);
	*portname = scan;
	return info.nr_mem_id;
}

void nmreq_push_option(struct nmreq_header *h, struct nmreq_option *o)
{
	o->nro_next = h->nr_options;
	h->nr_options = (uint64_t)(uintptr_t)o;
}

void nmreq_remove_option(struct nmreq_header *h, struct nmreq_option *o)
{
	uint64_t *link = &h->nr_options;

	while (*link != 0) {
		struct nmreq_option *cur =
			(struct nmreq_option *)(uintptr_t)*link;

		if (cur == o) {
			*link = o->nro_next;
			o->nro_next = 0;
			return;
		}
		link = &cur->nro_next;
	}
}

struct nmreq_option *nmreq_find_option(struct nmreq_header *h, uint32_t type)
{
	struct nmreq_option *o;

	nmreq_foreach_option(h, o)
		if (o->nro_reqtype == type)
			return o;
	return NULL;
}

void nmreq_free_options(struct nmreq_header *h)
{
	struct nmreq_option *o =
		(struct nmreq_option *)(uintptr_t)h->nr_options;

	while (o != NULL) {
		struct nmreq_option *next =
			(struct nmreq_option *)(uintptr_t)o->nro_next;

		free(o);
		o = next;
	}
	h->nr_options = 0;
}

const char *nmreq_option_name(uint32_t type)
{
	switch (type) {
	case NETMAP_REQ_OPT_EXTMEM:
		return "extmem";
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		return "sync-kloop-eventfds";
	case NETMAP_REQ_OPT_CSB:
		return "csb";
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:
		return "sync-kloop-mode";
	case NETMAP_REQ_OPT_OFFSETS:
		return "offsets";
	default:
		return "unknown";
	}
}
