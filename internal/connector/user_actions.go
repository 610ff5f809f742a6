package connector

import (
	"context"
	"errors"
	"fmt"

	config "github.com/conductorone/baton-sdk/pb/c1/config/v1"
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/actions"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// The user actions, named as the public ConductorOne connectors name them.
// disable_user suspends the account's access to the organization (its
// roles and groups are kept, billing stops); enable_user restores it.
const (
	ActionDisableUser = "disable_user"
	ActionEnableUser  = "enable_user"

	// ActionArgUserID names the account: a resource id
	// ({"resource_type_id":"user","resource_id":"<account id>"}) or, for
	// hand-written invocations, the account id as a plain string.
	ActionArgUserID = "user_id"
	// ActionArgDirectoryID optionally names the account's directory, which
	// the v2 write takes in its path; without it the account is read once
	// to find it.
	ActionArgDirectoryID = "directory_id"

	// Return fields: success (bool), status (the account status after the
	// action), and on failure error (the SDK's) and reason (Reason's value).
	ActionReturnSuccess = "success"
	ActionReturnStatus  = "status"
	ActionReturnReason  = "reason"
	// ActionReturnDirectoryID is the directory the write used, for the
	// caller to pass back next time.
	ActionReturnDirectoryID = "directory_id"
)

// ReasonSuspensionRefused: Atlassian refused to suspend the account, which
// it does for an organization admin.
const ReasonSuspensionRefused = "SUSPENSION_REFUSED"

func userActionSchema(name, displayName, description string, kind v2.ActionType) *v2.BatonActionSchema {
	return v2.BatonActionSchema_builder{
		Name:        name,
		DisplayName: displayName,
		Description: description,
		Arguments: []*config.Field{
			config.Field_builder{
				Name: ActionArgUserID, DisplayName: "User", IsRequired: true,
				Description:     "The account whose access to the organization changes.",
				ResourceIdField: &config.ResourceIdField{},
			}.Build(),
			config.Field_builder{
				Name: ActionArgDirectoryID, DisplayName: "Directory ID",
				Description: "The account's directory, when known; read from the account otherwise.",
				StringField: &config.StringField{},
			}.Build(),
		},
		ReturnTypes: []*config.Field{
			config.Field_builder{Name: ActionReturnSuccess, DisplayName: "Success", BoolField: &config.BoolField{}}.Build(),
			config.Field_builder{Name: ActionReturnStatus, DisplayName: "Account status", StringField: &config.StringField{}}.Build(),
			config.Field_builder{Name: ActionReturnDirectoryID, DisplayName: "Directory ID", StringField: &config.StringField{}}.Build(),
		},
		ActionType: []v2.ActionType{kind},
	}.Build()
}

// The user actions are registered through the SDK's current interface for
// actions scoped to a resource type, not the deprecated action manager.
var _ connectorbuilder.ResourceActionProvider = (*userSyncer)(nil)

// ResourceActions registers disable_user and enable_user on the user
// resource type.
func (s *userSyncer) ResourceActions(ctx context.Context, registry actions.ActionRegistry) error {
	if err := registry.Register(ctx, userActionSchema(ActionDisableUser, "Suspend access",
		"Suspends the account's access to the organization; its roles and groups are kept. Atlassian refuses to suspend an organization admin.",
		v2.ActionType_ACTION_TYPE_ACCOUNT_DISABLE), s.disableUser); err != nil {
		return err
	}
	return registry.Register(ctx, userActionSchema(ActionEnableUser, "Restore access",
		"Restores a suspended account's access to the organization, with the roles and groups it had.",
		v2.ActionType_ACTION_TYPE_ACCOUNT_ENABLE), s.enableUser)
}

func (s *userSyncer) disableUser(ctx context.Context, args *structpb.Struct) (*structpb.Struct, annotations.Annotations, error) {
	return s.setSuspended(ctx, args, true)
}

func (s *userSyncer) enableUser(ctx context.Context, args *structpb.Struct) (*structpb.Struct, annotations.Annotations, error) {
	return s.setSuspended(ctx, args, false)
}

// setSuspended suspends or restores one account: one write, after one read
// of the account when its directory is not given. Both directions are
// idempotent at Atlassian.
func (s *userSyncer) setSuspended(ctx context.Context, args *structpb.Struct, suspend bool) (*structpb.Struct, annotations.Annotations, error) {
	accountID := actionUserID(args)
	if accountID == "" {
		err := invalidArgument("the %s argument must name a user: {\"resource_type_id\":\"user\",\"resource_id\":\"<account id>\"} or the account id", ActionArgUserID)
		return failedAction(err), nil, err
	}
	ctx, rl := atlassian.ObserveRateLimit(ctx)
	directoryID, _ := actions.GetStringArg(args, ActionArgDirectoryID)
	if directoryID == "" || directoryID == atlassian.AllDirectories {
		var err error
		if directoryID, err = s.c.client.UserDirectoryID(ctx, accountID); err != nil {
			err = wrapError(err, "finding the directory of user %s", accountID)
			return failedAction(err), nil, err
		}
	}
	verb, status := "restoring the access of", atlassian.UserStatusActive
	var err error
	defer s.c.listed.changing(accountID)() // its status changes
	if suspend {
		verb, status = "suspending the access of", atlassian.UserStatusSuspended
		err = s.c.client.SuspendUser(ctx, directoryID, accountID)
	} else {
		err = s.c.client.RestoreUser(ctx, directoryID, accountID)
	}
	if err != nil {
		if suspend && errors.Is(err, atlassian.ErrBadRequest) {
			err = newStatusErrorWithReason(codes.FailedPrecondition, ReasonSuspensionRefused,
				"%s user %s: Atlassian refused (it refuses to suspend an organization admin: revoke the organization admin role first): %s", verb, accountID, err)
		} else {
			err = wrapError(err, "%s user %s", verb, accountID)
		}
		return failedAction(err), nil, err
	}
	return actions.NewReturnValues(true,
		actions.NewStringReturnField(ActionReturnStatus, status),
		actions.NewStringReturnField(ActionReturnDirectoryID, directoryID),
	), withRateLimit(rl, nil), nil
}

// actionUserID reads user_id as a resource id or a plain account id.
func actionUserID(args *structpb.Struct) string {
	if id, ok := actions.GetResourceIDArg(args, ActionArgUserID); ok {
		if id.GetResourceType() != ResourceTypeUser {
			return ""
		}
		return id.GetResource()
	}
	id, _ := actions.GetStringArg(args, ActionArgUserID)
	return id
}

// failedAction is the return value of a failed action: the SDK adds the
// error text, and the reason travels beside it, since an action's error
// reaches its caller as text only.
func failedAction(err error) *structpb.Struct {
	return actions.NewReturnValues(false, actions.NewStringReturnField(ActionReturnReason, Reason(err)))
}

// newStatusErrorWithReason is newStatusError with a reason of its own
// instead of the cause's.
func newStatusErrorWithReason(code codes.Code, reason string, format string, args ...any) error {
	st := status.New(code, fmt.Sprintf(format, args...))
	if detailed, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}); err == nil {
		st = detailed
	}
	return &statusError{st: st}
}
