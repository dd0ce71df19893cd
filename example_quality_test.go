package pinterest_test

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"time"

	"github.com/capisdk/pinterest"
	"github.com/capisdk/pinterest/pinteresttest"
)

// A shop sends a day's events, then reads the match-quality report: the
// rating Ads Manager will show, what holds it back, and the share of events
// carrying each signal. Here some web checkouts lack an e-mail, the store's
// offline sales lack the IP address and user agent and come in hours late,
// and no event carries a gender or a date of birth.
func ExampleClient_Quality() {
	srv := pinteresttest.NewServer()
	defer srv.Close()
	client, err := pinterest.NewClient("test-token", pinterest.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	now := time.Now()
	var day []*pinterest.Event
	web := func(name pinterest.EventName, i int) *pinterest.UserData {
		u := pinterest.NewUserData().ClientIP("203.0.113." + strconv.Itoa(i%250+1)).UserAgent("Mozilla/5.0").ClickID("dj0yJnU9" + strconv.Itoa(i))
		day = append(day, pinterest.NewEvent(name, pinterest.SourceWeb).ID(string(name)+"-"+strconv.Itoa(i)).
			At(now).URL("https://shop.example/").User(u))
		return u
	}
	for i := range 1000 {
		u := web(pinterest.EventPageVisit, i)
		if i%5 < 2 {
			u.Email(fmt.Sprintf("visitor%d@example.com", i))
		}
	}
	for i := range 300 {
		web(pinterest.EventAddToCart, i).Email(fmt.Sprintf("shopper%d@example.com", i))
	}
	for i := range 120 {
		u := web(pinterest.EventCheckout, i).Phone("+1 650 555 " + strconv.Itoa(1000+i)).
			FirstName("Jane").LastName("Doe").City("Menlo Park").State("CA").Zip("94025").Country("US").
			ExternalID("customer-" + strconv.Itoa(i))
		switch {
		case i < 10:
			// a guest checkout: no e-mail
		case i < 12:
			u.Email("jane.doe@example") // a typo: dropped, with a warning
		default:
			u.Email(fmt.Sprintf("buyer%d@example.com", i))
		}
		day[len(day)-1].Custom(pinterest.CustomData{Currency: "USD", Value: "72.39", OrderID: "web-" + strconv.Itoa(i),
			ContentIDs: []string{"sku-1"}})
	}
	for i := range 40 {
		day = append(day, pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceOffline).
			ID("store-"+strconv.Itoa(i)).At(now.Add(-5*time.Hour)).
			User(pinterest.NewUserData().Email(fmt.Sprintf("regular%d@example.com", i)).Phone("+1 650 555 0100")).
			Custom(pinterest.CustomData{Currency: "USD", Value: "19.99", OrderID: "store-" + strconv.Itoa(i)}))
	}
	if _, err := client.Send(context.Background(), "549755885175", day...); err != nil {
		log.Fatal(err)
	}
	fmt.Print(client.Quality())
	// Output:
	// Match quality: Poor (1,460 events)
	// Held back by:
	//   - checkout: 25% of 160 events lack the client IP address with the user agent
	//   - checkout: 8% of 160 events lack an e-mail or mobile ad id
	//   - no event carried ge (low priority)
	//   - no event carried db (low priority)
	// Events carrying each signal (%):
	//   event        source   events  late   em  maid  em|maid  ip+ua  ext_id  fn+ln  click   ph  ge  db   ct   st   zp  country  order  value  product  url
	//   add_to_cart  web         300     0  100     0      100    100       0      0    100    0   0   0    0    0    0        0      0      0        0  100
	//   checkout     offline      40    40  100     0      100      0       0      0      0  100   0   0    0    0    0        0    100    100        0    0
	//   checkout     web         120     0   90     0       90    100     100    100    100  100   0   0  100  100  100      100    100    100      100  100
	//   page_visit   web       1,000     0   40     0       40    100       0      0    100    0   0   0    0    0    0        0      0      0        0  100
	// Late: 3% of 1,460 events were sent more than an hour after they happened; Pinterest counts such events as offline conversions
	// Values dropped locally:
	//   2  user_data.em  not an e-mail address: domain needs a dot and no empty labels
	// Not seen: the Pinterest Tag rule: with the Tag installed, every lower-funnel Tag event (add to cart, checkout, lead, signup) must also be sent through the API; this cannot be seen from the server and is assumed to hold
}

// A CI job rates a file of events without sending them: Observe checks each
// event as Send would and counts it, and the report is the one a client
// sending the same events would give.
func ExampleQualityMeter() {
	q := pinterest.NewQualityMeter()
	events := []*pinterest.Event{
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1").
			User(pinterest.NewUserData().Email("jane@example.com").ClientIP("203.0.113.7").UserAgent("Mozilla/5.0")),
		pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-2").
			User(pinterest.NewUserData().Email("not an address")),
	}
	for _, ev := range events {
		if err := q.Observe(ev); err != nil {
			fmt.Println(ev.EventID()+":", err)
		}
	}
	r := q.Report()
	fmt.Println(r.Rating, r.Events, "event")
	fmt.Println(r.Reasons[0].Text)
	// Output:
	// order-2: pinterest: invalid user_data: needs an e-mail, a mobile ad id, or the client IP address with the user agent
	// Good/Fair 1 event
	// no event carried external_id (medium priority)
}
