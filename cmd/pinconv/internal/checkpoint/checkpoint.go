// Package checkpoint records which rows of an upload are final, so that an
// interrupted run resumes without sending a processed row again, and never
// sends again a row whose request may have reached Pinterest.
//
// The checkpoint is a journal of JSON lines: a header naming the files (name,
// size, SHA-256 of their first MiB), the ad account and the test flag, then
// records that put ranges of rows in a state. Before rows are handed to the
// sender, a "pending" record is written and synced; results follow as
// "done", "clear" (certainly not processed: send again) or "unknown" records.
// On resume, a row still pending counts as unknown: the run may have died with
// its request in flight. A torn last line (a crash while writing) is ignored.
// Every write appends, so the file is consistent after a crash at any point.
package checkpoint

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// State is what is known of a row.
type State int

// Row states.
const (
	Unseen  State = iota // not handed to the sender, or certainly not processed: send it
	Done                 // processed by Pinterest: never send again
	Unknown              // its request may have reached Pinterest: send again only on request
)

// File identifies one input file.
type File struct {
	Name string `json:"name"` // base name
	Size int64  `json:"size"`
	Head string `json:"head_sha256"` // SHA-256 of the first MiB
}

// Identify reads the identity of the file at path.
func Identify(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	if _, err := io.CopyN(h, f, 1<<20); err != nil && err != io.EOF {
		return File{}, err
	}
	return File{Name: filepath.Base(path), Size: st.Size(), Head: hex.EncodeToString(h.Sum(nil))}, nil
}

type header struct {
	Version   int    `json:"pinconv_checkpoint"`
	AdAccount string `json:"ad_account"`
	Test      bool   `json:"test"`
	Files     []File `json:"files"`
}

type record struct {
	File   int      `json:"f"`
	State  string   `json:"s"`
	Ranges [][2]int `json:"r"`
}

const (
	statePending = "pending"
	stateDone    = "done"
	stateClear   = "clear"
	stateUnknown = "unknown"
)

// ErrMismatch is returned by Open when the checkpoint was written for other
// files, another ad account or another test flag.
var ErrMismatch = errors.New("the checkpoint belongs to another upload")

type fileState struct {
	done, unknown Ranges // loaded: final states of earlier runs
	// deltas of this run, not yet written
	dDone, dClear, dUnknown Ranges
}

// Checkpoint is an open checkpoint journal. It is safe for concurrent use.
type Checkpoint struct {
	mu    sync.Mutex
	path  string
	f     *os.File
	w     *bufio.Writer
	files []fileState
	err   error // first write error
}

// Open opens the checkpoint at path for an upload of files to adAccount, or
// creates it. An existing checkpoint for another upload is refused with an
// error matching ErrMismatch. The journal is rewritten compactly, with rows
// left pending by an earlier run now unknown.
func Open(path, adAccount string, test bool, files []File) (*Checkpoint, error) {
	hdr := header{Version: 1, AdAccount: adAccount, Test: test, Files: files}
	c := &Checkpoint{path: path, files: make([]fileState, len(files))}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := c.load(data, hdr); err != nil {
			return nil, err
		}
	case errors.Is(err, os.ErrNotExist):
	default:
		return nil, err
	}
	if err := c.rewrite(hdr); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Checkpoint) load(data []byte, want header) error {
	lines := bytes.Split(data, []byte("\n"))
	var got header
	if len(lines) == 0 || json.Unmarshal(lines[0], &got) != nil || got.Version != 1 {
		return fmt.Errorf("%s is not a pinconv checkpoint", c.path)
	}
	if got.AdAccount != want.AdAccount || got.Test != want.Test || len(got.Files) != len(want.Files) {
		return fmt.Errorf("%w (%s): it was written for ad account %s, test %v, %d files; delete it or choose another --checkpoint",
			ErrMismatch, c.path, got.AdAccount, got.Test, len(got.Files))
	}
	for i := range got.Files {
		if got.Files[i] != want.Files[i] {
			return fmt.Errorf("%w (%s): file %d was %s of %d bytes, now %s of %d bytes or with other content; delete it or choose another --checkpoint",
				ErrMismatch, c.path, i+1, got.Files[i].Name, got.Files[i].Size, want.Files[i].Name, want.Files[i].Size)
		}
	}
	type sets struct{ pending, done, clear, unknown Ranges }
	st := make([]sets, len(want.Files))
	for n, line := range lines[1:] {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(line, &r); err != nil || r.File < 0 || r.File >= len(st) {
			if n == len(lines)-2 { // the last line: torn by a crash while it was written
				break
			}
			return fmt.Errorf("%s: line %d is damaged", c.path, n+2)
		}
		s := &st[r.File]
		for _, rg := range r.Ranges {
			lo, hi := rg[0], rg[1]
			for _, set := range []*Ranges{&s.pending, &s.done, &s.clear, &s.unknown} {
				set.Remove(lo, hi)
			}
			switch r.State {
			case statePending:
				s.pending.Add(lo, hi)
			case stateDone:
				s.done.Add(lo, hi)
			case stateClear:
				s.clear.Add(lo, hi)
			case stateUnknown:
				s.unknown.Add(lo, hi)
			}
		}
	}
	for i := range st {
		c.files[i].done = st[i].done
		c.files[i].unknown = st[i].unknown
		for _, rg := range st[i].pending.List() {
			c.files[i].unknown.Add(rg[0], rg[1])
		}
	}
	return nil
}

