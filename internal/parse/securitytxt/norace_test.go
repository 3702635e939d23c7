//go:build !race

package securitytxt

const raceEnabled = false
