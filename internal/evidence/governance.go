package evidence

// KindRolesDocument is a document that says who may change or release the
// project (claim 2.1.1).
const KindRolesDocument Kind = "repo/roles-document"

// Kinds of roles document.
const (
	RolesCodeOwners   = "code owners"        // CODEOWNERS with at least one owned pattern
	RolesMaintainers  = "maintainers list"   // MAINTAINERS, OWNERS, COMMITTERS, a maintainers page
	RolesGovernance   = "governance"         // GOVERNANCE
	RolesCollaborator = "collaborator guide" // COLLABORATOR_GUIDE, COLLABORATORS
	RolesIncidentPlan = "incident roles"     // an incident plan that names roles
	RolesContributing = "access rules"       // CONTRIBUTING text on commit access or release rights
	RolesReadmeTeam   = "team in README"     // a README section listing maintainers, a committee or triagers by name
)

// RolesDocument is one place where roles are written down, with the line
// that shows it and a short excerpt.
type RolesDocument struct {
	Path    string
	Line    int
	What    string // one of the Roles* kinds
	Excerpt string
}

// Kind implements Fact.
func (RolesDocument) Kind() Kind { return KindRolesDocument }
