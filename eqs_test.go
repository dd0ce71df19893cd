package pinterest_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/internal/clock"
	"github.com/capisdk/pinterest/pinteresttest"
)

const (
	eqsAccount = "549755885175"
	oauthToken = "pina_oauth-ads-read"
	convToken  = "conversion-token-secret"
)

// eqsSetup returns a fake that takes convToken for events and oauthToken for
// the Event Quality Score, and a client with tok on a clock that never sleeps.
func eqsSetup(t *testing.T, tok string, opts ...pinterest.Option) (*pinteresttest.Server, *pinterest.Client) {
	t.Helper()
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(convToken), pinteresttest.WithOAuthToken(oauthToken))
	opts = append([]pinterest.Option{pinterest.WithBaseURL(srv.URL), pinterest.WithClock(clock.NewAuto(time.Now()))}, opts...)
	c, err := pinterest.NewClient(tok, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

const eqsAnswer = `[{"ingestion_source":"CONVERSIONS_API","lookback_period":"14d","overall_status":"NEEDS_IMPROVEMENT",` +
	`"source_platform":"WEB","future_field":{"a":1},"quality_components":{` +
	`"hashed_email":{"checkout":{"coverage":87.5,"issues":[{"id":"low_em","name":"Low e-mail coverage","reason":"Add em","severity":"HIGH"}],"trend":"up"}},` +
	`"external_event_id":{"checkout":{"coverage":100,"overlap":42.5}},` +
	`"ip_address":{"page_visit":{"coverage":99}},"phone_number":{"checkout":{"coverage":3}}}}]`

func TestEventQualityScoresTyped(t *testing.T) {
	srv, c := eqsSetup(t, oauthToken)
	srv.SetEventQualityScores(json.RawMessage(eqsAnswer))
	got, err := c.EventQualityScores(context.Background(), eqsAccount, pinterest.EQSQuery{})
	if err != nil {
		t.Fatal(err)
	}
	overlap := 42.5
	want := []pinterest.EventQualityScore{{
		IngestionSource: pinterest.IngestionConversionsAPI,
		LookbackPeriod:  pinterest.Lookback14Days,
		OverallStatus:   pinterest.EQSNeedsImprovement,
		SourcePlatform:  pinterest.PlatformWeb,
		QualityComponents: pinterest.QualityComponents{
			HashedEmail: map[string]pinterest.QualityComponentDetails{"checkout": {
				Coverage: 87.5,
				Issues: []pinterest.QualityComponentIssue{{ID: "low_em", Name: "Low e-mail coverage", Reason: "Add em",
					Unknown: map[string]json.RawMessage{"severity": json.RawMessage(`"HIGH"`)}}},
				Unknown: map[string]json.RawMessage{"trend": json.RawMessage(`"up"`)},
			}},
			ExternalEventID: map[string]pinterest.QualityComponentDetails{"checkout": {Coverage: 100, Overlap: &overlap}},
			IPAddress:       map[string]pinterest.QualityComponentDetails{"page_visit": {Coverage: 99}},
			Unknown:         map[string]json.RawMessage{"phone_number": json.RawMessage(`{"checkout":{"coverage":3}}`)},
		},
		Unknown: map[string]json.RawMessage{"future_field": json.RawMessage(`{"a":1}`)},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
	// Unknown fields survive a round trip.
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var back []pinterest.EventQualityScore
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, back); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Method != "GET" || reqs[0].RawQuery != "lookback_period=14d" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestEventQualityScoresQuery(t *testing.T) {
	tests := []struct {
		q     pinterest.EQSQuery
		query string // sent, or "" when refused locally
		field string // the field the local error names
	}{
		{q: pinterest.EQSQuery{}, query: "lookback_period=14d"},
		{q: pinterest.EQSQuery{Lookback: pinterest.Lookback1Day}, query: "lookback_period=1d"},
		{q: pinterest.EQSQuery{Lookback: pinterest.Lookback14Days, SourcePlatform: pinterest.PlatformPointOfSale, IngestionSource: pinterest.IngestionFileUpload},
			query: "ingestion_source=FILE_UPLOAD&lookback_period=14d&source_platform=POINT_OF_SALE"},
		{q: pinterest.EQSQuery{Lookback: "7d"}, field: "lookback_period"},
		{q: pinterest.EQSQuery{SourcePlatform: "web"}, field: "source_platform"},
		{q: pinterest.EQSQuery{IngestionSource: "TAG&x=1"}, field: "ingestion_source"},
	}
	for _, tt := range tests {
		t.Run(tt.query+tt.field, func(t *testing.T) {
			srv, c := eqsSetup(t, oauthToken)
			_, err := c.EventQualityScores(context.Background(), eqsAccount, tt.q)
			if tt.field != "" {
				var fe *pinterest.FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("error %v, want a *FieldError naming %s", err, tt.field)
				}
				if n := len(srv.Requests()); n != 0 {
					t.Errorf("%d requests made for a refused query", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.Requests()[0].RawQuery; got != tt.query {
				t.Errorf("query %q, want %q", got, tt.query)
			}
		})
	}
	_, c := eqsSetup(t, oauthToken)
	var fe *pinterest.FieldError
	if _, err := c.EventQualityScores(context.Background(), "act-1", pinterest.EQSQuery{}); !errors.As(err, &fe) || fe.Field != "ad_account_id" {
		t.Errorf("bad ad account: %v", err)
	}
}

func TestEventQualityScoresConversionTokenRefused(t *testing.T) {
	srv, c := eqsSetup(t, convToken)
	_, err := c.EventQualityScores(context.Background(), eqsAccount, pinterest.EQSQuery{})
	if !errors.Is(err, pinterest.ErrOAuthRequired) || !errors.Is(err, pinterest.ErrUnauthorized) {
		t.Fatalf("error %v, want ErrOAuthRequired and ErrUnauthorized", err)
	}
	var api *pinterest.APIError
	if !errors.As(err, &api) || api.StatusCode != 401 || api.Code != 2 {
		t.Errorf("APIError %+v", api)
	}
	msg := err.Error()
	for _, w := range []string{"OAuth access token with the ads:read scope", "conversion access token", "WithTokenSource"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
		}
	}
	if strings.Contains(msg, convToken) {
		t.Errorf("error shows the token: %q", msg)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d attempts, want 1 (401 is not retried)", n)
	}
}

func TestEventQualityScoresErrors(t *testing.T) {
	tests := []struct {
		name     string
		faults   []pinteresttest.Fault
		attempts int
		is       error // the error matches it; nil for success
		text     string
	}{
		{name: "not JSON", faults: []pinteresttest.Fault{{Body: "<html>captive portal</html>"}}, attempts: 1,
			is: pinterest.ErrMalformedResponse, text: `pinterest: status 200: answer is not the expected JSON array of EventQualityScore (body starts "<html>captive portal</html>")`},
		{name: "JSON object, not an array", faults: []pinteresttest.Fault{{Body: `{"overall_status":"GOOD"}`}}, attempts: 1,
			is: pinterest.ErrMalformedResponse},
		{name: "JSON null", faults: []pinteresttest.Fault{{Body: `null`}}, attempts: 1, is: pinterest.ErrMalformedResponse},
		{name: "429 then success", faults: []pinteresttest.Fault{{Status: 429, RetryAfter: "1"}}, attempts: 2},
		{name: "503 every time", faults: []pinteresttest.Fault{{Status: 503}, {Status: 503}, {Status: 503}}, attempts: 3,
			is: pinterest.ErrUnavailable, text: "pinterest: gave up after 3 attempts: pinterest: status 503, code 4197"},
		{name: "dropped connection then success", faults: []pinteresttest.Fault{{Drop: true}}, attempts: 2},
		{name: "400 is not retried", faults: []pinteresttest.Fault{{Status: 400, Message: "Invalid parameters."}}, attempts: 1,
			is: pinterest.ErrInvalidRequest, text: "pinterest: status 400, code 4196: Invalid parameters."},
		{name: "403 says what token is needed", faults: []pinteresttest.Fault{{Status: 403}}, attempts: 1, is: pinterest.ErrOAuthRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := eqsSetup(t, oauthToken, pinterest.WithRetry(pinterest.RetryPolicy{MaxAttempts: 3}))
			srv.SetEventQualityScores([]map[string]any{{"overall_status": "GOOD"}})
			srv.Enqueue(tt.faults...)
			got, err := c.EventQualityScores(context.Background(), eqsAccount, pinterest.EQSQuery{Lookback: pinterest.Lookback1Day})
			if n := len(srv.Requests()); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			if tt.is == nil {
				if err != nil || len(got) != 1 || got[0].OverallStatus != pinterest.EQSGood {
					t.Fatalf("got %v, %v", got, err)
				}
				return
			}
			if !errors.Is(err, tt.is) || got != nil {
				t.Fatalf("got %v, error %v; want error matching %v", got, err, tt.is)
			}
			if tt.text != "" && !strings.HasPrefix(err.Error(), tt.text) {
				t.Errorf("error %q, want it to start %q", err, tt.text)
			}
		})
	}
}

func TestEventQualityScoresContext(t *testing.T) {
	srv, c := eqsSetup(t, oauthToken)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.EventQualityScores(ctx, eqsAccount, pinterest.EQSQuery{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests with a cancelled context", n)
	}
}
