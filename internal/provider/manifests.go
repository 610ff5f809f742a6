package provider

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// The Kubernetes manifests of a self-hosted Atlassian connector, as the
// ConductorOne setup guide ("Set up an Atlassian connector", step 2) writes
// them: a Secret holding the ConductorOne and Atlassian credentials, and a
// Deployment of the connector image that reads them with envFrom. They are
// built as values of the Kubernetes API types (k8s.io/api) and marshalled
// through their JSON tags, as kubectl does, never from string templates:
// the field names are the API's own, and any value (a key with a quote or a
// colon, a name that looks like a number) comes out correctly quoted.

// Environment variables of the connector. The Secret carries the
// Atlassian credentials under two spellings, because the two images a user
// may run read different ones: the setup guide writes BATON_API_TOKEN and
// BATON_ORG, which this project's baton-atlassian accepts as aliases
// (connector.ApplyEnvAliases), while the published upstream image
// (defaultConnectorImage) reads only the names of its flags,
// BATON_ACCESS_TOKEN and BATON_ORGANIZATION_ID, and would start without
// credentials from the guide's Secret alone.
const (
	envConnectorClientID     = "BATON_CLIENT_ID"
	envConnectorClientSecret = "BATON_CLIENT_SECRET"
	envConnectorAPIToken     = "BATON_API_TOKEN"
	envConnectorOrg          = "BATON_ORG"
	envConnectorAccessToken  = "BATON_ACCESS_TOKEN"
	envConnectorOrgID        = "BATON_ORGANIZATION_ID"
	// envConnectorBaseURL is the connector's hidden --base-url flag. It is
	// only set when the provider talks to an admin API other than
	// Atlassian's (a sandbox organization).
	envConnectorBaseURL = "BATON_BASE_URL"
)

// connectorDeploymentSpec is what the manifests are built from.
type connectorDeploymentSpec struct {
	Name           string // Deployment, container and app label; the Secret is <Name>-secrets
	Namespace      string
	Image          string
	OrganizationID string
	APIToken       string
	ClientID       string // "" leaves BATON_CLIENT_ID out
	ClientSecret   string // "" leaves BATON_CLIENT_SECRET out
	BaseURL        string // "" (or Atlassian's) leaves BATON_BASE_URL out
	// writeOnly: a secret came from a write-only argument, so nothing that
	// holds the secrets (the environment, the Secret manifest) is stored.
	writeOnly bool
}

// secretName is the guide's <name>-secrets.
func (s connectorDeploymentSpec) secretName() string { return s.Name + "-secrets" }

// environment is the connector's environment: the Secret's stringData,
// and what a process running the connector elsewhere (a container, a VM,
// cmd/baton-atlassian) needs.
func (s connectorDeploymentSpec) environment() map[string]string {
	env := map[string]string{
		envConnectorAPIToken: s.APIToken, envConnectorOrg: s.OrganizationID,
		envConnectorAccessToken: s.APIToken, envConnectorOrgID: s.OrganizationID,
	}
	if s.ClientID != "" {
		env[envConnectorClientID] = s.ClientID
	}
	if s.ClientSecret != "" {
		env[envConnectorClientSecret] = s.ClientSecret
	}
	if s.BaseURL != "" {
		env[envConnectorBaseURL] = s.BaseURL
	}
	return env
}

// secretManifest is the guide's Secret (baton-atlassian-secrets.yaml).
func (s connectorDeploymentSpec) secretManifest() (string, error) {
	return marshalManifest(&corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: corev1.SchemeGroupVersion.String(), Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: s.secretName(), Namespace: s.Namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: s.environment(),
	})
}

// deploymentManifest is the guide's Deployment (baton-atlassian.yaml). The
// guide writes the pod label `baton: true`, a YAML boolean, which the
// Kubernetes API refuses (label values are strings); it is the string
// "true" here.
func (s connectorDeploymentSpec) deploymentManifest() (string, error) {
	return marshalManifest(&appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: appsv1.SchemeGroupVersion.String(), Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: map[string]string{"app": s.Name}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": s.Name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": s.Name, "baton": "true", "baton-app": "atlassian"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:            s.Name,
					Image:           s.Image,
					ImagePullPolicy: corev1.PullIfNotPresent,
					EnvFrom: []corev1.EnvFromSource{{
						SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: s.secretName()}},
					}},
				}}},
			},
		},
	})
}

// marshalManifest writes a Kubernetes object as YAML, without the empty
// objects its Go type cannot leave out. encoding/json never omits a struct,
// so the API types write `status: {}`, `strategy: {}` and `resources: {}`
// (as `kubectl create --dry-run -o yaml` does), and the Kubernetes
// provider's kubernetes_manifest refuses a manifest with a top-level
// `status` key, the very use the manifests are rendered for. An empty object
// means the same to the API server as an absent one in every field these
// two objects fill; one where it does not (an emptyDir volume) would have to
// be kept.
func marshalManifest(object any) (string, error) {
	encoded, err := json.Marshal(object)
	if err != nil {
		return "", fmt.Errorf("encoding the manifest: %w", err)
	}
	var tree map[string]any
	if err := json.Unmarshal(encoded, &tree); err != nil {
		return "", fmt.Errorf("encoding the manifest: %w", err)
	}
	dropEmptyObjects(tree)
	out, err := yaml.Marshal(tree)
	if err != nil {
		return "", fmt.Errorf("encoding the manifest: %w", err)
	}
	return string(out), nil
}

// dropEmptyObjects deletes, at any depth, every key of m whose value is an
// object that is empty, or left empty once its own empty objects are gone.
func dropEmptyObjects(m map[string]any) {
	for key, value := range m {
		switch v := value.(type) {
		case map[string]any:
			dropEmptyObjects(v)
			if len(v) == 0 {
				delete(m, key)
			}
		case []any:
			for _, item := range v {
				if object, ok := item.(map[string]any); ok {
					dropEmptyObjects(object)
				}
			}
		}
	}
}
