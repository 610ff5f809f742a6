package access

// Sharing reports how many callers are inside a shared fetch right now.
func (d *View) Sharing() int { return int(d.sharing.Load()) }

// WalkWaiters reports how many callers wait for another's walk of a listing.
func (d *View) WalkWaiters() int { return int(d.walkWaiters.Load()) }
