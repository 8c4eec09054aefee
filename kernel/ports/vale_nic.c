// SPDX-License-Identifier: GPL-2.0
/*
 * NIC attachments (NETMAP_REQ_VALE_ATTACH of a network interface): the
 * switch binds the NIC's port itself, exclusively (netmap fds then get
 * EBUSY), through the same path a `netmap:IFNAME` register takes, native
 * or emulated. The attachment is one switch port for the NIC
 * (`valeX:IFNAME`) and, in NR_REG_NIC_SW mode, one for its host stack
 * (`valeX:IFNAME^`).
 *
 * Frames leave the switch by the NIC's TX rings (or the host TX ring):
 * the forwarder writes them there (vale_fwd.c). Frames enter it from the
 * NIC's RX rings (or the host RX ring): a wait-queue entry on each of
 * them turns the ring's notification (NIC interrupt, emulated adapter,
 * frames from the stack) into a work item that syncs the ring and
 * forwards what it holds, under the ring's sync_lock. A NIC may leave
 * frames of a full TX ring unsent until it has room again (veth, when its
 * peer's ring is full): the TX ring's notification (completions, room)
 * queues a second work item that syncs the ring again while it holds
 * frames the NIC has not taken.
 *
 * Lifetime: from attach to detach, under nm_lock; detach takes the ports
 * out of the switch first, then stops the pulls, then unbinds the NIC.
 * An interface unregistered while attached (deleted, its driver removed,
 * its namespace gone) is detached by a work item: the device notifier runs
 * under RTNL and cannot take nm_lock (nm_lock -> RTNL elsewhere), so it
 * only marks the attachment.
 *
 * Lists: nm_vnics, every NIC attachment, under nm_lock; nm_vnic_devs, the
 * attachments whose interface is registered, under RTNL (the notifier's
 * view: the device pointers there are those of registered interfaces).
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vale.h"

static LIST_HEAD(nm_vnics);		/* nm_lock */
static LIST_HEAD(nm_vnic_devs);		/* RTNL */

/* Rounds of one ring's pull before the work item yields and requeues. */
#define NM_VHW_ROUNDS	8

struct nm_vhw_port {
	struct nm_vport vp;
	struct nm_vhw hw;
	/* NIC side only: */
	struct list_head link;		/* on nm_vnics, nm_lock */
	struct list_head dev_link;	/* on nm_vnic_devs, RTNL */
	struct net_device *dev;		/* no reference: see nm_vnic_devs */
	bool gone;			/* the interface was unregistered */
};

static void nm_vnic_gone_work(struct work_struct *w);
static DECLARE_WORK(nm_vnic_gone, nm_vnic_gone_work);

/* A ring's notification: queue the work item the entry names. */
static int nm_vhw_wake(struct wait_queue_entry *wq, unsigned int mode,
		       int sync, void *key)
{
	queue_work(system_highpri_wq, wq->private);
	return 0;
}

/* Entries @w[0..n) queue @work when they are woken. */
static void nm_vhw_wait_init(struct wait_queue_entry *w, u32 n,
			     struct work_struct *work)
{
	u32 i;

	for (i = 0; i < n; i++) {
		init_waitqueue_func_entry(&w[i], nm_vhw_wake);
		w[i].private = work;
	}
}

/* Entry w[i] on the wait queue of ring k[i], for i in [0, n). */
static void nm_vhw_wait_add(struct nm_kring *k, struct wait_queue_entry *w,
			    u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		add_wait_queue(&k[i].wq, &w[i]);
}

/* Off those wait queues again; @work not running on return. */
static void nm_vhw_wait_del(struct nm_kring *k, struct wait_queue_entry *w,
			    u32 n, struct work_struct *work)
{
	u32 i;

	for (i = 0; i < n; i++)
		remove_wait_queue(&k[i].wq, &w[i]);
	cancel_work_sync(work);
}

