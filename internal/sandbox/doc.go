// Package sandbox is an in-memory fake of the Atlassian Cloud organization
// admin REST API: "the sandbox organization".
//
// Tests, benchmarks and demos of the Terraform provider and the ConductorOne
// connector run against it over real HTTP. It answers as Atlassian's published
// Organizations REST API document says: paths, methods, exact camelCase JSON
// field names, status codes, each operation's error envelope (errors[] with a
// string status, the workspaces query's unwrapped object, the gateway's
// {code, message} 401 and 429 where the document gives them), opaque cursor
// pagination, and the rate-limit headers (including the ISO-8601 reset time
// without seconds that strict RFC 3339 parsers reject). Where the real
// service is known to answer otherwise, or may, a Settings field gives that
// other answer, so clients are tested against both.
//
// A Server serves two families of paths on one listener:
//
//   - /admin/...    the admin API, bearer-token protected, counted in Stats
//     and subject to injected Faults; besides the organization's unscoped
//     token, API keys with scopes (AddScopedKey) call only the operations
//     their scopes cover, by the scope the contract's extract of the
//     document gives each operation;
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
