package pinterest

import (
	"context"
	"net/http"
	"strconv"
)

// Requests are cut by size as well as by count: a request whose encoded body
// is over WithMaxRequestBytes is not sent but cut into requests that fit,
// and one answered 413 (too large for the server, which processed nothing)
// is halved. Either way one large event no longer fails the others.

// maxSplitDepth bounds how many times a request is cut: 1,000 events are
// down to one per request after 10 halvings, plus one cut by the budget.
const maxSplitDepth = 12

// bodyOverhead is the size of {"data":[ and ]} around the events.
const bodyOverhead = len(`{"data":[`) + len(`]}`)

// needsSplit reports whether the chunk's last attempt asks for it to be cut:
// its body was over the budget, or the server answered 413 to more than one
// event and the halving may go deeper.
func (ch chunk) needsSplit(o outcome) bool {
	if ch.depth >= maxSplitDepth {
		return false
	}
	return o.last.overBudget || (o.last.status == http.StatusRequestEntityTooLarge && len(ch.idx) > 1)
}

// sendSplit sends the chunk as smaller requests, one after the other, and
// returns their HTTP attempts. o is the outcome of the chunk itself.
func (c *Client) sendSplit(ctx context.Context, ch chunk, results []EventResult, o outcome) int {
	var parts [][]int
	if o.last.overBudget {
		parts = c.packByBudget(ch, results)
	} else {
		h := len(ch.idx) / 2
		parts = [][]int{ch.idx[:h], ch.idx[h:]}
	}
	n := 0
	for _, idx := range parts {
		sub := ch
		sub.idx, sub.prior, sub.depth = idx, ch.prior+o.attempts, ch.depth+1
		sub.ambiguous = o.ambiguous
		n += c.sendChunk(ctx, sub, results) // retry.go
	}
	return n
}

// packByBudget measures each of the chunk's events and packs them, in order,
// into groups whose bodies fit WithMaxRequestBytes. An event too large to fit
// even alone fails with a *FieldError.
func (c *Client) packByBudget(ch chunk, results []EventResult) [][]int {
	limit := c.cfg.maxRequestBytes
	scratch := c.getBuf()
	defer c.bufs.Put(scratch)
	var parts [][]int
	var cur []int
	size := bodyOverhead
	for _, i := range ch.idx {
		b := ch.events[i].AppendJSON((*scratch)[:0])
		n := len(b)
		*scratch = b[:0]
		if bodyOverhead+n > limit {
			results[i].Status = StatusFailed
			results[i].Err = eventErr("event", "encodes to "+strconv.Itoa(n)+" bytes, more than a request may hold ("+
				strconv.Itoa(limit)+" bytes, WithMaxRequestBytes)")
			continue
		}
		sep := 0
		if len(cur) > 0 {
			sep = 1
		}
		if size+sep+n > limit {
			parts = append(parts, cur)
			cur, size, sep = nil, bodyOverhead, 0
		}
		cur = append(cur, i)
		size += sep + n
	}
	if len(cur) > 0 {
		parts = append(parts, cur)
	}
	return parts
}
