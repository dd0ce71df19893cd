// Package geo maps free-form country and state/province names to the
// lowercase codes Pinterest expects in the user_data "country" and "st"
// fields.
//
// It is pure data plus lookup: the indexes are built once at package init
// from the tables in countries.go and states.go, and lookups do not allocate.
// Callers normalize keys before looking them up: lowercase, NFC, with every
// character that is not a letter removed.
package geo

import (
	"slices"
	"strings"
	"unicode"
)

// country is one ISO 3166-1 entry; names is a "|"-separated list of English
// names (see countries).
type country struct {
	a2, a3, names string
}

// countryEntry is the value of the country index.
type countryEntry struct {
	a2 string
	// name reports that the key is a name or alias rather than a bare ISO
	// code; only such keys may be preceded by "the" ("theunitedstates",
	// "theuk"), so "thede" or "thedeu" are not accepted.
	name bool
}

var (
	countryIndex = make(map[string]countryEntry, 1600)
	stateIndex   = make(map[string]string, 128)

	// indexConflicts records keys that the tables map to two different codes.
	// It is empty for consistent data; the tests assert that.
	indexConflicts []string
)

func init() {
	for _, c := range countries {
		addCountry(c.a2, c.a2, false)
		addCountry(c.a3, c.a2, false)
		for n := range strings.SplitSeq(c.names, "|") {
			for _, k := range nameKeys(n) {
				addCountry(k, c.a2, true)
			}
		}
	}
	for _, c := range nativeNames {
		for n := range strings.SplitSeq(c.names, "|") {
			for _, k := range nameKeys(n) {
				addCountry(k, c.a2, true)
			}
		}
	}
	for _, s := range states {
		for n := range strings.SplitSeq(s.names, "|") {
			for _, k := range nameKeys(n) {
				if prev, ok := stateIndex[k]; ok && prev != s.code {
					indexConflicts = append(indexConflicts, "state "+k+": "+prev+" vs "+s.code)
					continue
				}
				stateIndex[k] = s.code
			}
		}
	}
}

func addCountry(key, a2 string, name bool) {
	prev, ok := countryIndex[key]
	if ok && prev.a2 != a2 {
		indexConflicts = append(indexConflicts, "country "+key+": "+prev.a2+" vs "+a2)
		return
	}
	countryIndex[key] = countryEntry{a2: a2, name: name || prev.name}
}

// Country returns the lowercase ISO 3166-1 alpha-2 code for key, and whether key is known.
// key must already be normalized by the caller: lowercase, with every character that is not a letter removed
// (so "United Kingdom" arrives as "unitedkingdom", "U.S.A." as "usa", "Côte d'Ivoire" as "côtedivoire" in NFC).
//
// Accepted keys are the assigned alpha-2 codes (plus "uk" for "gb"), the
// assigned alpha-3 codes, English short, common and official names, common
// aliases and former names, and native names of the largest markets. Accented
// Latin names also match their ASCII-folded spelling, and names and aliases
// may be preceded by "the" ("thenetherlands").
func Country(key string) (string, bool) {
	if e, ok := countryIndex[key]; ok {
		return e.a2, true
	}
	if rest, ok := strings.CutPrefix(key, "the"); ok {
		if e, ok := countryIndex[rest]; ok && e.name {
			return e.a2, true
		}
	}
	return "", false
}

// State returns the lowercase code of a US state/territory or Canadian province/territory for key (normalized
// the same way: lowercase, letters only, NFC), and whether key is a known full name.
//
// Codes are not keys: State("ca") reports false, callers keep codes as given.
func State(key string) (string, bool) {
	code, ok := stateIndex[key]
	return code, ok
}

// nameKeys derives the lookup keys for a name as written in the tables:
//   - lowercase, letters only ("Côte d'Ivoire" -> "côtedivoire"), which is
//     what callers produce;
//   - lowercase, letters and combining marks, for scripts whose vowel signs
//     are marks rather than letters ("भारत");
//   - the ASCII-folded letters-only form ("cotedivoire");
//   - each of the above without the word "and" ("Bosnia & Herzegovina"
//     arrives as "bosniaherzegovina");
//   - for names starting with "saint", the "st" form ("St. Lucia").
func nameKeys(name string) []string {
	raws := []string{name}
	if strings.Contains(name, " and ") {
		raws = append(raws, strings.ReplaceAll(name, " and ", " "))
	}
	var keys []string
	add := func(k string) {
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, r := range raws {
		letters := normalizeName(r, false)
		for _, k := range []string{letters, normalizeName(r, true), foldASCII(letters)} {
			add(k)
			if rest, ok := strings.CutPrefix(k, "saint"); ok {
				add("st" + rest)
			}
		}
	}
	return keys
}

// normalizeName lowercases s and drops every rune that is not a letter (or,
// with keepMarks, a letter or a combining mark).
func normalizeName(s string, keepMarks bool) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || keepMarks && unicode.IsMark(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldASCII replaces accented lowercase Latin letters by their unaccented
// ASCII spelling; other runes are kept.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := latinFold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae",
	'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c",
	'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g",
	'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĵ': "j",
	'ķ': "k",
	'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o",
	'œ': "oe",
	'ŕ': "r", 'ŗ': "r", 'ř': "r",
	'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ș': "s",
	'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'ț': "t",
	'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w",
	'ý': "y", 'ÿ': "y", 'ŷ': "y",
	'ź': "z", 'ż': "z", 'ž': "z",
}
