package provider

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
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
// (ghcr.io/conductorone/baton-atlassian) reads only the names of its flags,
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

// How the Deployment runs the connector, beyond the guide: the restricted
// Pod Security Standard (a non-root user, no privilege escalation, no
// capabilities, the runtime's default seccomp profile, a read-only root
// filesystem), no Kubernetes API token in the pod, bounded resources, and
// probes on the SDK's health-check server.
const (
	// connectorUserID is the user of this project's image (scripts/image),
	// distroless's "nonroot". It is set explicitly because the kubelet
	// cannot check runAsNonRoot against an image whose user is a name.
	connectorUserID = 65532
	// connectorScratchDir is the only writable path: an emptyDir holding
	// the SDK's temporary files (the c1z of a sync under way, its HTTP
	// cache, its debug log) and the sync file of a run without ConductorOne
	// credentials. It is /tmp because that is also os.TempDir() in the
	// image, which the SDK's HTTP cache uses whatever the flags say.
	connectorScratchDir = "/tmp"
	// connectorScratchVolume names the emptyDir; connectorScratchSizeLimit
	// bounds it, so that a runaway sync is evicted instead of filling the
	// node's disk.
	connectorScratchVolume    = "scratch"
	connectorScratchSizeLimit = "1Gi"
	// connectorHealthPort is baton-sdk's default --health-check-port. The
	// SDK binds its health server to 127.0.0.1 unless told otherwise, which
	// the kubelet's probes cannot reach: the Deployment binds it to every
	// address of the pod.
	connectorHealthPort     = 8081
	connectorHealthPortName = "health"
	// The SDK's health endpoints: /live answers as soon as the server runs
	// (it starts once the connector has said hello to ConductorOne), /ready
	// once the connector service answers. /health is not probed: it
	// validates the credentials against Atlassian on every call, and a
	// probe would spend the organization's rate limit and restart the pod
	// when Atlassian is slow.
	connectorLivePath  = "/live"
	connectorReadyPath = "/ready"
)

// connectorArgs are the connector's flags in the Deployment: the health
// server on, reachable by the kubelet, and every file the connector writes
// in the scratch directory.
func connectorArgs() []string {
	return []string{
		"--health-check",
		fmt.Sprintf("--health-check-port=%d", connectorHealthPort),
		"--health-check-bind-address=0.0.0.0",
		"--c1z-temp-dir=" + connectorScratchDir,
		"--file=" + connectorScratchDir + "/sync.c1z",
	}
}

// connectorDeploymentSpec is what the manifests are built from.
type connectorDeploymentSpec struct {
	Name      string // Deployment, container and app label; the Secret is <Name>-secrets
	Namespace string
	Image     string
	// Requests and Limits are the container's resources, by resource name
	// (cpu, memory, ephemeral-storage) as Kubernetes quantities.
	Requests, Limits map[string]string
	OrganizationID   string
	APIToken         string
	ClientID         string // "" leaves BATON_CLIENT_ID out
	ClientSecret     string // "" leaves BATON_CLIENT_SECRET out
	BaseURL          string // "" (or Atlassian's) leaves BATON_BASE_URL out
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

// deploymentManifest is the guide's Deployment (baton-atlassian.yaml),
// hardened to the restricted Pod Security Standard (see connectorUserID and
// the constants beside it). The guide writes the pod label `baton: true`, a
// YAML boolean, which the Kubernetes API refuses (label values are
// strings); it is the string "true" here.
func (s connectorDeploymentSpec) deploymentManifest() (string, error) {
	requests, err := resourceList(s.Requests)
	if err != nil {
		return "", fmt.Errorf("resource requests: %w", err)
	}
	limits, err := resourceList(s.Limits)
	if err != nil {
		return "", fmt.Errorf("resource limits: %w", err)
	}
	scratchLimit := resource.MustParse(connectorScratchSizeLimit)
	probe := func(path string, periodSeconds, failureThreshold int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: path, Port: intstr.FromString(connectorHealthPortName), Scheme: corev1.URISchemeHTTP,
			}},
			PeriodSeconds: periodSeconds, TimeoutSeconds: 5, FailureThreshold: failureThreshold,
		}
	}
	return marshalManifest(&appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: appsv1.SchemeGroupVersion.String(), Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: map[string]string{"app": s.Name}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": s.Name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": s.Name, "baton": "true", "baton-app": "atlassian"}},
				Spec: corev1.PodSpec{
					// The connector never calls the Kubernetes API.
					AutomountServiceAccountToken: ptr(false),
					// Nor does it read the environment variables of the
					// namespace's services.
					EnableServiceLinks: ptr(false),
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   ptr(true),
						RunAsUser:      ptr(int64(connectorUserID)),
						RunAsGroup:     ptr(int64(connectorUserID)),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:            s.Name,
						Image:           s.Image,
						ImagePullPolicy: corev1.PullIfNotPresent,
						Args:            connectorArgs(),
						EnvFrom: []corev1.EnvFromSource{{
							SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: s.secretName()}},
						}},
						Ports: []corev1.ContainerPort{{
							Name: connectorHealthPortName, ContainerPort: connectorHealthPort, Protocol: corev1.ProtocolTCP,
						}},
						Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits},
						// The health server starts once the connector has
						// said hello to ConductorOne, which the SDK retries
						// for minutes: the startup probe gives it that long
						// before the liveness probe counts.
						StartupProbe:   probe(connectorLivePath, 10, 36),
						LivenessProbe:  probe(connectorLivePath, 20, 3),
						ReadinessProbe: probe(connectorReadyPath, 10, 3),
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr(false),
							ReadOnlyRootFilesystem:   ptr(true),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: connectorScratchVolume, MountPath: connectorScratchDir}},
					}},
					Volumes: []corev1.Volume{{
						Name:         connectorScratchVolume,
						VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &scratchLimit}},
					}},
				},
			},
		},
	})
}

// resourceList reads resource quantities by name; nil for none.
func resourceList(quantities map[string]string) (corev1.ResourceList, error) {
	if len(quantities) == 0 {
		return nil, nil
	}
	list := corev1.ResourceList{}
	for name, value := range quantities {
		q, err := resource.ParseQuantity(value)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a Kubernetes quantity", name, value)
		}
		list[corev1.ResourceName(name)] = q
	}
	return list, nil
}

// ptr returns a pointer to a copy of v, for the API types' optional fields.
func ptr[T any](v T) *T { return &v }

// marshalManifest writes a Kubernetes object as YAML, without the empty
// objects its Go type cannot leave out. encoding/json never omits a struct,
// so the API types write `status: {}`, `strategy: {}` and `resources: {}`
// (as `kubectl create --dry-run -o yaml` does), and the Kubernetes
// provider's kubernetes_manifest refuses a manifest with a top-level
// `status` key, the very use the manifests are rendered for. An empty object
// means the same to the API server as an absent one in every field these
// two objects fill; one where it does not (an emptyDir volume) would have to
// be kept, which is why the Deployment's emptyDir has a size limit.
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
