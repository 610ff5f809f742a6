package sandbox

import "time"

// Defaults used when an Options field is left empty. The organization id looks
// like a real one (a UUID) so clients that validate its shape accept it.
const (
	DefaultOrgID   = "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35"
	DefaultOrgName = "Sandbox Org"
	DefaultToken   = "sandbox-token-not-a-secret"

	DefaultUsers      = 200
	DefaultGroups     = 12
	DefaultWorkspaces = 3
	DefaultSeed       = 1
)

// Options configures a sandbox organization.
type Options struct {
	// OrgID, OrgName and Token default to DefaultOrgID, DefaultOrgName and
	// DefaultToken when empty.
	OrgID, OrgName, Token string

	// Generator sizes. Zero means zero here: only DefaultOptions (and the CLI)
	// apply the 200/12/3 defaults, so a test can ask for an empty organization.
	Users, Groups, Workspaces int

	// Seed drives every random choice of the generator and of the server (new
	// group ids, fault dice), so runs are reproducible.
	Seed uint64

	// ActivityAsOf is the moment the generated product activity is measured
	// back from (last active a few days, months or years before it). Zero
	// is activityEpoch, a fixed date, so that generated states stay
	// byte-identical; tests that judge inactivity against the wall clock
	// set it to now.
	ActivityAsOf time.Time

	// StatePath is optional. When it names an existing file, New loads the
	// organization from it instead of generating one; Save("") writes to it.
	StatePath string
}

// DefaultOptions returns the options the CLI starts from: 200 users, 12 groups,
// 3 workspaces, seed 1.
func DefaultOptions() Options {
	return Options{
		OrgID:      DefaultOrgID,
		OrgName:    DefaultOrgName,
		Token:      DefaultToken,
		Users:      DefaultUsers,
		Groups:     DefaultGroups,
		Workspaces: DefaultWorkspaces,
		Seed:       DefaultSeed,
	}
}

// withIdentityDefaults fills the empty identity fields; sizes are left alone.
func (o Options) withIdentityDefaults() Options {
	if o.OrgID == "" {
		o.OrgID = DefaultOrgID
	}
	if o.OrgName == "" {
		o.OrgName = DefaultOrgName
	}
	if o.Token == "" {
		o.Token = DefaultToken
	}
	return o
}
