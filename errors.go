package pinterest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidValue is matched (with errors.Is) by every *FieldError: a value that
// cannot be normalized or validated.
var ErrInvalidValue = errors.New("pinterest: invalid value")

// FieldError reports an invalid value of one field. It names the field by its
// wire path (for example "user_data.em" or "event_id") and says why the value
// was refused, but never contains the value itself, so it is safe to log.
type FieldError struct {
	Field  string // wire path of the field, e.g. "user_data.ph"
	Reason string // why the value was refused, e.g. "fewer than 7 digits"
}

// Error returns "pinterest: invalid <field>: <reason>".
func (e *FieldError) Error() string {
	return "pinterest: invalid " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidValue.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidValue }

// fieldErr makes a *FieldError for a user_data field.
func fieldErr(f UserField, reason string) error {
	return &FieldError{Field: "user_data." + string(f), Reason: reason}
}

// Sentinel errors, matched with errors.Is against the errors Send and the
// Batcher return and the errors on each EventResult.
var (
	// ErrRateLimited: Pinterest answered 429 Too Many Requests.
	ErrRateLimited = errors.New("pinterest: rate limited")
	// ErrUnavailable: Pinterest answered 503 Service Unavailable.
	ErrUnavailable = errors.New("pinterest: service unavailable")
	// ErrServer: Pinterest answered another 5xx status.
	ErrServer = errors.New("pinterest: server error")
	// ErrUnauthorized: Pinterest answered 401: the token is missing, wrong or expired.
	ErrUnauthorized = errors.New("pinterest: unauthorized")
	// ErrForbidden: Pinterest answered 403: the token may not send for this ad account.
	ErrForbidden = errors.New("pinterest: forbidden")
	// ErrInvalidRequest: Pinterest answered 400 or 404: the request did not validate.
	ErrInvalidRequest = errors.New("pinterest: invalid request")
	// ErrNotAllProcessed: Pinterest answered 422: not all events were processed.
	ErrNotAllProcessed = errors.New("pinterest: not all events processed")
	// ErrMalformedResponse: the answer's body was not the JSON Pinterest sends
	// (an HTML error page from a proxy, a truncated body...).
	ErrMalformedResponse = errors.New("pinterest: malformed response")
	// ErrEventRejected: Pinterest processed the request but failed this event;
	// the *EventError says why.
	ErrEventRejected = errors.New("pinterest: event rejected")
	// ErrNoEvents: Send was called without events.
	ErrNoEvents = errors.New("pinterest: no events")
	// ErrQueueFull: a Batcher's queue is full (with WithNonBlockingAdd).
	ErrQueueFull = errors.New("pinterest: queue full")
	// ErrClosed: the Batcher is closed.
	ErrClosed = errors.New("pinterest: batcher closed")
	// ErrOutcomeUnknown: the request holding the event was written to the
	// network but no answer says what became of it: a timeout or a reset
	// after the request was sent, the context cancelled while waiting for
	// the answer, a Batcher's Close ending with the request in flight, a
	// 500, 502 or 504, an unreadable 200, a 422 that does not say which
	// events failed, or retries that ended after any of these. Pinterest may
	// have processed the event. The error also matches its cause (an
	// *APIError, a *TransportError, a context error, ErrClosed...). An event
	// whose request was never written never matches it.
	//
	// What to do: a web or app event may be sent again with the same event
	// id, since Pinterest de-duplicates those by event id within 48 hours;
	// an offline event should be held for review, since Pinterest does not
	// de-duplicate offline events and a re-send may count it twice.
	ErrOutcomeUnknown = errors.New("pinterest: outcome unknown")
)

// APIError is an answer of Pinterest other than 200, or a 200 whose body could
// not be read. Match it with errors.As; errors.Is matches it with the sentinel
// of its status (ErrRateLimited for 429, ErrUnavailable for 503...).
type APIError struct {
	StatusCode int // HTTP status
	Code       int // Pinterest's error code, e.g. 4196 (0 if the body had none)
	// Message is Pinterest's message, or a description of an unreadable
	// body. A message of the server's is cut to 512 bytes (at a UTF-8
	// boundary, saying how many bytes were cut), and the client's token is
	// replaced by [REDACTED] wherever the server echoed it.
	Message    string
	Details    json.RawMessage // the "details" object of a 422 answer, raw, the token replaced by [REDACTED]
	RetryAfter time.Duration   // the Retry-After header, when present and valid
	// Excerpt is the start of a body that was not the expected JSON (at most
	// 64 bytes, control characters replaced), to help diagnose proxies and
	// outages. Empty for well-formed answers.
	Excerpt string
}