/*
 * Move what source ring @i holds into the switch. Returns the frames
 * moved; *more is set if the ring still holds some (budget spent).
 */
u32 nm_vhw_pull(struct nm_vport *vp, u32 i, bool *more)
{
	struct nm_vhw *hw = vp->hw;
	struct nm_kring *k = &hw->src[i];
	struct netmap_ring *ring;
	u32 rounds = 0, moved = 0;

	mutex_lock(&k->sync_lock);
	ring = k->ring;
	/* Each rxsync gives the forwarded slots back and takes new frames. */
	while (!nm_rxsync(k, NM_SYNC_FORCE) && ring->head != ring->tail) {
		if (rounds++ == NM_VHW_ROUNDS) {
			*more = true;
			break;
		}
		moved += nm_dist(ring->head, ring->tail, k->num_slots);
		nm_vale_forward(vp, hw->fwd[i], k, ring->head, ring->tail);
		WRITE_ONCE(ring->head, ring->tail);
		WRITE_ONCE(ring->cur, ring->tail);
	}
	mutex_unlock(&k->sync_lock);
	return moved;
}

/* Sync the destination rings that hold frames not handed to the NIC yet. */
static void nm_vhw_kick_work(struct work_struct *w)
{
	struct nm_vhw *hw = container_of(w, struct nm_vhw, kick);
	u32 i;

	for (i = 0; i < hw->ndst; i++) {
		struct nm_kring *dk = &hw->dst[i];

		mutex_lock(&dk->sync_lock);
		if (dk->ring && !dk->stopped && dk->rhead != dk->hwcur)
			nm_txsync(dk, 0);	/* head and cur stay where they are */
		mutex_unlock(&dk->sync_lock);
	}
}

static void nm_vhw_work(struct work_struct *w)
{
	struct nm_vhw *hw = container_of(w, struct nm_vhw, work);
	struct nm_vport *vp = &container_of(hw, struct nm_vhw_port, hw)->vp;
	bool more = false;
	u32 i;

	for (i = 0; i < hw->nsrc; i++)
		nm_vhw_pull(vp, i, &more);
	if (more)
		queue_work(system_highpri_wq, &hw->work);
}

static void nm_vhw_port_free(struct nm_vhw_port *p)
{
	u32 i;

	for (i = 0; p->hw.fwd && i < p->hw.nsrc; i++)
		kvfree(p->hw.fwd[i]);
	kfree(p->hw.fwd);
	kfree(p->hw.wait);
	kfree(p->hw.kwait);
	kfree(p);
}

/*
 * A switch port for rings [src, src + nsrc) in and [dst, dst + ndst) out
 * of NIC port @na, named @swname.
 */
static struct nm_vhw_port *nm_vhw_port_new(struct nm_adapter *na,
					   const char *swname,
					   u32 src, u32 nsrc, u32 dst, u32 ndst)
{
	struct nm_vhw_port *p;
	u32 i;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	strscpy(p->vp.swname, swname, sizeof(p->vp.swname));
	strscpy(p->vp.up.name, swname, sizeof(p->vp.up.name));
	INIT_LIST_HEAD(&p->vp.vifs);
	INIT_LIST_HEAD(&p->link);
	INIT_LIST_HEAD(&p->dev_link);
	p->vp.hw = &p->hw;
	p->vp.batch = 1024;
	p->hw.na = na;
	p->hw.src = &na->krings[NR_RX][src];
	p->hw.nsrc = nsrc;
	p->hw.dst = &na->krings[NR_TX][dst];
	p->hw.ndst = ndst;
	INIT_WORK(&p->hw.work, nm_vhw_work);
	INIT_WORK(&p->hw.kick, nm_vhw_kick_work);
	p->hw.fwd = kcalloc(nsrc, sizeof(*p->hw.fwd), GFP_KERNEL);
	p->hw.wait = kcalloc(nsrc, sizeof(*p->hw.wait), GFP_KERNEL);
	p->hw.kwait = kcalloc(ndst, sizeof(*p->hw.kwait), GFP_KERNEL);
	if (!p->hw.fwd || !p->hw.wait || !p->hw.kwait)
		goto err_free;
	nm_vhw_wait_init(p->hw.wait, nsrc, &p->hw.work);
	nm_vhw_wait_init(p->hw.kwait, ndst, &p->hw.kick);
	for (i = 0; i < nsrc; i++) {
		p->hw.fwd[i] = nm_vfwd_alloc(p->vp.batch);
		if (!p->hw.fwd[i])
			goto err_free;
	}
	return p;

err_free:
	nm_vhw_port_free(p);
	return NULL;
}

