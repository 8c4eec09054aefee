#!/bin/sh
# Native mode on virtio-net (virtio_net patched by configure
# --drivers=virtio_net, in /lib/netmap), against the e1000 NIC of the same
# hub in emulated mode: the driver attaches (a device reset hands the
# queues over), pkt-gen moves exact counts both ways with checked payloads,
# the host stack takes none of the frames the native port receives while
# the device's interrupts wake netmap, link down/up while open, the
# host-ring test program on the pair, and after the last close the stack
# pings through the NIC again. The distribution's virtio_net goes back at
# the end.  busybox sh, iproute2; TAP output.

. "$(dirname "$0")/libtap.sh"
. "$(dirname "$0")/libnative.sh"

if [ ! -f /lib/netmap/virtio_net.ko ]; then
	echo "1..0 # SKIP no netmap-enabled virtio_net for this kernel"
	exit 0
fi
# The frames wake the receiver without delay, yet under TCG the MSI-X
# lines of the virtio device count no interrupts after the driver's device
# reset (the stack's own traffic shows the same): their counts are shown only.
native_suite virtio-net-pci virtio_net e1000 - noirqcount
tap_end
