package connector

import (
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

func TestRateLimitDescription(t *testing.T) {
	reset := time.Date(2026, 3, 26, 16, 1, 0, 0, time.UTC)
	over := rateLimitDescription(atlassian.RateLimit{Limit: 10, ResetAt: reset, Exceeded: true})
	if over.GetStatus() != v2.RateLimitDescription_STATUS_OVERLIMIT || over.GetLimit() != 10 || over.GetRemaining() != 0 || !over.GetResetAt().AsTime().Equal(reset) {
		t.Errorf("a 429 maps to %v", over)
	}
	served := rateLimitDescription(atlassian.RateLimit{Limit: 10, Remaining: 0})
	if served.GetStatus() != v2.RateLimitDescription_STATUS_OK || served.HasResetAt() {
		t.Errorf("a served answer with nothing left maps to %v", served)
	}
}
