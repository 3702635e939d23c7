package azurepipelines

import (
	"strings"
	"testing"
)

const seed = "trigger:\n  branches:\n    include: [main]\npr: none\nstages:\n  - stage: s\n    jobs:\n      - job: j\n        continueOnError: true\n        steps:\n          - task: DotNetCoreCLI@2\n            inputs:\n              command: test\n"

func TestParseSeed(t *testing.T) {
	p, err := Parse("azure-pipelines.yml", []byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Jobs) == 0 || len(p.Triggers)+len(p.Jobs[0].Triggers) == 0 {
		t.Fatalf("want jobs and triggers, got %+v", p)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "- a\n- b\n", "a: [\n"} {
		if _, err := Parse("azure-pipelines.yml", []byte(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(seed))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("azure-pipelines.yml", data)
		if err == nil && strings.TrimSpace(string(data)) == "" {
			t.Fatalf("empty input parsed: %+v", p)
		}
	})
}

// Script tasks that run a file from the repository are read as a command
// running that file, so the CI collector can follow it.
func TestScriptFileTasks(t *testing.T) {
	tests := []struct{ name, task, want string }{
		{"azure cli script path with Windows separators", "task: AzureCLI@2\n  inputs:\n    scriptType: ps\n    scriptPath: .\\Build\\Sign-Package.ps1\n", "pwsh ./Build/Sign-Package.ps1"},
		{"powershell file", "task: PowerShell@2\n  inputs:\n    targetType: filePath\n    filePath: $(System.DefaultWorkingDirectory)/ci/test.ps1\n", "pwsh ./ci/test.ps1"},
		{"bash file", "task: Bash@3\n  inputs:\n    filePath: scripts/build.sh\n", "bash ./scripts/build.sh"},
		{"inline script kept", "task: Bash@3\n  inputs:\n    targetType: inline\n    script: make test\n", "make test"},
		{"variable path not guessed", "task: Bash@3\n  inputs:\n    filePath: $(scriptDir)/x.sh\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "trigger: [main]\nsteps:\n- " + tt.task
			p, err := Parse("azure-pipelines.yml", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Jobs) != 1 || len(p.Jobs[0].Steps) != 1 {
				t.Fatalf("jobs = %+v", p.Jobs)
			}
			if got := p.Jobs[0].Steps[0].Run; got != tt.want {
				t.Errorf("Run = %q, want %q", got, tt.want)
			}
		})
	}
}
