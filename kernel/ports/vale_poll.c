// SPDX-License-Identifier: GPL-2.0
/*
 * Polling threads of a NIC attachment (NETMAP_REQ_VALE_POLLING_ENABLE /
 * _DISABLE, ABI.md §6.12): kernel threads, each bound to one core, that
 * pull the NIC's RX rings into the switch in a loop instead of waiting for
 * the rings' notifications. SINGLE_CPU: one thread on core `first` polls
 * every RX ring; MULTI_CPU: thread k on core first + k polls ring first + k.
 * A thread that finds nothing for a while naps for 50 to 100 microseconds,
 * so an idle attachment does not own its core. The NIC's interrupts stay
 * off meanwhile where its driver can (nm_adapter_ops.intr); the
 * host-stack port keeps its notifications.
 *
 * Threads are started and stopped under nm_lock; each pulls its rings
 * under their sync_lock (vale_nic.c), which also keeps it apart from a
 * notification's pull still running.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "vale.h"

/* Empty rounds before a thread naps. */
#define NM_VPOLL_SPIN	256

struct nm_vpoll {
	struct nm_vport *vp;
	u32 first, n;			/* RX rings [first, first + n) */
	struct task_struct *task;
};

static int nm_vpoll_thread(void *arg)
{
	struct nm_vpoll *p = arg;
	u32 idle = 0;

	while (!kthread_should_stop()) {
		bool more = false;
		u32 i, moved = 0;

		for (i = p->first; i < p->first + p->n; i++)
			moved += nm_vhw_pull(p->vp, i, &more);
		if (moved || more)
			idle = 0;
		else if (++idle >= NM_VPOLL_SPIN)
			usleep_range(50, 100);
		cond_resched();
	}
	return 0;
}

static int nm_vpoll_check(struct nm_vport *vp,
			  const struct nmreq_vale_polling *req)
{
	u32 n = req->nr_num_polling_cpus, first = req->nr_first_cpu_id;
	u32 k;

	switch (req->nr_mode) {
	case NETMAP_POLLING_MODE_SINGLE_CPU:
		if (n != 1) {
			nm_info_rl("%s: single-CPU polling takes 1 thread, not %u\n",
				   vp->swname, n);
			return -EINVAL;
		}
		break;
	case NETMAP_POLLING_MODE_MULTI_CPU:
		if (n == 0 || first >= vp->hw->nsrc || n > vp->hw->nsrc - first) {
			nm_info_rl("%s: rings %u..%u of %u RX rings\n", vp->swname,
				   first, first + n - 1, vp->hw->nsrc);
			return -EINVAL;
		}
		break;
	default:
		nm_info_rl("%s: polling mode %u\n", vp->swname, req->nr_mode);
		return -EINVAL;
	}
	if (n >= num_online_cpus()) {
		nm_info_rl("%s: %u polling threads need more than %u CPUs\n",
			   vp->swname, n, num_online_cpus());
		return -EINVAL;
	}
	for (k = 0; k < n; k++) {
		if (first + k >= nr_cpu_ids || !cpu_online(first + k)) {
			nm_info_rl("%s: CPU %u is not online\n", vp->swname,
				   first + k);
			return -EINVAL;
		}
	}
	return 0;
}

/* Tell the NIC the threads took (off) or gave back (on) its RX rings. */
static void nm_vpoll_intr(struct nm_vhw *hw, bool on)
{
	if (hw->na->ops->intr)
		hw->na->ops->intr(hw->na, on);
}

static void nm_vpoll_stop_threads(struct nm_vhw *hw, u32 n)
{
	while (n--)
		kthread_stop(hw->poll[n].task);
	kfree(hw->poll);
	hw->poll = NULL;
	hw->npoll = 0;
}

/* Start polling NIC port @vp as @req says. Under nm_lock. */
int nm_vpoll_enable(struct nm_vport *vp, const struct nmreq_vale_polling *req)
{
	bool single = req->nr_mode == NETMAP_POLLING_MODE_SINGLE_CPU;
	struct nm_vhw *hw = vp->hw;
	u32 k, n;
	int err;

	lockdep_assert_held(&nm_lock);
	if (hw->poll) {
		nm_info_rl("%s: already polling\n", vp->swname);
		return -EFAULT;
	}
	err = nm_vpoll_check(vp, req);
	if (err)
		return err;
	n = req->nr_num_polling_cpus;
	hw->poll = kcalloc(n, sizeof(*hw->poll), GFP_KERNEL);
	if (!hw->poll)
		return -ENOMEM;
	nm_vhw_stop(hw);
	for (k = 0; k < n; k++) {
		struct nm_vpoll *p = &hw->poll[k];
		u32 cpu = req->nr_first_cpu_id + k;

		p->vp = vp;
		p->first = single ? 0 : cpu;
		p->n = single ? hw->nsrc : 1;
		p->task = kthread_create(nm_vpoll_thread, p, "nm-poll/%u", cpu);
		if (IS_ERR(p->task)) {
			err = PTR_ERR(p->task);
			goto err_stop;
		}
		kthread_bind(p->task, cpu);
		wake_up_process(p->task);
	}
	hw->npoll = n;
	nm_vpoll_intr(hw, false);
	return 0;

err_stop:
	nm_vpoll_stop_threads(hw, k);
	nm_vhw_start(hw);
	return err;
}

/* Stop the polling threads of @vp (if any): notifications pull again. */
void nm_vpoll_disable(struct nm_vport *vp)
{
	struct nm_vhw *hw = vp->hw;

	lockdep_assert_held(&nm_lock);
	if (!hw->poll)
		return;
	nm_vpoll_stop_threads(hw, hw->npoll);
	nm_vpoll_intr(hw, true);
	nm_vhw_start(hw);	/* pulls every RX ring once */
}
