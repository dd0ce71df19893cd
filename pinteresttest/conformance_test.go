package pinteresttest

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// These tests check the fake's strictness against the official OpenAPI
// description (spec 5.23.0), read with encoding/json only.

// additions528 are the properties of API 5.28, or of the live API, that the
// 5.23 spec lacks, by object: item_brand_id (5.28) and
// advertiser_tracking_enabled (accepted live, api-reference.md 9.10).
var additions528 = map[string][]string{
	"contents item": {"item_brand_id"},
	"event":         {"advertiser_tracking_enabled"},
}

type spec struct {
	t    *testing.T
	root map[string]any
}

var (
	specOnce sync.Once
	specRoot map[string]any
	specErr  error
)

// loadSpec parses the copy of Pinterest's spec kept in the repository
// (testdata/spec/openapi.json; testdata/README.md says where it comes from) once.
func loadSpec(t *testing.T) *spec {
	t.Helper()
	p := filepath.Join("..", "testdata", "spec", "openapi.json")
	specOnce.Do(func() {
		var b []byte
		if b, specErr = os.ReadFile(p); specErr == nil {
			specErr = json.Unmarshal(b, &specRoot)
		}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return &spec{t: t, root: specRoot}
}

// get walks keys from node; it fails the test on a missing key.
func (s *spec) get(node any, keys ...string) map[string]any {
	s.t.Helper()
	for _, k := range keys {
		m, ok := node.(map[string]any)
		if !ok {
			s.t.Fatalf("spec: %q: not an object", k)
		}
		if node, ok = m[k]; !ok {
			s.t.Fatalf("spec: no key %q", k)
		}
	}
	m, ok := node.(map[string]any)
	if !ok {
		s.t.Fatalf("spec: %v: not an object", keys)
	}
	return m
}

// deref follows a local $ref.
func (s *spec) deref(n map[string]any) map[string]any {
	s.t.Helper()
	for {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n
		}
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		n = s.get(s.root, parts...)
	}
}

// schemas returns the spec schemas of the objects the fake accepts.
func (s *spec) schemas() map[string]map[string]any {
	op := s.get(s.root, "paths", "/ad_accounts/{ad_account_id}/events", "post")
	req := s.deref(s.get(op, "requestBody", "content", "application/json", "schema"))
	event := s.deref(s.get(req, "properties", "data", "items"))
	custom := s.deref(s.get(event, "properties", "custom_data"))
	return map[string]map[string]any{
		"request":       req,
		"event":         event,
		"custom_data":   custom,
		"contents item": s.deref(s.get(custom, "properties", "contents", "items")),
		"app_info":      s.deref(s.get(event, "properties", "app_info")),
		"device_info":   s.deref(s.get(event, "properties", "device_info")),
		"user_data":     s.get(s.root, "components", "schemas", "ConversionEventsUserDataProperties"),
	}
}

// goTypes are the Go types of the objects the fake accepts.
var goTypes = map[string]reflect.Type{
	"request":       reflect.TypeFor[eventsRequest](),
	"event":         reflect.TypeFor[Event](),
	"custom_data":   reflect.TypeFor[CustomData](),
	"contents item": reflect.TypeFor[Content](),
	"app_info":      reflect.TypeFor[AppInfo](),
	"device_info":   reflect.TypeFor[DeviceInfo](),
	"user_data":     reflect.TypeFor[UserData](),
}

// tagNames returns the JSON names of the fields of t, from the struct tags.
func tagNames(t reflect.Type) []string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if name := jsonName(f); name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// TestSpecObjects checks, for every object of the request, that the Go type
// accepts exactly the spec's property names (plus the documented 5.28
// additions), that the spec forbids additional properties, and that the
// required lists match.
func TestSpecObjects(t *testing.T) {
	s := loadSpec(t)
	schemas := s.schemas()
	for name, typ := range goTypes {
		t.Run(name, func(t *testing.T) {
			sch := schemas[name]
			want := sorted(append(keys(s.get(sch, "properties")), additions528[name]...))
			if diff := cmp.Diff(want, tagNames(typ)); diff != "" {
				t.Errorf("property names mismatch (-spec +Go):\n%s", diff)
			}
			if name == "user_data" {
				// The spec does not forbid unknown keys in user_data; the
				// fake does, on purpose (documented on UserData).
				if _, ok := sch["additionalProperties"]; ok {
					t.Errorf("the spec now sets additionalProperties on user_data: %v", sch["additionalProperties"])
				}
			} else if ap, ok := sch["additionalProperties"].(bool); !ok || ap {
				t.Errorf("spec additionalProperties = %v, want false", sch["additionalProperties"])
			}
			if diff := cmp.Diff(sorted(strs(sch["required"])), sorted(requiredProps[typ.Name()])); diff != "" {
				t.Errorf("required mismatch (-spec +fake):\n%s", diff)
			}
		})
	}
}

// TestSpecConstraints compares the fake's whole schema tree (types,
// nullable, maxLength, minimum, maximum, minItems, maxItems, enum, required)
// with the spec.
func TestSpecConstraints(t *testing.T) {
	s := loadSpec(t)
	s.compare(t, "request", s.schemas()["request"], requestSchema)
}

func (s *spec) compare(t *testing.T, path string, sch map[string]any, n *node) {
	t.Helper()
	sch = s.deref(sch)
	if _, ok := sch["anyOf"]; ok {
		// ConversionEventsUserData: the branches share one properties
		// schema; TestSpecUserDataMinimum checks the branches.
		branches, _ := sch["anyOf"].([]any)
		first, _ := branches[0].(map[string]any)
		sch = s.deref(first)
	}
	typ, _ := sch["type"].(string)
	if typ != n.kind.String() {
		t.Errorf("%s: type %s, fake %s", path, typ, n.kind)
		return
	}
	nullable, _ := sch["nullable"].(bool)
	if nullable != n.nullable {
		t.Errorf("%s: nullable %v, fake %v", path, nullable, n.nullable)
	}
	checkInt := func(key string, fake int64, has bool) {
		v, ok := sch[key].(float64)
		switch {
		case ok != has:
			t.Errorf("%s: %s present in spec %v, in fake %v", path, key, ok, has)
		case ok && int64(v) != fake:
			t.Errorf("%s: %s %v, fake %d", path, key, v, fake)
		}
	}
	checkInt("maxLength", int64(n.maxLength), n.maxLength > 0)
	checkInt("maxItems", int64(n.maxItems), n.maxItems > 0)
	_, hasMinItems := sch["minItems"]
	checkInt("minItems", int64(n.minItems), n.minItems > 0 || hasMinItems && n.kind == kindArray)
	var lo, hi int64
	if n.minimum != nil {
		lo = *n.minimum
	}
	if n.maximum != nil {
		hi = *n.maximum
	}
	checkInt("minimum", lo, n.minimum != nil)
	checkInt("maximum", hi, n.maximum != nil)
	if diff := cmp.Diff(strs(sch["enum"]), n.enum, cmp.Comparer(func(a, b []string) bool {
		return len(a) == 0 && len(b) == 0 || slices.Equal(a, b)
	})); diff != "" {
		t.Errorf("%s: enum mismatch (-spec +fake):\n%s", path, diff)
	}

	switch n.kind {
	case kindArray:
		s.compare(t, path+"[]", s.get(sch, "items"), n.items)
	case kindObject:
		props := s.get(sch, "properties")
		for name, child := range n.props {
			p, ok := props[name].(map[string]any)
			if !ok {
				added := strings.HasSuffix(path, "contents[]") && slices.Contains(additions528["contents item"], name) ||
					path == "request.data[]" && slices.Contains(additions528["event"], name)
				if !added {
					t.Errorf("%s.%s: not in the spec", path, name)
				}
				continue
			}
			s.compare(t, path+"."+name, p, child)
		}
		for name := range props {
			if _, ok := n.props[name]; !ok {
				t.Errorf("%s.%s: missing in the fake", path, name)
			}
		}
		if diff := cmp.Diff(sorted(strs(sch["required"])), sorted(n.required)); diff != "" {
			t.Errorf("%s: required mismatch (-spec +fake):\n%s", path, diff)
		}
	}
}

// TestSpecDeviceInfoEnums checks the device_info enums by name.
func TestSpecDeviceInfoEnums(t *testing.T) {
	s := loadSpec(t)
	props := s.get(s.schemas()["device_info"], "properties")
	for name, fake := range map[string][]string{
		"form_factor": formFactors, "network_type": networkTypes, "os_family": osFamilies,
	} {
		if diff := cmp.Diff(strs(s.get(props, name)["enum"]), fake); diff != "" {
			t.Errorf("%s enum mismatch (-spec +fake):\n%s", name, diff)
		}
	}
}

// TestSpecUserDataMinimum checks the anyOf branches of ConversionEventsUserData
// (whose "required" siblings of $ref OpenAPI 3.0 ignores, so a generic
// validator would not enforce them) and that the fake enforces exactly them.
func TestSpecUserDataMinimum(t *testing.T) {
	s := loadSpec(t)
	ud := s.get(s.root, "components", "schemas", "ConversionEventsUserData")
	branches, _ := ud["anyOf"].([]any)
	var got [][]string
	for i, b := range branches {
		bm := b.(map[string]any)
		if ref := bm["$ref"]; ref != "#/components/schemas/ConversionEventsUserDataProperties" {
			t.Errorf("branch %d: $ref %v", i, ref)
		}
		got = append(got, strs(bm["required"]))
	}
	want := [][]string{{"em"}, {"hashed_maids"}, {"client_ip_address", "client_user_agent"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spec anyOf required mismatch (-want +spec):\n%s", diff)
	}
	if diff := cmp.Diff(got, userDataMinimum); diff != "" {
		t.Errorf("fake minimum mismatch (-spec +fake):\n%s", diff)
	}

	// Enforcement: for every combination of the four fields, the event is
	// valid exactly when it holds all the fields of some branch. The other
	// user_data fields never count.
	fields := []string{"em", "hashed_maids", "client_ip_address", "client_user_agent"}
	now := time.Unix(1769947200, 0)
	h := strings.Repeat("ab", 32)
	for mask := range 1 << len(fields) {
		var have []string
		u := UserData{Ph: []string{h}, Fn: []string{h}, Ln: []string{h}, ExternalID: []string{h}, ClickID: "c", PartnerID: "p"}
		for i, f := range fields {
			if mask&(1<<i) == 0 {
				continue
			}
			have = append(have, f)
			switch f {
			case "em":
				u.Em = []string{h}
			case "hashed_maids":
				u.HashedMaids = []string{h}
			case "client_ip_address":
				u.ClientIPAddress = "216.3.128.12"
			case "client_user_agent":
				u.ClientUserAgent = "Mozilla/5.0"
			}
		}
		wantValid := slices.ContainsFunc(got, func(req []string) bool {
			for _, f := range req {
				if !slices.Contains(have, f) {
					return false
				}
			}
			return true
		})
		e := Event{EventName: "checkout", ActionSource: "web", EventTime: now.Unix(), EventID: "e", UserData: u}
		errs := checkEvent(&e, now)
		if valid := len(errs) == 0; valid != wantValid {
			t.Errorf("user_data with %v: valid = %v (%v), want %v", have, valid, errs, wantValid)
		}
	}
}

// TestSpecDescriptions checks the value lists that the spec gives only in
// descriptions: action_source exactly, event_name as a subset of the 5.28
// list.
func TestSpecDescriptions(t *testing.T) {
	s := loadSpec(t)
	props := s.get(s.schemas()["event"], "properties")
	item := regexp.MustCompile("- `([a-z_0-9]+)`")
	list := func(name string) []string {
		var out []string
		for _, m := range item.FindAllStringSubmatch(s.get(props, name)["description"].(string), -1) {
			out = append(out, m[1])
		}
		return out
	}
	if diff := cmp.Diff(sorted(list("action_source")), sorted(actionSources)); diff != "" {
		t.Errorf("action_source mismatch (-spec +fake):\n%s", diff)
	}
	specNames := list("event_name")
	if len(specNames) < 9 {
		t.Fatalf("found only %d event names in the description: %v", len(specNames), specNames)
	}
	var added []string
	for _, n := range eventNames {
		if !slices.Contains(specNames, n) {
			added = append(added, n)
		}
	}
	for _, n := range specNames {
		if !slices.Contains(eventNames, n) {
			t.Errorf("spec event name %q not accepted", n)
		}
	}
	want528 := []string{"app_open", "contact", "customize_product", "find_location", "schedule", "start_trial", "submit_application"}
	if diff := cmp.Diff(want528, added); diff != "" {
		t.Errorf("names beyond the spec mismatch (-5.28 additions +fake):\n%s", diff)
	}
}

// TestSpecResponses checks the answers' shapes against ConversionApiResponse,
// Error and DetailedError.
func TestSpecResponses(t *testing.T) {
	s := loadSpec(t)
	sch := s.get(s.root, "components", "schemas")
	resp := s.get(sch, "ConversionApiResponse")
	item := s.get(resp, "properties", "events", "items")
	tests := []struct {
		name   string
		schema map[string]any
		typ    reflect.Type
	}{
		{"ConversionApiResponse", resp, reflect.TypeFor[eventsResponse]()},
		{"events item", item, reflect.TypeFor[eventResult]()},
		{"DetailedError", s.get(sch, "DetailedError"), reflect.TypeFor[errorBody]()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(keys(s.get(tt.schema, "properties")), tagNames(tt.typ)); diff != "" {
				t.Errorf("property names mismatch (-spec +Go):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff([]string{"code", "message"}, keys(s.get(sch, "Error", "properties"))); diff != "" {
		t.Errorf("Error properties mismatch (-want +spec):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"failed", "processed"}, sorted(strs(s.get(item, "properties", "status")["enum"]))); diff != "" {
		t.Errorf("status enum mismatch (-fake +spec):\n%s", diff)
	}

	// The error examples of the operation are the fake's defaults.
	op := s.get(s.root, "paths", "/ad_accounts/{ad_account_id}/events", "post", "responses")
	for status, r := range op {
		code, err := strconv.Atoi(status)
		if err != nil {
			continue
		}
		content := s.get(r, "content", "application/json")
		var examples []any
		if ex, ok := content["example"]; ok {
			examples = append(examples, ex)
		}
		if exs, ok := content["examples"].(map[string]any); ok {
			for _, ex := range exs {
				examples = append(examples, ex.(map[string]any)["value"])
			}
		}
		for _, ex := range examples {
			exm := ex.(map[string]any)
			d := defaultErrors[code]
			if int(exm["code"].(float64)) != d.code {
				t.Errorf("status %d: spec example code %v, fake %d", code, exm["code"], d.code)
			}
			// 400's example message is the generic one; the 429 example
			// wraps its line, which the fake does not.
			msg := strings.ReplaceAll(exm["message"].(string), "\n", " ")
			if msg != d.message {
				t.Errorf("status %d: spec example message %q, fake %q", code, msg, d.message)
			}
		}
	}
}

// TestSpecPathParameter checks ad_account_id's maxLength and pattern.
func TestSpecPathParameter(t *testing.T) {
	s := loadSpec(t)
	p := s.get(s.root, "components", "parameters", "path_ad_account_id", "schema")
	if p["maxLength"] != 18.0 || p["pattern"] != `^\d+$` {
		t.Fatalf("path_ad_account_id schema changed: %v", p)
	}
	re := regexp.MustCompile(p["pattern"].(string))
	for _, id := range []string{"", "1", "549755885175", strings.Repeat("9", 18), strings.Repeat("9", 19), "12a", "-1", "１２"} {
		want := re.MatchString(id) && len(id) <= 18
		if got := validAdAccountID(id); got != want {
			t.Errorf("validAdAccountID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestImportGraph keeps the package light: standard library only, and never
// the parent SDK package.
func TestImportGraph(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") {
				t.Errorf("%s imports %s, which is not in the standard library", f, path)
			}
		}
	}
}
