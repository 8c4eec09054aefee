// SPDX-License-Identifier: BSD-2-Clause
/*
 * Built in the package test chroot with
 *   cc nm_pc_open.c $(pkg-config --cflags --libs libnetmap)
 * against libnetmap-dev: opens the port named on the command line with
 * nmport_open(), prints what it got and closes it. Exit 0 on success.
 */
#include <stdio.h>
#include <libnetmap.h>

int main(int argc, char **argv)
{
	struct nmport_d *d;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORTSPEC\n", argv[0]);
		return 2;
	}
	d = nmport_open(argv[1]);
	if (d == NULL) {
		perror(argv[1]);
		return 1;
	}
	printf("%s: %u tx rings, %u rx rings, %u slots per tx ring\n",
	       argv[1], d->last_tx_ring - d->first_tx_ring + 1u,
	       d->last_rx_ring - d->first_rx_ring + 1u,
	       NETMAP_TXRING(d->nifp, d->first_tx_ring)->num_slots);
	nmport_close(d);
	return 0;
}
