package pinterest

import "github.com/capisdk/pinterest/internal/clock"

// WithClock exposes the client's clock option to the external tests.
func WithClock(c clock.Clock) Option { return withClock(c) }
