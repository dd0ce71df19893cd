package pinterest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// LookbackPeriod is the window of days an Event Quality Score covers
// (lookback_period).
type LookbackPeriod string

// The lookback periods of API 5.23.
const (
	Lookback1Day   LookbackPeriod = "1d"
	Lookback14Days LookbackPeriod = "14d"
)

// SourcePlatform is where the events of an Event Quality Score came from
// (source_platform). The constants are the values of API 5.23; newer ones can
// be given as SourcePlatform("NEW_VALUE").
type SourcePlatform string

// The source platforms of API 5.23.
const (
	PlatformWeb              SourcePlatform = "WEB"
	PlatformMobile           SourcePlatform = "MOBILE"
	PlatformMobileAndroid    SourcePlatform = "MOBILE_ANDROID"
	PlatformMobileIOS        SourcePlatform = "MOBILE_IOS"
	PlatformOffline          SourcePlatform = "OFFLINE"
	PlatformPinterestWeb     SourcePlatform = "PINTEREST_WEB"
	PlatformPinterestAndroid SourcePlatform = "PINTEREST_ANDROID"
	PlatformPinterestIOS     SourcePlatform = "PINTEREST_IOS"
	PlatformPointOfSale      SourcePlatform = "POINT_OF_SALE"
)

// IngestionSource is how the events of an Event Quality Score reached
// Pinterest (ingestion_source). The constants are the values of API 5.23.
type IngestionSource string

// The ingestion sources of API 5.23.
const (
	IngestionTag            IngestionSource = "TAG"
	IngestionMMP            IngestionSource = "MMP" // a mobile measurement partner
	IngestionFileUpload     IngestionSource = "FILE_UPLOAD"
	IngestionConversionsAPI IngestionSource = "CONVERSIONS_API"
	IngestionNative         IngestionSource = "NATIVE"
)

// EQSStatus is the overall verdict of an Event Quality Score
// (overall_status).
type EQSStatus string

// The overall statuses of API 5.23.
const (
	EQSNeedsImprovement EQSStatus = "NEEDS_IMPROVEMENT"
	EQSFair             EQSStatus = "FAIR"
	EQSGood             EQSStatus = "GOOD"
)

// EQSQuery selects the Event Quality Scores to fetch. The zero value asks for
// the last 14 days, all platforms and ingestion sources.
type EQSQuery struct {
	Lookback        LookbackPeriod  // Lookback1Day or Lookback14Days; empty means Lookback14Days
	SourcePlatform  SourcePlatform  // only this platform; empty for all
	IngestionSource IngestionSource // only this ingestion source; empty for all
}

// values checks the query and encodes it.
func (q EQSQuery) values() (string, error) {
	v := url.Values{}
	switch q.Lookback {
	case "":
		v.Set("lookback_period", string(Lookback14Days))
	case Lookback1Day, Lookback14Days:
		v.Set("lookback_period", string(q.Lookback))
	default:
		return "", &FieldError{Field: "lookback_period", Reason: "want 1d or 14d"}
	}
	for _, f := range [...]struct{ name, v string }{
		{"source_platform", string(q.SourcePlatform)}, {"ingestion_source", string(q.IngestionSource)},
	} {
		if f.v == "" {
			continue
		}
		if !enumForm(f.v) {
			return "", &FieldError{Field: f.name, Reason: "want upper-case letters, digits and underscores, at most 64"}
		}
		v.Set(f.name, f.v)
	}
	return v.Encode(), nil
}

