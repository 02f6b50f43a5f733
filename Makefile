# The commands the README names. Each sets up what it needs first (scripts/setup.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help run test setup setup-test ui lint fmt test-rust test-ui test-mcp test-e2e check-core-deps dev bench bench-app bench-mcp startup-order bundle package-test lint-workflows

help:
	@echo "make run    set up, build the UI and start the app"
	@echo "make test   set up, then every check and test, end to end under Xvfb"
	@echo "make dev    the app with hot reload of the UI"
	@echo "make fmt    format Rust and the UI"
	@echo "make bench  benchmarks (criterion); method and figures in docs/BENCHMARKS.md"
	@echo "make bundle the Linux installers (.deb, .rpm) in target/release/bundle/"

setup:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

# The Rust build embeds ui/dist, so the UI is built before any Rust.
ui:
	npm --prefix ui run build

run: setup ui
	$(CARGO) run --bin kickstart

# Hot reload: Vite serves the UI, the Tauri CLI rebuilds and restarts the Rust side on change.
dev: setup
	TAURI_FRONTEND_PATH=ui TAURI_CONFIG='{"build":{"devUrl":"http://localhost:5173"}}' npm --prefix ui exec -- tauri dev

fmt:
	$(CARGO) fmt --all
	npm --prefix ui run format

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	npm --prefix ui run typecheck
	npm --prefix ui run lint
	npm --prefix ui run format:check
	@git diff --exit-code -- ui/package-lock.json || { echo "ui/package-lock.json changed on install: commit it"; exit 1; }
	@v=$$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1); \
	grep -q "\"version\": \"$$v\"" ui/package.json || { echo "ui/package.json's version is not $$v, Cargo.toml's"; exit 1; }

# The domain crate must never depend on Tauri (see ARCHITECTURE.md).
check-core-deps:
	@tree=$$($(CARGO) tree --locked -p kickstart-core -e normal,build --prefix none) || exit 1; \
	if grep -iE '^tauri' <<< "$$tree"; then \
		echo "kickstart-core depends on Tauri (above); it must not"; exit 1; \
	else echo "kickstart-core has no Tauri in its dependency tree ($$(wc -l <<< "$$tree") crates checked)"; fi

test-rust: ui
	$(CARGO) test --workspace --locked
	scripts/keychain-test.sh

test-ui:
	npm --prefix ui test

# The MCP server (kickstart mcp) driven by the Python SDK and the MCP Inspector CLI.
test-mcp: ui
	scripts/mcp-test.sh
	@git diff --exit-code -- tests/mcp/package-lock.json || { echo "tests/mcp/package-lock.json changed on install: commit it"; exit 1; }

test-e2e: ui
	scripts/e2e.sh

# Installers: a release build with the embedded UI (the CLI's beforeBuildCommand builds it, in
# TAURI_FRONTEND_PATH), as
# .deb and .rpm; the other systems' installers are built by .github/workflows/release.yml.
bundle: setup
	TAURI_FRONTEND_PATH=ui npm --prefix ui exec -- tauri build --ci --bundles deb,rpm

# The GitHub Actions workflows, checked by actionlint (they cannot run here).
lint-workflows: setup-test
	.venv/bin/actionlint -color=false .github/workflows/*.yml
	@echo "actionlint: $$(ls .github/workflows/*.yml | wc -l) workflows clean"

# The .deb installed, started under Xvfb and removed again (scripts/package-test.sh).
package-test: setup-test bundle
	scripts/package-test.sh

test: setup-test lint lint-workflows check-core-deps test-rust test-ui test-mcp test-e2e package-test
	@echo "make test: all checks and tests passed"

# Benchmarks, never timed tests: criterion over a 100 000-task profile (see docs/BENCHMARKS.md).
bench: setup
	$(CARGO) bench --locked -p kickstart-core --bench tasks -- --noplot
	$(CARGO) bench --locked -p kickstart-core --bench provider_stream -- --noplot
	$(CARGO) bench --locked -p kickstart-core --bench chat_stream -- --noplot
	scripts/bench-app.sh
	scripts/bench-mcp.sh

# The real app (release build) with 100 000 tasks: time to the Tasks page's first rows, then
# 5 000-token answers streamed into the chat (throughput, stalls, memory over 200 answers).
bench-app:
	scripts/bench-app.sh

# `kickstart mcp` (release build) over stdio next to a reference Python MCP server (FastMCP on
# SQLite): tools/call round trips of list_tasks and add_task, p50/p99, one run.
bench-mcp:
	scripts/bench-mcp.sh

# Lists the functions the release binary runs at start (under valgrind) in src-tauri/startup.order,
# which the release link places side by side; again after a Rust or dependency update.
startup-order:
	scripts/startup-order.sh
