/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NM_LINUX_DEV_H
#define NM_LINUX_DEV_H

int nm_dev_init(void);
void nm_dev_exit(void);

#endif /* NM_LINUX_DEV_H */
