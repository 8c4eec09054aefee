# netmap for modern Linux: top-level build.
#   ./configure [options]; make (module, libnetmap, apps); make install
#   make modules / make apps   only the module(s) / only libnetmap and the apps
#   make clean / make distclean   remove what make built / and what configure wrote
#   make check   all tests (host, then QEMU guests on Linux 6.12, 6.1 and a debug kernel)
#   make demo    pkt-gen over a netmap pipe in a 6.12 guest
#   make bench   benchmarks in a 6.12 guest
-include config.mk

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)

# Every app unless ./configure --apps or --no-apps chose (config.mk sets APPS).
APPS ?= $(patsubst %/Makefile,%,$(wildcard apps/*/Makefile))
# ./configure --cc: the compiler for kbuild, libnetmap and the apps.
NM_CC_ARG := $(if $(NM_CC),CC=$(NM_CC))
MAN4 := docs/man/netmap.4 docs/man/vale.4
HEADERS := include/net/netmap.h include/net/netmap_legacy.h \
	   include/net/netmap_user.h include/net/netmap_virt.h

.PHONY: $(APPS) all modules apps lib install install-modules install-headers \
	install-apps install-man check demo bench clean distclean

all: modules apps

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel $(NM_CC_ARG) modules

lib:
	$(MAKE) -C lib/libnetmap $(NM_CC_ARG)

apps: lib $(APPS)

$(APPS): lib
	$(MAKE) -C $@ $(NM_CC_ARG)

install: install-modules install-headers install-apps install-man

install-modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install

install-headers:
	install -d $(DESTDIR)$(PREFIX)/include/net
	install -m 0644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/net/

# netmap(4) and vale(4); libnetmap(3) and the apps' pages come with their own installs.
install-man:
	install -d $(DESTDIR)$(PREFIX)/share/man/man4
	install -m 0644 $(MAN4) $(DESTDIR)$(PREFIX)/share/man/man4/

install-apps: apps
	$(MAKE) -C lib/libnetmap $(NM_CC_ARG) install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	for d in $(APPS); do \
		$(MAKE) -C $$d $(NM_CC_ARG) install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) || exit 1; \
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
	bench/apps.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean
	-$(MAKE) -C lib/libnetmap clean
	-for d in $(wildcard apps/*/Makefile); do $(MAKE) -C $$(dirname $$d) clean; done

# Also what ./configure wrote: the tree is as cloned again (the kernel's
# clean needs no build directory here: kbuild's own files go by name).
distclean: clean
	rm -rf config.mk kernel/drivers-build build dkms.conf lib/libnetmap/libnetmap.pc
	find kernel \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name 'modules.order' -o -name 'Module.symvers' \
		-o -name '.*.d' \) -delete

# ---- Packaging (packaging/, debian/): DKMS and Debian packages ----
#   make dkms-install [DKMS_KERNEL=REL]   sources to /usr/src/netmap-VERSION,
#                                 dkms add, build and install (netmap.ko, and
#                                 the drivers /etc/netmap/dkms.conf names)
#   make dkms-uninstall           dkms remove, sources removed
#   make dkms-src DESTDIR=...     only the sources, under DESTDIR/usr/src
#   make deb [DEB_OUT=DIR]        netmap-dkms, libnetmap-dev, netmap-tools .debs
#                                 built from a clean copy (default build/deb)
VERSION := $(shell cat $(CURDIR)/VERSION)
DKMS_SRC = $(DESTDIR)/usr/src/netmap-$(VERSION)
DEB_OUT ?= $(CURDIR)/build/deb

.PHONY: dkms-src dkms-install dkms-uninstall deb

dkms-src:
	packaging/dkms/install-src.sh $(DKMS_SRC)

dkms-install:
	$(MAKE) dkms-src DESTDIR=
	dkms status -m netmap -v $(VERSION) | grep -q . || dkms add -m netmap -v $(VERSION)
	dkms install -m netmap -v $(VERSION) $(if $(DKMS_KERNEL),-k $(DKMS_KERNEL))

dkms-uninstall:
	-dkms remove -m netmap -v $(VERSION) --all
	rm -rf /usr/src/netmap-$(VERSION)

deb:
	packaging/deb/build.sh $(DEB_OUT)
