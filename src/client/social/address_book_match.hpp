// Finding the user's contacts among the provider's users without telling
// the provider a single number or address from the address book
// (docs/protocol.md "Address-book matching"): read the file, normalise
// each identifier, blind it, have the server evaluate the blinded points,
// unblind, and compare the tags with the directory the server publishes.
// Only the tags that match, which belong to the provider's own findable
// users, go back to the server, as the user's contacts.
#pragma once

#include <string>
#include <vector>

#include "client/connection.hpp"
#include "core/contacts/address_book.hpp"

namespace mc::client {

struct ContactMatch {
  std::string network_id;
  std::string display_name;        // the user's own, from their profile
  std::vector<std::string> names;  // how the address book names them
};

struct ImportReport {
  std::string format;  // "vcard", "google_csv", "outlook_csv", "csv"
  std::size_t entries = 0;
  std::size_t identifiers = 0;  // distinct normalised numbers and addresses
  std::size_t evaluated = 0;    // of those, sent blinded (the others' tags were known from before)
  std::vector<contacts::AddressBookProblem> problems;  // cards skipped, numbers that are no numbers
  std::vector<ContactMatch> matches;
};

// Imports the address book at `path`: its matches become the user's
// contacts on the server (replacing those of an earlier import). Numbers
// written without a country code are read in `region` (the profile's).
// `home` keeps the address book's names for the matches and the tags of
// identifiers evaluated before, by the identifier's SHA-256 (so a re-import,
// or an import the server's daily limit stopped, evaluates only new ones).
// That file is as sensitive as the address book: a SHA-256 of a phone number
// can be found by trying every number. Errors: the reader's
// (contacts/address_book.hpp), the server's (429 rate_limited, ...).
Result<ImportReport> import_address_book(Connection& conn, const std::string& path, const std::string& region,
                                         const std::string& home);

// The user's contacts as the server has them, with the names the last
// import found for them on this terminal.
Result<std::vector<ContactMatch>> list_contacts(Connection& conn, const std::string& home);

}  // namespace mc::client
