// Command image builds the container image of baton-atlassian as an image
// tarball, without a Docker daemon or a base image from the network: one
// layer on an empty image holding the static binary, the passwd and group
// entries of a non-root user, its home and a /tmp. No shell, no package
// manager: the entrypoint is the binary.
//
// The tarball is an OCI image layout (oci-layout, index.json, blobs) that
// also carries the manifest.json of `docker save` over the same blobs, as
// Docker's own `docker save` writes since version 25: OCI tools
// (`skopeo copy oci-archive:`, `podman load`) read the layout, and older
// Docker, `kind load image-archive` and `crane push <tar> <ref>` read
// manifest.json.
//
//	go run ./scripts/image -binary dist/baton-atlassian_linux_amd64_v1/baton-atlassian \
//	    -arch amd64 -version 1.2.3 -out dist/baton-atlassian_1.2.3_linux_amd64.image.tar
//
// Without -binary it builds ./cmd/baton-atlassian itself (CGO_ENABLED=0,
// -trimpath). The release pipeline (.goreleaser.yml) calls it on the binary
// it has just built, so that the image runs exactly the released binary.
package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Where things are in the image. The user is distroless's "nonroot", so
// that clusters whose policies expect that uid accept the image as is.
const (
	binaryPath = "/usr/local/bin/baton-atlassian"
	userID     = 65532
	userName   = "nonroot"
	homeDir    = "/home/nonroot"
	// DefaultSource is the org.opencontainers.image.source label.
	DefaultSource = "https://github.com/cureigad/terraform-provider-atlassian"
)

// Options describe one image.
type Options struct {
	Binary  string // a static linux binary of baton-atlassian
	Arch    string // GOARCH of the binary
	Version string // the image's version label and tag
	Source  string // the source repository label
	// Created is the image's creation time and its files' modification
	// time; zero means the Unix epoch, which keeps the tarball reproducible
	// (SOURCE_DATE_EPOCH sets it from the command).
	Created time.Time
}

// Tag is the reference the tarball carries, which `docker load` applies.
func (o Options) Tag() string { return "baton-atlassian:" + o.Version }

func main() {
	var o Options
	var out string
	flag.StringVar(&o.Binary, "binary", "", "static linux binary of baton-atlassian (default: build ./cmd/baton-atlassian)")
	flag.StringVar(&o.Arch, "arch", "amd64", "GOARCH of the binary")
	flag.StringVar(&o.Version, "version", "dev", "version label and tag of the image")
	flag.StringVar(&o.Source, "source", DefaultSource, "org.opencontainers.image.source label")
	flag.StringVar(&out, "out", "", "the image tarball to write")
	flag.Parse()
	if err := run(o, out); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(o Options, out string) error {
	if out == "" {
		return errors.New("-out is required")
	}
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
		secs, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", epoch, err)
		}
		o.Created = time.Unix(secs, 0).UTC()
	}
	if o.Binary == "" {
		dir, err := os.MkdirTemp("", "baton-atlassian-image-*")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		o.Binary = filepath.Join(dir, "baton-atlassian")
		if err := BuildBinary(o.Binary, o.Arch, o.Version); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return Write(out, o)
}

// BuildBinary builds a static linux binary of ./cmd/baton-atlassian, as the
// release does, into path.
func BuildBinary(path, arch, version string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version,
		"-o", path, "github.com/cureigad/terraform-provider-atlassian/cmd/baton-atlassian")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building baton-atlassian for linux/%s: %w", arch, err)
	}
	return nil
}

// Write builds the image and writes it as a tarball to out.
func Write(out string, o Options) error {
	img, err := Build(o)
	if err != nil {
		return err
	}
	tag, err := name.NewTag(o.Tag())
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := writeArchive(f, img, tag); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return f.Close()
}

