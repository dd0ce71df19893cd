package pinterest

import "time"

// WithDerivedEventIDs gives an event without an id, at Send (and so in a
// Batcher), the id DeriveEventID(adAccountID, event name, event time,
// custom_data.order_id) when it has an order id, and sets that id on the
// event, so that a re-send of the same order (a retried job, the event of a
// failed result sent again) carries the same event_id and Pinterest can
// de-duplicate it. It is meant for events that only the server sees: for an
// event the Pinterest Tag also sends, give the Tag's event id instead, or the
// two will not be de-duplicated. An event without an id and without an order
// id still fails with a *FieldError on event_id.
func WithDerivedEventIDs() Option {
	return optionFunc(func(c *config) error { c.deriveIDs = true; return nil })
}

// deriveID sets the derived id of WithDerivedEventIDs on an event that has
// none and has an order id.
func (c *Client) deriveID(adAccountID string, ev *Event) {
	if !c.cfg.deriveIDs || ev.id != "" {
		return
	}
	if cd := ev.customData(); cd != nil && cd.OrderID != "" {
		ev.id = DeriveEventID(adAccountID, ev.name, time.Unix(ev.time, 0), cd.OrderID)
	}
}

// NewUserData returns an empty UserData with the defaults of the Batcher's
// client (its WithDefaultPhoneCountryCode), as Client.NewUserData does, so
// that code holding only the Batcher builds user data right.
func (b *Batcher) NewUserData() *UserData { return b.c.NewUserData() }
