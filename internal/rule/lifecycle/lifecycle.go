// Package lifecycle holds the rules about what vendors tell customers:
// support lifecycle and notice (4.1, 4.2), incidents (4.3), advisories for
// fixed vulnerabilities (3.4.2) and the secure development framework (1.1.1).
package lifecycle

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/lazyre"
	"github.com/assaysec/assay/internal/rule"
	"github.com/assaysec/assay/internal/textsafe"
)

//go:embed rules.yaml
var metaYAML []byte

// MinNoticeDays is the Code's minimum end-of-support notice.
const MinNoticeDays = 365

// MaxNotifyDelay is the target time to tell customers of an incident.
const MaxNotifyDelay = 72 * time.Hour

// Rule ids of the area, each spelled once, here: Rules registers them, the
// rules put them on their findings and the tests name them. rules.yaml holds
// the same ids as data; rule.Builder checks that the two agree.
const (
	EndOfSupportNoticeAtLeastOneYear = "endOfSupportNoticeAtLeastOneYear"
	FrameworkDocumented              = "frameworkDocumented"
	IncidentPlanPublished            = "incidentPlanPublished"
	IncidentsNotifiedPromptly        = "incidentsNotifiedPromptly"
	ReleaseCadenceMatchesPolicy      = "releaseCadenceMatchesPolicy"
	ReleaseLinesHaveEndDates         = "releaseLinesHaveEndDates"
	SecurityFixesHaveAdvisories      = "securityFixesHaveAdvisories"
	ThreatModelDocumented            = "threatModelDocumented"
	UpdatePolicyPublished            = "updatePolicyPublished"
	UserDocsCoverSecureUse           = "userDocsCoverSecureUse"
)

// Rules returns the area's rules.
func Rules() ([]rule.Rule, error) {
	b := rule.NewBuilder(metaYAML)
	lc := []evidence.Kind{evidence.KindLifecycle, evidence.KindReleaseLine, evidence.KindDocument, evidence.KindFramework, evidence.KindIncident}
	rs := []rule.Rule{
		b.Rule(ReleaseLinesHaveEndDates, lc, releaseLinesHaveEndDates).Reading(evidence.KindTags),
		b.Rule(UpdatePolicyPublished, lc, updatePolicyPublished),
		b.Rule(ReleaseCadenceMatchesPolicy, []evidence.Kind{evidence.KindLifecycle, evidence.KindTags}, releaseCadenceMatchesPolicy),
		b.Rule(UserDocsCoverSecureUse, lc, userDocsCoverSecureUse),
		b.Rule(EndOfSupportNoticeAtLeastOneYear, lc, endOfSupportNoticeAtLeastOneYear),
		b.Rule(IncidentPlanPublished, lc, incidentPlanPublished),
		b.Rule(IncidentsNotifiedPromptly, lc, incidentsNotifiedPromptly),
		b.Rule(SecurityFixesHaveAdvisories, append(slices.Clone(lc), evidence.KindHistoryWalked, evidence.KindAdvisory, evidence.KindSecurityFix), securityFixesHaveAdvisories).Reading(evidence.KindOwnSecurityFixes, evidence.KindDependencyFile),
		b.Rule(FrameworkDocumented, lc, frameworkDocumented),
		b.Rule(ThreatModelDocumented, lc, threatModelDocumented),
	}
	return rs, b.Err()
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func lineLoc(l evidence.ReleaseLine) evidence.Location {
	return evidence.Location{Path: l.Source, Line: l.Line, Commit: l.AnnounceCommit}
}

// LineMatches reports whether a release tag belongs to a release line:
// "2.x", "2" and "v2" match v2.3.1; "2.3.x" matches 2.3.1; "*" matches all.
func LineMatches(line, tag string) bool {
	line = strings.TrimSpace(line)
	if line == "*" || line == "" {
		return line == "*"
	}
	norm := func(s string) []string {
		s = versionPart(s)
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '+' })
		for len(parts) > 0 && (parts[len(parts)-1] == "x" || parts[len(parts)-1] == "*") {
			parts = parts[:len(parts)-1]
		}
		return parts
	}
	lp, tp := norm(line), norm(tag)
	if len(lp) == 0 || len(lp) > len(tp) {
		return false
	}
	return slices.Equal(lp, tp[:len(lp)])
}

