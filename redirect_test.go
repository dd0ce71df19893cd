package pinterest_test

// Redirects: the client never follows one, so neither the token nor the
// events go anywhere but the configured URL, and a 3xx never passes for
// "processed". Helpers are prefixed with "redirect".

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// redirectTarget is where a hostile endpoint redirects to: a plain-http
// loopback server that records what reaches it and answers 200 "processed"
// for one event to anything, as a look-alike would.
type redirectTarget struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // method, and whether an Authorization header and a body came
}

func redirectNewTarget(t *testing.T) *redirectTarget {
	rt := &redirectTarget{}
	rt.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		rt.mu.Lock()
		rt.seen = append(rt.seen, r.Method+" auth="+boolStr(r.Header.Get("Authorization") != "")+" body="+boolStr(n > 0))
		rt.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"num_events_received":1,"num_events_processed":1,"events":[{"status":"processed","error_message":null,"warning_message":null}]}`))
	}))
	t.Cleanup(rt.Close)
	return rt
}

func boolStr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (rt *redirectTarget) requests() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.seen...)
}

// redirectTo answers every request with status and a Location on target.
func redirectTo(status int, target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.Path, status)
	})
}

func redirectEvent() *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1").
		User(pinterest.NewUserData().Email("jane@example.com"))
}

func TestRedirectNeverFollowed(t *testing.T) {
	statuses := []int{
		http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect,
	}
	for _, st := range statuses {
		for _, mode := range []string{"own client", "WithHTTPClient"} {
			t.Run(http.StatusText(st)+"/"+mode, func(t *testing.T) {
				target := redirectNewTarget(t)
				var opts []pinterest.Option
				var base string
				var userClient *http.Client
				if mode == "own client" {
					src := httptest.NewServer(redirectTo(st, target.URL))
					t.Cleanup(src.Close)
					base = src.URL
				} else {
					// https, redirecting to http:// on the same host: the
					// downgrade Go's client would follow with the token.
					src := httptest.NewTLSServer(redirectTo(st, target.URL))
					t.Cleanup(src.Close)
					base = src.URL
					userClient = src.Client()
					opts = append(opts, pinterest.WithHTTPClient(userClient))
				}
				opts = append(opts, pinterest.WithBaseURL(base), pinterest.WithoutRateLimit(),
					pinterest.WithRetry(pinterest.RetryPolicy{InitialInterval: time.Millisecond, MaxInterval: time.Millisecond}))
				c, err := pinterest.NewClient("secret-token", opts...)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				res, err := c.Send(ctx, "549755885175", redirectEvent())
				if got := target.requests(); len(got) != 0 {
					t.Errorf("the redirect was followed: the target got %q", got)
				}
				if err == nil {
					t.Fatalf("Send succeeded through a %d redirect", st)
				}
				r := res.Results[0]
				var apiErr *pinterest.APIError
				if r.OK() || !errors.As(r.Err, &apiErr) || apiErr.StatusCode != st {
					t.Fatalf("result = %v, %v; want failed with an *APIError of status %d", r.Status, r.Err, st)
				}
				if !strings.Contains(apiErr.Message, "redirect") {
					t.Errorf("APIError message %q does not say a redirect was refused", apiErr.Message)
				}
				if r.Attempts != 1 {
					t.Errorf("Attempts = %d, want 1: a redirect is not retried", r.Attempts)
				}
				if userClient != nil && userClient.CheckRedirect != nil {
					t.Error("NewClient changed the CheckRedirect of the client given to WithHTTPClient")
				}
			})
		}
	}
}
