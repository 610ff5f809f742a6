package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	tftypes "github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The Deployment settings of atlassian_connector a user may change: the
// image, pinned, and the container's resources.

// connectorResourceNames are the resources a container may request and be
// limited to without a device plugin.
var connectorResourceNames = []string{"cpu", "ephemeral-storage", "memory"}

// connectorResourcesAttrTypes is the type of the resources attribute.
var connectorResourcesAttrTypes = map[string]attr.Type{
	"requests": tftypes.MapType{ElemType: tftypes.StringType},
	"limits":   tftypes.MapType{ElemType: tftypes.StringType},
}

// stringMapValue is a map of strings as a Terraform value.
func stringMapValue(m map[string]string) tftypes.Map {
	values := make(map[string]attr.Value, len(m))
	for k, v := range m {
		values[k] = tftypes.StringValue(v)
	}
	return tftypes.MapValueMust(tftypes.StringType, values)
}

// connectorResourcesValue is the resources attribute of requests and limits.
func connectorResourcesValue(requests, limits map[string]string) tftypes.Object {
	return tftypes.ObjectValueMust(connectorResourcesAttrTypes, map[string]attr.Value{
		"requests": stringMapValue(requests), "limits": stringMapValue(limits),
	})
}

// defaultQuantities writes a default for a description: `cpu = "100m"`, ...
func defaultQuantities(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("`%s = %q`", name, m[name]))
	}
	return strings.Join(parts, ", ")
}

// connectorResourcesOf reads the resources attribute; known is false while
// any part of it is unknown. A null attribute (a state written before it
// existed) reads as the defaults.
func connectorResourcesOf(o tftypes.Object) (requests, limits map[string]string, known bool) {
	if o.IsUnknown() {
		return nil, nil, false
	}
	if o.IsNull() {
		return defaultConnectorRequests, defaultConnectorLimits, true
	}
	attrs := o.Attributes()
	requests, knownRequests := knownStringMap(attrs["requests"])
	limits, knownLimits := knownStringMap(attrs["limits"])
	return requests, limits, knownRequests && knownLimits
}

// knownStringMap reads a map of strings; known is false while it or any
// of its values is unknown. A null map reads as empty.
func knownStringMap(v attr.Value) (map[string]string, bool) {
	m, ok := v.(tftypes.Map)
	if !ok || m.IsUnknown() {
		return nil, false
	}
	out := map[string]string{}
	for k, element := range m.Elements() {
		s, ok := element.(tftypes.String)
		if !ok || s.IsUnknown() {
			return nil, false
		}
		out[k] = s.ValueString()
	}
	return out, true
}

// requestsWithinLimits refuses a request above its limit, which the
// Kubernetes API would refuse when the Deployment is applied. planned holds
// the defaults of what configured leaves out; the error is on the value the
// configuration sets, the request before the limit.
func requestsWithinLimits(planned, configured tftypes.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	requests, limits, known := connectorResourcesOf(planned)
	if !known {
		return diags
	}
	var setRequests, setLimits map[string]string
	if !configured.IsNull() && !configured.IsUnknown() {
		setRequests, _ = knownStringMap(configured.Attributes()["requests"])
		setLimits, _ = knownStringMap(configured.Attributes()["limits"])
	}
	for _, name := range slices.Sorted(maps.Keys(requests)) {
		request, errRequest := resource.ParseQuantity(requests[name])
		limitText, limited := limits[name]
		if !limited || errRequest != nil {
			continue
		}
		limit, err := resource.ParseQuantity(limitText)
		if err != nil || request.Cmp(limit) <= 0 {
			continue
		}
		at := path.Root("resources")
		if _, set := setRequests[name]; set {
			at = at.AtName("requests").AtMapKey(name)
		} else if _, set := setLimits[name]; set {
			at = at.AtName("limits").AtMapKey(name)
		}
		diags.AddAttributeError(at, "Request above its limit",
			fmt.Sprintf("The %s request %s is above the %s limit %s (resources.requests and resources.limits "+
				"take their defaults where the configuration leaves them out): Kubernetes refuses such a "+
				"container. Lower the request or raise the limit.", name, requests[name], name, limitText))
	}
	return diags
}

