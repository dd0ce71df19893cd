package pinteresttest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/capisdk/pinterest/pinteresttest"
)

// getEQS makes a GET of the conversion_eqs endpoint and returns the status
// and the body.
func getEQS(t *testing.T, srv *pinteresttest.Server, method, path, query, tok string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path+"?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

const eqsPath = "/v5/ad_accounts/" + account + "/conversion_eqs"

func TestEQSQueryChecks(t *testing.T) {
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(token), pinteresttest.WithOAuthToken("oauth-token"))
	tests := []struct {
		name, method, path, query, tok string
		status                         int
		message                        string
	}{
		{"minimal", "GET", eqsPath, "lookback_period=1d", "oauth-token", 200, ""},
		{"every filter", "GET", eqsPath, "lookback_period=14d&source_platform=POINT_OF_SALE&ingestion_source=CONVERSIONS_API", "oauth-token", 200, ""},
		{"lookback missing", "GET", eqsPath, "source_platform=WEB", "oauth-token", 400, "Invalid request: query parameter lookback_period is required"},
		{"lookback not in the enum", "GET", eqsPath, "lookback_period=7d", "oauth-token", 400, "Invalid request: query parameter lookback_period must be one of '1d', '14d'"},
		{"platform lowercase", "GET", eqsPath, "lookback_period=1d&source_platform=web", "oauth-token", 400, "Invalid request: query parameter source_platform must be one of 'WEB', 'MOBILE', 'MOBILE_ANDROID', 'MOBILE_IOS', 'OFFLINE', 'PINTEREST_WEB', 'PINTEREST_ANDROID', 'PINTEREST_IOS', 'POINT_OF_SALE'"},
		{"ingestion source unknown", "GET", eqsPath, "lookback_period=1d&ingestion_source=API", "oauth-token", 400, "Invalid request: query parameter ingestion_source must be one of 'TAG', 'MMP', 'FILE_UPLOAD', 'CONVERSIONS_API', 'NATIVE'"},
		{"parameter twice", "GET", eqsPath, "lookback_period=1d&lookback_period=14d", "oauth-token", 400, "Invalid request: query parameter lookback_period given more than once"},
		{"unknown parameter", "GET", eqsPath, "lookback_period=1d&test=true", "oauth-token", 400, "Invalid request: unknown query parameter 'test'"},
		{"conversion token refused", "GET", eqsPath, "lookback_period=1d", token, 401, "Authentication failed."},
		{"no token", "GET", eqsPath, "lookback_period=1d", "", 401, "Authentication failed."},
		{"POST", "POST", eqsPath, "lookback_period=1d", "oauth-token", 405, "Method not allowed"},
		{"bad ad account", "GET", "/v5/ad_accounts/12ab/conversion_eqs", "lookback_period=1d", "oauth-token", 404, "Invalid ad account id."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := getEQS(t, srv, tt.method, tt.path, tt.query, tt.tok)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if tt.status == 200 {
				if body != "[]" {
					t.Errorf("default answer %s, want []", body)
				}
				return
			}
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code == 0 {
				t.Fatalf("error body %s (%v)", body, err)
			}
			if e.Message != tt.message {
				t.Errorf("message %q, want %q", e.Message, tt.message)
			}
		})
	}
	reqs := srv.Requests()
	if len(reqs) != len(tests) {
		t.Fatalf("%d requests recorded, want %d", len(reqs), len(tests))
	}
	if r := reqs[0]; r.Method != "GET" || r.AdAccountID != account || r.RawQuery != "lookback_period=1d" || !r.Authorized || r.Status != 200 {
		t.Errorf("recorded %+v", r)
	}
	if reqs[8].Authorized {
		t.Error("the conversion token is recorded as authorized on conversion_eqs")
	}
}

func TestEQSAnswer(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	answer := `[{"ingestion_source":"CONVERSIONS_API","lookback_period":"14d","overall_status":"FAIR","source_platform":"WEB",` +
		`"quality_components":{"hashed_email":{"checkout":{"coverage":87.5,"issues":[{"id":"em_low","name":"Low e-mail coverage","reason":"12% lack"}]}}},"new_field":1}]`
	srv.SetEventQualityScores(json.RawMessage(answer))
	status, body := getEQS(t, srv, "GET", eqsPath, "lookback_period=14d", "any")
	if status != 200 || body != answer {
		t.Errorf("answer %d %s, want 200 %s", status, body, answer)
	}
	srv.SetEventQualityScores([]map[string]any{{"overall_status": "GOOD"}})
	if _, body := getEQS(t, srv, "GET", eqsPath, "lookback_period=14d", "any"); body != `[{"overall_status":"GOOD"}]` {
		t.Errorf("answer %s", body)
	}
	// Faults apply to this endpoint too.
	srv.Enqueue(pinteresttest.Fault{Status: 503}, pinteresttest.Fault{Body: "<html>proxy</html>"})
	if status, _ := getEQS(t, srv, "GET", eqsPath, "lookback_period=14d", "any"); status != 503 {
		t.Errorf("status %d, want 503", status)
	}
	if _, body := getEQS(t, srv, "GET", eqsPath, "lookback_period=14d", "any"); body != "<html>proxy</html>" {
		t.Errorf("body %q", body)
	}
	// The events endpoint is unaffected.
	if got := srv.Events(); len(got) != 0 {
		t.Errorf("events recorded: %v", got)
	}
}

func TestEQSSetAnswerPanics(t *testing.T) {
	srv := pinteresttest.NewServerT(t)
	for _, bad := range []any{map[string]any{"a": 1}, nil, json.RawMessage(`{"x":1}`), make(chan int)} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "SetEventQualityScores") {
					t.Errorf("SetEventQualityScores(%T) did not panic clearly: %v", bad, r)
				}
			}()
			srv.SetEventQualityScores(bad)
		}()
	}
}

func TestEQSTokens(t *testing.T) {
	// Without WithOAuthToken, the endpoint takes the events endpoint's token.
	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken(token))
	if status, _ := getEQS(t, srv, "GET", eqsPath, "lookback_period=1d", token); status != 200 {
		t.Errorf("status %d with the only token", status)
	}
	if status, _ := getEQS(t, srv, "GET", eqsPath, "lookback_period=1d", "other"); status != 401 {
		t.Errorf("status %d with a wrong token", status)
	}
	// With it, the events endpoint takes both tokens.
	srv = pinteresttest.NewServerT(t, pinteresttest.WithToken(token), pinteresttest.WithOAuthToken("oauth"), fixedClock())
	body, _ := json.Marshal(map[string]any{"data": []any{validEvent("1")}})
	for _, tok := range []string{token, "oauth"} {
		req, _ := http.NewRequest("POST", srv.EventsURL(account), strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("events with %s: status %d", tok, resp.StatusCode)
		}
	}
	if n := len(srv.Events()); n != 2 {
		t.Errorf("%d events processed, want 2", n)
	}
	defer func() {
		if recover() == nil {
			t.Error("WithOAuthToken(\"\") did not fail")
		}
	}()
	pinteresttest.NewServer(pinteresttest.WithOAuthToken(""))
}
