package redislimit_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a real redis-server (the Debian package) started by a test
// on a free loopback port, without persistence, in a temporary directory. It
// is killed when the test ends, also on failure.
type redisServer struct {
	t    fataler
	Addr string
	port int
	dir  string
	cmd  *exec.Cmd
	log  *bytes.Buffer // its output, shown when it fails to start
	done chan struct{}
}

// fataler is what redisServer needs of a testing.TB; TestMain, which has
// none, passes mainFataler.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// startRedis starts a redis-server for t and waits until it answers PING.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	s := newRedis(t, t.TempDir())
	t.Cleanup(s.Kill)
	return s
}

// newRedis starts a redis-server with its files in dir; the caller must Kill it.
func newRedis(t fataler, dir string) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is needed for these tests (Debian package redis-server; .ci/run installs it): %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("%v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &redisServer{t: t, port: port, dir: dir, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	s.start()
	return s
}

// mainFataler reports a failure of TestMain's redis-server and exits.
type mainFataler struct{}

func (mainFataler) Helper() {}
func (mainFataler) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func (s *redisServer) start() {
	s.t.Helper()
	cmd := exec.Command("redis-server",
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--logfile", "", "--loglevel", "warning")
	s.log = new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting redis-server: %v", err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(s.done)

	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		select {
		case <-s.done:
			s.t.Fatalf("redis-server exited at start: %v\n%s", cmd.ProcessState, s.log)
		default:
		}
		if time.Now().After(deadline) {
			s.Kill()
			s.t.Fatalf("redis-server on %s does not answer: %v\n%s", s.Addr, err, s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill stops the server at once (SIGKILL) and waits until it has exited. It
// does nothing when the server is not running.
func (s *redisServer) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// Start starts a killed server again on the same port, with an empty
// dataset.
func (s *redisServer) Start() {
	s.t.Helper()
	if s.cmd == nil {
		s.start()
	}
}

// client returns a go-redis client of the server, closed when the test ends.
func (s *redisServer) client(t testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *redisServer) String() string { return fmt.Sprintf("redis-server %s", s.Addr) }
