# Shared by the apps' Makefiles. An app sets SRCDIR, TOPDIR, PROGS,
# TESTS and optionally MANS (man pages in its folder, e.g. lb.8), includes
# this file, then adds to APP_CFLAGS / APP_LDFLAGS /
# APP_LIBS and gives its link rules. Targets:
#   make                     build $(PROGS)
#   make STATIC=1            link statically
#   make check               host tests: tests/run.sh (TAP, then "N passed, N failed")
#   make install DESTDIR=... PREFIX=...   install into $(DESTDIR)$(PREFIX)/bin
#                            (and each NAME.N of MANS into share/man/manN)
#   make clean
vpath %.c $(SRCDIR)
vpath %.h $(SRCDIR)

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL ?= install

LIBNETMAP_DIR ?= $(TOPDIR)/lib/libnetmap
LIBNETMAP ?= $(LIBNETMAP_DIR)/libnetmap.a

APP_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-I$(TOPDIR)/include -MMD -MP
APP_LDFLAGS :=
APP_LIBS := -lpthread
ifeq ($(STATIC),1)
APP_LDFLAGS += -static
endif

# Rebuild everything when the compiler or the flags change.
BUILD_FLAGS = $(CC) $(APP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(APP_LDFLAGS)

all: $(PROGS)

%.o: %.c .build-flags
	$(CC) $(APP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

tests/%.o: tests/%.c .build-flags
	@mkdir -p tests
	$(CC) $(APP_CFLAGS) -I$(SRCDIR) -I$(TOPDIR)/apps $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Only built when missing: the library has its own Makefile.
$(LIBNETMAP):
	$(MAKE) -C $(LIBNETMAP_DIR)

.build-flags: FORCE
	@echo '$(BUILD_FLAGS)' | cmp -s - $@ || echo '$(BUILD_FLAGS)' > $@

check: $(PROGS) $(TESTS)
	sh $(SRCDIR)tests/run.sh $(CURDIR)

install: $(PROGS)
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin
	$(INSTALL) -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin
	@set -e; for m in $(MANS); do \
		d=$(DESTDIR)$(PREFIX)/share/man/man$${m##*.}; \
		echo "$(INSTALL) -m 0644 $(SRCDIR)$$m $$d"; \
		$(INSTALL) -d $$d; $(INSTALL) -m 0644 $(SRCDIR)$$m $$d; \
	done

clean:
	rm -f $(PROGS) $(TESTS) *.o *.d tests/*.o tests/*.d .build-flags

FORCE:

.PHONY: all check install clean FORCE

-include $(wildcard *.d tests/*.d)
