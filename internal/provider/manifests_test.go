package provider

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	k8syaml "sigs.k8s.io/yaml"
)

// The two manifests of the ConductorOne setup guide ("Set up an Atlassian
// connector", step 2), verbatim but for the pod label `baton: true`, which
// Kubernetes would refuse as a boolean and is quoted here.
const (
	guideSecret = `
# baton-atlassian-secrets.yaml
apiVersion: v1
kind: Secret
metadata:
  name: baton-atlassian-secrets
type: Opaque
stringData:
  # ConductorOne credentials
  BATON_CLIENT_ID: <ConductorOne client ID>
  BATON_CLIENT_SECRET: <ConductorOne client secret>
  
  # Atlassian credentials
  BATON_API_TOKEN: <Atlassian organization API access token>
  BATON_ORG: <Atlassian org ID>
`
	guideDeployment = `
# baton-atlassian.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: baton-atlassian
  labels:
    app: baton-atlassian
spec:
  selector:
    matchLabels:
      app: baton-atlassian
  template:
    metadata:
      labels:
        app: baton-atlassian
        baton: "true"
        baton-app: atlassian
    spec:
      containers:
      - name: baton-atlassian
        image: ghcr.io/conductorone/baton-atlassian:latest
        imagePullPolicy: IfNotPresent
        envFrom:
        - secretRef:
            name: baton-atlassian-secrets
`
)

// decodeYAML decodes one YAML document into plain Go values.
func decodeYAML(t *testing.T, doc string) map[string]any {
	t.Helper()
	var out map[string]any
	if err := yaml.Unmarshal([]byte(doc), &out); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, doc)
	}
	return out
}

// guideManifests returns the guide's manifests, decoded, with a spec's
// values put in where the guide has placeholders or its default names, and
// its namespace added to both objects.
func guideManifests(t *testing.T, s connectorDeploymentSpec) (secret, deployment map[string]any) {
	t.Helper()
	secret = decodeYAML(t, guideSecret)
	deployment = decodeYAML(t, guideDeployment)
	object := func(m map[string]any, keys ...string) map[string]any {
		for _, k := range keys {
			m = m[k].(map[string]any)
		}
		return m
	}

	object(secret, "metadata")["name"] = s.Name + "-secrets"
	object(secret, "metadata")["namespace"] = s.Namespace
	data := object(secret, "stringData")
	data["BATON_CLIENT_ID"], data["BATON_CLIENT_SECRET"] = s.ClientID, s.ClientSecret
	data["BATON_API_TOKEN"], data["BATON_ORG"] = s.APIToken, s.OrganizationID
	// The upstream image's spellings, which the guide's Secret lacks.
	data["BATON_ACCESS_TOKEN"], data["BATON_ORGANIZATION_ID"] = s.APIToken, s.OrganizationID
	if s.ClientID == "" {
		delete(data, "BATON_CLIENT_ID")
		delete(data, "BATON_CLIENT_SECRET")
	}
	if s.BaseURL != "" {
		data["BATON_BASE_URL"] = s.BaseURL
	}

	object(deployment, "metadata")["name"] = s.Name
	object(deployment, "metadata")["namespace"] = s.Namespace
	object(deployment, "metadata", "labels")["app"] = s.Name
	object(deployment, "spec", "selector", "matchLabels")["app"] = s.Name
	object(deployment, "spec", "template", "metadata", "labels")["app"] = s.Name
	container := object(deployment, "spec", "template", "spec")["containers"].([]any)[0].(map[string]any)
	container["name"], container["image"] = s.Name, s.Image
	container["envFrom"].([]any)[0].(map[string]any)["secretRef"].(map[string]any)["name"] = s.Name + "-secrets"
	return secret, deployment
}

