package cisa_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/assaysec/assay/internal/framework"
	"github.com/assaysec/assay/internal/render"
	"github.com/assaysec/assay/internal/render/cisa"
	"github.com/assaysec/assay/internal/render/rendertest"
)

// TestFormCitesSSDFTasks: every task the form cites is an SSDF control.
func TestFormCitesSSDFTasks(t *testing.T) {
	form, err := cisa.Form()
	if err != nil {
		t.Fatal(err)
	}
	fws, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	ssdf, _ := fws.Get(cisa.Framework)
	n := 0
	for _, s := range form {
		for _, it := range s.Items {
			n++
			if len(it.Tasks) == 0 {
				t.Errorf("item %s cites no task", it.ID)
			}
			for _, id := range it.Tasks {
				if _, ok := ssdf.Control(id); !ok {
					t.Errorf("item %s: %s is not an SSDF 1.1 task", it.ID, id)
				}
			}
		}
	}
	if n != 11 {
		t.Errorf("form has %d items, want 11 (1a-1f, 2, 3, 4a-4c)", n)
	}
}

func TestRender(t *testing.T) {
	rep := rendertest.Fixture(t)
	var buf bytes.Buffer
	if err := cisa.New(render.Options{}).Render(&buf, rep); err == nil || !strings.Contains(err.Error(), "--framework ssdf") {
		t.Fatalf("without the SSDF view: err = %v", err)
	}
	fws, _ := framework.Default()
	ssdf, _ := fws.Get(cisa.Framework)
	rep.Frameworks = append(rep.Frameworks, framework.View(ssdf, rep.Principles, nil, nil))
	if err := cisa.New(render.Options{}).Render(&buf, rep); err != nil {
		t.Fatal(err)
	}
	rendertest.Golden(t, "cisa-attestation.md.golden", buf.Bytes())
	for _, want := range []string{"## Section III: attestation", "**1c**", "## Items that need a person", "PO.5.2"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
