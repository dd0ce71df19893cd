package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

func TestValidate(t *testing.T) {
	at := time.Now().Add(-2 * time.Hour).UTC().Format("2006-01-02 15:04:05")
	content := "E-mail,Phone Number,First Name,Postal Code,Timestamp,Order Total,Notes\n" +
		"jane@example.com,+1 650 555 0100,Jane,94107," + at + ",72.39,x\n" +
		"john@example.com,555,John,10001," + at + ",10,y\n" + // phone dropped
		"nobody,,,," + at + ",1,z\n" // rejected
	f := writeFile(t, "crm.csv", content)
	rj := filepath.Join(t.TempDir(), "rejects.csv")
	r := run(t, tokenEnv(), "", "validate", "--rejects", rj, f)
	if r.code != exitSomeFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`"E-mail" -> em`, `"Phone Number" -> ph`, `"First Name" -> fn`, `"Postal Code" -> zp`,
		`"Timestamp" -> event_time`, `"Order Total" -> value`,
		`note: column "Notes" is not recognized`,
		"Match quality: Poor (2 events)", "3 rows: 2 would be sent, 1 rejected",
		"1  user_data.ph: fewer than 7 digits",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "jane@example.com") {
		t.Error("a value appears in the output")
	}
	want := [][]string{
		{f, "3", "3", outDropped, "user_data.ph", "fewer than 7 digits"},
		{f, "4", "4", outRejected, "user_data", "no e-mail, mobile ad id, or IP address with user agent (dropped: user_data.em: not an e-mail address: needs exactly one @)"},
	}
	if diff := cmp.Diff(want, readRejects(t, rj)); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}
}

// hash prints exactly the events send sends.
func TestHashIsWhatSendSends(t *testing.T) {
	f := writeFile(t, "orders.csv", ordersCSV(20, time.Now().Add(-time.Hour)))
	r := run(t, tokenEnv(), "", "hash", f)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var hashed []pinteresttest.Event
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var ev pinteresttest.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		hashed = append(hashed, ev)
	}
	srv := pinteresttest.NewServerT(t)
	if s := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", f); s.code != 0 {
		t.Fatalf("send: exit %d\n%s", s.code, s.stderr)
	}
	sent := srv.Events()
	byID := func(evs []pinteresttest.Event) {
		sort.Slice(evs, func(i, j int) bool { return evs[i].EventID < evs[j].EventID })
	}
	byID(hashed)
	byID(sent)
	if diff := cmp.Diff(sent, hashed); diff != "" {
		t.Errorf("hash vs send (-sent +hashed):\n%s", diff)
	}
	if len(hashed) != 20 || hashed[0].UserData.Em[0] == "" || strings.Contains(r.stdout, "@example.com") {
		t.Errorf("hashed output: %d events", len(hashed))
	}
}

func TestHashNeedsAdAccount(t *testing.T) {
	f := writeFile(t, "orders.csv", ordersCSV(1, time.Now()))
	r := run(t, map[string]string{}, "", "hash", f)
	if r.code != exitFatal || !strings.Contains(r.stderr, "no ad account") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
}

// Malformed files through the whole command: every row gets one result.
func TestMalformedFiles(t *testing.T) {
	at := time.Now().Add(-time.Hour).Unix()
	row := func(email string) string { return fmt.Sprintf("%s,%d,5", email, at) }
	tests := []struct {
		name     string
		content  string
		code     int
		rows     int
		rejected int
		stderr   string
	}{
		{name: "empty file", content: "", code: exitFatal, stderr: "the file is empty"},
		{name: "header only", content: "email,event_time,value\n", code: exitOK, rows: 0},
		{name: "BOM and CRLF", content: "\xEF\xBB\xBFemail,event_time,value\r\n" + row("a@x.com") + "\r\n" + row("b@x.com") + "\r\n", code: exitOK, rows: 2},
		{name: "semicolons", content: strings.ReplaceAll("email,event_time,value\n"+row("a@x.com")+"\n", ",", ";"), code: exitOK, rows: 1},
		{name: "quoted newline", content: "email,event_time,value,note\n" + row("a@x.com") + ",\"two\nlines\"\n" + row("b@x.com") + ",x\n", code: exitOK, rows: 2},
		{name: "ragged rows", content: "email,event_time,value\n" + row("a@x.com") + ",extra\na@x.com\n" + row("b@x.com") + "\n", code: exitSomeFailed, rows: 3, rejected: 2},
		{name: "bad quotes", content: "email,event_time,value\n" + row("a\"@x.com") + "\n" + row("b@x.com") + "\n", code: exitSomeFailed, rows: 2, rejected: 1},
		{name: "non-UTF-8", content: "email,event_time,value\n" + row("\xff@x.com") + "\n" + row("b@x.com") + "\n", code: exitSomeFailed, rows: 2, rejected: 1},
		{name: "no time column", content: "email,value\na@x.com,5\n", code: exitFatal, stderr: "no column holds the event time"},
		{name: "no identifier column", content: "fn,event_time\nJane,1\n", code: exitFatal, stderr: "no column holds an e-mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pinteresttest.NewServerT(t)
			f := writeFile(t, "in.csv", tt.content)
			r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", f)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if tt.code == exitFatal {
				return
			}
			checkAccounting(t, r.summary)
			if r.summary.Rows != tt.rows || r.summary.Rejected != tt.rejected || len(srv.Events()) != tt.rows-tt.rejected {
				t.Errorf("%+v, server %d events", r.summary, len(srv.Events()))
			}
		})
	}
}

