package access

import (
	"context"
	"fmt"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// Account statuses the provider compares with.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

// SuspendAccount suspends an account's access to the organization through
// the connector's disable_user action; its roles and groups are kept.
// directoryID is the account's directory when known ("" otherwise: the
// connector reads the account once to find it). It returns the directory the
// write used, to pass to RestoreAccount later.
func (d *View) SuspendAccount(ctx context.Context, accountID, directoryID string) (string, error) {
	return d.setSuspended(ctx, connector.ActionDisableUser, StatusSuspended, accountID, directoryID)
}

// RestoreAccount restores a suspended account's access, with the roles and
// groups it had (the connector's enable_user action).
func (d *View) RestoreAccount(ctx context.Context, accountID, directoryID string) (string, error) {
	return d.setSuspended(ctx, connector.ActionEnableUser, StatusActive, accountID, directoryID)
}

// actionInlineWait is how long InvokeAction holds the call open for the
// action to finish when the context sets no deadline (baton-sdk v0.25's
// inline wait; the SDK's default is short, and an action slowed by rate
// limits would otherwise come back pending). actionPoll is how often an
// action still running past it is asked about.
const (
	actionInlineWait = 5 * time.Minute
	actionPoll       = 200 * time.Millisecond
)

// inlineWait is how long InvokeAction may wait for the action: until the
// context's deadline, else actionInlineWait.
func inlineWait(ctx context.Context) *durationpb.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		return durationpb.New(time.Until(deadline))
	}
	return durationpb.New(actionInlineWait)
}

func (d *View) setSuspended(ctx context.Context, action, status, accountID, directoryID string) (string, error) {
	d.writing.Store(true)
	args := map[string]any{connector.ActionArgUserID: map[string]any{"resource_type_id": TypeUser, "resource_id": accountID}}
	if directoryID != "" {
		args[connector.ActionArgDirectoryID] = directoryID
	}
	argStruct, err := structpb.NewStruct(args)
	if err != nil {
		return "", err
	}
	resp, err := d.conn.InvokeAction(ctx, v2.InvokeActionRequest_builder{
		Name: action, ResourceTypeId: TypeUser, Args: argStruct, InlineWait: inlineWait(ctx),
	}.Build())
	if err != nil {
		return "", describe(err)
	}
	state, result := resp.GetStatus(), resp.GetResponse()
	for state == v2.BatonActionStatus_BATON_ACTION_STATUS_PENDING || state == v2.BatonActionStatus_BATON_ACTION_STATUS_RUNNING {
		timer := time.NewTimer(actionPoll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return "", ctx.Err()
		case <-timer.C:
		}
		st, err := d.conn.GetActionStatus(ctx, v2.GetActionStatusRequest_builder{Id: resp.GetId()}.Build())
		if err != nil {
			return "", describe(err)
		}
		state, result = st.GetStatus(), st.GetResponse()
	}
	fields := result.GetFields()
	if state != v2.BatonActionStatus_BATON_ACTION_STATUS_COMPLETE {
		msg := fields["error"].GetStringValue()
		if msg == "" {
			msg = fmt.Sprintf("the connector's %s action ended %s", action, state)
		}
		return "", actionError(msg, fields[connector.ActionReturnReason].GetStringValue())
	}
	d.setAccountStatus(accountID, status)
	return fields[connector.ActionReturnDirectoryID].GetStringValue(), nil
}

// actionError is a failed action's error: its text, wrapping the error of
// its reason.
func actionError(msg, reason string) error {
	described := &describedError{msg: msg}
	switch {
	case reason == connector.ReasonNotFound:
		described.msg = ErrNotFound.Error() + ": " + msg
		described.causes = append(described.causes, ErrNotFound)
	case errorOfReason[reason] != nil:
		described.causes = append(described.causes, errorOfReason[reason])
	}
	return described
}

// setAccountStatus records this process's own write in the accounts it holds.
func (d *View) setAccountStatus(accountID, status string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a, ok := d.found[accountID]; ok {
		a.Status = status
		d.found[accountID] = a
	}
	for i := range d.accounts {
		if d.accounts[i].ID == accountID {
			d.accounts[i].Status = status
		}
	}
}
