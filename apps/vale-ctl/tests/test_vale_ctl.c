// SPDX-License-Identifier: BSD-2-Clause
/* Unit tests of vale-ctl's command line (options.c). TAP output. */
#include <stdio.h>
#include <string.h>

#include "vale-ctl.h"

static int n, fail;

static void check(int cond, const char *what)
{
	n++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n, what);
	fail += !cond;
}

static int parse(struct vc_opts *o, const char *line)
{
	static char buf[256];	/* o->name points into it */
	char *argv[16], err[160];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 15; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return vc_parse(argc, argv, o, err, sizeof(err));
}

int main(void)
{
	struct vc_opts o;

	check(parse(&o, "vale-ctl") == 0 && o.action == VC_LIST_ALL && !o.name,
	      "no option: list everything");
	check(parse(&o, "vale-ctl -a vale0:eth1") == 0 && o.action == VC_ATTACH &&
	      !strcmp(o.name, "vale0:eth1"), "-a attaches the named NIC");
	check(parse(&o, "vale-ctl -h vale0:eth1") == 0 && o.action == VC_ATTACH_HOST,
	      "-h attaches NIC and host stack");
	check(parse(&o, "vale-ctl -a vale0:a -d vale0:b") == 0 && o.action == VC_DETACH &&
	      !strcmp(o.name, "vale0:b"), "the last action given wins");
	check(parse(&o, "vale-ctl -n v0 -C 2048,1024,2,4") == 0 && o.action == VC_NEWIF &&
	      o.nconf == 4 && o.conf[0] == 2048 && o.conf[1] == 1024 && o.conf[2] == 2 &&
	      o.conf[3] == 4, "-C takes four numbers");
	check(parse(&o, "vale-ctl -p vale0:eth1 -C 1,0,2") == 0 && o.action == VC_POLL_ON &&
	      o.nconf == 3, "-p with -C mode,cpu,n");
	check(parse(&o, "vale-ctl -n v0 -C 1,2,3,4,5") != 0, "-C with five numbers is refused");
	check(parse(&o, "vale-ctl -n v0 -C 1,x") != 0, "-C with a non-number is refused");
	check(parse(&o, "vale-ctl -n v0 -C -1") != 0, "-C with a negative number is refused");
	check(parse(&o, "vale-ctl -x") != 0, "an unknown option is refused");
	check(parse(&o, "vale-ctl -a") != 0, "a missing argument is refused");
	check(parse(&o, "vale-ctl -l vale0:a extra") != 0, "a stray argument is refused");
	check(parse(&o, "vale-ctl -n v0 -m 3 -v -v") == 0 && !strcmp(o.mem, "3") &&
	      o.verbose == 2, "-m and -v");
	check(!strcmp(vc_action_verb(VC_DELIF), "delete"), "error messages name the action");
	printf("1..%d\n", n);
	return fail != 0;
}
