/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay: load a pcap or pcapng file with libpcap, microsecond or
 * nanosecond timestamps alike (asked for in nanoseconds), all of it in
 * memory: the schedule is computed before the first frame is sent.
 * A timestamp earlier than the previous one is taken as equal to it (the
 * frames are sent in file order) and counted.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "nmreplay.h"

#define NR_FRAMES_START	1024
#define NR_DATA_START	(1u << 20)

void nr_trace_free(struct nr_trace *t)
{
	free(t->f);
	free(t->data);
	memset(t, 0, sizeof(*t));
}

/* Room for one more frame of len bytes; -1 if out of memory. */
static int nr_grow(struct nr_trace *t, size_t *nmax, uint64_t *dmax,
		   uint64_t used, uint32_t len)
{
	void *p;

	if (t->n == *nmax) {
		p = realloc(t->f, 2 * *nmax * sizeof(*t->f));
		if (p == NULL)
			return -1;
		t->f = p;
		*nmax *= 2;
	}
	while (used + len > *dmax) {
		p = realloc(t->data, 2 * *dmax);
		if (p == NULL)
			return -1;
		t->data = p;
		*dmax *= 2;
	}
	return 0;
}

/* Every record of p into t; 0, or -1 with a line on err. */
static int nr_read_all(struct nr_trace *t, pcap_t *p, const char *path,
		       FILE *err)
{
	size_t nmax = NR_FRAMES_START;
	uint64_t dmax = NR_DATA_START, used = 0, prev = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;

	t->f = malloc(nmax * sizeof(*t->f));
	t->data = malloc(dmax);
	if (t->f == NULL || t->data == NULL)
		goto nomem;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		struct nr_frame *f;
		uint32_t cap = h->caplen < h->len ? h->caplen : h->len;
		uint64_t ts = (uint64_t)h->ts.tv_sec * NR_NS +
			      (uint64_t)h->ts.tv_usec;

		if (h->len == 0 || h->len > 65535) {
			fprintf(err, "nmreplay: %s: frame %zu has length %u (1..65535)\n",
				path, t->n + 1, h->len);
			return -1;
		}
		if (nr_grow(t, &nmax, &dmax, used, h->len) < 0)
			goto nomem;
		f = &t->f[t->n++];
		if (t->n > 1 && ts < prev) {
			t->reordered++;
			ts = prev;
		}
		prev = ts;
		f->ts = ts;
		f->off = used;
		f->len = h->len;
		f->caplen = cap;
		f->at = 0;
		f->drop = false;
		memcpy(t->data + used, d, cap);
		memset(t->data + used + cap, 0, h->len - cap);
		used += h->len;
		t->bytes += h->len;
	}
	if (rc == PCAP_ERROR) {
		fprintf(err, "nmreplay: %s: bad record after %zu frames: %s\n",
			path, t->n, pcap_geterr(p));
		return -1;
	}
	if (t->n == 0) {
		fprintf(err, "nmreplay: %s: no frames to replay\n", path);
		return -1;
	}
	return 0;
nomem:
	fprintf(err, "nmreplay: %s: out of memory after %zu frames\n", path,
		t->n);
	return -1;
}

int nr_trace_load(struct nr_trace *t, const char *path, FILE *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int ret;

	memset(t, 0, sizeof(*t));
	ebuf[0] = '\0';
	p = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		fprintf(err, "nmreplay: cannot read %s: %s\n", path, ebuf);
		return -1;
	}
	t->linktype = pcap_datalink(p);
	ret = nr_read_all(t, p, path, err);
	pcap_close(p);
	if (ret < 0)
		nr_trace_free(t);
	return ret;
}
