//go:build !unix

package main

// ownerOnlyFiles does nothing where files have no Unix permission bits.
func ownerOnlyFiles() {}
