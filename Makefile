# Thin wrapper over CMake/ctest. Every target installs missing Debian packages
# first (scripts/install-deps.sh), so the first command on a fresh machine works.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps configure build check check-asan demo demo-search bench fuzz install docs clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

$(BUILD_ASAN)/build.ninja: | deps
	cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCIM_ENABLE_SANITIZERS=ON $(CMAKE_ARGS)

configure: $(BUILD)/build.ninja

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# All tests: lit (IR, tools, C API program) and the Check suites, via ctest.
check: build
	cmake --build $(BUILD) -j $(JOBS) --target cim-test-depends
	ctest --test-dir $(BUILD) --output-on-failure --no-tests=error -V

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan: deps $(BUILD_ASAN)/build.ninja
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cmake --build $(BUILD_ASAN) -j $(JOBS) --target cim-test-depends
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure --no-tests=error -V

# Regenerates docs/passes.md from the pass table and docs/layers.md from the
# layer table (lib/ir/LayerOps.def).
docs: build
	$(BUILD)/tools/cim-opt/cim-opt --list-passes=markdown > docs/passes.md
	$(BUILD)/test/layer_registry_test --print-markdown > docs/layers.md

demo: build
	@./scripts/demo.sh $(BUILD)

# The training half on digits: float, CIM-AQ search, QAT, simulator (docs/search.md).
demo-search: build
	@./scripts/demo-search.sh $(BUILD)

bench: build
	@./scripts/bench.sh $(BUILD)

# libFuzzer targets (clang-22, ASan + UBSan, build-fuzz/), FUZZ_SECONDS each.
# make check replays their corpora and saved findings (docs/testing.md).
FUZZ_SECONDS ?= 60
fuzz:
	@./scripts/install-deps.sh fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh $(CURDIR)/build-fuzz

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