func releaseLinesHaveEndDates(ev *evidence.Set) []rule.Finding {
	const id = ReleaseLinesHaveEndDates
	lc, ok := evidence.First[evidence.Lifecycle](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the support lifecycle was not collected")}
	}
	lines := evidence.Facts[evidence.ReleaseLine](ev)
	dated := map[string]bool{} // sources that give at least one line a date
	for _, it := range lines {
		if !it.Fact.EndOfSupport().IsZero() {
			dated[it.Fact.Source] = true
		}
	}
	var out, ended []rule.Finding
	for _, it := range lines {
		l := it.Fact
		switch {
		case l.Current && l.EndOfSupport().IsZero() && dated[l.Source]:
			// The line being developed has no end date until its successor
			// ships; the source publishes dates for the lines before it.
			out = append(out, rule.New(id, rule.True, lineLoc(l), "release line %s is marked current in %s:%d and has no end date yet; earlier lines there have published end dates", l.Version, l.Source, l.Line))
		case l.TBA:
			out = append(out, rule.New(id, rule.False, lineLoc(l), "release line %s: end of support is \"to be announced\" (%s)", l.Version, l.Source))
		case l.Ended && l.EndOfSupport().IsZero():
			// Support for it is over; no customer relies on a date for it.
			// Said after the dated lines, which carry the answer.
			ended = append(ended, rule.New(id, rule.True, lineLoc(l), "release line %s is marked as past its end of life in %s:%d, without a date", l.Version, l.Source, l.Line))
		case l.EndOfSupport().IsZero():
			out = append(out, rule.New(id, rule.False, lineLoc(l), "release line %s has no end-of-support date (%s:%d)", l.Version, l.Source, l.Line))
		default:
			what := "security support ends"
			if l.EndOfSecuritySupport.IsZero() {
				what = "end of life"
			}
			out = append(out, rule.New(id, rule.True, lineLoc(l), "release line %s: %s %s (%s:%d)", l.Version, what, day(l.EndOfSupport()), l.Source, l.Line))
		}
	}
	out = append(out, ended...)
	// Tagged releases that belong to no declared line.
	if tags, ok := evidence.First[evidence.Tags](ev); ok {
		orphans, parts := orphanTags(lines, tags.Fact.Tags)
		if len(parts) > 0 && len(orphans) == 0 && len(lines) > 0 {
			out = append(out, rule.New(id, rule.NotAvailable, evidence.Location{Path: first(lc.Fact.Sources)}, "%d release tags of modules in subdirectories (%s) belong to no release line in %s; whether their support follows the product's lines is not stated there", len(parts), strings.Join(firstN(parts, 5), ", "), first(lc.Fact.Sources)))
		} else {
			orphans = append(orphans, parts...)
		}
		if len(orphans) > 0 {
			msg := fmt.Sprintf("%d release tags belong to no release line with an end-of-support date (%s)", len(orphans), strings.Join(firstN(orphans, 5), ", "))
			if len(lines) == 0 && lc.Fact.PolicyRef != "" && strings.HasPrefix(lc.Fact.PolicyRef, "https://") {
				out = append(out, rule.New(id, rule.NotAvailable, evidence.Location{URL: lc.Fact.PolicyRef}, "%s; dates may be in the support policy at %s, which is not fetched offline", msg, lc.Fact.PolicyRef))
			} else if len(lines) == 0 {
				out = append(out, noDates(id, lc.Fact, msg))
			} else {
				out = append(out, rule.New(id, rule.False, evidence.Location{Path: first(lc.Fact.Sources)}, "%s", msg))
			}
		}
	}
	if len(out) == 0 {
		if lc.Fact.PolicyRef != "" && strings.HasPrefix(lc.Fact.PolicyRef, "https://") {
			return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{URL: lc.Fact.PolicyRef}, "no release lines declared; the support policy %s is not fetched offline", lc.Fact.PolicyRef)}
		}
		return []rule.Finding{noDates(id, lc.Fact, "no release lines or lifecycle file declare end-of-support dates")}
	}
	return out
}

