package main

import (
	"os"
	"testing"
)

// TestMain lets tests run the real command in a child process (a
// pseudo-terminal, real signals, its own memory): with PINCONV_TEST_MAIN=1
// the test binary is pinconv.
func TestMain(m *testing.M) {
	if os.Getenv("PINCONV_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}
