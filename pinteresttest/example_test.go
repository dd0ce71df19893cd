package pinteresttest_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/capisdk/pinterest/pinteresttest"
)

func Example() {
	srv := pinteresttest.NewServer()
	defer srv.Close()

	body := fmt.Sprintf(`{"data":[{
		"event_name": "checkout",
		"action_source": "web",
		"event_time": %d,
		"event_id": "order-1001",
		"user_data": {"em": ["8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"]}
	}]}`, time.Now().Unix())
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v5/ad_accounts/549755885175/events", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer test-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	fmt.Println(resp.StatusCode, string(answer))
	fmt.Println(srv.Events()[0].EventID)
	// Output:
	// 200 {"num_events_received":1,"num_events_processed":1,"events":[{"status":"processed","error_message":"","warning_message":""}]}
	// order-1001
}
