package issuetemplate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	in := `blank_issues_enabled: false
contact_links:
  - name: Security issue
    url: https://github.com/acme/tool/security/advisories/new
    about: Do not report security issues publicly. Create a private advisory.
  - name: Chat
    url: https://chat.acme.org
  - name: no url
  - name: Security Contact
    about: Please report security vulnerabilities to security@acme.org
`
	got, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{
		{Name: "Security issue", URL: "https://github.com/acme/tool/security/advisories/new", About: "Do not report security issues publicly. Create a private advisory.", Line: 4},
		{Name: "Chat", URL: "https://chat.acme.org", Line: 7},
		{Name: "Security Contact", About: "Please report security vulnerabilities to security@acme.org", Line: 9},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
	}
	if _, err := Parse([]byte("a: [")); err == nil {
		t.Error("Parse(broken) = nil error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("contact_links:\n  - name: a\n    url: b\n"))
	f.Add([]byte("contact_links: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		links, _ := Parse(data)
		if len(links) > MaxLinks {
			t.Fatalf("%d links", len(links))
		}
	})
}