// resourceQuantities checks a map of container resources: known resource
// names, and positive Kubernetes quantities.
type resourceQuantities struct{}

func (resourceQuantities) Description(context.Context) string {
	return "keys must be " + strings.Join(connectorResourceNames, ", ") + "; values positive Kubernetes quantities such as 250m or 512Mi"
}

func (v resourceQuantities) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (resourceQuantities) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for name, element := range req.ConfigValue.Elements() {
		at := req.Path.AtMapKey(name)
		if !slices.Contains(connectorResourceNames, name) {
			resp.Diagnostics.AddAttributeError(at, "Unknown resource",
				fmt.Sprintf("Attribute %s: %q is not a resource the connector's container can request; use %s.",
					at, name, strings.Join(connectorResourceNames, ", ")))
			continue
		}
		s, ok := element.(tftypes.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		q, err := resource.ParseQuantity(s.ValueString())
		if err != nil || q.Sign() <= 0 {
			resp.Diagnostics.AddAttributeError(at, "Invalid resource quantity",
				fmt.Sprintf("Attribute %s must be a positive Kubernetes quantity, such as 250m (a quarter of a CPU) or "+
					"512Mi (512 mebibytes), got %q.", at, s.ValueString()))
		}
	}
}

// imageTagPattern is an image tag (the distribution reference grammar);
// imageDigestPattern a digest.
var (
	imageTagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigestPattern = regexp.MustCompile(`^[a-z0-9]+([+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$`)
)

// imagePin splits an image reference into its tag and digest, either ""
// when absent; the tag is what follows the last ':' after the last '/',
// since a registry's port also follows a ':'.
func imagePin(ref string) (tag, digest string) {
	name, digest, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		tag = name[i+1:]
	}
	return tag, digest
}

// pinnedImage refuses an image that is not pinned: one without a tag or a
// digest runs whatever `latest` is when the pod starts, as does `latest`
// itself, so two pods of one Deployment may run different connectors.
type pinnedImage struct{}

func (pinnedImage) Description(context.Context) string {
	return "must name a tag other than latest, or a digest"
}

func (v pinnedImage) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (pinnedImage) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	ref := req.ConfigValue.ValueString()
	if ref == "" || strings.ContainsAny(ref, " \t\r\n") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid connector image",
			fmt.Sprintf("Attribute %s must be an image reference without white space, got %q.", req.Path, ref))
		return
	}
	tag, digest := imagePin(ref)
	switch {
	case digest != "" && !imageDigestPattern.MatchString(digest):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid connector image",
			fmt.Sprintf("Attribute %s: %q is not a digest; a digest reads sha256:<64 hexadecimal digits>.", req.Path, digest))
	case digest != "":
		// A digest pins the image whatever the tag says.
	case tag == "":
		resp.Diagnostics.AddAttributeError(req.Path, "Connector image not pinned",
			fmt.Sprintf("Attribute %s: %q names no tag or digest, so the cluster would run whatever its latest "+
				"image is when a pod starts. Add the version's tag (%s:1.2.3) or, better, its digest (%s@sha256:...).",
				req.Path, ref, ref, ref))
	case tag == "latest":
		resp.Diagnostics.AddAttributeError(req.Path, "Connector image not pinned",
			fmt.Sprintf("Attribute %s: %q is the moving tag latest, so two pods of the Deployment may run different "+
				"connectors. Name a version's tag or, better, its digest (name@sha256:...).", req.Path, ref))
	case !imageTagPattern.MatchString(tag):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid connector image",
			fmt.Sprintf("Attribute %s: %q is not an image tag (letters, digits, '_', '.' and '-', at most 128).", req.Path, tag))
	}
}
