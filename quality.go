package pinterest

import (
	"errors"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/capisdk/pinterest/internal/clock"
)

// Signal is one piece of matching information an event can carry, as the
// match-quality report counts it: a user_data field, a pair of fields that only
// count together (the IP address with the user agent, the first name with the
// last name), or an event field on Pinterest's Event Quality Score list.
type Signal string

// The signals the report counts, in the order of its table: the ids of
// Pinterest's resilience rating by priority (high, medium, low), then the
// further items of the Event Quality Score.
const (
	SignalEmail          Signal = "em"               // high priority
	SignalMobileAdID     Signal = "hashed_maids"     // high priority
	SignalEmailOrMAID    Signal = "em_or_maid"       // em or hashed_maids: what checkout events need
	SignalIPAndUserAgent Signal = "ip_ua"            // client_ip_address with client_user_agent: high priority
	SignalExternalID     Signal = "external_id"      // medium priority
	SignalName           Signal = "fn_ln"            // fn with ln: medium priority
	SignalClickID        Signal = "click_id"         // low priority
	SignalPhone          Signal = "ph"               // low priority
	SignalGender         Signal = "ge"               // low priority
	SignalDateOfBirth    Signal = "db"               // low priority
	SignalCity           Signal = "ct"               // low priority
	SignalState          Signal = "st"               // low priority
	SignalZip            Signal = "zp"               // low priority
	SignalCountry        Signal = "country"          // low priority
	SignalOrderID        Signal = "order_id"         // EQS: custom_data.order_id
	SignalValue          Signal = "value"            // EQS: custom_data.value
	SignalProductID      Signal = "product_id"       // EQS: custom_data.content_ids or contents[].id
	SignalSourceURL      Signal = "event_source_url" // EQS: event_source_url
)

// Bit positions of the signals, in table order.
const (
	sigEmail uint = iota
	sigMAID
	sigEmailOrMAID
	sigIPUA
	sigExternalID
	sigName
	sigClickID
	sigPhone
	sigGender
	sigDOB
	sigCity
	sigState
	sigZip
	sigCountry
	sigOrderID
	sigValue
	sigProductID
	sigURL
	numSignals
)

// signalNames maps bit positions to signals.
var signalNames = [numSignals]Signal{
	SignalEmail, SignalMobileAdID, SignalEmailOrMAID, SignalIPAndUserAgent, SignalExternalID, SignalName,
	SignalClickID, SignalPhone, SignalGender, SignalDateOfBirth, SignalCity, SignalState, SignalZip,
	SignalCountry, SignalOrderID, SignalValue, SignalProductID, SignalSourceURL,
}

// Signals returns every signal the report counts, in the order of its table.
func Signals() []Signal { return append([]Signal(nil), signalNames[:]...) }

// Scratch bits of signalsOf for fn and ln, which count only together.
const (
	bitFirstName = 1 << 30
	bitLastName  = 1 << 31
)

// hashedSignal maps a hashed field id to its signal bit.
var hashedSignal = [numHashed]uint32{
	idEmail: 1 << sigEmail, idPhone: 1 << sigPhone, idGender: 1 << sigGender, idDateOfBirth: 1 << sigDOB,
	idLastName: bitLastName, idFirstName: bitFirstName, idCity: 1 << sigCity, idState: 1 << sigState,
	idZip: 1 << sigZip, idCountry: 1 << sigCountry, idExternalID: 1 << sigExternalID, idMobileAdID: 1 << sigMAID,
}

// fieldSignals maps a UserData's set of hashed fields (UserData.fields) to
// the signals they make, em_or_maid included: one load per event instead of
// a loop over the fields.
var fieldSignals = func() (t [1 << numHashed]uint32) {
	for f := range t {
		var m uint32
		for id := range numHashed {
			if f&(1<<id) != 0 {
				m |= hashedSignal[id]
			}
		}
		if m&(bitFirstName|bitLastName) == bitFirstName|bitLastName {
			m |= 1 << sigName
		}
		m &^= bitFirstName | bitLastName
		if m&(1<<sigEmail|1<<sigMAID) != 0 {
			m |= 1 << sigEmailOrMAID
		}
		t[f] = m
	}
	return t
}()

