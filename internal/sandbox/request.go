package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxBodyBytes bounds request bodies; admin API bodies are tiny.
const maxBodyBytes = 1 << 20

// decodeBody decodes a JSON object body into dst. An empty body decodes as
// {} so `POST` without a body behaves like `{}`.
func decodeBody(r *http.Request, dst any) *apiError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return errBadRequest("could not read request body")
	}
	if len(raw) > maxBodyBytes {
		return errBadRequest("request body too large")
	}
	if strings.TrimSpace(string(raw)) == "" {
		raw = []byte("{}")
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errBadRequest("field %q has the wrong type", typeErr.Field)
		}
		return errBadRequest("request body is not valid JSON")
	}
	return nil
}

// multiValues collects a multi-valued query parameter. The document's
// arrays in a query take the default form style, one repeated key a value
// (status=active&status=suspended); a comma-separated value is one value,
// which an enum then refuses.
func multiValues(values url.Values, name string) []string {
	var out []string
	for _, v := range values[name] {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
