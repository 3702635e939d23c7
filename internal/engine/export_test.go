package engine

import "github.com/assaysec/assay/internal/evidence"

// SetOnUndeclared lets the tests hear every undeclared read.
func SetOnUndeclared(f func(rule string, kinds []evidence.Kind)) { onUndeclared = f }
