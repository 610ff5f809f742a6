package provider

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The Kubernetes manifests of a self-hosted Atlassian connector, as the
// ConductorOne setup guide ("Set up an Atlassian connector", step 2) writes
// them: a Secret holding the ConductorOne and Atlassian credentials, and a
// Deployment of the connector image that reads them with envFrom. They are
// built as typed values and marshalled with a YAML library, never from
// string templates, so any value (a key with a quote or a colon, a name
// that looks like a number) comes out correctly quoted.

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

// environment is the connector's environment, in the guide's order with the
// upstream image's spellings after the guide's: the Secret's stringData,
// and what a process running the connector elsewhere (a container, a VM,
// cmd/baton-atlassian) needs.
func (s connectorDeploymentSpec) environment() orderedStrings {
	var env orderedStrings
	if s.ClientID != "" {
		env = append(env, keyValue{envConnectorClientID, s.ClientID})
	}
	if s.ClientSecret != "" {
		env = append(env, keyValue{envConnectorClientSecret, s.ClientSecret})
	}
	env = append(env,
		keyValue{envConnectorAPIToken, s.APIToken}, keyValue{envConnectorOrg, s.OrganizationID},
		keyValue{envConnectorAccessToken, s.APIToken}, keyValue{envConnectorOrgID, s.OrganizationID})
	if s.BaseURL != "" {
		env = append(env, keyValue{envConnectorBaseURL, s.BaseURL})
	}
	return env
}

// k8sObjectMeta is the metadata of both objects.
type k8sObjectMeta struct {
	Name      string            `yaml:"name,omitempty"`
	Namespace string            `yaml:"namespace,omitempty"`
	Labels    map[string]string `yaml:"labels,omitempty"`
}

type k8sSecret struct {
	APIVersion string         `yaml:"apiVersion"`
	Kind       string         `yaml:"kind"`
	Metadata   k8sObjectMeta  `yaml:"metadata"`
	Type       string         `yaml:"type"`
	StringData orderedStrings `yaml:"stringData"`
}

type k8sDeployment struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   k8sObjectMeta     `yaml:"metadata"`
	Spec       k8sDeploymentSpec `yaml:"spec"`
}

type k8sDeploymentSpec struct {
	Selector k8sLabelSelector   `yaml:"selector"`
	Template k8sPodTemplateSpec `yaml:"template"`
}

type k8sLabelSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type k8sPodTemplateSpec struct {
	Metadata k8sObjectMeta `yaml:"metadata"`
	Spec     k8sPodSpec    `yaml:"spec"`
}

type k8sPodSpec struct {
	Containers []k8sContainer `yaml:"containers"`
}

type k8sContainer struct {
	Name            string             `yaml:"name"`
	Image           string             `yaml:"image"`
	ImagePullPolicy string             `yaml:"imagePullPolicy"`
	EnvFrom         []k8sEnvFromSource `yaml:"envFrom"`
}

type k8sEnvFromSource struct {
	SecretRef k8sSecretRef `yaml:"secretRef"`
}

type k8sSecretRef struct {
	Name string `yaml:"name"`
}

// secretManifest is the guide's Secret (baton-atlassian-secrets.yaml).
func (s connectorDeploymentSpec) secretManifest() (string, error) {
	return marshalManifest(k8sSecret{
		APIVersion: "v1",
		Kind:       "Secret",
		Metadata:   k8sObjectMeta{Name: s.secretName(), Namespace: s.Namespace},
		Type:       "Opaque",
		StringData: s.environment(),
	})
}

// deploymentManifest is the guide's Deployment (baton-atlassian.yaml). The
// guide writes the pod label `baton: true`, a YAML boolean, which the
// Kubernetes API refuses (label values are strings); it is the string
// "true" here.
func (s connectorDeploymentSpec) deploymentManifest() (string, error) {
	selector := map[string]string{"app": s.Name}
	return marshalManifest(k8sDeployment{
		APIVersion: "apps/v1",
		Kind:       "Deployment",
		Metadata:   k8sObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: map[string]string{"app": s.Name}},
		Spec: k8sDeploymentSpec{
			Selector: k8sLabelSelector{MatchLabels: selector},
			Template: k8sPodTemplateSpec{
				Metadata: k8sObjectMeta{Labels: map[string]string{"app": s.Name, "baton": "true", "baton-app": "atlassian"}},
				Spec: k8sPodSpec{Containers: []k8sContainer{{
					Name:            s.Name,
					Image:           s.Image,
					ImagePullPolicy: "IfNotPresent",
					EnvFrom:         []k8sEnvFromSource{{SecretRef: k8sSecretRef{Name: s.secretName()}}},
				}}},
			},
		},
	})
}

func marshalManifest(v any) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encoding the manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("encoding the manifest: %w", err)
	}
	return buf.String(), nil
}

// keyValue is one entry of an orderedStrings.
type keyValue struct{ Key, Value string }

// orderedStrings is a string map that keeps its order in YAML (a Go map
// would be sorted by key), so the Secret reads like the guide's.
type orderedStrings []keyValue

// MarshalYAML writes a mapping whose values are always strings: a value
// such as "true" or "0123" is quoted rather than read back as a boolean or
// a number.
func (o orderedStrings) MarshalYAML() (any, error) {
	node := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range o {
		value := &yaml.Node{}
		if err := value.Encode(kv.Value); err != nil {
			return nil, err
		}
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv.Key}, value)
	}
	return node, nil
}

// Map returns the entries as a map.
func (o orderedStrings) Map() map[string]string {
	m := make(map[string]string, len(o))
	for _, kv := range o {
		m[kv.Key] = kv.Value
	}
	return m
}
