package pinteresttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the request-level validation: the JSON Schema of the
// request body (ConversionEvents in the OpenAPI description) as a small tree
// of nodes derived from the Go types by reflection, plus the constraints that
// Go types cannot express (nullable, maxLength, minimum, maximum, enum,
// minItems, maxItems) from the rules table. The conformance test checks the
// whole tree against the official openapi.json.

// eventsRequest is the request body.
type eventsRequest struct {
	Data []Event `json:"data"`
}

// eventsResponse is the 200 answer (ConversionApiResponse), also the "details"
// of a 422 answer.
type eventsResponse struct {
	NumEventsReceived  int           `json:"num_events_received"`
	NumEventsProcessed int           `json:"num_events_processed"`
	Events             []eventResult `json:"events"`
}

// eventResult is one item of eventsResponse.Events.
type eventResult struct {
	Status         string `json:"status"`
	ErrorMessage   string `json:"error_message"`
	WarningMessage string `json:"warning_message"`
}

// errorBody is the Error schema, and DetailedError when Details is set.
type errorBody struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details,omitempty"`
}

type kind uint8

const (
	kindObject kind = iota + 1
	kindArray
	kindString
	kindInteger
	kindBoolean
)

func (k kind) String() string {
	switch k {
	case kindObject:
		return "object"
	case kindArray:
		return "array"
	case kindString:
		return "string"
	case kindInteger:
		return "integer"
	case kindBoolean:
		return "boolean"
	}
	return "unknown"
}

// node is one JSON Schema node. additionalProperties is false on every object.
type node struct {
	kind      kind
	nullable  bool
	props     map[string]*node // kindObject
	required  []string         // kindObject
	items     *node            // kindArray
	minItems  int              // kindArray
	maxItems  int              // kindArray; 0: no limit
	maxLength int              // kindString, in characters; 0: no limit
	minimum   *int64           // kindInteger
	maximum   *int64           // kindInteger
	enum      []string         // kindString
}

// rule holds the constraints of one property, keyed in rules by
// "GoTypeName.json_name".
type rule struct {
	nullable  bool
	maxLength int
	minimum   *int64
	maximum   *int64
	enum      []string
	minItems  int
	maxItems  int
}

func between(lo, hi int64) rule { return rule{minimum: &lo, maximum: &hi} }
func atLeast(lo int64) rule     { return rule{minimum: &lo} }
func maxLen(n int) rule         { return rule{maxLength: n} }

var nullable = rule{nullable: true}

// Enums of device_info (FormFactor, NetworkType and OsFamily in API 5.28).
var (
	formFactors  = []string{"desktop", "laptop", "cellphone", "tablet", "smartwatch", "tv", "vr", "console", "other"}
	networkTypes = []string{"wifi", "cellular_2g", "cellular_3g", "cellular_4g", "cellular_5g", "cellular_6g", "ethernet", "unknown"}
	osFamilies   = []string{"ios", "android", "macos", "windows", "linux", "bsd", "other"}
)

// maxEvents is the maximum number of events in one request.
const maxEvents = 1000

