package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testAccount = "549755885175"

// result is what one run of the command left behind.
type result struct {
	code           int
	stdout, stderr string
	summary        summary
}

// run runs pinconv in-process with args; "-summary" is added to read the
// counts back. env is the whole environment the command sees.
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string { return env[k] },
	}
	sumPath := ""
	if len(args) > 0 && (args[0] == "send" || args[0] == "validate") {
		sumPath = filepath.Join(t.TempDir(), "summary.json")
		args = append(append([]string(nil), args...), "--summary", sumPath)
	}
	r := result{code: a.main(args), stdout: out.String(), stderr: errb.String()}
	if sumPath != "" {
		if b, err := os.ReadFile(sumPath); err == nil {
			if err := json.Unmarshal(b, &r.summary); err != nil {
				t.Fatalf("summary: %v", err)
			}
		}
	}
	return r
}

func tokenEnv() map[string]string {
	return map[string]string{"PINTEREST_TOKEN": "test-token", "PINTEREST_AD_ACCOUNT_ID": testAccount}
}

// writeFile writes content to a new file in a test directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ordersCSV makes n rows of a Meta-style offline file with recent times.
func ordersCSV(n int, at time.Time) string {
	var b strings.Builder
	b.WriteString("email,phone,fn,ln,zip,country,event_name,event_time,value,currency,order_id\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "user%d@example.com,+1 650 555 %04d,Jane,Doe,94107,US,Purchase,%d,%d.99,USD,order-%d\n",
			i, i%10000, at.Add(-time.Duration(i%3600)*time.Second).Unix(), i%500, i)
	}
	return b.String()
}

// checkAccounting asserts that every row got exactly one result.
func checkAccounting(t *testing.T, s summary) {
	t.Helper()
	if got := s.Processed + s.Rejected + s.Failed + s.Unknown; got != s.Rows {
		t.Errorf("rows %d != processed %d + rejected %d + failed %d + unknown %d (= %d)",
			s.Rows, s.Processed, s.Rejected, s.Failed, s.Unknown, got)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