// signalsOf returns the bit set of the signals ev carries.
func signalsOf(ev *Event) uint32 {
	var m uint32
	if u := ev.user; u != nil {
		m = fieldSignals[u.fields&(1<<numHashed-1)]
		if u.ip.IsValid() && u.ua != "" {
			m |= 1 << sigIPUA
		}
		if u.clickID != "" {
			m |= 1 << sigClickID
		}
	}
	if ev.url != "" {
		m |= 1 << sigURL
	}
	if ev.hasCustom {
		c := &ev.custom
		if c.OrderID != "" {
			m |= 1 << sigOrderID
		}
		if c.Value != "" {
			m |= 1 << sigValue
		}
		if hasProductID(c) {
			m |= 1 << sigProductID
		}
	}
	return m
}

func hasProductID(c *CustomData) bool {
	for _, id := range c.ContentIDs {
		if id != "" {
			return true
		}
	}
	for i := range c.Contents {
		if c.Contents[i].ID != "" {
			return true
		}
	}
	return false
}

// LateAfter is how long after it happened an event may be sent and still
// count as real time: Pinterest counts events it receives later as offline
// conversions. The match-quality report counts the events sent later.
const LateAfter = time.Hour

// qbucket holds the counters of one event name and action source. Counters
// only grow; reports subtract a baseline.
type qbucket struct {
	key    bucketKey
	events atomic.Int64
	late   atomic.Int64
	sig    [numSignals]atomic.Int64
}

type bucketKey struct {
	name   EventName
	source ActionSource
}

type dropKey struct{ field, reason string }

// Bounds on the distinct keys kept for data that callers control: event names
// the SDK does not know, and dropped-value fields and reasons. Beyond them,
// counts go to one overflow key, so that a stream of made-up names cannot grow
// memory without bound.
const (
	maxOtherBuckets = 256
	maxDropKeys     = 256
)

// The overflow keys. No event with an empty name is ever counted, and no
// FieldError has an empty field, so these cannot collide with real keys.
var (
	overflowBucket = bucketKey{}
	overflowDrop   = dropKey{}
)

var knownSources = [...]ActionSource{SourceWeb, SourceAppAndroid, SourceAppIOS, SourceOffline}

// knownNameIndex returns the index of n in EventNames, or -1.
func knownNameIndex(n EventName) int {
	switch n {
	case EventAddPaymentInfo:
		return 0
	case EventAddToCart:
		return 1
	case EventAddToWishlist:
		return 2
	case EventAppInstall:
		return 3
	case EventAppOpen:
		return 4
	case EventCheckout:
		return 5
	case EventContact:
		return 6
	case EventCustom:
		return 7
	case EventCustomizeProduct:
		return 8
	case EventFindLocation:
		return 9
	case EventInitiateCheckout:
		return 10
	case EventLead:
		return 11
	case EventPageVisit:
		return 12
	case EventSchedule:
		return 13
	case EventSearch:
		return 14
	case EventSignup:
		return 15
	case EventStartTrial:
		return 16
	case EventSubmitApplication:
		return 17
	case EventSubscribe:
		return 18
	case EventViewCategory:
		return 19
	case EventViewContent:
		return 20
	case EventWatchVideo:
		return 21
	}
	return -1
}

func sourceIndex(s ActionSource) int {
	switch s {
	case SourceWeb:
		return 0
	case SourceAppAndroid:
		return 1
	case SourceAppIOS:
		return 2
	case SourceOffline:
		return 3
	}
	return -1
}

const numKnownNames = 22