// orphanTags lists the release tags that belong to no declared line, and
// apart the tags of modules in subdirectories (api/v1.2.0) that do not.
// Lines older than the oldest dated line are past their end too: a table
// that starts at 3.x with a 2016 end date covers 2.x tags.
func orphanTags(lines []evidence.Item[evidence.ReleaseLine], tags []evidence.TagInfo) (orphans, parts []string) {
	oldest := -1
	for _, it := range lines {
		if m, ok := major(it.Fact.Version); ok && !it.Fact.EndOfSupport().IsZero() && (oldest < 0 || m < oldest) {
			oldest = m
		}
	}
	byMajor := majorLines(lines)
	for _, t := range tags {
		if !t.Release {
			continue
		}
		if m, ok := major(t.Name); ok && oldest >= 0 && m < oldest {
			continue
		}
		matched := false
		for _, it := range lines {
			if LineMatches(it.Fact.Version, t.Name) {
				matched = true
				break
			}
			if byMajor {
				if lm, ok := major(it.Fact.Version); ok {
					if tm, ok := major(t.Name); ok && lm == tm {
						matched = true
						break
					}
				}
			}
		}
		switch {
		case matched:
		case strings.Contains(t.Name, "/"):
			// "api/v1.12.0": a version of a module kept in a
			// subdirectory, not of the product the lines describe.
			parts = append(parts, t.Name)
		default:
			orphans = append(orphans, t.Name)
		}
	}
	return orphans, parts
}

// majorLines reports whether the lines are major releases named by their
// first version ("4.0.0", "5.0.0" in an LTS schedule): two or more, each
// with only zeros after a distinct major. Such a table lists major lines,
// and 5.12.1 belongs to the 5.0.0 row.
func majorLines(lines []evidence.Item[evidence.ReleaseLine]) bool {
	seen := map[int]bool{}
	for _, it := range lines {
		v := versionPart(strings.TrimSpace(it.Fact.Version))
		parts := strings.Split(v, ".")
		m, ok := major(v)
		if !ok || len(parts) < 2 || seen[m] {
			return false
		}
		for _, p := range parts[1:] {
			if p != "0" {
				return false
			}
		}
		seen[m] = true
	}
	return len(seen) >= 2
}

// noDates is the answer when no end-of-support date is published at all;
// a support rule without dates ("only the latest version") is named, as it
// does not meet the claim either.
func noDates(id string, lc evidence.Lifecycle, msg string) rule.Finding {
	if lc.SupportRule != "" {
		return rule.Absent(id, evidence.Location{Path: lc.SupportRulePath, Line: lc.SupportRuleLine},
			"%s; %s:%d gives only a support rule without dates (%q)", msg, lc.SupportRulePath, lc.SupportRuleLine, textsafe.Truncate(lc.SupportRule, 160))
	}
	return rule.Absent(id, evidence.Location{}, "%s (no lifecycle file, and no end-of-life table or dated notice in SUPPORT, SECURITY, RELEASES, CONTRIBUTING or README)", msg)
}

// major returns the leading major version number of a line or tag name.
// namePrefix is the product or artefact name some projects put before the
// version in their tags: parent-5.4.0, okhttp_3.14.9, release-1.2.
var namePrefix = lazyre.New(`^[a-z][a-z0-9]*(?:[-_][a-z][a-z0-9]*)*[-_](?:v?\d)`)

// versionPart returns a tag or line name lower-cased, without a leading
// name and without the v before the number.
func versionPart(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if loc := namePrefix.FindStringIndex(s); loc != nil {
		s = s[loc[1]-1:]
	}
	return strings.TrimPrefix(s, "v")
}

