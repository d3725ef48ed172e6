package main

import (
	"runtime/debug"
	"strings"
)

// commandHelp is what --help says of one command: its arguments, what it
// does, and what each of its flags does.
type commandHelp struct {
	args    string
	summary string
	flags   map[string]string
}

// helps describes every command of the dispatch table (TestHelpCoversTheTable
// checks that it does, flag by flag).
var helps = map[string]commandHelp{
	"config": {"server [url]", "Set the server URL (\"server\" with no URL prints it).", nil},
	"login": {"[email] [password]", "Log into an account and print the session key.", map[string]string{
		"apikey":       "Log in with an API key (BW_CLIENTID, BW_CLIENTSECRET); the master password still unlocks.",
		"passwordenv":  "Read the master password from this environment variable.",
		"passwordfile": "Read the master password from the first line of this file.",
		"method":       "Two-step login provider (0 authenticator, 1 e-mail, 3 YubiKey).",
		"code":         "Two-step login code.",
		"check":        "Only check whether you are logged in.",
		"sso":          "Not supported by bsafe (it needs a browser); use --apikey.",
	}},
	"unlock": {"[password]", "Unlock the vault and print a new session key.", map[string]string{
		"passwordenv":  "Read the master password from this environment variable.",
		"passwordfile": "Read the master password from the first line of this file.",
		"check":        "Only check whether the vault is unlocked.",
	}},
	"lock":   {"", "Lock the vault: forget the session key and delete the vault cache.", nil},
	"logout": {"", "Log out: forget the account and delete the vault cache.", nil},
	"status": {"", "Print the server, the account and whether the vault is locked, as JSON.", nil},
	"sync": {"", "Fetch the whole vault from the server into the encrypted vault cache.", map[string]string{
		"force": "Accepted for bw's sake: every sync is a full sync.",
		"last":  "Print the date of the last sync.",
	}},
	"encode": {"", "Base64-encode standard input, for create and edit.", nil},
	"list": {"<object>", "List items, folders, collections, organizations, org-collections or org-members.", map[string]string{
		"search":         "Only objects that match this text (items: by name, login, URI or ID, as bw searches; not org-members).",
		"url":            "Only items with a URI that matches this URL.",
		"folderid":       "Only items in this folder (\"null\": in none, \"notnull\": in one).",
		"collectionid":   "Only items in this collection (\"null\": in none, \"notnull\": in one).",
		"organizationid": "Only items or collections of this organization (items: \"null\": personal, \"notnull\": any); for org-collections and org-members, required.",
		"trash":          "List the items in the trash.",
	}},
	"get": {"<object> <id>", "Get an item, or its username, password, uri or notes; exposed (times a password was breached); template.", map[string]string{
		"itemid":         "Accepted for bw's sake (attachments are not supported).",
		"output":         "Accepted for bw's sake (attachments are not supported).",
		"organizationid": "Accepted for bw's sake.",
	}},
	"create": {"<object> [encodedJson]", "Create an item, folder or org-collection from base64 JSON (argument or standard input).", map[string]string{
		"organizationid": "The organization of an org-collection.",
	}},
	"edit": {"<object> <id> [encodedJson]", "Edit an item, its collections (item-collections) or an org-collection.", map[string]string{
		"organizationid": "The organization of an org-collection.",
	}},
	"delete": {"<object> <id>", "Move an item to the trash.", map[string]string{
		"permanent":      "Delete it for good instead.",
		"organizationid": "Accepted for bw's sake.",
	}},
	"restore": {"<object> <id>", "Restore an item from the trash.", nil},
	"move":    {"<id> <organizationId> [encodedJson]", "Move a personal item into an organization, in the collections of the base64 JSON array of IDs.", nil},
	"confirm": {"<object> <id>", "Confirm an org-member who accepted an invitation.", map[string]string{
		"organizationid": "The member's organization.",
	}},
	"generate": {"", "Generate a password or passphrase.", map[string]string{
		"uppercase":     "Include uppercase letters.",
		"lowercase":     "Include lowercase letters.",
		"number":        "Include numbers.",
		"special":       "Include special characters.",
		"length":        "Length of the password (default 14).",
		"minNumber":     "At least this many numbers.",
		"minSpecial":    "At least this many special characters.",
		"ambiguous":     "Avoid ambiguous characters.",
		"passphrase":    "Generate a passphrase instead.",
		"words":         "Number of words of the passphrase (default 3).",
		"separator":     "Word separator of the passphrase.",
		"capitalize":    "Capitalize the words of the passphrase.",
		"includeNumber": "Add a number to the passphrase.",
	}},
}

// globalHelp describes globalFlags.
var globalHelp = map[string]string{
	"session":       "Use this session key instead of BW_SESSION.",
	"raw":           "Print the raw value instead of a message.",
	"pretty":        "Indent JSON output by two spaces.",
	"response":      "Print every result, and every error, as a JSON response.",
	"quiet":         "Print nothing to standard output.",
	"nointeraction": "Never prompt.",
	"cleanexit":     "Exit 0 even on an error.",
	"version":       "Print the version.",
	"help":          "Print this help, or a command's.",
}

// usage is the text of "bsafe --help".
func usage() string {
	var b strings.Builder
	b.WriteString("Usage: bsafe [options] <command> [arguments]\n\n")
	b.WriteString("bsafe is a Go replacement for the commands of the Bitwarden CLI (bw) that\n")
	b.WriteString("scripts use; its output and exit codes follow bw's.\n\nOptions:\n")
	writeFlags(&b, globalFlags, globalHelp)
	b.WriteString("\nCommands:\n")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name+" "+helps[c.name].args))
	}
	for _, c := range commands {
		h := helps[c.name]
		b.WriteString("  " + pad(c.name+" "+h.args, width) + "  " + h.summary + "\n")
	}
	b.WriteString("\nRun \"bsafe <command> --help\" for a command's options.\n")
	return b.String()
}

// commandUsage is the text of "bsafe <command> --help".
func commandUsage(c *command) string {
	h := helps[c.name]
	var b strings.Builder
	b.WriteString("Usage: bsafe " + c.name)
	if len(c.flags) > 0 {
		b.WriteString(" [options]")
	}
	if h.args != "" {
		b.WriteString(" " + h.args)
	}
	b.WriteString("\n\n" + h.summary + "\n")
	if len(c.flags) > 0 {
		b.WriteString("\nOptions:\n")
		writeFlags(&b, c.flags, h.flags)
	}
	b.WriteString("\nGlobal options (see bsafe --help) apply too.\n")
	return b.String()
}

// writeFlags lists defs, aligned, with their help texts.
func writeFlags(b *strings.Builder, defs []flagDef, texts map[string]string) {
	spell := func(d flagDef) string {
		s := "--" + d.name
		if d.short != 0 {
			s = "-" + string(d.short) + ", " + s
		}
		if d.value {
			s += " <value>"
		}
		return s
	}
	width := 0
	for _, d := range defs {
		width = max(width, len(spell(d)))
	}
	for _, d := range defs {
		b.WriteString("  " + pad(spell(d), width) + "  " + texts[d.name] + "\n")
	}
}

func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-len(s)))
}

// version is what --version prints: the module version the binary was
// built from ("go install …@v1.2.3"), or "devel" for a build from a
// checkout.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "devel"
}
