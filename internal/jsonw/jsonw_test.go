package jsonw

import (
	"encoding/json"
	"strings"
	"testing"
)

// jsonStrings are inputs whose escaping differs in some way.
var jsonStrings = []string{
	"", "a", "plain ascii text of some length", `"quoted"`, `back\slash`, "<script>&</script>",
	"tab\tnew\nline\rcr", "\x00\x01\x1f\x7f", "é ü 東京 😀", "\u2028\u2029", "bad \xff utf8 \xc3",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)",
	"12345678", "1234567\"", "\"1234567", "1234567<8", strings.Repeat("x", 100) + "&",
}

// TestStringMatchesEncodingJSON: String must give byte for byte what
// encoding/json gives, so that the hand-written encoder is a drop-in.
func TestStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range jsonStrings {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Errorf("String(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := String([]byte("prefix"), s); string(got) != "prefix"+string(want) {
			t.Fatalf("String(%q) = %s, want %s", s, got[6:], want)
		}
	})
}

func TestKeyIntBool(t *testing.T) {
	got := string(Bool(Int(Key(Key([]byte("{"), "a", true), "b", false), -42), true))
	if want := `{"a":,"b":-42true`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func BenchmarkStringUserAgent(b *testing.B) {
	s := jsonStrings[11]
	buf := make([]byte, 0, 256)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf = String(buf[:0], s)
	}
}
