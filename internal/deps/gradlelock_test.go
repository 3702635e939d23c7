package deps

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGradleLockScopes scans a gradle.lockfile whose entries are used by
// test configurations only, by main and test ones, and by none listed.
func TestGradleLockScopes(t *testing.T) {
	const lock = "# This is a Gradle generated file for dependency locking.\r\n" +
		"com.google.guava:guava:33.0.0-jre=compileClasspath,runtimeClasspath,testCompileClasspath,testRuntimeClasspath\r\n" +
		"junit:junit:4.13.2=testCompileClasspath,testRuntimeClasspath\r\n" +
		"org.assertj:assertj-core:3.25.1=integrationTestRuntimeClasspath,testFixturesCompileClasspath\r\n" +
		"androidx.test:core:1.5.0=debugAndroidTestRuntimeClasspath\r\n" +
		"org.projectlombok:lombok:1.18.30=annotationProcessor,compileClasspath\r\n" +
		"org.contest:contest:1.0=contestRuntimeClasspath\r\n" +
		"empty=testAnnotationProcessor\r\n"
	dir := t.TempDir()
	writeFile(t, dir, "gradle.lockfile", lock)
	f := scanAs(t, dir+"/gradle.lockfile", "gradle.lockfile", "")
	got := map[string]string{}
	for _, p := range f.Packages {
		got[p.Name] = p.Scope
	}
	want := map[string]string{
		"com.google.guava:guava":   Runtime,
		"junit:junit":              Dev,
		"org.assertj:assertj-core": Dev,
		"androidx.test:core":       Dev,
		"org.projectlombok:lombok": Runtime,
		"org.contest:contest":      Runtime,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
