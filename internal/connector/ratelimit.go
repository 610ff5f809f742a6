package connector

import (
	"slices"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// Rate limits reach the engine as a RateLimitDescription annotation on the
// answer of the connector call whose admin API requests saw them: the
// engine's rate limiter reads it from successful answers to pace later
// calls. Each syncer method that calls the admin API observes its context
// (atlassian.ObserveRateLimit) and attaches what the last answer said
// (withRateLimit, syncResults). Failed calls carry none: the SDK's
// rate-limit interceptor reports a failed call without its annotations.

// withRateLimit returns annos plus the rate limit o last saw, or annos alone
// when no answer carried one. annos itself is left as it is: it may be one of
// the shared values such as alreadyExists.
func withRateLimit(o *atlassian.RateLimitObserver, annos annotations.Annotations) annotations.Annotations {
	rl, ok := o.Last()
	if !ok {
		return annos
	}
	out := annotations.Annotations(slices.Clone(annos))
	out.WithRateLimiting(rateLimitDescription(rl))
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

// syncResults is a page's results with the observed rate limit.
func syncResults(o *atlassian.RateLimitObserver, next string) *resource.SyncOpResults {
	return &resource.SyncOpResults{NextPageToken: next, Annotations: withRateLimit(o, nil)}
}
