// Storage of what connects people: profiles and their privacy settings,
// confirmed phone numbers and e-mail addresses (never an address book's),
// the provider's address-book matching key, matched contacts, friends,
// friend requests and blocks (docs/protocol.md "People").
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

inline constexpr std::size_t kMaxContacts = 50000;
inline constexpr int kMaxVerificationAttempts = 5;

// Who may share with a user, or send them a friend request.
enum class Reach { kEveryone, kContacts, kFriends, kNobody };
std::string_view reach_name(Reach r);
std::optional<Reach> parse_reach(std::string_view name);

struct Profile {
  std::string display_name;
  std::string region;  // ISO 3166 alpha-2, for numbers written without a country code; "" unset
  bool findable_by_phone = false;
  bool findable_by_email = false;
  Reach who_may_share = Reach::kEveryone;    // everyone | contacts (and friends) | friends
  Reach who_may_request = Reach::kEveryone;  // friend requests: everyone | contacts | nobody
};

// A field left unset is left as it is.
struct ProfileChange {
  std::optional<std::string> display_name;
  std::optional<std::string> region;
  std::optional<bool> findable_by_phone;
  std::optional<bool> findable_by_email;
  std::optional<Reach> who_may_share;
  std::optional<Reach> who_may_request;
};

// A user's own phone number or e-mail address: "phone" (E.164) or "email".
struct Identifier {
  std::string kind;
  std::string value;
  std::optional<std::int64_t> verified_at;  // unset: waiting for its code
  std::int64_t expires_at = 0;              // pending: when its code stops working
};

struct PendingCode {
  std::string kind;
  std::string value;
  std::string code_hash;
  std::int64_t expires_at = 0;
  int attempts = 0;
};

struct Person {
  std::int64_t user_id = 0;
  std::string network_id;
  std::string display_name;
  std::int64_t since = 0;  // when the relation (contact, friend, block) began
};

struct FriendRequest {
  Person from;
  Person to;
  std::string message;
  std::int64_t created_at = 0;
};

struct FriendRequests {
  std::vector<FriendRequest> incoming;
  std::vector<FriendRequest> outgoing;
};

// What a friend request came to.
struct FriendRequestOutcome {
  enum class State { kSent, kAccepted, kRefused } state = State::kSent;
  std::optional<Delivery> delivery;  // the inbox item it gave the other side, if any
};

// A contact tag as stored: the OPRF tag of a confirmed identifier
// (core/contacts/oprf.hpp) and whose it is.
struct DirectoryEntry {
  std::string tag;  // hex
  Person person;
};

class SocialStore {
 public:
  virtual ~SocialStore() = default;

  // ---- profiles -------------------------------------------------------------
  // Defaults for a user who never changed anything.
  virtual Result<Profile> profile(std::int64_t user_id) = 0;
  virtual Result<Profile> change_profile(std::int64_t user_id, const ProfileChange& change) = 0;

  // ---- own identifiers -------------------------------------------------------
  // Confirmed identifiers and pending ones (verified_at unset) whose code
  // still has attempts left, kind order.
  virtual Result<std::vector<Identifier>> identifiers(std::int64_t user_id) = 0;
  // Replaces the user's pending code of that kind.
  virtual Status put_pending_code(std::int64_t user_id, const PendingCode& code) = 0;
  virtual Result<std::vector<PendingCode>> pending_codes(std::int64_t user_id) = 0;
  // A guess at a code: every pending code of the user with attempts left
  // counts one attempt more, in one write, and those are returned (with
  // their new counts) for the caller to compare. So parallel guesses each
  // use an attempt: a code gets kMaxVerificationAttempts guesses, never more.
  virtual Result<std::vector<PendingCode>> take_verification_attempt(std::int64_t user_id) = 0;
  // The pending code of `kind` whose hash is `code_hash` was right: it is
  // used up, and the identifier becomes the user's confirmed one of its kind
  // (replacing an older), with `tag` (hex) its directory tag. A number or
  // address confirmed by someone else before moves to this user: whoever
  // proves it now holds it. Errors: kInvalidArgument "invalid_code" when
  // that code is no longer there (replaced, or used by a parallel guess).
  virtual Status confirm_identifier(std::int64_t user_id, const std::string& kind, const std::string& value,
                                    const std::string& code_hash, const std::string& tag, std::int64_t at) = 0;
  // Errors: kNotFound "identifier_not_found".
  virtual Status remove_identifier(std::int64_t user_id, const std::string& kind) = 0;

