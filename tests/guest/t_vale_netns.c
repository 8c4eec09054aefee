// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_vale_netns: VALE switches belong to a network namespace (ABI.md
 * §14: max_bridges switches per namespace). The program moves between the
 * initial namespace and one of its own with setns():
 *  - a switch name in each namespace is a different switch: frames and
 *    listings do not cross;
 *  - each namespace has max_bridges switches, whatever the other uses;
 *  - when the namespace goes, its switches let go of the NIC and the
 *    persistent port attached there (the interface, moved back to the
 *    initial namespace, can be deleted), while ports still open keep
 *    exchanging frames in a switch no name finds any more.
 */
#define _GNU_SOURCE
#include "common.h"
#include "vale_util.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#define NMT_MAX_SWITCHES 64	/* the module caps max_bridges there */

static int root_ns, my_ns;

static void enter(int ns)
{
	if (setns(ns, CLONE_NEWNET)) {
		diag("setns: %s", errname(errno));
		exit(tap_end() | 1);
	}
}

/* Ports of the switches of the caller's namespace, as VALE_LIST gives them. */
static unsigned int listed(int fd, const char *prefix)
{
	char name[NETMAP_REQ_IFNAMSIZ];
	unsigned int n = 0;
	uint16_t b = 0;
	uint32_t p = 0;

	while (!vale_list(fd, "", &b, &p, name)) {
		n += !strncmp(name, prefix, strlen(prefix));
		p++;
	}
	return n;
}

/* Frames waiting on @p's RX ring 0 within @ms, consumed. */
static uint32_t arrived(struct nmt_port *p, unsigned int ms)
{
	uint32_t n = 0;

	nmt_sleep_ms(ms);
	n += drain(p, NULL);
	return n;
}

static void isolation(int fd, struct nmt_port *a, struct nmt_port *b,
		      struct nmt_port *c)
{
	uint16_t bi = 0;
	uint32_t pi = 0;

	enter(my_ns);
	is_err(nmt_port_open(a, "valeS:a", &NMT_REQ_ALL), 0, "namespace: valeS:a");
	is_err(nmt_port_open(b, "valeS:b", &NMT_REQ_ALL), 0, "namespace: valeS:b");
	is(listed(fd, "valeS:"), 2, "namespace: valeS lists 2 ports");
	enter(root_ns);
	is_err(vale_list(fd, "valeS:a", &bi, &pi, NULL), ENOENT,
	       "initial namespace: no switch valeS yet");
	is_err(nmt_port_open(c, "valeS:a", &NMT_REQ_ALL), 0,
	       "initial namespace: valeS:a, the same name, another port");
	is(listed(fd, "valeS:"), 1, "initial namespace: valeS lists 1 port");

	is_err(send_one(c, BCAST, 3, 60, 1), 0, "broadcast from the initial valeS:a");
	is(arrived(a, 200) + arrived(b, 0), 0, "no port of the namespace's valeS gets it");
	is_err(send_one(a, BCAST, 1, 60, 2), 0, "broadcast from the namespace's valeS:a");
	is(arrived(b, 200), 1, "the namespace's valeS:b gets it");
	is(arrived(c, 0), 0, "the initial valeS:a does not");
}

/* max_bridges switches in the namespace while the initial one has some. */
static void limit(void)
{
	struct nmt_port p[NMT_MAX_SWITCHES], x;
	char name[32];
	long max = 8;
	int i, n;

	if (nmt_param_read("max_bridges", &max) || max < 2 || max > NMT_MAX_SWITCHES) {
		skip("max_bridges unreadable or out of range", "switch limit");
		return;
	}
	enter(my_ns);
	/* valeS exists here already. */
	for (i = 0, n = 0; i < max - 1; i++) {
		snprintf(name, sizeof(name), "valeL%d:x", i);
		n += !nmt_port_open(&p[i], name, &NMT_REQ_ALL);
	}
	is(n, max - 1, "namespace: %ld switches (max_bridges) in use", max);
	is_err(nmt_port_open(&x, "valeL99:x", &NMT_REQ_ALL), ENOMEM,
	       "namespace: one switch more -> ENOMEM");
	enter(root_ns);
	is_err(nmt_port_open(&x, "valeR:x", &NMT_REQ_ALL), 0,
	       "initial namespace: a new switch still fits");
	nmt_port_close(&x);
	for (i = 0; i < max - 1; i++)
		nmt_port_close(&p[i]);
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return st == 0 ? 0 : -1;
}