func TestConnectorManifestsMatchTheGuide(t *testing.T) {
	specs := map[string]connectorDeploymentSpec{
		"as in the guide": {
			Name: "baton-atlassian", Namespace: "default", Image: defaultConnectorImage,
			OrganizationID: "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35", APIToken: "ATATT3xFfGF0-key",
			ClientID: "bright-otter-12345@acme.conductor.one/pcc", ClientSecret: "secret-token:conductorone.com:v1:abc",
		},
		"no ConductorOne credentials, a sandbox": {
			Name: "atlassian-prod", Namespace: "connectors", Image: "registry.example/baton-atlassian@sha256:0123",
			OrganizationID: "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35", APIToken: "key",
			BaseURL: "http://127.0.0.1:8080",
		},
		// Values YAML would read as something else unless quoted.
		"values that look like other types": {
			Name: "a", Namespace: "n", Image: "i:1",
			OrganizationID: "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35", APIToken: "true",
			ClientID: "0123", ClientSecret: "key: value # not a comment\n- and: [a list]",
		},
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			secretYAML, deploymentYAML := renderManifests(t, spec)
			wantSecret, wantDeployment := guideManifests(t, spec)
			if got := decodeYAML(t, secretYAML); !reflect.DeepEqual(got, wantSecret) {
				t.Errorf("Secret:\n%s\ndecodes to %#v\nwant %#v", secretYAML, got, wantSecret)
			}
			if got := decodeYAML(t, deploymentYAML); !reflect.DeepEqual(got, wantDeployment) {
				t.Errorf("Deployment:\n%s\ndecodes to %#v\nwant %#v", deploymentYAML, got, wantDeployment)
			}
			if strings.Contains(deploymentYAML, spec.APIToken) && spec.APIToken != "true" {
				t.Errorf("the Deployment holds the API key:\n%s", deploymentYAML)
			}
			// The environment is the Secret's data.
			env := spec.environment()
			data := wantSecret["stringData"].(map[string]any)
			if len(env) != len(data) {
				t.Errorf("environment %v, Secret data %v", env, data)
			}
			for k, v := range data {
				if env[k] != v {
					t.Errorf("environment[%s] = %q, Secret has %q", k, env[k], v)
				}
			}
		})
	}
}

// TestConnectorManifestsAreStable: the same arguments render the same text
// (the manifests are compared at plan time, so text that varied would be a
// change in every plan), and the text has none of the empty objects the
// Kubernetes types would write: kubernetes_manifest refuses a top-level
// `status`.
func TestConnectorManifestsAreStable(t *testing.T) {
	spec := connectorDeploymentSpec{Name: "baton-atlassian", Namespace: "default", Image: "i",
		OrganizationID: "o", APIToken: "t", ClientID: "c", ClientSecret: "s", BaseURL: "http://127.0.0.1:8080"}
	render := func() string {
		secret, deployment := renderManifests(t, spec)
		return secret + "---\n" + deployment
	}
	first := render()
	for range 20 {
		if again := render(); again != first {
			t.Fatalf("the manifests changed between two renderings:\n%s\nthen\n%s", first, again)
		}
	}
	for _, artefact := range []string{"status:", "{}", "null"} {
		if strings.Contains(first, artefact) {
			t.Errorf("the manifests hold %q:\n%s", artefact, first)
		}
	}
}

