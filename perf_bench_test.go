package pinterest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/capisdk/pinterest"
)

// perfRaw is one customer's raw, messy data, as a shop's database gives it.
type perfRaw struct {
	email, phone, gender, dob, first, last, city, state, zip string
	ip, ua, orderID, value, sku, price                       string
}

// Names, cities and states: the first 8 of each list are ASCII (messy case and
// white space), the last 2 international (accents, CJK). perfData draws from
// the ASCII part for most customers; see perfIntl.
var perfFirst = []string{" Jane ", "JOHN", "mary ann", "O'Neil", "Anne-Marie", "  Robert", "LINDA ", "james", "María José", "李"}
var perfLast = []string{"Doe ", "Smith", "O'Brien", "JOHNSON", "van der Berg", " williams", "Brown ", "Miller-Jones", "Müller", "Nguyễn"}
var perfCity = []string{"Menlo Park", "NEW YORK", "los angeles ", "San Francisco", "Austin", " CHICAGO", "St. Louis", "Portland", "São Paulo", "München"}
var perfState = []string{"CA", "New York", " tx ", "FL", "wa", "il", "N.Y.", "California", "Québec", "Ontario"}
var perfDomain = []string{"Example.com", "gmail.com", "Yahoo.CO.UK", "outlook.com", "shop.example"}
var perfUA = []string{
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
}

// perfData makes n customers deterministically, one in five with
// international (non-ASCII) names, city and state.
func perfData(n int) []perfRaw { return perfDataMix(n, 0.2) }

// perfDataMix makes n customers, a share intl of them international.
func perfDataMix(n int, intl float64) []perfRaw {
	r := rand.New(rand.NewPCG(7, 42))
	out := make([]perfRaw, n)
	pick := func(list []string) string {
		if r.Float64() < intl {
			return list[8+r.IntN(2)]
		}
		return list[r.IntN(8)]
	}
	for i := range out {
		f, l := pick(perfFirst), pick(perfLast)
		out[i] = perfRaw{
			email:   fmt.Sprintf(" %s.Doe%d@%s ", []string{"Jane", "JOHN", "maria"}[r.IntN(3)], i, perfDomain[r.IntN(len(perfDomain))]),
			phone:   fmt.Sprintf("+1 (%03d) %03d-%04d", 200+r.IntN(700), r.IntN(1000), r.IntN(10000)),
			gender:  []string{"Female", "M", "male", "f"}[r.IntN(4)],
			dob:     fmt.Sprintf("%d-%02d-%02d", 1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28)),
			first:   f,
			last:    l,
			city:    pick(perfCity),
			state:   pick(perfState),
			zip:     fmt.Sprintf("%05d-%04d", r.IntN(100000), r.IntN(10000)),
			ip:      fmt.Sprintf("203.0.%d.%d:%d", r.IntN(256), r.IntN(256), 1024+r.IntN(60000)),
			ua:      perfUA[r.IntN(len(perfUA))],
			orderID: "order-" + strconv.Itoa(100000+i),
			value:   pinterest.FormatMinorUnits(int64(100+r.IntN(50000)), 2),
			sku:     "sku-" + strconv.Itoa(r.IntN(5000)),
			price:   pinterest.FormatMinorUnits(int64(100+r.IntN(20000)), 2),
		}
	}
	return out
}

var perfNow = time.Now()

// perfEvent builds one checkout event from raw data.
func perfEvent(d *perfRaw) *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).
		ID(d.orderID).
		At(perfNow).
		User(pinterest.NewUserData().
			Email(d.email).Phone(d.phone).Gender(d.gender).DateOfBirthString(d.dob).
			FirstName(d.first).LastName(d.last).City(d.city).State(d.state).Zip(d.zip).
			ClientIP(d.ip).UserAgent(d.ua)).
		Custom(pinterest.CustomData{
			Currency: "USD", Value: d.value, OrderID: d.orderID,
			Contents: []pinterest.Content{{ID: d.sku, ItemPrice: d.price, Quantity: 1}},
		})
}

// perfBody appends {"data":[...]} as Send encodes it.
func perfBody(dst []byte, evs []*pinterest.Event) []byte {
	dst = append(dst, `{"data":[`...)
	for i, ev := range evs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = ev.AppendJSON(dst)
	}
	return append(dst, "]}"...)
}

const perfBatch = 1000

