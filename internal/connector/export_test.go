package connector

// Formatting a parsed reference back into its id: the round trip the tests
// check. Production code builds ids with EntitlementID and GrantID.

// ID formats the reference back into the id it was parsed from.
func (e EntitlementRef) ID() string { return EntitlementID(e.ResourceType, e.ResourceID, e.Slug) }

// ID formats the reference back into the id it was parsed from.
func (g GrantRef) ID() string { return GrantID(g.Entitlement.ID(), g.PrincipalType, g.PrincipalID) }

// RequestStats reports what the connector's client has sent, as the
// Service of an opened connector does.
func (c *Connector) RequestStats() RequestStats { return c.requestStats() }
