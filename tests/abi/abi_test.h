/* SPDX-License-Identifier: BSD-2-Clause */
/* The test groups of abi_test and the helpers they share. */
#ifndef ABI_TEST_H
#define ABI_TEST_H

#include <stddef.h>
#include <stdint.h>

struct netmap_ring;
struct netmap_if;

void test_layout(void);
void test_parse(void);
void test_rings(void);
void test_desc(void);
void test_open(void);
void test_misc(void);
void test_compile(const char *const *ccs, int nccs, const char *const *cxxs,
		  int ncxxs, const char *incdir, const char *srcdir);

/* in the units that include one header only (hdr_*.c) */
char *hdr_user_buf(struct netmap_ring *ring, uint32_t idx);
struct netmap_ring *hdr_user_rxring(struct netmap_if *nifp, uint32_t i);
uint32_t hdr_user_space(struct netmap_ring *ring);
size_t hdr_user_sizes(void);
unsigned long hdr_core_ioctl(int which);
size_t hdr_core_ts_offset(void);
int hdr_bare_empty(struct netmap_ring *ring);
size_t hdr_bare_if_size(void);
size_t hdr_linuxif_name_size(void);
int hdr_libs_unit(void);

/*
 * Writers for fields that the headers declare const (the kernel's side of
 * the shared memory): tests build those objects by hand.
 */
void set_u16(void *obj, size_t off, uint16_t v);
void set_u32(void *obj, size_t off, uint32_t v);
void set_u64(void *obj, size_t off, uint64_t v);
void set_i64(void *obj, size_t off, int64_t v);

/* run fn with stderr going to a buffer; returns its NUL-terminated text */
char *capture_stderr(void (*fn)(void *), void *arg);

#endif /* ABI_TEST_H */