// BenchmarkPrepare1000 is the hot path: build 1,000 events from messy raw data
// (normalize and hash 9 personal fields, parse the IP, custom data with one
// content item) and encode the request body into a reused buffer.
func BenchmarkPrepare1000(b *testing.B) { perfPrepare(b, perfData(perfBatch)) }

// BenchmarkPrepare1000International is BenchmarkPrepare1000 with every
// customer's names, city and state non-ASCII: the slow path of normalization
// (NFC, Unicode case mapping).
func BenchmarkPrepare1000International(b *testing.B) { perfPrepare(b, perfDataMix(perfBatch, 1)) }

// perfPrepare builds the events of data and encodes their request body, once
// per iteration, into a reused buffer.
func perfPrepare(b *testing.B, data []perfRaw) {
	evs := make([]*pinterest.Event, len(data))
	buf := make([]byte, 0, 2<<20)
	b.ReportAllocs()
	for b.Loop() {
		for i := range data {
			evs[i] = perfEvent(&data[i])
		}
		buf = perfBody(buf[:0], evs)
	}
	b.ReportMetric(float64(b.N*len(data))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(buf))/float64(len(data)), "body-bytes/event")
}

// BenchmarkEncode1000 encodes 1,000 prepared events: the body alone.
func BenchmarkEncode1000(b *testing.B) {
	data := perfData(perfBatch)
	evs := make([]*pinterest.Event, perfBatch)
	for i := range data {
		evs[i] = perfEvent(&data[i])
	}
	buf := make([]byte, 0, 2<<20)
	b.ReportAllocs()
	for b.Loop() {
		buf = perfBody(buf[:0], evs)
	}
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// perfFloor is what the hardware allows: the already-normalized strings of an
// event, hashed and appended as the same JSON by hand into a reused buffer.
type perfFloor struct {
	hashed              [9]string // em ph ge db ln fn ct st zp, normalized
	ip, ua, id, value   string
	orderID, sku, price string
	name, source        string
	eventTime           int64
}

var perfFloorKeys = [9]string{"em", "ph", "ge", "db", "ln", "fn", "ct", "st", "zp"}

func perfFloorData(data []perfRaw) []perfFloor {
	out := make([]perfFloor, len(data))
	for i := range data {
		d := &data[i]
		must := func(s string, err error) string {
			if err != nil {
				panic(err)
			}
			return s
		}
		ph, _ := pinterest.NormalizePhone(d.phone, "")
		ip, _ := pinterest.ParseClientIP(d.ip)
		out[i] = perfFloor{
			hashed: [9]string{
				must(pinterest.NormalizeEmail(d.email)), ph, must(pinterest.NormalizeGender(d.gender)),
				must(pinterest.NormalizeDateOfBirth(d.dob)), must(pinterest.NormalizeLastName(d.last)),
				must(pinterest.NormalizeFirstName(d.first)), must(pinterest.NormalizeCity(d.city)),
				must(pinterest.NormalizeState(d.state)), must(pinterest.NormalizeZip(d.zip)),
			},
			ip: ip.String(), ua: d.ua, id: d.orderID, value: d.value, orderID: d.orderID,
			sku: d.sku, price: d.price, name: "checkout", source: "web", eventTime: perfNow.Unix(),
		}
	}
	return out
}

// perfHexPairs makes the floor's hex encoding as fast as the SDK's.
var perfHexPairs = func() (t [256][2]byte) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = [2]byte{digits[i>>4], digits[i&0x0f]}
	}
	return t
}()

func perfAppendFloor(dst []byte, f *perfFloor) []byte {
	dst = append(dst, `{"event_name":"`...)
	dst = append(dst, f.name...)
	dst = append(dst, `","action_source":"`...)
	dst = append(dst, f.source...)
	dst = append(dst, `","event_time":`...)
	dst = strconv.AppendInt(dst, f.eventTime, 10)
	dst = append(dst, `,"event_id":"`...)
	dst = append(dst, f.id...)
	dst = append(dst, `","user_data":{`...)
	for k, s := range f.hashed {
		if k > 0 {
			dst = append(dst, ',')
		}
		sum := sha256.Sum256([]byte(s))
		dst = append(dst, '"')
		dst = append(dst, perfFloorKeys[k]...)
		dst = append(dst, `":["`...)
		for _, c := range sum {
			p := perfHexPairs[c]
			dst = append(dst, p[0], p[1])
		}
		dst = append(dst, `"]`...)
	}
	dst = append(dst, `,"client_ip_address":"`...)
	dst = append(dst, f.ip...)
	dst = append(dst, `","client_user_agent":"`...)
	dst = append(dst, f.ua...)
	dst = append(dst, `"},"custom_data":{"currency":"USD","value":"`...)
	dst = append(dst, f.value...)
	dst = append(dst, `","contents":[{"id":"`...)
	dst = append(dst, f.sku...)
	dst = append(dst, `","item_price":"`...)
	dst = append(dst, f.price...)
	dst = append(dst, `","quantity":1}],"order_id":"`...)
	dst = append(dst, f.orderID...)
	return append(dst, `"}}`...)
}

