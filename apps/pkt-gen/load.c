/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: -P, the packet to send taken from a pcap file (libpcap).
 * Built with -DNO_PCAP (static builds: libpcap.a needs libraries that
 * have no static archive) -P reports that it is not available.
 */
#include <stdlib.h>
#include <string.h>

#include "pkt-gen.h"

#ifndef NO_PCAP
#include <pcap/pcap.h>

/* The first packet of the file, in a malloc()ed buffer. */
int pg_load_pcap(const char *file, uint8_t **pkt, size_t *len)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int rc = -1;

	p = pcap_open_offline(file, err);
	if (!p) {
		PG_LOG("cannot open pcap file %s: %s", file, err);
		return -1;
	}
	if (pcap_next_ex(p, &h, &data) != 1) {
		PG_LOG("cannot read a packet from %s", file);
	} else if (h->caplen < PG_ETH_HLEN || h->caplen > PG_MAX_PKT) {
		PG_LOG("%s: packet of %u bytes, must be %d..%d", file,
		       h->caplen, PG_ETH_HLEN, PG_MAX_PKT);
	} else if ((*pkt = malloc(h->caplen)) != NULL) {
		memcpy(*pkt, data, h->caplen);
		*len = h->caplen;
		if (h->caplen < h->len)
			PG_LOG("%s: packet truncated to %u of %u bytes", file,
			       h->caplen, h->len);
		rc = 0;
	}
	pcap_close(p);
	return rc;
}
#else
int pg_load_pcap(const char *file, uint8_t **pkt, size_t *len)
{
	(void)pkt;
	(void)len;
	PG_LOG("cannot use %s: this pkt-gen was built without pcap support "
	       "(NO_PCAP)", file);
	return -1;
}
#endif
