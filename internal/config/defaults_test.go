package config

import (
	"testing"

	"github.com/assaysec/assay/internal/evidence"
)

// Rules read the default remediation targets from evidence, not from the
// configuration; the two tables must agree.
func TestDefaultRemediationTargetsMatchEvidence(t *testing.T) {
	for _, sev := range []string{"critical", "high", "medium", "moderate", "low", ""} {
		if got, want := evidence.DefaultRemediationDays(sev), DefaultRemediationTargets.Days(sev); got != want {
			t.Errorf("severity %q: evidence says %d days, config says %d", sev, got, want)
		}
	}
}
