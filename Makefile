# netmap for modern Linux: top-level build.
#   ./configure [options]; make; make apps; make install
#   make check   all tests (host, then QEMU guests on Linux 6.12, 6.1 and a debug kernel)
#   make demo    pkt-gen over a netmap pipe in a 6.12 guest
#   make bench   benchmarks in a 6.12 guest
-include config.mk

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=

APPS := apps/pkt-gen apps/bridge apps/vale-ctl
HEADERS := include/net/netmap.h include/net/netmap_legacy.h \
	   include/net/netmap_user.h include/net/netmap_virt.h

.PHONY: all modules apps lib install install-modules install-headers \
	install-apps check demo bench clean

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel modules

lib:
	$(MAKE) -C lib/libnetmap

apps: lib
	for d in $(APPS); do $(MAKE) -C $$d || exit 1; done

install: install-modules install-headers install-apps

install-modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel INSTALL_MOD_PATH=$(DESTDIR) modules_install

install-headers:
	install -d $(DESTDIR)$(PREFIX)/include/net
	install -m 0644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/net/

install-apps: apps
	$(MAKE) -C lib/libnetmap install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	for d in $(APPS); do \
		$(MAKE) -C $$d install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) || exit 1; \
	done

check:
	tests/run

demo:
	tests/vm/demo.sh

bench:
	bench/run.sh
	bench/generic.sh
	bench/native.sh
	bench/vale.sh
	bench/ab.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean
	-$(MAKE) -C lib/libnetmap clean
	-for d in $(APPS); do $(MAKE) -C $$d clean; done
