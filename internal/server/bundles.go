package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/bundle"
	"github.com/assaysec/assay/internal/fleet"
	"github.com/assaysec/assay/internal/report"
	"github.com/assaysec/assay/internal/sign"
	"github.com/assaysec/assay/internal/textsafe"
)

// Bounds on what a supplier registration and an upload may carry. A
// bundle's report and evidence list are small (tens of KiB); 8 MiB leaves
// room for very large evidence lists and still bounds memory per request.
const (
	maxAllowedSigners = 64 << 10
	maxBundle         = 8 << 20
)

// bodyLimits raise the request size limit for the routes that take a
// bundle; every other route keeps maxBody.
var bodyLimits = map[string]int64{
	"POST /api/v1/bundles": maxBundle + 64<<10,
	"POST /bundles":        maxBundle + 64<<10,
}

// Supplier is a vendor an organisation buys from, with the keys its
// bundles must be signed with.
type Supplier struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisationId"`
	Name           string    `json:"name"`
	AllowedSigners string    `json:"allowedSigners"` // ssh-keygen allowed signers file
	Identity       string    `json:"identity"`       // principal the signer must be, or "" for any listed
	CreatedAt      time.Time `json:"createdAt"`
}

// BundleRecord is one uploaded bundle and what its verification found.
type BundleRecord struct {
	ID          int64     `json:"id"`
	SupplierID  int64     `json:"supplierId"`
	Supplier    string    `json:"supplier"`
	UploadedBy  string    `json:"uploadedBy"`
	UploadedAt  time.Time `json:"uploadedAt"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	Verified    bool      `json:"verified"`
	Reason      string    `json:"reason,omitempty"` // why it was rejected
	Signer      string    `json:"signer,omitempty"`
	KeyID       string    `json:"keyId,omitempty"`
	Product     string    `json:"product,omitempty"`
	Commit      string    `json:"commit,omitempty"`
	Assurance   string    `json:"assurance,omitempty"`
	NextReview  string    `json:"nextReview,omitempty"`
	SignedAt    string    `json:"signedAt,omitempty"`
	ReviewDue   bool      `json:"reviewOverdue"` // next review date has passed
	BelowPolicy bool      `json:"belowPolicy"`   // assurance below what the organisation requires
	Flags       []string  `json:"flags"`
	report      string
}

// BundleDetail is a bundle with the supplier's claims as signed.
type BundleDetail struct {
	BundleRecord
	Claims  *report.Summary    `json:"summary,omitempty"`
	Signed  []report.Principle `json:"principles"`
	Require string             `json:"requiredAssurance"`
}

// assuranceRank orders assurance levels; a report that predates the field
// made its claims from observed evidence.
func assuranceRank(a string) int {
	switch a {
	case report.AssuranceAttested:
		return 2
	case report.AssuranceObserved, "":
		return 1
	}
	return 0
}

func checkAssurance(a string) error {
	if a != report.AssuranceObserved && a != report.AssuranceAttested {
		return fmt.Errorf("required assurance %q: want %s or %s", a, report.AssuranceObserved, report.AssuranceAttested)
	}
	return nil
}

func (s *store) requiredAssurance(ctx context.Context, orgID int64) (string, error) {
	var a string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT required_assurance FROM server_organisations WHERE id = ?`), orgID).Scan(&a)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("organisation policy: %w", err)
	}
	return a, nil
}

