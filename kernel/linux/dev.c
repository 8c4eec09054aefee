// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/netmap: a misc character device; each open file is an independent
 * control handle (struct nm_priv) that a register binds to a port.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/compat.h>

#include "../core/nm_kern.h"
#include "dev.h"

static int nm_open(struct inode *inode, struct file *file)
{
	struct nm_priv *priv = kzalloc(sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	file->private_data = priv;
	return 0;
}

/* Last reference to the file: no ioctl, poll or mapping is left. */
static int nm_release(struct inode *inode, struct file *file)
{
	struct nm_priv *priv = file->private_data;

	nm_unbind(priv);
	kfree(priv);
	return 0;
}

static long nm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct nm_priv *priv = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NIOCCTRL:
		return nm_ioctl_ctrl(priv, uarg);
	case NIOCGINFO:
	case NIOCREGIF:
		return nm_ioctl_legacy(priv, cmd, uarg);
	case NIOCTXSYNC:
		return nm_ioctl_sync(priv, NR_TX);
	case NIOCRXSYNC:
		return nm_ioctl_sync(priv, NR_RX);
	case NIOCCONFIG:
		/* No VALE switch with a configuration callback exists. */
		return -EINVAL;
	default:
		return -EOPNOTSUPP;
	}
}

static int nm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct nm_priv *priv = file->private_data;

	if (!nm_priv_bound(priv))
		return -EINVAL;
	return nm_mem_mmap(priv->na->mem, vma);
}

static __poll_t nm_fpoll(struct file *file, poll_table *wait)
{
	return nm_poll(file->private_data, file, wait);
}

static const struct file_operations nm_fops = {
	.owner = THIS_MODULE,
	.open = nm_open,
	.release = nm_release,
	.unlocked_ioctl = nm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = nm_mmap,
	.poll = nm_fpoll,
	.llseek = noop_llseek,
};

static struct miscdevice nm_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "netmap",
	.fops = &nm_fops,
};

int nm_dev_init(void)
{
	return misc_register(&nm_miscdev);
}

void nm_dev_exit(void)
{
	misc_deregister(&nm_miscdev);
}
