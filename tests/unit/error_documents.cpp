// The static error bodies the web servers send for errors they make themselves (web/rj-errors/,
// referenced by every configuration under deploy/) and the code table of docs/API.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "errors/errors.h"
#include "json/json.h"

namespace rj {

namespace {
namespace fs = std::filesystem;

std::string fileText(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::set<std::string> codeNames() {
  std::set<std::string> names;
  for (ErrorCode code : allErrorCodes()) names.insert(errorCodeName(code));
  return names;
}
}  // namespace

TEST(ErrorDocuments, EachHasTheApiErrorShapeForItsStatus) {
  fs::path dir = fs::path(RJ_SOURCE_DIR) / "web" / "rj-errors";
  std::set<int> statuses;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    int status = std::stoi(entry.path().stem().string());
    statuses.insert(status);
    std::string text = fileText(entry.path());
    auto document = parseJsonBody(text);
    EXPECT_EQ(document["statusCode"].GetInt(), status) << entry.path();
    EXPECT_STREQ(document["error"].GetString(), reasonPhrase(status)) << entry.path();
    EXPECT_NE(std::string(document["message"].GetString()), "") << entry.path();
    EXPECT_EQ(codeNames().count(document["code"].GetString()), 1u) << entry.path();
    // lighttpd's server.errorfile-prefix looks for <status>.html.
    fs::path lighttpdName = entry.path();
    lighttpdName.replace_extension(".html");
    EXPECT_EQ(fileText(lighttpdName), text) << lighttpdName;
  }
  EXPECT_EQ(statuses, (std::set<int>{413, 500, 502, 503, 504}));
}

TEST(ErrorDocuments, ApiDocumentationListsEveryCode) {
  std::string api = fileText(fs::path(RJ_SOURCE_DIR) / "docs" / "API.md");
  for (const std::string& name : codeNames()) {
    EXPECT_NE(api.find("| `" + name + "` |"), std::string::npos) << name;
  }
}

}  // namespace rj