func (s *store) setRequiredAssurance(ctx context.Context, orgID int64, a string) error {
	if err := checkAssurance(a); err != nil {
		return badRequest(err)
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE server_organisations SET required_assurance = ? WHERE id = ?`), a, orgID)
	if err != nil {
		return fmt.Errorf("set organisation policy: %w", err)
	}
	return nil
}

// createSupplier registers a supplier after checking its allowed signers
// parse, so a bad file is refused now rather than at every upload.
func (s *store) createSupplier(ctx context.Context, orgID int64, sp Supplier, now time.Time) (Supplier, error) {
	var err error
	if sp.Name, err = checkName("supplier name", sp.Name); err != nil {
		return sp, badRequest(err)
	}
	if sp.Identity = strings.TrimSpace(sp.Identity); sp.Identity != "" {
		if sp.Identity, err = checkName("identity", sp.Identity); err != nil {
			return sp, badRequest(err)
		}
	}
	if len(sp.AllowedSigners) > maxAllowedSigners {
		return sp, errStatus(http.StatusBadRequest, "allowed signers: longer than %d bytes", maxAllowedSigners)
	}
	as, err := sign.ParseAllowedSigners([]byte(sp.AllowedSigners))
	if err != nil {
		return sp, errStatus(http.StatusBadRequest, "allowed signers: %s", textsafe.Clean(err.Error()))
	}
	if len(as.Entries()) == 0 {
		return sp, errStatus(http.StatusBadRequest, "allowed signers: no keys listed")
	}
	sp.OrganisationID, sp.CreatedAt = orgID, now.UTC()
	err = s.db.QueryRowContext(ctx, s.q(`INSERT INTO server_suppliers (organisation_id, name, allowed_signers, identity, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), orgID, sp.Name, sp.AllowedSigners, sp.Identity, s.t(now)).Scan(&sp.ID)
	if err != nil {
		if isUnique(err) {
			return sp, fmt.Errorf("supplier %q: %w", sp.Name, ErrConflict)
		}
		return sp, fmt.Errorf("create supplier: %w", err)
	}
	return sp, nil
}

func scanSupplier(row interface{ Scan(...any) error }) (Supplier, error) {
	var (
		sp Supplier
		at any
	)
	if err := row.Scan(&sp.ID, &sp.OrganisationID, &sp.Name, &sp.AllowedSigners, &sp.Identity, &at); err != nil {
		return sp, err
	}
	var err error
	sp.CreatedAt, err = fleet.DecodeTime(at)
	return sp, err
}

const supplierColumns = `id, organisation_id, name, allowed_signers, identity, created_at`