func major(s string) (int, bool) {
	s = versionPart(s)
	n, digits := 0, 0
	for _, c := range s {
		if c < '0' || c > '9' || digits >= 6 {
			break
		}
		n, digits = n*10+int(c-'0'), digits+1
	}
	return n, digits > 0
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// docFindings judges the documents of one purpose by topic coverage.
func docFindings(id string, ev *evidence.Set, purposes []string, want []string, missingMsg string) []rule.Finding {
	var docs []evidence.Document
	for _, it := range evidence.Facts[evidence.Document](ev) {
		if slices.Contains(purposes, it.Fact.Purpose) {
			docs = append(docs, it.Fact)
		}
	}
	covered := map[string]evidence.TopicHit{}
	var urls, broken, read []string
	found := 0
	for _, d := range docs {
		switch {
		case d.URL:
			urls = append(urls, d.Ref)
		case !d.Found:
			broken = append(broken, fmt.Sprintf("%s (%s)", d.Ref, d.Problem))
		default:
			found++
			if len(read) < 5 {
				read = append(read, d.Ref)
			}
			for _, h := range d.Topics {
				if _, ok := covered[h.Topic]; !ok {
					covered[h.Topic] = h
				}
			}
		}
	}
	var out []rule.Finding
	for _, b := range broken {
		out = append(out, rule.New(id, rule.False, evidence.Location{}, "declared document %s", b))
	}
	var have, missing []string
	var loc evidence.Location
	for _, t := range want {
		if h, ok := covered[t]; ok {
			have = append(have, fmt.Sprintf("%s (%s:%d)", t, h.Path, h.Line))
			if loc.IsZero() {
				loc = evidence.Location{Path: h.Path, Line: h.Line}
			}
		} else {
			missing = append(missing, t)
		}
	}
	switch {
	case found == 0 && len(urls) > 0 && len(broken) == 0:
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{URL: urls[0]}, "published at %s, which is not fetched offline; attest to its content", strings.Join(urls, ", "))}
	case found == 0 && len(broken) == 0:
		return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "%s", missingMsg)}
	case found == 0:
		return out
	case len(missing) > 0:
		msg := strings.Join(read, ", ") + coverVerb(len(read)) + orNothing(have) + "; missing " + strings.Join(missing, ", ")
		if len(urls) > 0 {
			// The rest may be in the online document.
			return append(out, rule.New(id, rule.NotAvailable, loc, "%s (may be covered by %s, not fetched offline)", msg, strings.Join(urls, ", ")))
		}
		return append(out, rule.New(id, rule.False, loc, "%s", msg))
	}
	return append(out, rule.New(id, rule.True, loc, "%s%s%s", strings.Join(read, ", "), coverVerb(len(read)), strings.Join(have, ", ")))
}

// coverVerb agrees with the number of documents read.
func coverVerb(docs int) string {
	if docs > 1 {
		return " cover "
	}
	return " covers "
}

func orNothing(s []string) string {
	if len(s) == 0 {
		return "none of the topics"
	}
	return strings.Join(s, ", ")
}

func updatePolicyPublished(ev *evidence.Set) []rule.Finding {
	return docFindings(UpdatePolicyPublished, ev, []string{"update_policy", "support_policy"},
		[]string{"frequency", "how updates are applied"}, "no update policy found (support.update_policy, SUPPORT.md, UPDATING.md, VERSIONING*, RELEASING*, UPGRADING*, MIGRATION*)")
}

func userDocsCoverSecureUse(ev *evidence.Set) []rule.Finding {
	return docFindings(UserDocsCoverSecureUse, ev, []string{"user_docs"},
		[]string{"updates", "MFA", "backups", "least privilege", "exposed ports"}, "no user documentation on upgrading or secure configuration found (support.user_docs, docs/*upgrade*, docs/*hardening*)")
}

