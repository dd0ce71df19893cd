package pinteresttest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Pinterest API for Conversions. Create it with NewServer or
// NewServerT. All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give the client under test, for example
	// "http://127.0.0.1:54321", without a trailing slash. The endpoint is
	// URL + "/v5/ad_accounts/{ad_account_id}/events".
	URL string

	cfg       config
	ts        *httptest.Server
	done      chan struct{} // closed by Close
	closeOnce sync.Once

	mu       sync.Mutex
	gen      uint64     // incremented by Reset
	events   []Event    // processed events of non-test requests
	requests []*Request // every request, in arrival order
	faults   []Fault    // queue consumed by incoming requests
	failFn   func(Event) string
	warnFn   func(Event) string
	rateLog  map[string][]time.Time // per ad account: times of admitted requests
	eqs      []byte                 // answer of the Event Quality Score endpoint (eqs.go)
}

// NewServer starts a fake server listening on a loopback address. It panics
// if an option is invalid or no loopback port can be opened. Call Close when
// done, or use NewServerT.
func NewServer(opts ...Option) *Server {
	s, err := newServer(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// NewServerT is like NewServer, but fails t instead of panicking and closes
// the server when t and its subtests end (t.Cleanup).
func NewServerT(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := newServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func newServer(opts []Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.apply(&cfg); err != nil {
			return nil, err
		}
	}
	l, err := listen(cfg.addr)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, done: make(chan struct{}), rateLog: make(map[string][]time.Time)}
	s.ts = &httptest.Server{
		Listener: l,
		Config:   &http.Server{Handler: http.HandlerFunc(s.handle)},
	}
	s.ts.Start()
	s.URL = s.ts.URL
	return s, nil
}

// listen opens the listener on addr, or on a free loopback port when addr is
// empty.
func listen(addr string) (net.Listener, error) {
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("pinteresttest: cannot listen on %s: %v", addr, err)
		}
		return l, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if l, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			return nil, fmt.Errorf("pinteresttest: cannot listen on a loopback address: %v", err)
		}
	}
	return l, nil
}

// Close shuts the server down: it ends pending Delay faults, closes the
// client connections and waits for the handlers to return. It may be called
// more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

// EventsURL returns the URL of the events endpoint of an ad account.
func (s *Server) EventsURL(adAccountID string) string {
	return s.URL + "/v5/ad_accounts/" + adAccountID + "/events"
}

// Client returns an HTTP client configured for the server (the one of
// httptest.Server); its connections are closed by Close.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Events returns a copy of every processed event of every non-test request,
// in arrival order. Failed events, events of rejected requests and events of
// test requests (?test=true) are not included.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, len(s.events))
	for i, e := range s.events {
		out[i] = e.clone()
	}
	return out
}

// Requests returns a copy of every request that reached the server, in
// arrival order, including rejected and test requests. A request still being
// handled has Status 0.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Reset forgets the recorded events and requests, the queued faults and the
// rate-limit history. The options and the FailEvents and WarnEvents functions
// are kept. Requests in flight during Reset record nothing afterwards.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.events = nil
	s.requests = nil
	s.faults = nil
	s.rateLog = make(map[string][]time.Time)
}

