module github.com/capisdk/pinterest

go 1.25.0

require (
	github.com/cenkalti/backoff/v4 v4.3.0
	github.com/google/go-cmp v0.7.0
	golang.org/x/text v0.41.0
	golang.org/x/time v0.15.0
)
