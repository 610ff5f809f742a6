package tfdriver

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// ServeInProcess serves a provider inside the calling process in debug
// mode, for the CLI to attach to instead of starting a plugin process: the
// provider's code then runs where the race detector and the coverage of a
// test see it. name is the address it serves as; Reattach(config, ...)
// names the sources the CLI should attach it for. stop ends the server and
// returns what serving failed with.
func ServeInProcess(ctx context.Context, name string, server func() tfprotov6.ProviderServer, opts ...tf6server.ServeOpt) (config tfexec.ReattachConfig, stop func() error, err error) {
	ctx, cancel := context.WithCancel(ctx)
	reattachCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	served := make(chan error, 1)
	opts = append(opts,
		tf6server.WithDebug(ctx, reattachCh, closeCh),
		// The CLI shows the provider's logs; go-plugin's own are noise.
		tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	go func() { served <- tf6server.Serve(name, server, opts...) }()
	// Serving ends with the context (go-plugin closes closeCh on its way
	// out; Serve's return is the later of the two).
	stop = func() error {
		cancel()
		return <-served
	}
	select {
	case c := <-reattachCh:
		return tfexec.ReattachConfig{
			Protocol:        string(c.Protocol),
			ProtocolVersion: c.ProtocolVersion,
			Pid:             c.Pid,
			Test:            c.Test,
			Addr:            tfexec.ReattachConfigAddr{Network: c.Addr.Network(), String: c.Addr.String()},
		}, stop, nil
	case err := <-served:
		cancel()
		return tfexec.ReattachConfig{}, nil, fmt.Errorf("serving the provider: %w", err)
	case <-time.After(30 * time.Second):
		return tfexec.ReattachConfig{}, nil, fmt.Errorf("the provider server did not start within 30s (stopping it: %v)", stop())
	}
}

// Reattach attaches one running provider for the given sources (see
// Addresses).
func Reattach(config tfexec.ReattachConfig, sources ...string) tfexec.ReattachInfo {
	info := tfexec.ReattachInfo{}
	for _, address := range Addresses(sources...) {
		info[address] = config
	}
	return info
}
