// Package sandbox is an in-memory fake of the Atlassian Cloud organization
// admin REST API: "the sandbox organization".
//
// Tests, benchmarks and demos of the Terraform provider and the ConductorOne
// connector run against it over real HTTP. It reproduces the facts gathered in
// shared/reference/atlassian-admin-api.md: paths, methods, exact camelCase
// JSON field names, status codes, the several error envelopes the real service
// mixes, opaque cursor pagination, and the rate-limit headers (including the
// ISO-8601 reset time without seconds that strict RFC 3339 parsers reject).
//
// A Server serves two families of paths on one listener:
//
//   - /admin/...    the admin API, bearer-token protected, counted in Stats
//     and subject to injected Faults;
//   - /_sandbox/... control endpoints (state, settings, faults, stats), open and
//     never counted, so test harnesses can steer the fake without disturbing
//     what they measure.
//
// The organization's data is one State value (users, groups, workspaces, role
// assignments, behaviour settings). It can be generated deterministically
// (Generate), loaded from and saved to a JSON file, replaced wholesale, or
// mutated out-of-band with Update to simulate changes made by other admins.
//
// Settings.ReadAfterWriteLagMS makes it eventually consistent, as the real
// service is: reads answer with each written object's value from before the
// write for that long (lag.go), while writes and the control endpoints see
// the current organization.
package sandbox