// QualityMeter counts the matching signals of events, the values dropped from
// their user data and the events sent late, and rates them as Pinterest rates
// an advertiser's setup (see QualityReport). Every Client has one, fed with
// what the client sends (see Client.Quality and Client.QualityMeter); make
// your own with NewQualityMeter to rate a stream of events without sending
// them, in a CI job or a dry run:
//
//	q := pinterest.NewQualityMeter()
//	for _, ev := range events {
//		if err := q.Observe(ev); err != nil {
//			// the event would fail locally: Send would not send it
//		}
//	}
//	fmt.Println(q.Report())
//
// A QualityMeter is safe for concurrent use. Counting is lock-free: atomic
// counters, no allocation once a name was seen. Reports are snapshots; one
// taken while events are being counted may see an event's signals in the
// next report rather than this one, but never counts a signal twice nor an
// event in two intervals.
type QualityMeter struct {
	clock clock.Clock
	known [numKnownNames * len(knownSources)]atomic.Pointer[qbucket]

	otherMu sync.Mutex // serializes the creation of buckets in other
	other   sync.Map   // bucketKey -> *qbucket, for names the SDK does not know
	nOther  int        // guarded by otherMu

	dropMu sync.Mutex
	drops  sync.Map // dropKey -> *atomic.Int64
	nDrops int      // guarded by dropMu

	mu    sync.Mutex // serializes Report, Interval and Reset
	base  qsnapshot
	start time.Time
}

// NewQualityMeter returns a meter with nothing counted yet.
func NewQualityMeter() *QualityMeter { return newQualityMeter(clock.Real) }

func newQualityMeter(clk clock.Clock) *QualityMeter {
	if clk == nil {
		clk = clock.Real
	}
	return &QualityMeter{clock: clk, start: clk.Now()}
}

// Observe counts ev as if it were sent now: it checks ev as Send does, counts
// the values dropped from its user data, and, when ev would be sent, its
// signals. It returns the error Send would give the event (a *FieldError), or
// nil. A nil event is an error and counts nothing.
func (m *QualityMeter) Observe(ev *Event) error {
	if ev == nil {
		return eventErr("event", "nil event")
	}
	now := m.clock.Now()
	m.dropped(ev.user)
	if _, err := ev.validate(now); err != nil {
		return err
	}
	m.sent([]*Event{ev}, []int{0}, now)
	return nil
}

// bucket returns the counters of an event name and action source, making
// them on first use.
func (m *QualityMeter) bucket(name EventName, source ActionSource) *qbucket {
	if n, s := knownNameIndex(name), sourceIndex(source); n >= 0 && s >= 0 {
		p := &m.known[n*len(knownSources)+s]
		if b := p.Load(); b != nil {
			return b
		}
		nb := &qbucket{key: bucketKey{name, source}}
		if p.CompareAndSwap(nil, nb) {
			return nb
		}
		return p.Load()
	}
	k := bucketKey{name, source}
	if b, ok := m.other.Load(k); ok {
		return b.(*qbucket)
	}
	m.otherMu.Lock()
	defer m.otherMu.Unlock()
	if b, ok := m.other.Load(k); ok {
		return b.(*qbucket)
	}
	if m.nOther >= maxOtherBuckets {
		k = overflowBucket
		if b, ok := m.other.Load(k); ok {
			return b.(*qbucket)
		}
	}
	b := &qbucket{key: k}
	m.other.Store(k, b)
	m.nOther++
	return b
}

// tally is the counts of the events of one bucket in one call, added to the
// shared counters at the end of the call.
type tally struct {
	b      *qbucket
	name   EventName // b's, kept here to spare a load per event
	source ActionSource
	events int64
	late   int64
	sig    [numSignals]int64
	// The events of a call mostly carry the same few sets of signals: they
	// are counted per set, and the sets expanded into sig once.
	masks  [maxMasks]uint32
	counts [maxMasks]int64
	nmasks int
}

// maxMasks is how many distinct signal sets a tally counts as sets.
const maxMasks = 4

