package collector

import (
	"fmt"

	"github.com/assaysec/assay/internal/limits"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/source"
)

// LoadAllowedSigners reads the trusted keys: the --allowed-signers file when
// given (read from the local file system: it is the assessor's trust
// anchor), otherwise assay.yaml's allowed_signers (read from inside the
// tree). declared is assay.yaml's allowed_signers; it and the flag may
// be empty. from names the source ("" when none
// is configured; "--allowed-signers PATH" for the flag).
func LoadAllowedSigners(in *Input, declared string) (a *sign.AllowedSigners, from string, err error) {
	if p := in.Options.AllowedSigners; p != "" {
		from = "--allowed-signers " + p
		data, err := source.ReadRegular(p, sign.MaxAllowedSignersSize)
		if err != nil {
			return nil, from, fmt.Errorf("read allowed signers: %w", err)
		}
		a, err := sign.ParseAllowedSigners(data)
		if err != nil {
			return nil, from, fmt.Errorf("%s: %w", p, err)
		}
		return a, from, nil
	}
	p := declared
	if p == "" {
		return nil, "", nil
	}
	data, err := in.Tree.ReadFile(p, limits.MaxSmallFileSize)
	if err != nil {
		return nil, p, fmt.Errorf("read allowed signers: %w", err)
	}
	a, err = sign.ParseAllowedSigners(data)
	if err != nil {
		return nil, p, err
	}
	return a, p, nil
}
