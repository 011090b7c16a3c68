#include "core/handler/matching.hpp"

#include <gtest/gtest.h>

namespace mc::handler {
namespace {

TEST(HandlerMatching, AKindBeatsAMimeTypeWhichBeatsAWildcard) {
  std::vector<std::string> kinds{"novel"}, mimes{"text/plain", "audio/*"};
  EXPECT_EQ(match(kinds, mimes, "novel", "application/octet-stream"), Match::kKind);
  EXPECT_EQ(match(kinds, mimes, "webpage", "Text/Plain; charset=UTF-8"), Match::kMime);
  EXPECT_EQ(match(kinds, mimes, "music", "audio/ogg"), Match::kMimeWildcard);
  EXPECT_EQ(match(kinds, mimes, "video", "video/mp4"), Match::kNone);
  EXPECT_EQ(match(kinds, mimes, "", ""), Match::kNone);
}

TEST(HandlerMatching, AWildcardCoversOnlyItsOwnTopLevelType) {
  std::vector<std::string> none, mimes{"audio/*"};
  EXPECT_EQ(match(none, mimes, "", "audio/mpeg"), Match::kMimeWildcard);
  EXPECT_EQ(match(none, mimes, "", "audiox/mpeg"), Match::kNone);
  EXPECT_EQ(match(none, mimes, "", "audio"), Match::kNone);
  EXPECT_EQ(match(none, mimes, "", "video/audio"), Match::kNone);
}

TEST(HandlerMatching, EssenceDropsParametersAndCase) {
  EXPECT_EQ(essence(" Text/HTML ; charset=GBK"), "text/html");
  EXPECT_EQ(essence("audio/ogg"), "audio/ogg");
  EXPECT_EQ(essence(""), "");
}

}  // namespace
}  // namespace mc::handler
