package access

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// progressInterval is how often a listing that is still walking pages
// says so in the provider's log: often enough that a long refresh of a
// large organization is visibly alive at TF_LOG=DEBUG, seldom enough that
// a quick one says nothing until it is done.
const progressInterval = 5 * time.Second

// progress reports a walk over pages. tflog does nothing when the context
// carries no provider logger.
type progress struct {
	ctx         context.Context
	what        string
	start, last time.Time
	pages       int
	items       int
}

func newProgress(ctx context.Context, what string) *progress {
	now := time.Now()
	return &progress{ctx: ctx, what: what, start: now, last: now}
}

// page records one page of n items.
func (p *progress) page(n int) {
	p.pages++
	p.items += n
	if now := time.Now(); now.Sub(p.last) >= progressInterval {
		p.last = now
		tflog.Debug(p.ctx, "still "+p.what, map[string]any{
			"pages": p.pages, "items": p.items, "elapsed": now.Sub(p.start).Round(time.Second).String(),
		})
	}
}

// done reports the end of a walk that was long enough to have reported
// progress, or that took more than one page.
func (p *progress) done() {
	if p.pages <= 1 {
		return
	}
	tflog.Debug(p.ctx, "done "+p.what, map[string]any{
		"pages": p.pages, "items": p.items, "elapsed": time.Since(p.start).Round(time.Millisecond).String(),
	})
}
