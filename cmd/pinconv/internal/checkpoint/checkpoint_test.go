package checkpoint

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRanges(t *testing.T) {
	var s Ranges
	s.Add(5, 7)
	s.Add(1, 2)
	s.Add(2, 3) // touches [1,2): merged
	s.Add(10, 12)
	s.Add(6, 11) // bridges [5,7) and [10,12)
	if diff := cmp.Diff([][2]int{{1, 3}, {5, 12}}, s.List()); diff != "" {
		t.Errorf("after adds (-want +got):\n%s", diff)
	}
	s.Remove(7, 8) // splits
	s.Remove(0, 2) // cuts the front
	s.Remove(11, 20)
	if diff := cmp.Diff([][2]int{{2, 3}, {5, 7}, {8, 11}}, s.List()); diff != "" {
		t.Errorf("after removes (-want +got):\n%s", diff)
	}
	if s.Len() != 6 || !s.Has(5) || s.Has(7) || !s.Has(10) || s.Has(11) {
		t.Errorf("Len %d, Has wrong", s.Len())
	}
}

// Against a plain map, under random adds and removes.
func TestRangesRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var s Ranges
	ref := map[int]bool{}
	for i := 0; i < 5000; i++ {
		lo := rng.Intn(200)
		hi := lo + rng.Intn(10)
		if rng.Intn(3) == 0 {
			s.Remove(lo, hi)
			for r := lo; r < hi; r++ {
				delete(ref, r)
			}
		} else {
			s.Add(lo, hi)
			for r := lo; r < hi; r++ {
				ref[r] = true
			}
		}
	}
	for r := 0; r < 220; r++ {
		if s.Has(r) != ref[r] {
			t.Fatalf("row %d: Has %v, want %v", r, s.Has(r), ref[r])
		}
	}
	if s.Len() != len(ref) {
		t.Errorf("Len %d, want %d", s.Len(), len(ref))
	}
	l := s.List()
	for i := 1; i < len(l); i++ {
		if l[i-1][1] >= l[i][0] {
			t.Fatalf("ranges not disjoint and apart: %v", l[i-1:i+1])
		}
	}
}

func files() []File {
	return []File{{Name: "a.csv", Size: 10, Head: "aa"}, {Name: "b.csv", Size: 20, Head: "bb"}}
}

func states(c *Checkpoint, file, upTo int) map[State][]int {
	m := map[State][]int{}
	for r := 2; r < upTo; r++ {
		s := c.Lookup(file, r)
		m[s] = append(m[s], r)
	}
	return m
}

func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck")
	c, err := Open(path, "1", false, files())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Pending(0, []int{2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	c.Done(0, 2)
	c.Done(0, 4)
	c.Clear(0, 3)
	c.Unknown(0, 5)
	// 6 stays pending: as if the process died with its request in flight.
	if err := c.Pending(1, []int{2}); err != nil { // also writes the results so far
		t.Fatal(err)
	}
	c.Done(1, 2)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	c, err = Open(path, "1", false, files())
	if err != nil {
		t.Fatal(err)
	}
	want := map[State][]int{Done: {2, 4}, Unseen: {3, 7, 8, 9}, Unknown: {5, 6}}
	if diff := cmp.Diff(want, states(c, 0, 10)); diff != "" {
		t.Errorf("file 0 (-want +got):\n%s", diff)
	}
	if c.Lookup(1, 2) != Done {
		t.Errorf("file 1 row 2: %v", c.Lookup(1, 2))
	}
	if d, u := c.Counts(0); d != 2 || u != 2 {
		t.Errorf("Counts %d %d", d, u)
	}
	// A resend of a clear row, then a crash: the row is unknown, never clear.
	if err := c.Pending(0, []int{3}); err != nil {
		t.Fatal(err)
	}
	c.f.Close() // crash: nothing more is written
	c, err = Open(path, "1", false, files())
	if err != nil {
		t.Fatal(err)
	}
	want = map[State][]int{Done: {2, 4}, Unseen: {7, 8, 9}, Unknown: {3, 5, 6}}
	if diff := cmp.Diff(want, states(c, 0, 10)); diff != "" {
		t.Errorf("after the crash (-want +got):\n%s", diff)
	}
	c.Close()
}

func TestTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck")
	c, err := Open(path, "1", false, files())
	if err != nil {
		t.Fatal(err)
	}
	c.Pending(0, []int{2})
	c.Done(0, 2)
	c.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"f":0,"s":"pen`)
	f.Close()
	c, err = Open(path, "1", false, files())
	if err != nil {
		t.Fatalf("torn last line: %v", err)
	}
	if c.Lookup(0, 2) != Done {
		t.Errorf("row 2: %v", c.Lookup(0, 2))
	}
	c.Close()
}

func TestMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck")
	c, err := Open(path, "1", false, files())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	other := files()
	other[1].Size = 21
	for name, open := range map[string]func() error{
		"ad account": func() error { _, err := Open(path, "2", false, files()); return err },
		"test flag":  func() error { _, err := Open(path, "1", true, files()); return err },
		"file":       func() error { _, err := Open(path, "1", false, other); return err },
		"file count": func() error { _, err := Open(path, "1", false, files()[:1]); return err },
	} {
		if err := open(); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: %v, want ErrMismatch", name, err)
		}
	}
	os.WriteFile(path, []byte("hello\n"), 0o600)
	if _, err := Open(path, "1", false, files()); err == nil || errors.Is(err, ErrMismatch) {
		t.Errorf("not a checkpoint: %v", err)
	}
}

func TestIdentify(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.csv")
	os.WriteFile(p, []byte("email\na@x.com\n"), 0o644)
	a, err := Identify(p)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("email\nb@x.com\n"), 0o644) // same size, other content
	b, _ := Identify(p)
	if a.Name != "x.csv" || a.Size != 14 || a == b {
		t.Errorf("%+v %+v", a, b)
	}
}
