package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"

	"github.com/capisdk/pinterest"
)

// staleColumns is the header of the --stale-out file: the columns of Ads
// Manager's conversion upload (help.pinterest.com, "Upload conversions with
// Ads Manager"), which takes events up to 30 days old and e-mails hashed with
// SHA-256.
var staleColumns = []string{"email_1", "email_2", "email_3", "email_4", "madid", "event_time", "event_type", "source_type", "value", "currency", "order_id"}

// staleWriter writes rows too old for the API as an Ads Manager upload file,
// with the SHA-256 hashes the SDK made (never a raw value).
type staleWriter struct {
	f   *os.File
	buf *bufio.Writer
	w   *csv.Writer
	n   int
	err error
}

func openStale(path string) (*staleWriter, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	s := &staleWriter{f: f, buf: bufio.NewWriter(f)}
	s.w = csv.NewWriter(s.buf)
	s.err = s.w.Write(staleColumns)
	return s, nil
}

// add writes one event; it reports false when the event has neither a hashed
// e-mail nor a mobile ad id, which Ads Manager's upload requires.
func (s *staleWriter) add(ev *pinterest.Event) bool {
	if s == nil || ev == nil {
		return false
	}
	js, err := ev.MarshalJSON()
	if err != nil {
		return false
	}
	var wire struct {
		UserData struct {
			Em    []string `json:"em"`
			Maids []string `json:"hashed_maids"`
		} `json:"user_data"`
		EventTime  int64 `json:"event_time"`
		CustomData struct {
			Value    string `json:"value"`
			Currency string `json:"currency"`
			OrderID  string `json:"order_id"`
		} `json:"custom_data"`
	}
	if json.Unmarshal(js, &wire) != nil || len(wire.UserData.Em) == 0 && len(wire.UserData.Maids) == 0 {
		return false
	}
	rec := make([]string, len(staleColumns))
	for i := 0; i < 4 && i < len(wire.UserData.Em); i++ {
		rec[i] = wire.UserData.Em[i]
	}
	if len(wire.UserData.Maids) > 0 {
		rec[4] = wire.UserData.Maids[0]
	}
	rec[5] = strconv.FormatInt(wire.EventTime, 10)
	rec[6] = string(ev.EventName())
	rec[7] = string(ev.ActionSource())
	rec[8], rec[9], rec[10] = wire.CustomData.Value, wire.CustomData.Currency, wire.CustomData.OrderID
	if s.err == nil {
		s.err = s.w.Write(rec)
	}
	s.n++
	return s.err == nil
}

func (s *staleWriter) count() int {
	if s == nil {
		return 0
	}
	return s.n
}

func (s *staleWriter) close() error {
	if s == nil {
		return nil
	}
	s.w.Flush()
	if s.err == nil {
		s.err = s.w.Error()
	}
	if err := s.buf.Flush(); s.err == nil {
		s.err = err
	}
	if err := s.f.Close(); s.err == nil {
		s.err = err
	}
	return s.err
}
