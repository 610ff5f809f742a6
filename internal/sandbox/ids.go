package sandbox

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
)

// formatUUID renders 128 random bits as a version-4 UUID string.
func formatUUID(hi, lo uint64) string {
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// randomUUID draws a UUID from a deterministic source.
func randomUUID(rng *rand.Rand) string {
	return formatUUID(rng.Uint64(), rng.Uint64())
}

// uuidFromString derives a stable UUID from a name, for ids that must not
// depend on a random stream (e.g. the directory of a hand-written state).
func uuidFromString(name string) string {
	h := fnv.New128a()
	_, _ = h.Write([]byte(name))
	sum := h.Sum(nil)
	var hi, lo uint64
	for i := range 8 {
		hi = hi<<8 | uint64(sum[i])
		lo = lo<<8 | uint64(sum[8+i])
	}
	return formatUUID(hi, lo)
}

// lockedRand is a seeded PCG shared by concurrent requests (new group ids,
// fault dice). math/rand/v2 generators are not safe for concurrent use, hence
// the mutex; the seed keeps runs reproducible.
type lockedRand struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newLockedRand(seed, stream uint64) *lockedRand {
	return &lockedRand{rng: rand.New(rand.NewPCG(seed, stream))}
}

func (l *lockedRand) uuid() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return randomUUID(l.rng)
}

func (l *lockedRand) float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rng.Float64()
}

// chance reports true with probability p (p >= 1 always, p <= 0 never).
func (l *lockedRand) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	return l.float64() < p
}
