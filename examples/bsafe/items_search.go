package main

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/bsafe-go/bsafe/safe"
)

// searchItems is bw's basic search (SearchService.searchCiphersBasic): the
// query is split at white space, and every term must occur, ignoring case,
// in the item's name, its subtitle (a login's username, a card's brand and
// last digits, an identity's first and last name, an SSH key's
// fingerprint), the host name of one of its URIs or its notes, or, for a
// term of 8 characters or more, be the start of its ID.
func searchItems(items []*safe.Item, query string) []*safe.Item {
	terms := strings.Fields(normalizeSearch(query))
	var out []*safe.Item
	for _, it := range items {
		if matchesAll(it, terms) {
			out = append(out, it)
		}
	}
	return out
}

func matchesAll(it *safe.Item, terms []string) bool {
	name, sub, notes := normalizeSearch(it.Name), normalizeSearch(subtitle(it)), normalizeSearch(it.Notes)
	var hosts []string
	if it.Login != nil {
		for _, u := range it.Login.URIs {
			if h := uriHostname(u.URI); h != "" {
				hosts = append(hosts, normalizeSearch(h))
			}
		}
	}
	for _, term := range terms {
		ok := strings.Contains(name, term) ||
			len(term) >= 8 && strings.HasPrefix(strings.ToLower(it.ID), term) ||
			sub != "" && strings.Contains(sub, term) ||
			notes != "" && strings.Contains(notes, term)
		for _, h := range hosts {
			ok = ok || strings.Contains(h, term)
		}
		if !ok {
			return false
		}
	}
	return true
}

// normalizeSearch lower-cases s and drops combining diacritical marks. bw
// first decomposes s (NFD), which needs golang.org/x/text; without it a
// precomposed "é" stays as it is, so "e" does not find it.
func normalizeSearch(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x300 && r <= 0x36f {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// subtitle is the line bw shows under an item's name, which its search
// also looks at.
func subtitle(it *safe.Item) string {
	switch it.Type {
	case safe.TypeLogin:
		if it.Login != nil {
			return it.Login.Username
		}
	case safe.TypeCard:
		if c := it.Card; c != nil {
			s := c.Brand
			if len(c.Number) >= 4 {
				if s != "" {
					s += ", "
				}
				n := 4
				if len(c.Number) >= 5 && (strings.HasPrefix(c.Number, "34") || strings.HasPrefix(c.Number, "37")) {
					n = 5 // bw shows five digits of an Amex number
				}
				s += "*" + c.Number[len(c.Number)-n:]
			}
			return s
		}
	case safe.TypeIdentity:
		if p := it.Identity; p != nil {
			return strings.TrimSpace(p.FirstName + " " + p.LastName)
		}
	case safe.TypeSSHKey:
		if it.SSHKey != nil {
			return it.SSHKey.KeyFingerprint
		}
	}
	return ""
}

// uriHostname is the host name of a login URI, which may lack its scheme
// ("example.com/login"); "" if it has none.
func uriHostname(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		u, err = url.Parse("http://" + s)
		if err != nil {
			return ""
		}
	}
	return strings.ToLower(u.Hostname())
}

// baseDomain approximates a host's registrable domain by its last two
// labels (bw uses the public-suffix list, which the standard library lacks);
// an IP address or a one-label host is its own base domain.
func baseDomain(host string) string {
	if host == "" || strings.Count(host, ".") < 1 || strings.ContainsAny(host, ":") || isIPv4(host) {
		return host
	}
	labels := strings.Split(host, ".")
	return strings.Join(labels[len(labels)-2:], ".")
}

func isIPv4(h string) bool {
	for _, r := range h {
		if r != '.' && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// matchesURL is bw's list items --url: whether one of the login's URIs
// matches u under its match rule (base domain by default, host, starts
// with, exact, regular expression, never). bw also applies the server's
// equivalent domains; this does not.
func matchesURL(it *safe.Item, u string) bool {
	if it.Type != safe.TypeLogin || it.Login == nil {
		return false
	}
	host := uriHostname(u)
	for _, lu := range it.Login.URIs {
		if lu.URI == "" {
			continue
		}
		switch lu.Match {
		case safe.MatchDefault, safe.MatchDomain:
			if h := uriHostname(lu.URI); h != "" && host != "" && baseDomain(h) == baseDomain(host) {
				return true
			}
		case safe.MatchHost:
			if h := uriHostname(lu.URI); h != "" && h == host {
				return true
			}
		case safe.MatchExact:
			if lu.URI == u {
				return true
			}
		case safe.MatchStartsWith:
			if strings.HasPrefix(u, lu.URI) {
				return true
			}
		case safe.MatchRegularExpression:
			// JavaScript and Go regular expressions differ at the edges;
			// one that Go cannot compile matches nothing.
			if re, err := regexp.Compile("(?i)" + lu.URI); err == nil && re.MatchString(u) {
				return true
			}
		}
	}
	return false
}
