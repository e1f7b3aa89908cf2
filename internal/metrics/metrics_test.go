package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

var _ core.Metrics = (*Metrics)(nil)

func TestCounters(t *testing.T) {
	t.Parallel()
	m := New()
	m.Login("success")
	m.Login("success")
	m.Login("locked")
	m.Refresh("refresh_token", "reuse")
	m.RateLimited(core.ActionPasswordReset)
	m.RateLimited(core.ActionPasswordReset)
	m.RateLimited(core.ActionPasswordReset)

	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"login success", testutil.ToFloat64(m.logins.WithLabelValues("success")), 2},
		{"login locked", testutil.ToFloat64(m.logins.WithLabelValues("locked")), 1},
		{"login failure untouched", testutil.ToFloat64(m.logins.WithLabelValues("failure")), 0},
		{"refresh reuse", testutil.ToFloat64(m.refreshes.WithLabelValues("refresh_token", "reuse")), 1},
		{"refresh other kind untouched", testutil.ToFloat64(m.refreshes.WithLabelValues("access_token", "reuse")), 0},
		{"rate limited reset", testutil.ToFloat64(m.rateLimited.WithLabelValues("password_reset")), 3},
		{"rate limited login untouched", testutil.ToFloat64(m.rateLimited.WithLabelValues("login")), 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// Known label values exist before first use; a new one appears on use.
	if got := testutil.CollectAndCount(m.logins); got != len(loginResults) {
		t.Errorf("login series = %d, want %d", got, len(loginResults))
	}
	if got := testutil.CollectAndCount(m.refreshes); got != len(refreshKinds)*len(refreshResults) {
		t.Errorf("refresh series = %d, want %d", got, len(refreshKinds)*len(refreshResults))
	}
	m.RateLimited("brand_new")
	if got := testutil.CollectAndCount(m.rateLimited); got != len(actions)+1 {
		t.Errorf("rate-limited series = %d, want %d", got, len(actions)+1)
	}
}

func TestRegistriesAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := New(), New() // a global registry would panic on the second
	a.Login("success")
	if got := testutil.ToFloat64(b.logins.WithLabelValues("success")); got != 0 {
		t.Errorf("second Metrics sees the first's count: %v", got)
	}
}

func TestHashingQueueGauge(t *testing.T) {
	t.Parallel()
	m := New()
	read := func() float64 {
		t.Helper()
		n, err := testutil.GatherAndCount(m.reg, "gatehouse_hashing_queue_depth")
		if err != nil || n != 1 {
			t.Fatalf("queue depth series = %d, %v", n, err)
		}
		fams, err := m.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() == "gatehouse_hashing_queue_depth" {
				return f.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("gauge not gathered")
		return 0
	}
	if got := read(); got != 0 {
		t.Errorf("unwatched depth = %v, want 0", got)
	}
	depth := 7
	m.WatchHashingQueue(func() int { return depth })
	if got := read(); got != 7 {
		t.Errorf("depth = %v, want 7", got)
	}
	depth = 3 // read at scrape time, not at registration
	if got := read(); got != 3 {
		t.Errorf("depth = %v, want 3", got)
	}
	m.WatchHashingQueue(nil)
	if got := read(); got != 0 {
		t.Errorf("depth after unwatch = %v, want 0", got)
	}
}

func TestHashingWait(t *testing.T) {
	t.Parallel()
	m := New()
	m.ObserveHashingWait(0)
	m.ObserveHashingWait(300 * time.Millisecond)
	got := histograms(t, m, "gatehouse_hashing_wait_seconds")
	if diff := cmp.Diff(map[string]histogramSample{"": {count: 2, sum: 0.3}}, got, cmp.AllowUnexported(histogramSample{})); diff != "" {
		t.Errorf("wait histogram mismatch (-want +got):\n%s", diff)
	}
}

func TestHandlerExposesFamilies(t *testing.T) {
	t.Parallel()
	m := New()
	m.Login("failure")
	m.ObserveHashingWait(time.Millisecond)
	h := m.Middleware(Route("GET /x", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`gatehouse_logins_total{result="failure"} 1`,
		`gatehouse_refreshes_total{kind="access_token",result="success"} 0`,
		`gatehouse_rate_limited_total{action="login"} 0`,
		"gatehouse_hashing_queue_depth 0",
		"gatehouse_hashing_wait_seconds_count 1",
		`gatehouse_http_request_duration_seconds_count{code="200",method="GET",route="GET /x"} 1`,
		`gatehouse_http_request_duration_seconds_bucket{code="200",method="GET",route="GET /x",le="0.0005"}`,
		"go_goroutines",
		"process_start_time_seconds",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics output lacks %q", want)
		}
	}
}

func TestWatchMail(t *testing.T) {
	t.Parallel()
	m := New()
	counts := MailCounts{Sent: 5, Failed: 2, Interrupted: 1}
	m.WatchMail(func() MailCounts { return counts })
	read := func() map[string]float64 {
		fams, err := m.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, f := range fams {
			if strings.HasPrefix(f.GetName(), "gatehouse_mail_") {
				got[f.GetName()] = f.GetMetric()[0].GetCounter().GetValue()
			}
		}
		return got
	}
	want := map[string]float64{"gatehouse_mail_sent_total": 5, "gatehouse_mail_failed_attempts_total": 2,
		"gatehouse_mail_interrupted_total": 1, "gatehouse_mail_abandoned_total": 0}
	if diff := cmp.Diff(want, read()); diff != "" {
		t.Errorf("mail counters (-want +got):\n%s", diff)
	}
	counts.Abandoned = 3 // read at scrape time
	if got := read()["gatehouse_mail_abandoned_total"]; got != 3 {
		t.Errorf("abandoned = %v after the worker counted 3", got)
	}
}

// The conditions a core.Conditions reports are counted and shown as in
// force, every condition's series present from the first scrape.
func TestConditions(t *testing.T) {
	t.Parallel()
	m := New()
	now := time.Unix(1_700_000_000, 0)
	conds := core.NewConditions(core.ConditionsOptions{
		Now:       func() time.Time { return now },
		OnFailure: m.Unavailable,
		OnChange:  func(c core.ConditionChange) { m.SetCondition(c.Condition, c.Active) },
	})
	if got := testutil.CollectAndCount(m.unavailable); got != len(core.AllConditions()) {
		t.Errorf("unavailable series = %d, want one per condition (%d)", got, len(core.AllConditions()))
	}
	for range 3 {
		conds.ObserveStore(true, core.ErrStoreFull)
	}
	full := string(core.ConditionStoreFull)
	if got := testutil.ToFloat64(m.unavailable.WithLabelValues(full)); got != 3 {
		t.Errorf("unavailable{store_full} = %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.conditionActive.WithLabelValues(full)); got != 1 {
		t.Errorf("condition_active{store_full} = %v while the disk is full, want 1", got)
	}
	now = now.Add(time.Minute)
	conds.ObserveStore(true, nil)
	if got := testutil.ToFloat64(m.conditionActive.WithLabelValues(full)); got != 0 {
		t.Errorf("condition_active{store_full} = %v once writes succeed, want 0", got)
	}

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`gatehouse_unavailable_total{condition="store_full"} 3`,
		`gatehouse_unavailable_total{condition="store_busy"} 0`,
		`gatehouse_condition_active{condition="store_timeout"} 0`,
		`gatehouse_condition_active{condition="hashing_busy"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics output lacks %q", want)
		}
	}
}
