/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: the memory queue between a direction's producer and consumer (see
 * struct tl_queue in tlem.h).  Records are a header and the frame rounded
 * up to 16 bytes, never split at the end of the ring: a record that does
 * not fit there is preceded by a padding header that sends the consumer
 * back to the start.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "tlem.h"

#define TL_REC_ALIGN	16u
#define TL_QUEUE_MIN	(4ull << 20)
#define TL_QUEUE_MAX	(1ull << 30)

static uint64_t tl_rec_bytes(unsigned int len)
{
	return sizeof(struct tl_rec) +
	       (((uint64_t)len + TL_REC_ALIGN - 1) & ~(uint64_t)(TL_REC_ALIGN - 1));
}

uint64_t tl_queue_bytes(const struct tl_link *l, unsigned int bufsize)
{
	/* What the link holds: the queue, and bandwidth x (delay + its tail). */
	uint64_t dmax = l->delay_model == TL_DELAY_EXP ?
			l->dmin + 4 * (l->dmax - l->dmin) : l->dmax;
	uint64_t need = 0, frames = 0;

	if (l->bps) {
		unsigned __int128 b = (unsigned __int128)l->bps *
				      dmax / (8 * TL_NS);

		need = b > TL_QUEUE_MAX ? TL_QUEUE_MAX : (uint64_t)b;
		need += l->qsize;
		/* the smallest frames carry the most header per byte */
		frames = need / 60 + 1;
	}
	need += frames * sizeof(struct tl_rec) + 1024 * tl_rec_bytes(bufsize);
	need *= 2;
	if (need < TL_QUEUE_MIN)
		need = TL_QUEUE_MIN;
	return need > TL_QUEUE_MAX ? TL_QUEUE_MAX : need;
}

static int tl_queue_sync_init(struct tl_queue *q)
{
	pthread_condattr_t ca;
	int err;

	if (pthread_condattr_init(&ca))
		return -1;
	err = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) ||
	      pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return -1;
	if (pthread_mutex_init(&q->lock, NULL)) {
		pthread_cond_destroy(&q->cond);
		return -1;
	}
	return 0;
}

int tl_queue_init(struct tl_queue *q, uint64_t bytes, bool hugepages)
{
	uint64_t size = TL_REC_ALIGN * 4;

	memset(q, 0, sizeof(*q));
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	atomic_init(&q->sleeping, false);
	if (tl_queue_sync_init(q) < 0)
		return -1;
	while (size < bytes)
		size <<= 1;
	q->size = size;
	if (hugepages) {
		q->buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (q->buf != MAP_FAILED) {
			q->huge = true;
			return 0;
		}
		tl_log("no hugepages for the queue, using normal pages");
	}
	q->buf = aligned_alloc(64, size);
	if (q->buf != NULL)
		return 0;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	return -1;
}

void tl_queue_fini(struct tl_queue *q)
{
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	if (q->huge)
		munmap(q->buf, q->size);
	else
		free(q->buf);
	q->buf = NULL;
}

struct tl_rec *tl_queue_reserve(struct tl_queue *q, unsigned int len)
{
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	/* Pairs with the release in tl_queue_pop(): those bytes are free. */
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	uint64_t pos = tail & (q->size - 1), need = tl_rec_bytes(len);
	uint64_t pad = pos + need > q->size ? q->size - pos : 0;
	struct tl_rec *r;

	if (need > q->size / 2 || q->size - (tail - head) < pad + need)
		return NULL;
	if (pad) {
		r = (struct tl_rec *)(q->buf + pos);
		r->pad = 1;
		r->len = 0;
		pos = 0;
	}
	r = (struct tl_rec *)(q->buf + pos);
	r->pad = 0;
	r->len = len;
	q->next_tail = tail + pad + need;
	return r;
}

void tl_queue_commit(struct tl_queue *q)
{
	/* The record is written before the consumer can see it. */
	atomic_store_explicit(&q->tail, q->next_tail, memory_order_release);
}

struct tl_rec *tl_queue_peek(struct tl_queue *q)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	/* Pairs with the release in tl_queue_commit(). */
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	uint64_t pos;
	struct tl_rec *r;

	if (head == tail)
		return NULL;
	pos = head & (q->size - 1);
	r = (struct tl_rec *)(q->buf + pos);
	if (r->pad) {
		/* the record after the padding was committed with it */
		head += q->size - pos;
		atomic_store_explicit(&q->head, head, memory_order_release);
		r = (struct tl_rec *)q->buf;
	}
	return r;
}

void tl_queue_pop(struct tl_queue *q, const struct tl_rec *r)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	atomic_store_explicit(&q->head, head + tl_rec_bytes(r->len),
			      memory_order_release);
}

void tl_queue_wake(struct tl_queue *q)
{
	/*
	 * The new tail is stored before sleeping is read; tl_queue_wait()
	 * stores sleeping before it reads the tail: one of the two sees the
	 * other's store, so a frame never waits for the timeout.
	 */
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&q->sleeping, memory_order_relaxed))
		return;
	pthread_mutex_lock(&q->lock);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void tl_queue_wait(struct tl_queue *q, uint64_t until)
{
	struct timespec ts = {
		.tv_sec = (time_t)(until / TL_NS),
		.tv_nsec = (long)(until % TL_NS),
	};

	pthread_mutex_lock(&q->lock);
	atomic_store_explicit(&q->sleeping, true, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	/* Under the lock: a wake-up after this check finds us in the wait. */
	if (atomic_load_explicit(&q->tail, memory_order_relaxed) ==
	    atomic_load_explicit(&q->head, memory_order_relaxed))
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
	atomic_store_explicit(&q->sleeping, false, memory_order_relaxed);
	pthread_mutex_unlock(&q->lock);
}
