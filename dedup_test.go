package pinterest_test

// De-duplication of user data values is linear, and a field keeps at most
// MaxValuesPerField values, with one warning for the rest.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/capisdk/pinterest"
)

func TestDedupCapPerField(t *testing.T) {
	for _, tt := range []struct {
		name  string
		field pinterest.UserField
		add   func(u *pinterest.UserData, vals []string)
		value func(i int) string
	}{
		{"Email", pinterest.FieldEmail, func(u *pinterest.UserData, v []string) { u.Email(v...) },
			func(i int) string { return fmt.Sprintf("user%d@example.com", i) }},
		{"ExternalID via Add", pinterest.FieldExternalID, func(u *pinterest.UserData, v []string) { u.Add(pinterest.FieldExternalID, v...) },
			func(i int) string { return fmt.Sprint("cust-", i) }},
		{"Hashed", pinterest.FieldPhone, func(u *pinterest.UserData, v []string) { u.Hashed(pinterest.FieldPhone, v...) },
			func(i int) string { return fmt.Sprintf("%064x", i+1) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := pinterest.NewUserData().ClientIP("203.0.113.9")
			var vals []string
			for i := range 150 {
				vals = append(vals, tt.value(i))
			}
			tt.add(u, vals)
			tt.add(u, vals[:10])               // duplicates of kept values: no new warning
			tt.add(u, []string{tt.value(500)}) // past the cap again: no second warning
			if n := u.Count(tt.field); n != pinterest.MaxValuesPerField {
				t.Errorf("Count = %d, want %d", n, pinterest.MaxValuesPerField)
			}
			ws := u.Warnings()
			if len(ws) != 1 {
				t.Fatalf("warnings %v, want exactly one", ws)
			}
			var fe *pinterest.FieldError
			if !errors.As(ws[0], &fe) || fe.Field != "user_data."+string(tt.field) || !strings.Contains(fe.Reason, "100") {
				t.Errorf("warning %v: want a *FieldError on user_data.%s saying 100", ws[0], tt.field)
			}
			if strings.Contains(ws[0].Error(), vals[120]) {
				t.Errorf("warning %v shows a value", ws[0])
			}
			// The first 100 values are the ones kept, in order.
			js, _ := u.MarshalJSON()
			want := pinterest.NewUserData().ClientIP("203.0.113.9")
			tt.add(want, vals[:100])
			wjs, _ := want.MarshalJSON()
			if string(js) != string(wjs) {
				t.Error("the kept values are not the first 100 given")
			}
			if u.Count(pinterest.FieldCity) != 0 || u.Count(pinterest.FieldClientIP) != 1 {
				t.Error("other fields changed")
			}
		})
	}
}

// 100,000 values, many repeated, in one field: de-duplicated exactly, and
// other fields are capped independently.
func TestDedupManyValues(t *testing.T) {
	u := pinterest.NewUserData()
	var vals []string
	for i := range 100_000 {
		vals = append(vals, fmt.Sprintf("u%d@example.com", i%50))
	}
	u.Email(vals...)
	u.ExternalID(vals[:200]...)
	if n := u.Count(pinterest.FieldEmail); n != 50 {
		t.Errorf("em Count = %d, want 50 distinct", n)
	}
	if n := u.Count(pinterest.FieldExternalID); n != 50 {
		t.Errorf("external_id Count = %d, want 50 distinct", n)
	}
	if ws := u.Warnings(); len(ws) != 0 {
		t.Errorf("warnings %v, want none: 50 distinct values are under the cap", ws)
	}
}

// BenchmarkUserDataManyValues adds 100,000 distinct values to one field.
func BenchmarkUserDataManyValues(b *testing.B) {
	vals := make([]string, 100_000)
	for i := range vals {
		vals[i] = fmt.Sprintf("%064x", i+1) // hashes: the benchmark measures de-duplication, not SHA-256
	}
	b.ReportAllocs()
	for b.Loop() {
		pinterest.NewUserData().Hashed(pinterest.FieldEmail, vals...)
	}
}
