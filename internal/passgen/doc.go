// Package passgen generates passwords and passphrases the way the official
// Bitwarden CLI's "bw generate" does: the same options, the same character
// sets, the same EFF word list. It is the generator behind "bsafe generate"
// and the mass password reset.
//
// Randomness comes from crypto/rand only. Every choice among n
// possibilities is uniform: a random value outside the largest multiple of
// n it can take is drawn again (rejection sampling), never reduced modulo n
// on its own, which would favour the first values.
//
// The character sets are bw's: A–Z, a–z, 0–9 and the special characters
// !@#$%^&*. Avoiding ambiguous characters drops I and O, l, and 0 and 1
// (bw's "unmistakable" sets); the special set has none to drop.
//
// Password and Passphrase are strict: options that cannot be met are an
// error (see OptionError). bw itself never fails; it quietly raises a
// length below 5 to 5, and a length below what the classes require to that
// sum, and ignores minimums of classes that are off. [Options.Adjust] and
// [PassphraseOptions.Adjust] apply that leniency for a bw-compatible
// command line.
package passgen
