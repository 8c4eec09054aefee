/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of tlem: the units and models of the command line, the
 * scheduling arithmetic (transmission times, backlog and queue drops, due
 * times in order, delay and loss distributions over many draws) and the
 * memory queue.
 */
#include <math.h>
#include <string.h>

#include "tlem.h"
#include "unit_test.h"

/* The logging of the program, for queue.c. */
void tl_log(const char *fmt, ...)
{
	(void)fmt;
}

static struct tl_link link_of(uint64_t bps, uint64_t delay, uint64_t qsize)
{
	struct tl_link l;

	memset(&l, 0, sizeof(l));
	l.bps = bps;
	l.dmin = l.dmax = delay;
	l.qsize = qsize;
	return l;
}

static void test_units(void)
{
	uint64_t v = 0;
	double p = -1;

	t_ok(tl_parse_time("5ms", &v) == 0 && v == 5000000, "time 5ms = 5000000 ns");
	t_ok(tl_parse_time("1.5", &v) == 0 && v == 1500000000, "time 1.5 = 1.5 s (no suffix: seconds)");
	t_ok(tl_parse_time("20u", &v) == 0 && v == 20000, "time 20u = 20000 ns");
	t_ok(tl_parse_time("100n", &v) == 0 && v == 100, "time 100n = 100 ns");
	t_ok(tl_parse_time("2s", &v) == 0 && v == 2000000000, "time 2s");
	t_ok(tl_parse_time("3m", &v) == 0 && v == 3000000, "time 3m = 3 ms");
	t_ok(tl_parse_time("5x", &v) < 0 && tl_parse_time("-1", &v) < 0 &&
	     tl_parse_time("", &v) < 0 && tl_parse_time("ms", &v) < 0 &&
	     tl_parse_time("nan", &v) < 0 && tl_parse_time("3601", &v) < 0,
	     "bad times: 5x, -1, empty, ms, nan, 3601 s");
	t_ok(tl_parse_bw("10M", &v) == 0 && v == 10000000, "bandwidth 10M = 10^7");
	t_ok(tl_parse_bw("1.5k", &v) == 0 && v == 1500, "bandwidth 1.5k = 1500");
	t_ok(tl_parse_bw("2G", &v) == 0 && v == 2000000000, "bandwidth 2G");
	t_ok(tl_parse_bw("300", &v) == 0 && v == 300, "bandwidth 300 bps");
	t_ok(tl_parse_bw("10q", &v) < 0 && tl_parse_bw("2000G", &v) < 0,
	     "bad bandwidths: 10q, 2000G (above 1 Tbit/s)");
	t_ok(tl_parse_qsize("50k", &v) == 0 && v == 51200, "queue 50k = 51200 bytes");
	t_ok(tl_parse_qsize("1M", &v) == 0 && v == 1048576, "queue 1M = 2^20 bytes");
	t_ok(tl_parse_qsize("1g", &v) == 0 && v == 1073741824, "queue 1g = 2^30 bytes");
	t_ok(tl_parse_prob("0.01", &p) == 0 && p == 0.01, "probability 0.01");
	t_ok(tl_parse_prob("1.5", &p) < 0 && tl_parse_prob("-0.1", &p) < 0 &&
	     tl_parse_prob("1%", &p) < 0, "bad probabilities: 1.5, -0.1, 1%");
}

