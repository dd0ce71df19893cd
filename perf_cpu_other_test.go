//go:build !unix

package pinterest_test

import "testing"

// perfCPU reports nothing where getrusage is not available.
func perfCPU(b *testing.B) func() { return func() {} }