// Error returns one line: "pinterest: status 429, code 8: This request ...".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("pinterest: status ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != 0 {
		b.WriteString(", code ")
		b.WriteString(strconv.Itoa(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	if e.Excerpt != "" {
		b.WriteString(" (body starts ")
		b.WriteString(strconv.Quote(e.Excerpt))
		b.WriteString(")")
	}
	return b.String()
}

// Is matches the sentinel of the error's status. It only compares with this
// package's sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrMalformedResponse:
		return e.Excerpt != "" || (e.StatusCode == http.StatusOK)
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnavailable:
		return e.StatusCode == http.StatusServiceUnavailable
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode != http.StatusServiceUnavailable
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusNotFound
	case ErrNotAllProcessed:
		return e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}

// EventError is Pinterest's verdict on one event it failed to process, with
// its error_message.
type EventError struct {
	// Message is Pinterest's error_message, possibly empty, cut to 512 bytes
	// and with the client's token replaced by [REDACTED], as APIError.Message.
	Message string
}

// Error returns "pinterest: event rejected: <message>".
func (e *EventError) Error() string {
	if e.Message == "" {
		return ErrEventRejected.Error()
	}
	return ErrEventRejected.Error() + ": " + oneLine(e.Message)
}

// Is reports whether target is ErrEventRejected.
func (e *EventError) Is(target error) bool { return target == ErrEventRejected }

// SendError is returned by Send when some events were not processed, and by
// Batcher.Close when some of the events the Batcher accepted were not. Each
// failed event's own error is on its EventResult; SendError counts them and
// unwraps to the distinct causes, so errors.Is(err, ErrRateLimited) and
// errors.As(err, &apiErr) reach them.
type SendError struct {
	Total  int     // events given to Send
	Failed int     // events not processed
	Causes []error // distinct causes, in the order first met
}

// Error returns "pinterest: 3 of 10 events failed: <first cause> (+1 more cause)".
func (e *SendError) Error() string {
	s := "pinterest: " + strconv.Itoa(e.Failed) + " of " + strconv.Itoa(e.Total) + " events failed"
	if len(e.Causes) > 0 {
		s += ": " + e.Causes[0].Error()
	}
	if n := len(e.Causes) - 1; n == 1 {
		s += " (+1 more cause)"
	} else if n > 1 {
		s += " (+" + strconv.Itoa(n) + " more causes)"
	}
	return s
}

// Unwrap returns the distinct causes.
func (e *SendError) Unwrap() []error { return e.Causes }

// TransportError is a failure to get an answer from Pinterest at all: the
// connection was refused or reset, or an attempt timed out.
type TransportError struct{ Err error }

// Error returns "pinterest: transport: <cause>".
func (e *TransportError) Error() string { return "pinterest: transport: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// unknownOutcome is the error of an event whose request may have been
// processed: it matches ErrOutcomeUnknown and its cause.
type unknownOutcome struct{ err error }

func (e *unknownOutcome) Error() string {
	return "pinterest: outcome unknown, Pinterest may have processed the event: " + strings.TrimPrefix(e.err.Error(), "pinterest: ")
}

func (e *unknownOutcome) Unwrap() []error { return []error{ErrOutcomeUnknown, e.err} }

// ctxCause returns why ctx ended: its cause when one was given (a closing
// Batcher gives one), else its error.
func ctxCause(ctx context.Context) error {
	if c := context.Cause(ctx); c != nil {
		return c
	}
	return ctx.Err()
}

// oneLine keeps the first line of s.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// excerptBytes bounds APIError.Excerpt.
const excerptBytes = 64

// excerpt returns the start of a body for an error message: at most 64 bytes
// of valid UTF-8, control characters replaced by spaces.
func excerpt(b []byte) string {
	if len(b) > excerptBytes {
		b = b[:excerptBytes]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
