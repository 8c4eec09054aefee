/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dedup end to end over netmap pipes.  This program writes a known
 * sequence of frames, with duplicates at known distances, into one pipe;
 * dedup forwards from the other end of that pipe to a second pipe, whose
 * far end this program reads:
 *
 *   t_dedup -> X}1 == X{1 -> dedup -> Y{1 == Y}1 -> t_dedup
 *
 * The frames received must be exactly the expected ones, in order, byte
 * for byte; dedup's totals and exit status are checked after SIGTERM.
 * A port that does not open makes dedup exit 1.  dedup is run from
 * $APPS_DIR if set, else from $PATH (/bin for that last check).  TAP output.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define F_LEN	60
#define MAXF	32

/* A frame: broadcast Ethernet header, then `tag` everywhere, `last` at the end. */
static void frame(unsigned char *f, unsigned char tag, unsigned char last)
{
	memset(f, 0xff, 12);
	f[12] = 0x88;
	f[13] = 0xb5;
	memset(f + 14, tag, F_LEN - 14);
	f[F_LEN - 1] = last;
}

struct run {
	const char *name;		/* pipe prefix */
	pid_t pid;
	struct nmt_port tx, rx;		/* X}1 and Y}1 */
	char out[64], err[64];		/* dedup's stdout, stderr */
	unsigned int got;
	unsigned char rcv[MAXF][F_LEN];
	unsigned int rlen[MAXF];
};

static int file_has(const char *path, const char *s)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, s) != NULL;
}

static void show(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		diag("%s: %s", path, line);
	}
	fclose(f);
}

static void exec_dedup(struct run *r, const char *const *args)
{
	const char *dir = getenv("APPS_DIR");
	char path[256], a[2][64];
	const char *argv[24];
	int i = 0, k;

	snprintf(path, sizeof(path), "%s%sdedup", dir ? dir : "",
		 dir ? "/" : "");
	snprintf(a[0], sizeof(a[0]), "netmap:%sX{1", r->name);
	snprintf(a[1], sizeof(a[1]), "netmap:%sY{1", r->name);
	argv[i++] = "dedup";
	argv[i++] = "-w";
	argv[i++] = "0";
	for (k = 0; args[k] != NULL && i < 18; k++)
		argv[i++] = args[k];
	argv[i++] = "-i";
	argv[i++] = a[0];
	argv[i++] = "-i";
	argv[i++] = a[1];
	argv[i] = NULL;
	if (freopen(r->out, "w", stdout) == NULL ||
	    freopen(r->err, "w", stderr) == NULL)
		_exit(126);
	if (dir)
		execv(path, (char *const *)argv);
	else
		execvp("dedup", (char *const *)argv);
	_exit(127);
}

/* Open our ends, start dedup, wait for its "Ready to go". 0 or -1. */
static int start(struct run *r, const char *name, const char *const *args)
{
	char px[32], py[32];
	int i;

	memset(r, 0, sizeof(*r));
	r->name = name;
	snprintf(r->out, sizeof(r->out), "/tmp/t_dedup.%s.out", name);
	snprintf(r->err, sizeof(r->err), "/tmp/t_dedup.%s.err", name);
	snprintf(px, sizeof(px), "%sX}1", name);
	snprintf(py, sizeof(py), "%sY}1", name);
	if (nmt_port_open(&r->tx, px, &NMT_REQ_ALL) != 0 ||
	    nmt_port_open(&r->rx, py, &NMT_REQ_ALL) != 0) {
		diag("%s: cannot open %s or %s", name, px, py);
		return -1;
	}
	fflush(stdout);
	r->pid = fork();
	if (r->pid == 0)
		exec_dedup(r, args);
	for (i = 0; i < 200 && !file_has(r->err, "Ready to go"); i++)
		usleep(100000);
	if (r->pid < 0 || i == 200) {
		diag("%s: dedup did not start", name);
		show(r->err);
		return -1;
	}
	return 0;
}

/* Send frames of the tags, all in one sync. */
static void send_tags(struct run *r, const char *tags)
{
	struct netmap_ring *t = nmt_txring(&r->tx, 0);

	for (; *tags; tags++) {
		struct netmap_slot *s = &t->slot[t->head];
		unsigned char last = (unsigned char)(*tags >= 'a' ? 1 : 0);

		frame((unsigned char *)NETMAP_BUF(t, s->buf_idx),
		      (unsigned char)(*tags | 0x20), last);
		s->len = F_LEN;
		t->head = t->cur = nmt_next(t, t->head);
	}
	nmt_txsync(r->tx.fd);
}

/* Receive until want frames in all, or timeout_ms with none more. */
static void receive(struct run *r, unsigned int want, unsigned int timeout_ms)
{
	struct netmap_ring *x = nmt_rxring(&r->rx, 0);

	while (r->got < want || timeout_ms > 0) {
		uint32_t n = nmt_rx_wait(r->rx.fd, x, 1, r->got < want ? 20000 :
					 timeout_ms);

		if (n == 0)
			break;
		while (n-- > 0 && r->got < MAXF) {
			struct netmap_slot *s = &x->slot[x->head];

			r->rlen[r->got] = s->len;
			memcpy(r->rcv[r->got], NETMAP_BUF(x, s->buf_idx),
			       s->len < F_LEN ? s->len : F_LEN);
			r->got++;
			x->head = x->cur = nmt_next(x, x->head);
		}
	}
}