// rewrite writes the header and the loaded state to a new file that replaces
// the old one, and keeps it open for appending.
func (c *Checkpoint) rewrite(hdr header) error {
	tmp := c.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	line, _ := json.Marshal(hdr)
	w.Write(append(line, '\n'))
	for i, fs := range c.files {
		for _, x := range []struct {
			s string
			r *Ranges
		}{{stateDone, &fs.done}, {stateUnknown, &fs.unknown}} {
			if !x.r.Empty() {
				line, _ := json.Marshal(record{File: i, State: x.s, Ranges: x.r.List()})
				w.Write(append(line, '\n'))
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := os.Rename(tmp, c.path); err != nil {
		f.Close()
		return err
	}
	c.f = f
	c.w = bufio.NewWriter(f)
	return nil
}

// Lookup returns what earlier runs left of a row: Done, Unknown (its request
// may have reached Pinterest) or Unseen (send it).
func (c *Checkpoint) Lookup(file, row int) State {
	fs := &c.files[file]
	switch {
	case fs.done.Has(row):
		return Done
	case fs.unknown.Has(row):
		return Unknown
	}
	return Unseen
}

// Counts returns how many rows of a file earlier runs left done and unknown.
func (c *Checkpoint) Counts(file int) (done, unknown int) {
	return c.files[file].done.Len(), c.files[file].unknown.Len()
}

// Pending records, durably, that rows of a file are about to be sent. It
// writes the results recorded so far too. It must return before the rows are
// handed to the sender.
func (c *Checkpoint) Pending(file int, rows []int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
	var p Ranges
	for _, r := range rows {
		p.Add(r, r+1)
	}
	c.writeLocked(record{File: file, State: statePending, Ranges: p.List()})
	if c.err == nil {
		c.err = c.w.Flush()
	}
	if c.err == nil {
		c.err = c.f.Sync()
	}
	return c.err
}

// Done records that a row was processed.
func (c *Checkpoint) Done(file, row int) { c.mark(file, row, Done) }

// Clear records that a row was certainly not processed (it may be sent again).
func (c *Checkpoint) Clear(file, row int) { c.mark(file, row, Unseen) }

// Unknown records that a row's request may have reached Pinterest.
func (c *Checkpoint) Unknown(file, row int) { c.mark(file, row, Unknown) }

func (c *Checkpoint) mark(file, row int, s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fs := &c.files[file]
	switch s {
	case Done:
		fs.dDone.Add(row, row+1)
	case Unknown:
		fs.dUnknown.Add(row, row+1)
	default:
		fs.dClear.Add(row, row+1)
	}
}

// Flush writes the results recorded so far (without syncing).
func (c *Checkpoint) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
	if c.err == nil {
		c.err = c.w.Flush()
	}
	return c.err
}

func (c *Checkpoint) flushLocked() {
	for i := range c.files {
		fs := &c.files[i]
		for _, x := range []struct {
			s string
			r *Ranges
		}{{stateDone, &fs.dDone}, {stateClear, &fs.dClear}, {stateUnknown, &fs.dUnknown}} {
			if !x.r.Empty() {
				c.writeLocked(record{File: i, State: x.s, Ranges: x.r.List()})
				*x.r = Ranges{}
			}
		}
	}
}

func (c *Checkpoint) writeLocked(r record) {
	if c.err != nil {
		return
	}
	line, _ := json.Marshal(r)
	_, c.err = c.w.Write(append(line, '\n'))
}

// Close writes and syncs what is recorded and closes the file.
func (c *Checkpoint) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
	if c.err == nil {
		c.err = c.w.Flush()
	}
	if c.err == nil {
		c.err = c.f.Sync()
	}
	if err := c.f.Close(); c.err == nil {
		c.err = err
	}
	return c.err
}