// incidentPlanPublished asks for the plan's who, how to reach them and how
// customers are told. The Code's guidance lists what a plan "may include";
// a post-incident review is one of those, so a plan without it is still a
// published plan: the gap is named, and reviewing the plan's content is
// the claim's confirm line.
func incidentPlanPublished(ev *evidence.Set) []rule.Finding {
	fs := docFindings(IncidentPlanPublished, ev, []string{"incident_plan"},
		[]string{"roles", "contacts", "communication"}, "no incident support plan found (support.incident_plan, docs/*incident*)")
	if len(fs) != 1 || fs[0].Outcome != rule.True {
		return fs
	}
	for _, it := range evidence.Facts[evidence.Document](ev) {
		if it.Fact.Purpose == "incident_plan" && slices.ContainsFunc(it.Fact.Topics, func(h evidence.TopicHit) bool { return h.Topic == "post-incident review" }) {
			return fs
		}
	}
	fs[0].Message += "; no post-incident review found"
	return fs
}

func threatModelDocumented(ev *evidence.Set) []rule.Finding {
	return docFindings(ThreatModelDocumented, ev, []string{"threat_model"},
		[]string{"threats", "mitigations"}, "no threat model document found (THREAT_MODEL.md, docs/threat-model*)")
}

func releaseCadenceMatchesPolicy(ev *evidence.Set) []rule.Finding {
	const id = ReleaseCadenceMatchesPolicy
	lc, ok := evidence.First[evidence.Lifecycle](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the support lifecycle was not collected")}
	}
	stated := lc.Fact.UpdateFrequency
	if stated == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no update frequency stated (support.update_frequency)")}
	}
	tags, ok := evidence.First[evidence.Tags](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "release tags were not read")}
	}
	var dates []time.Time
	for _, t := range tags.Fact.Tags {
		if t.Release && !t.Date.IsZero() {
			dates = append(dates, t.Date)
		}
	}
	if len(dates) < 2 {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "fewer than two release tags: no cadence to measure")}
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return b.Compare(a) })
	if len(dates) > 13 {
		dates = dates[:13] // the last twelve intervals
	}
	var gaps []float64
	for i := 0; i+1 < len(dates); i++ {
		gaps = append(gaps, dates[i].Sub(dates[i+1]).Hours()/24)
	}
	slices.Sort(gaps)
	median := gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		median = (gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2
	}
	statedDays := stated.Hours() / 24
	msg := fmt.Sprintf("median %.0f days between the last %d releases; stated every %.0f days", math.Round(median), len(dates), statedDays)
	if median > statedDays*1.5 {
		return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "%s", msg)}
	}
	return []rule.Finding{rule.New(id, rule.True, evidence.Location{}, "%s", msg)}
}

func endOfSupportNoticeAtLeastOneYear(ev *evidence.Set) []rule.Finding {
	const id = EndOfSupportNoticeAtLeastOneYear
	lcItem, ok := evidence.First[evidence.Lifecycle](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the support lifecycle was not collected")}
	}
	lines := evidence.Facts[evidence.ReleaseLine](ev)
	dated := map[string]bool{} // sources that give at least one line a date
	for _, it := range lines {
		if !it.Fact.EndOfSupport().IsZero() {
			dated[it.Fact.Source] = true
		}
	}
	var out []rule.Finding
	for _, it := range lines {
		l := it.Fact
		end := l.EndOfSupport()
		loc := lineLoc(l)
		switch {
		case end.IsZero() && l.Current && dated[l.Source]:
			// The line being developed gets its end date when its
			// successor ships; until then there is no notice to measure,
			// and the lines before it show how much the source gives.
			out = append(out, rule.New(id, rule.NotAvailable, loc, "release line %s is marked current in %s:%d and has no end date yet, so no notice has been due for it", l.Version, l.Source, l.Line))
			continue
		case end.IsZero() && l.Ended:
			out = append(out, rule.New(id, rule.NotAvailable, loc, "release line %s is marked as past its end of life without a date, so the notice given for it is not shown", l.Version))
			continue
		case end.IsZero():
			out = append(out, rule.New(id, rule.False, loc, "release line %s has no end-of-support date, so no notice can be given", l.Version))
			continue
		case l.Announced.IsZero():
			out = append(out, rule.New(id, rule.NotAvailable, loc, "release line %s: when its end date %s was first published is unknown (no git history and no announced date)", l.Version, day(end)))
			continue
		}
		// Calendar days between the two dates, so the time of day a commit
		// was made does not cost a day of notice.
		days := int(math.Round(dayStart(end).Sub(dayStart(l.Announced)).Hours() / 24))
		var how string
		switch l.AnnouncedBy {
		case "git":
			how = fmt.Sprintf("first published in commit %s on %s", short(l.AnnounceCommit), day(l.Announced))
		case "uncommitted":
			how = "not yet committed, so counted from the assessment date " + day(l.Announced)
		default:
			how = "announced " + day(l.Announced) + " (declared)"
		}
		f := rule.New(id, rule.True, loc, "release line %s: end of support %s, %s: %d days' notice", l.Version, day(end), how, days)
		if days < MinNoticeDays {
			f.Outcome = rule.False
			f.Message += fmt.Sprintf(", less than the %d required", MinNoticeDays)
		}
		f.Values = map[string]string{"noticeDays": fmt.Sprint(days), "line": l.Version}
		out = append(out, f)
	}
	if f, ok := noticeCommitment(id, lcItem.Fact, out); ok {
		return []rule.Finding{f}
	}
	if len(out) == 0 {
		return []rule.Finding{rule.New(id, rule.False, evidence.Location{}, "no end-of-support dates are declared, so no notice is given")}
	}
	return out
}

