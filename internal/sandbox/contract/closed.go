package contract

import "github.com/getkin/kin-openapi/openapi3"

// closeObjects makes every object schema of the document that declares its
// properties and says nothing of others refuse undeclared fields. The
// document leaves additionalProperties open, as most published documents
// do; but a field it does not name is one a client cannot rely on (the
// sandbox once offered a data.links.self Atlassian does not declare, and the
// client came to depend on it) and one Atlassian does not read in a request.
//
// The members of an allOf stay open: each declares only part of the
// object, and a closed member would refuse the fields of the others.
func closeObjects(doc *openapi3.T) {
	open := map[*openapi3.Schema]bool{}
	var all []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var visit func(ref *openapi3.SchemaRef)
	visit = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		all = append(all, s)
		for _, m := range s.AllOf {
			if m.Value != nil {
				open[m.Value] = true
			}
			visit(m)
		}
		for _, m := range s.AnyOf {
			visit(m)
		}
		for _, m := range s.OneOf {
			visit(m)
		}
		visit(s.Not)
		visit(s.Items)
		visit(s.AdditionalProperties.Schema)
		for _, p := range s.Properties {
			visit(p)
		}
	}
	for _, ref := range doc.Components.Schemas {
		visit(ref)
	}
	for _, p := range doc.Components.Parameters {
		if p.Value != nil {
			visit(p.Value.Schema)
		}
	}
	for _, r := range doc.Components.Responses {
		if r.Value != nil {
			for _, mt := range r.Value.Content {
				visit(mt.Schema)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil {
					visit(p.Value.Schema)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					visit(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						visit(mt.Schema)
					}
				}
			}
		}
	}
	closed := false
	for _, s := range all {
		if open[s] || len(s.AllOf) > 0 || len(s.Properties) == 0 || s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
			continue
		}
		s.AdditionalProperties.Has = &closed
	}
}
