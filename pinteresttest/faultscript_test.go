package pinteresttest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest/pinteresttest"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	html := "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
	tests := []struct {
		script string
		want   []pinteresttest.Fault
	}{
		{"", nil},
		{"  ", nil},
		{"ok", []pinteresttest.Fault{{}}},
		{"503,503,200", []pinteresttest.Fault{{Status: 503}, {Status: 503}, {Status: 200}}},
		{" 503 * 2 , ok ", []pinteresttest.Fault{{Status: 503}, {Status: 503}, {}}},
		{"429+retry-after=2", []pinteresttest.Fault{{Status: 429, RetryAfter: "2"}}},
		{"503+code=1", []pinteresttest.Fault{{Status: 503, Code: 1}}},
		{"delay=1500ms", []pinteresttest.Fault{{Delay: 1500 * time.Millisecond}}},
		{"process+drop", []pinteresttest.Fault{{Process: true, Drop: true}}},
		{"DROP", []pinteresttest.Fault{{Drop: true}}},
		{"truncate", []pinteresttest.Fault{{Truncate: true}}},
		{"html", []pinteresttest.Fault{{Status: 502, Body: html}}},
		{"504+html", []pinteresttest.Fault{{Status: 504, Body: html}}},
		{"malformed", []pinteresttest.Fault{{Body: `{"num_events_received":1,"num_events_processed":`}}},
	}
	for _, tt := range tests {
		got, err := pinteresttest.ParseFaults(tt.script)
		if err != nil {
			t.Errorf("ParseFaults(%q): %v", tt.script, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseFaults(%q) mismatch (-want +got):\n%s", tt.script, diff)
		}
	}
}

func TestParseFaultsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ script, want string }{
		{"503,,ok", `step 2 "": empty step`},
		{"99", "status 99 is not from 200 to 599"},
		{"600", "status 600 is not from 200 to 599"},
		{"teapot", `unknown word "teapot"`},
		{"503*0", "repeat count must be an integer from 1 to 10000"},
		{"503*x", "repeat count"},
		{"delay=soon", "delay=soon is not a duration"},
		{"delay=-1s", "delay=-1s is not a duration"},
		{"code=x", "code=x is not an integer"},
		{"retry-after=", "retry-after needs a value"},
		{"colour=red", `unknown word "colour=red"`},
		{"html+malformed", "exclude each other"},
	}
	for _, tt := range tests {
		got, err := pinteresttest.ParseFaults(tt.script)
		if err == nil {
			t.Errorf("ParseFaults(%q) = %v, want an error", tt.script, got)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "pinteresttest: fault script step ") {
			t.Errorf("ParseFaults(%q) error = %q, want it to contain %q", tt.script, err, tt.want)
		}
	}
}

// A parsed script drives the server: two 503s, then the normal answer.
func TestParseFaultsEnqueue(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []pinteresttest.Request
	srv := pinteresttest.NewServerT(t, fixedClock(), pinteresttest.WithObserver(func(r pinteresttest.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
	}))
	faults, err := pinteresttest.ParseFaults("503*2,ok")
	if err != nil {
		t.Fatal(err)
	}
	srv.Enqueue(faults...)
	var statuses []int
	for i := range 3 {
		statuses = append(statuses, post(t, srv, validEvent("e"+string(rune('1'+i)))).Status)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	// The observer saw every request with its outcome, the same as Requests.
	if diff := cmp.Diff(srv.Requests(), seen); diff != "" {
		t.Errorf("observed requests differ from Requests() (-Requests +observed):\n%s", diff)
	}
	if len(seen) == 3 && (seen[2].Status != 200 || len(seen[2].Results) != 1 || seen[2].Results[0].Status != "processed") {
		t.Errorf("third request observed as %+v", seen[2])
	}
}

func TestWithAddress(t *testing.T) {
	t.Parallel()
	srv := pinteresttest.NewServerT(t, fixedClock(), pinteresttest.WithAddress("127.0.0.1:0"))
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q", srv.URL)
	}
	if got := post(t, srv, validEvent("e1")); got.Status != 200 {
		t.Errorf("status = %d", got.Status)
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:80", "example.com:80", "127.0.0.1", "127.0.0.1:99999"} {
		msg := panicText(func() { pinteresttest.NewServer(pinteresttest.WithAddress(addr)).Close() })
		if !strings.HasPrefix(msg, "pinteresttest: WithAddress: ") {
			t.Errorf("WithAddress(%q): panic %q, want a WithAddress error", addr, msg)
		}
	}
}

// panicText runs f and returns the text of its panic, "" if none.
func panicText(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
