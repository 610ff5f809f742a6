// Package batonsync runs the baton SDK's full sync of a connector server
// in-process, into a .c1z file, and reads the result back.
//
// The SDK's syncer (pkg/sync) wants a types.ConnectorClient, the gRPC client
// side; the connector is a types.ConnectorServer. The SDK has no adapter
// between the two short of a real gRPC connection, so Client forwards each
// client method to the server method of the same name: no serialization, no
// listener, and errors keep their gRPC status (and, in-process, the errors
// they wrap).
package batonsync

import (
	"context"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Client is a types.ConnectorClient that calls a types.ConnectorServer in
// the same process. Call options are ignored.
type Client struct {
	Server types.ConnectorServer
}

var _ types.ConnectorClient = (*Client)(nil)

// NewClient wraps a connector server as a client.
func NewClient(server types.ConnectorServer) *Client { return &Client{Server: server} }

func (c *Client) ListResourceTypes(ctx context.Context, in *v2.ResourceTypesServiceListResourceTypesRequest, _ ...grpc.CallOption) (*v2.ResourceTypesServiceListResourceTypesResponse, error) {
	return c.Server.ListResourceTypes(ctx, in)
}

func (c *Client) ListResources(ctx context.Context, in *v2.ResourcesServiceListResourcesRequest, _ ...grpc.CallOption) (*v2.ResourcesServiceListResourcesResponse, error) {
	return c.Server.ListResources(ctx, in)
}

func (c *Client) GetResource(ctx context.Context, in *v2.ResourceGetterServiceGetResourceRequest, _ ...grpc.CallOption) (*v2.ResourceGetterServiceGetResourceResponse, error) {
	return c.Server.GetResource(ctx, in)
}

func (c *Client) ListEntitlements(ctx context.Context, in *v2.EntitlementsServiceListEntitlementsRequest, _ ...grpc.CallOption) (*v2.EntitlementsServiceListEntitlementsResponse, error) {
	return c.Server.ListEntitlements(ctx, in)
}

func (c *Client) ListStaticEntitlements(ctx context.Context, in *v2.EntitlementsServiceListStaticEntitlementsRequest, _ ...grpc.CallOption) (*v2.EntitlementsServiceListStaticEntitlementsResponse, error) {
	return c.Server.ListStaticEntitlements(ctx, in)
}

func (c *Client) ListGrants(ctx context.Context, in *v2.GrantsServiceListGrantsRequest, _ ...grpc.CallOption) (*v2.GrantsServiceListGrantsResponse, error) {
	return c.Server.ListGrants(ctx, in)
}

func (c *Client) GetMetadata(ctx context.Context, in *v2.ConnectorServiceGetMetadataRequest, _ ...grpc.CallOption) (*v2.ConnectorServiceGetMetadataResponse, error) {
	return c.Server.GetMetadata(ctx, in)
}

func (c *Client) Validate(ctx context.Context, in *v2.ConnectorServiceValidateRequest, _ ...grpc.CallOption) (*v2.ConnectorServiceValidateResponse, error) {
	return c.Server.Validate(ctx, in)
}

func (c *Client) Cleanup(ctx context.Context, in *v2.ConnectorServiceCleanupRequest, _ ...grpc.CallOption) (*v2.ConnectorServiceCleanupResponse, error) {
	return c.Server.Cleanup(ctx, in)
}

// GetAsset is a server-streaming RPC; this connector serves no assets (and
// the syncer's asset step is disabled in the SDK).
func (c *Client) GetAsset(context.Context, *v2.AssetServiceGetAssetRequest, ...grpc.CallOption) (grpc.ServerStreamingClient[v2.AssetServiceGetAssetResponse], error) {
	return nil, status.Error(codes.Unimplemented, "batonsync: assets are not served in-process")
}

func (c *Client) Grant(ctx context.Context, in *v2.GrantManagerServiceGrantRequest, _ ...grpc.CallOption) (*v2.GrantManagerServiceGrantResponse, error) {
	return c.Server.Grant(ctx, in)
}

func (c *Client) Revoke(ctx context.Context, in *v2.GrantManagerServiceRevokeRequest, _ ...grpc.CallOption) (*v2.GrantManagerServiceRevokeResponse, error) {
	return c.Server.Revoke(ctx, in)
}

func (c *Client) CreateResource(ctx context.Context, in *v2.CreateResourceRequest, _ ...grpc.CallOption) (*v2.CreateResourceResponse, error) {
	return c.Server.CreateResource(ctx, in)
}

func (c *Client) DeleteResource(ctx context.Context, in *v2.DeleteResourceRequest, _ ...grpc.CallOption) (*v2.DeleteResourceResponse, error) {
	return c.Server.DeleteResource(ctx, in)
}

func (c *Client) DeleteResourceV2(ctx context.Context, in *v2.DeleteResourceV2Request, _ ...grpc.CallOption) (*v2.DeleteResourceV2Response, error) {
	return c.Server.DeleteResourceV2(ctx, in)
}

func (c *Client) CreateAccount(ctx context.Context, in *v2.CreateAccountRequest, _ ...grpc.CallOption) (*v2.CreateAccountResponse, error) {
	return c.Server.CreateAccount(ctx, in)
}

func (c *Client) RotateCredential(ctx context.Context, in *v2.RotateCredentialRequest, _ ...grpc.CallOption) (*v2.RotateCredentialResponse, error) {
	return c.Server.RotateCredential(ctx, in)
}

func (c *Client) IssueCredential(ctx context.Context, in *v2.IssueCredentialRequest, _ ...grpc.CallOption) (*v2.IssueCredentialResponse, error) {
	return c.Server.IssueCredential(ctx, in)
}

func (c *Client) ListEvents(ctx context.Context, in *v2.ListEventsRequest, _ ...grpc.CallOption) (*v2.ListEventsResponse, error) {
	return c.Server.ListEvents(ctx, in)
}

func (c *Client) ListEventFeeds(ctx context.Context, in *v2.ListEventFeedsRequest, _ ...grpc.CallOption) (*v2.ListEventFeedsResponse, error) {
	return c.Server.ListEventFeeds(ctx, in)
}

func (c *Client) CreateTicket(ctx context.Context, in *v2.TicketsServiceCreateTicketRequest, _ ...grpc.CallOption) (*v2.TicketsServiceCreateTicketResponse, error) {
	return c.Server.CreateTicket(ctx, in)
}

func (c *Client) GetTicket(ctx context.Context, in *v2.TicketsServiceGetTicketRequest, _ ...grpc.CallOption) (*v2.TicketsServiceGetTicketResponse, error) {
	return c.Server.GetTicket(ctx, in)
}

func (c *Client) ListTicketSchemas(ctx context.Context, in *v2.TicketsServiceListTicketSchemasRequest, _ ...grpc.CallOption) (*v2.TicketsServiceListTicketSchemasResponse, error) {
	return c.Server.ListTicketSchemas(ctx, in)
}

func (c *Client) GetTicketSchema(ctx context.Context, in *v2.TicketsServiceGetTicketSchemaRequest, _ ...grpc.CallOption) (*v2.TicketsServiceGetTicketSchemaResponse, error) {
	return c.Server.GetTicketSchema(ctx, in)
}

func (c *Client) BulkCreateTickets(ctx context.Context, in *v2.TicketsServiceBulkCreateTicketsRequest, _ ...grpc.CallOption) (*v2.TicketsServiceBulkCreateTicketsResponse, error) {
	return c.Server.BulkCreateTickets(ctx, in)
}

func (c *Client) BulkGetTickets(ctx context.Context, in *v2.TicketsServiceBulkGetTicketsRequest, _ ...grpc.CallOption) (*v2.TicketsServiceBulkGetTicketsResponse, error) {
	return c.Server.BulkGetTickets(ctx, in)
}

func (c *Client) InvokeAction(ctx context.Context, in *v2.InvokeActionRequest, _ ...grpc.CallOption) (*v2.InvokeActionResponse, error) {
	return c.Server.InvokeAction(ctx, in)
}

func (c *Client) GetActionStatus(ctx context.Context, in *v2.GetActionStatusRequest, _ ...grpc.CallOption) (*v2.GetActionStatusResponse, error) {
	return c.Server.GetActionStatus(ctx, in)
}

func (c *Client) GetActionSchema(ctx context.Context, in *v2.GetActionSchemaRequest, _ ...grpc.CallOption) (*v2.GetActionSchemaResponse, error) {
	return c.Server.GetActionSchema(ctx, in)
}

func (c *Client) ListActionSchemas(ctx context.Context, in *v2.ListActionSchemasRequest, _ ...grpc.CallOption) (*v2.ListActionSchemasResponse, error) {
	return c.Server.ListActionSchemas(ctx, in)
}
