package columns

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRecognize(t *testing.T) {
	tests := map[string]Target{
		// Ads Manager's upload
		"email": Email, "email_1": Email, "email_2": Email, "email_3": Email, "email_4": Email,
		"madid": MobileAdID, "event_time": EventTime, "event_type": EventName, "source_type": ActionSource,
		// Meta's offline events
		"phone": Phone, "fn": FirstName, "ln": LastName, "zip": Zip, "ct": City, "st": State,
		"country": Country, "dob": DateOfBirth, "doby": DOBYear, "dobm": DOBMonth, "dobd": DOBDay, "gen": Gender,
		"extern_id": ExternalID, "event_name": EventName, "value": Value, "currency": Currency, "order_id": OrderID,
		// the API's wire names
		"em": Email, "ph": Phone, "hashed_maids": MobileAdID, "client_ip_address": ClientIP,
		"client_user_agent": UserAgent, "external_id": ExternalID, "content_ids": ContentIDs, "user_data.em": Email,
		"custom_data.value": Value,
		// common spellings
		"E-mail": Email, "Email Address": Email, "EMAIL": Email, " Email ": Email, "E-Mail 2": Email,
		"Phone Number": Phone, "phone_2": Phone, "Mobile": Phone, "First Name": FirstName, "first_name": FirstName,
		"Last Name": LastName, "Surname": LastName, "Postal Code": Zip, "ZIP": Zip, "Zip Code": Zip,
		"Province": State, "State/Province": State, "City": City, "Country Code": Country,
		"Order Total": Value, "Amount": Value, "Revenue": Value, "Timestamp": EventTime, "Order Date": EventTime,
		"Date": EventTime, "Order ID": OrderID, "Order Number": OrderID, "Transaction ID": OrderID,
		"Date of Birth": DateOfBirth, "Birthday": DateOfBirth, "Gender": Gender, "IP Address": ClientIP,
		"User Agent": UserAgent, "Customer ID": ExternalID, "SKU": ContentIDs, "Quantity": NumItems,
		"Currency Code": Currency, "Event ID": EventID, "IDFA": MobileAdID, "GAID": MobileAdID,
	}
	for name, want := range tests {
		got, ok := Recognize(name)
		if !ok || got != want {
			t.Errorf("Recognize(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "notes", "value_2", "event_time_1", "store", "lead_id", "id"} {
		if got, ok := Recognize(name); ok {
			t.Errorf("Recognize(%q) = %q, want not recognized", name, got)
		}
	}
}

func TestMap(t *testing.T) {
	header := []string{"Email", "E-mail 2", "Timestamp", "Date", "Order Total", "Notes", "Store"}
	m, err := Map(header, map[string]Target{"store": Ignore, "NOTES": ContentName})
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{Email, Email, EventTime, Ignore, Value, ContentName, Ignore}
	if diff := cmp.Diff(want, m.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	wantNotes := []string{`column "Date" also looks like event_time: ignored, "Timestamp" is used (choose with --map)`}
	if diff := cmp.Diff(wantNotes, m.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if !m.Has(Email) || m.Has(Phone) {
		t.Errorf("Has: %v %v", m.Has(Email), m.Has(Phone))
	}
	// An override wins over recognition, and takes the target away from later columns.
	m, err = Map([]string{"Date", "Shipped"}, map[string]Target{"Shipped": EventTime})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Target{Ignore, EventTime}, m.Columns); diff != "" {
		t.Errorf("override (-want +got):\n%s", diff)
	}
	var uce *UnknownColumnError
	if _, err := Map(header, map[string]Target{"Nope": Email}); !errors.As(err, &uce) || uce.Name != "Nope" {
		t.Errorf("unknown column: %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]Target{"em": Email, "-": Ignore, "event_time": EventTime, "Email": Email, "value": Value, "hashed_maids": MobileAdID, "madid": MobileAdID} {
		if got, ok := ParseTarget(in); !ok || got != want {
			t.Errorf("ParseTarget(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := ParseTarget("nonsense"); ok {
		t.Error("ParseTarget(nonsense) ok")
	}
}

func TestKeyMapper(t *testing.T) {
	k := NewKeyMapper(map[string]Target{"Shop.Sold": EventTime})
	for key, want := range map[string]Target{"shop.sold": EventTime, "user_data.em": Email, "email": Email, "random": Ignore} {
		if got := k.Target(key); got != want {
			t.Errorf("Target(%q) = %q, want %q", key, got, want)
		}
	}
}