var rules = map[string]rule{
	"eventsRequest.data": {minItems: 1, maxItems: maxEvents},

	"Event.app_id":           nullable,
	"Event.app_name":         nullable,
	"Event.app_version":      nullable,
	"Event.device_brand":     nullable,
	"Event.device_carrier":   nullable,
	"Event.device_model":     nullable,
	"Event.device_type":      nullable,
	"Event.event_source_url": nullable,
	"Event.language":         nullable,
	"Event.os_version":       nullable,
	"Event.partner_name":     nullable,

	"UserData.click_id":   nullable,
	"UserData.partner_id": nullable,

	"CustomData.content_brand":                  nullable,
	"CustomData.content_category":               nullable,
	"CustomData.content_name":                   nullable,
	"CustomData.currency":                       nullable,
	"CustomData.external_measurement_id":        nullable,
	"CustomData.external_measurement_vendor_id": nullable,
	"CustomData.np":                             nullable,
	"CustomData.opt_out_type":                   nullable,
	"CustomData.order_id":                       nullable,
	"CustomData.predicted_ltv":                  nullable,
	"CustomData.search_string":                  nullable,
	"CustomData.value":                          nullable,

	"AppInfo.app_id":           maxLen(200),
	"AppInfo.app_name":         maxLen(200),
	"AppInfo.app_package_name": maxLen(200),
	"AppInfo.app_store":        maxLen(100),
	"AppInfo.app_version":      maxLen(100),
	"AppInfo.install_time":     atLeast(0),
	"AppInfo.user_agent":       maxLen(16384),
	"AppInfo.window_height":    between(0, 30720),
	"AppInfo.window_width":     between(0, 30720),

	"DeviceInfo.battery_level":               between(0, 100),
	"DeviceInfo.brand":                       maxLen(100),
	"DeviceInfo.carrier":                     maxLen(100),
	"DeviceInfo.cpu_cores":                   between(0, 1152),
	"DeviceInfo.external_storage_free_space": between(0, 1048576),
	"DeviceInfo.external_storage_size":       between(0, 1048576),
	"DeviceInfo.form_factor":                 {enum: formFactors},
	"DeviceInfo.kernel_version":              maxLen(100),
	"DeviceInfo.languages":                   {maxItems: 100}, // entries: 2 letters, checked per event
	"Content.item_brand_id":                  maxLen(64),      // the live API's limit (api-reference.md 7.1), not in the spec
	"DeviceInfo.locale":                      maxLen(35),
	"DeviceInfo.model":                       maxLen(100),
	"DeviceInfo.network_type":                {enum: networkTypes},
	"DeviceInfo.os_family":                   {enum: osFamilies},
	"DeviceInfo.os_name":                     maxLen(100),
	"DeviceInfo.os_release_name":             maxLen(100),
	"DeviceInfo.os_version":                  maxLen(100),
	"DeviceInfo.screen_density":              between(0, 100000),
	"DeviceInfo.screen_height":               between(0, 30720),
	"DeviceInfo.screen_width":                between(0, 30720),
	"DeviceInfo.storage_free_space":          between(0, 1048576),
	"DeviceInfo.storage_size":                between(0, 1048576),
	"DeviceInfo.timezone":                    maxLen(40),
	"DeviceInfo.timezone_abbr":               maxLen(5),
	"DeviceInfo.type":                        maxLen(100),
}

// requiredProps lists the required properties of the objects that have any.
var requiredProps = map[string][]string{
	"eventsRequest": {"data"},
	"Event":         {"event_name", "action_source", "event_time", "user_data", "event_id"},
}

// requestSchema is the schema of the request body.
var requestSchema = schemaOf(reflect.TypeFor[eventsRequest](), rule{})

// schemaOf builds the node of Go type t with the constraints r.
func schemaOf(t reflect.Type, r rule) *node {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	n := &node{
		nullable:  r.nullable,
		maxLength: r.maxLength,
		minimum:   r.minimum,
		maximum:   r.maximum,
		enum:      r.enum,
		minItems:  r.minItems,
		maxItems:  r.maxItems,
	}
	switch t.Kind() {
	case reflect.String:
		n.kind = kindString
	case reflect.Int64:
		n.kind = kindInteger
	case reflect.Bool:
		n.kind = kindBoolean
	case reflect.Slice:
		n.kind = kindArray
		n.items = schemaOf(t.Elem(), rule{})
	case reflect.Struct:
		n.kind = kindObject
		n.props = make(map[string]*node)
		for _, f := range reflect.VisibleFields(t) {
			name := jsonName(f)
			if name == "" {
				continue
			}
			n.props[name] = schemaOf(f.Type, rules[t.Name()+"."+name])
		}
		n.required = requiredProps[t.Name()]
	default:
		panic("pinteresttest: no schema for Go type " + t.String())
	}
	return n
}

// jsonName returns the wire name of a struct field, "" if it is not encoded.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// decodeRequest validates body against requestSchema and decodes it. The
// error message is the part after "Invalid request: " of a 400 answer.
func decodeRequest(body []byte) (*eventsRequest, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("the request body is empty")
	}
	w := walker{dec: json.NewDecoder(bytes.NewReader(body))}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return nil, malformed(err)
	}
	if err := w.walk(requestSchema, "", tok); err != nil {
		return nil, err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return nil, errors.New("malformed JSON: unexpected data after the top-level object")
	}

	// The walk has checked everything the Go types could not; decoding into
	// them cannot fail any more, but DisallowUnknownFields keeps it honest.
	var req eventsRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("cannot decode the body: %v", err)
	}
	return &req, nil
}

