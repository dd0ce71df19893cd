// Command webshop is a small net/http shop that reports its checkouts to
// Pinterest with package pinteresthttp: the landing page keeps the epik
// parameter of an ad click as a first-party cookie, and the checkout builds
// the conversion from the request in three lines and hands it to a Batcher.
//
// Without PINTEREST_TOKEN it needs no credentials: it starts the fake
// Conversions API of package pinteresttest in-process, sends to it, and on
// exit prints what the fake received.
//
//	go run ./examples/webshop
//	curl -si 'http://127.0.0.1:8080/?epik=dj0yJnU9b2JD' -c jar
//	curl -s -b jar -d email=jane@example.com http://127.0.0.1:8080/checkout
//
// Stop it with Ctrl-C or SIGTERM: it stops accepting requests, lets those in
// progress finish, then closes the Batcher, which sends every queued event.
//
// With PINTEREST_TOKEN and PINTEREST_AD_ACCOUNT_ID it sends to the real API
// in test mode (?test=true: Pinterest validates but records nothing). Behind
// a load balancer, pass its networks with -trust 10.0.0.0/16 so that the
// visitor's address is read from X-Forwarded-For.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresthttp"
	"github.com/capisdk/pinterest/pinteresttest"
)

// shutdownTimeout bounds the graceful shutdown: requests in progress, then
// the Batcher's last sends.
const shutdownTimeout = 15 * time.Second

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	trust := flag.String("trust", "", "comma-separated networks of trusted proxies (X-Forwarded-For), e.g. 10.0.0.0/16")
	flag.Parse()
	if err := run(*addr, *trust, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "webshop:", err)
		os.Exit(1)
	}
}

func run(addr, trust string, out io.Writer) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	proxies, err := parseTrust(trust)
	if err != nil {
		return err
	}

	token, account := os.Getenv("PINTEREST_TOKEN"), os.Getenv("PINTEREST_AD_ACCOUNT_ID")
	opts := []pinterest.Option{pinterest.WithUserAgent("capisdk-webshop/1"), pinterest.WithLogger(log)}
	var fake *pinteresttest.Server
	if token == "" {
		fake = pinteresttest.NewServer()
		defer fake.Close()
		token, account = "webshop-token", "549755885175"
		opts = append(opts, pinterest.WithBaseURL(fake.URL))
		fmt.Fprintln(out, "No PINTEREST_TOKEN: sending to an in-process fake of the Conversions API")
	} else {
		if account == "" {
			return errors.New("PINTEREST_TOKEN is set but PINTEREST_AD_ACCOUNT_ID is not")
		}
		opts = append(opts, pinterest.WithTestMode())
	}
	client, err := pinterest.NewClient(token, opts...)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Shop at http://%s/ (Ctrl-C to stop)\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	web := &pinteresthttp.Extractor{Proxies: proxies, Client: client, Logger: log}
	err = serve(ctx, ln, client, account, web, log)

	if fake != nil {
		evs := fake.Events()
		fmt.Fprintf(out, "The fake Conversions API received %d event(s)\n", len(evs))
		for _, ev := range evs {
			fmt.Fprintf(out, "  %s %s url=%s ip=%s click_id=%t em=%d\n", ev.EventName, ev.EventID,
				ev.EventSourceURL, ev.UserData.ClientIPAddress, ev.UserData.ClickID != "", len(ev.UserData.Em))
		}
	}
	return err
}

// serve runs the shop on ln until ctx ends, then shuts down in order: the
// HTTP server first, so that no checkout adds an event any more and those in
// progress finish, then the Batcher, which sends what is queued.
func serve(ctx context.Context, ln net.Listener, client *pinterest.Client, account string, web *pinteresthttp.Extractor, log *slog.Logger) error {
	batcher, err := client.NewBatcher(account,
		pinterest.WithFlushInterval(2*time.Second),
		pinterest.WithResultHandler(logResult(log)))
	if err != nil {
		return err
	}
	s := &shop{web: web, batcher: batcher, log: log}
	srv := &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case <-ctx.Done():
	case err = <-served: // the listener failed
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		err = errors.Join(err, fmt.Errorf("stopping the HTTP server: %w", serr))
	}
	if cerr := batcher.Close(sctx); cerr != nil {
		err = errors.Join(err, fmt.Errorf("closing the batcher: %w", cerr))
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// parseTrust reads the -trust flag: comma-separated prefixes or addresses.
func parseTrust(s string) (pinteresthttp.Proxies, error) {
	if s == "" {
		return pinteresthttp.Proxies{}, nil
	}
	var nets []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if p, err := netip.ParsePrefix(f); err == nil {
			nets = append(nets, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return pinteresthttp.Proxies{}, fmt.Errorf("-trust: %q is neither a network nor an address", f)
		}
		nets = append(nets, netip.PrefixFrom(a, a.BitLen()))
	}
	return pinteresthttp.LoadBalancer(nets...), nil
}
