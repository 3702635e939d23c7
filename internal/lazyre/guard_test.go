package lazyre

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGuardLiterals(t *testing.T) {
	tests := []struct {
		expr string
		want []string // fold literals are shown as "i:" + literal; nil is no guard
	}{
		{`abc`, nil}, // a literal prefix: regexp skips ahead on it already
		{`\bgo\s+test\b`, []string{"test"}},
		{`(?m)(?:^|;)\s*(?:pytest|tox)\b`, []string{"pytest", "tox"}},
		{`(?:^|;)\s*(?:pytest|x*)`, nil}, // one branch needs no literal
		{`\w+(?:ab)?`, nil},
		{`\w+(?:ab)+`, []string{"ab"}},
		{`\w(?:ab){2,3}`, []string{"ab"}},
		{`\w(?:ab){0,3}`, nil},
		{`(?i)\bcaptcha\b`, []string{"i:captcha"}},
		// k and s have non-ASCII case forms (KELVIN SIGN, LONG S): the
		// longest run without them is kept.
		{`(?i)\bsecret_token`, []string{"i:ecret_to"}},
		{`(?i)\bks`, nil},
		{`\b\x{FFFD}ab`, []string{"ab"}},
		{`\bé+x`, []string{"é"}},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.expr)
		prefix, _ := re.LiteralPrefix()
		g := newGuard(tt.expr, prefix)
		var got []string
		if g != nil {
			for _, l := range g.lits {
				if l.fold {
					got = append(got, "i:"+l.s)
				} else {
					got = append(got, l.s)
				}
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: guard literals (-want +got):\n%s", tt.expr, diff)
		}
	}
}

// TestGuardNeverHidesMatch checks the one property a guard must have:
// whenever the expression matches, the guard lets it through.
func TestGuardNeverHidesMatch(t *testing.T) {
	for _, tt := range guardSeeds {
		checkGuard(t, tt.expr, tt.text)
	}
}

var guardSeeds = []struct{ expr, text string }{
	{`(?i)\bsecret`, "SECRET"},
	{`(?i)\bsecret`, "\u017fecret"}, // LONG S folds onto s
	{`(?i)\bkey\b`, "\u212aEY"},     // KELVIN SIGN folds onto k
	{`\b\x{FFFD}ab`, "\xffab"},      // an invalid byte reads as U+FFFD
	{`(?m)(?:^|;)\s*(?:pytest|tox)\b`, "a; tox -e py"},
	{`\w(?:ab){2,3}`, "xabab"},
	{`(?i)\bcaptcha[^\n]{0,5}(?:private|secret)`, "reCaptcha Private"},
	{`\bé+x`, "éééx"},
}

func checkGuard(t *testing.T, expr, text string) {
	t.Helper()
	re, err := regexp.Compile(expr)
	if err != nil {
		return
	}
	prefix, _ := re.LiteralPrefix()
	g := newGuard(expr, prefix)
	if re.MatchString(text) && !g.mayMatch(text) {
		t.Errorf("%q matches %q, but the guard rules it out", expr, text)
	}
	if re.Match([]byte(text)) && !g.mayMatchBytes([]byte(text)) {
		t.Errorf("%q matches %q as bytes, but the guard rules it out", expr, text)
	}
}

func FuzzGuard(f *testing.F) {
	for _, s := range guardSeeds {
		f.Add(s.expr, s.text)
	}
	f.Fuzz(func(t *testing.T, expr, text string) {
		if len(expr) > 200 {
			return
		}
		checkGuard(t, expr, text)
	})
}