// add counts one event carrying the signals of mask.
func (t *tally) add(mask uint32) {
	t.events++
	for k := 0; k < t.nmasks; k++ {
		if t.masks[k] == mask {
			t.counts[k]++
			return
		}
	}
	if t.nmasks < maxMasks {
		t.masks[t.nmasks], t.counts[t.nmasks] = mask, 1
		t.nmasks++
		return
	}
	t.expand(mask, 1)
}

// expand adds n events carrying mask to sig.
func (t *tally) expand(mask uint32, n int64) {
	for s := mask; s != 0; s &= s - 1 {
		t.sig[uint(bits.TrailingZeros32(s))%numSignals] += n
	}
}

// flush adds the tally to its bucket: the event count first, so that a
// report, which reads the event count last, never sees more events with a
// signal than events.
func (t *tally) flush() {
	if t.b == nil || t.events == 0 {
		return
	}
	for k := 0; k < t.nmasks; k++ {
		t.expand(t.masks[k], t.counts[k])
	}
	t.nmasks = 0
	t.b.events.Add(t.events)
	if t.late != 0 {
		t.b.late.Add(t.late)
	}
	for i, n := range t.sig {
		if n != 0 {
			t.b.sig[i].Add(n)
		}
	}
}

// maxTallies is how many buckets one call tallies before it flushes.
const maxTallies = 8

// qualityTally counts the events of one call (a Send) locally, per bucket,
// and adds them to the meter's shared counters at the end (flush), so that a
// request of 1,000 events costs a few atomic adds per event name in it, not
// per event. Send feeds it in its validation loop, where each event is at
// hand. Start it with start; with a nil meter it counts nothing.
type qualityTally struct {
	m          *QualityMeter
	lateBefore int64 // events before this Unix time are late
	ts         [maxTallies]tally
	n          int
}

// start readies the tally for events sent at now.
func (q *qualityTally) start(m *QualityMeter, now time.Time) {
	q.m, q.lateBefore, q.n = m, now.Add(-LateAfter).Unix(), 0
}

// add counts ev, which passed local validation and is about to be sent.
func (q *qualityTally) add(ev *Event) {
	if q.m == nil {
		return
	}
	ts := &q.ts
	k := 0
	for k < q.n && (ts[k].name != ev.name || ts[k].source != ev.source) {
		k++
	}
	if k == q.n {
		if q.n == maxTallies {
			q.flush()
			k = 0
		}
		ts[k] = tally{b: q.m.bucket(ev.name, ev.source), name: ev.name, source: ev.source}
		q.n++
	}
	t := &ts[k]
	t.add(signalsOf(ev))
	if ev.time < q.lateBefore {
		t.late++
	}
}

// flush adds what was tallied to the meter, and empties the tally.
func (q *qualityTally) flush() {
	for j := range q.n {
		q.ts[j].flush()
	}
	q.n = 0
}

// sent counts the events at idx, valid and about to be sent at now. A nil
// meter counts nothing.
func (m *QualityMeter) sent(events []*Event, idx []int, now time.Time) {
	if m == nil || len(idx) == 0 {
		return
	}
	var q qualityTally
	q.start(m, now)
	for _, i := range idx {
		q.add(events[i])
	}
	q.flush()
}

// dropped counts the values dropped from u, by field and reason. A nil
// meter counts nothing. It is small enough to be inlined into Send, where
// most user data has no dropped value.
func (m *QualityMeter) dropped(u *UserData) {
	if m != nil && u != nil && len(u.warnings) != 0 {
		m.countDropped(u)
	}
}

func (m *QualityMeter) countDropped(u *UserData) {
	for _, w := range u.warnings {
		if w == errPhoneNoCountryCode {
			continue // a warning, but the number was kept and hashed as given
		}
		var fe *FieldError
		if !errors.As(w, &fe) {
			continue
		}
		m.dropCounter(dropKey{fe.Field, fe.Reason}).Add(1)
	}
}

