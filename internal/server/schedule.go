package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/assaysec/assay/internal/fleet"
)

// SchedulerEvery is how often `assay serve` looks for due schedules.
const SchedulerEvery = 30 * time.Second

// EnqueueDue queues an assessment of every repository whose schedule is
// due by the server's clock and moves its schedule on; it returns how many
// jobs were queued. Scheduled jobs are not forced: a repository whose
// state did not change records "unchanged since" instead of a new
// assessment.
func (s *Server) EnqueueDue(ctx context.Context) (int, error) {
	due, err := s.store.claimDue(ctx, s.now())
	if err != nil || len(due) == 0 {
		return 0, err
	}
	seen := map[int64]bool{}
	var repos []fleet.Repository
	for _, r := range due {
		// Two products sharing a source share one job.
		if !seen[r.FleetRepositoryID] {
			seen[r.FleetRepositoryID] = true
			repos = append(repos, fleet.Repository{ID: r.FleetRepositoryID, Path: r.Source})
		}
	}
	n, err := s.fleet.Queue.EnqueueWith(ctx, repos, fleet.EnqueueOptions{MaxAttempts: s.cfg.MaxAttempts})
	s.metrics.scheduled(n)
	if err != nil {
		// Give the runs back, so the next tick tries again rather than
		// the next interval; a job that was queued is not queued twice.
		if uerr := s.store.unclaim(context.WithoutCancel(ctx), due, s.now()); uerr != nil {
			s.log.Warn("scheduler: give back due runs", "error", uerr)
		}
	}
	return n, err
}

// RunScheduler calls EnqueueDue on every tick until ctx ends; after, when
// set, is told each tick's outcome. The caller owns the ticks, so tests
// drive it with a clock of their own.
func (s *Server) RunScheduler(ctx context.Context, ticks <-chan time.Time, after func(queued int, err error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			n, err := s.EnqueueDue(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("scheduler", "error", err)
			}
			if after != nil {
				after(n, err)
			}
		}
	}
}

// parseInterval checks a schedule interval in minutes: 0 removes the
// schedule.
func parseInterval(minutes int) error {
	if minutes != 0 && (minutes < minScheduleMinutes || minutes > maxScheduleMinutes) {
		return errStatus(http.StatusBadRequest, "intervalMinutes: want 0 (no schedule) or %d to %d, got %d", minScheduleMinutes, maxScheduleMinutes, minutes)
	}
	return nil
}

func (s *Server) apiSetSchedule(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	var in struct {
		IntervalMinutes *int `json:"intervalMinutes"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if in.IntervalMinutes == nil {
		return errStatus(http.StatusBadRequest, "intervalMinutes: required (0 removes the schedule)")
	}
	if err := parseInterval(*in.IntervalMinutes); err != nil {
		return err
	}
	if err := s.store.setSchedule(r.Context(), repo.ID, *in.IntervalMinutes, s.now()); err != nil {
		return err
	}
	repo, err = s.store.repository(r.Context(), p.OrganisationID, repo.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, repo)
}

func (s *Server) uiSetSchedule(w http.ResponseWriter, r *http.Request, p *Principal) error {
	repo, err := s.repoFor(r, p)
	if err != nil {
		return err
	}
	v := strings.TrimSpace(r.PostFormValue("interval"))
	minutes := 0
	if v != "" {
		if minutes, err = strconv.Atoi(v); err != nil {
			return errStatus(http.StatusBadRequest, "interval: want a number of minutes")
		}
	}
	if err := parseInterval(minutes); err != nil {
		return err
	}
	if err := s.store.setSchedule(r.Context(), repo.ID, minutes, s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/repositories/"+strconv.FormatInt(repo.ID, 10), http.StatusSeeOther)
	return nil
}

// readEnqueue reads an assessment request's optional body, {"force":
// true}; an empty body asks for nothing.
func readEnqueue(r *http.Request) (fleet.EnqueueOptions, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return fleet.EnqueueOptions{}, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fleet.EnqueueOptions{}, nil
	}
	var in struct {
		Force bool `json:"force"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fleet.EnqueueOptions{}, errStatus(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	return fleet.EnqueueOptions{Force: in.Force}, nil
}
