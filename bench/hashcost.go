package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/hashing"
)

// importedBcryptCost is the cost PocketBase writes its bcrypt hashes
// with, so the imported users cost what a real import's do.
const importedBcryptCost = 10

// hashCost is what one password check costs, measured in the bench's own
// process with internal/hashing and the server's parameters (read the
// way the server reads them), one check at a time on an idle machine.
type hashCost struct {
	Params  string `json:"params"`  // e.g. "argon2id m=19456 t=2 p=1"
	Samples int    `json:"samples"` // checks timed per scheme
	// ArgonVerifyMs is the median time of one verify of the seeded
	// argon2id hash: exactly the hash a login of a seeded user runs.
	ArgonVerifyMs float64 `json:"argon2id_verify_ms"`
	// BcryptVerifyMs is the median bcrypt-10 verify; a first login of an
	// imported user runs it and then one argon2id hash.
	BcryptVerifyMs float64 `json:"bcrypt10_verify_ms"`
	// ConfigWorkers is the hashing pool the server's configuration gives
	// (GATEHOUSE_HASH_WORKERS, else hashing.DefaultWorkers); the run then
	// reads the running server's own gauge.
	ConfigWorkers int `json:"config_workers"`

	argonHash, bcryptHash string // of seedPassword, for seeding
	// params are the server's argon2id parameters, for ceilingTurn.
	params hashing.Config
}

// envLookup turns a NAME=VALUE list into a getenv function.
func envLookup(env []string) func(string) string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// measureHashCost loads the configuration the server will run with (the
// same environment, no config file), makes the seeded users' hashes and
// times samples verifies of each. It takes about samples x 80 ms.
func measureHashCost(ctx context.Context, env []string, samples int) (hashCost, error) {
	cfg, err := config.Load("", envLookup(env))
	if err != nil {
		return hashCost{}, fmt.Errorf("server configuration: %w", err)
	}
	pc := cfg.Passwords
	params := hashing.Config{
		Memory: uint32(pc.Argon2MemoryKiB), Iterations: uint32(pc.Argon2Iterations),
		Parallelism: uint8(pc.Argon2Parallelism), Workers: 1,
	}
	h, err := hashing.New(params)
	if err != nil {
		return hashCost{}, err
	}
	defer h.Close()
	c := hashCost{
		Params:  fmt.Sprintf("argon2id m=%d t=%d p=%d", pc.Argon2MemoryKiB, pc.Argon2Iterations, pc.Argon2Parallelism),
		Samples: samples, ConfigWorkers: pc.Workers, params: params,
	}
	if c.ConfigWorkers == 0 {
		c.ConfigWorkers = hashing.DefaultWorkers()
	}
	if c.argonHash, err = h.Hash(ctx, seedPassword); err != nil {
		return c, err
	}
	b, err := bcrypt.GenerateFromPassword([]byte(seedPassword), importedBcryptCost)
	if err != nil {
		return c, err
	}
	c.bcryptHash = string(b)
	if c.ArgonVerifyMs, err = timeVerify(ctx, h, c.argonHash, samples); err != nil {
		return c, err
	}
	c.BcryptVerifyMs, err = timeVerify(ctx, h, c.bcryptHash, samples)
	return c, err
}

// timeVerify returns the median time of n verifies of the right password
// against encoded.
func timeVerify(ctx context.Context, h *hashing.Hasher, encoded string, n int) (float64, error) {
	times := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		ok, _, err := h.Verify(ctx, encoded, seedPassword)
		if err != nil || !ok {
			return 0, fmt.Errorf("timing a verify: ok=%v err=%v", ok, err)
		}
		times = append(times, time.Since(t0))
	}
	return ms(median(times)), nil
}

// loginCeiling is the most password logins per second workers hashing
// workers can serve when each login costs hashMs of one worker.
func loginCeiling(workers int, hashMs float64) float64 {
	if hashMs <= 0 {
		return 0
	}
	return float64(workers) * 1000 / hashMs
}

// ceilingTurn returns a turn of the hashing ceiling, for the login
// target's paired rounds: workers goroutines of the bench's own process,
// each verifying the seeded hash over and over, so a turn's ok/s is what
// a pool of workers hashing workers can verify on this machine that
// minute, with the server idle (with more workers than CPUs they share
// the CPUs, as the server's would). The returned function releases the
// hasher.
func (c *hashCost) ceilingTurn(workers int) (turn, func(), error) {
	cfg := c.params
	cfg.Workers = workers
	h, err := hashing.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	t := func(ctx context.Context, d time.Duration) streamResult {
		send := func(ctx context.Context) (int, error) {
			ok, _, err := h.Verify(ctx, c.argonHash, seedPassword)
			if err != nil || !ok {
				return 0, fmt.Errorf("verify: ok=%v err=%v", ok, err)
			}
			return http.StatusOK, nil
		}
		return closedLoop(ctx, "in-process verifies", workers, d, send)
	}
	return t, h.Close, nil
}
