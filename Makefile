# cockpit-numa-placement
PACKAGE := numa-placement
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_DIR := $(DESTDIR)$(PREFIX)/share/cockpit/$(PACKAGE)
METAINFO_DIR := $(DESTDIR)$(PREFIX)/share/metainfo
NODE_MODULES_STAMP := node_modules/.package-lock.json
SOURCES := $(shell find src po -type f 2>/dev/null) manifest.json build.js package-lock.json

.PHONY: dist deb rpm check-packages install-files bench numa-lab numa-lab-down check-numa all build watch install devel-install devel-uninstall uninstall lab lab-down check check-unit check-e2e \
        typecheck lint screenshot pot update-po clean

all: dist/index.js

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

dist/index.js: $(NODE_MODULES_STAMP) $(SOURCES)
	node build.js

build: dist/index.js

watch: $(NODE_MODULES_STAMP)
	node build.js --watch

install: dist/index.js
	$(MAKE) --no-print-directory install-files

# the page as built, without building it: what the Debian and RPM packages run on the release tarball's dist/
install-files:
	@test -f dist/index.js || { echo "dist/ is not built: run make first"; exit 1; }
	mkdir -p $(INSTALL_DIR) $(METAINFO_DIR)
	rm -rf $(INSTALL_DIR)/*
	cp -r dist/* $(INSTALL_DIR)/
	# Cockpit serves FILE.gz compressed when FILE is absent, as its own packages do
	for gz in $(INSTALL_DIR)/*.gz; do [ -e "$$gz" ] && rm -f "$${gz%.gz}"; done; true
	# the bundle's license notices are the packages' license files, not part of the page
	rm -f $(INSTALL_DIR)/*.LEGAL.txt
	cp org.cockpit_project.numa_placement.metainfo.xml $(METAINFO_DIR)/

devel-install: dist/index.js
	mkdir -p ~/.local/share/cockpit
	ln -sfn $(CURDIR)/dist ~/.local/share/cockpit/$(PACKAGE)

devel-uninstall:
	rm -f ~/.local/share/cockpit/$(PACKAGE)

uninstall:
	rm -rf $(INSTALL_DIR)
	rm -f $(METAINFO_DIR)/org.cockpit_project.numa_placement.metainfo.xml

# the release tarball (sources and the built page; reproducible), and the packages built from it (see packaging/)
dist: dist/index.js
	bash packaging/dist.sh

deb: dist
	bash packaging/deb.sh

rpm: dist
	bash packaging/rpm.sh

# the tarball built twice is the same, and both packages build from it lint-clean
check-packages: $(NODE_MODULES_STAMP)
	bash packaging/check.sh

# the local lab: packages, daemons, cockpit-ws on 127.0.0.1:9090 and demo guests (see README)
lab:
	bash test/lab/up.sh

lab-down:
	bash test/lab/down.sh

typecheck: $(NODE_MODULES_STAMP)
	npx tsc --noEmit -p .

lint: $(NODE_MODULES_STAMP)
	npx eslint src test po build.js

check-unit: $(NODE_MODULES_STAMP)
	npx vitest run

check-e2e: $(NODE_MODULES_STAMP)
	npx vitest run --config test/e2e/vitest.config.ts

# everything: typecheck, lint, unit tests, and e2e against a lab it brings up and takes down
check:
	bash test/check.sh

# the README's picture, from the NUMA lab (make numa-lab), logged in as its administrator, rhel64 selected
screenshot: dist/index.js
	COCKPIT_URL=http://127.0.0.1:9091 LOGIN=admin:numalab ADMIN=1 SELECT=rhel64 EXPAND=rhel64 FULL=1250 PLACE=wide PLACE_OUT=doc/place.png node test/screenshot.mjs doc/screenshot.png

# the translation template from the sources and the manifest; update-po merges it into the catalogs
pot:
	node po/extract.mjs

update-po: pot
	for po in po/*.po; do python3 po/update.py $$po; done

clean:
	rm -rf dist

# the NUMA lab: the article's 4-node host as a nested VM (see README); NUMA_LAB_DEBIAN=12 (default) or 13,
# NUMA_LAB_NO_CPUSET=1 for the drift case
numa-lab:
	bash test/numa-lab/up.sh

numa-lab-down:
	bash test/numa-lab/down.sh

# the NUMA suite against the lab that runs (its generation as it booted); NUMA_LAB_SUITE=small for the smaller one
check-numa: $(NODE_MODULES_STAMP)
	NUMA_LAB_DEBIAN=$$(cat /run/numa-placement-numa-lab/generation 2>/dev/null || echo 12) npx vitest run --config test/e2e-numa/vitest.config.ts

# speed against cockpit-machines and the command line (see bench/results.md); needs the local lab's packages
bench: dist/index.js
	bash bench/bench.sh
