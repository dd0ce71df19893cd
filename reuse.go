package pinterest

import (
	"strconv"
	"sync/atomic"
	"time"
)

// Reusing events
//
// A bulk sender can build every event in the memory of an earlier one
// instead of allocating an Event, a UserData and a content slice per event:
// Event.Reset, Event.AddContents and EventBuffer. The rule is that an event
// (with its user data and contents) must not be reset while a Send or a
// Batcher still holds it: a Send holds its events until it returns, a
// Batcher from Add until the event's result is delivered. Send and Batcher
// count the holds, and Reset panics on a held event, so that a misuse shows
// up in the tests of the code that makes it.

// hold records that a Send or a Batcher holds e; release undoes it.
func (e *Event) hold()    { atomic.AddInt32(&e.held, 1) }
func (e *Event) release() { atomic.AddInt32(&e.held, -1) }

// heldPanic is the panic of a Reset of a held event.
const heldPanic = "pinterest: reset of an event that a Send or Batcher still holds: wait for Send to return, or for the event's result from the Batcher"

// Reset makes e the event NewEvent(name, source) returns, happening now, in
// e's own memory: every field is cleared, the user data is detached (set a
// new one with User; the old one is not changed), and the memory of the
// contents added with AddContents is kept for the next ones.
//
// Reset panics if a Send or a Batcher still holds e: a Send until it
// returns, a Batcher until e's result is delivered (a result handler may
// reset the event of its result).
func (e *Event) Reset(name EventName, source ActionSource) *Event {
	if atomic.LoadInt32(&e.held) != 0 {
		panic(heldPanic)
	}
	contents := e.contents
	clear(contents) // let the old strings go
	*e = Event{name: name, source: source, time: time.Now().Unix(), contents: contents[:0]}
	return e
}

// AddContents appends products to the Contents of the event's custom data,
// copying them into memory that the event owns and Reset keeps: with it, a
// bulk sender reuses content memory too. It sets the custom data if none was
// set; call it after Custom, which replaces the whole custom data, Contents
// included.
func (e *Event) AddContents(items ...Content) *Event {
	own := e.custom.Contents
	if len(own) > 0 && (len(e.contents) != len(own) || &e.contents[0] != &own[0]) {
		// Contents given to Custom: the caller's memory, copied, never written.
		e.contents = append(e.contents[:0], own...)
	} else if len(own) == 0 {
		e.contents = e.contents[:0]
	}
	e.contents = append(e.contents, items...)
	e.custom.Contents = e.contents
	e.hasCustom = true
	return e
}

// reset empties u for reuse, keeping its memory, with phoneCC as its default
// country calling code.
func (u *UserData) reset(phoneCC string) {
	more, warnings := u.more[:0], u.warnings
	clear(warnings)
	*u = UserData{more: more, warnings: warnings[:0], phoneCC: phoneCC}
}

// EventBuffer makes events for a bulk sender, in memory it reuses: each
// Event call returns an event with its own, empty user data, built in the
// memory of an event of an earlier round once Reset has made the buffer
// available again. In steady state, building an event then allocates
// nothing (use AddContents for its products).
//
//	buf := client.NewEventBuffer()
//	for rows.Next() {
//		for buf.Len() < 1000 && rows.Next() {
//			ev := buf.Event(pinterest.EventCheckout, pinterest.SourceOffline).ID(row.OrderID).At(row.Time)
//			ev.UserData().Email(row.Email).Phone(row.Phone)
//		}
//		res, err := client.Send(ctx, adAccountID, buf.Events()...)
//		// ... use res: its results hold no memory of the events
//		buf.Reset()
//	}
//
// The events, their user data and their contents belong to the buffer:
// after Reset, do not use them (or slices of them) again, and do not give a
// buffer's user data to events that are not the buffer's. Reset panics if a
// Send or a Batcher still holds any of the buffer's events (see
// Event.Reset). An EventBuffer is not safe for concurrent use; use one per
// goroutine.
type EventBuffer struct {
	phoneCC string
	events  []*Event
	users   []*UserData
	n       int // events handed out since the last Reset
}

// NewEventBuffer returns an empty EventBuffer whose user data carry the
// client's default phone country calling code, as Client.NewUserData does.
func (c *Client) NewEventBuffer() *EventBuffer {
	return &EventBuffer{phoneCC: c.cfg.phoneCC}
}

// Event returns the buffer's next event, as
// NewEvent(name, source).User(client.NewUserData()) would make it: its user
// data, empty, is UserData().
func (b *EventBuffer) Event(name EventName, source ActionSource) *Event {
	if b.n == len(b.events) {
		b.events = append(b.events, new(Event))
		b.users = append(b.users, new(UserData))
	}
	ev, u := b.events[b.n], b.users[b.n]
	ev.Reset(name, source)
	u.reset(b.phoneCC)
	b.n++
	return ev.User(u)
}

// Events returns the events handed out since the last Reset, in order. The
// slice is the buffer's: valid until the next Event or Reset call.
func (b *EventBuffer) Events() []*Event { return b.events[:b.n:b.n] }

// Len returns how many events were handed out since the last Reset.
func (b *EventBuffer) Len() int { return b.n }

// Reset makes every event of the buffer available for reuse by Event. It
// panics, leaving the buffer as it was, if a Send or a Batcher still holds
// one of them.
func (b *EventBuffer) Reset() {
	held := 0
	for _, ev := range b.events[:b.n] {
		if atomic.LoadInt32(&ev.held) != 0 {
			held++
		}
	}
	if held > 0 {
		panic("pinterest: EventBuffer.Reset while a Send or Batcher still holds " + strconv.Itoa(held) + " of its events: wait for Send to return, or for the events' results from the Batcher")
	}
	b.n = 0
}
