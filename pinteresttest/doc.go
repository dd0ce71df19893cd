// Package pinteresttest provides a fake Pinterest API for Conversions server
// for tests: it checks requests the way Pinterest does, answers like
// Pinterest, records what it received and injects faults on demand.
//
// It depends on the standard library only, so that importing it in tests
// stays cheap.
//
//	srv := pinteresttest.NewServerT(t, pinteresttest.WithToken("test-token"))
//	// point the client under test at srv.URL, send events, then:
//	events := srv.Events()
//
// # Endpoint
//
// The server listens on a loopback address and serves
// POST {URL}/v5/ad_accounts/{ad_account_id}/events, where ad_account_id has 1
// to 18 digits. Any other path is answered 404, any other method 405. A
// request needs an "Authorization: Bearer <token>" header (any non-empty
// token, or exactly the one of WithToken), else it is answered 401
// {"code":2,"message":"Authentication failed."}. With ?test=true (also TRUE
// or 1) a request is validated and answered as usual, but its events are not
// recorded.
//
// It also serves GET {URL}/v5/ad_accounts/{ad_account_id}/conversion_eqs,
// Pinterest's Event Quality Score: the query must have lookback_period (1d or
// 14d) and may have source_platform and ingestion_source, each once and from
// the spec's enum, nothing else (else 400); the answer is the array set with
// Server.SetEventQualityScores, [] until then. With WithOAuthToken only that
// token is accepted there, as Pinterest refuses conversion tokens on it (401).
//
// # Validation
//
// The body must be application/json (no Content-Encoding) and match the JSON
// Schema of the official OpenAPI description (ConversionEvents): an object
// {"data":[...]} with 1 to 1000 events; no unknown keys at the top level, in
// events, custom_data, contents items, app_info, device_info and (stricter
// than the spec) user_data; the required event keys event_name,
// action_source, event_time, event_id and user_data; JSON types as declared
// (null only where the spec says nullable; event_time an int64 integer); the
// maxLength, minimum, maximum, maxItems and enum constraints of app_info and
// device_info; no duplicate keys. A request that breaks one of these is
// answered 400 {"code":4196,"message":"Invalid request: ..."}, where the
// message follows the wording of Python's jsonschema, as Pinterest's do, for
// example "Additional properties are not allowed ('category_name' was
// unexpected) at data[0].custom_data" or "'event_id' is a required property
// at data[0]", but never quotes a value.
//
// A request holding an event more than 7 days old (by the server's clock,
// WithClock) is answered 422 as a whole and nothing of it is recorded, as
// Pinterest does (seen live). The fake's "details" then hold the 200 body
// with every event failed, the stale ones saying why: Pinterest does not
// publish what its details hold, so that part is a guess.
//
// Then each event is checked on its own; an event that fails gets status
// "failed" and an error_message naming the field, and the other events are
// still processed:
//   - event_name is one of the 22 names of API 5.28;
//   - action_source is web, app_android, app_ios or offline;
//   - event_id is not empty;
//   - event_time is at most 1 hour in the future, by the server's clock;
//   - every value of em, ph, ge, db, ln, fn, ct, st, zp, country,
//     external_id and hashed_maids is 64 lowercase hex characters;
//   - user_data has a non-empty em, a non-empty hashed_maids, or both
//     client_ip_address and client_user_agent non-empty;
//   - custom_data.value, custom_data.predicted_ltv and
//     custom_data.contents[].item_price, when not empty, are finite decimal
//     numbers (as strconv.ParseFloat reads them);
//   - custom_data.num_items and custom_data.contents[].quantity are not
//     negative;
//   - each device_info.languages entry is 2 letters (a limit of the live
//     API, like item_brand_id's 64 characters, which is checked with the
//     schema; neither is in the spec). The event key
//     advertiser_tracking_enabled (a boolean) is accepted, as the live API
//     accepts it, although the spec lacks it.
//
// FailEvents and WarnEvents add failures and warnings of your own.
//
// # Answers
//
// A valid request is answered 200 with
// {"num_events_received":N,"num_events_processed":K,"events":[...]}, one
// {"status","error_message","warning_message"} item per event in request
// order, with empty strings when there is nothing to say, as Pinterest does.
// With WithPartialFailureStatus(422), a request in which some events failed
// is answered 422 {"code":422,"message":"Not all events were successfully
// processed.","details":{...the 200 body...}} instead. The spec documents the
// 422 message and the DetailedError shape but no code, and no shape for the
// details: code 422 and those details are guesses, as are the codes of 404,
// 405, 500, 502 and 504 answers (the spec's examples give 4196 for 400, 2
// for 401, 29 for 403, 8 for 429 and 4197 for 503). Either way the
// processed events of the request are recorded. Error answers have the
// Error shape {"code":...,"message":...}. All answers are application/json.
//
// # Recording
//
// Events returns the processed events of the non-test requests; Requests
// returns every request with its outcome (the bearer token is never kept).
// Reset forgets both.
//
// # Faults
//
// Enqueue queues Fault values that the next requests take, one each, in
// order: HTTP error statuses with optional Retry-After headers, latency,
// dropped connections, HTML or malformed bodies, truncated answers, and
// answers lost after the events were recorded (Process). WithMaxBodyBytes
// answers 413 to bodies over a size, recording nothing. WithRateLimit
// answers 429 when a client sends too fast, and WithAdAccounts answers 403
// for ad accounts the token may not use. ParseFaults reads a short text form
// of a fault list, such as "503*2,429+retry-after=1,ok".
//
// # Running it alone
//
// Command pinfake (cmd/pinfake) runs the server on a loopback port for local
// development, logs what it receives (WithAddress and WithObserver are the
// options it uses) and plays a fault script given by flag:
//
//	go run github.com/capisdk/pinterest/pinteresttest/cmd/pinfake -faults '503,ok'
//
// # Shutdown
//
// Close (called by the cleanup of NewServerT) ends pending delays, closes
// the client connections and returns once every handler has returned.
package pinteresttest