// noticeCommitment judges a notice commitment written in a support document
// when no line's notice could be measured from dates: the Code asks for at
// least a year's notice, and a written promise of it ("the previous major
// release is supported for no less than 2 years after the next one ships")
// is that notice given in advance. A measured notice always wins: the dates
// show what was actually given.
func noticeCommitment(id string, lc evidence.Lifecycle, measured []rule.Finding) (rule.Finding, bool) {
	if lc.NoticeMonths == 0 {
		return rule.Finding{}, false
	}
	for _, f := range measured {
		if f.Values["noticeDays"] != "" {
			return rule.Finding{}, false
		}
	}
	loc := evidence.Location{Path: lc.NoticePath, Line: lc.NoticeLine}
	quote := textsafe.Truncate(lc.NoticeQuote, 160)
	what := fmt.Sprintf("%d months' notice before support ends", lc.NoticeMonths)
	if lc.NoticeAfterSuccessor {
		what = fmt.Sprintf("%d months of support for a line after its successor ships", lc.NoticeMonths)
	}
	if lc.NoticeMonths < 12 {
		return rule.Violated(id, loc, "%s:%d promises only %s (%q), less than the year's notice the Code asks for", lc.NoticePath, lc.NoticeLine, what, quote), true
	}
	f := rule.New(id, rule.True, loc, "%s:%d commits to %s (%q), at least a year's notice; no line has an end date yet to check the promise against", lc.NoticePath, lc.NoticeLine, what, quote)
	f.Values = map[string]string{"noticeMonths": fmt.Sprint(lc.NoticeMonths)}
	return f, true
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func incidentsNotifiedPromptly(ev *evidence.Set) []rule.Finding {
	const id = IncidentsNotifiedPromptly
	lc, ok := evidence.First[evidence.Lifecycle](ev)
	if !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "the incident log was not collected")}
	}
	var out []rule.Finding
	for _, it := range evidence.Facts[evidence.Incident](ev) {
		in := it.Fact
		loc := it.Provenance.Location
		name := in.ID
		if name == "" {
			name = in.Title
		}
		switch {
		case in.CustomersNotified.IsZero():
			out = append(out, rule.New(id, rule.False, loc, "incident %s (started %s): no customer notification recorded", name, day(in.Started)))
			continue
		}
		delay := in.CustomersNotified.Sub(in.Started)
		f := rule.New(id, rule.True, loc, "incident %s: customers notified %s after it started", name, hours(delay))
		f.Values = map[string]string{"hoursToNotify": fmt.Sprintf("%.1f", delay.Hours())}
		switch {
		case delay > MaxNotifyDelay:
			f.Outcome = rule.False
			f.Message += fmt.Sprintf(", later than the %s target", hours(MaxNotifyDelay))
		case !in.Resolved.IsZero() && in.Report == "":
			f.Outcome = rule.False
			f.Message += "; resolved but no post-incident report is linked"
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{Path: first(lc.Fact.Sources)}, "no incidents are logged in assay.yaml")}
	}
	return out
}

