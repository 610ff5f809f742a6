package access

// Sharing reports how many callers are inside a shared fetch right now.
func (d *Directory) Sharing() int { return int(d.sharing.Load()) }
