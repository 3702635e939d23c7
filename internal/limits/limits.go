// Package limits holds the caps Assay applies to untrusted input. Every
// scanned repository, release directory and declaration is treated as hostile:
// these bounds keep one crafted file from exhausting time or memory.
package limits

import "time"

const (
	// MaxFileSize is the largest repository file a collector reads whole.
	// Larger files are reported as oddities and skipped.
	MaxFileSize = 8 << 20
	// MaxSmallFileSize caps files that are expected to be short text, such as
	// SECURITY.md, security.txt and assay.yaml.
	MaxSmallFileSize = 1 << 20
	// MaxTreeFiles caps how many entries the tree index records.
	MaxTreeFiles = 500_000
	// MaxTreeDepth caps directory nesting in the tree index.
	MaxTreeDepth = 64
	// MaxPathLength caps the length of a relative path we record.
	MaxPathLength = 4096
	// MaxOddities caps how many tree oddities are reported individually.
	MaxOddities = 200
	// MaxYAMLAliases caps alias use in any YAML document we decode.
	MaxYAMLAliases = 100
	// MaxYAMLDepth caps nesting depth in any YAML document we decode.
	MaxYAMLDepth = 100
	// CollectorTimeout bounds one collector's run.
	CollectorTimeout = 2 * time.Minute
	// MaxHistoryCommits is the default cap on commits walked in git history.
	MaxHistoryCommits = 5000
	// MaxCommitObject caps the bytes of one commit object read from history
	// (headers and message); a longer message is cut there, so a crafted
	// commit costs at most this much however large it is.
	MaxCommitObject = 256 << 10
	// LargeGitObject is the size above which git objects are streamed from
	// the pack instead of inflated into memory whole. It is MaxFileSize:
	// collectors read files up to that size whole anyway, so streaming one
	// saves no memory, and go-git's streaming delta reader re-reads the base
	// from its start for every backward copy, which made reading the 101
	// revisions of axios's 1.7 MB package-lock.json 54 % of its assessment.
	LargeGitObject = MaxFileSize
	// MaxFindingsPerRule caps findings a single rule reports.
	MaxFindingsPerRule = 500
	// MaxSecretScanFile is the largest file the secret scan reads; larger
	// files are counted as skipped. Committed credentials live in source
	// and configuration, which are far smaller.
	MaxSecretScanFile = 1 << 20
	// MaxSecretScanBytes is the secret scan's total byte budget.
	MaxSecretScanBytes = 256 << 20
	// SecretScanTimeout bounds the secret scan, inside CollectorTimeout.
	SecretScanTimeout = 60 * time.Second
	// MaxAttestedEvidence caps a document an attestation pins by hash;
	// it is streamed through the hash, never held.
	MaxAttestedEvidence = 256 << 20
	// MaxReportSize bounds a JSON report read back (badge, the server's
	// stored assessments).
	MaxReportSize = 64 << 20
)
