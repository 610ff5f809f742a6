package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// A document with prose where a property is named like a prose key: the
// property stays, the prose goes.
const proseDoc = `{
 "openapi": "3.0.0",
 "info": {"title": "Some API", "version": "1.2", "description": "words"},
 "servers": [{"url": "https://api.example.com/admin"}],
 "tags": [{"name": "Users", "description": "words"}],
 "x-narrative": "words",
 "paths": {"/v1/things": {"get": {
  "operationId": "getThings", "summary": "words", "description": "words", "tags": ["Users"],
  "externalDocs": {"url": "https://example.com"},
  "x-experimental": true, "x-words": "words",
  "responses": {"200": {"description": "words", "content": {"application/json": {
   "example": {"a": 1},
   "schema": {"type": "object", "title": "Thing", "description": "words", "required": ["description"],
    "properties": {
     "description": {"type": "string", "description": "words", "maxLength": 10},
     "title": {"type": "string", "enum": ["a", "b"], "example": "a"}
    }}}}}}
 }}},
 "components": {"schemas": {"example": {"type": "integer", "maximum": 100, "description": "words"}}}
}`

func TestExtractKeepsFactsAndDropsProse(t *testing.T) {
	out, err := extract([]byte(proseDoc), false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "words") || strings.Contains(string(out), "Some API") || strings.Contains(string(out), "example.com") {
		t.Errorf("prose left in the extract:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	schema := dig(doc, "paths", "/v1/things", "get", "responses", "200", "content", "application/json", "schema")
	for _, want := range [][]string{
		{"properties", "description", "maxLength"},
		{"properties", "title", "enum"},
		{"required"},
	} {
		if dig(schema, want...) == nil {
			t.Errorf("the fact %v is gone from the schema: %v", want, schema)
		}
	}
	if dig(doc, "components", "schemas", "example", "maximum") == nil {
		t.Errorf("the schema named example is gone: %v", doc["components"])
	}
	if dig(doc, "paths", "/v1/things", "get", "x-experimental") != true {
		t.Error("x-experimental (a fact) is gone")
	}
	if got, _ := doc["servers"].([]any); len(got) != 1 || dig(got[0], "url") != "/admin" {
		t.Errorf("servers = %v, want the relative /admin", doc["servers"])
	}
	again, err := extract([]byte(proseDoc), false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again) {
		t.Error("two extracts of the same document differ")
	}
}

func TestExtractRefusesWhatItDoesNotUnderstand(t *testing.T) {
	if _, err := extract([]byte(`{"openapi": "3.1.0", "paths": {}}`), false); err == nil {
		t.Error("a 3.1 document was accepted")
	}
	if _, err := extract([]byte(`not json`), false); err == nil {
		t.Error("a document that is not JSON was accepted")
	}
	// The corrections fail loudly on a document without the defects they
	// correct, rather than hide a change upstream.
	if _, err := Extract([]byte(proseDoc)); err == nil {
		t.Error("the corrections passed a document without the known defects")
	}
}