func hours(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	}
	return fmt.Sprintf("%.0f hours", d.Hours())
}

func securityFixesHaveAdvisories(ev *evidence.Set) []rule.Finding {
	const id = SecurityFixesHaveAdvisories
	if _, ok := evidence.First[evidence.HistoryWalked](ev); !ok {
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "git history was not read, so fixed vulnerabilities are unknown")}
	}
	advised := map[string]bool{}
	for _, it := range evidence.Facts[evidence.Advisory](ev) {
		for _, v := range []string{it.Fact.ID, it.Fact.CVE, it.Fact.GHSA} {
			if v != "" {
				advised[strings.ToUpper(v)] = true
			}
		}
	}
	// A commit that changed only dependency manifests or lockfiles names
	// a component's vulnerability ("Bump x/crypto for CVE-..."): the
	// component's maintainers advise on it, not the product.
	componentOnly := map[string]bool{}
	if own, ok := evidence.First[evidence.OwnSecurityFixes](ev); ok {
		for _, c := range own.Fact.DependencyOnlyCommits {
			componentOnly[c] = true
		}
	}
	components := componentNames(ev)
	var out []rule.Finding
	seen := map[string]bool{}
	skipped, sample := 0, ""
	for _, it := range evidence.Facts[evidence.SecurityFix](ev) {
		fx := it.Fact
		if componentOnly[fx.Commit] {
			skipped++
			if sample == "" {
				sample = fmt.Sprintf("%s, %q", short(fx.Commit), fx.Title)
			}
			continue
		}
		for i, v := range fx.IDs {
			u := strings.ToUpper(v)
			if seen[u] {
				continue
			}
			if i < len(fx.Context) {
				if name := componentUpdate(fx.Context[i], components); name != "" {
					skipped++
					if sample == "" {
						sample = fmt.Sprintf("%s, %q, updating %s", short(fx.Commit), fx.Context[i], name)
					}
					continue
				}
			}
			seen[u] = true
			loc := evidence.Location{Commit: fx.Commit}
			switch {
			case advised[u]:
				out = append(out, rule.New(id, rule.True, loc, "%s (commit %s) has an advisory", v, short(fx.Commit)))
			case len(advised) == 0:
				// No advisory is declared at all, and the id itself is a
				// published record (a CVE entry, a GitHub advisory): the
				// vendor's advisories may be on the forge, which this rule
				// cannot see, so only their absence from assay.yaml is
				// observed.
				out = append(out, rule.PointsElsewhere(id, loc, "%s is named in commit %s (%s, %q) but no advisory is recorded in assay.yaml; the %s record and the forge's advisories (--online) may say whether customers were told", v, short(fx.Commit), day(fx.Date), fx.Title, idKind(u)))
			default:
				out = append(out, rule.New(id, rule.False, loc, "%s is named in commit %s (%s, %q) but the advisories declared in assay.yaml do not include it", v, short(fx.Commit), day(fx.Date), fx.Title))
			}
		}
	}
	if len(out) == 0 {
		if skipped > 0 {
			return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no fix of the product's own names a CVE or GHSA id; %d mentions are updates of components (e.g. %s), whose maintainers publish the advisories", skipped, sample)}
		}
		return []rule.Finding{rule.New(id, rule.NotApplicable, evidence.Location{}, "no commit message names a CVE or GHSA id")}
	}
	return out
}

// idKind names the registry an advisory id belongs to.
func idKind(upper string) string {
	if strings.HasPrefix(upper, "GHSA-") {
		return "GitHub advisory"
	}
	return "CVE"
}

// updateVerb opens a line about updating something.
var updateVerb = lazyre.New(`(?i)\b(?:bump(?:s|ed)?|updat(?:e|es|ed|ing)|upgrad(?:e|es|ed|ing))\b`)

