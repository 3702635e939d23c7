package evidence

import "time"

// Kinds of git-history evidence.
const (
	KindHistory      Kind = "history/summary"
	KindBuildChanges Kind = "history/build-changes"
)

// History summarises the commits walked on the first-parent line of HEAD and
// the commits merged into it, within a window.
type History struct {
	Since      time.Time // start of the window
	MaxCommits int
	Walked     int  // commits examined
	Truncated  bool // stopped at MaxCommits before reaching Since
	// Signatures.
	Signed        int
	SignedOpenPGP int
	SignedSSH     int
	SignedX509    int
	// Verification against vendor-declared keys; VerifyKeys is 0 when the
	// vendor declared none.
	VerifyKeys   int
	Verified     int
	VerifyErrors []string // why keys could not be loaded
	// Review evidence.
	Merges               int // merge commits on the first-parent line
	MergesOtherCommitter int // merges whose committer differs from the merged work's author
	ForgeMerges          int // merge or squash commits whose message names a pull or merge request
	ReviewTrailers       int // commits carrying Reviewed-by:, Approved-by: or Acked-by:
	FirstParent          int // commits on the first-parent line
	Authors              int // distinct author e-mails
	// Tags in the window.
	Tags       int
	SignedTags int
	Oldest     time.Time
	Newest     time.Time
}

// Kind implements Fact.
func (History) Kind() Kind { return KindHistory }

// BuildChanges counts changes to CI definitions and build files on the
// first-parent line, split by how they arrived.
type BuildChanges struct {
	Paths   []string // the paths and directories watched
	Total   int
	Merged  int // arrived in a merge commit
	ViaPR   int // single-parent commits whose message names a pull or merge request (squash or rebase merges)
	Direct  int // neither: pushed straight to the branch
	Authors []AuthorCount
	// DirectSamples lists a few direct changes, newest first.
	DirectSamples []BuildChange
}

// AuthorCount is how many build changes one author made.
type AuthorCount struct {
	Email   string
	Changes int
}

// BuildChange is one commit that changed a watched path.
type BuildChange struct {
	Commit string
	Author string
	When   time.Time
	Paths  []string
}

// Kind implements Fact.
func (BuildChanges) Kind() Kind { return KindBuildChanges }
