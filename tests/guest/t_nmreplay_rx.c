// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_nmreplay_rx: the capture file and the receiver of t_nmreplay.sh, and a
 * small TAP test by itself.
 *
 *   t_nmreplay_rx                    TAP: the file it writes has the size
 *                                    and the records of the pattern
 *   t_nmreplay_rx write FILE         write the pcap (us timestamps) of
 *                                    NR_BLOCKS blocks of NR_PER_BLOCK frames,
 *                                    NR_GAP_US apart within a block,
 *                                    NR_BLOCK_GAP_US between blocks
 *   t_nmreplay_rx rx PORT MAX_S      open PORT (nmport_open syntax), print
 *                                    "ready", receive the frames (at most
 *                                    MAX_S seconds), compare each with the
 *                                    pattern, print the counts and timings:
 *       frames N bad B
 *       gap_median_ns G window_median_ns W span_median_ns S
 *       span_min_ns A span_max_ns Z
 *       blockgap_median_ns K total_ns T
 *   (the frames are taken by a busy loop of syncs, each pass timed)
 *   (bad: frames not equal, byte for byte, to the next one of the file)
 */
#define _GNU_SOURCE
#include "common.h"

#include <libnetmap.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define NR_BLOCKS	10
#define NR_PER_BLOCK	1000
#define NR_FRAMES	(NR_BLOCKS * NR_PER_BLOCK)
#define NR_GAP_US	2000
#define NR_BLOCK_GAP_US	100000
#define NR_MAXLEN	1068
#define NR_WINDOW	100		/* frames of a window within a block */

/* Frame i: 60..1068 bytes; its index big-endian, then a pattern. */
static unsigned int fr_len(unsigned int i)
{
	return 60 + (i % 64) * 16;
}

static void fr_fill(unsigned int i, unsigned char *b)
{
	unsigned int j, n = fr_len(i);

	for (j = 0; j < n; j++)
		b[j] = (unsigned char)(i * 7 + j * 13 + 1);
	b[0] = (unsigned char)(i >> 24);
	b[1] = (unsigned char)(i >> 16);
	b[2] = (unsigned char)(i >> 8);
	b[3] = (unsigned char)i;
}

static uint64_t fr_ts_us(unsigned int i)
{
	unsigned int blk = i / NR_PER_BLOCK, k = i % NR_PER_BLOCK;

	return 1700000000ULL * 1000000 +
	       (uint64_t)blk * ((NR_PER_BLOCK - 1) * NR_GAP_US + NR_BLOCK_GAP_US) +
	       (uint64_t)k * NR_GAP_US;
}

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static int fr_write(const char *path)
{
	unsigned char b[NR_MAXLEN];
	FILE *f = fopen(path, "wb");
	unsigned int i;

	if (f == NULL)
		return -1;
	put32(f, 0xa1b2c3d4);
	put32(f, 2 | 4 << 16);		/* version 2.4 */
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 1);			/* Ethernet */
	for (i = 0; i < NR_FRAMES; i++) {
		uint64_t ts = fr_ts_us(i);

		put32(f, (uint32_t)(ts / 1000000));
		put32(f, (uint32_t)(ts % 1000000));
		put32(f, fr_len(i));
		put32(f, fr_len(i));
		fr_fill(i, b);
		fwrite(b, 1, fr_len(i), f);
	}
	return fclose(f);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The medians of the gaps within blocks, of the spans of NR_WINDOW frames
 * (the windows tile the blocks), of the blocks' spans and of the gaps
 * between blocks (a stall of the guest moves a few of them only), and the
 * whole run.
 */
static void report(const uint64_t *t, unsigned int n, unsigned int bad)
{
	uint64_t *gaps, spans[NR_BLOCKS], bgaps[NR_BLOCKS - 1];
	uint64_t wins[NR_FRAMES / NR_WINDOW];
	unsigned int i, ng = 0, nw = 0, blk;

	printf("frames %u bad %u\n", n, bad);
	if (n != NR_FRAMES)
		return;
	gaps = calloc(NR_FRAMES, sizeof(*gaps));
	if (gaps == NULL)
		return;
	for (i = 1; i < n; i++)
		if (i % NR_PER_BLOCK != 0)
			gaps[ng++] = t[i] - t[i - 1];
	qsort(gaps, ng, sizeof(*gaps), cmp_u64);
	for (i = 0; i < n; i += NR_WINDOW)
		wins[nw++] = t[i + NR_WINDOW - 1] - t[i];
	qsort(wins, nw, sizeof(*wins), cmp_u64);
	for (blk = 0; blk < NR_BLOCKS; blk++) {
		unsigned int a = blk * NR_PER_BLOCK;

		spans[blk] = t[a + NR_PER_BLOCK - 1] - t[a];
		if (blk > 0)
			bgaps[blk - 1] = t[a] - t[a - 1];
	}
	qsort(spans, NR_BLOCKS, sizeof(*spans), cmp_u64);
	qsort(bgaps, NR_BLOCKS - 1, sizeof(*bgaps), cmp_u64);
	printf("gap_median_ns %llu window_median_ns %llu span_median_ns %llu span_min_ns %llu "
	       "span_max_ns %llu blockgap_median_ns %llu total_ns %llu\n",
	       (unsigned long long)gaps[ng / 2],
	       (unsigned long long)wins[nw / 2],
	       (unsigned long long)spans[NR_BLOCKS / 2],
	       (unsigned long long)spans[0],
	       (unsigned long long)spans[NR_BLOCKS - 1],
	       (unsigned long long)bgaps[(NR_BLOCKS - 1) / 2],
	       (unsigned long long)(t[n - 1] - t[0]));
	free(gaps);
}

