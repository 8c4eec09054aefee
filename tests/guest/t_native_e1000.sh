#!/bin/sh
# Native mode on e1000 (patched by configure --drivers=e1000, in
# /lib/netmap), against the virtio-net NIC of the same hub in emulated mode:
# the driver attaches, ring sizes set by ethtool are the port's (and cannot
# change while netmap has the NIC), pkt-gen moves exact counts both ways
# with checked payloads, the host stack takes none of the frames the native
# port receives while the NIC's interrupts wake netmap, link down/up while
# open, the host-ring test program on the pair, and after the last close
# the stack pings through the NIC again. The distribution's e1000 goes
# back at the end.  busybox sh, iproute2 and ethtool; TAP output.

. "$(dirname "$0")/libtap.sh"
. "$(dirname "$0")/libnative.sh"

if [ ! -f /lib/netmap/e1000.ko ]; then
	echo "1..0 # SKIP no netmap-enabled e1000 for this kernel"
	exit 0
fi
native_suite e1000 e1000 virtio-net-pci ethtool
tap_end
