#include "client/handlers/handler_source.hpp"

#include <boost/json.hpp>
#include <filesystem>

#include "client/acquire/catalog.hpp"
#include "client/handlers/installed.hpp"
#include "core/durable_file.hpp"
#include "core/wire/codec.hpp"

namespace mc::client {

namespace fs = std::filesystem;

Result<handler::Package> read_handler_dir(const std::string& dir) {
  MC_TRY(auto manifest_text, read_small_file(dir + "/manifest.json", 64 * 1024));
  MC_TRY(auto manifest, handler::parse_manifest(manifest_text));
  std::vector<handler::PackageFile> files;
  std::error_code ec;
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), dir).generic_string();
    if (rel == "manifest.json") continue;
    if (files.size() >= handler::kMaxPackageFiles) {
      return Error::too_large("package_too_large",
                              "a package holds at most " + std::to_string(handler::kMaxPackageFiles) + " files");
    }
    MC_TRY(auto bytes, read_small_file(it->path().string(), handler::kMaxPackageBytes));
    total += bytes.size();
    if (total > handler::kMaxPackageBytes) {
      return Error::too_large("package_too_large", "the files of " + dir + " add up to more than 1 MiB");
    }
    files.push_back({rel, std::move(bytes)});
  }
  if (ec) return Error::failed_precondition("cannot_read_file", "cannot read " + dir + ": " + ec.message());
  // build_package checks paths, the entry and the limits; a throwaway key
  // lets the same checks run for a folder that is not being signed.
  MC_TRY(auto bytes, handler::build_package(manifest, files, handler::generate_key_pair()));
  return handler::parse_package(bytes);
}

Result<wire::Handler> publish_handler(Connection& conn, const std::string& dir, const std::string& key_path) {
  MC_TRY(auto key_text, read_small_file(key_path, 4096));
  MC_TRY(auto key, handler::parse_secret_key_text(key_text));
  MC_TRY(auto unsigned_pkg, read_handler_dir(dir));
  MC_TRY(auto bytes, handler::build_package(unsigned_pkg.manifest, unsigned_pkg.files, key));
  MC_TRY(auto reply, conn.http().request("POST", "/v1/handlers", bytes,
                                         conn.auth_headers({{"Content-Type", "application/vnd.msgcenter.handler"}})));
  if (reply.status < 200 || reply.status > 299) return error_from_reply(reply);
  boost::system::error_code ec;
  auto v = boost::json::parse(reply.body, ec);
  if (ec) return Error::network("the server's answer is not JSON: " + ec.message());
  return wire::from_json<wire::Handler>(v, "handler");
}

Result<handlers::HandlerResult> run_handler_dir(const LocalRun& run, const std::string& state_home) {
  MC_TRY(auto pkg, read_handler_dir(run.dir));
  handlers::HandlerRun r;
  std::error_code ec;
  auto size = fs::file_size(run.file, ec);
  if (ec) return Error::not_found("file_not_found", "cannot read " + run.file + ": " + ec.message());
  r.resource.id = "local";
  r.resource.type = !run.type.empty() ? run.type : pkg.manifest.kinds.empty() ? "" : pkg.manifest.kinds.front();
  r.resource.mime = run.mime;
  r.resource.title = run.title.empty() ? fs::path(run.file).filename().string() : run.title;
  r.resource.filename = fs::path(run.file).filename().string();
  r.resource.size = static_cast<std::int64_t>(size);
  // Handlers key their caches by the content's SHA-256, as for a resource.
  MC_TRY(r.resource.sha256, sha256_of_file(run.file));
  r.content_path = run.file;
  r.page = run.page;
  r.input = run.input;
  r.show = run.show;
  std::string state_file = state_home + "/handler-runs/" + pkg.manifest.name + "/state.json";
  if (!state_home.empty()) r.state = load_handler_state(state_file);
  MC_TRY(auto result, handlers::run_handler(pkg, std::move(r)));
  if (!state_home.empty() && result.state_changed) MC_TRY_STATUS(save_handler_state(state_file, result.state));
  return result;
}

}  // namespace mc::client