// Enqueue appends faults to the fault queue. Each incoming request (to any
// path) takes the first fault of the queue, atomically, so that with
// concurrent clients every fault is applied exactly once. When the queue is
// empty, requests are handled normally. Enqueue panics on a Status outside
// 200 to 599 (0 is allowed).
func (s *Server) Enqueue(faults ...Fault) {
	for _, f := range faults {
		if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
			panic(fmt.Sprintf("pinteresttest: Enqueue: invalid Status %d", f.Status))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// FailEvents injects per-event failures: fn is called with a copy of each
// event that passed every check, and a non-empty return value fails the
// event with that error_message. A nil fn clears it. fn may be called from
// several goroutines at once.
func (s *Server) FailEvents(fn func(Event) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failFn = fn
}

// WarnEvents injects per-event warnings: fn is called with a copy of each
// event of a request that passed request-level validation (processed or
// failed), and its return value becomes the event's warning_message. A nil
// fn clears it. fn may be called from several goroutines at once.
func (s *Server) WarnEvents(fn func(Event) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnFn = fn
}

// answer is an HTTP answer to send.
type answer struct {
	status       int
	contentType  string
	header       http.Header
	body         []byte
	message      string // message of an error body
	numEvents    int
	numProcessed int
	results      []eventResult // per-event items, nil unless processed
}

// reqInfo is what the server reads from a request before processing it.
type reqInfo struct {
	pathOK     bool   // the path has the shape of the endpoint
	adAccount  string // {ad_account_id}, possibly invalid
	test       bool
	authorized bool
	eqs        bool // the Event Quality Score endpoint (eqs.go)
	gen        uint64
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(r.Body)
	rec, info, fault := s.begin(r, body)
	if readErr != nil {
		return // the client is gone; there is no one to answer
	}
	if s.cfg.maxBody > 0 && len(body) > s.cfg.maxBody {
		// Too large to look at: nothing is validated or recorded, and a
		// fault the request took from the queue is not applied.
		s.send(w, rec, errorAnswer(http.StatusRequestEntityTooLarge, 0, ""))
		return
	}
	if fault == nil {
		s.send(w, rec, s.process(r, info, body, true))
		return
	}

	var ans *answer
	if fault.Process {
		ans = s.process(r, info, body, true)
	}
	if fault.Delay > 0 && !s.sleep(r.Context(), fault.Delay) {
		// The client gave up or the server is closing: send nothing at all
		// (returning would send an empty 200 on a live connection).
		s.finish(rec, ans, 0)
		panic(http.ErrAbortHandler)
	}
	if fault.Drop {
		s.finish(rec, ans, 0)
		drop(w)
		return
	}
	switch {
	case fault.Body != "":
		ans = rawAnswer(fault, ans)
	case fault.statusOverride():
		ans = faultAnswer(fault, ans)
	case ans == nil:
		// Latency only (record normally), or a truncated normal answer
		// without Process (record nothing).
		ans = s.process(r, info, body, !fault.Truncate)
	}
	if fault.RetryAfter != "" {
		if ans.header == nil {
			ans.header = make(http.Header)
		}
		ans.header.Set("Retry-After", fault.RetryAfter)
	}
	if fault.Truncate {
		s.sendTruncated(w, rec, ans)
		return
	}
	s.send(w, rec, ans)
}

// begin records the request and takes a fault from the queue, atomically.
func (s *Server) begin(r *http.Request, body []byte) (*Request, reqInfo, *Fault) {
	info := reqInfo{}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v5/ad_accounts/"); ok {
		if id, ok := strings.CutSuffix(rest, "/events"); ok && !strings.Contains(id, "/") {
			info.pathOK, info.adAccount = true, id
		}
	}
	if id, ok := eqsPath(r.URL.Path); ok {
		info.eqs, info.adAccount = true, id
	}
	test := r.URL.Query().Get("test")
	info.test = strings.EqualFold(test, "true") || test == "1"
	if tok, ok := bearerToken(r.Header.Get("Authorization")); ok {
		info.authorized = s.cfg.token == "" ||
			subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.token)) == 1 ||
			s.cfg.oauthToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.oauthToken)) == 1
	}
	if info.eqs {
		info.authorized = s.eqsAuthorized(r)
	}
	header := r.Header.Clone()
	header.Del("Authorization")
	header.Del("Proxy-Authorization")
	rec := &Request{
		Method:      r.Method,
		Path:        r.URL.Path,
		RawQuery:    r.URL.RawQuery,
		AdAccountID: info.adAccount,
		Test:        info.test,
		ContentType: r.Header.Get("Content-Type"),
		UserAgent:   r.UserAgent(),
		Header:      header,
		Authorized:  info.authorized,
		Body:        body,
		Time:        s.cfg.now(),
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	info.gen = s.gen
	s.requests = append(s.requests, rec)
	var fault *Fault
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults[0] = Fault{}
		s.faults = s.faults[1:]
		fault = &f
		fc := f
		rec.Fault = &fc
	}
	return rec, info, fault
}

// finish stores the outcome of a request. It runs before the answer is
// written, so that a client that has read the answer finds it recorded.
func (s *Server) finish(rec *Request, ans *answer, status int) {
	s.mu.Lock()
	rec.Status = status
	if ans != nil {
		rec.Message = ans.message
		rec.NumEvents = ans.numEvents
		rec.NumProcessed = ans.numProcessed
		if ans.results != nil {
			rec.Results = make([]EventResult, len(ans.results))
			for i, r := range ans.results {
				rec.Results[i] = EventResult(r)
			}
		}
	}
	var c Request
	if s.cfg.observer != nil {
		c = rec.clone()
	}
	s.mu.Unlock()
	if s.cfg.observer != nil {
		s.cfg.observer(c)
	}
}

