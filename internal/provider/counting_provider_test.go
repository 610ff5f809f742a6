package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// countingProvider is the provider, remembering the provider data of
// every Configure so that a test can read its clients' request counters.
type countingProvider struct {
	*atlassianProvider

	mu         sync.Mutex
	configured []*providerData
}

func newCountingProvider() *countingProvider {
	return &countingProvider{atlassianProvider: New("test")().(*atlassianProvider)}
}

func (p *countingProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	p.atlassianProvider.Configure(ctx, req, resp)
	if pd, ok := resp.ResourceData.(*providerData); ok {
		p.mu.Lock()
		p.configured = append(p.configured, pd)
		p.mu.Unlock()
	}
}

// clientStats adds up what the admin API clients of every configuration
// so far sent: requests, and retries (attempts after the first).
func (p *countingProvider) clientStats() access.RequestStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	var total access.RequestStats
	for _, pd := range p.configured {
		s := pd.requestStats()
		total.Requests += s.Requests
		total.Retries += s.Retries
	}
	return total
}

// requestStats adds up what one configuration's connectors have sent: the
// provider's own access view's (atlassian_connector's check and sync with
// the provider's credentials among them), and those of the other
// organizations and keys atlassian_connector named.
func (pd *providerData) requestStats() access.RequestStats {
	total := pd.view.RequestStats()
	pd.othersMu.Lock()
	defer pd.othersMu.Unlock()
	for _, d := range pd.otherOrganizations {
		s := d.RequestStats()
		total.Requests += s.Requests
		total.Retries += s.Retries
	}
	return total
}
