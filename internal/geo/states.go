package geo

// states lists the full names of US states, the District of Columbia, US
// territories and Canadian provinces and territories with their lowercase
// USPS / Canada Post codes. Names are "|"-separated and written the way people
// write them; the package init derives the lookup keys (see nameKeys).
//
// Codes themselves are not keys: callers keep 2-3 letter codes as given.
var states = [...]struct{ code, names string }{
	// US states.
	{"al", "Alabama"},
	{"ak", "Alaska"},
	{"az", "Arizona"},
	{"ar", "Arkansas"},
	{"ca", "California"},
	{"co", "Colorado"},
	{"ct", "Connecticut"},
	{"de", "Delaware"},
	{"fl", "Florida"},
	{"ga", "Georgia"},
	{"hi", "Hawaii"},
	{"id", "Idaho"},
	{"il", "Illinois"},
	{"in", "Indiana"},
	{"ia", "Iowa"},
	{"ks", "Kansas"},
	{"ky", "Kentucky"},
	{"la", "Louisiana"},
	{"me", "Maine"},
	{"md", "Maryland"},
	{"ma", "Massachusetts"},
	{"mi", "Michigan"},
	{"mn", "Minnesota"},
	{"ms", "Mississippi"},
	{"mo", "Missouri"},
	{"mt", "Montana"},
	{"ne", "Nebraska"},
	{"nv", "Nevada"},
	{"nh", "New Hampshire"},
	{"nj", "New Jersey"},
	{"nm", "New Mexico"},
	{"ny", "New York"},
	{"nc", "North Carolina"},
	{"nd", "North Dakota"},
	{"oh", "Ohio"},
	{"ok", "Oklahoma"},
	{"or", "Oregon"},
	{"pa", "Pennsylvania"},
	{"ri", "Rhode Island"},
	{"sc", "South Carolina"},
	{"sd", "South Dakota"},
	{"tn", "Tennessee"},
	{"tx", "Texas"},
	{"ut", "Utah"},
	{"vt", "Vermont"},
	{"va", "Virginia"},
	{"wa", "Washington"},
	{"wv", "West Virginia"},
	{"wi", "Wisconsin"},
	{"wy", "Wyoming"},

	// Federal district.
	{"dc", "District of Columbia|Washington DC|Washington, D.C."},

	// US territories.
	{"as", "American Samoa"},
	{"gu", "Guam"},
	{"mp", "Northern Mariana Islands"},
	{"pr", "Puerto Rico"},
	{"um", "United States Minor Outlying Islands|US Minor Outlying Islands"},
	{"vi", "US Virgin Islands|United States Virgin Islands|Virgin Islands"},

	// Canadian provinces.
	{"ab", "Alberta"},
	{"bc", "British Columbia"},
	{"mb", "Manitoba"},
	{"nb", "New Brunswick"},
	{"nl", "Newfoundland and Labrador|Newfoundland"},
	{"ns", "Nova Scotia"},
	{"on", "Ontario"},
	{"pe", "Prince Edward Island"},
	{"qc", "Québec"},
	{"sk", "Saskatchewan"},

	// Canadian territories.
	{"nt", "Northwest Territories"},
	{"nu", "Nunavut"},
	{"yt", "Yukon|Yukon Territory"},
}