/* Pull the source rings when they notify, from now on. Under nm_lock. */
void nm_vhw_start(struct nm_vhw *hw)
{
	nm_vhw_wait_add(hw->src, hw->wait, hw->nsrc);
	queue_work(system_highpri_wq, &hw->work);	/* what came before */
}

/* No more pulls on notifications; none running on return. nm_lock. */
void nm_vhw_stop(struct nm_vhw *hw)
{
	nm_vhw_wait_del(hw->src, hw->wait, hw->nsrc, &hw->work);
}

/* Resume sends on the destination rings' notifications, from now on. */
static void nm_vhw_kick_start(struct nm_vhw *hw)
{
	nm_vhw_wait_add(hw->dst, hw->kwait, hw->ndst);
}

/* No more of that; none running on return. */
static void nm_vhw_kick_stop(struct nm_vhw *hw)
{
	nm_vhw_wait_del(hw->dst, hw->kwait, hw->ndst, &hw->kick);
}

/*
 * Follow @nic's interface from now on: the notifier marks the attachment
 * when it is unregistered (or already is on its way out). nm_lock.
 */
static void nm_vnic_watch(struct nm_vhw_port *nic, struct net_device *dev)
{
	nic->dev = dev;
	list_add(&nic->link, &nm_vnics);
	rtnl_lock();
	if (dev->reg_state == NETREG_REGISTERED) {
		list_add(&nic->dev_link, &nm_vnic_devs);
	} else {
		WRITE_ONCE(nic->gone, true);
		schedule_work(&nm_vnic_gone);
	}
	rtnl_unlock();
}

/*
 * Attach NIC @dev to @sw as @swname's port (and its host stack, for
 * NR_REG_NIC_SW @mode). @reg gets the register reply of the NIC's binding.
 * Under nm_lock; the caller holds a reference to @dev.
 */
int nm_vnic_attach(struct nm_vale_sw *sw, struct net_device *dev, u32 mode,
		   struct nmreq_register *reg, struct nm_vport **out)
{
	const char *ifname = dev->name;
	char swname[NETMAP_REQ_IFNAMSIZ];
	struct nm_vhw_port *nic, *host = NULL;
	struct nm_priv priv = { };
	struct nm_adapter *na;
	int err;