func TestStdinAndJSONL(t *testing.T) {
	at := time.Now().Add(-time.Hour).Unix()
	in := fmt.Sprintf(`{"email":"a@x.com","event_time":%d,"event_name":"AddToCart","custom_data":{"value":"3.50","currency":"EUR"}}`+"\n"+
		`{"user_data":{"em":["b@x.com","c@x.com"]},"event_time":"%d"}`+"\n", at, at)
	srv := pinteresttest.NewServerT(t)
	r := run(t, tokenEnv(), in, "send", "--base-url", srv.URL, "--progress", "none", "-")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	evs := srv.Events()
	sort.Slice(evs, func(i, j int) bool { return len(evs[i].UserData.Em) < len(evs[j].UserData.Em) })
	if len(evs) != 2 || evs[0].EventName != "add_to_cart" || evs[0].CustomData.Value != "3.50" || len(evs[1].UserData.Em) != 2 {
		t.Errorf("%+v", evs)
	}
}

func TestStaleOut(t *testing.T) {
	old := time.Now().Add(-10 * 24 * time.Hour).Unix()
	recent := time.Now().Add(-time.Hour).Unix()
	content := fmt.Sprintf("email,email_2,madid,event_time,value,currency,order_id\n"+
		"a@x.com,b@x.com,,%d,5,USD,o1\n"+
		",,AEBE52E7-03EE-455A-B3C4-E57283966239,%d,6,USD,o2\n"+
		"c@x.com,,,%d,7,USD,o3\n", old, old, recent)
	f := writeFile(t, "in.csv", content)
	stale := filepath.Join(t.TempDir(), "ads-manager.csv")
	srv := pinteresttest.NewServerT(t)
	r := run(t, tokenEnv(), "", "send", "--base-url", srv.URL, "--progress", "none", "--stale-out", stale, f)
	checkAccounting(t, r.summary)
	if r.code != exitSomeFailed || r.summary.Stale != 2 || r.summary.StaleOut != 2 || len(srv.Events()) != 1 {
		t.Fatalf("exit %d %+v\n%s", r.code, r.summary, r.stderr)
	}
	recs := readCSV(t, stale)
	want := [][]string{
		staleColumns,
		{pinterest.HashValue("a@x.com"), pinterest.HashValue("b@x.com"), "", "", "", fmt.Sprint(old), "checkout", "offline", "5", "USD", "o1"},
		{"", "", "", "", pinterest.HashValue("aebe52e7-03ee-455a-b3c4-e57283966239"), fmt.Sprint(old), "checkout", "offline", "6", "USD", "o2"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("stale file (-want +got):\n%s", diff)
	}
}

func TestHelp(t *testing.T) {
	r := run(t, nil, "", "--help")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"pinconv send", "-checkpoint", "Columns recognized", "emailaddress", "postalcode",
		"completeregistration", "physicalstore", "first 32 hex digits of the SHA-256", "130 interrupted"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	r = run(t, nil, "", "validate", "--help")
	if r.code != 0 || strings.Contains(r.stdout, "  -checkpoint string") || !strings.Contains(r.stdout, "Flags of validate") {
		t.Errorf("validate --help: exit %d, shows send's flags", r.code)
	}
}
