package deps

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Root, editable, virtual and workspace packages are built from the tree
// and carry no hash; only registry packages count towards integrity.
func TestIntegrity_LocalPackages(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		data  string
		want  Integrity
		extra map[string]string
	}{
		{
			name: "uv_editable_root_and_virtual_member",
			file: "uv.lock",
			data: `version = 1
requires-python = ">=3.9"

[[package]]
name = "app"
version = "1.0.0"
source = { editable = "." }
dependencies = [
    { name = "click" },
]

[package.dev-dependencies]
docs = [
    { name = "sphinx", version = "8.1.3", source = { registry = "https://pypi.org/simple" } },
]

[[package]]
name = "tools"
version = "0.1.0"
source = { virtual = "tools" }

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/click-8.1.7.tar.gz", hash = "sha256:aa", size = 1 }
`,
			want: Integrity{Method: "file hashes", Hashed: 1, Total: 1},
		},
		{
			name: "cargo_workspace_members_and_path_dependency",
			file: "Cargo.lock",
			data: `version = 3

[[package]]
name = "core"
version = "0.1.0"
dependencies = [
 "serde",
]

[[package]]
name = "helper"
version = "0.1.0"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"
`,
			want: Integrity{Method: "checksum fields", Hashed: 1, Total: 1},
		},
		{
			name: "npm_root_workspace_and_link",
			file: "package-lock.json",
			data: `{"name":"mono","lockfileVersion":3,"packages":{
"":{"name":"mono","workspaces":["packages/*"]},
"packages/a":{"name":"@mono/a","version":"1.0.0","dependencies":{"left-pad":"^1.3.0"}},
"node_modules/@mono/a":{"resolved":"packages/a","link":true},
"node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","integrity":"sha512-AAAA"}
}}`,
			extra: map[string]string{"package.json": `{"name":"mono","workspaces":["packages/*"]}`},
			want:  Integrity{Method: "integrity fields", Hashed: 1, Total: 1, Note: "3 root, workspace or linked entries need no hash"},
		},
		{
			name: "pnpm_directory_packages",
			file: "pnpm-lock.yaml",
			data: `lockfileVersion: '9.0'

importers:

  .:
    devDependencies:
      '@acme/fixture':
        specifier: file:playground/fixture
        version: file:playground/fixture
      left-pad:
        specifier: ^1.3.0
        version: 1.3.0

packages:

  '@acme/fixture@file:playground/fixture':
    resolution: {directory: playground/fixture, type: directory}

  left-pad@1.3.0:
    resolution: {integrity: sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEfXa/7OpCRSYOnWUUMsYkjAFHQB/IKCj9XVeoqwVKuEcw==}

snapshots:

  '@acme/fixture@file:playground/fixture': {}

  left-pad@1.3.0: {}
`,
			want: Integrity{Method: "integrity fields", Hashed: 1, Total: 1, Note: "1 entries resolved from directories of the tree need no hash"},
		},
		{
			name: "composer_path_repository",
			file: "composer.lock",
			data: `{"packages":[
{"name":"acme/local","version":"dev-main","dist":{"type":"path","url":"../local","reference":"abc"}},
{"name":"psr/log","version":"3.0.0","dist":{"type":"zip","url":"https://api.github.com/repos/php-fig/log/zipball/x","reference":"x","shasum":"0123456789abcdef0123456789abcdef01234567"}}
],"packages-dev":[]}`,
			want: Integrity{Method: "dist shasum", Hashed: 1, Total: 1},
		},
		{
			name: "composer_empty_shasums",
			file: "composer.lock",
			data: `{"packages":[{"name":"psr/log","version":"3.0.0","dist":{"type":"zip","url":"https://example/x.zip","reference":"x","shasum":""}}]}`,
			want: Integrity{Total: 1, Note: "every dist shasum is empty (Composer records none for archives served by GitHub)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{tc.file: tc.data}
			for k, v := range tc.extra {
				files[k] = v
			}
			inv := scanFiles(t, files)
			var got *File
			for i := range inv.Files {
				if inv.Files[i].Path == tc.file {
					got = &inv.Files[i]
				}
			}
			if got == nil {
				t.Fatalf("%s was not inventoried: %+v", tc.file, inv.Files)
			}
			if got.Err != "" {
				t.Fatalf("%s: %s", tc.file, got.Err)
			}
			if diff := cmp.Diff(tc.want, got.Integrity); diff != "" {
				t.Errorf("Integrity mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
