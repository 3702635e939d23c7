package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/assaysec/assay/internal/config"
	"github.com/assaysec/assay/internal/fleet"
)

//go:embed migrations
var migrationFS embed.FS

// migrations are the server's tables, versioned like the fleet's and kept
// in the same database; their own version table and advisory lock keep the
// two families independent.
var migrations = fleet.MigrationSet{FS: migrationFS, Dir: "migrations", Table: "server_schema_migrations", LockKey: 0x41737362}

// ErrNotFound is returned for anything missing or outside the caller's
// organisation: the two are never told apart, so identifiers cannot be
// probed.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a name is already taken.
var ErrConflict = errors.New("already exists")

// Role is a user's permission within their organisation.
type Role string

// Roles, from most to least able.
const (
	RoleAdmin  Role = "admin"  // everything, including users and share links
	RoleMember Role = "member" // add products and repositories, queue assessments
	RoleViewer Role = "viewer" // read only
)

func (r Role) valid() bool { return r == RoleAdmin || r == RoleMember || r == RoleViewer }

// can reports whether r includes need.
func (r Role) can(need Role) bool {
	rank := map[Role]int{RoleViewer: 1, RoleMember: 2, RoleAdmin: 3}
	return rank[r] >= rank[need] && rank[need] > 0
}

// Organisation owns users and products.
type Organisation struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

// User belongs to one organisation.
type User struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisationId"`
	Name           string    `json:"name"`
	Role           Role      `json:"role"`
	CreatedAt      time.Time `json:"createdAt"`
}

// Product carries the declaration the Code of Practice asks of a vendor.
type Product struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisationId"`
	Name           string    `json:"name"`
	Role           string    `json:"role"`     // developer-distributor | reseller | developer-only
	Delivery       string    `json:"delivery"` // distributed | saas
	SRO            string    `json:"sro"`      // the Senior Responsible Owner
	CreatedAt      time.Time `json:"createdAt"`
}

// Repository is one source of a product, backed by a fleet repository.
type Repository struct {
	ID                int64     `json:"id"`
	ProductID         int64     `json:"productId"`
	FleetRepositoryID int64     `json:"fleetRepositoryId"`
	Source            string    `json:"source"`
	CreatedAt         time.Time `json:"createdAt"`
	// Schedule is how often the scheduler queues an assessment; nil
	// when it does not.
	Schedule *Schedule `json:"schedule,omitempty"`
}

// Schedule is a repository's assessment interval.
type Schedule struct {
	IntervalMinutes int       `json:"intervalMinutes"`
	NextDue         time.Time `json:"nextDue"`
}

// Bounds on a schedule's interval.
const (
	minScheduleMinutes = 5
	maxScheduleMinutes = 31 * 24 * 60
)

// Token kinds and lifetimes.
const (
	kindSignin  = "signin"  // one use, exchanged for a session or API token
	kindSession = "session" // the web UI's cookie
	kindAPI     = "api"     // Authorization: Bearer

	SigninTTL  = 24 * time.Hour
	SessionTTL = 12 * time.Hour
	APITTL     = 90 * 24 * time.Hour
)

// tokenPrefix marks Assay tokens so secret scanners can recognise them.
const tokenPrefix = "assay_"

// Bounds on names a user types.
const maxName = 200

// store keeps the server's tables.
type store struct {
	db      *sql.DB
	dialect fleet.Dialect
	fleet   fleet.Store
}

func (s *store) q(query string) string { return fleet.Rebind(s.dialect, query) }
func (s *store) t(t time.Time) any     { return fleet.EncodeTime(s.dialect, t) }

// newToken returns a random token and the hash that is stored.
func newToken() (plain, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random token: %w", err)
	}
	plain = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, hashToken(plain), nil
}

// hashToken is SHA-256: tokens carry 256 random bits, so a slow password
// hash would add nothing but cost on every request.
func hashToken(plain string) string {
	h := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(h[:])
}

