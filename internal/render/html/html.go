// Package html renders the report as one self-contained HTML document for
// people: the Senior Responsible Owner and the engineering team read where
// the product stands and what to fix first; "print to PDF" gives a clean
// self-assessment document.
//
// The file carries its own CSS, SVG and a few lines of JavaScript for
// filtering; it loads nothing from the network, and reads fully with
// JavaScript off. A Content-Security-Policy pins the inline style and script
// by hash, so even a value that slipped past escaping could not run script.
// Every string from the repository or the declaration goes through
// html/template's contextual escaping, and through textsafe.Clean so that
// control and bidirectional characters show as escapes.
package html

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/textsafe"
)

var (
	//go:embed report.html.tmpl
	pageTemplate string
	//go:embed report.css
	css string
	//go:embed filter.js
	script string
)

// maxExtensionJSON caps how much of one report extension the page shows; the
// JSON format carries it in full.
const maxExtensionJSON = 64 << 10

// tmpl is parsed on first use: every command pays for the package's
// initialisation, and only the HTML report needs the template.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(funcs).Parse(pageTemplate))
})

// csp allows nothing but the page's own inline style and script, named by
// their hashes, so injected markup could neither run script nor load
// anything.
var csp = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src data:; base-uri 'none'; form-action 'none'",
	hashSource(css), hashSource(script))

