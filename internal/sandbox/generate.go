package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Workspace product keys.
const (
	typeKeyJiraSoftware = "jira-software"
	typeKeyConfluence   = "confluence"
	typeKeyServiceDesk  = "jira-servicedesk"
)

// workspaceProducts is the cycle of seeded workspaces.
var workspaceProducts = []struct {
	typeKey, family, label, pathSuffix string
}{
	{typeKeyJiraSoftware, "jira", "Jira Software", ""},
	{typeKeyConfluence, "confluence", "Confluence", "/wiki"},
	{typeKeyServiceDesk, "jira", "Jira Service Management", ""},
}

// Generate builds a realistic organization from opts. It is deterministic:
// the same Options give a byte-identical State (and JSON); every random
// choice comes from one PCG stream seeded with opts.Seed, consumed in a fixed
// order. Empty identity fields take their defaults; sizes are used as given.
func Generate(opts Options) State {
	opts = opts.withIdentityDefaults()
	g := &generator{
		opts: opts,
		rng:  rand.New(rand.NewPCG(opts.Seed, 0x73616e64626f78)), // "sandbox"
		slug: slugify(opts.OrgName),
		ids:  make(map[string]struct{}, opts.Users),
	}
	g.companyDomains = []string{g.slug + ".example", g.slug + "-eu.example"}
	g.emails = make(map[string]int, opts.Users)

	g.st = State{
		Organization: Organization{ID: opts.OrgID, Name: opts.OrgName},
		Settings:     DefaultSettings(),
	}
	g.st.Directories = []Directory{{ID: randomUUID(g.rng), Name: opts.OrgName + " managed accounts"}}
	g.generateWorkspaces()
	g.generateUsers()
	g.generateGroups()
	g.generatePlatformRoles()
	g.generateUserWorkspaceRoles()
	generateMFA(g.st.Users)
	generateManagementSource(&g.st)
	generateActivity(&g.st, opts.ActivityAsOf)
	if err := checkAndCanonicalize(&g.st); err != nil {
		// The generator only produces consistent data; failing here is a bug.
		panic(fmt.Sprintf("sandbox: generated state is invalid: %v", err))
	}
	return g.st
}

type generator struct {
	opts           Options
	rng            *rand.Rand
	slug           string
	companyDomains []string
	ids            map[string]struct{} // account ids handed out
	emails         map[string]int      // local@domain -> times used
	st             State

	humanUsers []int // indexes into st.Users of atlassian-type accounts (group candidates)
}

// seedEpoch anchors all generated timestamps, so they do not drift with the
// wall clock (which would break determinism).
var seedEpoch = time.Date(2018, time.June, 1, 9, 0, 0, 0, time.UTC)

func (g *generator) timestamp(within time.Duration) string {
	t := seedEpoch.Add(time.Duration(g.rng.Int64N(int64(within))))
	return t.Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
}

func (g *generator) generateWorkspaces() {
	for i := range g.opts.Workspaces {
		product := workspaceProducts[i%len(workspaceProducts)]
		site := i / len(workspaceProducts)
		label := g.slug
		switch site {
		case 0:
		case 1:
			label += "-eu"
		case 2:
			label += "-sandbox"
		default:
			label += "-" + strconv.Itoa(site)
		}
		status := "online"
		if i%7 == 6 {
			status = "offline"
		}
		g.st.Workspaces = append(g.st.Workspaces, Workspace{
			ID:        "ari:cloud:" + product.family + "::site/" + randomUUID(g.rng),
			Type:      product.family,
			Name:      label + " " + product.label,
			TypeKey:   product.typeKey,
			Status:    status,
			HostURL:   "https://" + label + ".atlassian.net" + product.pathSuffix,
			Sandbox:   site == 2,
			CreatedAt: g.timestamp(5 * 365 * 24 * time.Hour),
		})
	}
}

