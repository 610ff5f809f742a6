//go:build unix

package main

import "syscall"

// ownerOnlyFiles makes every file this process and the connector service it
// re-executes create readable and writable by their owner only: the sync
// file of -f lists people and their access, and the SDK creates it (and
// its temporary files) world-readable. The umask applies before the file
// exists, so no other user can open it in between, and the service
// inherits it.
func ownerOnlyFiles() { syscall.Umask(0o077) }
