package pinteresttest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSpecEQSParameters checks the fake's query rules of conversion_eqs/list
// against the spec: the parameter names, which is required, and each enum.
func TestSpecEQSParameters(t *testing.T) {
	s := loadSpec(t)
	op := s.get(s.root, "paths", "/ad_accounts/{ad_account_id}/conversion_eqs", "get")
	if op["operationId"] != "conversion_eqs/list" {
		t.Fatalf("operationId %v", op["operationId"])
	}
	params, _ := op["parameters"].([]any)
	got := map[string][]string{}
	required := map[string]bool{}
	for _, p := range params {
		prm := s.deref(p.(map[string]any))
		if prm["in"] != "query" {
			continue
		}
		name := prm["name"].(string)
		required[name], _ = prm["required"].(bool)
		sch := s.deref(prm["schema"].(map[string]any))
		for _, v := range sch["enum"].([]any) {
			got[name] = append(got[name], v.(string))
		}
	}
	want := map[string][]string{
		"lookback_period":  eqsLookbacks,
		"source_platform":  eqsSourcePlatforms,
		"ingestion_source": eqsIngestionSources,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query enums (-fake +spec):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{"lookback_period": true, "source_platform": false, "ingestion_source": false}, required); diff != "" {
		t.Errorf("required (-fake +spec):\n%s", diff)
	}
}