static int fr_rx(const char *port, unsigned int max_s)
{
	unsigned char want[NR_MAXLEN];
	struct nmport_d *d = nmport_open(port);
	uint64_t *t, end;
	unsigned int n = 0, bad = 0;

	if (d == NULL) {
		fprintf(stderr, "cannot open %s\n", port);
		return 1;
	}
	t = calloc(NR_FRAMES, sizeof(*t));
	if (t == NULL)
		return 1;
	printf("ready\n");
	fflush(stdout);
	end = now_ns() + (uint64_t)max_s * 1000000000ULL;
	/* busy: a sync and a look at the rings, timed, again and again */
	while (n < NR_FRAMES && now_ns() < end) {
		unsigned int r;

		ioctl(d->fd, NIOCRXSYNC, NULL);
		for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
			struct netmap_ring *ring = NETMAP_RXRING(d->nifp, r);
			uint64_t at = now_ns();

			while (!nm_ring_empty(ring)) {
				struct netmap_slot *s = &ring->slot[ring->head];
				const unsigned char *b =
					(unsigned char *)NETMAP_BUF(ring, s->buf_idx);

				if (n < NR_FRAMES) {
					fr_fill(n, want);
					if (s->len != fr_len(n) ||
					    memcmp(b, want, s->len) != 0)
						bad++;
					t[n] = at;
				}
				n++;
				ring->head = ring->cur = nm_ring_next(ring, ring->head);
			}
		}
	}
	ioctl(d->fd, NIOCRXSYNC, NULL);
	report(t, n, bad);
	free(t);
	nmport_close(d);
	return 0;
}

/* No arguments: the file's layout, checked by reading it back. */
static int self_test(void)
{
	char path[] = "/tmp/t_nmreplay_rx.XXXXXX";
	unsigned char hdr[16], b[NR_MAXLEN], want[NR_MAXLEN];
	unsigned int i, good = 0;
	uint64_t size = 24;
	FILE *f;
	int fd;

	tap_start(60);
	fd = mkstemp(path);
	if (fd < 0)
		bail("mkstemp: %s", strerror(errno));
	close(fd);
	ok(fr_write(path) == 0, "the file is written");
	for (i = 0; i < NR_FRAMES; i++)
		size += 16 + fr_len(i);
	f = fopen(path, "rb");
	if (f == NULL)
		bail("cannot read %s back", path);
	fseek(f, 0, SEEK_END);
	is(ftell(f), (long long)size, "its size: header and %u records", NR_FRAMES);
	fseek(f, 24, SEEK_SET);
	for (i = 0; i < NR_FRAMES; i++) {
		uint32_t w[4];

		if (fread(hdr, 1, 16, f) != 16)
			break;
		memcpy(w, hdr, 16);
		if (fread(b, 1, w[2], f) != w[2])
			break;
		fr_fill(i, want);
		good += (uint64_t)w[0] * 1000000 + w[1] == fr_ts_us(i) &&
			w[2] == fr_len(i) && w[3] == w[2] &&
			memcmp(b, want, w[2]) == 0;
	}
	fclose(f);
	unlink(path);
	is(good, NR_FRAMES, "every record has the pattern's time, length and bytes");
	is((long long)(fr_ts_us(NR_PER_BLOCK) - fr_ts_us(NR_PER_BLOCK - 1)),
	   NR_BLOCK_GAP_US, "blocks are %u us apart", NR_BLOCK_GAP_US);
	return tap_end();
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return self_test();
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return fr_write(argv[2]) == 0 ? 0 : 1;
	if (argc == 4 && strcmp(argv[1], "rx") == 0)
		return fr_rx(argv[2], (unsigned int)atoi(argv[3]));
	fprintf(stderr, "usage: t_nmreplay_rx [write FILE | rx PORT MAX_S]\n");
	return 2;
}
