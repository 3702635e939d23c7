//go:build !race

package growth

// RaceEnabled is true under the race detector.
const RaceEnabled = false
