package provider

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
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

// What the Deployment adds to the guide's pod and container: the restricted
// Pod Security Standard, a read-only root filesystem with a writable
// emptyDir where the connector writes, no service account token, and probes
// on the SDK's health-check server. The container's resources come from the
// spec.
const (
	hardenedPodSpec = `
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  seccompProfile:
    type: RuntimeDefault
volumes:
- name: scratch
  emptyDir:
    sizeLimit: 1Gi
`
	hardenedContainer = `
args:
- --health-check
- --health-check-port=8081
- --health-check-bind-address=0.0.0.0
- --c1z-temp-dir=/tmp
- --file=/tmp/sync.c1z
ports:
- name: health
  containerPort: 8081
  protocol: TCP
startupProbe:
  httpGet: {path: /live, port: health, scheme: HTTP}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 36
livenessProbe:
  httpGet: {path: /live, port: health, scheme: HTTP}
  periodSeconds: 20
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /ready, port: health, scheme: HTTP}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 3
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
volumeMounts:
- name: scratch
  mountPath: /tmp
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
// values put in where the guide has placeholders or its default names, its
// namespace added to both objects, and the Deployment hardened as
// hardenedPodSpec and hardenedContainer say, with the spec's resources.
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

	for k, v := range decodeYAML(t, hardenedPodSpec) {
		object(deployment, "spec", "template", "spec")[k] = v
	}
	for k, v := range decodeYAML(t, hardenedContainer) {
		container[k] = v
	}
	resources := map[string]any{}
	for kind, quantities := range map[string]map[string]string{"requests": s.Requests, "limits": s.Limits} {
		if len(quantities) == 0 {
			continue
		}
		values := map[string]any{}
		for name, q := range quantities {
			values[name] = q
		}
		resources[kind] = values
	}
	if len(resources) > 0 {
		container["resources"] = resources
	}
	return secret, deployment
}

func TestConnectorManifestsMatchTheGuide(t *testing.T) {
	specs := map[string]connectorDeploymentSpec{
		"as in the guide": {
			Name: "baton-atlassian", Namespace: "default", Image: defaultConnectorImage("1.2.3"),
			Requests: defaultConnectorRequests, Limits: defaultConnectorLimits,
			OrganizationID: "5f9c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35", APIToken: "ATATT3xFfGF0-key",
			ClientID: "bright-otter-12345@acme.conductor.one/pcc", ClientSecret: "secret-token:conductorone.com:v1:abc",
		},
		"no ConductorOne credentials, a sandbox": {
			Name: "atlassian-prod", Namespace: "connectors", Image: "registry.example/baton-atlassian@sha256:0123",
			Requests: map[string]string{"cpu": "250m", "memory": "1Gi", "ephemeral-storage": "2Gi"}, Limits: map[string]string{"memory": "2Gi"},
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
		Name: "baton-atlassian", Namespace: "conductorone", Image: defaultConnectorImage("1.2.3"),
		Requests: defaultConnectorRequests, Limits: defaultConnectorLimits,
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

// restrictedPodSecurity evaluates a pod as the admission controller of a
// namespace labelled pod-security.kubernetes.io/enforce=restricted does,
// with the Kubernetes release's own checks (k8s.io/pod-security-admission
// at the release of k8s.io/api), and returns why it would refuse it.
func restrictedPodSecurity(t *testing.T, pod corev1.PodTemplateSpec) []string {
	t.Helper()
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	results := evaluator.EvaluatePod(api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}, &pod.ObjectMeta, &pod.Spec)
	if len(results) == 0 {
		t.Fatal("the evaluator ran no check")
	}
	var refusals []string
	for _, r := range results {
		if !r.Allowed {
			refusals = append(refusals, r.ForbiddenReason+": "+r.ForbiddenDetail)
		}
	}
	return refusals
}

// decodeDeployment decodes a Deployment strictly into its API type.
func decodeDeployment(t *testing.T, manifest string) appsv1.Deployment {
	t.Helper()
	var deployment appsv1.Deployment
	if err := k8syaml.UnmarshalStrict([]byte(manifest), &deployment); err != nil {
		t.Fatalf("not a Kubernetes Deployment: %v\n%s", err, manifest)
	}
	return deployment
}

// TestConnectorDeploymentPassesRestrictedPodSecurity: the Deployment's pod
// is admitted into a namespace that enforces the restricted Pod Security
// Standard, whatever the user sets, while the guide's own Deployment is
// not, for each of the reasons the hardening addresses.
func TestConnectorDeploymentPassesRestrictedPodSecurity(t *testing.T) {
	specs := map[string]connectorDeploymentSpec{
		"defaults": {Name: defaultConnectorName, Namespace: "default", Image: defaultConnectorImage("test"),
			Requests: defaultConnectorRequests, Limits: defaultConnectorLimits},
		"resources of the user, an image by digest": {Name: "atlassian", Namespace: "connectors",
			Image:    "registry.example/baton-atlassian@sha256:4f0c1e2a7b3d4c8e9a612d4b8f0e7c354f0c1e2a7b3d4c8e9a612d4b8f0e7c35",
			Requests: map[string]string{"memory": "1Gi"}, Limits: map[string]string{}},
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			spec.OrganizationID, spec.APIToken, spec.ClientID, spec.ClientSecret = "o", "t", "c", "s"
			_, manifest := renderManifests(t, spec)
			if refusals := restrictedPodSecurity(t, decodeDeployment(t, manifest).Spec.Template); len(refusals) > 0 {
				t.Errorf("the restricted Pod Security Standard refuses the Deployment:\n%s\n%s", strings.Join(refusals, "\n"), manifest)
			}
		})
	}

	guide := decodeDeployment(t, guideDeployment)
	refusals := strings.Join(restrictedPodSecurity(t, guide.Spec.Template), "\n")
	for _, reason := range []string{"allowPrivilegeEscalation != false", "unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"} {
		if !strings.Contains(refusals, reason) {
			t.Errorf("the guide's Deployment is not refused for %q; the refusals:\n%s", reason, refusals)
		}
	}
}

// TestConnectorDeploymentWritesOnlyToItsScratchVolume: what the restricted
// standard leaves out. The root filesystem is read-only, and every path the
// connector's flags make it write to is on a mounted emptyDir; the pod has
// no service account token; the container has its resources; the probes
// reach the port the health-check flags open.
func TestConnectorDeploymentWritesOnlyToItsScratchVolume(t *testing.T) {
	spec := connectorDeploymentSpec{Name: defaultConnectorName, Namespace: "default", Image: defaultConnectorImage("test"),
		OrganizationID: "o", APIToken: "t", Requests: defaultConnectorRequests, Limits: defaultConnectorLimits}
	_, manifest := renderManifests(t, spec)
	pod := decodeDeployment(t, manifest).Spec.Template.Spec
	c := pod.Containers[0]

	if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("the root filesystem is writable: %+v", c.SecurityContext)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Errorf("the pod mounts a service account token")
	}
	emptyDirs := map[string]bool{}
	for _, v := range pod.Volumes {
		if v.EmptyDir != nil {
			emptyDirs[v.Name] = true
		}
	}
	writable := func(file string) bool {
		for _, m := range c.VolumeMounts {
			if emptyDirs[m.Name] && !m.ReadOnly && strings.HasPrefix(file, strings.TrimSuffix(m.MountPath, "/")+"/") {
				return true
			}
		}
		return false
	}
	flags := map[string]string{}
	for _, arg := range c.Args {
		name, value, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		flags[name] = value
	}
	for _, flag := range []string{"c1z-temp-dir", "file"} {
		path, ok := flags[flag]
		if !ok {
			t.Errorf("--%s is not set, so the connector writes under its working directory on the read-only root: %v", flag, c.Args)
			continue
		}
		if flag == "c1z-temp-dir" {
			path += "/a-temporary-file"
		}
		if !writable(path) {
			t.Errorf("--%s=%s is not on a writable emptyDir: mounts %+v, volumes %+v", flag, flags[flag], c.VolumeMounts, pod.Volumes)
		}
	}
	// The SDK's HTTP cache ignores --c1z-temp-dir and uses os.TempDir().
	if !writable("/tmp/http-cache.db") {
		t.Errorf("/tmp is not on a writable emptyDir: mounts %+v", c.VolumeMounts)
	}

	for _, kind := range []corev1.ResourceList{c.Resources.Requests, c.Resources.Limits} {
		if _, ok := kind[corev1.ResourceMemory]; !ok {
			t.Errorf("the container's resources lack memory: %+v", c.Resources)
		}
		if _, ok := kind[corev1.ResourceCPU]; !ok {
			t.Errorf("the container's resources lack cpu: %+v", c.Resources)
		}
	}

	if _, on := flags["health-check"]; !on || flags["health-check-bind-address"] != "0.0.0.0" {
		t.Errorf("the health-check server is off or unreachable from the kubelet: %v", c.Args)
	}
	for name, probe := range map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil {
			t.Errorf("no HTTP %s probe", name)
			continue
		}
		port := -1
		for _, p := range c.Ports {
			if p.Name == probe.HTTPGet.Port.String() {
				port = int(p.ContainerPort)
			}
		}
		if fmt.Sprint(port) != flags["health-check-port"] {
			t.Errorf("the %s probe's port %s is container port %d, the health-check server listens on %s", name, probe.HTTPGet.Port.String(), port, flags["health-check-port"])
		}
		if probe.HTTPGet.Path == "/health" {
			t.Errorf("the %s probe calls /health, which validates the credentials against Atlassian on every probe", name)
		}
	}
}

func TestDefaultConnectorImage(t *testing.T) {
	for version, want := range map[string]string{
		"1.2.3":                  "baton-atlassian:1.2.3",
		"0.4.0-rc.1":             "baton-atlassian:0.4.0-rc.1",
		"0.0.0-SNAPSHOT-c33c775": "baton-atlassian:0.0.0-SNAPSHOT-c33c775",
		"dev":                    "baton-atlassian:dev",
		"test":                   "baton-atlassian:dev",
		"":                       "baton-atlassian:dev",
		"1.2.3+build.7":          "baton-atlassian:dev", // "+" cannot be in a tag
	} {
		got := defaultConnectorImage(version)
		if got != want {
			t.Errorf("defaultConnectorImage(%q) = %q, want %q", version, got, want)
		}
		if tag, _ := imagePin(got); tag == "" || tag == "latest" {
			t.Errorf("defaultConnectorImage(%q) = %q is not pinned", version, got)
		}
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
