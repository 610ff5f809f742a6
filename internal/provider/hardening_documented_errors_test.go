package provider

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Errors Atlassian's document gives the writes the provider sends, met at
// apply time, after a plan that could not foresee them: each gives a
// diagnostic that names the resource, says what happened and what to do,
// and leaves the state true (a refused create adds nothing, a refused
// delete keeps the resource), which the plan afterwards shows. The errors
// a plan catches (unknown ids, a synced group in a new membership, a name
// already taken, the licence limit) are rows of TestAccBadInputs.

// adminWrite sends one admin API request to the sandbox as another
// administrator would, outside Terraform.
func adminWrite(t *testing.T, org *acctest.Org, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, org.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := org.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
}

func directoryPath(org *acctest.Org, dirID string) string {
	return "/admin/v2/orgs/" + url.PathEscape(org.OrgID) + "/directories/" + url.PathEscape(dirID)
}

func TestAccDocumentedErrorsAtApply(t *testing.T) {
	acctest.RequireTerraform(t)
	t.Parallel()
	acctest.ProviderBinary(t) // built once for the parallel cases

	// A group named by another admin between plan and apply: the create is
	// refused (409); nothing enters the state; once reads show the group,
	// the plan says the name is taken.
	t.Run("group create: name taken after the plan (409)", func(t *testing.T) {
		t.Parallel()
		org := acctest.NewOrg(t, 20, 4, 1)
		dir := org.State().Directories[0].ID
		// Reads lag behind writes, as on the eventually consistent service:
		// the plan does not see the other admin's group yet.
		setSandboxSettings(t, org, `{"read_after_write_lag_ms": 3600000}`)
		adminWrite(t, org, http.MethodPost, directoryPath(org, dir)+"/groups", `{"name":"tf-raced"}`)
		cli := acctest.NewPluginCLI(t, tfdriver.Options{})
		cli.WriteConfig(org.ProviderBlock() + groupHCL("tf-raced"))
		res := cli.Ran(cli.TryApply())
		cli.ExpectNoCrash(res)
		want := acctest.AttrError("Group name already taken", "atlassian_group.g", "name",
			`Group "tf-raced" cannot be created because a group with that name already exists`,
			"Import that group, or choose another name", "ADMIN-UAM-409-2")
		if res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("want %s\n%s", want, res)
		}
		cli.ExpectInState()
		setSandboxSettings(t, org, `{"read_after_write_lag_ms": 0}`)
		res = cli.Ran(cli.TryPlan())
		if want := acctest.AttrError("Group name already taken", "atlassian_group.g", "name", `already has a group named "tf-raced"`); res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("the plan afterwards: want %s\n%s", want, res)
		}
	})

	// A group deleted by another admin between plan and apply: the
	// membership add is refused (404); nothing enters the state; the plan
	// afterwards says the group does not exist.
	t.Run("membership add: group deleted after the plan (404)", func(t *testing.T) {
		t.Parallel()
		org := acctest.NewOrg(t, 20, 4, 1)
		g := org.WritableGroup(t)
		outsider := grpNonMembers(t, org, g, 1)[0].AccountID
		setSandboxSettings(t, org, `{"read_after_write_lag_ms": 3600000}`)
		adminWrite(t, org, http.MethodDelete, directoryPath(org, g.DirectoryID)+"/groups/"+url.PathEscape(g.ID), "")
		cli := acctest.NewPluginCLI(t, tfdriver.Options{})
		cli.WriteConfig(org.ProviderBlock() + membershipHCL(g.ID, outsider))
		res := cli.Ran(cli.TryApply())
		cli.ExpectNoCrash(res)
		want := acctest.BlockError("Group or account not found", "atlassian_group_membership.m",
			fmt.Sprintf("add account %s to group %s", accountInMessage(org, outsider), groupInMessage(g)), "group_id and account_id",
			"atlassian_group and atlassian_account data sources", "remove this resource from the configuration", "ADMIN-UAM-404-3")
		if res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("want %s\n%s", want, res)
		}
		cli.ExpectInState()
		setSandboxSettings(t, org, `{"read_after_write_lag_ms": 0}`)
		res = cli.Ran(cli.TryPlan())
		if want := acctest.AttrError("Unknown group", "atlassian_group_membership.m", "group_id"); res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("the plan afterwards: want %s\n%s", want, res)
		}
	})

	// A group Terraform created that an identity provider took over: its
	// memberships and the group itself refuse changes (403). A plan made
	// after the takeover refuses to delete the group (and so removes
	// nothing); plans saved before it meet the refusals at apply. The
	// refused deletes keep the resources in the state, and the plan
	// afterwards still shows them to destroy.
	t.Run("membership remove and group delete: group synced from an identity provider (403)", func(t *testing.T) {
		t.Parallel()
		org := acctest.NewOrg(t, 20, 4, 1)
		member := org.ActiveUsers()[0].AccountID
		cli := acctest.NewPluginCLI(t, tfdriver.Options{})
		cli.WriteConfig(org.ProviderBlock() + groupHCL("tf-taken-over") + `
resource "atlassian_group_membership" "m" {
  group_id   = atlassian_group.g.id
  account_id = "` + member + `"
}
`)
		cli.MustApply()
		cli.Must(cli.TryPlan(tfexec.Destroy(true), tfexec.Out("before-takeover.tfplan")))
		takeOver := func(synced bool) {
			org.Update(func(st *sandbox.State) error {
				for i := range st.Groups {
					if st.Groups[i].Name == "tf-taken-over" {
						st.Groups[i].ExternalSynced = synced
					}
				}
				return nil
			})
		}
		takeOver(true)
		before := acctest.AccessOf(org.State())

		// Planned after the takeover: refused at plan time.
		res := cli.Ran(cli.TryDestroy())
		cli.ExpectNoCrash(res)
		if want := acctest.BlockError("Atlassian refuses to delete this group", "atlassian_group.g",
			"is synced from an identity provider", "removed {"); res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("want %s\n%s", want, res)
		}
		cli.ExpectInState("atlassian_group.g", "atlassian_group_membership.m")
		if d := before.Diff(acctest.AccessOf(org.State())); d != "" {
			t.Fatalf("the refused destroy changed the organization:\n%s", d)
		}

		// Planned before it: the membership's removal is refused at apply.
		// Terraform shows no configuration location for a destroy: the
		// resource is named by its progress line and the detail.
		res = cli.Ran(cli.TryApply(tfexec.DirOrPlan("before-takeover.tfplan")))
		cli.ExpectNoCrash(res)
		want := acctest.PlainError("Atlassian refused to change the group membership",
			"Could not remove account "+member, "from group", "Groups synced from an identity provider",
			"make the change in the identity provider", "remove the resource from the state", "ADMIN-UAM-403-1")
		if res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("want %s\n%s", want, res)
		}
		cli.ExpectInState("atlassian_group.g", "atlassian_group_membership.m")
		if d := before.Diff(acctest.AccessOf(org.State())); d != "" {
			t.Fatalf("the refused destroy changed the organization:\n%s", d)
		}

		// The group alone, taken over between its plan and its apply: its
		// delete is refused at apply.
		cli.Must(cli.Exec("state", "rm", "atlassian_group_membership.m"))
		cli.WriteConfig(org.ProviderBlock() + groupHCL("tf-taken-over"))
		takeOver(false)
		cli.Must(cli.TryPlan(tfexec.Destroy(true), tfexec.Out("group.tfplan")))
		takeOver(true)
		res = cli.Ran(cli.TryApply(tfexec.DirOrPlan("group.tfplan")))
		cli.ExpectNoCrash(res)
		want = acctest.PlainError("Could not delete the group", `Deleting group "tf-taken-over"`,
			"ADMIN-UAM-403-1", "remove it from the state")
		if res.Err == nil || !want.MatchString(res.Output) {
			t.Fatalf("want %s\n%s", want, res)
		}
		cli.ExpectInState("atlassian_group.g")
		// The group is still there, and still synced: the next destroy
		// plan refuses it again.
		res = cli.Ran(cli.TryPlan(tfexec.Destroy(true)))
		if want := acctest.BlockError("Atlassian refuses to delete this group", "atlassian_group.g",
			"is synced from an identity provider"); res.ExitCode != 1 || !want.MatchString(res.Output) {
			t.Fatalf("the destroy plan afterwards does not refuse the group, which is still there\n%s", res)
		}
	})
}
