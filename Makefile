# Gatehouse developer commands. `make test` is what CI runs.

GO ?= go
SDK_DIRS := sdktest/pocketbase sdktest/directus sdktest/payload
FUZZTIME ?= 20s

.PHONY: test chaos fmt-check vet sdk-deps build run fuzz bench

## test: formatting, vet, every Go test under the race detector, and the
## official SDK tests under node. With GATEHOUSE_TEST_POSTGRES_DSN set, the
## PostgreSQL store and multi-node tests run too, and the end-to-end tests
## run a second time on PostgreSQL (without -race: the first pass found
## what it can).
test: fmt-check vet sdk-deps
	GATEHOUSE_SDK_TESTS=1 $(GO) test -race -count=1 ./...
	@if [ -n "$$GATEHOUSE_TEST_POSTGRES_DSN" ]; then \
	  echo "== end-to-end tests again, every server on PostgreSQL"; \
	  GATEHOUSE_TEST_BACKEND=postgres GATEHOUSE_SDK_TESTS=1 $(GO) test -count=1 ./cmd/gatehouse/; \
	fi

## chaos: the fault-injection suite (chaos_*_test.go): kill -9 under load,
## a broken link to PostgreSQL, a full disk; each scenario checks what was
## acknowledged still holds. About 2 minutes under -race on 2 cores;
## .ci/run runs it after `make test` (see docs/decisions.md, "Fault
## injection"). The full-disk scenario mounts a tmpfs (root); the database
## scenarios need GATEHOUSE_TEST_POSTGRES_DSN, as in `make test`.
chaos:
	GATEHOUSE_TEST_CHAOS=1 $(GO) test -race -count=1 -timeout 20m -v -run '^TestChaos' ./cmd/gatehouse/

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## sdk-deps: install the pinned npm SDKs the wire tests drive
sdk-deps:
	@for d in $(SDK_DIRS); do npm ci --prefix $$d --no-audit --no-fund --loglevel=error || exit 1; done

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o gatehouse ./cmd/gatehouse

run:
	$(GO) run ./cmd/gatehouse serve

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## bench: every benchmark scenario at 1k and 1M users and on PostgreSQL (127.0.0.1:5432), recorded into bench/RESULTS.md (about 17 minutes; see bench/README.md)
bench:
	$(GO) run ./bench -scenario all -record
