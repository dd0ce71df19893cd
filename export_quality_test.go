package pinterest

// WithoutQualityCounters turns a client's quality counters off, for the
// benchmark that measures what they cost. Call it before the client is used.
func WithoutQualityCounters(c *Client) { c.quality = nil }
