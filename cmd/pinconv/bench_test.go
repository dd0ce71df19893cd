package main

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/columns"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/convert"
	"github.com/capisdk/pinterest/cmd/pinconv/internal/input"
)

// benchRows makes n rows of a rich offline-sales export: nine personal
// fields, an RFC 3339-like time, a value, currency and order id.
func benchRows(n int, at time.Time) []byte {
	var b bytes.Buffer
	b.WriteString("Email Address,Phone Number,First Name,Last Name,City,State,ZIP,Country,Customer ID,Timestamp,Event Type,Order Total,Currency,Order ID\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Customer.%d@Example.com,+1 (650) 555-%04d,Jane,O'Neil-Smith,San Francisco,CA,94107,US,cust-%d,%s,Purchase,%d.%02d,USD,order-%d\n",
			i, i%10000, i, at.Add(-time.Duration(i%86400)*time.Second).UTC().Format("2006-01-02 15:04:05"), i%900, i%100, i)
	}
	return b.Bytes()
}

// BenchmarkParsePrepare measures what pinconv does per row before the
// network: read the CSV, map the columns, normalize and hash the personal
// data, build the event and encode its wire JSON (what hash prints and send
// sends). Run it on one core:
//
//	go test -run '^$' -bench ParsePrepare -benchmem -cpu 1 -count 6 ./cmd/pinconv
func BenchmarkParsePrepare(b *testing.B) {
	b.Run("new", func(b *testing.B) { benchParsePrepare(b, false) })
	b.Run("reuse", func(b *testing.B) { benchParsePrepare(b, true) })
}

func benchParsePrepare(b *testing.B, reuse bool) {
	const rows = 20000
	data := benchRows(rows, time.Now())
	cfg := convert.Config{AdAccountID: testAccount}
	var js []byte
	client, err := pinterest.NewClient("unused-token")
	if err != nil {
		b.Fatal(err)
	}
	buf := client.NewEventBuffer()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := input.NewReader(bytes.NewReader(data), input.Options{Name: "bench.csv"})
		if err != nil {
			b.Fatal(err)
		}
		m, err := columns.Map(r.Header(), nil)
		if err != nil {
			b.Fatal(err)
		}
		c := convert.NewCSV(cfg, r.Header(), m)
		if reuse {
			c.UseBuffer(buf)
		}
		n := 0
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			res := c.Convert(rec)
			if res.Event == nil {
				b.Fatalf("row %d rejected: %+v", rec.Row, res.Reject)
			}
			js = res.Event.AppendJSON(js[:0])
			if reuse {
				buf.Reset()
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
