package pinterest_test

// Tests of the wire JSON: schema keys only, escaped exactly like encoding/json.

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/capisdk/pinterest"
)

// ---------------------------------------------------------------------------
// 2. The wire JSON: schema keys only, escaped exactly like encoding/json.

// sendSchemaKeys are the keys Pinterest's schema allows in each object, by
// path (spec 5.23, plus contents[].item_brand_id of 5.28 and the
// advertiser_tracking_enabled the live API accepts).
var sendSchemaKeys = map[string][]string{
	"": {"event_name", "action_source", "event_time", "event_id", "event_source_url", "opt_out",
		"partner_name", "app_id", "app_name", "app_version", "device_brand", "device_carrier",
		"device_model", "device_type", "os_version", "wifi", "language", "user_data", "custom_data",
		"app_info", "device_info", "advertiser_tracking_enabled"},
	"user_data": {"em", "ph", "ge", "db", "ln", "fn", "ct", "st", "zp", "country", "external_id",
		"hashed_maids", "client_ip_address", "client_user_agent", "click_id", "partner_id"},
	"custom_data": {"currency", "value", "content_ids", "contents", "num_items", "order_id",
		"search_string", "content_name", "content_category", "content_brand", "opt_out_type",
		"predicted_ltv", "np", "external_measurement_id", "external_measurement_vendor_id"},
	"custom_data.contents": {"id", "item_price", "quantity", "item_name", "item_category", "item_brand", "item_brand_id"},
	"app_info": {"app_id", "app_name", "app_package_name", "app_store", "app_version", "install_time",
		"user_agent", "window_height", "window_width"},
	"device_info": {"battery_level", "brand", "carrier", "cpu_cores", "external_storage_free_space",
		"external_storage_size", "form_factor", "kernel_version", "languages", "locale", "model",
		"network_type", "os_family", "os_name", "os_release_name", "os_version", "screen_density",
		"screen_height", "screen_width", "storage_free_space", "storage_size", "timezone",
		"timezone_abbr", "type"},
}

var sendHexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// sendCheckKeys checks that every object of v has only keys of the schema,
// and the JSON types of the fields the schema types strictly.
func sendCheckKeys(t *testing.T, path string, v any) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%q: not an object: %T", path, v)
		return
	}
	allowed, ok := sendSchemaKeys[path]
	if !ok {
		t.Errorf("object at %q is not in the schema", path)
		return
	}
	for k, val := range obj {
		if !slices.Contains(allowed, k) {
			t.Errorf("key %q at %q is not in the schema", k, path)
			continue
		}
		full := strings.TrimPrefix(path+"."+k, ".")
		switch val := val.(type) {
		case map[string]any:
			sendCheckKeys(t, full, val)
		case []any:
			for _, it := range val {
				switch it := it.(type) {
				case map[string]any:
					sendCheckKeys(t, full, it)
				case string:
					if path == "user_data" && !sendHexRE.MatchString(it) {
						t.Errorf("%s holds %q, not a lowercase SHA-256 hex", full, it)
					}
				default:
					t.Errorf("%s holds a %T", full, it)
				}
			}
		case json.Number:
			if _, err := strconv.ParseInt(string(val), 10, 64); err != nil {
				t.Errorf("%s = %s, not an int64", full, val)
			}
		case string, bool:
		default:
			t.Errorf("%s has type %T", full, val)
		}
	}
	if path == "" {
		for _, k := range []string{"event_name", "action_source", "event_time", "event_id", "user_data"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("required key %q missing", k)
			}
		}
		if _, ok := obj["event_time"].(json.Number); !ok {
			t.Errorf("event_time is %T, want a number", obj["event_time"])
		}
	}
}

func sendDecode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("wire JSON does not decode: %v\n%s", err, b)
	}
	return m
}

