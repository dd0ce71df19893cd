package convert

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// DateOrder is how a numeric date with slashes, dots or dashes and the year
// last is read.
type DateOrder int

// Date orders.
const (
	MDY DateOrder = iota // 08/14/2012, Pinterest's and the US order (the default)
	DMY                  // 14/08/2012, 14.08.2012
	YMD                  // 2012/08/14 (dates that start with a 4-digit year are always read so)
)

// ParseDateOrder reads a --date-order value.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(s) {
	case "mdy", "":
		return MDY, nil
	case "dmy":
		return DMY, nil
	case "ymd":
		return YMD, nil
	}
	return MDY, errors.New("--date-order: want mdy, dmy or ymd")
}

// String returns the --date-order spelling: mdy, dmy or ymd.
func (o DateOrder) String() string {
	return [...]string{"mdy", "dmy", "ymd"}[o]
}

// errTimeForm is the reason given for a time that cannot be read; it never
// contains the value.
var errTimeForm = errors.New("not a time: want Unix seconds or milliseconds, RFC 3339, 2006-01-02 15:04:05, 08/14/2012 or 08/14/2012 5:01:54 PM")

// ParseTime reads an event time as conversion files write it: Unix seconds or
// milliseconds (also with a fraction), RFC 3339 and its common variants
// (2006-01-02T15:04:05Z, 2006-01-02 15:04:05, 2019-08-14T12:32:42+0700,
// offsets +07, +0700 or +07:00, a trailing UTC or GMT), YYYYMMDD, and numeric
// dates in the given order with an optional time of day (08/14/2012,
// 08/14/2012 5:01:54 PM, 14.08.2012 17:01). Times without an offset are in loc.
func ParseTime(s string, loc *time.Location, order DateOrder) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty")
	}
	if t, ok, err := parseUnix(s); ok {
		return t, err
	}
	p := parser{s: s}
	y, m, d, err := p.date(order)
	if err != nil {
		return time.Time{}, err
	}
	var hh, mm, ss, ns int
	if p.more() {
		if c := p.peek(); c == 'T' || c == 't' || c == ' ' || c == ',' {
			p.skipSeps()
			if hh, mm, ss, ns, err = p.clock(); err != nil {
				return time.Time{}, err
			}
		} else {
			return time.Time{}, errTimeForm
		}
	}
	zone, err := p.zone()
	if err != nil {
		return time.Time{}, err
	}
	if p.more() {
		return time.Time{}, errTimeForm
	}
	if zone != nil {
		loc = zone
	}
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(y, time.Month(m), d, hh, mm, ss, ns, loc), nil
}

// parseUnix reads all-digit times: Unix seconds (up to 11 digits),
// milliseconds (12 or 13), microseconds (16), with an optional fraction. Eight
// digits that make a valid date are YYYYMMDD instead. ok is false when s is not
// all digits.
func parseUnix(s string) (t time.Time, ok bool, err error) {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if !digits(intPart) || (hasFrac && !digits(frac)) {
		return time.Time{}, false, nil
	}
	if len(intPart) == 8 && !hasFrac {
		y, _ := strconv.Atoi(intPart[:4])
		m, _ := strconv.Atoi(intPart[4:6])
		d, _ := strconv.Atoi(intPart[6:])
		if y >= 1900 && validDate(y, m, d) {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true, nil
		}
	}
	n, perr := strconv.ParseInt(intPart, 10, 64)
	if perr != nil {
		return time.Time{}, true, errTimeForm
	}
	var unit time.Duration
	switch l := len(intPart); {
	case l <= 11:
		unit = time.Second
	case l <= 13:
		unit = time.Millisecond
	case l <= 16:
		unit = time.Microsecond
	default:
		return time.Time{}, true, errTimeForm
	}
	t = time.Unix(0, 0).Add(time.Duration(n) * unit)
	if hasFrac && frac != "" {
		f, _ := strconv.ParseFloat("0."+frac, 64)
		t = t.Add(time.Duration(f * float64(unit)))
	}
	return t.UTC(), true, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type parser struct {
	s string
	i int
}

func (p *parser) more() bool { return p.i < len(p.s) }
func (p *parser) peek() byte { return p.s[p.i] }

// num reads 1 to max digits.
func (p *parser) num(max int) (n, width int) {
	for p.i < len(p.s) && width < max && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		n = n*10 + int(p.s[p.i]-'0')
		p.i++
		width++
	}
	return n, width
}

func (p *parser) skipSeps() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == 'T' || p.s[p.i] == 't' || p.s[p.i] == ',') {
		p.i++
	}
}

