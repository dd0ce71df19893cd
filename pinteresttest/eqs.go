package pinteresttest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// The Event Quality Score endpoint, GET /v5/ad_accounts/{id}/conversion_eqs
// (operation conversion_eqs/list of API 5.23).

// The enums of the endpoint's query parameters in API 5.23.
var (
	eqsLookbacks        = []string{"1d", "14d"}
	eqsSourcePlatforms  = []string{"WEB", "MOBILE", "MOBILE_ANDROID", "MOBILE_IOS", "OFFLINE", "PINTEREST_WEB", "PINTEREST_ANDROID", "PINTEREST_IOS", "POINT_OF_SALE"}
	eqsIngestionSources = []string{"TAG", "MMP", "FILE_UPLOAD", "CONVERSIONS_API", "NATIVE"}
)

// eqsPath parses "/v5/ad_accounts/{id}/conversion_eqs".
func eqsPath(p string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/v5/ad_accounts/")
	if !ok {
		return "", false
	}
	id, ok = strings.CutSuffix(rest, "/conversion_eqs")
	return id, ok && !strings.Contains(id, "/")
}

// WithOAuthToken sets the OAuth access token (scope ads:read) that the Event
// Quality Score endpoint accepts; any other token, such as the conversion
// token of WithToken, is answered 401 there, as Pinterest refuses conversion
// tokens on endpoints that need OAuth. The events endpoint accepts this token
// too (an OAuth token with ads:write may send events). Without this option
// the endpoint accepts the same tokens as the events endpoint. The token
// must not be empty.
func WithOAuthToken(token string) Option {
	return optionFunc(func(c *config) error {
		if token == "" {
			return errors.New("pinteresttest: WithOAuthToken: the token must not be empty")
		}
		c.oauthToken = token
		return nil
	})
}

// SetEventQualityScores sets the answer of the Event Quality Score endpoint:
// answer is encoded with encoding/json at once, and must encode to a JSON
// array (a []pinterest.EventQualityScore, a []map[string]any, a
// json.RawMessage...). Fields the spec does not know are sent as given, to
// test how clients treat them. Until it is called the endpoint answers [].
// SetEventQualityScores panics if answer does not encode to an array; use
// Enqueue with a Fault Body to send an answer that is not JSON.
func (s *Server) SetEventQualityScores(answer any) {
	b, err := json.Marshal(answer)
	if err != nil {
		panic("pinteresttest: SetEventQualityScores: " + err.Error())
	}
	var arr []json.RawMessage
	if json.Unmarshal(b, &arr) != nil || arr == nil {
		panic("pinteresttest: SetEventQualityScores: the answer must be a JSON array")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eqs = b
}

// processEQS answers the Event Quality Score endpoint: it checks the method,
// the ad account, the token and the query as the spec says, then answers
// the array set by SetEventQualityScores.
func (s *Server) processEQS(r *http.Request, info reqInfo) *answer {
	if a := s.checkAccess(r, info, http.MethodGet); a != nil {
		return a
	}
	if msg := checkEQSQuery(r.URL.Query()); msg != "" {
		return errorAnswer(http.StatusBadRequest, 0, "Invalid request: "+msg)
	}
	s.mu.Lock()
	body := s.eqs
	s.mu.Unlock()
	if body == nil {
		body = []byte("[]")
	}
	return &answer{status: http.StatusOK, contentType: jsonType, body: body}
}

// eqsAuthorized checks the token for the endpoint.
func (s *Server) eqsAuthorized(r *http.Request) bool {
	tok, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return false
	}
	want := s.cfg.oauthToken
	if want == "" {
		want = s.cfg.token
	}
	return want == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(want)) == 1
}

// checkEQSQuery checks the query against the spec's parameters: a required
// lookback_period and two optional filters, each once and from its enum,
// nothing else.
func checkEQSQuery(q url.Values) string {
	allowed := map[string][]string{
		"lookback_period":  eqsLookbacks,
		"source_platform":  eqsSourcePlatforms,
		"ingestion_source": eqsIngestionSources,
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		enum, ok := allowed[k]
		switch {
		case !ok:
			return "unknown query parameter " + quote(k)
		case len(q[k]) != 1:
			return "query parameter " + k + " given more than once"
		case !slices.Contains(enum, q[k][0]):
			return "query parameter " + k + " must be one of " + quoteList(enum)
		}
	}
	if _, ok := q["lookback_period"]; !ok {
		return "query parameter lookback_period is required"
	}
	return ""
}
