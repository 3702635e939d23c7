// Package renovate reads Renovate configuration (JSON or JSON5, in any of
// the places Renovate looks) into evidence.UpdateConfig: whether Renovate is
// enabled, which managers it is limited to or has switched off, and the
// presets it extends.
package renovate

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/assaysec/assay/internal/evidence"
)

// Locations are Renovate's configuration files, in its search order.
var Locations = []string{
	"renovate.json", "renovate.json5",
	".github/renovate.json", ".github/renovate.json5",
	".gitlab/renovate.json", ".gitlab/renovate.json5",
	".renovaterc", ".renovaterc.json", ".renovaterc.json5",
}

// Parse reads one Renovate file. package.json is accepted too: its
// "renovate" key (a legacy location) is read when present; ok is false when
// a package.json holds none.
func Parse(p string, data []byte) (cfg evidence.UpdateConfig, ok bool, err error) {
	cfg = evidence.UpdateConfig{Path: p, Tool: "renovate", Line: 1}
	js := data
	if path.Base(p) != "package.json" {
		js, err = ToJSON(data)
		if err != nil {
			return cfg, true, err
		}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return cfg, true, fmt.Errorf("want a JSON object: %w", err)
	}
	if path.Base(p) == "package.json" {
		r, found := raw["renovate"]
		if !found {
			return cfg, false, nil
		}
		raw = nil
		if err := json.Unmarshal(r, &raw); err != nil {
			return cfg, true, fmt.Errorf("package.json renovate: want an object: %w", err)
		}
	}
	var enabled *bool
	_ = json.Unmarshal(raw["enabled"], &enabled)
	cfg.Disabled = enabled != nil && !*enabled
	_ = json.Unmarshal(raw["extends"], &cfg.Extends)
	_ = json.Unmarshal(raw["enabledManagers"], &cfg.EnabledManagers)
	_ = json.Unmarshal(raw["ignorePaths"], &cfg.IgnorePaths)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw[k], &obj) != nil {
			continue
		}
		var en *bool
		if json.Unmarshal(obj["enabled"], &en) != nil || en == nil {
			continue
		}
		// A manager block ({"pre-commit": {"enabled": true}}).
		if *en {
			cfg.Updates = append(cfg.Updates, evidence.UpdateEntry{Ecosystem: k, Line: 1})
		} else {
			cfg.DisabledManagers = append(cfg.DisabledManagers, k)
		}
	}
	for _, e := range cfg.Extends {
		if strings.TrimPrefix(e, "config") == ":enablePreCommit" {
			cfg.Updates = append(cfg.Updates, evidence.UpdateEntry{Ecosystem: "pre-commit", Line: 1})
		}
	}
	return cfg, true, nil
}