func checkName(what, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", fmt.Errorf("%s: must not be empty", what)
	case len(s) > maxName:
		return "", fmt.Errorf("%s: longer than %d bytes", what, maxName)
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", fmt.Errorf("%s: must be UTF-8 text without control characters", what)
	}
	return s, nil
}

func isUnique(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unique") || strings.Contains(msg, "duplicate key")
}

// bootstrap creates the first organisation, its admin and a sign-in token
// when the database has no organisation; otherwise it returns "".
func (s *store) bootstrap(ctx context.Context, orgName string, now time.Time) (string, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM server_organisations`).Scan(&n); err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	if n > 0 {
		return "", nil
	}
	org, err := s.createOrganisation(ctx, orgName, now)
	if err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	u, err := s.createUser(ctx, org.ID, "admin", RoleAdmin, now)
	if err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	return s.issueToken(ctx, u.ID, kindSignin, now, SigninTTL)
}

// adminSignin issues a new sign-in token for the first admin of the first
// organisation, for an operator who lost the first one.
func (s *store) adminSignin(ctx context.Context, now time.Time) (string, error) {
	var uid int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM server_users WHERE role = 'admin' ORDER BY id LIMIT 1`).Scan(&uid)
	if err != nil {
		return "", fmt.Errorf("find an admin: %w", err)
	}
	return s.issueToken(ctx, uid, kindSignin, now, SigninTTL)
}

func (s *store) createOrganisation(ctx context.Context, name string, now time.Time) (Organisation, error) {
	name, err := checkName("organisation name", name)
	if err != nil {
		return Organisation{}, err
	}
	o := Organisation{Name: name, CreatedAt: now.UTC()}
	err = s.db.QueryRowContext(ctx, s.q(`INSERT INTO server_organisations (name, created_at) VALUES (?, ?) RETURNING id`),
		name, s.t(now)).Scan(&o.ID)
	if err != nil {
		if isUnique(err) {
			return o, fmt.Errorf("organisation %q: %w", name, ErrConflict)
		}
		return o, fmt.Errorf("create organisation: %w", err)
	}
	return o, nil
}

