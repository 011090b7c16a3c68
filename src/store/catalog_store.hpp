// Storage of the resource catalog's metadata. Blob bytes live in the
// server's BlobStore; this records which blobs exist and what names them.
// docs/catalog.md is the design: the resource model, search, popularity,
// snapshots of ranked pages, grants.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/records.hpp"

namespace mc::store {

// A PATCH: each field that is set replaces the stored one.
struct ResourceChange {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::string> access;
  std::optional<bool> shareable;
  std::optional<std::optional<std::int64_t>> share_access_seconds;  // set to nullopt: no time limit
  std::optional<std::string> attributes;                            // canonical JSON text
  std::int64_t updated_at = 0;
};

// What the access rules need to know of a resource and one reader, read
// fresh (never from a cache: a grant or a PATCH on another node counts at once).
struct AccessFacts {
  Resource resource;
  std::int64_t publisher_id = 0;
  bool granted = false;  // the provider granted it to this reader
};

enum class ResourceSort { kNew, kPopular, kRelevance };

// One page of a listing or a search. Text terms are as search::parse_query
// gives them; each store matches them its own way (FTS5, tsvector).
struct ResourceQuery {
  std::optional<std::string> type;
  std::optional<std::string> tag;
  std::vector<std::string> terms;  // all must match; empty: no text search
  ResourceSort sort = ResourceSort::kNew;
  std::optional<std::int64_t> before_position;  // kNew: keyset, newest first
  int limit = 50;
};

// The ids of a ranked result (kPopular, kRelevance), best first: a page
// after the first reads from a snapshot so that new resources never shift it.
struct RankedIds {
  std::vector<std::string> ids;
};

// Popularity weighs each day by 2^((day - kPopularityEpochDay) / 7): a day
// counts half as much as one a week younger, and scores never need decaying.
inline constexpr std::int64_t kPopularityEpochDay = 20454;  // 2026-01-01
inline constexpr int kPopularityWindowDays = 30;

// Downloads and shares of one resource on one day (days since 1970-01-01 UTC).
struct PopularityCount {
  std::string resource_id;
  std::int64_t day = 0;
  std::int64_t downloads = 0;
  std::int64_t shares = 0;
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Records a blob whose bytes are durable on disk, and that `uploader` sent
  // them (only uploaders may publish a blob: knowing a hash is no proof of
  // holding the bytes). Idempotent; storing it again makes it young again
  // (blob collection's grace starts over).
  virtual Status put_blob(const std::string& sha256, std::int64_t size,
                          std::optional<std::int64_t> uploader = std::nullopt) = 0;
  // Whether `user_id` uploaded the blob (resources published before uploads
  // were recorded count as uploaded by their publisher).
  virtual Result<bool> holds_blob(const std::string& sha256, std::int64_t user_id) = 0;
  virtual Result<std::optional<std::int64_t>> blob_size(const std::string& sha256) = 0;

  // Inserts `r` (id, created_at filled by the caller) published by `publisher_id`.
  virtual Result<Resource> create_resource(const Resource& r, std::int64_t publisher_id) = 0;
  // Inserts many in one transaction (imports, seeding): all or none.
  virtual Status create_resources(const std::vector<Resource>& rs, std::int64_t publisher_id) = 0;
  // Errors: kNotFound "resource_not_found". Unpublished ones too (gone = true).
  virtual Result<Resource> get_resource(const std::string& id) = 0;
  // Resources in publishing order after position `after`, optionally of one
  // type; unpublished ones left out.
  virtual Result<ResourcePage> list_resources(const std::optional<std::string>& type, std::int64_t after,
                                              int limit) = 0;
  virtual Result<std::int64_t> count_resources() = 0;

  // Errors: kNotFound "resource_not_found".
  virtual Result<Resource> update_resource(const std::string& id, const ResourceChange& change) = 0;
  // Marks it unpublished at `at` (the first time stays). Errors: resource_not_found.
  virtual Result<Resource> unpublish_resource(const std::string& id, std::int64_t at) = 0;
  // Errors: kNotFound "resource_not_found".
  virtual Result<AccessFacts> access_facts(const std::string& id, std::int64_t user_id) = 0;

  // Grants (a stand-in for a purchase). grant is idempotent; revoke_grant
  // returns whether there was one.
  virtual Status grant(const std::string& resource_id, std::int64_t user_id, std::int64_t at) = 0;
  virtual Result<bool> revoke_grant(const std::string& resource_id, std::int64_t user_id) = 0;
  virtual Result<std::vector<std::string>> list_grants(const std::string& resource_id) = 0;  // network IDs

  // kNew: one page (next_after holds the position to continue before).
  // kPopular, kRelevance: up to `max_ranked` ids, best first (the caller pages them).
  virtual Result<ResourcePage> query_new(const ResourceQuery& q) = 0;
  virtual Result<RankedIds> query_ranked(const ResourceQuery& q, int max_ranked) = 0;
  // The resources named, in the order given, leaving out unknown and unpublished ones.
  virtual Result<std::vector<Resource>> resources_by_ids(const std::vector<std::string>& ids) = 0;

  // Snapshots of ranked results for later pages, kept until `expires_at`.
  virtual Status put_snapshot(const std::string& id, const std::vector<std::string>& ids, std::int64_t expires_at,
                              std::int64_t now) = 0;
  // As put_snapshot without waiting for it to be durable: a snapshot is a
  // cache of a ranking (a lost one is 410 cursor_expired), and a search must
  // not wait for a disk flush.
  virtual void put_snapshot_later(const std::string& id, std::vector<std::string> ids, std::int64_t expires_at,
                                  std::int64_t now) = 0;
  // nullopt when unknown or expired.
  virtual Result<std::optional<std::vector<std::string>>> get_snapshot(const std::string& id, std::int64_t now) = 0;

  // A secret named `name` (32 random bytes made on first use), the same for
  // every node of a tier.
  virtual Result<std::string> secret(const std::string& name) = 0;

  // Adds counted downloads and shares in one write; day is the day they
  // were counted on.
  virtual Status add_popularity(const std::vector<PopularityCount>& counts) = 0;
  // Drops days before `first_day` from the window and recomputes the scores
  // they were part of.
  virtual Status expire_popularity(std::int64_t first_day) = 0;

  // Blobs no resource names, created before `older_than` (for gc), and their removal.
  virtual Result<std::vector<std::string>> unreferenced_blobs(std::int64_t older_than, int limit) = 0;
  virtual Status delete_blobs(const std::vector<std::string>& sha256s) = 0;
};

}  // namespace mc::store