func hashSource(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// New returns the HTML renderer.
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		var buf bytes.Buffer
		if err := Write(&buf, r); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// page is the template's data. The style and script are our own
// constants, not input; marking them trusted keeps their bytes exact so the
// CSP hashes match.
type page struct {
	R          *report.Report
	CSP        string
	CSS        template.CSS
	JS         template.JS
	principles map[string]*report.Principle
}

// Write renders r as HTML.
func Write(w io.Writer, r *report.Report) error {
	p := &page{R: r, CSP: csp, CSS: template.CSS(css), JS: template.JS(script), principles: make(map[string]*report.Principle, len(r.Principles))}
	for i := range r.Principles {
		p.principles[r.Principles[i].ID] = &r.Principles[i]
	}
	if err := tmpl().Execute(w, p); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

// Principle looks a principle up by id, for the overview.
func (p *page) Principle(id string) *report.Principle { return p.principles[id] }

// Attestation returns the attestation a claim cites by index, or nil.
func (p *page) Attestation(i int) *report.Attestation {
	if i < 0 || i >= len(p.R.Attestations) {
		return nil
	}
	return &p.R.Attestations[i]
}

var funcs = template.FuncMap{
	"c":             textsafe.Clean,
	"md":            inlineCode,
	"subject":       render.SubjectName,
	"cm":            textsafe.CleanMultiline,
	"label":         label,
	"basis":         basis,
	"outcome":       outcome,
	"short":         short,
	"where":         where,
	"locHref":       render.FileHref,
	"pathHref":      func(p string) string { return render.FileHref(p, 0) },
	"safeURL":       render.SafeURL,
	"bar":           bar,
	"unknownClaims": unknownClaims,
	"extensions":    extensions,
	"state":         state,
	// The report's constants the template compares with, so that it holds
	// no status literal.
	"signOffCurrent":     func() report.SignOffState { return report.SignOffCurrent },
	"claimMet":           func() report.ClaimStatus { return report.ClaimMet },
	"claimNotApplicable": func() report.ClaimStatus { return report.ClaimNotApplicable },
}

// state shows one of the report's states (attestation, waiver, collector)
// as it is spelled in the JSON.
func state(s any) string { return textsafe.Clean(fmt.Sprint(s)) }

// inlineCode shows a message's Markdown code spans (`assay sbom`) as code:
// rule messages and remediation are written with backticks for the text
// and Markdown formats. Everything else is escaped; an unpaired backtick
// stays as it is.
func inlineCode(s string) template.HTML {
	s = textsafe.Clean(s)
	parts := strings.Split(s, "`")
	if len(parts) < 3 {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 0:
			b.WriteString(template.HTMLEscapeString(p))
		case i == len(parts)-1: // an unpaired backtick before the last part
			b.WriteString("`" + template.HTMLEscapeString(p))
		case p == "":
			b.WriteString("``")
		default:
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		}
	}
	return template.HTML(b.String())
}

var labels = map[string]string{
	string(report.PrincipleMet): "Met", string(report.PrinciplePartiallyMet): "Partially met", string(report.PrincipleNotMet): "Not met",
	string(report.PrincipleUnknown): "Unknown", string(report.PrincipleNotApplicable): "Not applicable",
}

// label turns a claim or principle status into words.
func label(s any) string {
	str := fmt.Sprint(s)
	if l, ok := labels[str]; ok {
		return l
	}
	return textsafe.Clean(str)
}

func basis(b report.Basis) string {
	switch b {
	case report.BasisObserved:
		return "observed in the repository"
	case report.BasisDeclared:
		return "declared by a person"
	case report.BasisObservedDeclared:
		return "observed and declared"
	case report.BasisNone:
		return "no evidence"
	}
	return textsafe.Clean(string(b))
}

func outcome(o report.Outcome) string {
	switch o {
	case report.OutcomeTrue:
		return "yes"
	case report.OutcomeFalse:
		return "no"
	case report.OutcomeNotApplicable:
		return "not applicable"
	case report.OutcomeNotAvailable:
		return "not observed"
	case report.OutcomeError:
		return "unreadable"
	}
	return textsafe.Clean(string(o))
}

func short(commit string) string {
	if len(commit) > 12 {
		commit = commit[:12]
	}
	return textsafe.Clean(commit)
}

// where is the visible form of a location.
func where(l report.Location) string {
	switch {
	case l.Path != "" && l.Line > 0:
		return textsafe.Clean(l.Path) + ":" + strconv.Itoa(l.Line)
	case l.Path != "":
		return textsafe.Clean(l.Path)
	case l.URL != "":
		return textsafe.Clean(l.URL)
	case l.Commit != "":
		return "commit " + short(l.Commit)
	}
	return ""
}

type segment struct {
	Class string
	X, W  int
}

// bar lays out a stacked bar of claim counts on a 0..1000 axis.
func bar(c report.Counts) []segment {
	parts := []struct {
		class string
		n     int
	}{{string(report.ClaimMet), c.Met}, {string(report.ClaimNotMet), c.NotMet}, {string(report.ClaimUnknown), c.Unknown}, {string(report.ClaimNotApplicable), c.NotApplicable}}
	total := 0
	for _, p := range parts {
		total += max(p.n, 0)
	}
	if total == 0 {
		return nil
	}
	var out []segment
	x, sum := 0, 0
	for _, p := range parts {
		if p.n <= 0 {
			continue
		}
		sum += p.n
		end := sum * 1000 / total
		out = append(out, segment{Class: p.class, X: x, W: end - x})
		x = end
	}
	return out
}

func unknownClaims(r *report.Report) []report.Claim {
	var out []report.Claim
	for _, p := range r.Principles {
		for _, c := range p.Claims {
			if c.Status == report.ClaimUnknown {
				out = append(out, c)
			}
		}
	}
	return out
}

type extension struct {
	Key, JSON string
}

func extensions(r *report.Report) []extension {
	keys := make([]string, 0, len(r.Extensions))
	for k := range r.Extensions {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []extension
	for _, k := range keys {
		data, err := json.MarshalIndent(r.Extensions[k], "", "  ")
		text := string(data)
		if err != nil {
			text = "cannot show: " + err.Error()
		}
		if len(text) > maxExtensionJSON {
			text = text[:maxExtensionJSON] + "\n… truncated; see the JSON report"
		}
		out = append(out, extension{Key: k, JSON: text})
	}
	return out
}