  // ---- address-book matching -----------------------------------------------
  // The tier's OPRF key (hex), stored as `candidate` unless one exists:
  // every node of a tier reads the same one.
  virtual Result<std::string> oprf_key(const std::string& candidate) = 0;
  // Tags (hex) of identifiers whose owners may be found that way by `viewer`
  // (findable by that kind, not the viewer, not blocking the viewer).
  virtual Result<std::vector<std::string>> directory_tags(std::int64_t viewer_id) = 0;
  // Of `tags`, those the viewer may find, with their owners.
  virtual Result<std::vector<DirectoryEntry>> find_by_tags(std::int64_t viewer_id,
                                                           const std::vector<std::string>& tags) = 0;
  // The owner's contacts become exactly `contact_ids` (an import refreshes
  // them all). Errors: kInvalidArgument "too_many_contacts".
  virtual Status replace_contacts(std::int64_t owner_id, const std::vector<std::int64_t>& contact_ids) = 0;
  virtual Result<std::vector<Person>> contacts(std::int64_t owner_id) = 0;

  // ---- friends -------------------------------------------------------------
  // Sends a request from `from_id` to `to_id`, and its inbox item, in one
  // transaction. A request the other side already sent is accepted instead
  // (kAccepted, and the item goes to them), whatever their policy. kRefused
  // when the recipient's who_may_request does not let the sender reach them,
  // or they block the sender (store/rules/reach_rules.hpp): nothing is
  // stored. Errors: kAlreadyExists "already_friends", "request_pending";
  // kFailedPrecondition "you_block_them".
  virtual Result<FriendRequestOutcome> send_friend_request(std::int64_t from_id, std::int64_t to_id,
                                                           const std::string& message, std::int64_t at) = 0;
  virtual Result<FriendRequests> friend_requests(std::int64_t user_id) = 0;
  // Accepts the request `from_id` sent `to_id`: they become friends and
  // `from_id` gets an inbox item. Errors: kNotFound "request_not_found".
  virtual Result<Delivery> accept_friend_request(std::int64_t to_id, std::int64_t from_id, std::int64_t at) = 0;
  // Declined by its recipient or cancelled by its sender: the request goes,
  // silently. Errors: kNotFound "request_not_found".
  virtual Status drop_friend_request(std::int64_t from_id, std::int64_t to_id) = 0;
  virtual Result<std::vector<Person>> friends(std::int64_t user_id) = 0;
  // Errors: kNotFound "not_friends".
  virtual Status remove_friend(std::int64_t user_id, std::int64_t friend_id) = 0;

  // ---- blocks --------------------------------------------------------------
  // Also ends a friendship and drops requests between the two.
  virtual Status block(std::int64_t user_id, std::int64_t blocked_id, std::int64_t at) = 0;
  // Errors: kNotFound "not_blocked".
  virtual Status unblock(std::int64_t user_id, std::int64_t blocked_id) = 0;
  virtual Result<std::vector<Person>> blocked(std::int64_t user_id) = 0;

  // ---- who may reach whom --------------------------------------------------
  // Of `recipient_ids`, those who do not accept shares from `sender_id`:
  // who block the sender, or whose who_may_share the sender does not meet.
  virtual Result<std::set<std::int64_t>> refusing_shares(std::int64_t sender_id,
                                                         const std::vector<std::int64_t>& recipient_ids) = 0;
};

}  // namespace mc::store