static void test_models(void)
{
	struct tl_link l;

	memset(&l, 0, sizeof(l));
	t_ok(tl_parse_bw_model("ether,1G", &l) == 0 && l.bw_model == TL_BW_ETHER &&
	     l.bps == 1000000000, "-B ether,1G");
	t_ok(tl_parse_bw_model("constant,10M", &l) == 0 &&
	     l.bw_model == TL_BW_CONST && l.bps == 10000000, "-B constant,10M");
	t_ok(tl_parse_bw_model("const,5k", &l) == 0 && l.bps == 5000, "-B const,5k");
	t_ok(tl_parse_bw_model("foo,1M", &l) < 0 && tl_parse_bw_model("ether", &l) < 0 &&
	     tl_parse_bw_model("ether,1M,2", &l) < 0, "bad -B: foo,1M, ether, ether,1M,2");
	t_ok(tl_parse_delay_model("uniform,1ms,2ms", &l) == 0 &&
	     l.delay_model == TL_DELAY_UNIFORM && l.dmin == 1000000 &&
	     l.dmax == 2000000, "-D uniform,1ms,2ms");
	t_ok(tl_parse_delay_model("exp,1ms,3ms", &l) == 0 &&
	     l.delay_model == TL_DELAY_EXP && l.dmin == 1000000 &&
	     l.dmax == 3000000, "-D exp,1ms,3ms (dmin, davg)");
	t_ok(tl_parse_delay_model("constant,7us", &l) == 0 &&
	     l.delay_model == TL_DELAY_CONST && l.dmin == 7000, "-D constant,7us");
	t_ok(tl_parse_delay_model("uniform,2ms,1ms", &l) < 0 &&
	     tl_parse_delay_model("exp,3ms,1ms", &l) < 0 &&
	     tl_parse_delay_model("uniform,1ms", &l) < 0 &&
	     tl_parse_delay_model("wobbly,1ms,2ms", &l) < 0,
	     "bad -D: dmin > dmax, davg < dmin, a number missing, unknown model");
	t_ok(tl_parse_loss_model("ber,1e-6", &l) == 0 &&
	     l.loss_model == TL_LOSS_BER && l.loss == 1e-6, "-L ber,1e-6");
	t_ok(tl_parse_loss_model("plr,0.5", &l) == 0 &&
	     l.loss_model == TL_LOSS_PLR && l.loss == 0.5, "-L plr,0.5");
	t_ok(tl_parse_loss_model("0.01", &l) == 0 &&
	     l.loss_model == TL_LOSS_PLR && l.loss == 0.01, "-L 0.01 is plr");
	t_ok(tl_parse_loss_model("ber,2", &l) < 0 && tl_parse_loss_model("xyz,0.1", &l) < 0,
	     "bad -L: ber,2, xyz,0.1");
}

static void test_tx_time(void)
{
	struct tl_link l = link_of(10000000, 0, 0);

	t_ok(tl_tx_time(&l, 60) == 48000, "10 Mbit/s: 60 bytes take 48 us");
	t_ok(tl_tx_time(&l, 1000) == 800000, "10 Mbit/s: 1000 bytes take 800 us");
	l.bw_model = TL_BW_ETHER;
	t_ok(tl_tx_time(&l, 60) == 67200, "10 Mbit/s ether: 60 + 24 bytes take 67.2 us");
	l = link_of(3, 0, 0);
	t_ok(tl_tx_time(&l, 1) == 2666666667ull, "3 bit/s: a byte takes 8/3 s, rounded up");
	l = link_of(0, 0, 0);
	t_ok(tl_tx_time(&l, 1500) == 0, "infinite bandwidth: no time");
}

static void test_schedule(void)
{
	struct tl_link l = link_of(10000000, 5000000, 0);
	struct tl_sched s;
	uint64_t due[4];
	int i, ok;

	tl_sched_init(&s, &l, 1);
	for (i = 0; i < 3; i++)
		tl_schedule(&s, 0, 1000, &due[i]);
	tl_schedule(&s, 10000000, 1000, &due[3]);
	t_ok(due[0] == 5800000 && due[1] == 6600000 && due[2] == 7400000,
	     "three 1000-byte frames at once: due 5.8, 6.6, 7.4 ms (back to back, then 5 ms)");
	t_ok(due[3] == 15800000, "a frame on an idle link at 10 ms: due 15.8 ms");

	/* -O takes its time off the delay, never below 0 */
	l = link_of(0, 5000000, 0);
	l.offset = 2000000;
	tl_sched_init(&s, &l, 1);
	tl_schedule(&s, 1000, 60, &due[0]);
	l.offset = 6000000;
	tl_schedule(&s, 2000, 60, &due[1]);
	t_ok(due[0] == 3001000 && due[1] == 3001000,
	     "-O 2ms off a 5 ms delay: 3 ms; -O 6ms: 0 (held to stay in order)");

	/* 1 Mbit/s, 50000-byte queue: 50 frames of 1000 bytes fit, not 51 */
	l = link_of(1000000, 0, 50000);
	tl_sched_init(&s, &l, 1);
	for (i = 0, ok = 0; i < 60; i++)
		ok += tl_schedule(&s, 0, 1000, &due[0]) == TL_SEND;
	t_ok(ok == 50, "1 Mbit/s, queue 50000: 50 of 60 frames of 1000 bytes accepted");
	t_ok(tl_backlog(&s, 0) == 50000 && tl_backlog(&s, 8000000) == 49000,
	     "backlog 50000 bytes, 49000 after 8 ms (one frame sent)");
	t_ok(tl_schedule(&s, 8000000, 1000, &due[0]) == TL_SEND &&
	     tl_schedule(&s, 8000000, 1000, &due[0]) == TL_QUEUE_FULL,
	     "after 8 ms one more frame fits, then the queue is full again");
}