// sleep waits for d and reports whether the wait completed; it stops early
// when ctx ends or the server is closed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// checkAccess answers, as Pinterest does, a request for an endpoint of an ad
// account that is refused before its content is read: an invalid ad account
// id (404), another method than the endpoint's (405), a missing or wrong
// token (401), an ad account the token may not use (403). It returns nil
// when the request may go on.
func (s *Server) checkAccess(r *http.Request, info reqInfo, method string) *answer {
	switch {
	case !validAdAccountID(info.adAccount):
		return errorAnswer(http.StatusNotFound, 404, "Invalid ad account id.")
	case r.Method != method:
		a := errorAnswer(http.StatusMethodNotAllowed, 5, "Method not allowed")
		a.header = http.Header{"Allow": {method}}
		return a
	case !info.authorized:
		return errorAnswer(http.StatusUnauthorized, 0, "")
	}
	if s.cfg.adAccounts != nil {
		if _, ok := s.cfg.adAccounts[info.adAccount]; !ok {
			return errorAnswer(http.StatusForbidden, 0, "")
		}
	}
	return nil
}

// process handles a request the way Pinterest does. With commit false the
// events are not recorded and the rate-limit history is not updated (the
// request is only evaluated).
func (s *Server) process(r *http.Request, info reqInfo, body []byte, commit bool) *answer {
	switch {
	case info.eqs:
		return s.processEQS(r, info)
	case !info.pathOK:
		return errorAnswer(http.StatusNotFound, 404, "Not found.")
	}
	if a := s.checkAccess(r, info, http.MethodPost); a != nil {
		return a
	}
	if !s.admit(info, commit) {
		return errorAnswer(http.StatusTooManyRequests, 0, "")
	}
	if msg := checkHeaders(r.Header); msg != "" {
		return errorAnswer(http.StatusBadRequest, 0, "Invalid request: "+msg)
	}
	req, err := decodeRequest(body)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, 0, "Invalid request: "+err.Error())
	}

	now := s.cfg.now()
	if stale := staleEvents(req.Data, now); len(stale) > 0 {
		return staleAnswer(len(req.Data), stale)
	}
	s.mu.Lock()
	failFn, warnFn := s.failFn, s.warnFn
	s.mu.Unlock()

	resp := eventsResponse{
		NumEventsReceived: len(req.Data),
		Events:            make([]eventResult, len(req.Data)),
	}
	var processed []Event
	for i := range req.Data {
		e := &req.Data[i]
		errs := checkEvent(e, now)
		if len(errs) == 0 && failFn != nil {
			if msg := failFn(e.clone()); msg != "" {
				errs = []string{msg}
			}
		}
		res := &resp.Events[i]
		if len(errs) > 0 {
			res.Status = "failed"
			res.ErrorMessage = strings.Join(errs, "; ")
		} else {
			res.Status = "processed"
			processed = append(processed, *e)
		}
		if warnFn != nil {
			res.WarningMessage = warnFn(e.clone())
		}
	}
	resp.NumEventsProcessed = len(processed)

	if commit && !info.test && len(processed) > 0 {
		s.mu.Lock()
		if s.gen == info.gen {
			s.events = append(s.events, processed...)
		}
		s.mu.Unlock()
	}

	respJSON, err := json.Marshal(resp)
	if err != nil {
		panic(err) // cannot happen: plain strings and ints
	}
	var a *answer
	if len(processed) < len(req.Data) && s.cfg.partialStatus == http.StatusUnprocessableEntity {
		a = errorAnswer(http.StatusUnprocessableEntity, 0, "")
		a.body = marshal(errorBody{Code: http.StatusUnprocessableEntity, Message: a.message, Details: respJSON})
	} else {
		a = &answer{status: http.StatusOK, contentType: jsonType, body: respJSON}
	}
	a.numEvents, a.numProcessed = len(req.Data), len(processed)
	a.results = resp.Events
	return a
}

// staleAnswer is the answer to a request holding events older than 7 days:
// Pinterest answers 422 to such a request (api-reference.md 7.2), and nothing
// of it is recorded. What its "details" hold is not published; the server's
// guess is the shape of the 200 body with every event failed, the stale ones
// saying why, so that a client can tell them from the others.
func staleAnswer(n int, stale []int) *answer {
	resp := eventsResponse{NumEventsReceived: n, Events: make([]eventResult, n)}
	for i := range resp.Events {
		resp.Events[i] = eventResult{Status: "failed",
			ErrorMessage: "not processed: another event of the request is more than 7 days old"}
	}
	for _, i := range stale {
		resp.Events[i].ErrorMessage = "event_time is more than 7 days in the past"
	}
	a := errorAnswer(http.StatusUnprocessableEntity, 0, "")
	a.body = marshal(errorBody{Code: http.StatusUnprocessableEntity, Message: a.message, Details: marshal(resp)})
	a.numEvents, a.results = n, resp.Events
	return a
}

