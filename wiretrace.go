package pinterest

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
)

// wireTrace learns from net/http/httptrace whether an attempt's request was
// written to the network whole: only then may Pinterest have processed it.
// It is told, never guessed from an error's text.
type wireTrace struct {
	traced atomic.Bool // the transport reports to httptrace (GetConn was called)
	wrote  atomic.Bool // WroteRequest reported the whole request written
}

// with returns ctx with the trace's hooks, composed with any trace ctx
// already has (an Observer's, a tracing RoundTripper's).
func (w *wireTrace) with(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(string) { w.traced.Store(true) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				w.wrote.Store(true)
			}
		},
	})
}

// mayHaveArrived reports whether the request may have reached the server
// whole. A transport that does not report to httptrace (a custom
// RoundTripper given with WithHTTPClient) cannot tell, so its requests are
// taken as written: an outcome wrongly called unknown costs a review, one
// wrongly called "not sent" costs a double count.
func (w *wireTrace) mayHaveArrived() bool { return w.wrote.Load() || !w.traced.Load() }
