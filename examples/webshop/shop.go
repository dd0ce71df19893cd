package main

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresthttp"
)

// shop is a one-product web shop that reports its checkouts to Pinterest.
type shop struct {
	web     *pinteresthttp.Extractor
	batcher *pinterest.Batcher
	log     *slog.Logger
	orders  atomic.Int64
}

// routes serves the landing page, behind the middleware that keeps the
// epik parameter of a Pinterest ad click as the _epik cookie, and the
// checkout.
func (s *shop) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", s.web.Middleware(http.HandlerFunc(s.landing)))
	mux.HandleFunc("POST /checkout", s.checkout)
	return mux
}

var pages = template.Must(template.New("landing").Parse(`<!doctype html>
<title>Shop</title>
<h1>Linen shirt, $24.13</h1>
<form method="post" action="/checkout">
<label>E-mail <input type="email" name="email" required></label>
<button>Buy</button>
</form>
{{define "thanks"}}<!doctype html>
<title>Thank you</title>
<h1>Thank you! Order {{.}} is on its way.</h1>
{{end}}`))

func (s *shop) landing(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.Execute(w, nil); err != nil {
		s.log.Error("landing page", "err", err)
	}
}

// checkout takes the order and queues its conversion. The event carries the
// visitor's IP address, user agent, click id, the page URL and language
// from the request, plus the e-mail the visitor typed; the Batcher sends it
// in the background, so a slow or failing Pinterest never slows the order.
func (s *shop) checkout(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	if email == "" {
		http.Error(w, "an e-mail address is required", http.StatusBadRequest)
		return
	}
	order := strconv.FormatInt(1000+s.orders.Add(1), 10)

	ev := s.web.Event(r, pinterest.EventCheckout).ID("order-" + order).Custom(pinterest.CustomData{
		Currency: "USD", Value: "24.13", OrderID: order, NumItems: 1, ContentIDs: []string{"sku-42"},
	})
	ev.UserData().Email(email)
	if err := s.batcher.Add(r.Context(), ev); err != nil {
		// The order stands; only its report to Pinterest is lost, and said so.
		s.log.Warn("conversion not queued", "event_id", ev.EventID(), "err", err)
	}

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, "thanks", order); err != nil {
		s.log.Error("thanks page", "err", err)
	}
}

// logResult logs the fate of each conversion, without personal data: the
// warnings name fields, never values.
func logResult(log *slog.Logger) func(pinterest.EventResult) {
	return func(r pinterest.EventResult) {
		attrs := []any{"event_id", r.EventID, "status", r.Status}
		if len(r.Warnings) > 0 {
			attrs = append(attrs, "warnings", r.Warnings)
		}
		if r.Err != nil {
			log.Warn("conversion failed", append(attrs, "err", r.Err)...)
			return
		}
		log.Info("conversion sent", attrs...)
	}
}
