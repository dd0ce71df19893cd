//go:build unix

package pinterest_test

import (
	"syscall"
	"testing"
	"time"
)

// perfCPU starts measuring the CPU time the process spends (every thread:
// the benchmark's goroutines, the garbage collector, the runtime). The
// function it returns reports it per operation as cpu-ns/op: on a machine
// shared with other work, it moves much less than the wall time ns/op,
// which counts the time the process waited for a CPU.
func perfCPU(b *testing.B) func() {
	start := perfRusage()
	return func() {
		b.ReportMetric(float64(perfRusage()-start)/float64(b.N), "cpu-ns/op")
	}
}

func perfRusage() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