// sendMarshalCheck checks ev's wire JSON against encoding/json and returns it.
func sendMarshalCheck(t *testing.T, ev *pinterest.Event) []byte {
	t.Helper()
	wire, err := ev.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	if !json.Valid(wire) {
		t.Fatalf("MarshalJSON is not valid JSON:\n%s", wire)
	}
	if !utf8.Valid(wire) {
		t.Errorf("MarshalJSON is not valid UTF-8: %q", wire)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, wire); err != nil {
		t.Fatal(err)
	}
	std, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if !bytes.Equal(std, compact.Bytes()) {
		t.Errorf("json.Marshal(ev) differs from compacted MarshalJSON:\n std: %s\nwire: %s", std, compact.Bytes())
	}
	if !bytes.Equal(wire, compact.Bytes()) {
		t.Errorf("MarshalJSON is not compact:\n%s", wire)
	}
	sendCheckKeys(t, "", sendDecode(t, wire))
	return wire
}

func TestSendWireJSON(t *testing.T) {
	t.Run("random events have schema keys only", func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 3))
		now := time.Now()
		for i := range 150 {
			ev, _ := sendRandomEvent(r, i, now, i%2 == 0)
			sendMarshalCheck(t, ev)
			if t.Failed() {
				t.Fatalf("event %d", i)
			}
		}
	})

	specials := []struct{ name, s string }{
		{"html", "<script>alert('x')</script> a && b > c"},
		{"line separators", "a\u2028b\u2029c"},
		{"quotes and backslashes", `say "hi" \ back\\slash \"`},
		{"control characters", "nul\x00 bel\x07 bs\b ff\f nl\n cr\r tab\t us\x1f del\x7f"},
		{"backspace", "a\bb"},
		{"form feed", "a\fb"},
		{"invalid UTF-8", "bad \xff\xfe utf8 \xc3 end \xe2\x82"},
		{"non-ASCII", "Zoë 🎉 \u00a0 \ufeff 李"},
		{"slash and percent", "https://x.example/a/b?c=%20&d=e#f"},
		{"empty", ""},
	}
	for _, sp := range specials {
		t.Run("escaping "+sp.name, func(t *testing.T) {
			ev := validEvent("esc").URL(sp.s).PartnerName(sp.s).
				Custom(pinterest.CustomData{ContentName: sp.s, Contents: []pinterest.Content{{ItemName: sp.s}}}).
				Device(pinterest.DeviceInfo{Model: sp.s, Languages: []string{sp.s}})
			wire := sendMarshalCheck(t, ev)
			if sp.s == "" {
				if bytes.Contains(wire, []byte("event_source_url")) {
					t.Errorf("empty URL sent: %s", wire)
				}
				return
			}
			ref, err := json.Marshal(sp.s) // encoding/json's escaping of the string
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"event_source_url", "partner_name", "content_name", "item_name", "model"} {
				if want := append([]byte(`"`+key+`":`), ref...); !bytes.Contains(wire, want) {
					t.Errorf("%s not escaped as encoding/json does: want %s in\n%s", key, want, wire)
				}
			}
			for _, b := range []string{"<", ">", "&", "\u2028", "\u2029"} {
				if strings.Contains(sp.s, b) && bytes.Contains(wire, []byte(b)) {
					t.Errorf("wire JSON has a raw %q: %s", b, wire)
				}
			}
			for _, c := range wire {
				if c < 0x20 {
					t.Errorf("wire JSON has a raw control byte %#x", c)
				}
			}
			var want string
			if err := json.Unmarshal(ref, &want); err != nil {
				t.Fatal(err)
			}
			m := sendDecode(t, wire)
			if got := m["event_source_url"]; got != want {
				t.Errorf("event_source_url decodes to %q, want %q", got, want)
			}
		})
	}

	t.Run("golden full event", func(t *testing.T) {
		wire := sendMarshalCheck(t, sendGoldenEvent())
		var got bytes.Buffer
		if err := json.Indent(&got, wire, "", "  "); err != nil {
			t.Fatal(err)
		}
		got.WriteByte('\n')
		path := filepath.Join("testdata", "send", "full_event.golden.json")
		if *sendUpdate {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -send.update to create it)", err)
		}
		if diff := cmp.Diff(string(want), got.String()); diff != "" {
			t.Errorf("wire JSON differs from %s (-want +got):\n%s", path, diff)
		}
	})
}

