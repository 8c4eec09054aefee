/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: packet construction and parsing.
 *
 * Nothing here knows about netmap, so the host tests can link it alone.
 *
 * A generated frame is: [virtio-net header (0, 10 or 12 bytes, zeroed)]
 * Ethernet, IPv4 or IPv6, UDP, then a UDP payload that starts with an
 * 18-byte tag (all fields big endian):
 *
 *	off  0	u32	magic: 24-bit kind ("NMP" tx, "NMS" txseq, "NMI" ping)
 *			and an 8-bit stream id (the sending thread)
 *	off  4	u32	sequence number, per stream
 *	off  8	u64	timestamp in ns (ping always, tx with -o 16), else 0
 *	off 16	u16	UDP payload length
 *
 * The rest of the payload ("filler") repeats a 4-byte pattern: a constant
 * one for tx and ping, one derived from the sequence number for txseq, so
 * that rxseq can check every byte.  Payloads shorter than the tag carry no
 * tag.
 */
#ifndef PG_PKT_H
#define PG_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_ETH_HLEN	14
#define PG_IP4_HLEN	20
#define PG_IP6_HLEN	40
#define PG_UDP_HLEN	8
#define PG_TAG_LEN	18
#define PG_VH_MAX	12
#define PG_HEAD_MAX	(PG_VH_MAX + PG_ETH_HLEN + PG_IP6_HLEN + \
			 PG_UDP_HLEN + PG_TAG_LEN)
#define PG_MIN_PKT	16
#define PG_MAX_PKT	65536

#define PG_ETHERTYPE_IP		0x0800
#define PG_ETHERTYPE_IPV6	0x86dd
#define PG_ETHERTYPE_VLAN	0x8100
#define PG_IPPROTO_UDP		17

enum pg_kind {
	PG_KIND_NONE = 0,
	PG_KIND_DATA = 0x4e4d50,	/* "NMP" */
	PG_KIND_SEQ = 0x4e4d53,		/* "NMS" */
	PG_KIND_PING = 0x4e4d49,	/* "NMI" */
};

/* An address range with a port range (-s / -d). */
struct pg_range {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t prefix[8];	/* IPv6: the fixed upper 64 bits */
	uint64_t lo_start;	/* IPv4: whole address; IPv6: low 64 bits */
	uint64_t lo_end;
	uint16_t port_start;
	uint16_t port_end;
};

struct pg_addrs {
	struct pg_range src;
	struct pg_range dst;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
};

/* The variable part of a flow: current addresses and ports. */
struct pg_flow {
	uint64_t src_lo;
	uint64_t dst_lo;
	uint16_t sport;
	uint16_t dport;
};

/* addr.c */
int pg_range_parse(const char *s, int family, struct pg_range *r,
		   char *err, size_t errlen);
void pg_range_format(const struct pg_range *r, char *buf, size_t len);
int pg_mac_parse(const char *s, uint8_t mac[6]);
void pg_mac_format(const uint8_t mac[6], char *buf, size_t len);
void pg_flow_first(struct pg_flow *f, const struct pg_addrs *a);
void pg_flow_next(struct pg_flow *f, const struct pg_addrs *a);
void pg_flow_random(struct pg_flow *f, const struct pg_addrs *a,
		    bool src, bool dst, uint64_t *rng);
uint64_t pg_rand(uint64_t *state);
void pg_ip_bytes(const struct pg_range *r, uint64_t lo, uint8_t *out);

/* The frame every packet of a run starts from. */
struct pg_tmpl {
	uint8_t *frame;		/* vh + largest packet, constant filler */
	size_t frame_cap;	/* allocated bytes of frame */
	size_t vh_len;		/* virtio-net header bytes */
	size_t l3, l4, pl;	/* offsets of IP, UDP, payload in frame */
	unsigned int min_size;	/* packet sizes, without vh */
	unsigned int max_size;
	int family;
	bool raw;		/* sent verbatim: -P, or no room for headers */
	struct pg_addrs addrs;
};

int pg_tmpl_init(struct pg_tmpl *t, const struct pg_addrs *a,
		 unsigned int vh_len, unsigned int min_size,
		 unsigned int max_size);
int pg_tmpl_init_raw(struct pg_tmpl *t, const uint8_t *pkt, size_t len,
		     unsigned int vh_len);
void pg_tmpl_free(struct pg_tmpl *t);
/* Packet sizes (without vh) at or above this carry the tag. */
unsigned int pg_tmpl_tag_min(const struct pg_tmpl *t);

/* Per-thread packet generator: builds the head of the next packet. */
struct pg_gen {
	const struct pg_tmpl *t;
	struct pg_flow flow;	/* addresses of the next packet */
	enum pg_kind kind;
	uint8_t stream;
	uint32_t seq;		/* sequence number of the next packet */
	size_t len;		/* frame length of the built packet (+vh) */
	size_t head_len;	/* bytes of head[] valid for it */
	bool seqfill;		/* filler follows pat[] instead of frame */
	uint8_t pat[4];
	uint8_t head[PG_HEAD_MAX];
};

void pg_gen_init(struct pg_gen *g, const struct pg_tmpl *t,
		 enum pg_kind kind, uint8_t stream);
void pg_gen_build(struct pg_gen *g, unsigned int size, uint64_t ts_ns);
void pg_gen_copy(const struct pg_gen *g, uint8_t *dst, size_t off, size_t n);
void pg_filler_pattern(enum pg_kind kind, uint32_t seq, uint8_t pat[4]);

/* Receive side. */
struct pg_tag {
	enum pg_kind kind;
	uint8_t stream;
	uint32_t seq;
	uint64_t ts;
	uint16_t len;
};

struct pg_parsed {
	int family;
	size_t l3, l4, pl;	/* offsets in the frame */
	size_t udp_len;		/* from the UDP header */
	bool has_tag;
	struct pg_tag tag;
};

enum pg_verify {
	PG_VERIFY_OK = 0,
	PG_VERIFY_NOT_UDP,
	PG_VERIFY_TRUNCATED,
	PG_VERIFY_IP_LEN,
	PG_VERIFY_IP_CSUM,
	PG_VERIFY_UDP_CSUM,
	PG_VERIFY_TAG,
	PG_VERIFY_FILLER,
};

int pg_pkt_parse(const uint8_t *p, size_t len, size_t vh_len,
		 struct pg_parsed *out);
enum pg_verify pg_pkt_verify(const uint8_t *p, size_t len,
			     const struct pg_parsed *ps);
const char *pg_verify_str(enum pg_verify v);
void pg_pkt_swap(uint8_t *p, size_t len, size_t vh_len);

/* Internet checksum over big-endian 16-bit words. */
uint64_t pg_csum_add(uint64_t acc, const void *buf, size_t len);
uint16_t pg_csum_fold(uint64_t acc);

#endif /* PG_PKT_H */
