package deps

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzExtract feeds arbitrary bytes to every extractor and to the
// integrity and manifest readers: none may panic past Extract's recovery
// or loop.
func FuzzExtract(f *testing.F) {
	for _, p := range []string{
		"osv-scanner/locks-insecure/composer.lock",
		"osv-scanner/locks-requirements/requirements.txt",
		"osv-scanner/exp-plugins-pkgdeprecate/deprecated-vuln/Cargo.lock",
		"osv-scalibr/golang/gomod/indirect-packages.mod",
		"osv-scanner/locks-many/yarn.lock",
	} {
		if data, err := os.ReadFile(filepath.Join("testdata", "lockfiles", p)); err == nil {
			f.Add(data, uint8(0))
		}
	}
	fmts := formats()
	names := []string{"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "requirements.txt", "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "pylock.toml", "Cargo.lock", "go.mod", "pom.xml", "gradle.lockfile", "gradle/verification-metadata.xml", "composer.lock", "Gemfile.lock", "packages.lock.json", "Package.resolved", "Podfile.lock", "pubspec.lock", "mix.lock", "src/App/App.csproj"}
	ExtractTimeout = 5 * time.Second
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name := names[int(which)%len(names)]
		ex, ok := ExtractorFor(name, int64(len(data)))
		if !ok {
			return
		}
		pkgs, err := Extract(context.Background(), ex, nil, name, data)
		if errors.Is(err, ErrExtractTimeout) {
			t.Fatalf("%s as %s: %v", name, ex.Name(), err)
		}
		if err != nil {
			return
		}
		file := File{Path: name, Format: ex.Name(), Packages: pkgs}
		for _, fm := range fmts {
			if fm.ex.Name() == ex.Name() {
				file.Lockfile = fm.lock
			}
		}
		for _, step := range []struct {
			name string
			fn   func()
		}{
			{"annotate", func() { annotate(nil, &file, data) }},
			{"goDirect", func() { _ = goDirect(name, data) }},
			{"npmDirect", func() { _ = npmDirect(data) }},
			{"composerDirect", func() { _ = composerDirect(data) }},
			{"cargoDirect", func() { _ = cargoDirect(data) }},
		} {
			done := make(chan struct{})
			go func() { step.fn(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("%s took more than 5s on %d bytes", step.name, len(data))
			}
		}
		if file.Integrity.Hashed > file.Integrity.Total && file.Integrity.Total > 0 {
			t.Errorf("integrity %+v: more hashed than total", file.Integrity)
		}
	})
}
