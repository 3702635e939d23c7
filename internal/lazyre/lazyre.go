// Package lazyre holds regular expressions that are compiled on first use
// rather than at program start. Assay has some 300 package-level
// expressions, most of them used by one collector or rule; compiling them
// all in package initialisation cost every command (`assay vulns`,
// `assay version`) several megabytes of heap and tens of milliseconds,
// whether or not the command ever ran the code that uses them.
//
// A Regexp forwards the methods of *regexp.Regexp that Assay uses. The
// expressions are constants in the source, so a bad one is a programming
// error: Compile checks every expression of the linked packages at once,
// and the engine's tests call it, so a typo fails a test instead of the
// first run that reaches the expression.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled on first use.
type Regexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
	g    *guard
}

var (
	allMu sync.Mutex
	all   []*Regexp
)

// New returns expr, to be compiled when first used. It panics on first
// use if expr does not compile, as regexp.MustCompile does at start.
func New(expr string) *Regexp {
	r := &Regexp{expr: expr}
	allMu.Lock()
	all = append(all, r)
	allMu.Unlock()
	return r
}

// Compile compiles every expression made with New so far and returns the
// first that does not compile, with its error.
func Compile() (string, error) {
	allMu.Lock()
	list := append([]*Regexp(nil), all...)
	allMu.Unlock()
	for _, r := range list {
		if _, err := regexp.Compile(r.expr); err != nil {
			return r.expr, err
		}
	}
	return "", nil
}

// Regexp returns the compiled expression.
func (r *Regexp) Regexp() *regexp.Regexp {
	r.init()
	return r.re
}

func (r *Regexp) init() {
	r.once.Do(func() {
		r.re = regexp.MustCompile(r.expr)
		prefix, _ := r.re.LiteralPrefix()
		r.g = newGuard(r.expr, prefix)
	})
}

// may reports whether s can hold a match, by the guard: false means the
// expression certainly does not match.
func (r *Regexp) may(s string) bool {
	r.init()
	return r.g.mayMatch(s)
}

func (r *Regexp) mayBytes(b []byte) bool {
	r.init()
	return r.g.mayMatchBytes(b)
}

// String returns the source text of the expression.
func (r *Regexp) String() string { return r.expr }

func (r *Regexp) Match(b []byte) bool       { return r.mayBytes(b) && r.Regexp().Match(b) }
func (r *Regexp) MatchString(s string) bool { return r.may(s) && r.Regexp().MatchString(s) }

// The find methods return what the regexp package returns on no match
// (nil, or "" for FindString) when the guard rules a match out.

func (r *Regexp) Find(b []byte) []byte {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.Find(b)
}
func (r *Regexp) FindIndex(b []byte) []int {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindIndex(b)
}
func (r *Regexp) FindString(s string) string {
	if !r.may(s) {
		return ""
	}
	return r.re.FindString(s)
}
func (r *Regexp) FindStringIndex(s string) []int {
	if !r.may(s) {
		return nil
	}
	return r.re.FindStringIndex(s)
}
func (r *Regexp) FindSubmatch(b []byte) [][]byte {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindSubmatch(b)
}
func (r *Regexp) FindSubmatchIndex(b []byte) []int {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindSubmatchIndex(b)
}
func (r *Regexp) FindStringSubmatch(s string) []string {
	if !r.may(s) {
		return nil
	}
	return r.re.FindStringSubmatch(s)
}
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	if !r.may(s) {
		return nil
	}
	return r.re.FindStringSubmatchIndex(s)
}
func (r *Regexp) FindAll(b []byte, n int) [][]byte {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindAll(b, n)
}
func (r *Regexp) FindAllIndex(b []byte, n int) [][]int {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindAllIndex(b, n)
}
func (r *Regexp) FindAllString(s string, n int) []string {
	if !r.may(s) {
		return nil
	}
	return r.re.FindAllString(s, n)
}
func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	if !r.may(s) {
		return nil
	}
	return r.re.FindAllStringIndex(s, n)
}
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	if !r.may(s) {
		return nil
	}
	return r.re.FindAllStringSubmatch(s, n)
}
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !r.may(s) {
		return nil
	}
	return r.re.FindAllStringSubmatchIndex(s, n)
}
func (r *Regexp) FindAllSubmatch(b []byte, n int) [][][]byte {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindAllSubmatch(b, n)
}
func (r *Regexp) FindAllSubmatchIndex(b []byte, n int) [][]int {
	if !r.mayBytes(b) {
		return nil
	}
	return r.re.FindAllSubmatchIndex(b, n)
}
func (r *Regexp) ReplaceAll(src, repl []byte) []byte { return r.Regexp().ReplaceAll(src, repl) }
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.Regexp().ReplaceAllString(src, repl)
}
func (r *Regexp) ReplaceAllLiteralString(src, repl string) string {
	return r.Regexp().ReplaceAllLiteralString(src, repl)
}
func (r *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return r.Regexp().ReplaceAllStringFunc(src, repl)
}
func (r *Regexp) ReplaceAllFunc(src []byte, repl func([]byte) []byte) []byte {
	return r.Regexp().ReplaceAllFunc(src, repl)
}
func (r *Regexp) Split(s string, n int) []string { return r.Regexp().Split(s, n) }
func (r *Regexp) SubexpIndex(name string) int    { return r.Regexp().SubexpIndex(name) }
func (r *Regexp) SubexpNames() []string          { return r.Regexp().SubexpNames() }
func (r *Regexp) NumSubexp() int                 { return r.Regexp().NumSubexp() }