// writeArchive writes img as an OCI layout plus docker's manifest.json.
// Every entry has a fixed time and owner, so the same image gives the same
// bytes.
func writeArchive(w io.Writer, img v1.Image, tag name.Tag) error {
	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	manifestDigest, err := img.Digest()
	if err != nil {
		return err
	}
	mediaType, err := img.MediaType()
	if err != nil {
		return err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	configName, err := img.ConfigName()
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	blob := func(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

	type file struct {
		name string
		data []byte
	}
	files := []file{
		{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{blob(manifestDigest), manifest},
		{blob(configName), config},
	}
	var layerNames []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		if closeErr := rc.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return err
		}
		files = append(files, file{blob(d), data})
		layerNames = append(layerNames, blob(d))
	}
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     types.OCIImageIndex,
		"manifests": []map[string]any{{
			"mediaType": mediaType,
			"digest":    manifestDigest.String(),
			"size":      len(manifest),
			"annotations": map[string]string{
				// The first is the OCI name of the reference; the second
				// is what Docker and containerd read back as the image name.
				"org.opencontainers.image.ref.name": tag.TagStr(),
				"io.containerd.image.name":          tag.Name(),
			},
		}},
	})
	if err != nil {
		return err
	}
	dockerManifest, err := json.Marshal([]map[string]any{{
		"Config":   blob(configName),
		"RepoTags": []string{tag.String()},
		"Layers":   layerNames,
	}})
	if err != nil {
		return err
	}
	files = append(files, file{"index.json", index}, file{"manifest.json", dockerManifest})

	tw := tar.NewWriter(w)
	epoch := time.Unix(0, 0)
	for _, dir := range []string{"blobs/", "blobs/sha256/"} {
		if err := tw.WriteHeader(&tar.Header{Name: dir, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}); err != nil {
			return err
		}
	}
	for _, f := range files {
		h := &tar.Header{Name: f.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(f.data)), ModTime: epoch}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return tw.Close()
}

// Build returns the image of o.
func Build(o Options) (v1.Image, error) {
	if o.Created.IsZero() {
		o.Created = time.Unix(0, 0).UTC()
	}
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, err
	}
	// An image without a libc runs only a statically linked binary: refuse
	// any other rather than ship an image that cannot start.
	if err := checkStatic(bin); err != nil {
		return nil, fmt.Errorf("%s: %w", o.Binary, err)
	}
	layerTar, err := rootfs(bin, o.Created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{CreatedBy: "scripts/image: baton-atlassian", Created: v1.Time{Time: o.Created}},
	})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", o.Arch
	cfg.Created = v1.Time{Time: o.Created}
	cfg.Config.Entrypoint = []string{binaryPath}
	cfg.Config.User = strconv.Itoa(userID) + ":" + strconv.Itoa(userID)
	cfg.Config.WorkingDir = homeDir
	cfg.Config.Env = []string{"HOME=" + homeDir, "TMPDIR=/tmp"}
	cfg.Config.Labels = map[string]string{
		"org.opencontainers.image.title":       "baton-atlassian",
		"org.opencontainers.image.description": "ConductorOne baton connector for Atlassian Cloud organizations",
		"org.opencontainers.image.version":     o.Version,
		"org.opencontainers.image.source":      o.Source,
		"org.opencontainers.image.licenses":    "MPL-2.0",
	}
	return mutate.ConfigFile(img, cfg)
}

// checkStatic fails for an ELF binary that asks for a dynamic loader.
func checkStatic(bin []byte) error {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return fmt.Errorf("not a linux (ELF) binary: %w", err)
	}
	defer func() { _ = f.Close() }()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("dynamically linked (build it with CGO_ENABLED=0)")
		}
	}
	return nil
}

// rootfs is the image's only layer. The binary writes its sync files and
// the SDK's temporary databases under the working directory and /tmp,
// which the user owns or may write.
func rootfs(bin []byte, mtime time.Time) ([]byte, error) {
	passwd := "root:x:0:0:root:/root:/sbin/nologin\n" +
		userName + ":x:" + strconv.Itoa(userID) + ":" + strconv.Itoa(userID) + ":" + userName + ":" + homeDir + ":/sbin/nologin\n"
	group := "root:x:0:\n" + userName + ":x:" + strconv.Itoa(userID) + ":\n"
	entries := []struct {
		name     string
		mode     int64
		uid      int
		dir      bool
		contents []byte
	}{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, contents: []byte(passwd)},
		{name: "etc/group", mode: 0o644, contents: []byte(group)},
		{name: "home/", mode: 0o755, dir: true},
		{name: homeDir[1:] + "/", mode: 0o700, uid: userID, dir: true},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/local/", mode: 0o755, dir: true},
		{name: "usr/local/bin/", mode: 0o755, dir: true},
		{name: binaryPath[1:], mode: 0o755, contents: bin},
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: mtime, Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.contents))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.contents); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
