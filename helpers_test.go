package pinterest_test

// The helpers every test of the package shares: one ad account, one token,
// one fake server with a client (setup), and valid events (validEvents).

import (
	"fmt"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

const (
	// testAccount is the ad account every test sends to.
	testAccount = "549755885175"
	// testToken is distinctive, so that a leak is found by a plain search.
	testToken = "sEcReT-T0ken-7f3a9c1e5bQZ"
)

// testEnv is a fake server and a client of it.
type testEnv struct {
	srv    *pinteresttest.Server
	client *pinterest.Client
}

// setup starts a fake server, stopped when t ends, and a client of it (see
// newTestClient); opts come last and may override.
func setup(t testing.TB, opts ...pinterest.Option) *testEnv {
	t.Helper()
	srv := pinteresttest.NewServerT(t)
	return &testEnv{srv: srv, client: newTestClient(t, srv, opts...)}
}

// newTestClient returns a client of srv with testToken and without rate
// limiting; opts come last and may override.
func newTestClient(t testing.TB, srv *pinteresttest.Server, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	return newTestClientToken(t, srv, testToken, opts...)
}

// newTestClientToken is newTestClient with another token.
func newTestClientToken(t testing.TB, srv *pinteresttest.Server, token string, opts ...pinterest.Option) *pinterest.Client {
	t.Helper()
	all := []pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithoutRateLimit()}
	c, err := pinterest.NewClient(token, append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// validEvent is a minimal valid web checkout event with this id, which
// happened a minute ago, with an e-mail address of its own.
func validEvent(id string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID(id).
		At(time.Now().Add(-time.Minute)).
		User(pinterest.NewUserData().Email(id + "@example.com"))
}

// validEvents returns n events of validEvent with the ids prefix-00000,
// prefix-00001... (zero-padded, so that they sort in order).
func validEvents(prefix string, n int) []*pinterest.Event {
	evs := make([]*pinterest.Event, n)
	for i := range evs {
		evs[i] = validEvent(fmt.Sprintf("%s-%05d", prefix, i))
	}
	return evs
}

// eventIDs returns the events' ids.
func eventIDs(evs []*pinterest.Event) []string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.EventID()
	}
	return ids
}
