/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dedup: the duplicate detector.  A FIFO of the frames let through, with
 * a copy of each (so the window holds no netmap buffer), their arrival
 * time and a hash of their first bytes to skip most comparisons.
 */
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

int dd_table_init(struct dd_table *t, unsigned int size, unsigned int maxlen,
		  uint64_t win_us)
{
	memset(t, 0, sizeof(*t));
	if (size == 0 || maxlen == 0)
		return -1;
	t->ent = calloc(size, sizeof(*t->ent));
	t->data = calloc(size, maxlen);
	if (t->ent == NULL || t->data == NULL) {
		dd_table_fini(t);
		return -1;
	}
	t->size = size;
	t->maxlen = maxlen;
	t->win_us = win_us;
	return 0;
}

void dd_table_fini(struct dd_table *t)
{
	free(t->ent);
	free(t->data);
	t->ent = NULL;
	t->data = NULL;
}

/* FNV-1a over the first DD_HASH_BYTES bytes (fewer if the frame is). */
uint32_t dd_hash(const void *buf, unsigned int len)
{
	const unsigned char *p = buf;
	unsigned int n = len < DD_HASH_BYTES ? len : DD_HASH_BYTES;
	uint32_t h = 2166136261u;
	unsigned int i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static unsigned int dd_slot(const struct dd_table *t, unsigned int k)
{
	return (t->first + k) % t->size;
}

static void dd_drop_oldest(struct dd_table *t)
{
	t->first = dd_slot(t, 1);
	t->count--;
}

void dd_expire(struct dd_table *t, uint64_t now)
{
	while (t->count > 0) {
		const struct dd_entry *e = &t->ent[t->first];

		if (now < e->arrival || now - e->arrival <= t->win_us)
			break;
		dd_drop_oldest(t);
		t->expired++;
	}
}

bool dd_seen(const struct dd_table *t, const void *buf, unsigned int len)
{
	unsigned int k;
	uint32_t h;

	if (len > t->maxlen)
		len = t->maxlen;
	h = dd_hash(buf, len);
	for (k = 0; k < t->count; k++) {
		unsigned int i = dd_slot(t, k);
		const struct dd_entry *e = &t->ent[i];

		if (e->hash == h && e->len == len &&
		    memcmp(t->data + (size_t)i * t->maxlen, buf, len) == 0)
			return true;
	}
	return false;
}

void dd_remember(struct dd_table *t, const void *buf, unsigned int len,
		 uint64_t now)
{
	unsigned int i;

	if (len > t->maxlen)
		len = t->maxlen;
	if (t->count == t->size) {
		dd_drop_oldest(t);
		t->evicted++;
	}
	i = dd_slot(t, t->count);
	t->ent[i].arrival = now;
	t->ent[i].hash = dd_hash(buf, len);
	t->ent[i].len = (uint16_t)len;
	memcpy(t->data + (size_t)i * t->maxlen, buf, len);
	t->count++;
}
