package config

// CommitSigners declares who may sign commits and tags, so the history
// collector can count how many signatures verify rather than only how many
// exist. Paths are inside the repository; keys can also be given inline.
type CommitSigners struct {
	// AllowedSigners is an ssh-keygen allowed_signers file. When empty, the
	// top-level allowed_signers file (used for attestations) is used.
	AllowedSigners string `yaml:"allowed_signers"`
	// SSHKeys are public keys in authorized_keys form ("ssh-ed25519 AAAA... who").
	SSHKeys []string `yaml:"ssh_keys"`
	// PGPKeys are paths of ASCII-armored OpenPGP public keys.
	PGPKeys []string `yaml:"pgp_keys"`
	Pos     Pos      `yaml:"-"`
}