static void test_order(void)
{
	struct tl_link l = link_of(100000000, 0, 0);
	struct tl_sched s;
	uint64_t due, last = 0, now = 0, exit_t;
	int i, ordered = 1, late = 1;

	l.delay_model = TL_DELAY_UNIFORM;
	l.dmin = 1000000;
	l.dmax = 10000000;
	tl_sched_init(&s, &l, 42);
	for (i = 0; i < 10000; i++) {
		now += 1000 + (i % 7) * 3000;
		tl_schedule(&s, now, 500, &due);
		exit_t = s.link_free;
		if (due < last)
			ordered = 0;
		if (due < exit_t + l.dmin)
			late = 0;
		last = due;
	}
	t_ok(ordered, "uniform 1..10 ms delay: due times never decrease (no reordering)");
	t_ok(late, "every frame is due at least dmin after it left the link");
}

static void test_delays(void)
{
	struct tl_link l = link_of(0, 0, 0);
	struct tl_sched s;
	double sum = 0;
	uint64_t d, lo = UINT64_MAX, hi = 0;
	int i, n = 200000;

	l.delay_model = TL_DELAY_UNIFORM;
	l.dmin = 1000000;
	l.dmax = 3000000;
	tl_sched_init(&s, &l, 7);
	for (i = 0; i < n; i++) {
		d = tl_delay(&s);
		sum += (double)d;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	t_ok(lo >= 1000000 && hi < 3000000 && lo < 1010000 && hi > 2990000,
	     "uniform 1..3 ms: draws span [1, 3) ms");
	t_ok(fabs(sum / n - 2000000) < 10000, "uniform 1..3 ms: mean 2 ms within 0.5%");

	l.delay_model = TL_DELAY_EXP;
	l.dmin = 1000000;
	l.dmax = 3000000;	/* average */
	tl_sched_init(&s, &l, 9);
	for (i = 0, sum = 0, lo = UINT64_MAX; i < n; i++) {
		d = tl_delay(&s);
		sum += (double)d;
		lo = d < lo ? d : lo;
	}
	t_ok(lo >= 1000000 && fabs(sum / n - 3000000) < 30000,
	     "exp dmin 1 ms, davg 3 ms: never below 1 ms, mean 3 ms within 1%");
}

static void test_loss(void)
{
	struct tl_link l = link_of(0, 0, 0);
	struct tl_sched s;
	int i, n = 1000000, lost = 0;
	double p;

	l.loss = 0.01;
	tl_sched_init(&s, &l, 3);
	for (i = 0; i < n; i++)
		lost += tl_lost(&s, 60);
	t_ok(lost >= 9500 && lost <= 10500, "plr 0.01: 9500..10500 of 10^6 lost (5 sd)");

	l.loss_model = TL_LOSS_BER;
	l.loss = 1e-5;
	tl_sched_init(&s, &l, 5);
	p = 1 - pow(1 - 1e-5, 8000);
	for (i = 0, lost = 0, n = 200000; i < n; i++)
		lost += tl_lost(&s, 1000);
	t_ok(fabs((double)lost / n - p) < 0.03 * p,
	     "ber 1e-5, 1000 bytes: loss 1-(1-ber)^8000 = 7.7% within 3%");

	l.loss_model = TL_LOSS_PLR;
	l.loss = 0;
	tl_sched_init(&s, &l, 5);
	for (i = 0, lost = 0; i < 10000; i++)
		lost += tl_lost(&s, 60);
	l.loss = 1;
	for (i = 0; i < 10000; i++)
		lost += !tl_lost(&s, 60);
	t_ok(lost == 0, "plr 0: never lost; plr 1: always");

	/* through tl_schedule: a lost frame still used the link */
	l = link_of(10000000, 0, 0);
	l.loss = 1;
	tl_sched_init(&s, &l, 5);
	t_ok(tl_schedule(&s, 0, 1000, &s.last_due) == TL_LOST &&
	     s.link_free == 800000, "a lost frame took its 800 us of the link");
}

static void test_queue(void)
{
	struct tl_queue q;
	struct tl_rec *r;
	unsigned int i, in = 0, out = 0, ok = 1, full = 0;

	t_ok(tl_queue_init(&q, 4096, false) == 0 && q.size == 4096,
	     "a 4096-byte queue");
	/* 30000 records of 1..200 bytes through it: wrap-around many times */
	while (out < 30000) {
		while (in < 30000) {
			unsigned int len = 1 + in % 200;

			r = tl_queue_reserve(&q, len);
			if (r == NULL) {
				full++;
				break;
			}
			r->due = in;
			for (i = 0; i < len; i++)
				r->data[i] = (unsigned char)(in + i);
			tl_queue_commit(&q);
			in++;
		}
		while ((r = tl_queue_peek(&q)) != NULL) {
			if (r->due != out || r->len != 1 + out % 200)
				ok = 0;
			for (i = 0; i < r->len; i++)
				if (r->data[i] != (unsigned char)(out + i))
					ok = 0;
			tl_queue_pop(&q, r);
			out++;
			if (out % 3 == 0)
				break;	/* let the producer in half-way */
		}
	}
	t_ok(ok && in == 30000 && out == 30000,
	     "30000 records out in order, each byte as written");
	t_ok(full > 0, "the producer found the queue full and waited");
	t_ok(tl_queue_peek(&q) == NULL, "empty at the end");
	t_ok(tl_queue_reserve(&q, 4000) == NULL, "a record over half the ring never fits");
	tl_queue_fini(&q);
}

static void test_args(void)
{
	char a0[] = "tlem", i[] = "-i", pa[] = "netmap:a}0", pb[] = "netmap:b{0";
	char b[] = "-B", b1[] = "10M", b2[] = "ether,1G", q[] = "-Q", q1[] = "1M";
	char dd[] = "-D", d1[] = "1ms";
	struct tl_conf c;
	FILE *err = fopen("/dev/null", "w");

	{
		char *av[] = { a0, i, pa, i, pb, b, b1, dd, d1, NULL };

		t_ok(tl_parse_args(&c, 9, av, err) == TL_PARSE_OK &&
		     c.link[0].bps == 10000000 && c.link[1].bps == 10000000 &&
		     c.link[0].qsize == 50000 && c.link[1].qsize == 50000 &&
		     c.link[0].dmin == 1000000 && c.link[1].dmin == 1000000,
		     "-B and -D once: both directions; -B gives a 50000-byte queue");
		t_ok(c.burst == 1024 && c.wait_link == 2 && c.cores[0] == -1,
		     "defaults: batch 1024, wait 2 s, not pinned");
	}
	{
		char *av[] = { a0, i, pa, i, pb, b, b1, b, b2, q, q1, NULL };

		t_ok(tl_parse_args(&c, 11, av, err) == TL_PARSE_OK &&
		     c.link[0].bps == 10000000 && c.link[0].bw_model == TL_BW_CONST &&
		     c.link[1].bps == 1000000000 && c.link[1].bw_model == TL_BW_ETHER &&
		     c.link[0].qsize == 1048576 && c.link[1].qsize == 1048576,
		     "-B twice: one per direction; -Q once: both");
	}
	{
		char *av[] = { a0, i, pa, i, pb, NULL };

		t_ok(tl_parse_args(&c, 5, av, err) == TL_PARSE_OK &&
		     c.link[0].bps == 0 && c.link[0].qsize == 0 &&
		     c.link[0].dmin == 0 && c.link[0].loss == 0,
		     "no options: infinite bandwidth, no delay, no loss, unlimited queue");
	}
	{
		char cc[] = "-C", c1[] = "2", c2[] = "1,5", c4[] = "3,2,1,0";
		char *av1[] = { a0, i, pa, i, pb, cc, c1, NULL };
		char *av2[] = { a0, i, pa, i, pb, cc, c2, NULL };
		char *av4[] = { a0, i, pa, i, pb, cc, c4, NULL };
		int ok;

		ok = tl_parse_args(&c, 7, av1, err) == TL_PARSE_OK &&
		     c.cores[0] == 2 && c.cores[1] == 3 && c.cores[2] == 4 &&
		     c.cores[3] == 5;
		ok = ok && tl_parse_args(&c, 7, av2, err) == TL_PARSE_OK &&
		     c.cores[0] == 1 && c.cores[1] == 2 && c.cores[2] == 5 &&
		     c.cores[3] == 6;
		ok = ok && tl_parse_args(&c, 7, av4, err) == TL_PARSE_OK &&
		     c.cores[0] == 3 && c.cores[1] == 2 && c.cores[2] == 1 &&
		     c.cores[3] == 0;
		t_ok(ok, "-C a: a..a+3; -C a,b: a,a+1,b,b+1; -C a,b,c,d");
	}
	fclose(err);
}

int main(void)
{
	test_units();
	test_models();
	test_tx_time();
	test_schedule();
	test_order();
	test_delays();
	test_loss();
	test_queue();
	test_args();
	return t_done();
}