func (s *store) createUser(ctx context.Context, orgID int64, name string, role Role, now time.Time) (User, error) {
	name, err := checkName("user name", name)
	if err != nil {
		return User{}, err
	}
	if !role.valid() {
		return User{}, fmt.Errorf("role %q: want admin, member or viewer", role)
	}
	u := User{OrganisationID: orgID, Name: name, Role: role, CreatedAt: now.UTC()}
	err = s.db.QueryRowContext(ctx, s.q(`INSERT INTO server_users (organisation_id, name, role, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		orgID, name, string(role), s.t(now)).Scan(&u.ID)
	if err != nil {
		if isUnique(err) {
			return u, fmt.Errorf("user %q: %w", name, ErrConflict)
		}
		return u, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

func (s *store) users(ctx context.Context, orgID int64) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, name, role, created_at FROM server_users WHERE organisation_id = ? ORDER BY name`), orgID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u := User{OrganisationID: orgID}
		var role string
		var at any
		if err := rows.Scan(&u.ID, &u.Name, &role, &at); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.Role = Role(role)
		if u.CreatedAt, err = fleet.DecodeTime(at); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *store) issueToken(ctx context.Context, userID int64, kind string, now time.Time, ttl time.Duration) (string, error) {
	plain, hash, err := newToken()
	if err != nil {
		return "", err
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO server_tokens (user_id, kind, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		userID, kind, hash, s.t(now), s.t(now.Add(ttl)))
	if err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	return plain, nil
}

// redeemSignin uses a sign-in token once and returns its user.
func (s *store) redeemSignin(ctx context.Context, plain string, now time.Time) (int64, error) {
	var (
		uid int64
		exp any
	)
	err := s.db.QueryRowContext(ctx, s.q(`UPDATE server_tokens SET used = 1
		WHERE hash = ? AND kind = 'signin' AND used = 0 AND revoked = 0 RETURNING user_id, expires_at`),
		hashToken(plain)).Scan(&uid, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("sign in: %w", err)
	}
	t, err := fleet.DecodeTime(exp)
	if err != nil {
		return 0, fmt.Errorf("sign in: %w", err)
	}
	if !now.Before(t) {
		return 0, ErrNotFound
	}
	return uid, nil
}

// Principal is the authenticated caller.
type Principal struct {
	User
	TokenKind string `json:"tokenKind"`
	TokenHash string `json:"-"`
	csrf      string // set for cookie sessions
}

// authenticate finds the live session or API token's user.
func (s *store) authenticate(ctx context.Context, plain string, now time.Time) (Principal, error) {
	var (
		p    Principal
		role string
		exp  any
		at   any
	)
	p.TokenHash = hashToken(plain)
	err := s.db.QueryRowContext(ctx, s.q(`SELECT t.kind, t.expires_at, u.id, u.organisation_id, u.name, u.role, u.created_at
		FROM server_tokens t JOIN server_users u ON u.id = t.user_id
		WHERE t.hash = ? AND t.revoked = 0 AND t.kind IN ('session', 'api')`), p.TokenHash).
		Scan(&p.TokenKind, &exp, &p.ID, &p.OrganisationID, &p.Name, &role, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("authenticate: %w", err)
	}
	p.Role = Role(role)
	t, err := fleet.DecodeTime(exp)
	if err != nil {
		return p, fmt.Errorf("authenticate: %w", err)
	}
	if !now.Before(t) {
		return p, ErrNotFound
	}
	p.CreatedAt, err = fleet.DecodeTime(at)
	return p, err
}

func (s *store) revokeToken(ctx context.Context, hash string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE server_tokens SET revoked = 1 WHERE hash = ?`), hash)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

func (s *store) organisation(ctx context.Context, id int64) (Organisation, error) {
	o := Organisation{ID: id}
	var at any
	err := s.db.QueryRowContext(ctx, s.q(`SELECT name, created_at FROM server_organisations WHERE id = ?`), id).Scan(&o.Name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("organisation %d: %w", id, err)
	}
	o.CreatedAt, err = fleet.DecodeTime(at)
	return o, err
}

// checkDeclaration fills defaults and refuses values the declaration
// (assay.yaml) does not know.
func checkDeclaration(p *Product) error {
	var err error
	if p.Name, err = checkName("product name", p.Name); err != nil {
		return err
	}
	if p.Role == "" {
		p.Role = config.RoleDeveloperDistributor
	}
	if p.Delivery == "" {
		p.Delivery = config.DeliveryDistributed
	}
	switch p.Role {
	case config.RoleDeveloperDistributor, config.RoleReseller, config.RoleDeveloperOnly:
	default:
		return fmt.Errorf("role %q: want %s, %s or %s", p.Role, config.RoleDeveloperDistributor, config.RoleReseller, config.RoleDeveloperOnly)
	}
	switch p.Delivery {
	case config.DeliveryDistributed, config.DeliverySaaS:
	default:
		return fmt.Errorf("delivery %q: want %s or %s", p.Delivery, config.DeliveryDistributed, config.DeliverySaaS)
	}
	if p.SRO != "" {
		if p.SRO, err = checkName("sro", p.SRO); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) createProduct(ctx context.Context, orgID int64, p Product, now time.Time) (Product, error) {
	if err := checkDeclaration(&p); err != nil {
		return p, err
	}
	p.OrganisationID, p.CreatedAt = orgID, now.UTC()
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO server_products (organisation_id, name, role, delivery, sro, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), orgID, p.Name, p.Role, p.Delivery, p.SRO, s.t(now)).Scan(&p.ID)
	if err != nil {
		if isUnique(err) {
			return p, fmt.Errorf("product %q: %w", p.Name, ErrConflict)
		}
		return p, fmt.Errorf("create product: %w", err)
	}
	return p, nil
}

const productColumns = `id, organisation_id, name, role, delivery, sro, created_at`

func scanProduct(row interface{ Scan(...any) error }) (Product, error) {
	var (
		p  Product
		at any
	)
	if err := row.Scan(&p.ID, &p.OrganisationID, &p.Name, &p.Role, &p.Delivery, &p.SRO, &at); err != nil {
		return p, err
	}
	var err error
	p.CreatedAt, err = fleet.DecodeTime(at)
	return p, err
}

func (s *store) products(ctx context.Context, orgID int64) ([]Product, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+productColumns+` FROM server_products WHERE organisation_id = ? ORDER BY name, id`), orgID)
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("list products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// product returns a product of the organisation, or ErrNotFound.
func (s *store) product(ctx context.Context, orgID, id int64) (Product, error) {
	p, err := scanProduct(s.db.QueryRowContext(ctx, s.q(`SELECT `+productColumns+` FROM server_products WHERE id = ? AND organisation_id = ?`), id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("product %d: %w", id, err)
	}
	return p, nil
}

// addRepository registers a resolved local directory under a product of
// the organisation.
func (s *store) addRepository(ctx context.Context, orgID, productID int64, dir string, now time.Time) (Repository, error) {
	if _, err := s.product(ctx, orgID, productID); err != nil {
		return Repository{}, err
	}
	frs, err := s.fleet.AddRepositories(ctx, []string{dir}, now)
	if err != nil {
		return Repository{}, fmt.Errorf("add repository: %w", err)
	}
	r := Repository{ProductID: productID, FleetRepositoryID: frs[0].ID, Source: dir, CreatedAt: now.UTC()}
	err = s.db.QueryRowContext(ctx, s.q(`INSERT INTO server_repositories (product_id, fleet_repository_id, source, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`), productID, r.FleetRepositoryID, dir, s.t(now)).Scan(&r.ID)
	if err != nil {
		if isUnique(err) {
			return r, fmt.Errorf("repository %q: %w", dir, ErrConflict)
		}
		return r, fmt.Errorf("add repository: %w", err)
	}
	return r, nil
}

const repositoryColumns = `r.id, r.product_id, r.fleet_repository_id, r.source, r.created_at, r.schedule_minutes, r.next_due_ms`

func scanRepository(row interface{ Scan(...any) error }) (Repository, error) {
	var (
		r       Repository
		at      any
		minutes int
		due     int64
	)
	if err := row.Scan(&r.ID, &r.ProductID, &r.FleetRepositoryID, &r.Source, &at, &minutes, &due); err != nil {
		return r, err
	}
	if minutes > 0 {
		r.Schedule = &Schedule{IntervalMinutes: minutes, NextDue: time.UnixMilli(due).UTC()}
	}
	var err error
	r.CreatedAt, err = fleet.DecodeTime(at)
	return r, err
}

// setSchedule sets a repository's interval (0 removes its schedule); the
// first scheduled assessment is one interval from now.
func (s *store) setSchedule(ctx context.Context, repoID int64, minutes int, now time.Time) error {
	due := int64(0)
	if minutes > 0 {
		due = now.Add(time.Duration(minutes) * time.Minute).UnixMilli()
	}
	if _, err := s.db.ExecContext(ctx, s.q(`UPDATE server_repositories SET schedule_minutes = ?, next_due_ms = ? WHERE id = ?`),
		minutes, due, repoID); err != nil {
		return fmt.Errorf("schedule repository %d: %w", repoID, err)
	}
	return nil
}

// unclaim makes runs claimed by claimDue at now due again, unless their
// schedule changed since.
func (s *store) unclaim(ctx context.Context, runs []Repository, now time.Time) error {
	for _, r := range runs {
		next := now.Add(time.Duration(r.Schedule.IntervalMinutes) * time.Minute).UnixMilli()
		if _, err := s.db.ExecContext(ctx, s.q(`UPDATE server_repositories SET next_due_ms = ? WHERE id = ? AND next_due_ms = ?`),
			r.Schedule.NextDue.UnixMilli(), r.ID, next); err != nil {
			return fmt.Errorf("give back the scheduled run of repository %d: %w", r.ID, err)
		}
	}
	return nil
}

// claimDue moves every repository whose schedule is due at now to its
// next run and returns them. Each move is guarded by the due time it read,
// so of several servers sharing the database one claims each run.
func (s *store) claimDue(ctx context.Context, now time.Time) ([]Repository, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+repositoryColumns+` FROM server_repositories r
		WHERE r.schedule_minutes > 0 AND r.next_due_ms <= ? ORDER BY r.next_due_ms, r.id LIMIT 1000`), now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("due repositories: %w", err)
	}
	var due []Repository
	for rows.Next() {
		r, err := scanRepository(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("due repositories: %w", err)
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due repositories: %w", err)
	}
	var out []Repository
	for _, r := range due {
		// A server that was down for several intervals queues one run,
		// not one per missed interval.
		next := now.Add(time.Duration(r.Schedule.IntervalMinutes) * time.Minute).UnixMilli()
		res, err := s.db.ExecContext(ctx, s.q(`UPDATE server_repositories SET next_due_ms = ? WHERE id = ? AND next_due_ms = ? AND schedule_minutes > 0`),
			next, r.ID, r.Schedule.NextDue.UnixMilli())
		if err != nil {
			return out, fmt.Errorf("claim scheduled run of repository %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			out = append(out, r)
		}
	}
	return out, nil
}

// repositories lists a product's repositories (the caller checked the
// product belongs to the organisation).
func (s *store) repositories(ctx context.Context, productID int64) ([]Repository, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+repositoryColumns+` FROM server_repositories r WHERE r.product_id = ? ORDER BY r.source, r.id`), productID)
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	defer rows.Close()
	var out []Repository
	for rows.Next() {
		r, err := scanRepository(rows)
		if err != nil {
			return nil, fmt.Errorf("list repositories: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// repository returns a repository of the organisation, or ErrNotFound.
func (s *store) repository(ctx context.Context, orgID, id int64) (Repository, error) {
	r, err := scanRepository(s.db.QueryRowContext(ctx, s.q(`SELECT `+repositoryColumns+` FROM server_repositories r
		JOIN server_products p ON p.id = r.product_id WHERE r.id = ? AND p.organisation_id = ?`), id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("repository %d: %w", id, err)
	}
	return r, nil
}

// createShare makes a read-only link to a product of the organisation.
func (s *store) createShare(ctx context.Context, orgID, productID int64, now time.Time) (string, error) {
	if _, err := s.product(ctx, orgID, productID); err != nil {
		return "", err
	}
	plain, hash, err := newToken()
	if err != nil {
		return "", err
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO server_shares (product_id, hash, created_at) VALUES (?, ?, ?)`), productID, hash, s.t(now))
	if err != nil {
		return "", fmt.Errorf("create share link: %w", err)
	}
	return plain, nil
}

// revokeShares revokes every share link of a product of the organisation.
func (s *store) revokeShares(ctx context.Context, orgID, productID int64) error {
	if _, err := s.product(ctx, orgID, productID); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE server_shares SET revoked = 1 WHERE product_id = ?`), productID)
	if err != nil {
		return fmt.Errorf("revoke share links: %w", err)
	}
	return nil
}

// sharedProduct finds the product a live share link opens.
func (s *store) sharedProduct(ctx context.Context, plain string) (Product, error) {
	p, err := scanProduct(s.db.QueryRowContext(ctx, s.q(`SELECT p.id, p.organisation_id, p.name, p.role, p.delivery, p.sro, p.created_at
		FROM server_shares sh JOIN server_products p ON p.id = sh.product_id WHERE sh.hash = ? AND sh.revoked = 0`), hashToken(plain)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("share link: %w", err)
	}
	return p, nil
}