// date reads Y-M-D with a four-digit year first, or a numeric date in order.
func (p *parser) date(order DateOrder) (y, m, d int, err error) {
	a, wa := p.num(4)
	if wa == 0 || !p.more() {
		return 0, 0, 0, errTimeForm
	}
	sep := p.peek()
	if sep != '-' && sep != '/' && sep != '.' {
		return 0, 0, 0, errTimeForm
	}
	p.i++
	b, wb := p.num(2)
	if wb == 0 || !p.more() || p.peek() != sep {
		return 0, 0, 0, errTimeForm
	}
	p.i++
	c, wc := p.num(4)
	if wc == 0 {
		return 0, 0, 0, errTimeForm
	}
	switch {
	case wa == 4:
		if wc > 2 {
			return 0, 0, 0, errTimeForm
		}
		y, m, d = a, b, c
	case wc == 4 || wc == 2:
		if wa > 2 {
			return 0, 0, 0, errTimeForm
		}
		y = c
		if wc == 2 {
			y += 2000
		}
		switch order {
		case DMY:
			d, m = a, b
		case YMD:
			if wc == 2 { // yy/mm/dd
				y, m, d = 2000+a, b, c
			} else {
				return 0, 0, 0, errors.New("not a time: the year comes last, but --date-order is ymd")
			}
		default:
			m, d = a, b
		}
	default:
		return 0, 0, 0, errTimeForm
	}
	if m > 12 && d <= 12 && order != YMD {
		return 0, 0, 0, errors.New("not a time: month out of range with --date-order " + order.String() + " (is the file day-first? try --date-order dmy)")
	}
	if !validDate(y, m, d) {
		return 0, 0, 0, errors.New("not a time: no such date")
	}
	return y, m, d, nil
}

// clock reads H[H]:MM[:SS[.fraction]] with an optional AM or PM.
func (p *parser) clock() (hh, mm, ss, ns int, err error) {
	hh, wh := p.num(2)
	if wh == 0 || !p.more() || p.peek() != ':' {
		return 0, 0, 0, 0, errTimeForm
	}
	p.i++
	mm, wm := p.num(2)
	if wm != 2 {
		return 0, 0, 0, 0, errTimeForm
	}
	if p.more() && p.peek() == ':' {
		p.i++
		var ws int
		if ss, ws = p.num(2); ws != 2 {
			return 0, 0, 0, 0, errTimeForm
		}
		if p.more() && (p.peek() == '.' || p.peek() == ',') {
			p.i++
			frac, wf := p.num(9)
			if wf == 0 {
				return 0, 0, 0, 0, errTimeForm
			}
			for p.more() && p.peek() >= '0' && p.peek() <= '9' { // digits beyond nanoseconds
				p.i++
			}
			for ; wf < 9; wf++ {
				frac *= 10
			}
			ns = frac
		}
	}
	// AM / PM, with or without a space before it.
	rest := p.s[p.i:]
	trimmed := strings.TrimLeft(rest, " ")
	if len(trimmed) >= 2 {
		switch strings.ToUpper(trimmed[:2]) {
		case "AM", "PM":
			pm := strings.ToUpper(trimmed[:2]) == "PM"
			if hh < 1 || hh > 12 {
				return 0, 0, 0, 0, errors.New("not a time: hour out of range for AM/PM")
			}
			if hh == 12 {
				hh = 0
			}
			if pm {
				hh += 12
			}
			p.i += len(rest) - len(trimmed) + 2
		}
	}
	if hh > 23 || mm > 59 || ss > 60 {
		return 0, 0, 0, 0, errors.New("not a time: time of day out of range")
	}
	return hh, mm, ss, ns, nil
}

// zone reads Z, an offset (+07, +0700, +07:00) or a trailing UTC or GMT
// (optionally with an offset: "GMT+2" is not read: it is too often
// reversed). It returns nil when there is none.
func (p *parser) zone() (*time.Location, error) {
	start := p.i
	for p.more() && p.peek() == ' ' {
		p.i++
	}
	if !p.more() {
		p.i = start
		return nil, nil
	}
	rest := p.s[p.i:]
	switch {
	case rest == "Z" || rest == "z" || strings.EqualFold(rest, "UTC") || strings.EqualFold(rest, "GMT"):
		p.i = len(p.s)
		return time.UTC, nil
	case rest[0] == '+' || rest[0] == '-':
		sign := 1
		if rest[0] == '-' {
			sign = -1
		}
		p.i++
		h, wh := p.num(2)
		if wh != 2 {
			return nil, errTimeForm
		}
		var m int
		if p.more() && p.peek() == ':' {
			p.i++
		}
		if p.more() {
			var wm int
			if m, wm = p.num(2); wm != 2 {
				return nil, errTimeForm
			}
		}
		if h > 14 || m > 59 {
			return nil, errors.New("not a time: offset out of range")
		}
		off := sign * (h*3600 + m*60)
		if off == 0 {
			return time.UTC, nil
		}
		return time.FixedZone("", off), nil
	}
	return nil, errors.New("not a time: unknown time zone (write an offset such as +07:00, or use --time-zone)")
}
