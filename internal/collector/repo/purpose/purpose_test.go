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
		// Security fixes ended for every version (filebrowser, archived).
		"> **File Browser is archived on 2026-09-01**. The last planned release has already shipped. There will be no further releases, bug fixes, or security fixes.": true,
		"No version receives security fixes. The last planned release has already shipped.":                                                                            true,
		"This project no longer receives security updates.":                                                                                                            true,
		// The end of one line's support is not the product's.
		"There will be no further security fixes for the 1.x line.":         false,
		"Version 1.x receives no security fixes; upgrade to 2.x.":           false,
		"The 1.x branch will no longer receive security patches.":           false,
		"There will be no further releases of v1; security fixes go to v2.": false,
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
