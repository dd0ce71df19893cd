package pinterest_test

// Tests of Send's arguments: no events, invalid ad account ids, a context
// already done.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// ---------------------------------------------------------------------------
// 5. No events, invalid ad account ids, a context already done.

func TestSendNoEvents(t *testing.T) {
	env := setup(t)
	srv, c := env.srv, env.client
	for _, tc := range []struct {
		name string
		evs  []*pinterest.Event
	}{{"no arguments", nil}, {"empty slice", []*pinterest.Event{}}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.Send(context.Background(), testAccount, tc.evs...)
			if res != nil || !errors.Is(err, pinterest.ErrNoEvents) {
				t.Errorf("Send() = %v, %v; want nil, ErrNoEvents", res, err)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests made, want 0", n)
	}
}

func TestSendInvalidAdAccountID(t *testing.T) {
	for _, id := range []string{"", "abc", "1234567890123456789", "12-3", " 123", "123 ", "١٢٣", "12/../3", "-1"} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			env := setup(t)
			srv, c := env.srv, env.client
			evs := validEvents("acct", 3)
			res, err := c.Send(context.Background(), id, evs...)
			if res == nil || len(res.Results) != 3 {
				t.Fatalf("Send = %v, %v; want 3 results", res, err)
			}
			for i, r := range res.Results {
				var fe *pinterest.FieldError
				if r.OK() || !errors.As(r.Err, &fe) || fe.Field != "ad_account_id" {
					t.Errorf("Results[%d] = %+v, want failed with FieldError ad_account_id", i, r)
				}
			}
			var se *pinterest.SendError
			if !errors.As(err, &se) || se.Failed != 3 || !errors.Is(err, pinterest.ErrInvalidValue) {
				t.Errorf("err = %v, want a *SendError with 3 failed, reaching ErrInvalidValue", err)
			}
			if res.Attempts != 0 || len(srv.Requests()) != 0 {
				t.Errorf("requests made: %d (server saw %d), want 0", res.Attempts, len(srv.Requests()))
			}
		})
	}
	t.Run("18 digits is valid", func(t *testing.T) {
		c := setup(t).client
		evs := validEvents("acct18", 1)
		if res, err := c.Send(context.Background(), "123456789012345678", evs...); err != nil {
			t.Errorf("Send: %v; %s", err, sendFailures(res))
		}
	})
}

// sendErrList is an error of an uncomparable type, as a context cause may be.
type sendErrList []string

func (e sendErrList) Error() string { return "shutdown: " + strings.Join(e, ", ") }

// sendCall runs Send, turning a panic into an error for the test.
func sendCall(ctx context.Context, c *pinterest.Client, evs []*pinterest.Event) (res *pinterest.Response, panicked any, err error) {
	defer func() { panicked = recover() }()
	res, err = c.Send(ctx, testAccount, evs...)
	return res, nil, err
}

func TestSendContextDone(t *testing.T) {
	errShutdown := errors.New("shutting down")
	cases := []struct {
		name  string
		ctx   func() context.Context
		check func(error) bool
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"deadline passed", func() context.Context {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			t.Cleanup(cancel)
			return ctx
		}, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"cancelled with a cause", func() context.Context {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(errShutdown)
			return ctx
		}, func(err error) bool { return errors.Is(err, errShutdown) }},
		{"cancelled with a cause of an uncomparable type", func() context.Context {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(sendErrList{"drain", "stop"})
			return ctx
		}, func(err error) bool { var l sendErrList; return errors.As(err, &l) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t)
			srv, c := env.srv, env.client
			evs := validEvents("ctx", 4)
			evs = append(evs, pinterest.NewEvent(pinterest.EventLead, pinterest.SourceWeb).User(pinterest.NewUserData().Email("a@b.example")))
			res, p, err := sendCall(tc.ctx(), c, evs)
			if p != nil {
				t.Fatalf("Send panicked: %v", p)
			}
			if res == nil || len(res.Results) != len(evs) {
				t.Fatalf("Send = %v, %v; want %d results", res, err, len(evs))
			}
			for i, r := range res.Results[:4] {
				if r.OK() || !tc.check(r.Err) || r.Attempts != 0 {
					t.Errorf("Results[%d] = %+v, want failed with the context's error, 0 attempts", i, r)
				}
			}
			var fe *pinterest.FieldError
			if last := res.Results[4]; !errors.As(last.Err, &fe) || fe.Field != "event_id" {
				t.Errorf("invalid event: err %v, want its own FieldError event_id", last.Err)
			}
			var se *pinterest.SendError
			if !errors.As(err, &se) || se.Failed != len(evs) || !tc.check(err) {
				t.Errorf("err = %v, want a *SendError with %d failed reaching the context's error", err, len(evs))
			}
			if res.Attempts != 0 || len(srv.Requests()) != 0 {
				t.Errorf("requests made: %d (server saw %d), want 0", res.Attempts, len(srv.Requests()))
			}
		})
	}
}
