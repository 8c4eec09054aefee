/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: FIFOs of buffers.  Each output pipe has one (its overflow queue:
 * fragments waiting for room in the pipe), and the free extra buffers are
 * one more.
 */
#include <stdlib.h>

#include <net/netmap_user.h>

#include "lb.h"

int lb_queue_init(struct lb_queue *q, uint32_t size)
{
	q->head = q->n = 0;
	q->size = size;
	q->v = NULL;
	if (size == 0)
		return 0;
	q->v = calloc(size, sizeof(*q->v));
	if (q->v == NULL) {
		q->size = 0;
		return -1;
	}
	return 0;
}

void lb_queue_fini(struct lb_queue *q)
{
	free(q->v);
	q->v = NULL;
	q->size = q->n = q->head = 0;
}

bool lb_queue_push(struct lb_queue *q, struct lb_buf b)
{
	uint32_t i;

	if (q->n >= q->size)
		return false;
	i = q->head + q->n;
	if (i >= q->size)
		i -= q->size;
	q->v[i] = b;
	q->n++;
	return true;
}

bool lb_queue_pop(struct lb_queue *q, struct lb_buf *b)
{
	if (q->n == 0)
		return false;
	*b = q->v[q->head];
	if (++q->head == q->size)
		q->head = 0;
	q->n--;
	return true;
}

const struct lb_buf *lb_queue_peek(const struct lb_queue *q, uint32_t i)
{
	uint32_t j = q->head + i;

	if (i >= q->n)
		return NULL;
	if (j >= q->size)
		j -= q->size;
	return &q->v[j];
}

uint32_t lb_queue_frame(const struct lb_queue *q)
{
	uint32_t i;

	for (i = 0; i < q->n; i++)
		if (!(lb_queue_peek(q, i)->flags & NS_MOREFRAG))
			return i + 1;
	return 0;	/* no complete frame (cannot happen: frames go whole) */
}
