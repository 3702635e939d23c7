package purpose

import "testing"

func TestFind(t *testing.T) {
	for text, want := range map[string]bool{
		"Damn Vulnerable Web Application is damn vulnerable!":             true,
		"This lab is intentionally vulnerable; run it in a VM.":           true,
		"A deliberately insecure app for training.":                       true,
		"It contains both intentional and unintentional vulnerabilities.": true,
		"Versions before 2.0 are vulnerable to CVE-2020-1234; upgrade.":   false,
		"Report vulnerabilities to security@example.com.":                 false,
		"We intentionally keep the API small.":                            false,
	} {
		if got := len(Find("README.md", []byte(text))) > 0; got != want {
			t.Errorf("Find(%q) = %v; want %v", text, got, want)
		}
	}
}

func FuzzFind(f *testing.F) {
	f.Add("Damn Vulnerable\nintentionally vulnerable\n")
	f.Fuzz(func(t *testing.T, data string) { Find("README.md", []byte(data)) })
}
