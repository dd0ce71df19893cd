package pinterest

import (
	"io"
	"net/http"
)

// readBody reads an answer's body into buf (its contents are ignored), as io.ReadAll of
// io.LimitReader(body, limit) does, but into memory that is reused: buf
// grows once to the announced Content-Length (when it is within limit), so
// that a 1,000-event answer is read in place, without regrowing.
func readBody(body io.Reader, buf []byte, contentLength int64, limit int) ([]byte, error) {
	buf = buf[:0]
	if contentLength > 0 && contentLength < int64(limit) && cap(buf) <= int(contentLength) {
		// One byte more than announced, so that the read that meets EOF
		// does not grow the buffer.
		buf = make([]byte, 0, contentLength+1)
	}
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // let append pick the growth
		}
		m, err := body.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+m]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return buf, err
		}
	}
	return buf, nil
}

// readAnswer reads and closes the body of the answer to a request of n
// events, and interprets it. The body is read into a buffer of the client's
// answer list, given back when nothing decoded from it can alias it: the
// per-event statuses of a 200 answer are copies (see decodeEvents).
func (c *Client) readAnswer(resp *http.Response, n int) attemptResult {
	bufp := c.answers.Get()
	data, err := readBody(resp.Body, *bufp, resp.ContentLength, maxResponseBytes)
	resp.Body.Close()
	r := c.interpret(resp, data, err, n)
	if resp.StatusCode == http.StatusOK && r.events != nil {
		*bufp = data
		c.answers.Put(bufp)
	}
	return r
}

// maxKeptAnswer is the largest answer buffer kept for reuse: a 1,000-event
// answer takes about 64 KiB.
const maxKeptAnswer = 1 << 20
