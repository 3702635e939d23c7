// Package shellword splits command lines into words the way a shell does
// for plain words and quoted strings, without expanding anything. Parsers
// of Dockerfiles and CI scripts share it: both need the arguments as
// written (quotes and escapes kept) to judge them, never to run them.
package shellword

import "strings"

// Split splits s on spaces and tabs outside quotes. Quotes and escapes stay
// in each word. escape is the escape character ('\\' in a shell, `\` or
// '`' in a Dockerfile); inside single quotes it escapes nothing. An
// unterminated quote runs to the end of s.
func Split(s string, escape byte) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == escape && i+1 < len(s) && quote != '\'':
			cur.WriteByte(c)
			cur.WriteByte(s[i+1])
			i++
			inWord = true
		case quote != 0:
			cur.WriteByte(c)
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
			cur.WriteByte(c)
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
