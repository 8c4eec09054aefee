// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_helper_open: helper of t_modload.sh, and a small TAP test by itself.
 *
 *   t_helper_open               TAP: open a pipe, move packets both ways, close
 *   t_helper_open traffic       the same, silent; exit 0 iff it worked
 *   t_helper_open hold FILE     open a pipe end, create FILE, sleep (<= 60 s)
 *   t_helper_open holdmap FILE  register, mmap, close the fd (only the mapping
 *                               keeps the file), create FILE, sleep (<= 60 s)
 *   t_helper_open noopen        exit 0 iff /dev/netmap cannot be opened
 *   t_helper_open info PORT     open PORT (nmport_open syntax) and print
 *                               "TXRINGS TXSLOTS RXRINGS RXSLOTS"
 */
#define _GNU_SOURCE
#include "common.h"

#include <fcntl.h>
#include <libnetmap.h>
#include <sys/mman.h>
#include <unistd.h>

#define NPKT 50

/* Move NPKT packets from a to b; NULL on success, else what went wrong. */
static const char *move(struct nmport_d *a, struct nmport_d *b, uint64_t seq0)
{
	struct netmap_ring *tx = NETMAP_TXRING(a->nifp, a->first_tx_ring);
	struct netmap_ring *rx = NETMAP_RXRING(b->nifp, b->first_rx_ring);
	unsigned int i;

	for (i = 0; i < NPKT; i++)
		nmt_put(tx, 60 + 20 * i, seq0 + i);
	if (nmt_txsync(a->fd))
		return "NIOCTXSYNC failed";
	if (nmt_rx_wait(b->fd, rx, NPKT, 2000) != NPKT)
		return "packets missing";
	for (i = 0; i < NPKT; i++) {
		struct netmap_slot *s = &rx->slot[rx->head];

		if (s->len != 60 + 20 * i ||
		    nmt_check(NETMAP_BUF(rx, s->buf_idx), s->len,
			      seq0 + i) != -1)
			return "payload corrupted";
		nmt_advance(rx, 1);
	}
	if (nmt_rxsync(b->fd))
		return "NIOCRXSYNC failed";
	if (!nmt_tx_drain(a->fd, tx, 2000))
		return "TX ring did not drain";
	return NULL;
}

static const char *traffic(void)
{
	struct nmport_d *m, *s;
	const char *err = NULL;

	m = nmport_open("netmap:hlp{1");
	if (!m)
		return "cannot open netmap:hlp{1";
	s = nmport_open("netmap:hlp}1");
	if (!s) {
		nmport_close(m);
		return "cannot open netmap:hlp}1";
	}
	err = move(m, s, 1000);
	if (!err)
		err = move(s, m, 2000);
	nmport_close(s);
	nmport_close(m);
	return err;
}

static int selftest(void)
{
	const char *err;
	int i;

	tap_start(60);
	for (i = 0; i < 3; i++) {
		err = traffic();
		ok(err == NULL, "round %d: open a pipe, %d packets each way, "
		   "close%s%s", i, NPKT, err ? ": " : "", err ? err : "");
	}
	return tap_end();
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
}

static int hold(const char *flag, int only_map)
{
	struct nmt_port p;
	int err;

	alarm(60);	/* never outlive the script by much */
	err = nmt_port_open(&p, "hlh{1", &NMT_REQ_ALL);
	if (err) {
		fprintf(stderr, "hold: open hlh{1: %s\n", errname(err));
		return 1;
	}
	if (only_map) {
		close(p.fd);
		p.fd = -1;
		/* touch the mapping so the pages are really mapped */
		if (strcmp(p.nifp->ni_name, "hlh{1") != 0) {
			fprintf(stderr, "holdmap: wrong ni_name\n");
			return 1;
		}
	}
	touch(flag);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return selftest();
	if (strcmp(argv[1], "traffic") == 0) {
		const char *err = traffic();

		if (err)
			fprintf(stderr, "traffic: %s\n", err);
		return err ? 1 : 0;
	}
	if (strcmp(argv[1], "hold") == 0 && argc == 3)
		return hold(argv[2], 0);
	if (strcmp(argv[1], "holdmap") == 0 && argc == 3)
		return hold(argv[2], 1);
	if (strcmp(argv[1], "info") == 0 && argc == 3) {
		struct nmport_d *d = nmport_open(argv[2]);

		if (!d) {
			fprintf(stderr, "info: cannot open %s\n", argv[2]);
			return 1;
		}
		printf("%u %u %u %u\n", d->reg.nr_tx_rings, d->reg.nr_tx_slots,
		       d->reg.nr_rx_rings, d->reg.nr_rx_slots);
		nmport_close(d);
		return 0;
	}
	if (strcmp(argv[1], "noopen") == 0) {
		int fd = open(NMT_DEV, O_RDWR);

		if (fd >= 0) {
			fprintf(stderr, "noopen: %s opened\n", NMT_DEV);
			close(fd);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: %s [traffic | hold FILE | holdmap FILE | "
		"noopen | info PORT]\n", argv[0]);
	return 2;
}
