// Command openapi-extract derives the facts-only extract of Atlassian's
// Organizations REST API document that the contract test checks the client
// and the sandbox against: paths, methods, operation ids, parameters,
// request bodies, responses and schemas (types, enums, required fields,
// formats, limits, compositions, references), and none of the prose
// (descriptions, summaries, titles, examples, external docs, tags,
// extensions). Known defects of the published document are corrected here,
// each with its reason (see corrections.go). The output is deterministic
// (sorted keys, two-space indentation), so a diff of it shows what changed
// in the contract.
//
//	go run ./scripts/openapi-extract -in ../shared/reference/atlassian-openapi/atlassian-organization-openapi.json -out internal/sandbox/contract/testdata/atlassian-organization-openapi.extract.json
//	go run ./scripts/openapi-extract -in https://dac-static.atlassian.com/cloud/admin/organization/swagger.v3.json -check internal/sandbox/contract/testdata/atlassian-organization-openapi.extract.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// PublishedURL is where Atlassian serves the document.
const PublishedURL = "https://dac-static.atlassian.com/cloud/admin/organization/swagger.v3.json"

func main() {
	in := flag.String("in", "", "the published document: a file path, or an https URL (e.g. "+PublishedURL+")")
	out := flag.String("out", "", "write the extract to this file (default: standard output)")
	check := flag.String("check", "", "instead of writing, fail when this committed extract differs from what -in derives")
	flag.Parse()
	if err := run(*in, *out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "openapi-extract:", err)
		os.Exit(1)
	}
}

func run(in, out, check string) error {
	if in == "" {
		return fmt.Errorf("-in is required (a file path or an https URL)")
	}
	raw, err := read(in)
	if err != nil {
		return err
	}
	extract, err := Extract(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	switch {
	case check != "":
		committed, err := os.ReadFile(check)
		if err != nil {
			return err
		}
		if !bytes.Equal(committed, extract) {
			return fmt.Errorf("%s is not what %s derives from %s: run make openapi-extract and commit the result", check, "scripts/openapi-extract", in)
		}
		return nil
	case out != "":
		return os.WriteFile(out, extract, 0o644)
	default:
		_, err := os.Stdout.Write(extract)
		return err
	}
}

// read loads the document from a file, or over HTTPS for users with a
// network (tests and CI never do).
func read(in string) ([]byte, error) {
	if !strings.HasPrefix(in, "https://") {
		if strings.Contains(in, "://") {
			return nil, fmt.Errorf("%s: only https URLs are fetched", in)
		}
		return os.ReadFile(in)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, in, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.Join(fmt.Errorf("GET %s: %s", in, resp.Status), resp.Body.Close())
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	return raw, errors.Join(err, resp.Body.Close())
}

// Extract returns the facts-only extract of the published document raw,
// corrected, as indented JSON with sorted keys.
func Extract(raw []byte) ([]byte, error) { return extract(raw, true) }

// extract is Extract; withCorrections false leaves the known defects alone,
// for documents that do not have them (tests of the stripping).
func extract(raw []byte, withCorrections bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // limits and defaults are written back exactly as published
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a JSON document: %w", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
		return nil, fmt.Errorf("openapi version %q: only 3.0.x is understood", v)
	}
	if withCorrections {
		if err := correctProse(doc); err != nil {
			return nil, err
		}
	}
	facts := map[string]any{
		"openapi": doc["openapi"],
		// A title and a version are required by OpenAPI; the title is ours,
		// the version is the document's.
		"info": map[string]any{"title": "Atlassian Organizations REST API (facts-only extract)", "version": dig(doc, "info", "version")},
		// The document's server is https://api.atlassian.com/admin; a
		// relative server matches the /admin/... paths on any host, which is
		// how the sandbox (and a proxy in front of Atlassian) serves them.
		"servers":    []any{map[string]any{"url": "/admin"}},
		"paths":      stripNamed(doc["paths"]),
		"components": strip(doc["components"]), // its keys (schemas, parameters, ...) name maps of names
		"security":   doc["security"],
	}
	if withCorrections {
		if err := correct(facts); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(facts); err != nil { // maps are written with sorted keys
		return nil, err
	}
	return buf.Bytes(), nil
}

// prose names the keys of an OpenAPI object that carry text for people, not
// facts a client or a server acts on.
var prose = map[string]bool{
	"description": true, "summary": true, "title": true, "example": true, "examples": true,
	"externalDocs": true, "tags": true, "termsOfService": true, "contact": true, "license": true,
}

// keptExtensions are the x-* keys that state a fact rather than prose.
var keptExtensions = map[string]bool{"x-experimental": true}

// namedMaps are the keys whose value maps names (of paths, properties,
// statuses, media types, components) to objects: their keys are data, never
// prose, even when a property is called "description" or "title".
var namedMaps = map[string]bool{
	"paths": true, "properties": true, "responses": true, "content": true, "schemas": true,
	"parameters": true, "requestBodies": true, "headers": true, "securitySchemes": true,
	"links": true, "callbacks": true, "variables": true, "encoding": true, "mapping": true,
}

// stripNamed strips every entry of a map of names.
func stripNamed(n any) any {
	m, ok := n.(map[string]any)
	if !ok {
		return strip(n)
	}
	out := make(map[string]any, len(m))
	for name, v := range m {
		out[name] = strip(v)
	}
	return out
}

// strip removes the prose keys of an OpenAPI object and of everything under it.
func strip(n any) any {
	switch v := n.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = strip(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			switch {
			case prose[k]:
			case strings.HasPrefix(k, "x-") && !keptExtensions[k]:
			case k == "scopes": // OAuth scope names are facts, their texts prose
				scopes := map[string]any{}
				for name := range e.(map[string]any) {
					scopes[name] = ""
				}
				out[k] = scopes
			case namedMaps[k]:
				out[k] = stripNamed(e)
			default:
				out[k] = strip(e)
			}
		}
		return out
	default:
		return n
	}
}

// dig returns the value at a path of keys, or nil.
func dig(n any, keys ...string) any {
	for _, k := range keys {
		m, ok := n.(map[string]any)
		if !ok {
			return nil
		}
		n = m[k]
	}
	return n
}
