package checkpoint

import "sort"

// Ranges is a set of row numbers kept as sorted, disjoint, non-adjacent
// half-open ranges [lo, hi). Rows finish mostly in order, so a run of a
// million rows is a handful of ranges.
type Ranges struct{ r [][2]int }

// Add puts rows [lo, hi) in the set.
func (s *Ranges) Add(lo, hi int) {
	if lo >= hi {
		return
	}
	i := sort.Search(len(s.r), func(i int) bool { return s.r[i][1] >= lo }) // first range ending at or after lo
	j := i
	for j < len(s.r) && s.r[j][0] <= hi { // ranges that overlap or touch [lo, hi)
		lo = min(lo, s.r[j][0])
		hi = max(hi, s.r[j][1])
		j++
	}
	if i == j { // nothing to merge with: insert
		s.r = append(s.r, [2]int{})
		copy(s.r[i+1:], s.r[i:])
		s.r[i] = [2]int{lo, hi}
		return
	}
	s.r[i] = [2]int{lo, hi}
	s.r = append(s.r[:i+1], s.r[j:]...)
}

// Remove takes rows [lo, hi) out of the set.
func (s *Ranges) Remove(lo, hi int) {
	if lo >= hi {
		return
	}
	i := sort.Search(len(s.r), func(i int) bool { return s.r[i][1] > lo }) // first range ending after lo
	if i == len(s.r) || s.r[i][0] >= hi {
		return // no overlap
	}
	j := i
	for j < len(s.r) && s.r[j][0] < hi {
		j++
	}
	// s.r[i:j] overlap [lo, hi): keep their parts outside it.
	var keep [2][2]int
	n := 0
	if first := s.r[i]; first[0] < lo {
		keep[n] = [2]int{first[0], lo}
		n++
	}
	if last := s.r[j-1]; last[1] > hi {
		keep[n] = [2]int{hi, last[1]}
		n++
	}
	tail := append([][2]int(nil), s.r[j:]...)
	s.r = append(append(s.r[:i], keep[:n]...), tail...)
}

// Has reports whether row is in the set.
func (s *Ranges) Has(row int) bool {
	i := sort.Search(len(s.r), func(i int) bool { return s.r[i][1] > row })
	return i < len(s.r) && s.r[i][0] <= row
}

// Len returns how many rows the set holds.
func (s *Ranges) Len() int {
	n := 0
	for _, x := range s.r {
		n += x[1] - x[0]
	}
	return n
}

// List returns the ranges as [lo, hi) pairs.
func (s *Ranges) List() [][2]int { return append([][2]int(nil), s.r...) }

// Empty reports whether the set has no row.
func (s *Ranges) Empty() bool { return len(s.r) == 0 }
