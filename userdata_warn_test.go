package pinterest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUserDataWarn(t *testing.T) {
	u := NewUserData().ClickID("dj0yJnU9").Warn(FieldClickID, "not a cookie value")
	want := []error{&FieldError{Field: "user_data.click_id", Reason: "not a cookie value"}}
	if diff := cmp.Diff(want, u.Warnings()); diff != "" {
		t.Errorf("Warnings() (-want +got):\n%s", diff)
	}
	if !errors.Is(u.Warnings()[0], ErrInvalidValue) {
		t.Error("the warning does not match ErrInvalidValue")
	}
	if u.Count(FieldClickID) != 1 {
		t.Error("Warn changed the values already set")
	}
}
