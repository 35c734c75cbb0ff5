# The two commands of README's quick start, and a few more.
#   make run    install what is needed, build, run the default demo
#   make test   install, build the optimised and the debug+sanitizer builds, run all tests
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build build-debug run test test-release test-debug bench clean difftest-live \
	fuzz-short

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B build -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j $(JOBS)

build-debug: deps
	cmake -S . -B build-debug -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Debug \
	  -DMMSIM_DEBUG_VM=ON -DMMSIM_SANITIZE=ON -DMMSIM_BENCH=OFF >/dev/null
	cmake --build build-debug -j $(JOBS)

run: build
	./build/mmsim

test-release: build
	cd build && ctest --output-on-failure -j $(JOBS)

test-debug: build-debug
	cd build-debug && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test: test-release test-debug
	$(MAKE) fuzz-short FUZZ_SECONDS=10

# The differential tests against this machine's kernel (ctest compares with
# the recorded tests/diff/golden.txt instead).
difftest-live: build
	cmake --build build --target difftest-live

bench: build
	@for b in build/bench/bench_*; do echo "== $$b"; $$b; done

# libFuzzer (clang): build the fuzz targets in build-fuzz and run each for
# FUZZ_SECONDS from its corpus in tests/fuzz/corpus (read only; new inputs go
# to build-fuzz/corpus-NAME). A crash leaves crash-* in build-fuzz.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS = lackey cache config

fuzz-short: deps
	CC=clang cmake -S . -B build-fuzz -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMMSIM_FUZZ=ON -DMMSIM_BENCH=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS) $(addprefix --target fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus-$$t && echo "== fuzz_$$t, $(FUZZ_SECONDS) s" && \
	  (cd build-fuzz && ./tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -print_final_stats=1 corpus-$$t ../tests/fuzz/corpus/$$t >fuzz_$$t.log 2>&1); \
	  rc=$$?; tail -n 12 build-fuzz/fuzz_$$t.log; [ $$rc -eq 0 ] || exit 1; \
	done

clean:
	rm -rf build build-debug build-fuzz
