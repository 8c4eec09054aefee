/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions we build against (6.1 .. 6.12+).
 * This is the only place for LINUX_VERSION_CODE tests: a list of small
 * static inline wrappers, each with the version that introduced the change.
 */
#ifndef NM_LINUX_COMPAT_H
#define NM_LINUX_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

#include <linux/hrtimer.h>

/* 6.13: hrtimer_setup() replaced hrtimer_init() plus setting ->function. */
static inline void nm_hrtimer_setup(struct hrtimer *t,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

#include <linux/timer.h>

/* 6.2: del_timer_sync() became timer_delete_sync(). */
static inline void nm_timer_delete_sync(struct timer_list *t)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	timer_delete_sync(t);
#else
	del_timer_sync(t);
#endif
}

/* 6.4: skb_gso_segment() and its kin moved to <net/gso.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#else
#include <linux/netdevice.h>
#endif

/* 6.3: vma->vm_flags became const, written through vm_flags_set(). */
static inline void nm_vm_flags_set(struct vm_area_struct *vma,
				   vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * Largest order the page allocator hands out. 6.4 made MAX_ORDER inclusive
 * (it was one past the largest order), 6.8 renamed it MAX_PAGE_ORDER.
 */
static inline unsigned int nm_max_page_order(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return MAX_PAGE_ORDER;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return MAX_ORDER;
#else
	return MAX_ORDER - 1;
#endif
}

#endif /* NM_LINUX_COMPAT_H */
