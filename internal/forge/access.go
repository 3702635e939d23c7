package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/evidence"
	"github.com/assaysec/assay/internal/textsafe"
)

// ErrBadAnswer marks a success answer that was not what the endpoint
// documents (malformed JSON, the wrong shape, no content): the fact it
// would show stays unobserved, and no permission would change that.
var ErrBadAnswer = errors.New("the forge's answer was not the documented JSON")

// Observation is one fact read from a forge, with the page that shows it.
type Observation struct {
	Fact evidence.Fact
	URL  string
}

// Refusal describes an API answer that was not a success, in terms both
// forges share.
type Refusal struct {
	Status  int
	Header  http.Header
	Message string
	Err     error // transport error, when there was no answer
}

// Classify turns a refused answer into an access record. need is what the
// endpoint documents as required; the forge's own headers, when present,
// name the exact permission the token lacks.
func Classify(endpoint, need string, r Refusal, now time.Time) evidence.ForgeAccess {
	a := evidence.ForgeAccess{Endpoint: endpoint, Need: need}
	msg := textsafe.Clean(truncate(Redact(r.Message), 300))
	var rl *RateLimitError
	switch {
	case r.Err != nil && errors.As(r.Err, &rl):
		a.State, a.Reason = evidence.AccessRateLimited, r.Err.Error()
		a.Need = "API budget: wait for the reset or use a token with a larger rate limit; cached answers are reused on the next run"
	case r.Err != nil && errors.Is(r.Err, ErrBadAnswer):
		a.State, a.Reason = evidence.AccessError, textsafe.Clean(truncate(Redact(r.Err.Error()), 300))
		a.Need = "a well-formed answer from the forge API; re-run later"
	case r.Err != nil && (errors.Is(r.Err, context.DeadlineExceeded) || errors.Is(r.Err, context.Canceled)):
		a.State, a.Reason = evidence.AccessError, "timed out: "+textsafe.Clean(truncate(Redact(r.Err.Error()), 300))
		a.Need = "a reachable forge API; re-run later"
	case r.Err != nil:
		a.State, a.Reason = evidence.AccessError, textsafe.Clean(truncate(Redact(r.Err.Error()), 300))
		a.Need = "a reachable forge API; re-run later"
	case IsRateLimited(r.Status, r.Header):
		a.State = evidence.AccessRateLimited
		a.Reason = fmt.Sprintf("HTTP %d rate limited", r.Status)
		if at, ok := RateReset(r.Header, now); ok {
			a.Reason += " until " + at.UTC().Format(time.RFC3339)
		}
		a.Need = "API budget: wait for the reset or set a token (unauthenticated GitHub allows 60 requests an hour); cached answers are reused on the next run"
	case r.Status == http.StatusUnauthorized:
		a.State = evidence.AccessDenied
		a.Reason = "HTTP 401: the token was rejected (expired, revoked or mistyped)"
		a.Need = "a valid token; " + need
	case r.Status == http.StatusForbidden || r.Status == http.StatusNotFound:
		a.State = evidence.AccessDenied
		a.Reason = fmt.Sprintf("HTTP %d", r.Status)
		if msg != "" {
			a.Reason += ": " + msg
		}
		if r.Header != nil {
			var parts []string
			if v := r.Header.Get("X-Accepted-GitHub-Permissions"); v != "" {
				parts = append(parts, "fine-grained token permission "+textsafe.Clean(truncate(v, 200)))
			}
			if v := r.Header.Get("X-Accepted-OAuth-Scopes"); v != "" {
				parts = append(parts, "classic token scope "+textsafe.Clean(truncate(v, 200)))
			}
			if len(parts) > 0 {
				a.Need = need + " (the forge asks for " + strings.Join(parts, "; ") + ")"
			}
		}
	case r.Status >= 500:
		a.State, a.Reason = evidence.AccessError, fmt.Sprintf("HTTP %d from the forge", r.Status)
		a.Need = "a working forge API; re-run later"
	default:
		a.State, a.Reason = evidence.AccessError, fmt.Sprintf("HTTP %d: %s", r.Status, msg)
	}
	return a
}

// Allowed is the access record of a successful answer.
func Allowed(endpoint string) evidence.ForgeAccess {
	return evidence.ForgeAccess{State: evidence.AccessOK, Endpoint: endpoint}
}

// Unsupported marks a setting the forge does not have.
func Unsupported(endpoint, why string) evidence.ForgeAccess {
	return evidence.ForgeAccess{State: evidence.AccessUnsupported, Endpoint: endpoint, Reason: why}
}

// Tier marks a setting the forge's plan does not offer.
func Tier(endpoint, reason, need string) evidence.ForgeAccess {
	return evidence.ForgeAccess{State: evidence.AccessTier, Endpoint: endpoint, Reason: textsafe.Clean(truncate(reason, 300)), Need: need}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Clean makes a string from the forge safe to store: control characters
// escaped, length capped.
func Clean(s string, n int) string {
	return textsafe.Clean(truncate(s, n))
}
