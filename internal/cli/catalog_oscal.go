package cli

import (
	"io"

	"github.com/assaysec/assay/internal/render/oscal"
)

// writeCatalogOSCAL prints the Code of Practice as an OSCAL 1.1.3 catalog:
// themes as groups, principles as controls, claims as sub-controls.
func writeCatalogOSCAL(w io.Writer, d *catalogData) error {
	return oscal.WriteCatalog(w, d.cat, d.maps, d.rules)
}
