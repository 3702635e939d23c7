package license

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/source"
)

const (
	mitText    = "MIT License\n\nCopyright (c) 2024 Example\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software...\n"
	apacheText = "\n                                 Apache License\n                           Version 2.0, January 2004\n                        http://www.apache.org/licenses/\n"
	gpl3Text   = "                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n\n Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>\n Everyone is permitted to copy and distribute verbatim copies\n of this license document, but changing it is not allowed.\n...\n  13. Use with the GNU Affero General Public License.\n...use the GNU Lesser General Public License instead of this License.\n"
	bsd3Text   = "Copyright 2010 Example\n\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted...\n3. Neither the name of the copyright holder nor the names of its\ncontributors may be used...\n"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
		from  string
	}{
		{"LICENSE", map[string]string{"LICENSE": mitText}, "MIT", "licence file"},
		{"LICENCE.md", map[string]string{"LICENCE.md": apacheText}, "Apache-2.0", "licence file"},
		{"COPYING with GPL naming the other GNU licences", map[string]string{"COPYING": gpl3Text}, "GPL-3.0-only", "licence file"},
		{"MIT-LICENSE", map[string]string{"MIT-LICENSE": mitText}, "MIT", "licence file"},
		{"LICENSE.txt BSD", map[string]string{"LICENSE.txt": bsd3Text}, "BSD-3-Clause", "licence file"},
		{"dual files", map[string]string{"LICENSE-MIT": mitText, "LICENSE-APACHE": apacheText, "LICENSE-THIRD-PARTY": bsd3Text}, "Apache-2.0 OR MIT", "licence file"},
		{"dual files in the manifest's order", map[string]string{"LICENSE-MIT": mitText, "LICENSE-APACHE": apacheText, "Cargo.toml": "[package]\nname = \"x\"\nlicense = \"MIT OR Apache-2.0\"\n"}, "MIT OR Apache-2.0", "licence file"},
		{"SPDX line in LICENSE", map[string]string{"LICENSE": "SPDX-License-Identifier: MIT OR Apache-2.0\n\nSee LICENSES/.\n"}, "MIT OR Apache-2.0", "licence file"},
		{"REUSE", map[string]string{"LICENSES/MIT.txt": "x", "LICENSES/Apache-2.0.txt": "x"}, "Apache-2.0 OR MIT", "LICENSES/"},
		{"package.json", map[string]string{"package.json": `{"name":"x","license":"ISC"}`}, "ISC", "package manifest"},
		{"Cargo legacy slash", map[string]string{"Cargo.toml": "[package]\nlicense = \"MIT/Apache-2.0\"\n"}, "MIT OR Apache-2.0", "package manifest"},
		{"source headers", map[string]string{"src/a.go": "// SPDX-License-Identifier: BSD-2-Clause\npackage a\n", "src/b.go": "// SPDX-License-Identifier: BSD-2-Clause\npackage a\n", "src/c.c": "/* SPDX-License-Identifier: GPL-2.0-only */\n"}, "BSD-2-Clause", "SPDX-License-Identifier"},
		{"unrecognised", map[string]string{"LICENSE": "All rights reserved.\n"}, "", ""},
		{"none", map[string]string{"README.md": "licensed under MIT\n"}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, c := range tc.files {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tree, err := source.OpenTree(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			got := Detect(tree)
			if diff := cmp.Diff([]string{tc.want, tc.from}, []string{got.Expression, got.From}); diff != "" {
				t.Errorf("(-want +got):\n%s\n%+v", diff, got.Files)
			}
		})
	}
}

func FuzzIdentify(f *testing.F) {
	for _, s := range []string{mitText, apacheText, gpl3Text, "SPDX-License-Identifier: (MIT OR Apache-2.0) AND BSD-3-Clause", "SPDX-License-Identifier: )("} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		id, _ := Identify(data)
		if id != "" && cleanExpr(id) != id {
			t.Fatalf("identifier %q is not stable under cleanExpr (%q)", id, cleanExpr(id))
		}
	})
}
