# The two commands a new machine needs: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
DATA_DIR ?= ./skydir-data
FUZZ_SECONDS ?= 30
# Seconds each fuzz target runs in the sanitizer pass of `make test`.
SANITIZE_FUZZ_SECONDS ?= 10
# ccache hits survive a clone in another directory (CI builds a fresh clone each time).
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: deps configure build test unit integration sanitize run fuzz clean bench

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Everything in the normal build, then again under ASan + UBSan + LeakSanitizer (build-asan/,
# clang) with a short run of every fuzz target; prints the wall time of each pass.
test: build
	@start=$$(date +%s); ctest --test-dir $(BUILD_DIR) -j $(JOBS) --output-on-failure --timeout 600; \
	  rc=$$?; echo "tests in $(BUILD_DIR): $$(( $$(date +%s) - start ))s"; exit $$rc
	@start=$$(date +%s); JOBS=$(JOBS) CMAKE_FLAGS="$(CMAKE_FLAGS)" scripts/sanitize $(SANITIZE_FUZZ_SECONDS); \
	  rc=$$?; echo "sanitizer pass (build, tests, fuzzing): $$(( $$(date +%s) - start ))s"; exit $$rc

sanitize: deps
	@JOBS=$(JOBS) CMAKE_FLAGS="$(CMAKE_FLAGS)" scripts/sanitize $(SANITIZE_FUZZ_SECONDS)

unit: build
	@ctest --test-dir $(BUILD_DIR) -j $(JOBS) --output-on-failure -L unit

integration: build
	@ctest --test-dir $(BUILD_DIR) -j $(JOBS) --output-on-failure -L integration

run: build
	$(BUILD_DIR)/src/app/skydir serve --demo --data-dir $(DATA_DIR)

fuzz: deps
	@scripts/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR)

# Side-by-side benchmark against OpenLDAP slapd (issue 7): 10k and 100k users, own Release
# build in build-bench/; never part of `make test`. BENCH_USERS=10000 bench/run for a quick run.
bench: deps
	@BENCH_SIZES="$${BENCH_SIZES:-10000 100000}" bench/run