// sendGoldenEvent is a fully populated event with fixed values.
func sendGoldenEvent() *pinterest.Event {
	return pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceAppIOS).
		ID("order-1001").
		At(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)).
		URL("https://shop.example/checkout?a=1&b=<2>").
		User(pinterest.NewUserData().
			Email(" Jane.Doe@Example.com ", "jane.doe@example.com").
			Phone("+1 (650) 555-0100").Gender("Female").
			DateOfBirth(time.Date(1985, 7, 4, 0, 0, 0, 0, time.UTC)).DateOfBirthString("1990-01-02").
			FirstName(" Jane ").LastName("O'Brien").City("Menlo Park").State("California").
			Zip("94025-1234").Country("United States").ExternalID("Cust-42").
			MobileAdID("6D92078A-8246-4BA4-AE5B-76104861E7DC").
			ClientIP("203.0.113.7:443").UserAgent("Mozilla/5.0 (X11)").
			ClickID("dj0yJnU9b2JD").PartnerID("BUJrTlRR")).
		Custom(pinterest.CustomData{
			Currency: "USD", Value: "72.39", ContentIDs: []string{"p1", "p2"},
			Contents: []pinterest.Content{
				{ID: "p1", ItemPrice: "14.99", Quantity: 3, ItemName: "shirt <girl>", ItemCategory: "shirts", ItemBrand: "pinterest", ItemBrandID: "b1"},
				{ID: "p2", ItemPrice: "13.71", Quantity: 2},
			},
			NumItems: 5, OrderID: "1001", SearchString: "blue & white", ContentName: "Zoë’s shirt",
			ContentCategory: "shirts", ContentBrand: "pinterest-brand", OptOutType: pinterest.OptOutLDP,
			PredictedLTV: "2794.82", NP: "ss-company", ExternalMeasurementID: "rbos-1", ExternalMeasurementVendorID: 1,
		}).
		OptOut(false).PartnerName("ss-partnername").Language("en").
		App(pinterest.AppInfo{
			AppID: "429047995", AppName: "MyAwesomeApp", AppPackageName: "com.company.myawesomeapp",
			AppStore: "Apple App Store", AppVersion: "7.9", InstallTime: time.Unix(1739222269, 0),
			UserAgent: "Mozilla/5.0", WindowHeight: 900, WindowWidth: 1678,
		}).
		Device(pinterest.DeviceInfo{
			BatteryLevel: 78, Brand: "Apple", Carrier: "T-Mobile", CPUCores: 8,
			ExternalStorageFreeSpace: 126, ExternalStorageSize: 512, FormFactor: pinterest.FormFactorCellphone,
			KernelVersion: "24.3.0", Languages: []string{"en", "de"}, Locale: "en-us", Model: "16 Pro",
			NetworkType: pinterest.NetworkCellular5G, OSFamily: pinterest.OSIOS, OSName: "18",
			OSReleaseName: "Dawn", OSVersion: "18.3", ScreenDensity: 460, ScreenHeight: 2868,
			ScreenWidth: 1320, StorageFreeSpace: 184, StorageSize: 256, Timezone: "America/Los_Angeles",
			TimezoneAbbr: "PDT", Type: "iPhone",
		}).
		AppID("429047995").AppName("Pinterest").AppVersion("7.9").DeviceBrand("Apple").
		DeviceCarrier("T-Mobile").DeviceModel("iPhone X").DeviceType("iPhone").OSVersion("18.3").
		Wifi(true)
}
