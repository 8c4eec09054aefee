/* SPDX-License-Identifier: BSD-2-Clause */
/* Just enough of the kernel's types and accessors for rtl_nm.h in userspace. */
#ifndef SHIM_LINUX_TYPES_H
#define SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <endian.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint32_t __le32;
typedef uint64_t __le64;
typedef uint64_t dma_addr_t;

#define cpu_to_le32(x) htole32(x)
#define le32_to_cpu(x) le32toh(x)
#define cpu_to_le64(x) htole64(x)
#define le64_to_cpu(x) le64toh(x)
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define dma_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
