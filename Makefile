# The two commands of the README are `make run` and `make test`; each installs
# what is missing, configures, builds and runs.
SHELL := /bin/bash
JOBS ?= 2
LISTEN ?= 127.0.0.1:8080
DATA ?= ./data
PREFIX ?= /usr/local

.PHONY: all deps build dev run test asan tsan bench install clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j$(JOBS)

dev: deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j$(JOBS)

run: build
	scripts/run-demo build/release $(LISTEN) $(DATA)

test: dev
	ctest --preset dev -j$(JOBS)

asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j$(JOBS)

# The C API under ThreadSanitizer: the library and the C programs built with
# -fsanitize=thread, against the dev build's msgcenterd and msgc.
tsan: dev
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j$(JOBS)
	TSAN_OPTIONS="halt_on_error=1" ctest --preset tsan

bench: build
	build/release/bench_shares --server-binary build/release/msgcenterd
	build/release/bench_fanout --server-binary build/release/msgcenterd
	build/release/bench_store_writes
	build/release/bench_cluster --server-binary build/release/msgcenterd
	build/release/bench_browser
	build/release/bench_capi --server-binary build/release/msgcenterd
	build/release/bench_handlers --server-binary build/release/msgcenterd
	build/release/bench_catalog --server-binary build/release/msgcenterd
	build/release/bench_contacts --server-binary build/release/msgcenterd
	build/release/bench_pushes --server-binary build/release/msgcenterd
	build/release/bench_recommend --server-binary build/release/msgcenterd

# Installs the C API's header, libmsgcenter.so (with a pkg-config file) and msgc.
install: build
	cmake --install build/release --prefix $(PREFIX)

clean:
	rm -rf build