// workspacesOf returns the indexes of the workspaces of one product.
func (g *generator) workspacesOf(typeKey string) []int {
	var out []int
	for i, ws := range g.st.Workspaces {
		if ws.TypeKey == typeKey {
			out = append(out, i)
		}
	}
	return out
}

func (g *generator) generateUsers() {
	g.st.Users = make([]User, 0, g.opts.Users)
	dirID := g.st.Directories[0].ID
	for range g.opts.Users {
		var u User
		switch roll := g.rng.IntN(100); {
		case roll == 0:
			u = g.appUser()
		case roll <= 2:
			u = g.customerUser()
		default:
			u = g.staffUser()
			g.humanUsers = append(g.humanUsers, len(g.st.Users))
		}
		u.DirectoryID = dirID
		u.PlatformRoles = []string{}
		g.st.Users = append(g.st.Users, u)
	}
}

// uniqueID draws ids until one is unused.
func (g *generator) uniqueID(draw func() string) string {
	for {
		id := draw()
		if _, taken := g.ids[id]; !taken {
			g.ids[id] = struct{}{}
			return id
		}
	}
}

// atlassianAccountID is the classic 24-hex-digit id ("5b10ac8d82e05b22cc7d4ef5").
func (g *generator) atlassianAccountID() string {
	return fmt.Sprintf("%x%07x%016x", 5+g.rng.IntN(2), g.rng.Uint32()&0xfffffff, g.rng.Uint64())
}

func (g *generator) staffUser() User {
	first := firstNames[g.rng.IntN(len(firstNames))]
	last := lastNames[g.rng.IntN(len(lastNames))]

	// Most staff use the main company domain; some the regional one; a few
	// (contractors) an external one, which makes their account unmanaged.
	domain, claim := g.companyDomains[0], "managed"
	switch roll := g.rng.IntN(100); {
	case roll >= 95:
		domain, claim = externalDomains[g.rng.IntN(len(externalDomains))], "unmanaged"
	case roll >= 82:
		domain = g.companyDomains[1]
	}

	id := g.uniqueID(g.atlassianAccountID)
	if g.rng.IntN(100) < 4 { // newer accounts use the prefixed UUID form
		id = g.uniqueID(func() string { return "712020:" + randomUUID(g.rng) })
	}

	u := User{
		AccountID:        id,
		AccountType:      "atlassian",
		Status:           statusActive,
		AccountStatus:    "active",
		MembershipStatus: "active",
		Name:             first + " " + last,
		Nickname:         g.nickname(first, last),
		Email:            g.email(first+"."+last, domain),
		EmailVerified:    g.rng.IntN(100) < 97,
		ClaimStatus:      claim,
		AddedToOrg:       g.timestamp(7 * 365 * 24 * time.Hour),
		Picture:          avatarURL(first, last, g.rng.IntN(6)),
	}
	switch roll := g.rng.IntN(1000); {
	case roll < 30:
		u.Status, u.MembershipStatus = statusSuspended, "suspended"
	case roll < 50:
		u.Status, u.AccountStatus, u.MembershipStatus = statusDeactivated, "inactive", "no_membership"
	case roll < 60:
		u.Status, u.MembershipStatus, u.EmailVerified = statusNotInvited, "no_membership", false
	}
	return u
}

func (g *generator) appUser() User {
	name := appNames[g.rng.IntN(len(appNames))]
	return User{
		AccountID:        g.uniqueID(func() string { return "557058:" + randomUUID(g.rng) }),
		AccountType:      "app",
		Status:           statusActive,
		AccountStatus:    "active",
		MembershipStatus: "active",
		Name:             name,
		Nickname:         name,
		ClaimStatus:      "unmanaged",
		AddedToOrg:       g.timestamp(7 * 365 * 24 * time.Hour),
		Picture:          "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/app-default.png",
	}
}

