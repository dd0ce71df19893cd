// Package otelpinterest observes a pinterest.Client and its Batchers with
// OpenTelemetry metrics and traces.
//
//	obs, err := otelpinterest.NewObserver() // the global providers, or WithMeterProvider...
//	...
//	client, err := pinterest.NewClient(token, pinterest.WithObserver(obs))
//
// It lives in its own module so that the core module does not depend on
// OpenTelemetry.
//
// # Metrics
//
// Names and attributes follow OpenTelemetry's semantic conventions where
// they exist (the HTTP client duration and its attributes), and start with
// "pinterest." for the rest:
//
//   - http.client.request.duration (histogram, s): each HTTP attempt, with
//     http.request.method, server.address, server.port,
//     http.response.status_code (when an answer came), error.type (the status
//     code for an answer of 400 or more, else the cause, such as "transport",
//     "timeout" or "malformed_response", when the attempt failed) and
//     pinterest.ad_account.id.
//   - pinterest.events (counter, {event}): events at the end of Send or of a
//     Batcher's batch, with pinterest.outcome ("processed", "failed" or
//     "unknown"), error.type (the cause of a failure; see
//     pinterest.EventsInfo) and pinterest.ad_account.id. Every event is
//     counted once.
//   - pinterest.retries (counter, {retry}): retries made, with
//     pinterest.retry.reason (the cause of the failed attempt),
//     http.response.status_code (when an answer came) and
//     pinterest.ad_account.id.
//   - pinterest.retry.wait.duration (histogram, s): the waits before those
//     retries, with the same attributes.
//   - pinterest.retry.give_ups (counter, {request}): requests whose
//     retryable failure was not retried, with pinterest.retry.reason,
//     pinterest.retry.give_up ("max_attempts", "max_elapsed", "deadline",
//     "backoff" or "ambiguous"), http.response.status_code and
//     pinterest.ad_account.id.
//   - pinterest.limiter.wait.duration (histogram, s): each wait for the rate
//     limiter, with pinterest.ad_account.id and error.type when the wait
//     failed.
//   - pinterest.user_data.dropped (counter, {value}): user data values
//     dropped as invalid, with pinterest.user_data.field (e.g.
//     "user_data.ph"), pinterest.user_data.reason (a fixed text such as
//     "fewer than 7 digits") and pinterest.ad_account.id.
//   - pinterest.batcher.queue.depth (up-down counter, {event}): events
//     accepted by a Batcher and not yet being sent, with
//     pinterest.ad_account.id.
//   - pinterest.batcher.in_flight (up-down counter, {event}): events being
//     sent by a Batcher, with pinterest.ad_account.id.
//   - pinterest.batcher.queue.oldest_age (gauge, s): how long the oldest
//     event a Batcher accepted has been waiting for its result, 0 when none
//     is, with pinterest.ad_account.id.
//
// WithoutAdAccountID leaves pinterest.ad_account.id out, for services that
// send for so many ad accounts that one series each would be too many.
//
// ObserveQuality reports a pinterest.QualityMeter's counts the same way:
// pinterest.quality.events, pinterest.quality.signal.events,
// pinterest.quality.late and the pinterest.quality.rating gauge.
//
// # Traces
//
// Each HTTP attempt is a client span named
// "POST /v5/ad_accounts/{ad_account_id}/events", a child of the span in the
// context given to Send, with the attributes above, url.template,
// http.request.resend_count on retries and pinterest.events.count. Retry
// decisions and limiter waits of a millisecond or more are events on the
// span of the context given to Send.
//
// A Batcher's batch is a root span named "pinterest.batch", the parent of
// its attempts' spans, linked to the spans that were in the contexts of the
// Add calls that queued its events (at most 128 links).
//
// No attribute carries personal data, the token or an event id.
package otelpinterest
