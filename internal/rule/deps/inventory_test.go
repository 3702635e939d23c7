package deps

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/rule"
)

// answer is an outcome with what a false one rests on.
type answer struct {
	Outcome  rule.Outcome
	Negative rule.Negative
}

func answers(fs []rule.Finding) []answer {
	var out []answer
	for _, f := range fs {
		a := answer{Outcome: f.Outcome}
		if f.Outcome == rule.False {
			a.Negative = rule.NegativeOf(f, rule.Meta{})
		}
		out = append(out, a)
	}
	return out
}

func TestInventory_ScopeAndResolution(t *testing.T) {
	t.Parallel()
	const example = "example code under examples/ (default)"
	lock := evidence.DependencyFile{Path: "uv.lock", Lockfile: true, Packages: []evidence.DepPackage{{Name: "click", Version: "8.1.7"}}}
	var (
		yes       = answer{Outcome: rule.True}
		na        = answer{Outcome: rule.NotApplicable}
		violation = answer{Outcome: rule.False, Negative: rule.Violation}
		noSignal  = answer{Outcome: rule.False, Negative: rule.NoSignal}
	)
	tests := []struct {
		name string
		fn   func(*evidence.Set) []rule.Finding
		ev   []evidence.Fact
		want []answer
	}{
		{"ranges_without_lock_is_a_violation", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "pyproject.toml", Ecosystem: "PyPI", LockNeeded: true, Range: "httpcore==1.*", RangeLine: 32,
				Rejected: []string{"requirements.txt: it installs the package itself (-e .)"}}},
			[]answer{violation}},
		{"gradle_build_with_unresolved_versions_is_unknown", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "app/build.gradle.kts", Ecosystem: "Maven", Manager: "gradle", Exact: true},
				evidence.DependencyFile{Path: "app/build.gradle.kts", Format: "java/gradlebuild", Packages: []evidence.DepPackage{{Name: "com.squareup.okio:okio", Version: "3.18.0"}},
					Unresolved: []evidence.DepUnresolved{{Name: "org.junit.jupiter:junit-jupiter", Line: 16, Reason: "no version (a platform or BOM may manage it)"}}}},
			[]answer{{Outcome: rule.NotAvailable}}},
		{"exact_gradle_build_read_completely_is_listed", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "build.gradle", Ecosystem: "Maven", Manager: "gradle", Exact: true},
				evidence.DependencyFile{Path: "build.gradle", Format: "java/gradlebuild", Packages: []evidence.DepPackage{{Name: "com.squareup.okio:okio", Version: "3.18.0"}}}},
			[]answer{yes}},
		{"pom_yielding_no_component_says_so", dependencyFilesParse,
			[]evidence.Fact{evidence.DependencyFile{Path: "pom.xml", Format: "java/pomxml",
				Unresolved: []evidence.DepUnresolved{{Name: "org.example:x", Line: 9, Reason: "version ${x.version}: the property is not defined"}}}},
			[]answer{noSignal}},
		{"gradle_build_without_verification_is_no_signal", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "build.gradle.kts", Format: "java/gradlebuild", Integrity: evidence.DepIntegrity{Total: 3, Note: "no Gradle dependency verification"}}},
			[]answer{noSignal}},
		{"gradle_build_with_verification_is_pinned", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "build.gradle.kts", Format: "java/gradlebuild", Integrity: evidence.DepIntegrity{Method: "Gradle dependency verification (gradle/verification-metadata.xml)", Hashed: 3, Total: 3}}},
			[]answer{yes}},
		{"example_manifest_is_listed_apart", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "examples/celery/pyproject.toml", LockNeeded: true, OutOfScope: example}},
			[]answer{na}},
		{"go_mod_without_requirements_is_complete", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "go.mod", Ecosystem: "Go", NoDependencies: true, Note: "go.mod requires no modules"}},
			[]answer{yes}},
		{"cgo_host_library_is_not_listed", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "go.mod", Ecosystem: "Go", NoDependencies: true, Native: []string{"libfoo (pkg-config, binding.go:3)"}}},
			[]answer{violation}},
		{"exact_requirements_file_is_its_own_lock", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "requirements.txt", Ecosystem: "PyPI", Manager: "pip", LockNeeded: true, Lockfiles: []string{"requirements.txt"}},
				evidence.DependencyFile{Path: "requirements.txt", Format: "python/requirements", Packages: []evidence.DepPackage{{Name: "flask", Version: "3.0.0"}}}},
			[]answer{yes}},
		{"exact_maven_build_is_complete", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "lib/pom.xml", Ecosystem: "Maven", Manager: "maven", Exact: true, Note: "Maven has no lockfile"}},
			[]answer{yes}},
		{"maven_range_is_a_violation", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "pom.xml", Ecosystem: "Maven", Manager: "maven", Range: "[1.0,2.0)", RangeLine: 40}},
			[]answer{violation}},
		{"exact_nuget_project_is_complete", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "src/Lib/Lib.csproj", Ecosystem: "NuGet", Manager: "dotnet", Exact: true, Note: "NuGet lockfiles are opt-in"},
				evidence.DependencyFile{Path: "src/Lib/Lib.csproj", Format: "dotnet/msbuild", Packages: []evidence.DepPackage{{Name: "Serilog", Version: "4.0.0"}}}},
			[]answer{yes}},
		{"nuget_floating_version_is_a_violation", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "src/Lib/Lib.csproj", Ecosystem: "NuGet", Manager: "dotnet", Range: "Serilog 4.*", RangeLine: 9}},
			[]answer{violation}},
		{"nuget_range_is_unknown", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "src/Lib/Lib.csproj", Ecosystem: "NuGet", Manager: "dotnet"},
				evidence.DependencyFile{Path: "src/Lib/Lib.csproj", Format: "dotnet/msbuild",
					Unresolved: []evidence.DepUnresolved{{Name: "Polly", Line: 7, Reason: `version range "[7.0,8.0)": NuGet takes the lowest version in the range that the feed has, which Assay cannot see`}}}},
			[]answer{{Outcome: rule.NotAvailable}}},
		{"nuget_project_with_unresolved_property_is_unknown", componentInventoryAvailable,
			[]evidence.Fact{evidence.Manifest{Path: "src/Lib/Lib.csproj", Ecosystem: "NuGet", Manager: "dotnet", Exact: true},
				evidence.DependencyFile{Path: "src/Lib/Lib.csproj", Format: "dotnet/msbuild", Packages: []evidence.DepPackage{{Name: "Serilog", Version: "4.0.0"}},
					Unresolved: []evidence.DepUnresolved{{Name: "Humanizer", Line: 8, Reason: "version $(HumanizerVersion): $(HumanizerVersion) is not defined"}}}},
			[]answer{{Outcome: rule.NotAvailable}}},
		// NuGet verifies package signatures at restore: an integrity
		// mechanism, so a project without a lock is no decisive absence.
		{"nuget_project_without_lock_pins_no_hash", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "src/Lib/Lib.csproj", Format: "dotnet/msbuild", Integrity: evidence.DepIntegrity{Total: 2, Note: "project files pin no hashes"}},
				evidence.Manifest{Path: "src/Lib/Lib.csproj", Ecosystem: "NuGet", Manager: "dotnet", Exact: true}},
			[]answer{{Outcome: rule.False, Negative: rule.Elsewhere}}},
		{"maven_pom_without_hashes_is_an_absence", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "pom.xml", Format: "java/pomxml", Integrity: evidence.DepIntegrity{Total: 2, Note: "the pom pins no hashes"}}},
			[]answer{noSignal}},
		{"nuget_project_beside_its_lock_is_pinned", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "src/Lib/Lib.csproj", Format: "dotnet/msbuild", Integrity: evidence.DepIntegrity{Method: "contentHash in packages.lock.json", Hashed: 2, Total: 2}},
				evidence.DependencyFile{Path: "src/Lib/packages.lock.json", Format: "dotnet/packageslockjson", Lockfile: true, Integrity: evidence.DepIntegrity{Method: "contentHash", Hashed: 5, Total: 5}}},
			[]answer{yes, yes}},
		{"unparsable_lock_is_no_signal", manifestsHaveParsedLockfile,
			[]evidence.Fact{evidence.Manifest{Path: "package.json", LockNeeded: true, Lockfiles: []string{"yarn.lock"}}, evidence.DependencyFile{Path: "yarn.lock", Error: "bad"}},
			[]answer{noSignal}},
		{"inventory_complete_with_out_of_scope_gaps", componentInventoryAvailable,
			[]evidence.Fact{
				evidence.Manifest{Path: "pyproject.toml", LockNeeded: true, Lockfiles: []string{"uv.lock"}}, lock,
				evidence.Manifest{Path: "examples/celery/pyproject.toml", LockNeeded: true, OutOfScope: example},
			},
			[]answer{yes}},
		{"inventory_incomplete_is_a_violation", componentInventoryAvailable,
			[]evidence.Fact{evidence.Manifest{Path: "composer.json", Ecosystem: "Packagist", LockNeeded: true, Range: "psr/log ^1.0", RangeLine: 58}},
			[]answer{violation}},
		{"vendored_code_without_record_is_a_gap", componentInventoryAvailable,
			[]evidence.Fact{
				evidence.Manifest{Path: "api/composer.json", LockNeeded: true, Lockfiles: []string{"api/composer.lock"}},
				evidence.DependencyFile{Path: "api/composer.lock", Lockfile: true, Packages: []evidence.DepPackage{{Name: "psr/log", Version: "3.0.0"}}},
				evidence.VendoredCode{Path: "external/captcha", Files: 1, Example: "external/captcha/lib.php"},
			},
			[]answer{violation}},
		{"complete_sbom_wins", componentInventoryAvailable,
			[]evidence.Fact{
				evidence.Manifest{Path: "package.json", LockNeeded: true},
				evidence.SBOMDocument{Path: "bom.json", Format: "CycloneDX", Type: "software", Supported: true, Components: 3},
			},
			[]answer{yes}},
		{"broken_file_is_no_signal", dependencyFilesParse,
			[]evidence.Fact{evidence.DependencyFile{Path: "yarn.lock", Error: "line 3: bad"}},
			[]answer{noSignal}},
		{"broken_example_file_is_listed_apart", dependencyFilesParse,
			[]evidence.Fact{evidence.DependencyFile{Path: "examples/a/yarn.lock", Error: "bad", OutOfScope: example}},
			[]answer{na}},
		{"product_requirements_without_hashes_is_a_violation", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "requirements.txt", Format: "python/requirements", Integrity: evidence.DepIntegrity{Total: 15}}},
			[]answer{violation}},
		{"example_requirements_without_hashes_is_listed_apart", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "examples/celery/requirements.txt", Format: "python/requirements", Integrity: evidence.DepIntegrity{Total: 21}, OutOfScope: example}},
			[]answer{na}},
		{"pom_without_hashes_is_no_signal", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "pom.xml", Format: "java/pomxml", Integrity: evidence.DepIntegrity{Total: 4, Note: "pom.xml pins no hashes"}}},
			[]answer{noSignal}},
		{"manifest_without_any_lock_has_no_integrity", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.Manifest{Path: "package.json", Ecosystem: "npm", LockNeeded: true, Range: "hawk ~7.0.7", RangeLine: 40}},
			[]answer{violation}},
		{"lockfile_without_hashes_is_a_violation", dependenciesIntegrityPinned,
			[]evidence.Fact{evidence.DependencyFile{Path: "composer.lock", Format: "php/composerlock", Lockfile: true, Integrity: evidence.DepIntegrity{Total: 6}}},
			[]answer{violation}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev := evidence.NewSet()
			for _, f := range tc.ev {
				ev.Add(rec(f))
			}
			got := tc.fn(ev)
			if diff := cmp.Diff(tc.want, answers(got)); diff != "" {
				t.Errorf("answers (-want +got):\n%s\nfindings: %+v", diff, got)
			}
			for _, f := range got {
				if f.Message == "" {
					t.Errorf("finding without a message: %+v", f)
				}
			}
		})
	}
}
