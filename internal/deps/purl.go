package deps

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// purlEcosystems maps purl types to OSV ecosystems.
var purlEcosystems = map[string]string{
	"npm": "npm", "pypi": "PyPI", "golang": "Go", "cargo": "crates.io", "maven": "Maven",
	"composer": "Packagist", "gem": "RubyGems", "nuget": "NuGet", "pub": "Pub", "hex": "Hex",
	"swift": "SwiftURL", "deb": "Debian", "apk": "Alpine", "rpm": "Red Hat", "conan": "ConanCenter",
	"hackage": "Hackage", "cran": "CRAN", "cocoapods": "CocoaPods", "bitnami": "Bitnami",
}

// FromPURL turns a package URL into a package with its OSV ecosystem and
// the name as that ecosystem spells it.
func FromPURL(s string) (Package, bool) {
	u, err := packageurl.FromString(s)
	if err != nil {
		return Package{}, false
	}
	eco, ok := purlEcosystems[u.Type]
	if !ok {
		return Package{}, false
	}
	p := Package{Ecosystem: eco, Name: u.Name, Version: u.Version, PURL: s}
	switch u.Type {
	case "maven":
		if u.Namespace != "" {
			p.Name = u.Namespace + ":" + u.Name
		}
	case "npm", "golang", "composer", "swift":
		if u.Namespace != "" {
			p.Name = u.Namespace + "/" + u.Name
		}
	case "deb", "apk":
		// Distribution packages are matched per release: pkg:deb/debian/zlib?distro=debian-11.
		for _, q := range u.Qualifiers {
			if q.Key != "distro" {
				continue
			}
			_, rel, found := strings.Cut(q.Value, "-")
			if !found {
				continue
			}
			if u.Type == "apk" {
				if !strings.HasPrefix(rel, "v") {
					rel = "v" + strings.Join(strings.Split(rel, ".")[:min(2, len(strings.Split(rel, ".")))], ".")
				}
			} else {
				rel = strings.Split(rel, ".")[0]
			}
			p.Ecosystem = eco + ":" + rel
		}
		if u.Type == "deb" && u.Namespace == "ubuntu" {
			p.Ecosystem = strings.Replace(p.Ecosystem, "Debian", "Ubuntu", 1)
		}
	}
	return p, true
}

// SupplierOf names who distributes a package, for SBOMs that must carry a
// supplier: the purl namespace (Maven group, npm scope, Go module host path,
// Packagist vendor) when there is one, else the ecosystem's registry.
func SupplierOf(p Package) string {
	if u, err := packageurl.FromString(p.PURL); err == nil && u.Namespace != "" && u.Type != "deb" && u.Type != "apk" {
		return u.Namespace
	}
	switch p.Ecosystem {
	case "npm":
		return "npm registry (npmjs.com)"
	case "PyPI":
		return "Python Package Index (pypi.org)"
	case "crates.io":
		return "crates.io"
	case "RubyGems":
		return "RubyGems.org"
	case "Packagist":
		return "Packagist (packagist.org)"
	case "NuGet":
		return "NuGet Gallery (nuget.org)"
	case "Pub":
		return "pub.dev"
	case "Hex":
		return "Hex (hex.pm)"
	case "Go":
		return "Go module proxy (proxy.golang.org)"
	case "Maven":
		return "Maven Central"
	case "CocoaPods":
		return "CocoaPods trunk"
	}
	if p.Ecosystem != "" {
		return p.Ecosystem
	}
	return "unknown"
}

// cleanPURL drops scalibr's internal "source" qualifier from npm purls,
// which is not part of the purl specification's npm type.
func cleanPURL(s string) string {
	u, err := packageurl.FromString(s)
	if err != nil {
		return s
	}
	var q packageurl.Qualifiers
	for _, x := range u.Qualifiers {
		if x.Key != "source" {
			q = append(q, x)
		}
	}
	u.Qualifiers = q
	return u.ToString()
}
