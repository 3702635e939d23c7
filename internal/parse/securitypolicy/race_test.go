//go:build race

package securitypolicy

// raceEnabled shrinks the hostile inputs under the race detector, which
// makes every allocation and memory access many times dearer.
const raceEnabled = true
