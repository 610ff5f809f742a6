package access

import (
	"context"

	"github.com/grpc-ecosystem/go-grpc-middleware/logging/zap/ctxzap"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// SyncLogSubsystem is the tflog subsystem of an in-process sync: the baton
// SDK's syncer logs to the zap logger on its context (its progress lines,
// "Synced resources", "Syncing grants", at Info), and the provider's log
// is tflog, so the sync runs with a zap logger that writes to this
// subsystem. Its level follows TF_LOG_PROVIDER, or
// TF_LOG_PROVIDER_ATLASSIAN_SYNC when that is set.
const SyncLogSubsystem = "baton_sync"

// withSyncLogger returns ctx with a zap logger that writes to the
// provider's log. The SDK's Info lines are its progress and stay Info; its
// Debug lines are internals (every action of its state machine) and become
// Trace, so that TF_LOG=DEBUG shows the progress and not the machinery.
// Without a provider logger on ctx (tests, other callers) tflog discards
// everything, and so does the bridge.
func withSyncLogger(ctx context.Context) context.Context {
	tctx := tflog.NewSubsystem(ctx, SyncLogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_ATLASSIAN", "SYNC"))
	return ctxzap.ToContext(ctx, zap.New(&tflogCore{ctx: tctx}))
}

// tflogCore is a zapcore.Core that writes each entry to tflog.
type tflogCore struct {
	ctx    context.Context // carries the subsystem
	fields []zapcore.Field // from With
}

func (c *tflogCore) Enabled(l zapcore.Level) bool {
	switch {
	case l <= zapcore.DebugLevel:
		return tflog.SubsystemIsTrace(c.ctx, SyncLogSubsystem)
	case l == zapcore.InfoLevel:
		return tflog.SubsystemIsInfo(c.ctx, SyncLogSubsystem)
	case l == zapcore.WarnLevel:
		return tflog.SubsystemIsWarn(c.ctx, SyncLogSubsystem)
	default:
		return tflog.SubsystemIsError(c.ctx, SyncLogSubsystem)
	}
}

func (c *tflogCore) With(fields []zapcore.Field) zapcore.Core {
	return &tflogCore{ctx: c.ctx, fields: append(append([]zapcore.Field(nil), c.fields...), fields...)}
}

func (c *tflogCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *tflogCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range c.fields {
		f.AddTo(enc)
	}
	for _, f := range fields {
		f.AddTo(enc)
	}
	if e.LoggerName != "" {
		enc.Fields["logger"] = e.LoggerName
	}
	switch {
	case e.Level <= zapcore.DebugLevel:
		tflog.SubsystemTrace(c.ctx, SyncLogSubsystem, e.Message, enc.Fields)
	case e.Level == zapcore.InfoLevel:
		tflog.SubsystemInfo(c.ctx, SyncLogSubsystem, e.Message, enc.Fields)
	case e.Level == zapcore.WarnLevel:
		tflog.SubsystemWarn(c.ctx, SyncLogSubsystem, e.Message, enc.Fields)
	default:
		tflog.SubsystemError(c.ctx, SyncLogSubsystem, e.Message, enc.Fields)
	}
	return nil
}

func (c *tflogCore) Sync() error { return nil }
