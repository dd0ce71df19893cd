// Package pinterest sends conversion events to the Pinterest API for
// Conversions (POST /v5/ad_accounts/{ad_account_id}/events).
//
// It normalizes and SHA-256 hashes personal data the way Pinterest matches it
// ([UserData] and the Normalize functions such as [NormalizeEmail]), builds
// events that pass Pinterest's schema ([Event]), keeps under the rate limit of
// each ad account ([Limiter]), retries what is safe to retry ([RetryPolicy]),
// and reports the fate of every single event ([Client.Send], [Batcher]).
//
// # Sending
//
// Make one [Client] with [NewClient] and share it: it is safe for concurrent
// use. Build events with [NewEvent] and user data with [Client.NewUserData]
// (which applies the client's defaults, such as
// [WithDefaultPhoneCountryCode]), then send them:
//
//	client, err := pinterest.NewClient(token)
//	...
//	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
//		ID("order-1001").
//		User(client.NewUserData().Email(" Jane.Doe@Example.com ").
//			ClientIP(r.RemoteAddr).UserAgent(r.UserAgent())).
//		Custom(pinterest.CustomData{Currency: "USD", Value: "72.39", OrderID: "1001"})
//	res, err := client.Send(ctx, "549755885175", ev)
//
// [Client.Send] validates each event locally first: one that cannot be valid
// fails alone, with a [*FieldError] naming the field, and the others are sent.
// It splits the rest into requests of at most [DefaultMaxEventsPerRequest]
// events and [DefaultMaxRequestBytes] bytes (a request answered 413 is halved)
// and returns a [Response] with exactly one [EventResult] per event, in
// input order.
//
// # Web events
//
// In an HTTP handler, package [github.com/capisdk/pinterest/pinteresthttp]
// builds the web event from the *http.Request: the client IP address behind
// the proxies you trust (RemoteAddr, above, is a load balancer's address
// behind one), the user agent, the _epik click id, the page URL and the
// language. Its middleware keeps the epik parameter of an ad click's landing
// page as a first-party _epik cookie for the visitor's later conversions.
//
// # Offline conversions
//
// Sales in stores and leads in a CRM arrive as files, with names as other
// tools write them and no event id. [ParseEventName] and [ParseActionSource]
// map names such as "Purchase", "CompleteRegistration" or "physical_store" to
// Pinterest's; [DeriveEventID] makes a stable, documented id from what
// identifies the event, so that a file uploaded twice carries the same ids.
// The command github.com/capisdk/pinterest/cmd/pinconv uploads such files
// (CSV, TSV, JSON Lines) with this package, resumably.
//
// # Errors
//
// The error of [Client.Send] is nil only when every event was processed.
// Otherwise it is a [*SendError] that says how many events failed and why;
// [errors.Is] and [errors.As] reach its causes: an [*APIError] for an answer
// of Pinterest other than 200 (matched by sentinels such as [ErrRateLimited],
// [ErrUnauthorized] or [ErrInvalidRequest]), a [*TransportError] when no
// answer came, a [*FieldError] (matched by [ErrInvalidValue]) for a value
// refused locally, and an [*EventError] (matched by [ErrEventRejected]) for an
// event Pinterest failed. Each [EventResult] carries the error of its own
// event. No error text contains personal data or the token.
//
// An event whose error matches [ErrOutcomeUnknown] may have been processed:
// its request was written, and no answer said what became of it (a timeout
// or reset after it was sent, a cancelled context, a Batcher's Close with
// the request in flight, a 500, 502 or 504, an unreadable answer). Whether
// the request was written is told by net/http/httptrace, never guessed. Send
// such a web or app event again with the same event id (Pinterest
// de-duplicates them by event id within 48 hours); hold such an offline event
// for review, as Pinterest does not de-duplicate offline events. An event
// whose request never left the machine never matches ErrOutcomeUnknown.
//
// # Retries and rate limits
//
// A [RateLimiter] (one token bucket per ad account, on golang.org/x/time/rate)
// keeps every client under [DefaultCallsPerMinute] calls per minute per ad
// account, and never over that number in any 60-second window; change it with
// [WithRateLimit], replace it with [WithLimiter] (for example by a limiter
// shared by a fleet of processes), or turn it off with [WithoutRateLimit].
//
// Answers 429 and 503, other 5xx answers and transport errors are retried with
// exponential backoff and jitter ([RetryPolicy], [WithRetry]), honouring
// Retry-After as a floor; a 429 also slows the ad account down in the limiter
// ([Penalizer]). Other 4xx answers are never retried, and retries stop at the
// context's deadline. Pinterest de-duplicates web and app events by event id;
// it does not de-duplicate offline events, so a failure after which Pinterest
// may have processed the request (a 500, 502 or 504, a reset or timeout after
// the request was written) is retried for web and app events only: offline
// events travel in requests of their own and end with [ErrOutcomeUnknown]
// instead. [WithoutAmbiguousRetries] turns those retries off for every event.
//
// # Batching
//
// A [Batcher] ([Client.NewBatcher]) sends events in the background: [Batcher.Add]
// queues them and returns, and batches leave when [WithBatchSize] events are
// queued or the oldest has waited [WithFlushInterval]. Every event handed to
// Add ends with exactly one [EventResult], given to the handler set with
// [WithResultHandler], at shutdown too: [Batcher.Close] sends what is queued
// and waits for it.
//
// # Reusing events
//
// A bulk sender can build each round of events in the memory of the last
// one: an [EventBuffer] ([Client.NewEventBuffer]) hands out events with
// their own user data, and [EventBuffer.Reset] makes them available again;
// [Event.Reset] and [Event.AddContents] reuse a single event and its
// products. An event must not be reset while a [Client.Send] (until it
// returns) or a [Batcher] (until the event's result is delivered) holds it;
// both count their holds, and a Reset of a held event panics, so that a
// misuse fails the tests of the code that makes it.
//
// # Monitoring
//
// [WithObserver] sets an [Observer]: hooks called at the start and end of
// each HTTP attempt, at each retry decision and limiter wait, with the
// outcome ([OutcomeProcessed], [OutcomeFailed], [OutcomeUnknown]) and cause of
// every event, for each value dropped from user data, and around a Batcher's
// batches; [BatcherStats.OldestAge] tells how long the oldest queued event
// has waited. Hooks get counts, durations and names, never personal data, the
// token or an event id. Package
// [github.com/capisdk/pinterest/otelpinterest] implements them with
// OpenTelemetry metrics and traces, in a module of its own.
//
// # Match quality
//
// [Client.Quality] rates what the client sent as Ads Manager rates a
// conversion setup (Poor, Good/Fair, Great), with every reason that holds it
// back, the share of events carrying each signal per event name and action
// source, the values dropped locally and the events sent late; see
// [QualityReport]. [QualityMeter.Observe] rates events without sending them.
// [Client.EventQualityScores] fetches Pinterest's own Event Quality Score,
// which needs an OAuth token with the ads:read scope ([WithTokenSource]).
//
// # Privacy
//
// Raw personal data is normalized and hashed as soon as it is handed to a
// [UserData], and is never kept, logged, put in errors or printed by any fmt
// verb. The token is sent only in the Authorization header, never logged, and
// never sent over plain http except to a loopback address. The fields that are
// not hashed by Pinterest's design (the client IP address, the user agent,
// custom_data, the event URL) are sent as they are given.
//
// # Testing
//
// Package [github.com/capisdk/pinterest/pinteresttest] is a fake of the API
// that checks requests as Pinterest does, answers like Pinterest and injects
// faults; point a client at it with [WithBaseURL].
package pinterest
