# dip's install targets; the work is in scripts/ (see the comments there).
#   make install [PREFIX=/usr/local] [DESTDIR=]   build (static Swift runtime) and install everything
#   make uninstall [PREFIX=/usr/local]            remove exactly what install put there
#   make deb                                      out/dip_VERSION_ARCH.deb (scripts/make-deb.sh)
#   make test                                     the whole test suite (scripts/test.sh)
PREFIX ?= /usr/local
DESTDIR ?=

install:
	bash scripts/install.sh --prefix "$(PREFIX)" $(if $(DESTDIR),--destdir "$(DESTDIR)")

uninstall:
	bash scripts/install.sh --uninstall --prefix "$(PREFIX)" $(if $(DESTDIR),--destdir "$(DESTDIR)")

deb:
	bash scripts/make-deb.sh out

test:
	bash scripts/test.sh

.PHONY: install uninstall deb test
