package pinterest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// seqSource hands out its tokens in turn, each already expired, so that
// ReuseTokenSource asks again every time: a refreshing OAuth source.
type seqSource struct {
	mu     sync.Mutex
	tokens []string
	calls  int
	err    error
}

func (s *seqSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.err != nil {
		return nil, s.err
	}
	tok := s.tokens[min(s.calls-1, len(s.tokens)-1)]
	return &oauth2.Token{AccessToken: tok, TokenType: "Bearer", Expiry: time.Now().Add(-time.Minute)}, nil
}

// authRecorder records the Authorization header of each request.
type authRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (a *authRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.seen = append(a.seen, r.URL.Path+" "+r.Header.Get("Authorization"))
	a.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func authEvent(id string) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID(id).
		User(pinterest.NewUserData().Email("jane@example.com"))
}

func TestTokenSourceRefreshesForSend(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(convToken), pinteresttest.WithOAuthToken(oauthToken))
	rec := &authRecorder{}
	src := &seqSource{tokens: []string{"pina_expired", oauthToken}}
	c, err := pinterest.NewClient("", pinterest.WithBaseURL(srv.URL), pinterest.WithTokenSource(src),
		pinterest.WithHTTPClient(&http.Client{Transport: rec}), pinterest.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Send(ctx, eqsAccount, authEvent("1")); !errors.Is(err, pinterest.ErrUnauthorized) {
		t.Fatalf("first Send with the stale token: %v, want ErrUnauthorized", err)
	}
	if _, err := c.Send(ctx, eqsAccount, authEvent("2")); err != nil {
		t.Fatalf("second Send with the refreshed token: %v", err)
	}
	if _, err := c.EventQualityScores(ctx, eqsAccount, pinterest.EQSQuery{}); err != nil {
		t.Fatalf("EventQualityScores: %v", err)
	}
	want := []string{
		"/v5/ad_accounts/" + eqsAccount + "/events Bearer pina_expired",
		"/v5/ad_accounts/" + eqsAccount + "/events Bearer " + oauthToken,
		"/v5/ad_accounts/" + eqsAccount + "/conversion_eqs Bearer " + oauthToken,
	}
	if strings.Join(rec.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("headers sent:\n%s\nwant:\n%s", strings.Join(rec.seen, "\n"), strings.Join(want, "\n"))
	}
}

func TestTokenSourceBesideConversionToken(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(convToken), pinteresttest.WithOAuthToken(oauthToken))
	rec := &authRecorder{}
	c, err := pinterest.NewClient(convToken, pinterest.WithBaseURL(srv.URL),
		pinterest.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: oauthToken})),
		pinterest.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Send(ctx, eqsAccount, authEvent("1")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EventQualityScores(ctx, eqsAccount, pinterest.EQSQuery{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/v5/ad_accounts/" + eqsAccount + "/events Bearer " + convToken,
		"/v5/ad_accounts/" + eqsAccount + "/conversion_eqs Bearer " + oauthToken,
	}
	if strings.Join(rec.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("headers sent:\n%s\nwant:\n%s", strings.Join(rec.seen, "\n"), strings.Join(want, "\n"))
	}
	if s := c.String(); strings.Contains(s, convToken) || strings.Contains(s, oauthToken) {
		t.Errorf("String shows a token: %s", s)
	}
}

func TestTokenSourceFailure(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	refused := &oauth2.RetrieveError{
		Response:  &http.Response{StatusCode: 400},
		Body:      []byte(`{"error":"invalid_grant","refresh_token":"secret-refresh-token"}`),
		ErrorCode: "invalid_grant",
	}
	tests := []struct {
		name string
		src  *seqSource
		text string
	}{
		{"token endpoint refuses", &seqSource{err: refused}, `pinterest: OAuth token source: the token endpoint refused with status 400 ("invalid_grant")`},
		{"other failure", &seqSource{err: errors.New("no network\nsecond line")}, "pinterest: OAuth token source: no network"},
		{"token with a space", &seqSource{tokens: []string{"two words"}}, "pinterest: OAuth token source: the access token is empty or has a space or control character"},
		{"empty token", &seqSource{tokens: []string{""}}, "pinterest: OAuth token source: the access token is empty or has a space or control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := pinterest.NewClient("", pinterest.WithBaseURL(srv.URL), pinterest.WithTokenSource(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			before := len(srv.Requests())
			res, err := c.Send(context.Background(), eqsAccount, authEvent("1"))
			if err == nil || res.Failed != 1 {
				t.Fatalf("Send: %v", err)
			}
			got := res.Results[0].Err.Error()
			if !strings.HasPrefix(got, tt.text) || strings.Contains(got, "secret") || strings.Contains(got, "second line") {
				t.Errorf("error %q, want %q", got, tt.text)
			}
			if tt.src.err != nil && !errors.Is(res.Results[0].Err, tt.src.err) {
				t.Errorf("error %v does not unwrap to the source's", res.Results[0].Err)
			}
			_, err = c.EventQualityScores(context.Background(), eqsAccount, pinterest.EQSQuery{})
			if err == nil || !strings.HasPrefix(err.Error(), tt.text) {
				t.Errorf("EventQualityScores: %v", err)
			}
			if n := len(srv.Requests()) - before; n != 0 {
				t.Errorf("%d requests made without a token", n)
			}
		})
	}
}

func TestNewClientTokenChecks(t *testing.T) {
	for _, tt := range []struct {
		name  string
		token string
		opts  []pinterest.Option
		text  string
	}{
		{"no token at all", "", nil, "pinterest: NewClient: empty token (give a token, or an OAuth token source with WithTokenSource)"},
		{"blank token", "  ", nil, "pinterest: NewClient: empty token (give a token, or an OAuth token source with WithTokenSource)"},
		{"nil source", "", []pinterest.Option{pinterest.WithTokenSource(nil)}, "pinterest: WithTokenSource: nil token source"},
		{"control character", "tok\x01en", nil, "pinterest: NewClient: token has a space or control character"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pinterest.NewClient(tt.token, tt.opts...)
			if err == nil || err.Error() != tt.text {
				t.Errorf("error %v, want %q", err, tt.text)
			}
		})
	}
}