func (s *store) suppliers(ctx context.Context, orgID int64) ([]Supplier, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+supplierColumns+` FROM server_suppliers WHERE organisation_id = ? ORDER BY name, id`), orgID)
	if err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	defer rows.Close()
	out := []Supplier{}
	for rows.Next() {
		sp, err := scanSupplier(rows)
		if err != nil {
			return nil, fmt.Errorf("list suppliers: %w", err)
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// supplier returns a supplier of the organisation, or ErrNotFound.
func (s *store) supplier(ctx context.Context, orgID, id int64) (Supplier, error) {
	sp, err := scanSupplier(s.db.QueryRowContext(ctx, s.q(`SELECT `+supplierColumns+` FROM server_suppliers WHERE id = ? AND organisation_id = ?`), id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return sp, ErrNotFound
	}
	if err != nil {
		return sp, fmt.Errorf("supplier %d: %w", id, err)
	}
	return sp, nil
}

func (s *store) insertBundle(ctx context.Context, b *BundleRecord) error {
	verified := 0
	if b.Verified {
		verified = 1
	}
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO server_bundles (supplier_id, uploaded_by, uploaded_at, sha256, size, verified, reason,
		signer, key_id, product, subject_commit, assurance, next_review, signed_at, report)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		b.SupplierID, b.UploadedBy, s.t(b.UploadedAt), b.SHA256, b.Size, verified, b.Reason,
		b.Signer, b.KeyID, b.Product, b.Commit, b.Assurance, b.NextReview, b.SignedAt, b.report).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("store bundle: %w", err)
	}
	return nil
}

const bundleColumns = `b.id, b.supplier_id, sp.name, b.uploaded_by, b.uploaded_at, b.sha256, b.size, b.verified, b.reason,
	b.signer, b.key_id, b.product, b.subject_commit, b.assurance, b.next_review, b.signed_at`

func scanBundle(row interface{ Scan(...any) error }, extra ...any) (BundleRecord, error) {
	var (
		b        BundleRecord
		at       any
		verified int
	)
	dst := append([]any{&b.ID, &b.SupplierID, &b.Supplier, &b.UploadedBy, &at, &b.SHA256, &b.Size, &verified, &b.Reason,
		&b.Signer, &b.KeyID, &b.Product, &b.Commit, &b.Assurance, &b.NextReview, &b.SignedAt}, extra...)
	if err := row.Scan(dst...); err != nil {
		return b, err
	}
	b.Verified = verified == 1
	var err error
	b.UploadedAt, err = fleet.DecodeTime(at)
	return b, err
}

// bundles lists the organisation's bundles, newest first, optionally of
// one supplier; limit bounds the answer.
func (s *store) bundles(ctx context.Context, orgID, supplierID int64, limit int) ([]BundleRecord, error) {
	query := `SELECT ` + bundleColumns + ` FROM server_bundles b JOIN server_suppliers sp ON sp.id = b.supplier_id WHERE sp.organisation_id = ?`
	args := []any{orgID}
	if supplierID > 0 {
		query += ` AND sp.id = ?`
		args = append(args, supplierID)
	}
	query += ` ORDER BY b.id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list bundles: %w", err)
	}
	defer rows.Close()
	out := []BundleRecord{}
	for rows.Next() {
		b, err := scanBundle(rows)
		if err != nil {
			return nil, fmt.Errorf("list bundles: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// bundle returns a bundle of the organisation with its signed report.
func (s *store) bundle(ctx context.Context, orgID, id int64) (BundleRecord, error) {
	var rep string
	b, err := scanBundle(s.db.QueryRowContext(ctx, s.q(`SELECT `+bundleColumns+`, b.report FROM server_bundles b
		JOIN server_suppliers sp ON sp.id = b.supplier_id WHERE b.id = ? AND sp.organisation_id = ?`), id, orgID), &rep)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("bundle %d: %w", id, err)
	}
	b.report = rep
	return b, nil
}

// flag marks a verified bundle whose next review date has passed at now,
// or whose assurance is below the organisation's requirement.
func flag(b *BundleRecord, required string, now time.Time) {
	b.Flags = []string{}
	if !b.Verified {
		b.Flags = append(b.Flags, "rejected")
		return
	}
	if b.NextReview != "" {
		if d, err := time.Parse(time.DateOnly, b.NextReview); err == nil && now.UTC().After(d.Add(24*time.Hour)) {
			b.ReviewDue = true
		} else if err != nil {
			b.ReviewDue = true // an unreadable date cannot show the review is current
		}
	}
	if assuranceRank(b.Assurance) < assuranceRank(required) {
		b.BelowPolicy = true
	}
	if b.ReviewDue {
		b.Flags = append(b.Flags, "review overdue since "+b.NextReview)
	}
	if b.BelowPolicy {
		a := b.Assurance
		if a == "" {
			a = report.AssuranceObserved
		}
		b.Flags = append(b.Flags, fmt.Sprintf("signed at %s assurance; %s required", a, required))
	}
}

// verifyUpload verifies data against the supplier's allowed signers with
// the bundle package's own verification, and stores the outcome either
// way. The reason of a rejection is the verifier's, cleaned for display.
func (s *Server) verifyUpload(ctx context.Context, p *Principal, sp Supplier, data []byte) (BundleRecord, error) {
	sum := sha256.Sum256(data)
	rec := BundleRecord{SupplierID: sp.ID, Supplier: sp.Name, UploadedBy: p.Name, UploadedAt: s.now().UTC(),
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	allowed, err := sign.ParseAllowedSigners([]byte(sp.AllowedSigners))
	if err != nil {
		return rec, fmt.Errorf("supplier %d allowed signers: %w", sp.ID, err)
	}
	res, verr := bundle.Verify(data, bundle.VerifyOptions{Allowed: allowed, Identity: sp.Identity, At: s.now()})
	if verr != nil {
		rec.Reason = textsafe.Truncate(textsafe.Clean(verr.Error()), 2000)
	} else {
		rec.Verified = true
		c := textsafe.Clean
		rec.Signer, rec.KeyID = c(res.Signer), c(res.KeyID)
		rec.Product, rec.Commit = c(res.Report.Subject.Product), c(res.Report.Subject.Commit)
		rec.Assurance, rec.NextReview = c(res.Report.Assurance), c(res.Report.NextReview)
		rec.SignedAt = c(res.Statement.Predicate.CreatedAt)
		rec.report = string(res.Statement.Predicate.Report)
	}
	if err := s.store.insertBundle(ctx, &rec); err != nil {
		return rec, err
	}
	return rec, nil
}

// readUpload takes the bundle from a multipart form's "bundle" file or,
// for any other content type, from the raw body; it returns the supplier
// id named by the form field or the query.
func readUpload(r *http.Request) ([]byte, int64, error) {
	var (
		rd     io.Reader
		supRaw = r.URL.Query().Get("supplier")
	)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxBundle); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, 0, err
			}
			return nil, 0, errStatus(http.StatusBadRequest, "multipart form: %v", err)
		}
		if v := r.PostFormValue("supplier"); v != "" {
			supRaw = v
		}
		f, _, err := r.FormFile("bundle")
		if err != nil {
			return nil, 0, errStatus(http.StatusBadRequest, "the form has no bundle file")
		}
		defer f.Close()
		rd = f
	} else {
		rd = r.Body
	}
	data, err := io.ReadAll(io.LimitReader(rd, maxBundle+1))
	if err != nil {
		return nil, 0, err
	}
	if len(data) > maxBundle {
		return nil, 0, errStatus(http.StatusRequestEntityTooLarge, "bundle larger than %d bytes", maxBundle)
	}
	id, err := strconv.ParseInt(supRaw, 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, errStatus(http.StatusBadRequest, "name the supplier: ?supplier=ID or the form field supplier")
	}
	return data, id, nil
}

func (s *Server) upload(r *http.Request, p *Principal) (BundleRecord, error) {
	data, supID, err := readUpload(r)
	if err != nil {
		return BundleRecord{}, err
	}
	// The supplier is resolved first, so another organisation's id is not
	// found whatever the body holds.
	sp, err := s.store.supplier(r.Context(), p.OrganisationID, supID)
	if err != nil {
		return BundleRecord{}, err
	}
	if len(data) == 0 {
		return BundleRecord{}, errStatus(http.StatusBadRequest, "empty bundle")
	}
	rec, err := s.verifyUpload(r.Context(), p, sp, data)
	if err != nil {
		return rec, err
	}
	req, err := s.store.requiredAssurance(r.Context(), p.OrganisationID)
	if err != nil {
		return rec, err
	}
	flag(&rec, req, s.now())
	return rec, nil
}

func (s *Server) bundleDetail(ctx context.Context, orgID, id int64) (BundleDetail, error) {
	b, err := s.store.bundle(ctx, orgID, id)
	if err != nil {
		return BundleDetail{}, err
	}
	req, err := s.store.requiredAssurance(ctx, orgID)
	if err != nil {
		return BundleDetail{}, err
	}
	flag(&b, req, s.now())
	d := BundleDetail{BundleRecord: b, Signed: []report.Principle{}, Require: req}
	if b.report != "" {
		var rep report.Report
		if err := json.Unmarshal([]byte(b.report), &rep); err != nil {
			return d, fmt.Errorf("bundle %d report: %w", id, err)
		}
		d.Claims, d.Signed = &rep.Summary, rep.Principles
		if d.Signed == nil {
			d.Signed = []report.Principle{}
		}
	}
	return d, nil
}

func (s *Server) bundleFor(r *http.Request, p *Principal) (BundleDetail, error) {
	id, err := pathID(r, "bundle")
	if err != nil {
		return BundleDetail{}, err
	}
	return s.bundleDetail(r.Context(), p.OrganisationID, id)
}

// API handlers.

func (s *Server) apiSuppliers(w http.ResponseWriter, r *http.Request, p *Principal) error {
	sps, err := s.store.suppliers(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]any{"suppliers": sps})
}

func (s *Server) apiCreateSupplier(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var in struct {
		Name           string `json:"name"`
		AllowedSigners string `json:"allowedSigners"`
		Identity       string `json:"identity"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	sp, err := s.store.createSupplier(r.Context(), p.OrganisationID, Supplier{Name: in.Name, AllowedSigners: in.AllowedSigners, Identity: in.Identity}, s.now())
	if err != nil {
		return err
	}
	writeJSONStatus(w, http.StatusCreated, sp)
	return nil
}

func (s *Server) apiSupplier(w http.ResponseWriter, r *http.Request, p *Principal) error {
	id, err := pathID(r, "supplier")
	if err != nil {
		return err
	}
	sp, err := s.store.supplier(r.Context(), p.OrganisationID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, sp)
}

func (s *Server) apiPolicy(w http.ResponseWriter, r *http.Request, p *Principal) error {
	a, err := s.store.requiredAssurance(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]string{"requiredAssurance": a})
}

