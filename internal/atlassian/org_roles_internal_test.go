package atlassian

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// body answers with a status and a body, as the unconfirmed variants of
// the organization role and lifecycle endpoints may.
func body(code int, contentType, text string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(text))
	}
}

// The answers the reference leaves open: every 2xx, with or without a
// body, is success; a 409 on assign is "already assigned" unless its code
// says licence limit.
func TestOrganizationRoleAndLifecycleAnswers(t *testing.T) {
	ctx := context.Background()
	for name, answer := range map[string]func(http.ResponseWriter, *http.Request){
		"204":                status(http.StatusNoContent),
		"200 with JSON":      body(http.StatusOK, "application/json", `{"data":{"role":"atlassian/org-admin"}}`),
		"200 empty":          body(http.StatusOK, "", ""),
		"201 with text":      body(http.StatusCreated, "text/plain", "ok"),
		"202 with JSON list": body(http.StatusAccepted, "application/json", `[]`),
	} {
		c, _ := scripted(t, answer)
		if err := c.AssignOrganizationRole(ctx, "acc-1", RoleOrgAdmin); err != nil {
			t.Errorf("assign answered %s: %v", name, err)
		}
		if err := c.RevokeOrganizationRole(ctx, "acc-1", RoleOrgAdmin); err != nil {
			t.Errorf("revoke answered %s: %v", name, err)
		}
		if err := c.SuspendUser(ctx, "dir-1", "acc-1"); err != nil {
			t.Errorf("suspend answered %s: %v", name, err)
		}
		if err := c.RestoreUser(ctx, "dir-1", "acc-1"); err != nil {
			t.Errorf("restore answered %s: %v", name, err)
		}
	}

	for name, c := range map[string]struct {
		answer func(http.ResponseWriter, *http.Request)
		want   error
	}{
		"409-2":             {body(http.StatusConflict, "application/json", `{"errors":[{"id":"1","status":"409","code":"ADMIN-UAM-409-2","title":"Conflict","detail":"already assigned"}]}`), ErrAlreadyExists},
		"409 without code":  {body(http.StatusConflict, "application/json", `{"code":409,"message":"role already assigned"}`), ErrAlreadyExists},
		"409 other code":    {body(http.StatusConflict, "application/json", `{"errors":[{"id":"1","status":409,"code":"ADMIN-UAM-409-9","title":"Conflict"}]}`), ErrAlreadyExists},
		"409-3 licence":     {body(http.StatusConflict, "application/json", `{"errors":[{"id":"1","status":"409","code":"ADMIN-UAM-409-3","title":"Licence"}]}`), ErrLicenceLimit},
		"400-3 wrong role":  {body(http.StatusBadRequest, "application/json", `{"errors":[{"id":"1","status":"400","code":"ADMIN-UAM-400-3","title":"Bad role"}]}`), ErrInvalidRole},
		"404 unknown user":  {body(http.StatusNotFound, "application/json", `{"errors":[{"id":"1","status":"404","code":"ADMIN-UAM-404-1","title":"Not found"}]}`), ErrNotFound},
		"403 not permitted": {body(http.StatusForbidden, "application/json", `{"errors":[{"id":"1","status":"403","code":"ADMIN-UAM-403-1","title":"Forbidden"}]}`), ErrForbidden},
	} {
		client, _ := scripted(t, c.answer)
		err := client.AssignOrganizationRole(ctx, "acc-1", RoleOrgAdmin)
		if !errors.Is(err, c.want) {
			t.Errorf("assign answered %s: %v, want %v", name, err, c.want)
		}
		if c.want == ErrLicenceLimit && errors.Is(err, ErrAlreadyExists) {
			t.Errorf("a licence limit on assign reads as already assigned: %v", err)
		}
	}
}
