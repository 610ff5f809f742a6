package connector

import (
	"slices"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// Rate limits reach the engine as annotations on the answer of the connector
// call whose admin API requests saw them. Each syncer method that calls the
// admin API observes its context (atlassian.ObserveRateLimit) and attaches
// what the observer declares (withRateLimit, syncResults):
//   - a RateLimitDescription of what the last answer said, which the
//     engine's rate limiter reads from successful answers to pace later
//     calls;
//   - a RateLimitWaitReport of the time the client measured waiting on rate
//     limits (its 429 waits and its own rate limit), which the syncer adds
//     to its rate_limit_wait stats: those waits happen inside the client,
//     where the engine cannot see them.
//
// Failed calls carry neither: the SDK's rate-limit interceptor reports a
// failed call without its annotations.

// withRateLimit returns annos plus the rate limit o last saw and the time o
// measured waiting on rate limits, or annos alone when no answer carried a
// rate limit and nothing waited. annos itself is left as it is: it may be
// one of the shared values such as alreadyExists.
func withRateLimit(o *atlassian.RateLimitObserver, annos annotations.Annotations) annotations.Annotations {
	rl, seen := o.Last()
	waitMs := o.Waited().Milliseconds()
	if !seen && waitMs <= 0 {
		return annos
	}
	out := annotations.Annotations(slices.Clone(annos))
	if seen {
		out.WithRateLimiting(rateLimitDescription(rl))
	}
	out.WithRateLimitWaitReport(waitMs) // nothing when under a millisecond
	return out
}

// rateLimitDescription maps a client observation to the SDK's annotation. An
// answer that was served is within the limit, whatever it says remains.
func rateLimitDescription(rl atlassian.RateLimit) *v2.RateLimitDescription {
	b := v2.RateLimitDescription_builder{
		Status:    v2.RateLimitDescription_STATUS_OK,
		Limit:     rl.Limit,
		Remaining: rl.Remaining,
	}
	if rl.Exceeded {
		b.Status = v2.RateLimitDescription_STATUS_OVERLIMIT
	}
	if !rl.ResetAt.IsZero() {
		b.ResetAt = timestamppb.New(rl.ResetAt)
	}
	return b.Build()
}

// syncResults is a page's results with the observed rate limit and wait.
func syncResults(o *atlassian.RateLimitObserver, next string) *resource.SyncOpResults {
	return &resource.SyncOpResults{NextPageToken: next, Annotations: withRateLimit(o, nil)}
}