func (s *Server) apiSetPolicy(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var in struct {
		RequiredAssurance string `json:"requiredAssurance"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if err := s.store.setRequiredAssurance(r.Context(), p.OrganisationID, in.RequiredAssurance); err != nil {
		return err
	}
	return writeJSON(w, map[string]string{"requiredAssurance": in.RequiredAssurance})
}

// apiUpload answers 201 with the record for a verified bundle, and 422
// with the reason (and the id of the stored record) for a rejected one.
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request, p *Principal) error {
	rec, err := s.upload(r, p)
	if err != nil {
		return err
	}
	if !rec.Verified {
		writeJSONStatus(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{
			"status": http.StatusUnprocessableEntity, "message": "bundle rejected: " + rec.Reason}, "bundle": rec})
		return nil
	}
	writeJSONStatus(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) apiBundles(w http.ResponseWriter, r *http.Request, p *Principal) error {
	var sup int64
	if v := r.URL.Query().Get("supplier"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errStatus(http.StatusBadRequest, "supplier: want a positive id")
		}
		if _, err := s.store.supplier(r.Context(), p.OrganisationID, id); err != nil {
			return err
		}
		sup = id
	}
	bs, err := s.store.bundles(r.Context(), p.OrganisationID, sup, historyDepth)
	if err != nil {
		return err
	}
	req, err := s.store.requiredAssurance(r.Context(), p.OrganisationID)
	if err != nil {
		return err
	}
	for i := range bs {
		flag(&bs[i], req, s.now())
	}
	return writeJSON(w, map[string]any{"bundles": bs, "requiredAssurance": req})
}

func (s *Server) apiBundle(w http.ResponseWriter, r *http.Request, p *Principal) error {
	d, err := s.bundleFor(r, p)
	if err != nil {
		return err
	}
	return writeJSON(w, d)
}

// UI handlers.

type suppliersPage struct {
	Suppliers []Supplier
	Bundles   []BundleRecord
	Require   string
}

func (s *Server) uiSuppliers(w http.ResponseWriter, r *http.Request, p *Principal) error {
	ctx := r.Context()
	sps, err := s.store.suppliers(ctx, p.OrganisationID)
	if err != nil {
		return err
	}
	bs, err := s.store.bundles(ctx, p.OrganisationID, 0, historyDepth)
	if err != nil {
		return err
	}
	req, err := s.store.requiredAssurance(ctx, p.OrganisationID)
	if err != nil {
		return err
	}
	for i := range bs {
		flag(&bs[i], req, s.now())
	}
	return s.renderPage(w, http.StatusOK, "suppliers", page{Title: "Supplier assurance", User: p, Data: suppliersPage{Suppliers: sps, Bundles: bs, Require: req}})
}

func (s *Server) uiCreateSupplier(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if _, err := s.store.createSupplier(r.Context(), p.OrganisationID, Supplier{
		Name: r.PostFormValue("name"), AllowedSigners: r.PostFormValue("allowed_signers"), Identity: r.PostFormValue("identity"),
	}, s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/suppliers", http.StatusSeeOther)
	return nil
}

func (s *Server) uiSetPolicy(w http.ResponseWriter, r *http.Request, p *Principal) error {
	if err := s.store.setRequiredAssurance(r.Context(), p.OrganisationID, r.PostFormValue("required_assurance")); err != nil {
		return err
	}
	http.Redirect(w, r, "/suppliers", http.StatusSeeOther)
	return nil
}

// uiUpload shows the outcome at once: the bundle page, with 422 and the
// reason when the bundle was rejected.
func (s *Server) uiUpload(w http.ResponseWriter, r *http.Request, p *Principal) error {
	rec, err := s.upload(r, p)
	if err != nil {
		return err
	}
	d, err := s.bundleDetail(r.Context(), p.OrganisationID, rec.ID)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !rec.Verified {
		status = http.StatusUnprocessableEntity
	}
	return s.renderPage(w, status, "bundle", page{Title: "Bundle " + strconv.FormatInt(rec.ID, 10), User: p, Data: d})
}

func (s *Server) uiBundle(w http.ResponseWriter, r *http.Request, p *Principal) error {
	d, err := s.bundleFor(r, p)
	if err != nil {
		return err
	}
	return s.renderPage(w, http.StatusOK, "bundle", page{Title: "Bundle " + strconv.FormatInt(d.ID, 10), User: p, Data: d})
}
