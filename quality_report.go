package pinterest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rating is Pinterest's rating of an advertiser's conversion setup
// ("resilience level", shown in the Conversion Health section of Ads Manager).
type Rating string

// The ratings, from worst to best, and the rating of a report with no events.
const (
	RatingUnrated  Rating = "Unrated"   // no event observed yet
	RatingPoor     Rating = "Poor"      // a Good/Fair requirement is not met
	RatingGoodFair Rating = "Good/Fair" // Good/Fair requirements met, Great ones not (or not judged)
	RatingGreat    Rating = "Great"     // every requirement met
)

// ReasonCode names the rule behind a QualityReason.
type ReasonCode string

// The rules of the rating (Pinterest's help article on the API for
// Conversions, "Resilience levels", as this SDK reads it).
const (
	// ReasonNoEvents: nothing was observed, so nothing can be rated.
	ReasonNoEvents ReasonCode = "no_events"
	// ReasonIPUserAgent: Good/Fair needs the client IP address together with
	// the user agent on 100% of all events. One reason per event name that
	// lacks them.
	ReasonIPUserAgent ReasonCode = "ip_ua_coverage"
	// ReasonCheckoutEmailOrMAID: Good/Fair needs an e-mail or a mobile ad id on
	// every checkout event.
	ReasonCheckoutEmailOrMAID ReasonCode = "checkout_em_or_maid"
	// ReasonNoCheckout: no checkout event was observed, so the checkout rule
	// cannot be judged and the rating goes no higher than Good/Fair.
	ReasonNoCheckout ReasonCode = "no_checkout"
	// ReasonMissingID: Great needs every medium and low priority id
	// (external_id, fn with ln, click_id, ph, ge, db, ct, st, zp, country) on
	// at least one event. One reason per id no event carried.
	ReasonMissingID ReasonCode = "missing_id"
)

// QualityReason is one thing that holds a rating back.
type QualityReason struct {
	Code ReasonCode `json:"code"`
	// Blocks is the rating the reason stands in the way of: RatingGoodFair
	// for a reason that makes the setup Poor, RatingGreat for one that keeps
	// it at Good/Fair. Empty for ReasonNoEvents.
	Blocks    Rating    `json:"blocks,omitempty"`
	EventName EventName `json:"event_name,omitempty"` // the events concerned, all sources; empty for all events
	Signal    Signal    `json:"signal,omitempty"`     // the signal lacking
	Lacking   int64     `json:"lacking"`              // events lacking it
	Of        int64     `json:"of"`                   // events concerned
	// Text says it in plain words, e.g. "checkout: 12% of 4,031 events lack
	// an e-mail or mobile ad id".
	Text string `json:"text"`
}

// QualityRow is the coverage of one event name and action source.
type QualityRow struct {
	EventName    EventName    `json:"event_name"` // "(other names)" collects names beyond the meter's bound of 256 unknown names
	ActionSource ActionSource `json:"action_source"`
	Events       int64        `json:"events"`
	// Late counts the events sent more than LateAfter (an hour) after they
	// happened, which Pinterest counts as offline conversions.
	Late int64 `json:"late"`
	// Signals counts the events carrying each signal; a signal no event
	// carried is absent.
	Signals map[Signal]int64 `json:"signals"`
}

// Coverage returns the share of the row's events carrying s, from 0 to 1.
func (r QualityRow) Coverage(s Signal) float64 {
	if r.Events == 0 {
		return 0
	}
	return float64(r.Signals[s]) / float64(r.Events)
}

// DroppedValues counts the values dropped locally from user data, for one
// field and reason (never the values themselves).
type DroppedValues struct {
	Field  string `json:"field"`  // wire path, e.g. "user_data.em"
	Reason string `json:"reason"` // why, e.g. "not an e-mail address: needs exactly one @"
	Count  int64  `json:"count"`
}

// QualityReport is a rating of the events a QualityMeter counted, with the
// reasons that hold it back, the coverage of every signal per event name and
// action source, the values dropped locally and what the report cannot see.
// It is a snapshot: later counting does not change it.
//
// String gives a compact text table; the JSON form (encoding/json) has the
// same content, for dashboards.
type QualityReport struct {
	Rating  Rating          `json:"rating"`
	Reasons []QualityReason `json:"reasons"` // every reason holding the rating back, Good/Fair blockers first
	From    time.Time       `json:"from"`    // start of the counting (meter made, Reset or previous Interval)
	To      time.Time       `json:"to"`      // when the report was taken
	Events  int64           `json:"events"`  // events counted
	Late    int64           `json:"late"`    // of which sent more than LateAfter after they happened
	// Coverage has one row per event name and action source, ordered by
	// event name then source.
	Coverage []QualityRow `json:"coverage"`
	// Dropped counts the values dropped from user data, most frequent first.
	// It counts every event handed over, sent or not.
	Dropped []DroppedValues `json:"dropped"`
	// Unseen lists what the rating cannot see from the server and assumes.
	Unseen []string `json:"unseen"`
}

