package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/assaysec/assay/internal/atomicfile"
	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/source"
	"github.com/assaysec/assay/internal/textsafe"
)

func newInitCmd(streams *IO) *cobra.Command {
	var (
		a           config.Starter
		answersFile string
		interactive bool
		force       bool
	)
	cmd := &cobra.Command{
		Use:   "init [PATH]",
		Short: "Write a commented assay.yaml: product, vendor, SRO, framework, support policy, contacts",
		Long: `Init asks a short questionnaire (on a terminal, or with --interactive) and writes a
commented assay.yaml in PATH (default "."). Without a terminal, give the answers
as flags or as a YAML file of the same names (--answers FILE). An existing
assay.yaml is never overwritten without --force.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(streams, args, a, answersFile, interactive, force)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&answersFile, "answers", "", "read the answers from a YAML `FILE` (keys as the flag names, with _ for -)")
	fl.BoolVar(&interactive, "interactive", false, "ask the questions on standard input even when it is not a terminal")
	fl.BoolVar(&force, "force", false, "replace an existing assay.yaml")
	fl.StringVar(&a.Product, "product", "", "product name")
	fl.StringVar(&a.Vendor, "vendor", "", "vendor (organisation) name")
	fl.StringVar(&a.Role, "role", "", "developer-distributor, reseller or developer-only")
	fl.StringVar(&a.Delivery, "delivery", "", "distributed or saas")
	fl.StringVar(&a.SROName, "sro-name", "", "Senior Responsible Owner's name")
	fl.StringVar(&a.SRORole, "sro-role", "", "Senior Responsible Owner's job title")
	fl.StringVar(&a.SROEmail, "sro-email", "", "Senior Responsible Owner's e-mail (the identity their signatures are checked against)")
	fl.StringVar(&a.Framework, "framework", "", "secure development framework followed: "+strings.Join(config.Frameworks, ", ")+", or another name")
	fl.StringVar(&a.FrameworkDoc, "framework-document", "", "SDL policy describing how the framework is followed (path or https URL)")
	fl.StringVar(&a.SupportPolicy, "support-policy", "", "support policy (path or https URL)")
	fl.StringVar(&a.UpdateFrequency, "update-frequency", "", "how often updates ship, e.g. 1mo")
	fl.StringVar(&a.NoticePeriod, "notice-period", "", "end-of-support notice promised, e.g. 12mo (at least a year)")
	fl.StringVar(&a.Security, "security-contact", "", "vulnerability reports: mailto: or https: URI")
	fl.StringVar(&a.Incidents, "incidents-contact", "", "where customers hear about incidents")
	fl.StringVar(&a.Critical, "remediation-critical", "", "fix critical known vulnerabilities within, e.g. 14d")
	fl.StringVar(&a.High, "remediation-high", "", "fix high within, e.g. 30d")
	fl.StringVar(&a.Medium, "remediation-medium", "", "fix medium within, e.g. 90d")
	fl.StringVar(&a.Low, "remediation-low", "", "fix low within, e.g. 180d")
	fl.StringVar(&a.ReviewEvery, "review-every", "", "how often the SRO reviews the assessment, e.g. 12mo")
	return cmd
}

func runInit(streams *IO, args []string, a config.Starter, answersFile string, interactive, force bool) error {
	dir := pathArg(args)
	path := filepath.Join(dir, config.FileName)
	if _, err := os.Lstat(path); err == nil && !force {
		return usagef("%s already exists; pass --force to replace it", path)
	}
	if answersFile != "" {
		data, err := source.ReadRegular(answersFile, config.MaxSize)
		if err != nil {
			return usagef("--answers: %v", err)
		}
		var fromFile config.Starter
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&fromFile); err != nil && err != io.EOF {
			return usagef("--answers %s: %v", answersFile, err)
		}
		a = mergeAnswers(fromFile, a)
	}
	if interactive || (answersFile == "" && a.Product == "" && IsTerminal(streams.In) && IsTerminal(streams.Out)) {
		if err := askAll(streams, &a); err != nil {
			return err
		}
	}
	setInitDefaults(&a)
	if strings.TrimSpace(a.Product) == "" {
		return usagef("the product name is required: pass --product, --answers FILE or --interactive")
	}
	if err := emailAddress(a.SROEmail); err != nil {
		return usagef("--sro-email: %v", err)
	}
	out := a.Render()
	if _, err := config.Parse(path, out, nil); err != nil {
		return usageError{fmt.Errorf("the answers do not make a valid declaration: %w", err)}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, out, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "wrote %s\nnext: `assay assess %s`, then `assay attest CLAIM --statement ... --evidence ...` for what files cannot prove\n", path, dir)
	return nil
}

// mergeAnswers lets flags override the answers file.
func mergeAnswers(file, flags config.Starter) config.Starter {
	f := &file
	for _, p := range []struct {
		dst *string
		v   string
	}{
		{&f.Product, flags.Product}, {&f.Vendor, flags.Vendor}, {&f.Role, flags.Role}, {&f.Delivery, flags.Delivery},
		{&f.SROName, flags.SROName}, {&f.SRORole, flags.SRORole}, {&f.SROEmail, flags.SROEmail}, {&f.Framework, flags.Framework},
		{&f.FrameworkDoc, flags.FrameworkDoc}, {&f.SupportPolicy, flags.SupportPolicy}, {&f.UpdateFrequency, flags.UpdateFrequency},
		{&f.NoticePeriod, flags.NoticePeriod}, {&f.Security, flags.Security}, {&f.Incidents, flags.Incidents},
		{&f.Critical, flags.Critical}, {&f.High, flags.High}, {&f.Medium, flags.Medium}, {&f.Low, flags.Low}, {&f.ReviewEvery, flags.ReviewEvery},
	} {
		if p.v != "" {
			*p.dst = p.v
		}
	}
	return file
}

func setInitDefaults(a *config.Starter) {
	def := func(p *string, v string) {
		if strings.TrimSpace(*p) == "" {
			*p = v
		}
	}
	def(&a.Role, config.RoleDeveloperDistributor)
	def(&a.Delivery, config.DeliveryDistributed)
	def(&a.NoticePeriod, "12mo")
	def(&a.ReviewEvery, "12mo")
	d := config.DefaultRemediationTargets
	def(&a.Critical, d.Critical)
	def(&a.High, d.High)
	def(&a.Medium, d.Medium)
	def(&a.Low, d.Low)
}

// askAll runs the questionnaire. Each question shows the current answer as
// the default; an empty line keeps it.
func askAll(streams *IO, a *config.Starter) error {
	r := bufio.NewReader(io.LimitReader(streams.In, 1<<20))
	w := streams.Out
	echoes := IsTerminal(streams.In)
	fmt.Fprintln(w, "Assay: describe the product (press Enter to keep the value in brackets).")
	fw := strings.Join(config.Frameworks, ", ")
	qs := []struct {
		q     string
		dst   *string
		def   string
		check func(string) error
	}{
		{"Product name", &a.Product, "", nonEmpty},
		{"Vendor (organisation)", &a.Vendor, "", nil},
		{"Role: developer-distributor, reseller or developer-only", &a.Role, config.RoleDeveloperDistributor, oneOf(config.RoleDeveloperDistributor, config.RoleReseller, config.RoleDeveloperOnly)},
		{"Delivery: distributed or saas", &a.Delivery, config.DeliveryDistributed, oneOf(config.DeliveryDistributed, config.DeliverySaaS)},
		{"Senior Responsible Owner: name", &a.SROName, "", nil},
		{"Senior Responsible Owner: job title", &a.SRORole, "", nil},
		{"Senior Responsible Owner: e-mail", &a.SROEmail, "", emailAddress},
		{"Secure development framework followed (" + fw + ", or another)", &a.Framework, "", nil},
		{"Document describing how it is followed (path or https URL)", &a.FrameworkDoc, "", docRef},
		{"Support policy (path or https URL)", &a.SupportPolicy, "", docRef},
		{"How often updates ship (e.g. 1mo, 14d)", &a.UpdateFrequency, "", period},
		{"End-of-support notice you promise (at least 12mo)", &a.NoticePeriod, "12mo", period},
		{"Vulnerability reports contact (mailto: or https:)", &a.Security, "", contactURI},
		{"Incident contact for customers", &a.Incidents, "", nil},
		{"Fix critical known vulnerabilities within", &a.Critical, config.DefaultRemediationTargets.Critical, period},
		{"Fix high within", &a.High, config.DefaultRemediationTargets.High, period},
		{"Fix medium within", &a.Medium, config.DefaultRemediationTargets.Medium, period},
		{"Fix low within", &a.Low, config.DefaultRemediationTargets.Low, period},
		{"Review the assessment every", &a.ReviewEvery, "12mo", period},
	}
	for _, q := range qs {
		def := *q.dst
		if def == "" {
			def = q.def
		}
		for attempt := 0; ; attempt++ {
			if def != "" {
				fmt.Fprintf(w, "%s [%s]: ", q.q, def)
			} else {
				fmt.Fprintf(w, "%s: ", q.q)
			}
			line, err := r.ReadString('\n')
			if err != nil && err != io.EOF {
				return err
			}
			v := strings.TrimSpace(line)
			if v == "" {
				v = def
			}
			if q.check != nil {
				if cerr := q.check(v); cerr != nil {
					fmt.Fprintf(w, "  %v\n", cerr)
					if err == io.EOF || attempt >= 5 {
						return usagef("%s: %v", q.q, cerr)
					}
					continue
				}
			}
			*q.dst = v
			// A terminal echoes the answer and its newline; answers piped
			// in are not echoed, so end the prompt's line here.
			if err == io.EOF || !echoes {
				fmt.Fprintln(w)
			}
			break
		}
	}
	return nil
}

func nonEmpty(v string) error {
	if v == "" {
		return fmt.Errorf("an answer is required")
	}
	return nil
}

func oneOf(opts ...string) func(string) error {
	return func(v string) error {
		for _, o := range opts {
			if v == o {
				return nil
			}
		}
		return fmt.Errorf("want one of %s", strings.Join(opts, ", "))
	}
}

func docRef(v string) error {
	if v != "" && !config.DocRefOK(v) {
		return fmt.Errorf("want a relative path in the repository or an https:// URL")
	}
	return nil
}

func period(v string) error {
	if v == "" {
		return nil
	}
	_, _, _, err := config.ParsePeriod(v)
	return err
}

// emailAddress accepts an empty answer or one bare address (jane@example.com):
// the SRO's e-mail is the identity their signatures are checked against.
func emailAddress(v string) error {
	if v == "" {
		return nil
	}
	if !config.BareEmailOK(v) {
		return fmt.Errorf("want an e-mail address such as jane@example.com, got %q", textsafe.Clean(v))
	}
	return nil
}

func contactURI(v string) error {
	if v != "" && !config.ContactURIOK(v) {
		return fmt.Errorf("want a mailto: or https: URI")
	}
	return nil
}
