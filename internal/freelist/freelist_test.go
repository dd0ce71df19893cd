package freelist

import (
	"sync"
	"testing"
)

func TestListReusesBuffers(t *testing.T) {
	l := New(2, 16, 1024)
	a, b, c := l.Get(), l.Get(), l.Get()
	if cap(*a) != 16 || len(*a) != 0 {
		t.Fatalf("new buffer: len %d cap %d, want 0 16", len(*a), cap(*a))
	}
	*a = append(*a, make([]byte, 100)...) // grown: kept with its new capacity
	l.Put(a)
	l.Put(b)
	l.Put(c) // beyond the list's size: dropped
	if l.Len() != 2 {
		t.Fatalf("kept %d buffers, want 2", l.Len())
	}
	got := []*[]byte{l.Get(), l.Get()}
	if got[0] != b || got[1] != a {
		t.Errorf("Get returned other buffers than the ones put")
	}
	if len(*got[1]) != 0 || cap(*got[1]) < 100 {
		t.Errorf("reused buffer: len %d cap %d, want 0 and >= 100", len(*got[1]), cap(*got[1]))
	}
	if p := l.Get(); p == a || p == b {
		t.Errorf("an empty list returned a buffer still in use")
	}
}

func TestListDropsLargeBuffers(t *testing.T) {
	l := New(2, 16, 1024)
	big := make([]byte, 0, 2048)
	l.Put(&big)
	l.Put(nil)
	if l.Len() != 0 {
		t.Errorf("kept %d buffers, want none", l.Len())
	}
}

func TestListConcurrent(t *testing.T) {
	l := New(4, 16, 1024)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				p := l.Get()
				if len(*p) != 0 {
					t.Error("Get returned a buffer that is not empty")
					return
				}
				*p = append(*p, byte(g))
				l.Put(p)
			}
		}()
	}
	wg.Wait()
	if n := l.Len(); n < 1 || n > 4 {
		t.Errorf("kept %d buffers, want 1 to 4", n)
	}
}