// Totals returns the coverage of every event counted, as one row with empty
// event name and action source.
func (r *QualityReport) Totals() QualityRow {
	t := QualityRow{Signals: map[Signal]int64{}}
	for _, row := range r.Coverage {
		t.Events += row.Events
		t.Late += row.Late
		for s, n := range row.Signals {
			t.Signals[s] += n
		}
	}
	return t
}

// tagRule is what the report cannot see.
const tagRule = "the Pinterest Tag rule: with the Tag installed, every lower-funnel Tag event " +
	"(add to cart, checkout, lead, signup) must also be sent through the API; " +
	"this cannot be seen from the server and is assumed to hold"

// signalWords names the signals in the reasons' text.
var signalWords = map[Signal]string{
	SignalExternalID:  "external_id (medium priority)",
	SignalName:        "fn together with ln (medium priority)",
	SignalClickID:     "click_id (low priority)",
	SignalPhone:       "ph (low priority)",
	SignalGender:      "ge (low priority)",
	SignalDateOfBirth: "db (low priority)",
	SignalCity:        "ct (low priority)",
	SignalState:       "st (low priority)",
	SignalZip:         "zp (low priority)",
	SignalCountry:     "country (low priority)",
}

// greatIDs are the medium and low priority ids Great needs, in table order.
var greatIDs = [...]Signal{
	SignalExternalID, SignalName, SignalClickID, SignalPhone, SignalGender,
	SignalDateOfBirth, SignalCity, SignalState, SignalZip, SignalCountry,
}

// buildReport rates a snapshot.
func buildReport(s qsnapshot, from, to time.Time) *QualityReport {
	r := &QualityReport{From: from, To: to, Unseen: []string{tagRule}, Reasons: []QualityReason{}, Coverage: []QualityRow{}, Dropped: []DroppedValues{}}
	for k, c := range s.buckets {
		row := QualityRow{EventName: k.name, ActionSource: k.source, Events: c.events, Late: c.late, Signals: map[Signal]int64{}}
		if k == overflowBucket {
			row.EventName = "(other names)"
		}
		for i, n := range c.sig {
			// A snapshot taken while counting may read a signal whose event it
			// does not see yet: it is never more than the events.
			if n = min(n, c.events); n > 0 {
				row.Signals[signalNames[i]] = n
			}
		}
		r.Events += row.Events
		r.Late += row.Late
		r.Coverage = append(r.Coverage, row)
	}
	slices.SortFunc(r.Coverage, func(a, b QualityRow) int {
		return cmp.Or(cmp.Compare(a.EventName, b.EventName), cmp.Compare(a.ActionSource, b.ActionSource))
	})
	for k, n := range s.drops {
		d := DroppedValues{Field: k.field, Reason: k.reason, Count: n}
		if k == overflowDrop {
			d.Field, d.Reason = "(other fields)", "(other reasons)"
		}
		r.Dropped = append(r.Dropped, d)
	}
	slices.SortFunc(r.Dropped, func(a, b DroppedValues) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Reason, b.Reason))
	})
	r.rate()
	return r
}

// rate sets the rating and its reasons from the coverage.
func (r *QualityReport) rate() {
	if r.Events == 0 {
		r.Rating = RatingUnrated
		r.Reasons = append(r.Reasons, QualityReason{Code: ReasonNoEvents, Text: "no events observed yet"})
		return
	}
	// Per event name, all sources together.
	type perName struct {
		name               EventName
		events, ipua, emid int64
	}
	var names []perName
	for _, row := range r.Coverage {
		if len(names) == 0 || names[len(names)-1].name != row.EventName {
			names = append(names, perName{name: row.EventName})
		}
		p := &names[len(names)-1]
		p.events += row.Events
		p.ipua += row.Signals[SignalIPAndUserAgent]
		p.emid += row.Signals[SignalEmailOrMAID]
	}
	// Rule 1: IP + user agent on 100% of all events.
	var ipua []QualityReason
	for _, p := range names {
		if lack := p.events - p.ipua; lack > 0 {
			ipua = append(ipua, QualityReason{
				Code: ReasonIPUserAgent, Blocks: RatingGoodFair, EventName: p.name, Signal: SignalIPAndUserAgent,
				Lacking: lack, Of: p.events,
				Text: string(p.name) + ": " + share(lack, p.events) + " of " + eventsLack(p.events) +
					" the client IP address with the user agent",
			})
		}
	}
	slices.SortStableFunc(ipua, func(a, b QualityReason) int { return cmp.Compare(b.Lacking, a.Lacking) })
	r.Reasons = append(r.Reasons, ipua...)
	// Rule 2: e-mail or mobile ad id on every checkout event.
	i := slices.IndexFunc(names, func(p perName) bool { return p.name == EventCheckout })
	switch {
	case i < 0:
		r.Reasons = append(r.Reasons, QualityReason{
			Code: ReasonNoCheckout, Blocks: RatingGreat, EventName: EventCheckout, Signal: SignalEmailOrMAID,
			Text: "no checkout event observed: the rule that checkout events carry an e-mail or mobile ad id " +
				"cannot be judged, so the rating is at most Good/Fair",
		})
	case names[i].emid < names[i].events:
		p := names[i]
		lack := p.events - p.emid
		r.Reasons = append(r.Reasons, QualityReason{
			Code: ReasonCheckoutEmailOrMAID, Blocks: RatingGoodFair, EventName: EventCheckout, Signal: SignalEmailOrMAID,
			Lacking: lack, Of: p.events,
			Text: "checkout: " + share(lack, p.events) + " of " + eventsLack(p.events) + " an e-mail or mobile ad id",
		})
	}
	// Rule 3: every medium and low priority id on some event.
	tot := r.Totals()
	for _, s := range greatIDs {
		if tot.Signals[s] == 0 {
			r.Reasons = append(r.Reasons, QualityReason{
				Code: ReasonMissingID, Blocks: RatingGreat, Signal: s, Lacking: tot.Events, Of: tot.Events,
				Text: "no event carried " + signalWords[s],
			})
		}
	}
	// Good/Fair blockers first, then Great blockers; the order within each is kept.
	slices.SortStableFunc(r.Reasons, func(a, b QualityReason) int {
		return cmp.Compare(blockRank(a.Blocks), blockRank(b.Blocks))
	})
	r.Rating = RatingGreat
	for _, x := range r.Reasons {
		switch x.Blocks {
		case RatingGoodFair:
			r.Rating = RatingPoor
		case RatingGreat:
			if r.Rating == RatingGreat {
				r.Rating = RatingGoodFair
			}
		}
	}
}

