package attrs

// VCardProperty names the vCard 3.0 (RFC 2426) property, or the component
// of a structured property, that a profile attribute maps to. The set is
// closed: these are the "commonly used vCard properties" that seed 003's
// example card uses, with the components of N and ADR each mappable on its
// own, as the card's "N:Doe;John" and "ADR:;;1401 1st Street SE;…" need.
type VCardProperty string

// The vCard properties an attribute can map to.
const (
	VCardFormattedName VCardProperty = "FN"
	VCardNickname      VCardProperty = "NICKNAME"
	VCardBirthday      VCardProperty = "BDAY"
	VCardEmail         VCardProperty = "EMAIL"
	VCardTitle         VCardProperty = "TITLE"
	VCardRole          VCardProperty = "ROLE"
	VCardOrganization  VCardProperty = "ORG"
	VCardNote          VCardProperty = "NOTE"
	VCardURL           VCardProperty = "URL"

	// The components of N, in the order of RFC 2426 §3.1.2.
	VCardFamilyName      VCardProperty = "N.family"
	VCardGivenName       VCardProperty = "N.given"
	VCardAdditionalNames VCardProperty = "N.additional"
	VCardHonorificPrefix VCardProperty = "N.prefix"
	VCardHonorificSuffix VCardProperty = "N.suffix"

	// The components of ADR, in the order of RFC 2426 §3.2.1.
	VCardPOBox           VCardProperty = "ADR.pobox"
	VCardExtendedAddress VCardProperty = "ADR.extended"
	VCardStreet          VCardProperty = "ADR.street"
	VCardLocality        VCardProperty = "ADR.locality"
	VCardRegion          VCardProperty = "ADR.region"
	VCardPostalCode      VCardProperty = "ADR.postalcode"
	VCardCountry         VCardProperty = "ADR.country"

	// Telephone numbers: TEL with its TYPE parameter.
	VCardPhone     VCardProperty = "TEL"
	VCardCellPhone VCardProperty = "TEL;TYPE=CELL"
	VCardHomePhone VCardProperty = "TEL;TYPE=HOME"
	VCardWorkPhone VCardProperty = "TEL;TYPE=WORK"
	VCardFax       VCardProperty = "TEL;TYPE=FAX"
)

var vcardProperties = []VCardProperty{
	VCardFormattedName, VCardNickname, VCardBirthday, VCardEmail, VCardTitle,
	VCardRole, VCardOrganization, VCardNote, VCardURL,
	VCardFamilyName, VCardGivenName, VCardAdditionalNames, VCardHonorificPrefix, VCardHonorificSuffix,
	VCardPOBox, VCardExtendedAddress, VCardStreet, VCardLocality, VCardRegion, VCardPostalCode, VCardCountry,
	VCardPhone, VCardCellPhone, VCardHomePhone, VCardWorkPhone, VCardFax,
}

// Valid reports whether p is one of the declared properties. The empty
// property (no mapping) is not Valid; a definition with VCard "" is fine.
func (p VCardProperty) Valid() bool {
	for _, q := range vcardProperties {
		if p == q {
			return true
		}
	}
	return false
}
