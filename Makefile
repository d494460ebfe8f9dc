# Hearth: `make run` opens the app, `make test` runs every check. Both install what is missing.
SHELL := /bin/bash
CARGO_FEATURES := --features hearth-desktop/custom-protocol
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

.PHONY: run test deps deps-test ui app check-rust test-core test-ui e2e package package-debug bindings fmt clean

run: deps app
	$(TARGET_DIR)/debug/hearth-desktop

test: deps-test check-rust test-core test-ui e2e
	@echo "All Hearth checks passed."

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

ui:
	npm --prefix ui run build

# The window embeds ui/dist at compile time, so the UI is built first.
app: ui
	cargo build --workspace $(CARGO_FEATURES)

check-rust: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets $(CARGO_FEATURES) -- -D warnings

test-core: ui
	cargo test --workspace $(CARGO_FEATURES)

test-ui:
	npm --prefix ui run check
	npm --prefix ui test

# The installable package for Debian and Ubuntu: the window and the CLI built for release and
# bundled by Tauri into $(TARGET_DIR)/release/bundle/deb/Hearth_<version>_<arch>.deb.
package: deps ui
	cargo build --release --workspace $(CARGO_FEATURES)
	$(call bundle_deb,release,)

# The same package around the debug build (no release build), for the install test.
package-debug: app
	$(call bundle_deb,debug,--debug)

# Tauri bundles the window; the CLI goes in beside it through a configuration written as JSON by
# node (so any path is quoted right). The target folder is made absolute for the bundler, which
# runs from src-tauri.
ABS_TARGET_DIR = $(abspath $(TARGET_DIR))
define bundle_deb
	mkdir -p "$(ABS_TARGET_DIR)/$(1)"
	node -e 'console.log(JSON.stringify({bundle: {linux: {deb: {files: {"/usr/bin/hearth": process.argv[1]}}}}}))' \
		"$(ABS_TARGET_DIR)/$(1)/hearth" > "$(ABS_TARGET_DIR)/$(1)/deb-files.json"
	cd src-tauri && CARGO_TARGET_DIR="$(ABS_TARGET_DIR)" ../ui/node_modules/.bin/tauri bundle $(2) --bundles deb \
		--features custom-protocol --config "$(ABS_TARGET_DIR)/$(1)/deb-files.json"
endef

# End-to-end in the real window (and the package's install test); a virtual display when there
# is none.
# On a failure the window's own warnings (target/e2e-logs) are printed, so a CI log says why.
e2e: app package-debug
	@rm -rf target/e2e-logs
	@if [ -z "$$DISPLAY" ]; then \
		xvfb-run -a -s '-screen 0 1280x800x24' npm --prefix tests/e2e test; \
	else \
		npm --prefix tests/e2e test; \
	fi || { echo "Hearth's warnings during the end-to-end run:"; \
		grep -h "hearth_desktop\|hearth::\|panicked" target/e2e-logs/*.log | tail -40; exit 1; }

# Regenerates ui/src/lib/bindings.ts from the shell's commands.
bindings:
	HEARTH_WRITE_BINDINGS=1 cargo test -p hearth-desktop $(CARGO_FEATURES) bindings_are_fresh

fmt:
	cargo fmt --all

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules
