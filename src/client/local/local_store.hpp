// The client's own store under --home: the inbox items this install has
// received and its cursor, in SQLite (one file per network ID). An item and
// the cursor move together in one transaction, before the item is shown and
// before it is acked, so a restarted client resumes where it stopped and
// never loses an item it acked.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace mc::sqlite {
class Database;
}

namespace mc::client {

class LocalStore {
 public:
  static Result<std::unique_ptr<LocalStore>> open(const std::string& home, const std::string& network_id);
  ~LocalStore();

  // Stores the item unless its id is known, and moves the cursor to seq if
  // that is further. Returns whether the item was new.
  Result<bool> store_item(const std::string& id, std::int64_t seq, const std::string& json);
  Result<std::int64_t> cursor();
  // A stored item's JSON, as it arrived; nullopt when this profile never stored it.
  Result<std::optional<std::string>> item_json(const std::string& id);

 private:
  explicit LocalStore(std::unique_ptr<sqlite::Database> db);
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace mc::client
