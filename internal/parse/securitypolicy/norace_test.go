//go:build !race

package securitypolicy

const raceEnabled = false