func malformed(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("malformed JSON: %v", err)
}

// walker checks a JSON token stream against a schema. It stops at the first
// violation, in document order. Messages follow Python jsonschema's wording
// (as Pinterest's do), but name the location instead of quoting the value, so
// that no personal data is echoed.
type walker struct {
	dec *json.Decoder
}

func (w *walker) walk(n *node, path string, tok json.Token) error {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			if n.kind != kindObject {
				return typeError(n, path, "object")
			}
			return w.object(n, path)
		case '[':
			if n.kind != kindArray {
				return typeError(n, path, "array")
			}
			return w.array(n, path)
		}
		return malformed(fmt.Errorf("unexpected %v", v))
	case nil:
		if !n.nullable {
			return typeError(n, path, "null")
		}
	case string:
		if n.kind != kindString {
			return typeError(n, path, "string")
		}
		if n.maxLength > 0 && utf8.RuneCountInString(v) > n.maxLength {
			return fmt.Errorf("%s is too long (maxLength %d)", where(path), n.maxLength)
		}
		if n.enum != nil && !slices.Contains(n.enum, v) {
			return fmt.Errorf("%s is not one of [%s]", where(path), quoteList(n.enum))
		}
	case json.Number:
		if n.kind != kindInteger {
			return typeError(n, path, "number")
		}
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return fmt.Errorf("%s is not of type 'integer' (out of the int64 range)", where(path))
			}
			return typeError(n, path, "number")
		}
		if n.minimum != nil && i < *n.minimum {
			return fmt.Errorf("%s is less than the minimum of %d", where(path), *n.minimum)
		}
		if n.maximum != nil && i > *n.maximum {
			return fmt.Errorf("%s is greater than the maximum of %d", where(path), *n.maximum)
		}
	case bool:
		if n.kind != kindBoolean {
			return typeError(n, path, "boolean")
		}
	default:
		return malformed(fmt.Errorf("unexpected token %T", tok))
	}
	return nil
}

func (w *walker) object(n *node, path string) error {
	seen := make(map[string]bool, len(n.props))
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return malformed(err)
		}
		key, ok := tok.(string)
		if !ok {
			return malformed(fmt.Errorf("object key is not a string"))
		}
		if seen[key] {
			//lint:ignore ST1005 the text is Pinterest's, after "Invalid request: "
			return fmt.Errorf("Duplicate key %s%s", quote(key), at(path))
		}
		seen[key] = true
		child, ok := n.props[key]
		if !ok {
			//lint:ignore ST1005 the text is Pinterest's, after "Invalid request: "
			return fmt.Errorf("Additional properties are not allowed (%s was unexpected)%s", quote(key), at(path))
		}
		tok, err = w.dec.Token()
		if err != nil {
			return malformed(err)
		}
		if err := w.walk(child, join(path, key), tok); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil { // '}'
		return malformed(err)
	}
	for _, r := range n.required {
		if !seen[r] {
			return fmt.Errorf("%s is a required property%s", quote(r), at(path))
		}
	}
	return nil
}

func (w *walker) array(n *node, path string) error {
	count := 0
	for w.dec.More() {
		if n.maxItems > 0 && count == n.maxItems {
			return fmt.Errorf("%s is too long (maxItems %d)", where(path), n.maxItems)
		}
		tok, err := w.dec.Token()
		if err != nil {
			return malformed(err)
		}
		if err := w.walk(n.items, path+"["+strconv.Itoa(count)+"]", tok); err != nil {
			return err
		}
		count++
	}
	if _, err := w.dec.Token(); err != nil { // ']'
		return malformed(err)
	}
	if count < n.minItems {
		return fmt.Errorf("%s is too short (minItems %d)", where(path), n.minItems)
	}
	return nil
}

func typeError(n *node, path, got string) error {
	return fmt.Errorf("%s is not of type '%s' (got %s)", where(path), n.kind, got)
}

// where names a location in messages.
func where(path string) string {
	if path == "" {
		return "the request body"
	}
	return path
}

// at is the location suffix of messages about keys of an object.
func at(path string) string {
	if path == "" {
		return ""
	}
	return " at " + path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// quote puts s in single quotes, shortened to 64 bytes.
func quote(s string) string {
	if len(s) > 64 {
		s = strings.ToValidUTF8(s[:64], "") + "..."
	}
	return "'" + s + "'"
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}
