package pinterest

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// TestReadBodyIsReadAllOfLimitReader holds readBody to what it replaces, for
// honest and lying Content-Lengths, bodies beyond the limit, short reads and
// read errors, into new and reused buffers.
func TestReadBodyIsReadAllOfLimitReader(t *testing.T) {
	const limit = 100
	errBoom := errors.New("boom")
	body := func(n int) []byte { return bytes.Repeat([]byte("x"), n) }
	tests := []struct {
		name string
		data []byte
		cl   int64
		r    func([]byte) io.Reader
	}{
		{"empty, unknown length", nil, -1, nil},
		{"empty, length 0", nil, 0, nil},
		{"exact length", body(60), 60, nil},
		{"unknown length", body(60), -1, nil},
		{"length too small", body(60), 10, nil},
		{"length too large", body(60), 90, nil},
		{"at the limit", body(limit), limit, nil},
		{"beyond the limit", body(limit + 50), limit + 50, nil},
		{"beyond the limit, unknown length", body(3 * limit), -1, nil},
		{"one byte at a time", body(70), 70, func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
		{"data with EOF", body(70), 70, func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
		{"read error", body(70), 70, func(b []byte) io.Reader {
			return io.MultiReader(bytes.NewReader(b[:30]), iotest.ErrReader(errBoom))
		}},
	}
	for _, tt := range tests {
		for _, buf := range [][]byte{nil, make([]byte, 0, 8), make([]byte, 0, 4*limit), []byte("stale")} {
			mk := tt.r
			if mk == nil {
				mk = func(b []byte) io.Reader { return bytes.NewReader(b) }
			}
			want, wantErr := io.ReadAll(io.LimitReader(mk(tt.data), limit))
			got, gotErr := readBody(mk(tt.data), buf, tt.cl, limit)
			if !errors.Is(gotErr, wantErr) && gotErr != wantErr {
				t.Errorf("%s, buffer cap %d: error %v, want %v", tt.name, cap(buf), gotErr, wantErr)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s, buffer cap %d: body (-want +got):\n%s", tt.name, cap(buf), diff)
			}
		}
	}
}

// TestReadBodySizedByContentLength checks that an announced body is read
// into one buffer, not regrown.
func TestReadBodySizedByContentLength(t *testing.T) {
	data := bytes.Repeat([]byte("y"), 64<<10)
	got, err := readBody(iotest.HalfReader(bytes.NewReader(data)), nil, int64(len(data)), 1<<20)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("readBody: %d bytes, %v", len(got), err)
	}
	if cap(got) != len(data)+1 {
		t.Errorf("buffer capacity %d, want %d (Content-Length + 1)", cap(got), len(data)+1)
	}
	allocs := testing.AllocsPerRun(20, func() {
		buf := got[:0]
		got, _ = readBody(bytes.NewReader(data), buf, int64(len(data)), 1<<20)
	})
	if allocs != 1 { // the bytes.Reader
		t.Errorf("reading into a reused buffer: %v allocations, want 1", allocs)
	}
}