// BenchmarkFloor1000 is the floor the hot path is compared with: SHA-256 and
// hex of the 9 already-normalized fields, the same JSON appended by hand into
// a reused buffer, no validation, no normalization.
func BenchmarkFloor1000(b *testing.B) {
	floor := perfFloorData(perfData(perfBatch))
	buf := make([]byte, 0, 2<<20)
	b.ReportAllocs()
	cpu := perfCPU(b)
	for b.Loop() {
		buf = append(buf[:0], `{"data":[`...)
		for i := range floor {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = perfAppendFloor(buf, &floor[i])
		}
		buf = append(buf, "]}"...)
	}
	cpu()
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// TestFloorMatchesSDK keeps the floor honest: it must produce byte for byte
// the body the SDK produces for the same data, or the ratio means nothing.
func TestFloorMatchesSDK(t *testing.T) {
	data := perfData(50)
	floor := perfFloorData(data)
	for i := range data {
		got := string(perfEvent(&data[i]).AppendJSON(nil))
		want := string(perfAppendFloor(nil, &floor[i]))
		if got != want {
			t.Fatalf("event %d:\nSDK   %s\nfloor %s", i, got, want)
		}
	}
}

// perfDiscard is a loopback server that reads each body and answers that every
// event was processed, so that Send's own cost is what is measured. It reuses
// its buffers, so that its allocations do not swamp the SDK's in -benchmem.
func perfDiscard(tb testing.TB) *httptest.Server {
	ok := []byte(`{"status":"processed","error_message":"","warning_message":""}`)
	var bufs sync.Pool
	var answers sync.Map // event count -> answer body
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := bufs.Get().(*bytes.Buffer)
		if body == nil {
			body = new(bytes.Buffer)
		}
		body.Reset()
		body.ReadFrom(r.Body)
		n := bytes.Count(body.Bytes(), []byte(`"event_name":`))
		bufs.Put(body)
		answer, found := answers.Load(n)
		if !found {
			var out bytes.Buffer
			fmt.Fprintf(&out, `{"num_events_received":%d,"num_events_processed":%d,"events":[`, n, n)
			for i := 0; i < n; i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				out.Write(ok)
			}
			out.WriteString("]}")
			answer, _ = answers.LoadOrStore(n, out.Bytes())
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer.([]byte))
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// perfClient is a client of a discard server, rate limiting off.
func perfClient(b *testing.B) *pinterest.Client {
	c, err := pinterest.NewClient("bench-token", pinterest.WithBaseURL(perfDiscard(b).URL), pinterest.WithoutRateLimit())
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSend1000 is the full Send of 1,000 prepared events over loopback
// HTTP, rate limiting off: validation, encoding, the request, decoding the
// answer and mapping 1,000 results.
func BenchmarkSend1000(b *testing.B) {
	c := perfClient(b)
	data := perfData(perfBatch)
	evs := make([]*pinterest.Event, perfBatch)
	for i := range data {
		evs[i] = perfEvent(&data[i])
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Send(ctx, "549755885175", evs...)
		if err != nil || res.Processed != perfBatch {
			b.Fatalf("processed %d: %v", res.Processed, err)
		}
	}
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkPrepareAndSend1000 builds the 1,000 events from raw data and sends them.
func BenchmarkPrepareAndSend1000(b *testing.B) {
	c := perfClient(b)
	data := perfData(perfBatch)
	evs := make([]*pinterest.Event, perfBatch)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for i := range data {
			evs[i] = perfEvent(&data[i])
		}
		res, err := c.Send(ctx, "549755885175", evs...)
		if err != nil || res.Processed != perfBatch {
			b.Fatalf("processed %d: %v", res.Processed, err)
		}
	}
	b.ReportMetric(float64(b.N*perfBatch)/b.Elapsed().Seconds(), "events/s")
}
