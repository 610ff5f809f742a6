package sandbox

import (
	"encoding/json"
	"net/http"
)

// The control endpoints steer the sandbox from tests, demos and other
// processes. They need no token and are not counted in Stats, so using them
// never disturbs what a test measures.
func (s *Server) registerControlRoutes() {
	m := s.controlMux
	m.HandleFunc("GET "+controlPrefix+"/state", s.controlGetState)
	m.HandleFunc("PUT "+controlPrefix+"/state", s.controlPutState)
	m.HandleFunc("GET "+controlPrefix+"/settings", s.controlGetSettings)
	m.HandleFunc("PUT "+controlPrefix+"/settings", s.controlPutSettings)
	m.HandleFunc("GET "+controlPrefix+"/faults", s.controlGetFaults)
	m.HandleFunc("PUT "+controlPrefix+"/faults", s.controlPutFaults)
	m.HandleFunc("GET "+controlPrefix+"/stats", s.controlGetStats)
	m.HandleFunc("POST "+controlPrefix+"/stats/reset", s.controlResetStats)
}

// controlError is the body of a refused control request.
type controlError struct {
	Error string `json:"error"`
}

func writeControlError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, controlError{Error: message})
}

// decodeControlBody decodes a JSON body strictly: a misspelt field in a test
// fixture should fail loudly, not be ignored.
func decodeControlBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 512<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		writeControlError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) controlGetState(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.State())
}

func (s *Server) controlPutState(w http.ResponseWriter, r *http.Request) {
	var st State
	if !decodeControlBody(w, r, &st) {
		return
	}
	if err := s.ReplaceState(st); err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) controlGetSettings(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Settings())
}

// settingsPatch is the body of PUT /_sandbox/settings: only the fields
// present change, so a test can flip one behaviour without restating the rest.
type settingsPatch struct {
	LicenceLimit           *int  `json:"licence_limit"`
	WorkspaceRolesEnabled  *bool `json:"workspace_roles_enabled"`
	CreateGroupReturnsBody *bool `json:"create_group_returns_body"`
	CreateGroupLocation    *bool `json:"create_group_location"`
	// The other plausible answers of the real service: see Settings.
	SuspendRestoreReturnBody  *bool `json:"suspend_restore_return_body"`
	GroupRoleAssignReturns204 *bool `json:"group_role_assign_returns_204"`
	NumericErrorStatus        *bool `json:"numeric_error_status"`
	GatewayRateLimitBody      *bool `json:"gateway_rate_limit_body"`
	WriteErrorsWithoutBody    *bool `json:"write_errors_without_body"`
	RepeatedAddReturns204     *bool `json:"repeated_add_returns_204"`
	PaidSubscription          *bool `json:"paid_subscription"`
	ReadAfterWriteLagMS       *int  `json:"read_after_write_lag_ms"`
	// OrgRoleConsistencyDelayMs: see Settings.
	OrgRoleConsistencyDelayMs *int  `json:"org_role_consistency_delay_ms"`
	UserRolesLegacyShape      *bool `json:"user_roles_legacy_shape"`
	ListNonAtlassianAccounts  *bool `json:"list_non_atlassian_accounts"`
}

func (s *Server) controlPutSettings(w http.ResponseWriter, r *http.Request) {
	var patch settingsPatch
	if !decodeControlBody(w, r, &patch) {
		return
	}
	if patch.LicenceLimit != nil && *patch.LicenceLimit < 0 {
		writeControlError(w, http.StatusBadRequest, "licence_limit must not be negative")
		return
	}
	if patch.ReadAfterWriteLagMS != nil && *patch.ReadAfterWriteLagMS < 0 {
		writeControlError(w, http.StatusBadRequest, "read_after_write_lag_ms must not be negative")
		return
	}
	if d := patch.OrgRoleConsistencyDelayMs; d != nil && (*d < 0 || *d > MaxOrgRoleConsistencyDelayMs) {
		writeControlError(w, http.StatusBadRequest, "org_role_consistency_delay_ms must be between 0 and 30000")
		return
	}
	s.mu.Lock()
	settings := &s.data.st.Settings
	setIf(&settings.LicenceLimit, patch.LicenceLimit)
	setIf(&settings.WorkspaceRolesEnabled, patch.WorkspaceRolesEnabled)
	setIf(&settings.CreateGroupReturnsBody, patch.CreateGroupReturnsBody)
	setIf(&settings.CreateGroupLocation, patch.CreateGroupLocation)
	setIf(&settings.ListNonAtlassianAccounts, patch.ListNonAtlassianAccounts)
	setIf(&settings.SuspendRestoreReturnBody, patch.SuspendRestoreReturnBody)
	setIf(&settings.GroupRoleAssignReturns204, patch.GroupRoleAssignReturns204)
	setIf(&settings.NumericErrorStatus, patch.NumericErrorStatus)
	setIf(&settings.GatewayRateLimitBody, patch.GatewayRateLimitBody)
	setIf(&settings.WriteErrorsWithoutBody, patch.WriteErrorsWithoutBody)
	setIf(&settings.RepeatedAddReturns204, patch.RepeatedAddReturns204)
	setIf(&settings.PaidSubscription, patch.PaidSubscription)
	setIf(&settings.ReadAfterWriteLagMS, patch.ReadAfterWriteLagMS)
	setIf(&settings.OrgRoleConsistencyDelayMs, patch.OrgRoleConsistencyDelayMs)
	setIf(&settings.UserRolesLegacyShape, patch.UserRolesLegacyShape)
	updated := *settings
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, updated)
}

// setIf copies a patch field that was present.
func setIf[T any](dst *T, patch *T) {
	if patch != nil {
		*dst = *patch
	}
}

func (s *Server) controlGetFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Faults())
}

// controlPutFaults replaces the whole fault configuration; {} turns every
// fault off.
func (s *Server) controlPutFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if !decodeControlBody(w, r, &f) {
		return
	}
	if err := f.Validate(); err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, s.Faults())
}

func (s *Server) controlGetStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Server) controlResetStats(w http.ResponseWriter, _ *http.Request) {
	s.ResetStats()
	w.WriteHeader(http.StatusNoContent)
}