/* The frames received are exactly those of tags, in order. */
static int received_is(const struct run *r, const char *tags)
{
	unsigned char want[F_LEN];
	unsigned int i, n = (unsigned int)strlen(tags);

	if (r->got != n) {
		diag("%s: received %u frames, expected %u", r->name, r->got, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		frame(want, (unsigned char)(tags[i] | 0x20),
		      (unsigned char)(tags[i] >= 'a' ? 1 : 0));
		if (r->rlen[i] != F_LEN || memcmp(r->rcv[i], want, F_LEN)) {
			diag("%s: frame %u is not '%c'", r->name, i, tags[i]);
			return 0;
		}
	}
	return 1;
}

/* SIGTERM dedup; its exit status (-1 if it did not exit normally). */
static int stop(struct run *r)
{
	int st = 0;

	kill(r->pid, SIGTERM);
	if (waitpid(r->pid, &st, 0) != r->pid || !WIFEXITED(st))
		return -1;
	nmt_port_close(&r->tx);
	nmt_port_close(&r->rx);
	return WEXITSTATUS(st);
}

/* totals: the line dedup must have written, newline included. */
static void finish(struct run *r, const char *totals)
{
	is(stop(r), 0, "%s: dedup exits 0 on SIGTERM", r->name);
	if (!ok(file_has(r->out, totals), "%s: totals '%.*s'", r->name,
		(int)strlen(totals) - 1, totals))
		show(r->out);
}

/*
 * Window of 4 frames, 10 s: upper case A..E are frames of their letter,
 * 'a' is A with its last byte changed.  Distances counted in forwarded
 * frames: A B [A at 2: dropped] C D [A at 4: dropped] E A (5: passes)
 * a (differs by one byte) B (5: passes) [A] [a] [B] dropped.
 */
static void count_window(const char *name, const char *extra, const char *mode)
{
	const char *args[] = { "-W", "10000000", "-F", "4", extra, NULL };
	char totals[128];
	struct run r;

	if (start(&r, name, args) < 0) {
		ok(0, "%s: dedup started", name);
		return;
	}
	ok(file_has(r.err, strcmp(mode, "copy") ? "zerocopy supported\n" :
		    "zerocopy NOT supported\n"), "%s: dedup says %s", name, mode);
	send_tags(&r, "ABACDAEAaBAaB");
	receive(&r, 8, 1000);
	ok(received_is(&r, "ABCDEAaB"),
	   "%s: 13 frames, the 5 duplicates within 4 frames dropped, "
	   "8 received byte for byte in order", name);
	snprintf(totals, sizeof(totals), "Totals (%s): 13 received 8 "
		 "forwarded 480 bytes 5 duplicates dropped\n", mode);
	finish(&r, totals);
}

/* Window of 16 frames and win_us: A, 1.5 s later A A (sent together). */
static void time_window(const char *name, const char *win, const char *expect)
{
	const char *args[] = { "-W", win, "-F", "16", NULL };
	struct run r;
	char totals[128];
	unsigned int n = (unsigned int)strlen(expect);

	if (start(&r, name, args) < 0) {
		ok(0, "%s: dedup started", name);
		return;
	}
	send_tags(&r, "A");
	receive(&r, 1, 0);
	usleep(1500000);
	send_tags(&r, "AA");
	receive(&r, n, 1000);
	ok(received_is(&r, expect), "%s: -W %s: A, 1.5 s later A A: %u "
	   "received", name, win, n);
	snprintf(totals, sizeof(totals), "Totals (zero-copy): 3 received %u "
		 "forwarded %u bytes %u duplicates dropped\n", n, n * F_LEN,
		 3 - n);
	finish(&r, totals);
}

/* A port that does not open: exit status 1, "cannot open" on stderr. */
static void bad_port(void)
{
	const char *err = "/tmp/t_dedup.bad.err";
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		const char *dir = getenv("APPS_DIR");
		char path[256];
		char *const argv[] = { "dedup", "-w", "0", "-i",
			"netmap:ddnone0", "-i", "netmap:ddbadY{1", NULL };

		snprintf(path, sizeof(path), "%s/dedup", dir ? dir : "/bin");
		if (freopen(err, "w", stderr) != NULL)
			execv(path, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	is(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 1,
	   "no such interface: dedup exits 1");
	if (!ok(file_has(err, "dedup: cannot open netmap:ddnone0\n"),
		"no such interface: 'dedup: cannot open netmap:ddnone0'"))
		show(err);
}

int main(void)
{
	tap_start(240);
	count_window("ddz", "-v", "zero-copy");
	count_window("ddc", "-c", "copy");
	time_window("ddt", "500000", "AA");
	time_window("ddl", "5000000", "A");
	bad_port();
	return tap_end();
}