func (g *generator) customerUser() User {
	first := firstNames[g.rng.IntN(len(firstNames))]
	last := lastNames[g.rng.IntN(len(lastNames))]
	return User{
		AccountID:        g.uniqueID(func() string { return "qm:" + randomUUID(g.rng) + ":" + randomUUID(g.rng) }),
		AccountType:      "customer",
		Status:           statusActive,
		AccountStatus:    "active",
		MembershipStatus: "active",
		Name:             first + " " + last,
		Nickname:         first,
		Email:            g.email(first+"."+last, customerDomains[g.rng.IntN(len(customerDomains))]),
		EmailVerified:    true,
		ClaimStatus:      "unmanaged",
		AddedToOrg:       g.timestamp(7 * 365 * 24 * time.Hour),
		Picture:          avatarURL(first, last, g.rng.IntN(6)),
	}
}

func (g *generator) nickname(first, last string) string {
	switch g.rng.IntN(10) {
	case 0, 1:
		return first + " " + string([]rune(last)[0]) + "."
	case 2:
		return emailLocalPart(string([]rune(first)[0]) + last)
	default:
		return first
	}
}

// email returns a unique address, numbering repeated names
// (priya.natarajan@, priya.natarajan2@, ...).
func (g *generator) email(localName, domain string) string {
	local := emailLocalPart(localName)
	key := local + "@" + domain
	g.emails[key]++
	if n := g.emails[key]; n > 1 {
		return local + strconv.Itoa(n) + "@" + domain
	}
	return key
}

// asciiFold maps the accented letters of the name lists to ASCII.
var asciiFold = strings.NewReplacer(
	"á", "a", "à", "a", "ã", "a", "é", "e", "è", "e", "ë", "e", "í", "i", "ó", "o", "ö", "o",
	"ú", "u", "ü", "u", "ñ", "n", "ç", "c", "ś", "s", "Á", "a", "É", "e",
)

