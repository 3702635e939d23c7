package textsafe

import "strconv"

// Count writes a count with its noun, singular for one: Count(1, "commit")
// is "1 commit", Count(3, "commit") "3 commits". Nouns whose plural is not
// noun+"s" use Plural.
func Count(n int, noun string) string { return Plural(n, noun, noun+"s") }

// Plural writes a count with the singular or the plural form:
// Plural(2, "dependency", "dependencies") is "2 dependencies".
func Plural(n int, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
