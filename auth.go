package pinterest

import (
	"errors"
	"strconv"

	"golang.org/x/oauth2"
)

// WithTokenSource authenticates with OAuth access tokens from ts, such as
// the TokenSource of an oauth2.Config for Pinterest's OAuth endpoints, which
// refreshes them as they expire. Tokens are cached until they expire (ts is
// wrapped in oauth2.ReuseTokenSource) and fetched before each request that
// needs one.
//
// With an empty token given to NewClient, every request uses ts: an OAuth
// token with the ads:write scope sends events, and with ads:read it also
// reads the Event Quality Score. With a token given as well (a conversion
// access token made in Ads Manager, say), that token sends the events and ts
// serves the endpoints that need OAuth (EventQualityScores), so one client
// does both.
//
// A failure of ts fails the request; its error says so, without the token
// endpoint's answer, and unwraps to ts's error.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return optionFunc(func(c *config) error {
		if ts == nil {
			return errors.New("pinterest: WithTokenSource: nil token source")
		}
		c.tokenSource = oauth2.ReuseTokenSource(nil, ts)
		return nil
	})
}

// credential holds what authenticates the client. The Client reaches it
// through a closure (Client.cred), so that no fmt verb and no reflection can
// reach a token.
type credential struct {
	header string             // "Bearer <token>" of NewClient's token; "" when none was given
	ts     oauth2.TokenSource // WithTokenSource; nil when none was given
}

// authorization returns the Authorization header of a request. oauth says
// the endpoint needs an OAuth token (the token source is then preferred).
func (c *Client) authorization(oauth bool) (string, error) {
	cr := c.cred()
	if cr.ts == nil || (!oauth && cr.header != "") {
		return cr.header, nil
	}
	tok, err := cr.ts.Token()
	if err != nil {
		return "", &tokenSourceError{err: err}
	}
	if !validToken(tok.AccessToken) {
		return "", errors.New("pinterest: OAuth token source: the access token is empty or has a space or control character")
	}
	return "Bearer " + tok.AccessToken, nil
}

// validToken reports whether a token can go in a header as it is.
func validToken(tok string) bool {
	if tok == "" {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// tokenSourceError is a failure of the token source. Its text keeps the
// status and OAuth error code of a token endpoint's answer, never its body.
type tokenSourceError struct{ err error }

func (e *tokenSourceError) Error() string {
	var re *oauth2.RetrieveError
	if errors.As(e.err, &re) {
		s := "pinterest: OAuth token source: the token endpoint refused"
		if re.Response != nil {
			s += " with status " + strconv.Itoa(re.Response.StatusCode)
		}
		if re.ErrorCode != "" {
			s += " (" + strconv.Quote(re.ErrorCode) + ")"
		}
		return s
	}
	return "pinterest: OAuth token source: " + oneLine(e.err.Error())
}

func (e *tokenSourceError) Unwrap() error { return e.err }