// admit applies the rate limit of WithRateLimit (a sliding log per ad
// account). With commit false it only checks.
func (s *Server) admit(info reqInfo, commit bool) bool {
	if s.cfg.rateN == 0 {
		return true
	}
	now := s.cfg.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != info.gen {
		return true // a Reset happened meanwhile: count against nothing
	}
	log := s.rateLog[info.adAccount]
	start := 0
	for start < len(log) && !log[start].After(now.Add(-s.cfg.ratePer)) {
		start++
	}
	log = log[start:]
	if len(log) >= s.cfg.rateN {
		s.rateLog[info.adAccount] = log
		return false
	}
	if commit {
		log = append(log, now)
	}
	s.rateLog[info.adAccount] = log
	return true
}

// checkHeaders checks the Content-Type and Content-Encoding of a request.
func checkHeaders(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return "Content-Type must be application/json"
	}
	if ce := h.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return "Content-Encoding is not supported"
	}
	return ""
}

func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// validAdAccountID reports whether id matches ^\d{1,18}$.
func validAdAccountID(id string) bool {
	if len(id) < 1 || len(id) > 18 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

const jsonType = "application/json"

// Default codes and messages of error answers, by status.
var defaultErrors = map[int]struct {
	code    int
	message string
}{
	400: {4196, "The request was invalid."},
	401: {2, "Authentication failed."},
	403: {29, "You are not permitted to access that resource."},
	404: {404, "Not found."},
	405: {5, "Method not allowed"},
	413: {413, "Request entity too large."},
	422: {422, "Not all events were successfully processed."}, // the code is a guess: the spec documents none
	429: {8, "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window."},
	500: {500, "Internal server error."},
	502: {502, "Bad gateway."},
	503: {4197, "The endpoint has been ramped down and is currently not accepting any traffic."},
	504: {504, "Gateway timeout."},
}

// errorAnswer makes an Error answer; code 0 and message "" take the defaults
// of the status. A 422 answer gets an empty "details" object.
func errorAnswer(status, code int, message string) *answer {
	d, ok := defaultErrors[status]
	if !ok {
		d.code, d.message = status, http.StatusText(status)
	}
	if code == 0 {
		code = d.code
	}
	if message == "" {
		message = d.message
	}
	eb := errorBody{Code: code, Message: message}
	if status == http.StatusUnprocessableEntity {
		eb.Details = json.RawMessage("{}")
	}
	return &answer{status: status, contentType: jsonType, body: marshal(eb), message: message}
}

// faultAnswer makes the Error answer of a fault with a Status, keeping the
// event counts of a processed request.
func faultAnswer(f *Fault, processed *answer) *answer {
	a := errorAnswer(f.Status, f.Code, f.Message)
	if processed != nil {
		a.numEvents, a.numProcessed = processed.numEvents, processed.numProcessed
		a.results = processed.results
	}
	return a
}

// rawAnswer makes the answer of a fault with a Body.
func rawAnswer(f *Fault, processed *answer) *answer {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	ct := "text/html; charset=utf-8"
	if strings.HasPrefix(strings.TrimLeft(f.Body, " \t\r\n"), "{") {
		ct = jsonType
	}
	a := &answer{status: status, contentType: ct, body: []byte(f.Body)}
	if processed != nil {
		a.numEvents, a.numProcessed = processed.numEvents, processed.numProcessed
		a.results = processed.results
	}
	return a
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func (s *Server) send(w http.ResponseWriter, rec *Request, a *answer) {
	s.finish(rec, a, a.status)
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// sendTruncated writes the status line, the headers with the full
// Content-Length and half of the body, then closes the connection.
func (s *Server) sendTruncated(w http.ResponseWriter, rec *Request, a *answer) {
	s.finish(rec, a, a.status)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	h := a.header.Clone()
	if h == nil {
		h = make(http.Header)
	}
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	fmt.Fprintf(buf, "HTTP/1.1 %03d %s\r\n", a.status, http.StatusText(a.status))
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(a.body[:len(a.body)/2])
	_ = buf.Flush()
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