// emailLocalPart lower-cases and folds a name into an address: letters,
// digits and dots only ("O'Brien" -> "obrien", "Te Rangi" -> "terangi").
func emailLocalPart(s string) string {
	s = asciiFold.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		if r == '.' || (r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func avatarURL(first, last string, variant int) string {
	initials := strings.ToUpper(string([]rune(first)[0]) + string([]rune(last)[0]))
	return fmt.Sprintf("https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/%s-%d.png", asciiFold.Replace(initials), variant)
}

func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(asciiFold.Replace(name)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	if slug := strings.TrimSuffix(b.String(), "-"); slug != "" {
		return slug
	}
	return "sandbox"
}

// generateGroups creates the groups with skewed sizes: a few product-access
// and all-staff groups hold most users, the many team groups are small.
func (g *generator) generateGroups() {
	dirID := g.st.Directories[0].ID
	pool := make([]int, len(g.humanUsers)) // partial Fisher-Yates pool, reused across groups
	copy(pool, g.humanUsers)
	withFlags := g.opts.Groups >= 4
	small := 0 // ordinal among the small team groups, for the zipf-like decay

	for i := range g.opts.Groups {
		tmpl := groupTemplates[i%len(groupTemplates)]
		name := tmpl.name
		firstOfName := i < len(groupTemplates)
		if !firstOfName {
			name += "-" + strconv.Itoa(i/len(groupTemplates)+1)
			tmpl.share, tmpl.fixedSize, tmpl.grants = 0, 0, ""
		}
		group := Group{
			ID:          randomUUID(g.rng),
			Name:        name,
			Description: tmpl.description,
			DirectoryID: dirID,
			Deletable:   true,
			ManagedBy:   managedByAdmins,
		}
		if withFlags && i == 0 {
			group.Default, group.Deletable = true, false
		}
		if withFlags && (i == 3 || i == 9) {
			group.ExternalSynced, group.Deletable, group.ManagedBy = true, false, managedByExternal
		}

		var size int
		switch {
		case tmpl.fixedSize > 0:
			size = tmpl.fixedSize
		case tmpl.share > 0:
			size = int(tmpl.share * float64(len(pool)))
		default:
			jitter := 0.7 + 0.6*g.rng.Float64()
			size = max(1, int(0.10*jitter*float64(len(pool))/(1+0.5*float64(small))))
			small++
		}
		size = min(size, len(pool))
		for j := range size {
			k := j + g.rng.IntN(len(pool)-j)
			pool[j], pool[k] = pool[k], pool[j]
		}
		group.MemberAccountIDs = make([]string, size)
		for j := range size {
			group.MemberAccountIDs[j] = g.st.Users[pool[j]].AccountID
		}
		g.st.Groups = append(g.st.Groups, group)
		g.grantGroupRoles(group, tmpl, firstOfName)
	}
}

// teamRoles are the workspace roles handed to team groups.
var teamRoles = []string{"atlassian/user", "atlassian/contributor", "atlassian/guest", "atlassian/stakeholder", "atlassian/basic"}

// grantGroupRoles gives product groups their product, site admins admin
// everywhere, and every other team group a role on one workspace.
func (g *generator) grantGroupRoles(group Group, tmpl groupTemplate, firstOfName bool) {
	if len(g.st.Workspaces) == 0 {
		return
	}
	grant := func(wsIndex int, role string) {
		ws := g.st.Workspaces[wsIndex]
		g.st.GroupRoleAssignments = append(g.st.GroupRoleAssignments, GroupRoleAssignment{
			GroupID: group.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: role,
		})
	}
	switch {
	case tmpl.grants == grantAllAdmin:
		for i := range g.st.Workspaces {
			grant(i, "atlassian/admin")
		}
	case tmpl.grants != "":
		for _, i := range g.workspacesOf(tmpl.grants) {
			grant(i, "atlassian/user")
		}
	case group.ExternalSynced:
		grant(0, "atlassian/user")
	case !firstOfName || g.rng.IntN(3) > 0:
		grant(g.rng.IntN(len(g.st.Workspaces)), teamRoles[g.rng.IntN(len(teamRoles))])
	}
}

// generatePlatformRoles makes the first active staff members org admins.
func (g *generator) generatePlatformRoles() {
	const orgAdmins = 3
	resource := orgARI(g.st.Organization.ID)
	granted := 0
	for _, i := range g.humanUsers {
		if granted == orgAdmins {
			break
		}
		u := g.st.Users[i]
		if u.Status != statusActive || u.ClaimStatus != "managed" {
			continue
		}
		g.st.UserRoleAssignments = append(g.st.UserRoleAssignments, UserRoleAssignment{
			AccountID: u.AccountID, ResourceID: resource, ResourceOwner: resourceOwnerPlatform, Role: "atlassian/org-admin",
		})
		granted++
	}
}

// directRoles weights the roles of direct user grants: mostly plain users,
// some guests (external collaborators), a few admins.
var directRoles = []string{
	"atlassian/user", "atlassian/user", "atlassian/user", "atlassian/user",
	"atlassian/guest", "atlassian/guest", "atlassian/admin", "atlassian/user-access-admin",
}

// generateUserWorkspaceRoles grants ~2% of active staff a direct role on a
// workspace and makes customers customers of a service desk.
func (g *generator) generateUserWorkspaceRoles() {
	if len(g.st.Workspaces) == 0 {
		return
	}
	serviceDesks := g.workspacesOf(typeKeyServiceDesk)
	for _, u := range g.st.Users {
		if u.Status != statusActive {
			continue
		}
		var wsIndex int
		var role string
		switch {
		case u.AccountType == "customer" && len(serviceDesks) > 0:
			wsIndex, role = serviceDesks[g.rng.IntN(len(serviceDesks))], "atlassian/customer"
		case u.AccountType == "atlassian" && g.rng.IntN(50) == 0:
			wsIndex, role = g.rng.IntN(len(g.st.Workspaces)), directRoles[g.rng.IntN(len(directRoles))]
		default:
			continue
		}
		ws := g.st.Workspaces[wsIndex]
		g.st.UserRoleAssignments = append(g.st.UserRoleAssignments, UserRoleAssignment{
			AccountID: u.AccountID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: role,
		})
	}
}