// TestConnectorManifestsDecodeIntoKubernetesTypes decodes both manifests
// strictly into the Kubernetes API types, as kubectl and the kubernetes
// provider would, so that a misspelt field or a value of the wrong type
// fails here rather than at apply time, and checks that the Deployment
// would start with the credentials under both spellings: the guide's, which
// this project's image reads, and the upstream image's.
func TestConnectorManifestsDecodeIntoKubernetesTypes(t *testing.T) {
	spec := connectorDeploymentSpec{
		Name: "baton-atlassian", Namespace: "conductorone", Image: defaultConnectorImage,
		OrganizationID: "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35", APIToken: "ATATT3xFfGF0-key",
		ClientID: "bright-otter-12345@acme.conductor.one/pcc", ClientSecret: "secret-token:conductorone.com:v1:abc",
	}
	secretYAML, deploymentYAML := renderManifests(t, spec)
	var secret corev1.Secret
	if err := k8syaml.UnmarshalStrict([]byte(secretYAML), &secret); err != nil {
		t.Fatalf("the Secret is not a Kubernetes Secret: %v\n%s", err, secretYAML)
	}
	var deployment appsv1.Deployment
	if err := k8syaml.UnmarshalStrict([]byte(deploymentYAML), &deployment); err != nil {
		t.Fatalf("the Deployment is not a Kubernetes Deployment: %v\n%s", err, deploymentYAML)
	}

	if secret.APIVersion != "v1" || secret.Kind != "Secret" || secret.Type != corev1.SecretTypeOpaque {
		t.Errorf("Secret header %s/%s type %q", secret.APIVersion, secret.Kind, secret.Type)
	}
	if secret.Name != "baton-atlassian-secrets" || secret.Namespace != spec.Namespace {
		t.Errorf("Secret %s/%s", secret.Namespace, secret.Name)
	}
	for key, want := range map[string]string{
		"BATON_API_TOKEN": spec.APIToken, "BATON_ACCESS_TOKEN": spec.APIToken,
		"BATON_ORG": spec.OrganizationID, "BATON_ORGANIZATION_ID": spec.OrganizationID,
		"BATON_CLIENT_ID": spec.ClientID, "BATON_CLIENT_SECRET": spec.ClientSecret,
	} {
		if got := secret.StringData[key]; got != want {
			t.Errorf("Secret stringData[%s] = %q, want %q", key, got, want)
		}
	}

	if deployment.APIVersion != "apps/v1" || deployment.Kind != "Deployment" {
		t.Errorf("Deployment header %s/%s", deployment.APIVersion, deployment.Kind)
	}
	if deployment.Namespace != spec.Namespace {
		t.Errorf("Deployment namespace %q", deployment.Namespace)
	}
	pod := deployment.Spec.Template
	for k, v := range deployment.Spec.Selector.MatchLabels {
		if pod.Labels[k] != v {
			t.Errorf("the selector %s=%s does not match the pod labels %v: Kubernetes refuses the Deployment", k, v, pod.Labels)
		}
	}
	if pod.Labels["baton"] != "true" || pod.Labels["baton-app"] != "atlassian" {
		t.Errorf("pod labels %v", pod.Labels)
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("containers %+v", pod.Spec.Containers)
	}
	c := pod.Spec.Containers[0]
	if c.Image != spec.Image || c.ImagePullPolicy != corev1.PullIfNotPresent {
		t.Errorf("container image %q pull policy %q", c.Image, c.ImagePullPolicy)
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].SecretRef == nil || c.EnvFrom[0].SecretRef.Name != secret.Name {
		t.Errorf("the container does not read the Secret %q: envFrom %+v", secret.Name, c.EnvFrom)
	}
	if len(c.Env) != 0 {
		t.Errorf("the Deployment carries environment values of its own (credentials belong in the Secret): %+v", c.Env)
	}
}

func TestParseConnectorID(t *testing.T) {
	const org = "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35"
	gotOrg, gotName, err := parseConnectorID(" " + org + "/baton-atlassian ")
	if err != nil || gotOrg != org || gotName != "baton-atlassian" {
		t.Fatalf("parse = %q, %q, %v", gotOrg, gotName, err)
	}
	for raw, want := range map[string]string{
		"":                                  `has no "/"`,
		org:                                 `has no "/"`,
		"acme/baton-atlassian":              "is not a UUID",
		org + "/":                           "is not a DNS label",
		org + "/Baton":                      "is not a DNS label",
		org + "/a/b":                        "is not a DNS label",
		org + "/" + strings.Repeat("a", 64): "is not a DNS label",
	} {
		if _, _, err := parseConnectorID(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parse(%q) = %v; want an error mentioning %q", raw, err, want)
		}
	}
}

// renderManifests renders the Secret and the Deployment of spec.
func renderManifests(t *testing.T, spec connectorDeploymentSpec) (secret, deployment string) {
	t.Helper()
	secret, err := spec.secretManifest()
	if err != nil {
		t.Fatal(err)
	}
	deployment, err = spec.deploymentManifest()
	if err != nil {
		t.Fatal(err)
	}
	return secret, deployment
}