func blockRank(b Rating) int {
	if b == RatingGoodFair {
		return 0
	}
	return 1
}

// eventsLack returns "4,031 events lack" or "1 event lacks".
func eventsLack(n int64) string {
	if n == 1 {
		return "1 event lacks"
	}
	return count(n) + " events lack"
}

// share formats part/whole as a percentage that is 0% or 100% only when it
// truly is: "<1%", "12%", ">99%".
func share(part, whole int64) string {
	return pct(part, whole) + "%"
}

// pct is share without the sign.
func pct(part, whole int64) string {
	switch {
	case whole <= 0 || part <= 0:
		return "0"
	case part >= whole:
		return "100"
	}
	p := (part*100 + whole/2) / whole
	switch {
	case p < 1:
		return "<1"
	case p > 99:
		return ">99"
	}
	return strconv.FormatInt(p, 10)
}

// count formats n with thousands separators: 4,031.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// tableHeads are the short column heads of the signals in String.
var tableHeads = [numSignals]string{
	"em", "maid", "em|maid", "ip+ua", "ext_id", "fn+ln", "click", "ph", "ge", "db", "ct", "st", "zp",
	"country", "order", "value", "product", "url",
}

// String returns the report as compact text: the rating, the reasons, a
// table of the share (in %) of events carrying each signal per event name
// and action source, the dropped values and what the report cannot see.
func (r *QualityReport) String() string {
	var b strings.Builder
	b.WriteString("Match quality: ")
	b.WriteString(string(r.Rating))
	if r.Events > 0 {
		b.WriteString(" (" + count(r.Events) + " events")
		b.WriteString(")")
	}
	b.WriteString("\n")
	if len(r.Reasons) > 0 {
		b.WriteString("Held back by:\n")
	}
	for _, x := range r.Reasons {
		b.WriteString("  - " + x.Text + "\n")
	}
	if len(r.Coverage) > 0 {
		b.WriteString("Events carrying each signal (%):\n")
		head := []string{"event", "source", "events", "late"}
		head = append(head, tableHeads[:]...)
		rows := [][]string{head}
		for _, row := range r.Coverage {
			cells := []string{string(row.EventName), string(row.ActionSource), count(row.Events), count(row.Late)}
			for _, s := range signalNames {
				cells = append(cells, pct(row.Signals[s], row.Events))
			}
			rows = append(rows, cells)
		}
		writeTable(&b, rows, func(i int) bool { return i >= 2 })
	}
	if r.Late > 0 {
		b.WriteString("Late: " + share(r.Late, r.Events) + " of " + count(r.Events) + " events were sent more than an hour after they happened;" +
			" Pinterest counts such events as offline conversions\n")
	}
	if len(r.Dropped) > 0 {
		b.WriteString("Values dropped locally:\n")
		rows := make([][]string, 0, len(r.Dropped))
		for _, d := range r.Dropped {
			rows = append(rows, []string{count(d.Count), d.Field, d.Reason})
		}
		writeTable(&b, rows, func(i int) bool { return i == 0 })
	}
	for _, u := range r.Unseen {
		b.WriteString("Not seen: " + u + "\n")
	}
	return b.String()
}

// writeTable writes rows in aligned columns, two spaces apart, indented by
// two; the columns i for which right(i) holds are right-aligned.
func writeTable(b *strings.Builder, rows [][]string, right func(i int) bool) {
	var width []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		line := "  "
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line += "  "
			}
			if right(i) {
				line += pad + c
			} else {
				line += c + pad
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}
