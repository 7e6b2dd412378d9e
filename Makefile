# Sdelka — the two commands a user needs are `make run` and `make test`.
BUILD       ?= build
JOBS        ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
DB          ?= sqlite:data/sdelka.db
LISTEN      ?= 127.0.0.1:8080

.PHONY: all deps build run test unit-test api-test e2e-test fuzz fuzz-smoke bench fresh-test clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Installs what is missing, builds, creates ./data/sdelka.db with an administrator and demo
# data on first start, and serves http://127.0.0.1:8080 until Ctrl-C.
run: build
	mkdir -p data
	$(BUILD)/sdelka serve --db $(DB) --listen $(LISTEN)

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

api-test: build
	bash tests/api/run.sh $(BUILD)

e2e-test: build
	bash tests/e2e/run.sh $(BUILD)

# libFuzzer harnesses of the parsers (tests/fuzz, clang): `fuzz` runs each to 10,000,000 executions
# (FUZZ_RUNS), `fuzz-smoke` each for a fixed number of executions from seed FUZZ_SEED (about 20 s); both on copies of the committed corpora.
fuzz: deps
	bash scripts/fuzz.sh full $(BUILD)/fuzz

fuzz-smoke: deps
	bash scripts/fuzz.sh smoke $(BUILD)/fuzz

# Every suite: unit and CLI tests (CTest; SQLite and a throwaway PostgreSQL), the API suite on
# SQLite and on PostgreSQL, the browser tests in headless Chromium, and a fuzzing smoke (fixed seed, about 1 min).
test: build
	$(MAKE) --no-print-directory unit-test
	$(MAKE) --no-print-directory api-test
	$(MAKE) --no-print-directory e2e-test
	$(MAKE) --no-print-directory fuzz-smoke

bench: build
	bash bench/run.sh $(BUILD)

# Maintainer's check before changing scripts/deps.sh or the build (not part of `make test` or CI):
# `make test` and a `make run` smoke inside a new minimal Debian 12 root. Needs root.
fresh-test:
	bash scripts/fresh-machine-test.sh

clean:
	rm -rf $(BUILD)
