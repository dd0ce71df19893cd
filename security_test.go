package pinterest_test

// Security tests: the token, the base URL, the headers, test mode.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

// ---------------------------------------------------------------------------
// 8. Security: the token, the base URL, the headers, test mode.

// sendLogger returns a JSON logger at Debug level writing to buf, without
// timestamps.
func sendLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// sendErrTexts collects the texts of Send's error and every result.
func sendErrTexts(res *pinterest.Response, err error) []string {
	var out []string
	if err != nil {
		out = append(out, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
	}
	if res != nil {
		out = append(out, fmt.Sprintf("%v %+v", res, *res))
		for _, r := range res.Results {
			if r.Err != nil {
				out = append(out, r.Err.Error(), fmt.Sprintf("%+v", r.Err))
			}
			out = append(out, r.Warnings...)
		}
	}
	return out
}

func TestSendSecurity(t *testing.T) {
	t.Run("the token is only in the Authorization header", func(t *testing.T) {
		srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(testToken))
		var logs bytes.Buffer
		c := newTestClient(t, srv, pinterest.WithLogger(sendLogger(&logs)), pinterest.WithMaxEventsPerRequest(2),
			pinterest.WithConcurrency(1), pinterest.WithClock(clock.NewAuto(time.Now())), pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 2}))
		wrongToken := "wrong-" + testToken
		wrong := newTestClientToken(t, srv, wrongToken, pinterest.WithLogger(sendLogger(&logs)))
		srv.Enqueue(pinteresttest.Fault{}, pinteresttest.Fault{Status: 400}, pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Body: "<html>"})
		evs := validEvents("sec", 7)
		evs = append(evs, pinterest.NewEvent("bad!", pinterest.SourceWeb))
		res, err := c.Send(context.Background(), testAccount, evs...)
		texts := sendErrTexts(res, err)
		res2, err2 := wrong.Send(context.Background(), testAccount, evs[:2]...)
		texts = append(texts, sendErrTexts(res2, err2)...)
		if !errors.Is(err2, pinterest.ErrUnauthorized) {
			t.Errorf("wrong token: err %v, want ErrUnauthorized", err2)
		}
		if _, err := pinterest.NewClient("abc "+testToken, pinterest.WithBaseURL(srv.URL)); err == nil {
			t.Errorf("NewClient accepted a token with a space")
		} else {
			texts = append(texts, err.Error())
		}
		texts = append(texts, logs.String(), c.String(), wrong.String(),
			fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v %#v", wrong, wrong, wrong))
		reqs := srv.Requests()
		if len(reqs) < 6 {
			t.Fatalf("server saw %d requests, want at least 6", len(reqs))
		}
		for i, rq := range reqs {
			if (i < len(reqs)-1) != rq.Authorized {
				t.Errorf("request %d: Authorized %v", i, rq.Authorized)
			}
			texts = append(texts, string(rq.Body), rq.Path, rq.RawQuery, fmt.Sprint(rq.Header))
		}
		if logs.Len() == 0 {
			t.Errorf("nothing logged")
		}
		for _, s := range texts {
			for _, tok := range []string{testToken, strings.ToLower(testToken), wrongToken} {
				if strings.Contains(s, tok) {
					t.Errorf("the token appears in: %.300s", s)
				}
			}
		}
	})

	t.Run("base URL", func(t *testing.T) {
		for _, tc := range []struct {
			url string
			ok  bool
		}{
			{"http://example.com", false},
			{"http://example.com:80", false},
			{"http://0.0.0.0:1", false},
			{"http://10.0.0.1:1", false},
			{"http://127.0.0.1.example.com:1", false},
			{"http://localhost.example.com:1", false},
			{"ftp://x", false},
			{"ftp://127.0.0.1", false},
			{"//127.0.0.1:1", false},
			{"127.0.0.1:1", false},
			{"", false},
			{"https://user:pass@example.com", false},
			{"https://example.com?x=1", false},
			{"https://example.com#frag", false},
			{"http://127.0.0.1:1", true},
			{"http://127.9.8.7:1", true},
			{"http://[::1]:1", true},
			{"http://[::ffff:127.0.0.1]:1", true},
			{"http://localhost:1", true},
			{"http://LOCALHOST:1", true},
			{"https://example.com", true},
			{"https://example.com/", true},
			{"https://api.pinterest.com", true},
			{"https://proxy.example/pinterest", true},
		} {
			t.Run(tc.url, func(t *testing.T) {
				_, err := pinterest.NewClient(testToken, pinterest.WithBaseURL(tc.url))
				if (err == nil) != tc.ok {
					t.Errorf("WithBaseURL(%q): err %v, want ok %v", tc.url, err, tc.ok)
				}
				if err != nil && strings.Contains(err.Error(), testToken) {
					t.Errorf("error has the token: %v", err)
				}
			})
		}
	})

	t.Run("headers", func(t *testing.T) {
		for _, tc := range []struct {
			name, product string
		}{{"default", ""}, {"with product", "myshop/1.2"}} {
			t.Run(tc.name, func(t *testing.T) {
				srv := pinteresttest.NewServerT(t)
				var opts []pinterest.Option
				if tc.product != "" {
					opts = append(opts, pinterest.WithUserAgent(tc.product))
				}
				c := newTestClient(t, srv, opts...)
				if _, err := c.Send(context.Background(), testAccount, validEvent("hdr")); err != nil {
					t.Fatal(err)
				}
				rq := srv.Requests()[0]
				sdk := "capisdk-pinterest-go/" + pinterest.Version
				wantPrefix := sdk
				if tc.product != "" {
					wantPrefix = tc.product + " " + sdk
				}
				if !strings.HasPrefix(rq.UserAgent, wantPrefix) {
					t.Errorf("User-Agent %q, want prefix %q", rq.UserAgent, wantPrefix)
				}
				if rq.ContentType != "application/json" {
					t.Errorf("Content-Type %q, want application/json", rq.ContentType)
				}
				if rq.Method != "POST" || rq.Path != "/v5/ad_accounts/"+testAccount+"/events" || rq.RawQuery != "" || rq.Test {
					t.Errorf("request %s %s?%s (test %v), want POST /v5/ad_accounts/%s/events", rq.Method, rq.Path, rq.RawQuery, rq.Test, testAccount)
				}
				if rq.Header.Get("Content-Encoding") != "" {
					t.Errorf("Content-Encoding %q", rq.Header.Get("Content-Encoding"))
				}
			})
		}
		for _, bad := range []string{"a\r\nX-Evil: 1", "a\nb", strings.Repeat("x", 257)} {
			if _, err := pinterest.NewClient(testToken, pinterest.WithUserAgent(bad)); err == nil {
				t.Errorf("WithUserAgent(%.20q) accepted", bad)
			}
		}
	})

	t.Run("test mode", func(t *testing.T) {
		env := setup(t, pinterest.WithTestMode())
		srv, c := env.srv, env.client
		evs := validEvents("testmode", 3)
		res, err := c.Send(context.Background(), testAccount, evs...)
		if err != nil || res.Processed != 3 {
			t.Fatalf("Send: %v; %s", err, sendFailures(res))
		}
		reqs := srv.Requests()
		if len(reqs) != 1 || !reqs[0].Test || reqs[0].RawQuery != "test=true" {
			t.Fatalf("requests %+v, want one with ?test=true", reqs)
		}
		if n := len(srv.Events()); n != 0 {
			t.Errorf("server recorded %d events of a test request", n)
		}
		if !strings.Contains(c.String(), "test=true") {
			t.Errorf("String() = %q does not show test mode", c.String())
		}
	})
}
