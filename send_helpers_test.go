package pinterest_test

// Helpers of the end-to-end tests of Client.Send against pinteresttest
// (send_roundtrip, wirejson, split, localvalidation, sendargs, results,
// erroranswers, security, pii and logging tests). Every helper of these files
// is prefixed with "send".

import (
	"flag"
	"fmt"
	"strings"

	"github.com/capisdk/pinterest"
)

var sendUpdate = flag.Bool("send.update", false, "rewrite the golden files of the send tests under testdata/send")

// sendFailures describes the first failed results, for test messages.
func sendFailures(res *pinterest.Response) string {
	if res == nil {
		return "nil response"
	}
	var b strings.Builder
	for i, r := range res.Failures() {
		if i == 5 {
			fmt.Fprintf(&b, "... (%d failures in all)", res.Failed)
			break
		}
		fmt.Fprintf(&b, "[%d %q: %v] ", r.Index, r.EventID, r.Err)
	}
	return b.String()
}

// sendNZ returns a pointer to n, or nil when n is 0 (zero values are left
// out of the wire JSON).
func sendNZ[T int | int64](n T) *int64 {
	if n == 0 {
		return nil
	}
	v := int64(n)
	return &v
}

func sendBool(b bool) *bool { return &b }