/* A persistent port and a veth end attached to switches of the namespace. */
static void attachments(int fd)
{
	struct nmreq_vale_newif nif = { 0 };
	int have_veth;

	enter(my_ns);
	is_err(newif(fd, "nsvif0", &nif), 0, "namespace: NEWIF nsvif0");
	ok(if_nametoindex("nsvif0") > 0, "nsvif0 is an interface of the namespace");
	is_err(attach(fd, "valeS:nsvif0", NR_REG_ALL_NIC, 0, NULL), 0,
	       "namespace: ATTACH valeS:nsvif0");
	have_veth = !run("/sbin/ip link add nsv0 type veth peer name nsv1 2>/dev/null");
	if (have_veth) {
		run("/sbin/ip link set dev nsv0 up; /sbin/ip link set dev nsv1 up");
		is_err(attach(fd, "valeN:nsv0", NR_REG_NIC_SW, 0, NULL), 0,
		       "namespace: ATTACH valeN:nsv0 with its host stack");
		is(listed(fd, "valeN:nsv0"), 2, "namespace: valeN lists nsv0 and nsv0^");
	} else {
		skip("no veth", "namespace: a NIC attached");
	}
	enter(root_ns);
	ok(if_nametoindex("nsvif0") == 0, "nsvif0 is not in the initial namespace");
	is_err(delif(fd, "nsvif0"), ENXIO, "initial namespace: DELIF nsvif0 -> ENXIO");
}

/*
 * The namespace goes (its cleanup runs in the background): the persistent
 * port comes back to the initial namespace and, once its switch has let go
 * of it, can be deleted.
 */
static void namespace_gone(int fd, struct nmt_port *a, struct nmt_port *b,
			   struct nmt_port *c)
{
	uint64_t t0 = nmt_now_ms();
	uint32_t got, bad;
	int err = ENXIO;

	close(my_ns);
	my_ns = -1;
	while (nmt_now_ms() - t0 < 60000) {
		err = delif(fd, "nsvif0");
		if (err != ENXIO && err != EBUSY)
			break;
		nmt_sleep_ms(100);
	}
	is_err(err, 0, "namespace gone: nsvif0 back, detached, deleted (%llu ms)",
	       (unsigned long long)(nmt_now_ms() - t0));
	is(listed(fd, "valeS:"), 1, "initial namespace: valeS still lists only its own port");
	is(listed(fd, "valeN:"), 0, "initial namespace: no valeN");

	got = vale_cross(a, 1, BCAST, b, 500, 20000, &bad);
	is(got, 500, "orphaned switch: 500 frames valeS:a -> valeS:b");
	is(bad, 0, "orphaned switch: in order, every byte checked");
	is(arrived(c, 100), 0, "none reaches the initial valeS:a");
	nmt_port_close(a);
	nmt_port_close(b);
	is_err(send_one(c, BCAST, 3, 60, 4), 0, "the initial valeS:a still sends");
	nmt_port_close(c);
}

int main(void)
{
	struct nmt_port a, b, c;
	int fd;

	tap_start(180);
	fd = nmt_open_dev();
	root_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (root_ns < 0 || unshare(CLONE_NEWNET)) {
		skip("no network namespaces", "the whole test");
		return tap_end();
	}
	my_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	enter(root_ns);
	isolation(fd, &a, &b, &c);
	limit();
	attachments(fd);
	namespace_gone(fd, &a, &b, &c);
	close(root_ns);
	close(fd);
	return tap_end();
}