	lockdep_assert_held(&nm_lock);
	err = nm_bind_kernel(&priv, ifname, mode, NR_EXCLUSIVE, reg);
	if (err)
		return err;
	na = priv.na;
	snprintf(swname, sizeof(swname), "%s:%s", sw->name, ifname);
	nic = nm_vhw_port_new(na, swname, 0, na->num_rings[NR_RX],
			      0, na->num_rings[NR_TX]);
	err = -ENOMEM;
	if (!nic)
		goto err_unbind;
	nic->hw.priv = priv;
	if (mode == NR_REG_NIC_SW) {
		if (strlen(swname) + 1 >= sizeof(swname)) {
			nm_info_rl("%s: no room for the host port's name\n", swname);
			err = -EINVAL;
			goto err_free_nic;
		}
		strcat(swname, "^");
		host = nm_vhw_port_new(na, swname, na->num_rings[NR_RX],
				       na->num_host_rings[NR_RX],
				       na->num_rings[NR_TX],
				       na->num_host_rings[NR_TX]);
		if (!host)
			goto err_free_nic;
		nic->hw.host = &host->vp;
	}
	err = nm_vale_join(sw, &nic->vp);
	if (err)
		goto err_free_host;
	if (host) {
		err = nm_vale_join(sw, &host->vp);
		if (err)
			goto err_leave;
		nm_vhw_start(&host->hw);
		nm_vhw_kick_start(&host->hw);
	}
	nm_vhw_start(&nic->hw);
	nm_vhw_kick_start(&nic->hw);
	nm_vnic_watch(nic, dev);
	*out = &nic->vp;
	return 0;

err_leave:
	nm_vale_leave(&nic->vp);	/* the caller frees an empty switch */
err_free_host:
	if (host)
		nm_vhw_port_free(host);
err_free_nic:
	nm_vhw_port_free(nic);
err_unbind:
	nm_unbind_locked(&priv);
	return err;
}

/*
 * Detach the NIC port @vp (and its host port) from its switch, polling
 * stopped first; the caller frees the switch if it is left empty. Under
 * nm_lock.
 */
void nm_vnic_detach(struct nm_vport *vp)
{
	struct nm_vhw_port *nic = container_of(vp, struct nm_vhw_port, vp);
	struct nm_vport *host = nic->hw.host;

	lockdep_assert_held(&nm_lock);
	nm_vpoll_disable(vp);
	list_del(&nic->link);
	rtnl_lock();
	list_del_init(&nic->dev_link);
	rtnl_unlock();
	if (host)
		nm_vale_leave(host);
	nm_vale_leave(vp);
	/* No sender writes into the NIC now, and its frames go nowhere. */
	if (host) {
		nm_vhw_stop(host->hw);
		nm_vhw_kick_stop(host->hw);
	}
	nm_vhw_stop(&nic->hw);
	nm_vhw_kick_stop(&nic->hw);
	nm_unbind_locked(&nic->hw.priv);
	if (host)
		nm_vhw_port_free(container_of(host, struct nm_vhw_port, vp));
	nm_vhw_port_free(nic);
}

/* Is @vp the host-stack port of a NIC attachment? */
bool nm_vnic_is_host(struct nm_vport *vp)
{
	return vp->hw && vp->hw->src->host;
}

/* Detach every attachment whose interface was unregistered. */
static void nm_vnic_gone_work(struct work_struct *w)
{
	struct nm_vhw_port *nic, *tmp;

	mutex_lock(&nm_lock);
	list_for_each_entry_safe(nic, tmp, &nm_vnics, link) {
		struct nm_vale_sw *sw;

		if (!READ_ONCE(nic->gone))
			continue;
		sw = rcu_dereference_protected(nic->vp.sw,
					       lockdep_is_held(&nm_lock));
		nm_info_rl("%s: interface unregistered: detached\n",
			   nic->vp.swname);
		nm_vnic_detach(&nic->vp);
		if (sw)
			nm_vale_sw_put_if_empty(sw);
	}
	mutex_unlock(&nm_lock);
}

/*
 * NETDEV_UNREGISTER (linux/netdev.c), under RTNL: mark @dev's attachments;
 * nm_vnic_gone detaches them under nm_lock.
 */
void nm_vale_unregistered(struct net_device *dev)
{
	struct nm_vhw_port *nic, *tmp;

	list_for_each_entry_safe(nic, tmp, &nm_vnic_devs, dev_link) {
		if (nic->dev != dev)
			continue;
		list_del_init(&nic->dev_link);
		WRITE_ONCE(nic->gone, true);
		schedule_work(&nm_vnic_gone);
	}
}

/* Module unload, once no attachment is left: none is marked after this. */
void nm_vnic_exit(void)
{
	flush_work(&nm_vnic_gone);
}