// enumForm reports whether s looks like one of Pinterest's enum values.
func enumForm(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// EventQualityScore is Pinterest's Event Quality Score of one source
// platform and ingestion source (schema EventQualityScore of API 5.23):
// an overall status and, per quality component, the coverage per event type.
// Fields the SDK does not know are kept in Unknown, raw.
type EventQualityScore struct {
	IngestionSource   IngestionSource   `json:"ingestion_source"`
	LookbackPeriod    LookbackPeriod    `json:"lookback_period"`
	OverallStatus     EQSStatus         `json:"overall_status"`
	QualityComponents QualityComponents `json:"quality_components"`
	SourcePlatform    SourcePlatform    `json:"source_platform"`
	// Unknown holds the fields of the answer this SDK does not know, by name.
	Unknown map[string]json.RawMessage `json:"-"`
}

// QualityComponents are the parts of an Event Quality Score. Each maps an
// event type (such as "checkout") to its details. Components the SDK does
// not know are kept in Unknown, raw.
type QualityComponents struct {
	// User matching identifiers.
	HashedEmail          map[string]QualityComponentDetails `json:"hashed_email,omitempty"`
	IPAddress            map[string]QualityComponentDetails `json:"ip_address,omitempty"`
	UserAgent            map[string]QualityComponentDetails `json:"user_agent,omitempty"`
	ClickIDEpik          map[string]QualityComponentDetails `json:"click_id_epik,omitempty"`
	AdvertiserExternalID map[string]QualityComponentDetails `json:"advertiser_external_id,omitempty"`
	HashedMAID           map[string]QualityComponentDetails `json:"hashed_maid,omitempty"`
	// De-duplication: the event ids, with their Overlap with the Tag's.
	ExternalEventID map[string]QualityComponentDetails `json:"external_event_id,omitempty"`
	// Product and event metadata.
	OrderID    map[string]QualityComponentDetails `json:"order_id,omitempty"`
	OrderValue map[string]QualityComponentDetails `json:"order_value,omitempty"`
	ProductID  map[string]QualityComponentDetails `json:"product_id,omitempty"`
	SourceURL  map[string]QualityComponentDetails `json:"source_url,omitempty"`
	// Unknown holds the components this SDK does not know, by name.
	Unknown map[string]json.RawMessage `json:"-"`
}

// QualityComponentDetails is one component's metrics for one event type.
type QualityComponentDetails struct {
	Coverage float64                 `json:"coverage"`         // coverage percentage
	Issues   []QualityComponentIssue `json:"issues,omitempty"` // issues found, if any
	// Overlap is the overlap percentage, given only for external_event_id.
	Overlap *float64 `json:"overlap,omitempty"`
	// Unknown holds the fields this SDK does not know, by name.
	Unknown map[string]json.RawMessage `json:"-"`
}

// QualityComponentIssue is an issue Pinterest found with a component.
type QualityComponentIssue struct {
	ID     string `json:"id"`     // identifier of the issue check
	Name   string `json:"name"`   // human-readable name
	Reason string `json:"reason"` // detailed reason
	// Unknown holds the fields this SDK does not know, by name.
	Unknown map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the object, keeping unknown fields in Unknown.
func (s *EventQualityScore) UnmarshalJSON(data []byte) error {
	type plain EventQualityScore
	return decodeKeeping(data, (*plain)(s), &s.Unknown,
		"ingestion_source", "lookback_period", "overall_status", "quality_components", "source_platform")
}

// MarshalJSON encodes the object with its Unknown fields.
func (s EventQualityScore) MarshalJSON() ([]byte, error) {
	type plain EventQualityScore
	return encodeKeeping(plain(s), s.Unknown)
}

// UnmarshalJSON decodes the object, keeping unknown components in Unknown.
func (c *QualityComponents) UnmarshalJSON(data []byte) error {
	type plain QualityComponents
	return decodeKeeping(data, (*plain)(c), &c.Unknown,
		"hashed_email", "ip_address", "user_agent", "click_id_epik", "advertiser_external_id",
		"hashed_maid", "external_event_id", "order_id", "order_value", "product_id", "source_url")
}

// MarshalJSON encodes the object with its Unknown components.
func (c QualityComponents) MarshalJSON() ([]byte, error) {
	type plain QualityComponents
	return encodeKeeping(plain(c), c.Unknown)
}

// UnmarshalJSON decodes the object, keeping unknown fields in Unknown.
func (d *QualityComponentDetails) UnmarshalJSON(data []byte) error {
	type plain QualityComponentDetails
	return decodeKeeping(data, (*plain)(d), &d.Unknown, "coverage", "issues", "overlap")
}

// MarshalJSON encodes the object with its Unknown fields.
func (d QualityComponentDetails) MarshalJSON() ([]byte, error) {
	type plain QualityComponentDetails
	return encodeKeeping(plain(d), d.Unknown)
}

// UnmarshalJSON decodes the object, keeping unknown fields in Unknown.
func (i *QualityComponentIssue) UnmarshalJSON(data []byte) error {
	type plain QualityComponentIssue
	return decodeKeeping(data, (*plain)(i), &i.Unknown, "id", "name", "reason")
}

// MarshalJSON encodes the object with its Unknown fields.
func (i QualityComponentIssue) MarshalJSON() ([]byte, error) {
	type plain QualityComponentIssue
	return encodeKeeping(plain(i), i.Unknown)
}

// decodeKeeping decodes an object into v and its fields other than known
// into unknown (nil when there are none).
func decodeKeeping(data []byte, v any, unknown *map[string]json.RawMessage, known ...string) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	for _, k := range known {
		delete(all, k)
	}
	*unknown = nil
	if len(all) > 0 {
		*unknown = all
	}
	return nil
}

// encodeKeeping encodes v, an object, with the fields of unknown added
// (known fields win over unknown ones of the same name).
func encodeKeeping(v any, unknown map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(unknown) == 0 {
		return b, err
	}
	all := make(map[string]json.RawMessage, len(unknown)+8)
	for k, raw := range unknown {
		all[k] = raw
	}
	var own map[string]json.RawMessage
	if err := json.Unmarshal(b, &own); err != nil {
		return nil, err
	}
	for k, raw := range own {
		all[k] = raw
	}
	return json.Marshal(all)
}

// ErrOAuthRequired is matched (with errors.Is) by the error of a call that
// Pinterest refused (401 or 403) on an endpoint that needs an OAuth access
// token with a scope a conversion access token does not have, such as
// EventQualityScores (ads:read). errors.As still reaches the *APIError.
var ErrOAuthRequired = errors.New("pinterest: needs an OAuth access token with the ads:read scope")

// scopeError is a 401 or 403 of an endpoint that needs OAuth.
type scopeError struct {
	op  string
	api *APIError
}

func (e *scopeError) Error() string {
	return "pinterest: " + e.op + ": Pinterest refused the token (status " + strconv.Itoa(e.api.StatusCode) +
		"): it needs an OAuth access token with the ads:read scope; a conversion access token made in Ads Manager " +
		"is not accepted here (give the client an OAuth token source with WithTokenSource)"
}

func (e *scopeError) Unwrap() []error { return []error{ErrOAuthRequired, e.api} }

// EventQualityScores fetches Pinterest's Event Quality Score of the ad
// account (GET /v5/ad_accounts/{ad_account_id}/conversion_eqs): one
// EventQualityScore per source platform and ingestion source, for the
// lookback period and filters of q. It is Pinterest's own view of what
// QualityMeter estimates locally.
//
// It needs an OAuth access token with the ads:read scope: a conversion
// access token is refused, and the error then matches ErrOAuthRequired.
// Errors are as for Send: an *APIError (errors.Is matches ErrRateLimited,
// ErrUnauthorized...) for an answer other than 200, ErrMalformedResponse for
// an answer that is not a JSON array, a *TransportError when Pinterest could
// not be reached, a *FieldError for an invalid ad account id or query. 429,
// 5xx and transport errors are retried as the client's RetryPolicy says. The
// client's rate limiter, which paces the events endpoint, does not apply.
func (c *Client) EventQualityScores(ctx context.Context, adAccountID string, q EQSQuery) ([]EventQualityScore, error) {
	if err := c.ready(); err != nil { // hints.go
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := validAdAccountID(adAccountID); err != nil {
		return nil, err
	}
	query, err := q.values()
	if err != nil {
		return nil, err
	}
	path := "/v5/ad_accounts/" + adAccountID + "/conversion_eqs"
	u := c.endpoint + adAccountID + "/conversion_eqs?" + query
	p := c.cfg.retry
	bo := c.newBackOff()
	clk := c.cfg.clock
	start := clk.Now()
	for attempt := 1; ; attempt++ {
		scores, r := c.getEQS(ctx, u, path, attempt)
		if r.err == nil {
			return scores, nil
		}
		if !r.retry || attempt >= p.MaxAttempts {
			return nil, gaveUp(r.err, attempt, nil)
		}
		wait := bo.NextBackOff()
		if wait == backoff.Stop {
			return nil, gaveUp(r.err, attempt, nil)
		}
		if p.NewBackOff == nil {
			wait = min(wait, p.MaxInterval)
		}
		wait = max(wait, min(r.retryAfter, p.MaxRetryAfter))
		now := clk.Now()
		if now.Add(wait).Sub(start) > p.MaxElapsed {
			return nil, gaveUp(r.err, attempt, nil)
		}
		if d, ok := ctx.Deadline(); ok && !now.Add(wait).Before(d) {
			return nil, gaveUp(r.err, attempt, fmt.Errorf("pinterest: context deadline comes before the next retry: %w", context.DeadlineExceeded))
		}
		if err := sleep(ctx, clk, wait); err != nil {
			return nil, gaveUp(r.err, attempt, err)
		}
	}
}

// gaveUp words the final error of a retried call as Send does.
func gaveUp(last error, attempts int, stop error) error {
	switch {
	case stop != nil:
		return fmt.Errorf("%w (after %d attempts; last failure: %w)", stop, attempts, last)
	case attempts > 1:
		return fmt.Errorf("pinterest: gave up after %d attempts: %w", attempts, last)
	}
	return last
}

// getEQS makes one attempt.
func (c *Client) getEQS(ctx context.Context, u, path string, attempt int) ([]EventQualityScore, attemptResult) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return nil, attemptResult{err: err}
	}
	auth, err := c.authorization(true)
	if err != nil {
		return nil, attemptResult{err: err}
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	begin := c.cfg.clock.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		r := transportFailure(ctx, err, false) // a GET changes nothing: never ambiguous
		c.logGet(ctx, path, attempt, 0, begin, r.err)
		return nil, r
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	scores, r := c.interpretEQS(resp, data, rerr)
	c.logGet(ctx, path, attempt, resp.StatusCode, begin, r.err)
	return scores, r
}

// interpretEQS reads an answer of conversion_eqs.
func (c *Client) interpretEQS(resp *http.Response, data []byte, readErr error) ([]EventQualityScore, attemptResult) {
	st := resp.StatusCode
	if st != http.StatusOK {
		r := c.interpret(resp, data, readErr, 0)
		var api *APIError
		if (st == http.StatusUnauthorized || st == http.StatusForbidden) && errors.As(r.err, &api) {
			r.err = &scopeError{op: "EventQualityScores", api: api}
		}
		return nil, r
	}
	r := attemptResult{status: st}
	if readErr != nil {
		// A cut-short read of an idempotent GET is worth another try.
		r.err = &APIError{StatusCode: st, Message: "answer cut short: " + readErr.Error(), Excerpt: excerpt(data)}
		r.retry = true
		return nil, r
	}
	var scores []EventQualityScore
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '[' || json.Unmarshal(data, &scores) != nil {
		r.err = &APIError{StatusCode: st, Message: "answer is not the expected JSON array of EventQualityScore", Excerpt: excerpt(data)}
		return nil, r
	}
	return scores, r
}

// logGet logs one attempt of a read endpoint, without token or body.
func (c *Client) logGet(ctx context.Context, path string, attempt, status int, begin time.Time, err error) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	l := c.cfg.logger
	if l == nil || !l.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", http.MethodGet),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("duration", c.cfg.clock.Now().Sub(begin)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	l.LogAttrs(ctx, level, "pinterest: request", attrs...)
}
