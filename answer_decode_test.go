package pinterest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// answerOf is Pinterest's answer for statuses, as it sends it.
func answerOf(statuses ...string) string {
	var b strings.Builder
	b.WriteString(`{"num_events_received":` + itoa(len(statuses)) + `,"num_events_processed":0,"events":[`)
	for i, st := range statuses {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"status":"` + st + `","error_message":"","warning_message":""}`)
	}
	b.WriteString("]}")
	return b.String()
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// answerSeeds are answers in Pinterest's shape and around it: what the
// scanner must decode itself, and what it must leave to encoding/json.
var answerSeeds = []string{
	answerOf("processed"),
	answerOf("processed", "failed", "processed"),
	answerOf(),
	`{"num_events_received":2,"num_events_processed":1,"events":[{"status":"processed","error_message":null,"warning_message":null},{"status":"failed","error_message":"Invalid event_time","warning_message":"unknown field"}]}`,
	" \t\r\n{ \"events\" : [ { \"warning_message\" : \"w\" , \"status\" : \"processed\" } ] , \"num_events_received\" : 1 }\n",
	`{"events":[{}]}`,
	`{}`,
	`{"events":null}`,
	`{"events":[]}`,
	`{"events":[{"status":"processed"}],"extra":1}`,
	`{"Events":[{"Status":"processed"}]}`,
	`{"events":[{"status":"processed","status":"failed"}]}`,
	`{"events":[{"status":"processed"}],"events":[]}`,
	`{"events":[{"status":"pro\"cessed"}]}`,
	`{"events":[{"status":"processed","error_message":"caf\u00e9"}]}`,
	"{\"events\":[{\"status\":\"processed\",\"error_message\":\"café\"}]}",
	"{\"events\":[{\"status\":\"processed\",\"error_message\":\"\xff\"}]}",
	"{\"events\":[{\"status\":\"a\tb\"}]}",
	`{"events":[{"status":null}]}`,
	`{"events":[{"status":1}]}`,
	`{"events":[{"error_message":nul}]}`,
	`{"events":[{"error_message":nullx}]}`,
	`{"num_events_received":01,"events":[]}`,
	`{"num_events_received":-1,"events":[]}`,
	`{"num_events_received":1.0,"events":[]}`,
	`{"num_events_received":1e3,"events":[]}`,
	`{"num_events_received":123456789012345678,"events":[]}`,
	`{"num_events_received":1234567890123456789,"events":[]}`,
	`{"num_events_received":99999999999999999999,"events":[]}`,
	`{"num_events_received":null,"events":[]}`,
	`{"events":[]} x`,
	`{"events":[]}{}`,
	`{"events":[{"status":"processed"},]}`,
	`{"events":[{"status":"processed"}`,
	`{"events":[{"status":"processed",}]}`,
	`{"events":[,]}`,
	`{,}`,
	`{"events"}`,
	`[]`,
	`null`,
	``,
	`{"num_events_received":`,
	`<html>502 Bad Gateway</html>`,
}

// answerCmp compares decoded answers by what the send path reads of them.
var answerCmp = cmpopts.IgnoreUnexported(apiEvents{})

// checkDecode holds decodeEvents to encoding/json on data, for a request of n
// events: same result or both errors; scanEvents never decodes more than n
// statuses; nothing panics.
func checkDecode(t *testing.T, data []byte, n int) (scanned bool) {
	t.Helper()
	var want apiEvents
	wantErr := json.Unmarshal(data, &want)

	var fast apiEvents
	if scanned = scanEvents(data, n, &fast); scanned {
		if wantErr != nil {
			t.Fatalf("%q: scanned, but encoding/json fails: %v", data, wantErr)
		}
		if diff := cmp.Diff(want, fast, answerCmp); diff != "" {
			t.Fatalf("%q: scanned answer differs from encoding/json's (-json +scanned):\n%s", data, diff)
		}
		if len(fast.Events) > n {
			t.Fatalf("%q: scanned %d statuses for %d events", data, len(fast.Events), n)
		}
	}

	var got apiEvents
	gotErr := decodeEvents(data, n, &got)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q: decodeEvents error %v, encoding/json %v", data, gotErr, wantErr)
	}
	if gotErr == nil {
		if diff := cmp.Diff(want, got, answerCmp); diff != "" {
			t.Fatalf("%q: decodeEvents differs from encoding/json (-json +got):\n%s", data, diff)
		}
	}

	// The send path: per-event statuses only for exactly n events.
	r := interpretOK(data, nil, n, secrets{})
	if r.events != nil && len(r.events.Events) != n {
		t.Fatalf("%q: %d statuses reported for %d events", data, len(r.events.Events), n)
	}
	if (r.events == nil) == (r.err == nil) {
		t.Fatalf("%q: interpretOK gave events %v and error %v", data, r.events != nil, r.err)
	}
	return scanned
}

func TestDecodeEventsMatchesEncodingJSON(t *testing.T) {
	for _, s := range answerSeeds {
		for _, n := range []int{0, 1, 2, 3, 1000} {
			checkDecode(t, []byte(s), n)
		}
	}
}

// TestDecodeEventsScansPinterestShape makes sure the fast path is the one
// taken for what Pinterest sends, and left for what it does not understand.
func TestDecodeEventsScansPinterestShape(t *testing.T) {
	tests := []struct {
		data    string
		n       int
		scanned bool
	}{
		{answerOf("processed", "failed"), 2, true},
		{answerSeeds[3], 2, true},
		{answerSeeds[4], 1, true},
		{answerOf("processed", "failed"), 1, false}, // more statuses than events
		{`{"events":[{"status":"pro\"cessed"}]}`, 1, false},
		{"{\"events\":[{\"status\":\"processed\",\"error_message\":\"café\"}]}", 1, false},
		{`{"events":[{"status":"processed"}],"extra":1}`, 1, false},
		{`{"num_events_received":1234567890123456789,"events":[]}`, 0, false},
	}
	for _, tt := range tests {
		if got := checkDecode(t, []byte(tt.data), tt.n); got != tt.scanned {
			t.Errorf("%s for %d events: scanned %v, want %v", tt.data, tt.n, got, tt.scanned)
		}
	}
}

// TestDecodeEventsOutcomes pins how a scanned answer becomes the events'
// results: the same as before the scanner, through encoding/json.
func TestDecodeEventsOutcomes(t *testing.T) {
	data := []byte(`{"num_events_received":3,"num_events_processed":1,"events":[` +
		`{"status":"processed","error_message":null,"warning_message":"w1"},` +
		`{"status":"failed","error_message":"Invalid event_time","warning_message":""},` +
		`{"status":"failed","error_message":null,"warning_message":null}]}`)
	r := interpretOK(data, nil, 3, secrets{})
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("interpretOK: %v, status %d", r.err, r.status)
	}
	ch := chunk{events: make([]*Event, 3), idx: []int{0, 1, 2}}
	results := make([]EventResult, 3)
	outcome{last: r, attempts: 1}.report(ch, results)
	want := []EventResult{
		{Status: StatusProcessed, Warnings: []string{"w1"}, Attempts: 1},
		{Status: StatusFailed, Err: &EventError{Message: "Invalid event_time"}, Attempts: 1},
		{Status: StatusFailed, Err: &EventError{Message: ""}, Attempts: 1},
	}
	if diff := cmp.Diff(want, results, cmp.Comparer(func(a, b error) bool { return a == nil && b == nil || a != nil && b != nil && a.Error() == b.Error() })); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// FuzzDecodeEvents holds decodeEvents to encoding/json on arbitrary bytes.
func FuzzDecodeEvents(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s), uint16(1))
		f.Add([]byte(s), uint16(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		checkDecode(t, data, int(n%1100))
	})
}

// FuzzDecodeEventsShape holds decodeEvents to encoding/json on answers of
// Pinterest's shape, with fuzzed counts, statuses and messages, encoded by
// encoding/json; the scanner must take every one whose texts are plain ASCII.
func FuzzDecodeEventsShape(f *testing.F) {
	f.Add(uint8(3), uint8(3), "processed", "", "", false, false, uint8(0))
	f.Add(uint8(2), uint8(2), "failed", "Invalid event_time", "unknown field", true, true, uint8(1))
	f.Add(uint8(1), uint8(2), "processed", "café", "a\"b", false, true, uint8(2))
	f.Fuzz(func(t *testing.T, events, n uint8, status, errMsg, warn string, nullErr, nullWarn bool, spacing uint8) {
		type item struct {
			Status         string  `json:"status"`
			ErrorMessage   *string `json:"error_message"`
			WarningMessage *string `json:"warning_message"`
		}
		var body struct {
			Received  int    `json:"num_events_received"`
			Processed int    `json:"num_events_processed"`
			Events    []item `json:"events"`
		}
		body.Received, body.Processed = int(events), int(events)/2
		body.Events = make([]item, events)
		for i := range body.Events {
			it := item{Status: status, ErrorMessage: &errMsg, WarningMessage: &warn}
			if nullErr && i%2 == 0 {
				it.ErrorMessage = nil
			}
			if nullWarn && i%3 == 0 {
				it.WarningMessage = nil
			}
			body.Events[i] = it
		}
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		if spacing%2 == 1 {
			indented, err := json.MarshalIndent(body, " ", "\t")
			if err != nil {
				t.Fatal(err)
			}
			data = append(append([]byte("\r\n"), indented...), ' ')
		}
		scanned := checkDecode(t, data, int(n))
		plain := func(s string) bool {
			for i := 0; i < len(s); i++ {
				if c := s[i]; c < 0x20 || c >= 0x80 || strings.IndexByte(`"\<>&`, c) >= 0 {
					return false
				}
			}
			return true
		}
		texts := plain(status) && (plain(errMsg) || nullErr && events == 1) && (plain(warn) || nullWarn && events == 1)
		if want := events <= n && (events == 0 || texts); scanned != want {
			t.Fatalf("%s for %d events: scanned %v, want %v", data, n, scanned, want)
		}
	})
}
