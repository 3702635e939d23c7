// Package badge renders the headline of a report as an SVG badge in the
// common flat style: "Code of Practice | 38/45 claims met", coloured by the
// share of claims met. The badge carries only numbers and fixed words, never
// text from the repository, so it is safe to publish and embed.
package badge

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/report"
)

// Label is the left-hand text of the badge.
const Label = "Code of Practice"

// New returns the SVG badge renderer (format "svg-badge").
func New(render.Options) render.Renderer {
	return render.Func(func(w io.Writer, r *report.Report) error {
		_, err := io.WriteString(w, SVG(r))
		return err
	})
}

// Message is the right-hand text: claims met out of the claims that apply
// (claims not applicable to the vendor's role are left out of both sides).
func Message(r *report.Report) string {
	met, of := share(r)
	return fmt.Sprintf("%d/%d claims met", met, of)
}

func share(r *report.Report) (met, of int) {
	c := r.Summary.Claims
	of = r.Summary.Total - c.NotApplicable
	if of < 0 {
		of = 0
	}
	return c.Met, of
}

// Colour picks the badge colour from the share of applicable claims met.
func Colour(met, of int) string {
	if of <= 0 {
		return "#9f9f9f" // nothing to judge
	}
	f := float64(met) / float64(of)
	switch {
	case f >= 0.9:
		return "#44cc11"
	case f >= 0.75:
		return "#97ca00"
	case f >= 0.5:
		return "#a4a61d"
	case f >= 0.25:
		return "#dfb317"
	case f > 0:
		return "#fe7d37"
	}
	return "#e05d44"
}

// SVG renders the badge.
func SVG(r *report.Report) string {
	met, of := share(r)
	return Render(Label, Message(r), Colour(met, of))
}

// Render draws a flat badge with label and message. Both are escaped; the
// colour must be a #rrggbb value and falls back to grey otherwise.
func Render(label, message, colour string) string {
	if !isHexColour(colour) {
		colour = "#9f9f9f"
	}
	const pad = 6 // horizontal padding on each side of a text
	lw := int(math.Ceil(TextWidth(label))) + 2*pad
	mw := int(math.Ceil(TextWidth(message))) + 2*pad
	total := lw + mw
	title := xmlEscape(label + ": " + message)
	l, m := xmlEscape(label), xmlEscape(message)
	// Text is drawn at 10x scale and scaled down, which keeps the
	// positions integral and the rendering crisp.
	lx, mx := lw*10/2, (lw+mw/2)*10
	ltl, mtl := (lw-2*pad)*10, (mw-2*pad)*10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s">`, total, title)
	fmt.Fprintf(&b, `<title>%s</title>`, title)
	b.WriteString(`<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`)
	fmt.Fprintf(&b, `<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>`, total)
	fmt.Fprintf(&b, `<g clip-path="url(#r)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>`, lw, lw, mw, colour, total)
	b.WriteString(`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`)
	fmt.Fprintf(&b, `<text aria-hidden="true" x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`, lx, ltl, l)
	fmt.Fprintf(&b, `<text x="%d" y="140" transform="scale(.1)" fill="#fff" textLength="%d">%s</text>`, lx, ltl, l)
	fmt.Fprintf(&b, `<text aria-hidden="true" x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`, mx, mtl, m)
	fmt.Fprintf(&b, `<text x="%d" y="140" transform="scale(.1)" fill="#fff" textLength="%d">%s</text>`, mx, mtl, m)
	b.WriteString("</g></svg>\n")
	return b.String()
}

func isHexColour(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, r := range c[1:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// widths are approximate advance widths, in pixels, of printable ASCII in
// 11px Verdana, the face flat badges use; our own measurements, rounded.
var widths = map[rune]float64{
	' ': 3.9, '!': 4.3, '"': 5.0, '#': 9.0, '$': 7.0, '%': 11.9, '&': 8.0, '\'': 2.7, '(': 4.9, ')': 4.9,
	'*': 7.0, '+': 9.0, ',': 4.0, '-': 4.9, '.': 4.0, '/': 4.9, ':': 4.9, ';': 4.9, '<': 9.0, '=': 9.0,
	'>': 9.0, '?': 6.0, '@': 11.0, '[': 4.9, '\\': 4.9, ']': 4.9, '^': 9.0, '_': 7.0, '`': 7.0, '{': 7.0,
	'|': 4.9, '}': 7.0, '~': 9.0,
	'A': 7.5, 'B': 7.6, 'C': 7.7, 'D': 8.5, 'E': 7.0, 'F': 6.3, 'G': 8.5, 'H': 8.3, 'I': 4.6, 'J': 5.0,
	'K': 7.6, 'L': 6.1, 'M': 9.4, 'N': 8.2, 'O': 8.7, 'P': 6.6, 'Q': 8.7, 'R': 7.7, 'S': 7.5, 'T': 6.8,
	'U': 8.1, 'V': 7.5, 'W': 10.9, 'X': 7.5, 'Y': 6.8, 'Z': 7.5,
	'a': 6.7, 'b': 6.9, 'c': 5.8, 'd': 6.9, 'e': 6.6, 'f': 3.9, 'g': 6.9, 'h': 7.0, 'i': 3.0, 'j': 3.8,
	'k': 6.5, 'l': 3.0, 'm': 10.7, 'n': 7.0, 'o': 6.7, 'p': 6.9, 'q': 6.9, 'r': 4.7, 's': 5.7, 't': 4.3,
	'u': 7.0, 'v': 6.5, 'w': 9.0, 'x': 6.5, 'y': 6.5, 'z': 5.8,
}

// TextWidth estimates the rendered width of s in 11px Verdana.
func TextWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			w += 7.0
		default:
			if x, ok := widths[r]; ok {
				w += x
			} else {
				w += 7.5
			}
		}
	}
	return w
}
