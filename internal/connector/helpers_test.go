package connector_test

import (
	"context"
	"slices"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// fastRetry keeps tests of failure paths quick: two attempts, short waits.
var fastRetry = atlassian.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxElapsed: 500 * time.Millisecond}

func startOrg(t testing.TB, users, groups, workspaces int) *sandboxtest.Env {
	t.Helper()
	return sandboxtest.Start(t, sandbox.Options{Users: users, Groups: groups, Workspaces: workspaces, Seed: 1})
}

func configFor(env *sandboxtest.Env) connector.Config {
	return connector.Config{Config: orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token}, Retry: fastRetry}
}

func newServer(t testing.TB, cfg connector.Config) (*connector.Connector, types.ConnectorServer) {
	t.Helper()
	c, err := connector.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("connector.New: %v", err)
	}
	srv, err := c.Server(context.Background())
	if err != nil {
		t.Fatalf("Server: %v", err)
	}
	return c, srv
}

func ctxFor(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func rid(resourceType, id string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: resourceType, Resource: id}.Build()
}

// principal is what a caller holding only ids passes as a grant principal.
func principal(resourceType, id string) *v2.Resource {
	return v2.Resource_builder{Id: rid(resourceType, id)}.Build()
}

// ent is an entitlement known by id, as a caller without a sync has it.
func ent(id string) *v2.Entitlement {
	ref, err := connector.ParseEntitlementID(id)
	if err != nil {
		panic(err)
	}
	return v2.Entitlement_builder{Id: id, Resource: v2.Resource_builder{Id: rid(ref.ResourceType, ref.ResourceID)}.Build()}.Build()
}

func grantRequest(entitlementID, principalType, principalID string) *v2.GrantManagerServiceGrantRequest {
	return v2.GrantManagerServiceGrantRequest_builder{Entitlement: ent(entitlementID), Principal: principal(principalType, principalID)}.Build()
}

func revokeRequest(entitlementID, principalType, principalID string) *v2.GrantManagerServiceRevokeRequest {
	return v2.GrantManagerServiceRevokeRequest_builder{Grant: v2.Grant_builder{
		Id:          connector.GrantID(entitlementID, principalType, principalID),
		Entitlement: ent(entitlementID),
		Principal:   principal(principalType, principalID),
	}.Build()}.Build()
}

// annotationOf picks the annotation of type T from an answer's annotations;
// false when there is none.
func annotationOf[T any, P interface {
	*T
	proto.Message
}](t *testing.T, annos []*anypb.Any) (P, bool) {
	t.Helper()
	msg := P(new(T))
	a := annotations.Annotations(annos)
	ok, err := a.Pick(msg)
	if err != nil {
		t.Fatal(err)
	}
	return msg, ok
}

func hasAnnotation(annos []*anypb.Any, msg proto.Message) bool {
	a := annotations.Annotations(annos)
	return a.Contains(msg)
}

// State lookups.

func isMember(st sandbox.State, groupID, accountID string) bool {
	for _, g := range st.Groups {
		if g.ID == groupID {
			return slices.Contains(g.MemberAccountIDs, accountID)
		}
	}
	return false
}

func hasUserRole(st sandbox.State, accountID, resourceID, role string) bool {
	return slices.ContainsFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool {
		return a.AccountID == accountID && a.ResourceID == resourceID && a.Role == role
	})
}

func hasGroupRole(st sandbox.State, groupID, resourceID, role string) bool {
	return slices.ContainsFunc(st.GroupRoleAssignments, func(a sandbox.GroupRoleAssignment) bool {
		return a.GroupID == groupID && a.ResourceID == resourceID && a.Role == role
	})
}

// writableGroup is a group accepting membership writes.
func writableGroup(t testing.TB, st sandbox.State) sandbox.Group {
	t.Helper()
	for _, g := range st.Groups {
		if !g.ExternalSynced && !g.Default {
			return g
		}
	}
	t.Fatal("no writable group in the sandbox")
	return sandbox.Group{}
}

func externalGroup(t testing.TB, st sandbox.State) sandbox.Group {
	t.Helper()
	for _, g := range st.Groups {
		if g.ExternalSynced {
			return g
		}
	}
	t.Fatal("no externally synced group in the sandbox")
	return sandbox.Group{}
}

// activeUserOutside is an active user who is not a member of the group.
func activeUserOutside(t testing.TB, st sandbox.State, groupID string, exclude ...string) sandbox.User {
	t.Helper()
	for _, u := range st.Users {
		if u.Status == "active" && u.AccountType == "atlassian" && !isMember(st, groupID, u.AccountID) && !slices.Contains(exclude, u.AccountID) {
			return u
		}
	}
	t.Fatal("no active user outside the group")
	return sandbox.User{}
}