// componentNames are the lowercased names the product's dependency files
// list, full and by their last path segment (golang.org/x/crypto: also
// "crypto"), keeping segments of at least four characters so that short
// words of prose do not match.
func componentNames(ev *evidence.Set) map[string]bool {
	out := map[string]bool{}
	for _, it := range evidence.Facts[evidence.DependencyFile](ev) {
		for _, p := range it.Fact.Packages {
			n := strings.ToLower(p.Name)
			out[n] = true
			if i := strings.LastIndexAny(n, "/:"); i >= 0 && len(n)-i-1 >= 4 {
				out[n[i+1:]] = true
			}
		}
	}
	return out
}

// runtimes are toolchains and base systems a product builds on but no
// manifest lists: "upgrade to go 1.13.3 (CVE-2019-17596)" updates Go.
var runtimes = map[string]bool{
	"go": true, "golang": true, "node": true, "nodejs": true, "node.js": true, "python": true, "ruby": true,
	"java": true, "jdk": true, "openjdk": true, "jre": true, "rust": true, "rustc": true, "php": true, "dotnet": true,
	"openssl": true, "alpine": true, "debian": true, "ubuntu": true, "distroless": true,
}

// componentUpdate returns the component a line names when the line is
// about updating it ("Security: Update exporter-toolkit (CVE-2022-46146)"),
// so the vulnerability is the component's; "" otherwise.
func componentUpdate(line string, components map[string]bool) string {
	if !updateVerb.MatchString(line) {
		return ""
	}
	words := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
		return r == ' ' || r == '/' || r == '(' || r == ')' || r == ',' || r == ';' || r == '`' || r == '"' || r == '\''
	})
	for i, w := range words {
		w = strings.TrimRight(w, ".:")
		if len(w) >= 4 && components[w] || runtimes[w] && versionWithin(words[i+1:], 3) {
			return w
		}
	}
	return ""
}

// versionWithin reports whether one of the first n words is a version
// ("1.13.3", "v20"): a runtime's name is also a common word ("node",
// "java"), and only an update to a version of it is a toolchain update.
func versionWithin(words []string, n int) bool {
	for _, w := range words[:min(n, len(words))] {
		w = strings.TrimPrefix(w, "v")
		if w != "" && w[0] >= '0' && w[0] <= '9' {
			return true
		}
	}
	return false
}

func frameworkDocumented(ev *evidence.Set) []rule.Finding {
	const id = FrameworkDocumented
	fw, ok := evidence.First[evidence.Framework](ev)
	if !ok {
		if _, ok := evidence.First[evidence.Lifecycle](ev); !ok {
			return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{}, "declarations were not collected")}
		}
		// Nothing found is no signal: an SDL policy is often an
		// organisational document kept outside the repository, so claim
		// 1.1.1's absence is not decisive. A declared framework whose
		// document is missing or silent (below) is an observed gap.
		return []rule.Finding{rule.Absent(id, evidence.Location{}, "no secure development framework is declared (framework in assay.yaml) or named in an SDL document")}
	}
	f := fw.Fact
	loc := fw.Provenance.Location
	switch {
	case f.Document == "":
		return []rule.Finding{rule.New(id, rule.False, loc, "framework %s is declared but no SDL document describes how it is followed", f.Name)}
	case strings.HasPrefix(f.Document, "https://"):
		return []rule.Finding{rule.New(id, rule.NotAvailable, evidence.Location{URL: f.Document}, "framework %s; its document %s is not fetched offline", f.Name, f.Document)}
	case !f.DocumentFound:
		return []rule.Finding{rule.New(id, rule.False, loc, "framework %s: document %s is not in the repository", f.Name, f.Document)}
	case !f.NamedInDocument:
		return []rule.Finding{rule.New(id, rule.False, loc, "framework %s: %s does not name the framework", f.Name, f.Document)}
	}
	return []rule.Finding{rule.New(id, rule.True, loc, "follows %s, described in %s", f.Name, f.Document)}
}
