package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// TestImageTarball builds the image tarball as the release does, reads it
// back as `docker load` would, and runs the binary found in its layer.
func TestImageTarball(t *testing.T) {
	if testing.Short() {
		t.Skip("builds baton-atlassian")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "baton-atlassian")
	if err := BuildBinary(bin, runtime.GOARCH, "1.2.3-test"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "baton-atlassian_1.2.3-test_linux_"+runtime.GOARCH+".image.tar")
	opts := Options{Binary: bin, Arch: runtime.GOARCH, Version: "1.2.3-test", Source: DefaultSource}
	if err := Write(out, opts); err != nil {
		t.Fatal(err)
	}

	// As docker load reads it: manifest.json and the tag.
	tag, err := name.NewTag(opts.Tag())
	if err != nil {
		t.Fatal(err)
	}
	dockerImg, err := tarball.ImageFromPath(out, &tag)
	if err != nil {
		t.Fatalf("the tarball does not hold %s as docker load reads it: %v", tag, err)
	}
	// As OCI tools read it: the image layout's index.
	img := ociImage(t, out, dir)
	if mt, err := img.MediaType(); err != nil || mt != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %q, %v", mt, err)
	}
	ociConfig, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if dockerConfig, err := dockerImg.ConfigName(); err != nil || dockerConfig != ociConfig {
		t.Errorf("docker's manifest.json names config %s (%v), the OCI index %s", dockerConfig, err, ociConfig)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH {
		t.Errorf("platform %s/%s", cfg.OS, cfg.Architecture)
	}
	if want := []string{"/usr/local/bin/baton-atlassian"}; !reflect.DeepEqual(cfg.Config.Entrypoint, want) {
		t.Errorf("entrypoint %q, want %q", cfg.Config.Entrypoint, want)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("user %q: the image must not run as root", cfg.Config.User)
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.version": "1.2.3-test",
		"org.opencontainers.image.source":  DefaultSource,
		"org.opencontainers.image.title":   "baton-atlassian",
	} {
		if got := cfg.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}

	files := extract(t, mutate.Extract(img))
	for _, shell := range []string{"bin/sh", "bin/bash", "usr/bin/sh", "bin/busybox"} {
		if _, ok := files[shell]; ok {
			t.Errorf("the image has a shell: %s", shell)
		}
	}
	if !strings.Contains(string(files["etc/passwd"]), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no nonroot user:\n%s", files["etc/passwd"])
	}
	binary, ok := files["usr/local/bin/baton-atlassian"]
	if !ok {
		t.Fatalf("no binary in the layer; files: %v", keys(files))
	}
	if runtime.GOOS != "linux" {
		t.Skipf("the linux binary cannot run on %s", runtime.GOOS)
	}
	extracted := filepath.Join(dir, "extracted-baton-atlassian")
	if err := os.WriteFile(extracted, binary, 0o755); err != nil {
		t.Fatal(err)
	}
	// The image has nothing but the binary: run it with an empty
	// environment, as the image's entrypoint would be.
	cmd := exec.Command(extracted, "--help")
	cmd.Env = []string{"HOME=" + dir}
	help, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("baton-atlassian --help: %v\n%s", err, help)
	}
	for _, want := range []string{"--access-token", "--organization-id"} {
		if !strings.Contains(string(help), want) {
			t.Errorf("--help does not mention %s:\n%s", want, help)
		}
	}
}

// TestImageRefusesADynamicBinary: an empty image has no dynamic loader.
func TestImageRefusesADynamicBinary(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh to try")
	}
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkStatic(mustRead(t, sh)); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Skipf("%s is not dynamically linked here (%v)", sh, err)
	}
	if _, err := Build(Options{Binary: sh, Arch: runtime.GOARCH, Version: "x"}); err == nil {
		t.Fatal("Build accepted a dynamically linked binary")
	}
}

// ociImage unpacks the tarball and opens the one image of its OCI layout.
func ociImage(t *testing.T, archive, dir string) v1.Image {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	files := extract(t, f)
	root := filepath.Join(dir, "layout")
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index, err := layout.ImageIndexFromPath(root)
	if err != nil {
		t.Fatalf("not an OCI image layout: %v", err)
	}
	m, err := index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "1.2.3-test" {
		t.Fatalf("index manifests %+v", m.Manifests)
	}
	img, err := index.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func extract(t *testing.T, rc io.ReadCloser) map[string][]byte {
	t.Helper()
	defer func() { _ = rc.Close() }()
	files := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := io.Copy(&b, tr); err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(h.Name, "/")] = b.Bytes()
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