func (m *QualityMeter) dropCounter(k dropKey) *atomic.Int64 {
	if c, ok := m.drops.Load(k); ok {
		return c.(*atomic.Int64)
	}
	m.dropMu.Lock()
	defer m.dropMu.Unlock()
	if c, ok := m.drops.Load(k); ok {
		return c.(*atomic.Int64)
	}
	if m.nDrops >= maxDropKeys {
		k = overflowDrop
		if c, ok := m.drops.Load(k); ok {
			return c.(*atomic.Int64)
		}
	}
	c := new(atomic.Int64)
	m.drops.Store(k, c)
	m.nDrops++
	return c
}

// qcounts is a snapshot of one bucket.
type qcounts struct {
	events, late int64
	sig          [numSignals]int64
}

// qsnapshot is a snapshot of every counter.
type qsnapshot struct {
	buckets map[bucketKey]qcounts
	drops   map[dropKey]int64
}

// read snapshots every counter. Signals are read before the event count (see
// tally.flush).
func (m *QualityMeter) read() qsnapshot {
	s := qsnapshot{buckets: make(map[bucketKey]qcounts), drops: make(map[dropKey]int64)}
	add := func(b *qbucket) {
		var c qcounts
		for i := range c.sig {
			c.sig[i] = b.sig[i].Load()
		}
		c.late = b.late.Load()
		c.events = b.events.Load()
		s.buckets[b.key] = c
	}
	for i := range m.known {
		if b := m.known[i].Load(); b != nil {
			add(b)
		}
	}
	m.other.Range(func(_, v any) bool { add(v.(*qbucket)); return true })
	m.drops.Range(func(k, v any) bool {
		s.drops[k.(dropKey)] = v.(*atomic.Int64).Load()
		return true
	})
	return s
}

// minus returns s less the baseline b.
func (s qsnapshot) minus(b qsnapshot) qsnapshot {
	out := qsnapshot{buckets: make(map[bucketKey]qcounts, len(s.buckets)), drops: make(map[dropKey]int64, len(s.drops))}
	for k, c := range s.buckets {
		o := b.buckets[k]
		d := qcounts{events: c.events - o.events, late: c.late - o.late}
		for i := range d.sig {
			d.sig[i] = c.sig[i] - o.sig[i]
		}
		if d.events > 0 {
			out.buckets[k] = d
		}
	}
	for k, n := range s.drops {
		if d := n - b.drops[k]; d > 0 {
			out.drops[k] = d
		}
	}
	return out
}

// Report returns what was counted since the meter was made or last Reset,
// rated.
func (m *QualityMeter) Report() *QualityReport {
	m.mu.Lock()
	defer m.mu.Unlock()
	return buildReport(m.read().minus(m.base), m.start, m.clock.Now())
}

// Interval returns what was counted since the previous Interval (or since
// the meter was made or last Reset), rated, and starts the next interval.
// Taken periodically, intervals partition the counts: each event is in
// exactly one of them.
func (m *QualityMeter) Interval() *QualityReport {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, now := m.read(), m.clock.Now()
	r := buildReport(cur.minus(m.base), m.start, now)
	m.base, m.start = cur, now
	return r
}

// Reset forgets what was counted: the next Report counts from now.
func (m *QualityMeter) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.base, m.start = m.read(), m.clock.Now()
}

// Quality returns the match-quality report of what the client sent (by Send
// and by its Batchers) since it was made or its meter was last Reset: the
// rating Pinterest's Ads Manager would give, with its reasons, the coverage
// table, the values dropped locally and the late events. An event counts when
// it passed local validation and was handed to the HTTP path, whatever
// Pinterest then answered; events failing locally are not counted, their
// dropped values are. See QualityMeter for intervals and resets.
func (c *Client) Quality() *QualityReport { return c.quality.Report() }

// QualityMeter returns the meter the client feeds, to take reports per
// interval (Interval) or start over (Reset). Events observed on it directly
// (Observe) count as if the client had sent them.
func (c *Client) QualityMeter() *QualityMeter { return c.quality }
