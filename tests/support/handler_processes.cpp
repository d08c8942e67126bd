#include "support/handler_processes.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>

namespace rj::test {

namespace {
std::string realPath(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) ? resolved : path;
}

std::string executableOf(const std::string& pid) {
  char target[PATH_MAX];
  ssize_t length = readlink(("/proc/" + pid + "/exe").c_str(), target, sizeof target - 1);
  return length > 0 ? std::string(target, static_cast<size_t>(length)) : "";
}

// environ is NUL-separated KEY=value entries.
bool hasEnvironmentEntry(const std::string& pid, const std::string& entry) {
  std::ifstream file("/proc/" + pid + "/environ", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    if (all.compare(start, end - start, entry) == 0) return true;
    start = end + 1;
  }
  return false;
}
struct DirectoryCloser {
  void operator()(DIR* directory) const { closedir(directory); }
};
}  // namespace

std::vector<pid_t> handlerProcesses(const std::string& var, const std::string& name) {
  std::string program = realPath(std::string(RJ_BUILD_DIR) + "/handlers/" + name);
  std::string config = "RJ_CONFIG=" + var + "/db.conf";
  // A deployment of docs/DEPLOY.md has its own copy of the programs somewhere inside var.
  std::string installed = realPath(var) + "/";
  std::string installedSuffix = "/handlers/" + name;
  auto isInstalledCopy = [&](const std::string& executable) {
    return executable.compare(0, installed.size(), installed) == 0 &&
           executable.size() > installedSuffix.size() &&
           executable.compare(executable.size() - installedSuffix.size(), installedSuffix.size(),
                              installedSuffix) == 0;
  };
  std::vector<pid_t> found;
  std::unique_ptr<DIR, DirectoryCloser> proc(opendir("/proc"));
  while (proc) {
    dirent* entry = readdir(proc.get());
    if (!entry) break;
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string executable = executableOf(pid);
    if ((executable == program && hasEnvironmentEntry(pid, config)) ||
        isInstalledCopy(executable)) {
      found.push_back(static_cast<pid_t>(std::stol(pid)));
    }
  }
  return found;
}

}  // namespace rj::test
